"""Shipping's unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.persistence.mapping import Store
from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tessera.adapters.shipping.repository import SqlAlchemyShipmentRepository


class SqlAlchemyShippingUnitOfWork(SqlAlchemyUnitOfWork):
    shipments: SqlAlchemyShipmentRepository

    def _open_repositories(self, store: Store) -> None:
        self.shipments = SqlAlchemyShipmentRepository(store)
