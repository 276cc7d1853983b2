"""The StockItem aggregate: one SKU's stock and the reservations held against it."""

from __future__ import annotations

import attrs

from domain.inventory.events import StockReceived, StockReleased, StockReserved, StockShipped
from domain.inventory.rules import (
    OrderHoldsOneReservationPerSku,
    QuantityMustBePositive,
    ReservationMustExist,
    ReservationMustNotExceedAvailableStock,
)
from domain.shared.aggregate import AggregateRoot
from domain.shared.identifiers import OrderId, Sku
from domain.shared.rules import check_rule


@attrs.define(slots=False, eq=False)
class Reservation:
    """A quantity of one SKU set aside for one order until it ships or is released."""

    order_id: OrderId
    quantity: int


@attrs.define(slots=False, eq=False)
class StockItem(AggregateRoot):
    """The stock of one SKU.

    On hand is what was received less what was shipped, so it cannot drift from the
    history; what is reserved is always covered by what is on hand.
    """

    sku: Sku
    received: int = 0
    shipped: int = 0
    reservations: list[Reservation] = attrs.field(factory=list)

    @property
    def on_hand(self) -> int:
        return self.received - self.shipped

    @property
    def reserved(self) -> int:
        return sum(r.quantity for r in self.reservations)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def reservation_for(self, order_id: OrderId) -> Reservation | None:
        return next((r for r in self.reservations if r.order_id == order_id), None)

    def receive(self, quantity: int) -> None:
        """Add delivered goods to the stock on hand."""
        check_rule(QuantityMustBePositive(quantity))
        self.received += quantity
        self._record(StockReceived(self.sku, quantity))

    def reserve(self, order_id: OrderId, quantity: int) -> None:
        """Set stock aside for an order; asking again for the same order changes nothing."""
        check_rule(QuantityMustBePositive(quantity))
        held = self.reservation_for(order_id)
        check_rule(
            OrderHoldsOneReservationPerSku(
                self.sku, order_id, held.quantity if held else None, quantity
            )
        )
        if held is not None:
            return
        check_rule(ReservationMustNotExceedAvailableStock(self.sku, quantity, self.available))
        self.reservations.append(Reservation(order_id, quantity))
        self._record(StockReserved(self.sku, order_id, quantity))

    def release(self, order_id: OrderId) -> int:
        """Give an order's reserved stock back; returns the quantity released."""
        reservation = self._held_by(order_id)
        self.reservations.remove(reservation)
        self._record(StockReleased(self.sku, order_id, reservation.quantity))
        return reservation.quantity

    def commit(self, order_id: OrderId) -> int:
        """The order's reserved stock has left the warehouse; returns the quantity shipped."""
        reservation = self._held_by(order_id)
        self.reservations.remove(reservation)
        self.shipped += reservation.quantity
        self._record(StockShipped(self.sku, order_id, reservation.quantity))
        return reservation.quantity

    def _held_by(self, order_id: OrderId) -> Reservation:
        held = self.reservation_for(order_id)
        check_rule(ReservationMustExist(self.sku, order_id, held.quantity if held else None))
        assert held is not None  # the rule above guarantees it; this narrows the type
        return held
