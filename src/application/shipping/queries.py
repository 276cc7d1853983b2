"""Questions shipping answers."""

from __future__ import annotations

import attrs

from tessera.application.shared.bus import Query
from tessera.domain.shipping.shipment import Shipment


@attrs.frozen
class ListShipments(Query["list[ShipmentView]"]):
    status: str | None = None


@attrs.frozen
class GetShipmentOfOrder(Query["ShipmentView"]):
    """The parcel sent for one order."""

    order_id: str


@attrs.frozen
class ShipmentView:
    id: str
    order_id: str
    status: str
    tracking_number: str | None
    address: str

    @classmethod
    def of(cls, shipment: Shipment) -> ShipmentView:
        return cls(
            shipment.id,
            shipment.order_id.value,
            shipment.status.value,
            shipment.tracking_number,
            shipment.address,
        )
