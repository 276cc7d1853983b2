"""What shipping publishes: parcels handed to the carrier, and delivered."""

from __future__ import annotations

import attrs

from tessera.application.shared.integration import integration_event

SOURCE = "shipping"
"""The name shipping publishes under, subscribes under and keeps its database under."""


@integration_event(SOURCE, "ShipmentDispatched", version=1, subject="order_id")
@attrs.frozen
class ShipmentDispatched:
    order_id: str
    shipment_id: str
    tracking_number: str


@integration_event(SOURCE, "ShipmentDelivered", version=1, subject="order_id")
@attrs.frozen
class ShipmentDelivered:
    order_id: str
    shipment_id: str
