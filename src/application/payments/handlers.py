"""Payments' use cases: it takes no commands from users, only questions."""

from __future__ import annotations

from application.payments.queries import ListPayments, PaymentView
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.shared.bus import Handlers


def list_payments(query: ListPayments, uow: PaymentsUnitOfWork) -> list[PaymentView]:
    with uow:
        payments = sorted(uow.payments.all(), key=lambda p: p.order_id)
        return [PaymentView.of(p) for p in payments]


def payments_handlers(uow: PaymentsUnitOfWork) -> Handlers:
    return {ListPayments: lambda m: list_payments(m, uow)}
