"""Stock items, and what inventory knows of the catalog, kept in inventory's own database."""

from __future__ import annotations

from adapters.persistence.repository import SqlAlchemyRepository
from domain.inventory.allocation import Allocation
from domain.inventory.catalogue import CataloguedProduct
from domain.inventory.stock_item import StockItem
from domain.shared.identifiers import OrderId


class SqlAlchemyStockItemRepository(SqlAlchemyRepository[StockItem]):
    entity = StockItem


class SqlAlchemyCatalogueRepository(SqlAlchemyRepository[CataloguedProduct]):
    entity = CataloguedProduct


class SqlAlchemyAllocationRepository(SqlAlchemyRepository[Allocation]):
    entity = Allocation
    identity = "order_id"
    key = OrderId
