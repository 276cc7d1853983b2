"""What shipping publishes: parcels handed to the carrier, and delivered."""

from __future__ import annotations

import attrs

from application.shared.integration import integration_event


@integration_event("shipping", "ShipmentDispatched", version=1, subject="order_id")
@attrs.frozen
class ShipmentDispatched:
    order_id: str
    shipment_id: str
    tracking_number: str


@integration_event("shipping", "ShipmentDelivered", version=1, subject="order_id")
@attrs.frozen
class ShipmentDelivered:
    order_id: str
    shipment_id: str
