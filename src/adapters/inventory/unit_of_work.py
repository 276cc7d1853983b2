"""Inventory's unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.inventory.repository import (
    SqlAlchemyAllocationRepository,
    SqlAlchemyCatalogueRepository,
    SqlAlchemyStockItemRepository,
)
from tessera.adapters.persistence.mapping import Store
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyInventoryUnitOfWork(SqlAlchemyUnitOfWork):
    stock: SqlAlchemyStockItemRepository
    catalogue: SqlAlchemyCatalogueRepository
    allocations: SqlAlchemyAllocationRepository

    def _open_repositories(self, store: Store) -> None:
        self.stock = SqlAlchemyStockItemRepository(store)
        self.catalogue = SqlAlchemyCatalogueRepository(store)
        self.allocations = SqlAlchemyAllocationRepository(store)
