"""Commands shipping accepts."""

from __future__ import annotations

import attrs

from application.shared.bus import Command
from application.shared.outcome import Outcome
from application.shipping.queries import ShipmentView


@attrs.frozen
class DeliverShipment(Command[Outcome[ShipmentView]]):
    """The carrier reports the parcel delivered."""

    shipment_id: str
