"""Ordering's unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.ordering.repository import (
    SqlAlchemyFulfilmentRepository,
    SqlAlchemyOrderRepository,
    SqlAlchemyPriceList,
)
from tessera.adapters.persistence.mapping import Store
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyOrderingUnitOfWork(SqlAlchemyUnitOfWork):
    orders: SqlAlchemyOrderRepository
    fulfilments: SqlAlchemyFulfilmentRepository
    prices: SqlAlchemyPriceList

    def _open_repositories(self, store: Store) -> None:
        self.orders = SqlAlchemyOrderRepository(store)
        self.fulfilments = SqlAlchemyFulfilmentRepository(store)
        self.prices = SqlAlchemyPriceList(store)
