"""The StockItem aggregate: one SKU's stock, and how much of it is set aside for orders."""

from __future__ import annotations

import attrs

from tessera.domain.inventory.events import (
    StockReceived,
    StockReleased,
    StockReserved,
    StockShipped,
)
from tessera.domain.inventory.rules import (
    ReleaseMustNotExceedReservedStock,
    ReservationMustNotExceedAvailableStock,
    StockMustStayWithinBounds,
)
from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.bounds import QuantityMustBeWithinBounds
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.rules import check_rule


@attrs.define(slots=False, eq=False)
class StockItem(AggregateRoot):
    """The stock of one SKU.

    On hand is what was received less what was shipped, so it cannot drift from the
    history; what is reserved is always covered by what is on hand. Which order holds how
    much is the business of each order's Allocation, which reserves, releases and ships
    through this item: so a stock item stays one small row however many orders are open.
    """

    sku: Sku
    received: int = 0
    shipped: int = 0
    reserved: int = 0

    @property
    def on_hand(self) -> int:
        return self.received - self.shipped

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def receive(self, quantity: int) -> None:
        """Add delivered goods to the stock on hand."""
        check_rule(QuantityMustBeWithinBounds("quantity", quantity))
        check_rule(StockMustStayWithinBounds(self.sku, self.received, quantity))
        self.received += quantity
        self._record(StockReceived(self.sku, quantity))

    def reserve(self, order_id: OrderId, quantity: int) -> None:
        """Set stock aside for an order."""
        check_rule(QuantityMustBeWithinBounds("quantity", quantity))
        check_rule(ReservationMustNotExceedAvailableStock(self.sku, quantity, self.available))
        self.reserved += quantity
        self._record(StockReserved(self.sku, order_id, quantity))

    def release(self, order_id: OrderId, quantity: int) -> None:
        """Give back stock an order had set aside."""
        check_rule(QuantityMustBeWithinBounds("quantity", quantity))
        check_rule(ReleaseMustNotExceedReservedStock(self.sku, quantity, self.reserved))
        self.reserved -= quantity
        self._record(StockReleased(self.sku, order_id, quantity))

    def commit(self, order_id: OrderId, quantity: int) -> None:
        """Stock an order had set aside has left the warehouse."""
        check_rule(QuantityMustBeWithinBounds("quantity", quantity))
        check_rule(ReleaseMustNotExceedReservedStock(self.sku, quantity, self.reserved))
        self.reserved -= quantity
        self.shipped += quantity
        self._record(StockShipped(self.sku, order_id, quantity))
