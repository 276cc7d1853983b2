"""The ports through which ordering keeps its orders and their fulfilments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs

from tessera.domain.ordering.fulfilment import Fulfilment
from tessera.domain.ordering.order import Order, OrderStatus
from tessera.domain.shared.identifiers import OrderId


@attrs.frozen
class OrderCriteria:
    """Which orders to find: each criterion given narrows the search."""

    customer_id: str | None = None
    status: OrderStatus | None = None
    since: datetime | None = None
    """Placed at or after."""
    until: datetime | None = None
    """Placed before."""


class OrderRepository(Protocol):
    def add(self, order: Order) -> None: ...

    def get(self, order_id: OrderId) -> Order | None: ...

    def all(self) -> Sequence[Order]: ...

    def find(self, criteria: OrderCriteria, limit: int | None) -> tuple[Sequence[Order], int]:
        """The newest orders that meet the criteria, at most `limit` of them, and how many
        meet them in all."""

    def next_number(self) -> int:
        """The next order number: unique in the shop, greater than every number given before."""

    def id_numbered(self, number: int) -> OrderId | None:
        """The id of the order with this number, if there is one."""

    def ids_starting_with(self, prefix: str, limit: int) -> list[OrderId]:
        """Ids of orders whose id begins with `prefix`, at most `limit` of them."""

    def count_by_status(self) -> dict[OrderStatus, int]:
        """How many orders are in each status, without loading them."""


class FulfilmentRepository(Protocol):
    def add(self, fulfilment: Fulfilment) -> None: ...

    def get(self, order_id: OrderId) -> Fulfilment | None: ...
