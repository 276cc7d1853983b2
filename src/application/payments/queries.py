"""Questions payments answers."""

from __future__ import annotations

from decimal import Decimal

import attrs

from tessera.application.shared.bus import Query
from tessera.domain.payments.payment import Payment


@attrs.frozen
class ListPayments(Query["list[PaymentView]"]):
    pass


@attrs.frozen
class GetPayment(Query["PaymentView"]):
    """The payment taken (or declined, or voided) for one order."""

    order_id: str


@attrs.frozen
class PaymentView:
    order_id: str
    status: str
    captured: Decimal
    refunded: Decimal
    currency: str
    decline_reason: str | None = None

    @classmethod
    def of(cls, payment: Payment) -> PaymentView:
        return cls(
            payment.order_id.value,
            payment.status.value,
            payment.captured_amount.amount,
            payment.refunded.amount,
            payment.amount.currency,
            payment.decline_reason,
        )
