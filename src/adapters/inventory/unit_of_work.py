"""Inventory's unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.inventory.repository import (
    SqlAlchemyAllocationRepository,
    SqlAlchemyCatalogueRepository,
    SqlAlchemyStockItemRepository,
)
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, repository


class SqlAlchemyInventoryUnitOfWork(SqlAlchemyUnitOfWork):
    stock = repository(SqlAlchemyStockItemRepository)
    catalogue = repository(SqlAlchemyCatalogueRepository)
    allocations = repository(SqlAlchemyAllocationRepository)
