"""Products kept in the catalog's own database."""

from __future__ import annotations

from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.domain.catalog.product import Product
from tessera.domain.shared.identifiers import Sku


class SqlAlchemyProductRepository(SqlAlchemyRepository[Product]):
    entity = Product
    identity = "sku"
    key = Sku
