"""Payments' use cases: it takes no commands from users, only questions."""

from __future__ import annotations

from tessera.application.payments.queries import GetPayment, ListPayments, PaymentView
from tessera.application.payments.unit_of_work import PaymentsUnitOfWork
from tessera.application.shared.bus import Handlers, use_cases
from tessera.domain.shared.errors import NotFound
from tessera.domain.shared.identifiers import OrderId


def list_payments(query: ListPayments, uow: PaymentsUnitOfWork) -> list[PaymentView]:
    with uow:
        payments = sorted(uow.payments.all(), key=lambda p: p.order_id)
        return [PaymentView.of(p) for p in payments]


def get_payment(query: GetPayment, uow: PaymentsUnitOfWork) -> PaymentView:
    with uow:
        payment = uow.payments.get(OrderId(query.order_id))
        if payment is None:
            raise NotFound(f"payments has no payment for order {query.order_id}")
        return PaymentView.of(payment)


def payments_handlers(uow: PaymentsUnitOfWork) -> Handlers:
    return use_cases(uow, list_payments, get_payment)
