"""What shipping does when ordering asks for a parcel to be sent."""

from __future__ import annotations

import functools
import uuid
from typing import Protocol

from tessera.application.contracts.ordering import ShipmentRequested, ShipmentRequestedV1
from tessera.application.shared.bus import Reactions
from tessera.application.shipping.carrier import Carrier
from tessera.application.shipping.unit_of_work import ShippingUnitOfWork
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shipping.shipment import Shipment


class ParcelRequest(Protocol):
    """What shipping reads of ShipmentRequested: which order, and where it goes."""

    @property
    def order_id(self) -> str: ...
    @property
    def address(self) -> str: ...


def on_shipment_requested(event: ParcelRequest, uow: ShippingUnitOfWork, carrier: Carrier) -> None:
    """One parcel per order, handed to the carrier at once."""
    order_id = OrderId(event.order_id)
    if uow.shipments.for_order(order_id) is not None:
        return
    shipment = Shipment.request(f"shp-{uuid.uuid4().hex[:12]}", order_id, event.address)
    uow.shipments.add(shipment)
    shipment.dispatch(carrier.dispatch(shipment.id, shipment.address))


def shipping_reactions(carrier: Carrier) -> Reactions[ShippingUnitOfWork]:
    """Version 1 is read too while an ordering on the older code sends it alone."""
    requested = functools.partial(on_shipment_requested, carrier=carrier)
    return {ShipmentRequested: requested, ShipmentRequestedV1: requested}
