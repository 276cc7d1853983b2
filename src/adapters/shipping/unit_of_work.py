"""Shipping's unit of work on its own database."""

from __future__ import annotations

from tessera.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, repository
from tessera.adapters.shipping.repository import SqlAlchemyShipmentRepository


class SqlAlchemyShippingUnitOfWork(SqlAlchemyUnitOfWork):
    shipments = repository(SqlAlchemyShipmentRepository)
