"""Shipments kept in shipping's own database."""

from __future__ import annotations

from sqlalchemy import select

from adapters.persistence.repository import SqlAlchemyRepository
from domain.shared.identifiers import OrderId
from domain.shipping.shipment import Shipment


class SqlAlchemyShipmentRepository(SqlAlchemyRepository[Shipment]):
    entity = Shipment
    identity = "id"

    def for_order(self, order_id: OrderId) -> Shipment | None:
        pending = [s for s in self._added.values() if s.order_id == order_id]
        if pending:
            return pending[0]
        with self._session.no_autoflush:
            query = select(Shipment).where(Shipment.order_id == order_id)  # type: ignore[arg-type]
            return self._session.scalars(query).unique().first()
