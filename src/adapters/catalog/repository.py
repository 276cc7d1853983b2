"""Products kept in the catalog's own database."""

from __future__ import annotations

from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.domain.catalog.product import Product


class SqlAlchemyProductRepository(SqlAlchemyRepository[Product]):
    entity = Product
