"""Inventory's unit of work on its own database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.inventory.repository import (
    SqlAlchemyAllocationRepository,
    SqlAlchemyCatalogueRepository,
    SqlAlchemyStockItemRepository,
)
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyInventoryUnitOfWork(SqlAlchemyUnitOfWork):
    stock: SqlAlchemyStockItemRepository
    catalogue: SqlAlchemyCatalogueRepository
    allocations: SqlAlchemyAllocationRepository

    def _open_repositories(self, session: Session) -> None:
        self.stock = SqlAlchemyStockItemRepository(session)
        self.catalogue = SqlAlchemyCatalogueRepository(session)
        self.allocations = SqlAlchemyAllocationRepository(session)
