"""What payments publishes: money taken, or refused."""

from __future__ import annotations

from decimal import Decimal

import attrs

from tessera.application.shared.integration import integration_event

SOURCE = "payments"
"""The name payments publishes under, subscribes under and keeps its database under."""


@integration_event(SOURCE, "PaymentCaptured", version=1, subject="order_id")
@attrs.frozen
class PaymentCaptured:
    order_id: str
    amount: Decimal
    currency: str


@integration_event(SOURCE, "PaymentDeclined", version=1, subject="order_id")
@attrs.frozen
class PaymentDeclined:
    order_id: str
    reason: str
