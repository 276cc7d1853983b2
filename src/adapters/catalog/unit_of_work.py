"""The catalog's unit of work on its own database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.catalog.repository import SqlAlchemyProductRepository
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyCatalogUnitOfWork(SqlAlchemyUnitOfWork):
    products: SqlAlchemyProductRepository

    def _open_repositories(self, session: Session) -> None:
        self.products = SqlAlchemyProductRepository(session)
