"""Stock items, and what inventory knows of the catalog, kept in inventory's own database."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.inventory.catalogue import CataloguedProduct
from domain.inventory.stock_item import StockItem
from domain.shared.identifiers import Sku


class SqlAlchemyStockItemRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, item: StockItem) -> None:
        self._session.add(item)

    def get(self, sku: Sku) -> StockItem | None:
        return self._session.get(StockItem, sku)

    def all(self) -> Sequence[StockItem]:
        return self._session.scalars(select(StockItem)).all()


class SqlAlchemyCatalogueRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, product: CataloguedProduct) -> None:
        self._session.add(product)

    def get(self, sku: Sku) -> CataloguedProduct | None:
        return self._session.get(CataloguedProduct, sku)

    def all(self) -> Sequence[CataloguedProduct]:
        return self._session.scalars(select(CataloguedProduct)).all()
