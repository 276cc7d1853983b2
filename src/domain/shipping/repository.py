"""The port through which shipping keeps its shipments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shipping.shipment import Shipment


class ShipmentRepository(Protocol):
    def add(self, shipment: Shipment) -> None: ...

    def get(self, shipment_id: str) -> Shipment | None: ...

    def for_order(self, order_id: OrderId) -> Shipment | None: ...

    def all(self) -> Sequence[Shipment]: ...
