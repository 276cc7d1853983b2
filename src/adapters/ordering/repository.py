"""Orders, their fulfilments and ordering's price list, kept in ordering's own database."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.ordering.orm import orders
from adapters.persistence.repository import SqlAlchemyRepository
from domain.ordering.fulfilment import Fulfilment
from domain.ordering.order import Order, OrderStatus
from domain.ordering.price_list import ListedPrice
from domain.shared.identifiers import OrderId


class SqlAlchemyOrderRepository(SqlAlchemyRepository[Order]):
    entity = Order
    identity = "id"
    key = OrderId

    def count_by_status(self) -> dict[OrderStatus, int]:
        query = select(orders.c.status, func.count()).group_by(orders.c.status)
        return {status: count for status, count in self._session.execute(query)}


class SqlAlchemyFulfilmentRepository(SqlAlchemyRepository[Fulfilment]):
    entity = Fulfilment
    identity = "order_id"
    key = OrderId


class SqlAlchemyPriceList(SqlAlchemyRepository[ListedPrice]):
    entity = ListedPrice
