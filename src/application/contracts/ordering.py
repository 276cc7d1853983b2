"""What ordering publishes: the order lifecycle, and the requests its fulfilment saga makes."""

from __future__ import annotations

from decimal import Decimal

import attrs

from application.shared.integration import integration_event


@attrs.frozen
class OrderedLine:
    sku: str
    quantity: int


@integration_event("ordering", "OrderPlaced", version=1, subject="order_id")
@attrs.frozen
class OrderPlaced:
    order_id: str
    customer_id: str
    lines: list[OrderedLine]
    total: Decimal
    currency: str


@integration_event("ordering", "OrderConfirmed", version=1, subject="order_id")
@attrs.frozen
class OrderConfirmed:
    """Stock is set aside and the money taken: the order will be shipped."""

    order_id: str


@integration_event("ordering", "OrderCancelled", version=1, subject="order_id")
@attrs.frozen
class OrderCancelled:
    order_id: str
    reason: str


@integration_event("ordering", "OrderCompleted", version=1, subject="order_id")
@attrs.frozen
class OrderCompleted:
    order_id: str


@integration_event("ordering", "PaymentRequested", version=1, subject="order_id")
@attrs.frozen
class PaymentRequested:
    order_id: str
    amount: Decimal
    currency: str
    card_token: str


@integration_event("ordering", "ShipmentRequested", version=1, subject="order_id")
@attrs.frozen
class ShipmentRequested:
    order_id: str
    address: str
    lines: list[OrderedLine]
