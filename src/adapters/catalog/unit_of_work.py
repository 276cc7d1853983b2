"""The catalog's unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.catalog.repository import SqlAlchemyProductRepository
from tessera.adapters.persistence.mapping import Store
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyCatalogUnitOfWork(SqlAlchemyUnitOfWork):
    products: SqlAlchemyProductRepository

    def _open_repositories(self, store: Store) -> None:
        self.products = SqlAlchemyProductRepository(store)
