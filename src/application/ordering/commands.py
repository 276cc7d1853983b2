"""Commands ordering accepts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from tessera.application.ordering.queries import GetOrder, OrderView
from tessera.application.shared.bus import Command
from tessera.application.shared.outcome import Outcome


@attrs.frozen
class OrderLineRequest:
    sku: str
    quantity: int


def _as_lines(lines: Iterable[OrderLineRequest]) -> tuple[OrderLineRequest, ...]:
    return tuple(lines)


@attrs.frozen
class PlaceOrder(Command[Outcome[OrderView]]):
    customer_id: str
    lines: tuple[OrderLineRequest, ...] = attrs.field(converter=_as_lines)
    card_token: str
    address: str
    order_id: str | None = None
    """Chosen by the caller to make placing idempotent; a new one when not given."""

    def settled(self, result: Outcome[OrderView], ask: Callable[[Any], Any]) -> Outcome[OrderView]:
        """The order as the saga left it: shipped, cancelled, or waiting on a retry."""
        return Outcome(ask(GetOrder(result.view.id)), result.changed)


@attrs.frozen
class CancelOrder(Command[Outcome[OrderView]]):
    order_id: str
    by_operator: bool = False
    """An operator's cancellation (the order waited on something that will never come), not
    the customer's: recorded as the operator's."""

    def settled(self, result: Outcome[OrderView], ask: Callable[[Any], Any]) -> Outcome[OrderView]:
        """The order once its stock and money were given back."""
        return Outcome(ask(GetOrder(result.view.id)), result.changed)
