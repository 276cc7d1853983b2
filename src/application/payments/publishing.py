"""How payments announces its changes: a refund stays inside payments, as no other context
reacts to it."""

from __future__ import annotations

from collections.abc import Iterable

from tessera.application.contracts import payments as published
from tessera.domain.payments import payment
from tessera.domain.shared.events import DomainEvent


def integration_events(event: DomainEvent) -> Iterable[object]:
    match event:
        case payment.PaymentCaptured(order_id=order_id, amount=amount):
            yield published.PaymentCaptured(order_id.value, amount.amount, amount.currency)
        case payment.PaymentDeclined(order_id=order_id, reason=reason):
            yield published.PaymentDeclined(order_id.value)
            yield published.PaymentDeclinedV1(order_id.value, reason)
