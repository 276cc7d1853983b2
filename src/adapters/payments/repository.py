"""Payments kept in payments' own database."""

from __future__ import annotations

from adapters.persistence.repository import SqlAlchemyRepository
from domain.payments.payment import Payment
from domain.shared.identifiers import OrderId


class SqlAlchemyPaymentRepository(SqlAlchemyRepository[Payment]):
    entity = Payment
    identity = "order_id"
    key = OrderId
