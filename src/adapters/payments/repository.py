"""Payments kept in payments' own database."""

from __future__ import annotations

from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.domain.payments.payment import Payment
from tessera.domain.shared.identifiers import OrderId


class SqlAlchemyPaymentRepository(SqlAlchemyRepository[Payment]):
    entity = Payment
    identity = "order_id"
    key = OrderId
