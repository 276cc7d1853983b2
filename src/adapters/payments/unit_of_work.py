"""Payments' unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.payments.repository import SqlAlchemyPaymentRepository
from tessera.adapters.persistence.mapping import Store
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


class SqlAlchemyPaymentsUnitOfWork(SqlAlchemyUnitOfWork):
    payments: SqlAlchemyPaymentRepository

    def _open_repositories(self, store: Store) -> None:
        self.payments = SqlAlchemyPaymentRepository(store)
