"""Commands shipping accepts."""

from __future__ import annotations

import attrs

from tessera.application.shared.bus import Command
from tessera.application.shared.outcome import Outcome
from tessera.application.shipping.queries import ShipmentView


@attrs.frozen
class DeliverShipment(Command[Outcome[ShipmentView]]):
    """The carrier reports the parcel delivered."""

    shipment_id: str
