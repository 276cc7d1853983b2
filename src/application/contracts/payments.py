"""What payments publishes: money taken, refused, and given back."""

from __future__ import annotations

from decimal import Decimal

import attrs

from application.shared.integration import integration_event


@integration_event("payments", "PaymentCaptured", version=1, subject="order_id")
@attrs.frozen
class PaymentCaptured:
    order_id: str
    amount: Decimal
    currency: str


@integration_event("payments", "PaymentDeclined", version=1, subject="order_id")
@attrs.frozen
class PaymentDeclined:
    order_id: str
    reason: str


@integration_event("payments", "PaymentRefunded", version=1, subject="order_id")
@attrs.frozen
class PaymentRefunded:
    order_id: str
    amount: Decimal
    currency: str
