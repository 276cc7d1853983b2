"""Orders, their fulfilments and ordering's price list, kept in ordering's own database."""

from __future__ import annotations

from adapters.persistence.repository import SqlAlchemyRepository
from domain.ordering.fulfilment import Fulfilment
from domain.ordering.order import Order
from domain.ordering.price_list import ListedPrice


class SqlAlchemyOrderRepository(SqlAlchemyRepository[Order]):
    entity = Order
    identity = "id"


class SqlAlchemyFulfilmentRepository(SqlAlchemyRepository[Fulfilment]):
    entity = Fulfilment
    identity = "order_id"


class SqlAlchemyPriceList(SqlAlchemyRepository[ListedPrice]):
    entity = ListedPrice
