"""The inventory's unit of work on its own database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.inventory.repository import SqlAlchemyStockItemRepository
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyInventoryUnitOfWork(SqlAlchemyUnitOfWork):
    stock: SqlAlchemyStockItemRepository

    def _open_repositories(self, session: Session) -> None:
        self.stock = SqlAlchemyStockItemRepository(session)
