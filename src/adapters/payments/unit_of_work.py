"""Payments' unit of work on its own database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.payments.repository import SqlAlchemyPaymentRepository
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyPaymentsUnitOfWork(SqlAlchemyUnitOfWork):
    payments: SqlAlchemyPaymentRepository

    def _open_repositories(self, session: Session) -> None:
        self.payments = SqlAlchemyPaymentRepository(session)
