"""What payments publishes: money taken, or refused."""

from __future__ import annotations

from decimal import Decimal

import attrs

from tessera.application.contracts import ROLLOUT_ENDS
from tessera.application.shared.integration import integration_event, publish_alongside

SOURCE = "payments"
"""The name payments publishes under, subscribes under and keeps its database under."""


@integration_event(SOURCE, "PaymentCaptured", version=1, subject="order_id")
@attrs.frozen
class PaymentCaptured:
    order_id: str
    amount: Decimal
    currency: str


@integration_event(SOURCE, "PaymentDeclined", version=2, subject="order_id")
@attrs.frozen
class PaymentDeclined:
    """The charge was refused; payments keeps the gateway's reason, for its own queries."""

    order_id: str


@integration_event(SOURCE, "PaymentDeclined", version=1, subject="order_id")
@attrs.frozen
class PaymentDeclinedV1:
    """Published beside version 2 until the rollout ends; `reason` is read by no one."""

    order_id: str
    reason: str


publish_alongside(PaymentDeclined, PaymentDeclinedV1, until=ROLLOUT_ENDS)
