"""What ordering publishes: the order lifecycle, and the requests its fulfilment saga makes."""

from __future__ import annotations

from decimal import Decimal

import attrs

from tessera.application.contracts import ROLLOUT_ENDS
from tessera.application.shared.integration import integration_event, publish_alongside

SOURCE = "ordering"
"""The name ordering publishes under, subscribes under and keeps its database under."""


@attrs.frozen
class OrderedLine:
    sku: str
    quantity: int


@integration_event(SOURCE, "OrderPlaced", version=2, subject="order_id")
@attrs.frozen
class OrderPlaced:
    order_id: str
    customer_id: str
    lines: list[OrderedLine]
    total: Decimal
    currency: str


@integration_event(SOURCE, "OrderCancelled", version=2, subject="order_id")
@attrs.frozen
class OrderCancelled:
    order_id: str


@integration_event(SOURCE, "OrderCompleted", version=1, subject="order_id")
@attrs.frozen
class OrderCompleted:
    order_id: str


@integration_event(SOURCE, "PaymentRequested", version=1, subject="order_id")
@attrs.frozen
class PaymentRequested:
    order_id: str
    amount: Decimal
    currency: str
    card_token: str


@integration_event(SOURCE, "ShipmentRequested", version=2, subject="order_id")
@attrs.frozen
class ShipmentRequested:
    order_id: str
    address: str


@integration_event(SOURCE, "OrderPlaced", version=1, subject="order_id")
@attrs.frozen
class OrderPlacedV1:
    """Published beside version 2 until the rollout ends; `number` is read by no one."""

    order_id: str
    customer_id: str
    lines: list[OrderedLine]
    total: Decimal
    currency: str
    number: int | None = None
    """The order's number. Added to version 1 as an optional field, which consumers that
    predate it ignore; None in messages published before it."""


@integration_event(SOURCE, "OrderCancelled", version=1, subject="order_id")
@attrs.frozen
class OrderCancelledV1:
    """Published beside version 2 until the rollout ends; `reason` is read by no one."""

    order_id: str
    reason: str


@integration_event(SOURCE, "ShipmentRequested", version=1, subject="order_id")
@attrs.frozen
class ShipmentRequestedV1:
    """Published beside version 2 until the rollout ends; `lines` is read by no one."""

    order_id: str
    address: str
    lines: list[OrderedLine]


publish_alongside(OrderPlaced, OrderPlacedV1, until=ROLLOUT_ENDS)
publish_alongside(OrderCancelled, OrderCancelledV1, until=ROLLOUT_ENDS)
publish_alongside(ShipmentRequested, ShipmentRequestedV1, until=ROLLOUT_ENDS)
