"""Shipments kept in shipping's own database."""

from __future__ import annotations

from collections.abc import Iterable

from tessera.adapters.persistence.mapping import IdentityMap
from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shipping.shipment import Shipment


class SqlAlchemyShipmentRepository(SqlAlchemyRepository[Shipment]):
    entity = Shipment
    identity = "id"
    key = str

    def __init__(self, store: IdentityMap) -> None:
        super().__init__(store)
        self._by_order: dict[OrderId, Shipment | None] = {}

    def for_order(self, order_id: OrderId) -> Shipment | None:
        pending = [s for s in self._added.values() if s.order_id == order_id]
        if pending:
            return pending[0]
        self._store.send_queued()  # a preload still queued
        if order_id in self._by_order:
            return self._by_order[order_id]
        found = self._store.load_by(Shipment, "order_id", [order_id])
        return found[0] if found else None

    def preload(self, names: Iterable[str]) -> None:
        """Messages to shipping are about orders: load the shipments of these orders."""
        self._load_into(self._by_order, "order_id", {OrderId(name) for name in names if name})
