"""Payments' unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.payments.repository import SqlAlchemyPaymentRepository
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, repository


class SqlAlchemyPaymentsUnitOfWork(SqlAlchemyUnitOfWork):
    payments = repository(SqlAlchemyPaymentRepository)
