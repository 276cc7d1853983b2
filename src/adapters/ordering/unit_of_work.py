"""Ordering's unit of work on its own database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.ordering.repository import (
    SqlAlchemyFulfilmentRepository,
    SqlAlchemyOrderRepository,
    SqlAlchemyPriceList,
)
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyOrderingUnitOfWork(SqlAlchemyUnitOfWork):
    orders: SqlAlchemyOrderRepository
    fulfilments: SqlAlchemyFulfilmentRepository
    prices: SqlAlchemyPriceList

    def _open_repositories(self, session: Session) -> None:
        self.orders = SqlAlchemyOrderRepository(session)
        self.fulfilments = SqlAlchemyFulfilmentRepository(session)
        self.prices = SqlAlchemyPriceList(session)
