"""What shipping publishes: parcels handed to the carrier, and delivered."""

from __future__ import annotations

import attrs

from tessera.application.contracts import ROLLOUT_ENDS
from tessera.application.shared.integration import integration_event, publish_alongside

SOURCE = "shipping"
"""The name shipping publishes under, subscribes under and keeps its database under."""


@integration_event(SOURCE, "ShipmentDispatched", version=2, subject="order_id")
@attrs.frozen
class ShipmentDispatched:
    order_id: str
    tracking_number: str


@integration_event(SOURCE, "ShipmentDelivered", version=2, subject="order_id")
@attrs.frozen
class ShipmentDelivered:
    order_id: str


@integration_event(SOURCE, "ShipmentDispatched", version=1, subject="order_id")
@attrs.frozen
class ShipmentDispatchedV1:
    """Published beside version 2 until the rollout ends; `shipment_id` is read by no one."""

    order_id: str
    shipment_id: str
    tracking_number: str


@integration_event(SOURCE, "ShipmentDelivered", version=1, subject="order_id")
@attrs.frozen
class ShipmentDeliveredV1:
    """Published beside version 2 until the rollout ends; `shipment_id` is read by no one."""

    order_id: str
    shipment_id: str


publish_alongside(ShipmentDispatched, ShipmentDispatchedV1, until=ROLLOUT_ENDS)
publish_alongside(ShipmentDelivered, ShipmentDeliveredV1, until=ROLLOUT_ENDS)
