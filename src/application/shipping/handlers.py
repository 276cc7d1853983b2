"""Shipping's use cases."""

from __future__ import annotations

from tessera.application.shared.bus import Handlers, use_cases
from tessera.application.shared.outcome import Outcome
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import GetShipmentOfOrder, ListShipments, ShipmentView
from tessera.application.shipping.unit_of_work import ShippingUnitOfWork
from tessera.domain.shared.bounds import SHIPMENT_ID_LENGTH, member_of, quoted
from tessera.domain.shared.errors import NotFound
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shipping.shipment import ShipmentStatus


def deliver_shipment(command: DeliverShipment, uow: ShippingUnitOfWork) -> Outcome[ShipmentView]:
    with uow:
        shipment_id = command.shipment_id
        known = isinstance(shipment_id, str) and len(shipment_id) <= SHIPMENT_ID_LENGTH
        shipment = uow.shipments.get(command.shipment_id) if known else None
        if shipment is None:
            raise NotFound(f"no shipment with id {quoted(command.shipment_id)}")
        changed = shipment.deliver()
        uow.commit()
        return Outcome(ShipmentView.of(shipment), changed)


def list_shipments(query: ListShipments, uow: ShippingUnitOfWork) -> list[ShipmentView]:
    status = member_of(ShipmentStatus, query.status) if query.status is not None else None
    with uow:
        shipments = [s for s in uow.shipments.all() if status is None or s.status is status]
        return [ShipmentView.of(s) for s in sorted(shipments, key=lambda s: s.id)]


def get_shipment_of_order(query: GetShipmentOfOrder, uow: ShippingUnitOfWork) -> ShipmentView:
    with uow:
        shipment = uow.shipments.for_order(OrderId(query.order_id))
        if shipment is None:
            raise NotFound(f"shipping has no parcel for order {query.order_id}")
        return ShipmentView.of(shipment)


def shipping_handlers(uow: ShippingUnitOfWork) -> Handlers:
    return use_cases(uow, deliver_shipment, list_shipments, get_shipment_of_order)
