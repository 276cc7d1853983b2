"""How shipping announces its changes."""

from __future__ import annotations

from collections.abc import Iterable

from tessera.application.contracts import shipping as published
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shipping import shipment


def integration_events(event: DomainEvent) -> Iterable[object]:
    match event:
        case shipment.ShipmentDispatched(shipment_id=sid, order_id=order_id, tracking_number=n):
            yield published.ShipmentDispatched(order_id.value, n)
            yield published.ShipmentDispatchedV1(order_id.value, sid, n)
        case shipment.ShipmentDelivered(shipment_id=sid, order_id=order_id):
            yield published.ShipmentDelivered(order_id.value)
            yield published.ShipmentDeliveredV1(order_id.value, sid)
