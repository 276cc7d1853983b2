"""Products kept in the catalog's own database."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog.product import Product
from domain.shared.identifiers import Sku


class SqlAlchemyProductRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, product: Product) -> None:
        self._session.add(product)

    def get(self, sku: Sku) -> Product | None:
        return self._session.get(Product, sku)

    def all(self) -> Sequence[Product]:
        return self._session.scalars(select(Product)).all()
