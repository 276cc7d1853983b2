"""What payments does when ordering asks for money, or cancels an order."""

from __future__ import annotations

import functools

from tessera.application.contracts.ordering import (
    OrderCancelled,
    OrderCancelledV1,
    PaymentRequested,
)
from tessera.application.payments.gateway import PaymentGateway
from tessera.application.payments.unit_of_work import PaymentsUnitOfWork
from tessera.application.shared.bus import Reactions
from tessera.application.shared.reads import AboutAnOrder
from tessera.domain.payments.payment import Payment, PaymentStatus
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money


def on_payment_requested(
    event: PaymentRequested, uow: PaymentsUnitOfWork, gateway: PaymentGateway
) -> None:
    """Take the money once per order: a redelivery, or a request after the order was
    cancelled (voided), changes nothing."""
    order_id = OrderId(event.order_id)
    if uow.payments.get(order_id) is not None:
        return
    amount = Money(event.amount, event.currency)
    result = gateway.charge(f"charge-{order_id}", event.card_token, amount)
    if result.approved:
        uow.payments.add(Payment.captured(order_id, amount))
    else:
        uow.payments.add(Payment.declined(order_id, amount, result.reason))


def on_order_cancelled(
    event: AboutAnOrder, uow: PaymentsUnitOfWork, gateway: PaymentGateway
) -> None:
    """Give back what was captured; an order cancelled before its payment takes none."""
    order_id = OrderId(event.order_id)
    payment = uow.payments.get(order_id)
    if payment is None:
        uow.payments.add(Payment.voided(order_id))
    elif payment.status is PaymentStatus.CAPTURED:
        outstanding = payment.captured_amount - payment.refunded
        gateway.refund(f"refund-{order_id}", outstanding)
        payment.refund(outstanding)


def payments_reactions(gateway: PaymentGateway) -> Reactions[PaymentsUnitOfWork]:
    """Version 1 of OrderCancelled is read too while an ordering on the older code sends it
    alone."""
    cancelled = functools.partial(on_order_cancelled, gateway=gateway)
    return {
        PaymentRequested: functools.partial(on_payment_requested, gateway=gateway),
        OrderCancelled: cancelled,
        OrderCancelledV1: cancelled,
    }
