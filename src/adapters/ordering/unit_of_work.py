"""Ordering's unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.ordering.repository import (
    SqlAlchemyFulfilmentRepository,
    SqlAlchemyOrderRepository,
    SqlAlchemyPriceList,
)
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, repository


class SqlAlchemyOrderingUnitOfWork(SqlAlchemyUnitOfWork):
    orders = repository(SqlAlchemyOrderRepository)
    fulfilments = repository(SqlAlchemyFulfilmentRepository)
    prices = repository(SqlAlchemyPriceList)
