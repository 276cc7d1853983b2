"""Inventory's unit of work on its own database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.inventory.repository import (
    SqlAlchemyCatalogueRepository,
    SqlAlchemyStockItemRepository,
)
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyInventoryUnitOfWork(SqlAlchemyUnitOfWork):
    stock: SqlAlchemyStockItemRepository
    catalogue: SqlAlchemyCatalogueRepository

    def _open_repositories(self, session: Session) -> None:
        self.stock = SqlAlchemyStockItemRepository(session)
        self.catalogue = SqlAlchemyCatalogueRepository(session)
