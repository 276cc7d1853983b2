"""The Shipment aggregate: one order's parcel, from the warehouse to the customer."""

from __future__ import annotations

import enum

import attrs

from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.bounds import ADDRESS_LENGTH, TRACKING_NUMBER_LENGTH, checked_text
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import OrderId


class ShipmentStatus(enum.Enum):
    PENDING = "pending"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"


@attrs.frozen
class ShipmentDispatched(DomainEvent):
    shipment_id: str
    order_id: OrderId
    tracking_number: str


@attrs.frozen
class ShipmentDelivered(DomainEvent):
    shipment_id: str
    order_id: OrderId


@attrs.define(slots=False, eq=False)
class Shipment(AggregateRoot):
    id: str
    order_id: OrderId
    address: str
    status: ShipmentStatus = ShipmentStatus.PENDING
    tracking_number: str | None = None

    @classmethod
    def request(cls, shipment_id: str, order_id: OrderId, address: str) -> Shipment:
        """A parcel to send for an order, to an address that fits on a label."""
        return cls(shipment_id, order_id, checked_text("shipping address", address, ADDRESS_LENGTH))

    def dispatch(self, tracking_number: str) -> None:
        """The carrier has the parcel."""
        if self.status is not ShipmentStatus.PENDING:
            return
        self.tracking_number = checked_text(
            "tracking number", tracking_number, TRACKING_NUMBER_LENGTH
        )
        self.status = ShipmentStatus.DISPATCHED
        self._record(ShipmentDispatched(self.id, self.order_id, tracking_number))

    def deliver(self) -> bool:
        """The customer has the parcel; True if this call recorded it (twice changes nothing)."""
        if self.status is ShipmentStatus.DELIVERED:
            return False
        if self.status is not ShipmentStatus.DISPATCHED:
            raise BusinessRuleViolation(
                "OnlyDispatchedShipmentsAreDelivered",
                f"shipment {self.id} has not been dispatched yet",
            )
        self.status = ShipmentStatus.DELIVERED
        self._record(ShipmentDelivered(self.id, self.order_id))
        return True
