"""Commands shipping accepts."""

from __future__ import annotations

import attrs


@attrs.frozen
class DeliverShipment:
    """The carrier reports the parcel delivered."""

    shipment_id: str
