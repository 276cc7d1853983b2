"""The ports through which ordering keeps its orders and their fulfilments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.ordering.fulfilment import Fulfilment
from domain.ordering.order import Order, OrderStatus
from domain.shared.identifiers import OrderId


class OrderRepository(Protocol):
    def add(self, order: Order) -> None: ...

    def get(self, order_id: OrderId) -> Order | None: ...

    def all(self) -> Sequence[Order]: ...

    def count_by_status(self) -> dict[OrderStatus, int]:
        """How many orders are in each status, without loading them."""


class FulfilmentRepository(Protocol):
    def add(self, fulfilment: Fulfilment) -> None: ...

    def get(self, order_id: OrderId) -> Fulfilment | None: ...
