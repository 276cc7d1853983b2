"""Stock items, and what inventory knows of the catalog, kept in inventory's own database."""

from __future__ import annotations

from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.domain.inventory.allocation import Allocation
from tessera.domain.inventory.catalogue import CataloguedProduct
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.identifiers import OrderId, Sku


class SqlAlchemyStockItemRepository(SqlAlchemyRepository[StockItem]):
    entity = StockItem
    identity = "sku"
    key = Sku


class SqlAlchemyCatalogueRepository(SqlAlchemyRepository[CataloguedProduct]):
    entity = CataloguedProduct
    identity = "sku"
    key = Sku


class SqlAlchemyAllocationRepository(SqlAlchemyRepository[Allocation]):
    entity = Allocation
    identity = "order_id"
    key = OrderId
