"""Orders, their fulfilments and ordering's price list, kept in ordering's own database."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Update, func, select, update

from tessera.adapters.ordering.orm import order_numbers, orders
from tessera.adapters.persistence.prepared import Prepared
from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.domain.ordering.fulfilment import Fulfilment
from tessera.domain.ordering.order import Order, OrderStatus
from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.ordering.repository import OrderCriteria
from tessera.domain.shared.identifiers import OrderId, Sku


class SqlAlchemyOrderRepository(SqlAlchemyRepository[Order]):
    entity = Order
    identity = "id"
    key = OrderId

    def find(self, criteria: OrderCriteria, limit: int | None) -> tuple[Sequence[Order], int]:
        where = []
        if criteria.customer_id is not None:
            where.append(orders.c.customer_id == criteria.customer_id)
        if criteria.status is not None:
            where.append(orders.c.status == criteria.status)
        if criteria.since is not None:
            where.append(orders.c.placed_at >= criteria.since)
        if criteria.until is not None:
            where.append(orders.c.placed_at < criteria.until)
        newest_first = (orders.c.placed_at.desc().nulls_last(), orders.c.id)
        found = self._store.load(Order, *where, order_by=newest_first, limit=limit)
        total = self._store.connection.scalar(
            select(func.count()).select_from(orders).where(*where)
        )
        return found, int(total or 0)

    def next_number(self) -> int:
        # One row counts: its update holds the row until the transaction ends, so that
        # concurrent placers, in any process, take the numbers one after another.
        pipeline = self._store.pipeline
        taking = Prepared.of("next order number", pipeline.connection.dialect, _next_number)
        taken = pipeline.rows(taking, {})
        if not taken:  # a database made from the tables alone (in memory), not migrated
            pipeline.insert(order_numbers, [{"id": 1, "last": 1}])
            return 1
        return int(taken[0]["last"])

    def id_numbered(self, number: int) -> OrderId | None:
        found = self._store.connection.scalar(select(orders.c.id).where(orders.c.number == number))
        return None if found is None else OrderId(str(found))

    def ids_starting_with(self, prefix: str, limit: int) -> list[OrderId]:
        # Ids are letters, digits, '-' and '_': '_' is LIKE's one wildcard to escape.
        pattern = prefix.replace("\\", "\\\\").replace("_", "\\_") + "%"
        query = (
            select(orders.c.id)
            .where(orders.c.id.like(pattern, escape="\\"))
            .order_by(orders.c.id)
            .limit(limit)
        )
        return list(self._store.connection.scalars(query))

    def count_by_status(self) -> dict[OrderStatus, int]:
        query = select(orders.c.status, func.count()).group_by(orders.c.status)
        return {status: count for status, count in self._store.connection.execute(query).all()}


def _next_number() -> Update:
    counter = order_numbers.c
    return (
        update(order_numbers)
        .where(counter.id == 1)
        .values(last=counter.last + 1)
        .returning(counter.last)
    )


class SqlAlchemyFulfilmentRepository(SqlAlchemyRepository[Fulfilment]):
    entity = Fulfilment
    identity = "order_id"
    key = OrderId


class SqlAlchemyPriceList(SqlAlchemyRepository[ListedPrice]):
    entity = ListedPrice
    identity = "sku"
    key = Sku
