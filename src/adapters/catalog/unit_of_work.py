"""The catalog's unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.catalog.repository import SqlAlchemyProductRepository
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, repository


class SqlAlchemyCatalogUnitOfWork(SqlAlchemyUnitOfWork):
    products = repository(SqlAlchemyProductRepository)
