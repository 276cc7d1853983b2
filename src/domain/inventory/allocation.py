"""The Allocation aggregate: the stock an order holds, all of its lines or none."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence

import attrs

from tessera.domain.inventory.catalogue import CataloguedProduct
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import OrderId, Sku


class AllocationStatus(enum.Enum):
    RESERVED = "reserved"
    REJECTED = "rejected"
    RELEASED = "released"
    SHIPPED = "shipped"
    WITHDRAWN = "withdrawn"
    """The order was cancelled before inventory heard it was placed: reserve nothing for it."""


class Rejection(enum.Enum):
    OUT_OF_STOCK = "out_of_stock"
    PRODUCT_UNAVAILABLE = "product_unavailable"


@attrs.define(slots=False, eq=False)
class AllocationLine:
    sku: Sku
    quantity: int


@attrs.frozen
class StockAllocated(DomainEvent):
    order_id: OrderId
    lines: tuple[tuple[Sku, int], ...]


@attrs.frozen
class AllocationRejected(DomainEvent):
    order_id: OrderId
    reason: Rejection
    detail: str


@attrs.frozen
class AllocationReleased(DomainEvent):
    order_id: OrderId
    lines: tuple[tuple[Sku, int], ...]


@attrs.frozen
class AllocationShipped(DomainEvent):
    order_id: OrderId
    lines: tuple[tuple[Sku, int], ...]


@attrs.frozen
class AllocationWithdrawn(DomainEvent):
    order_id: OrderId


@attrs.define(slots=False, eq=False)
class Allocation(AggregateRoot):
    """What one order holds of the stock; changes the stock items it names in the same breath."""

    order_id: OrderId
    status: AllocationStatus
    lines: list[AllocationLine] = attrs.field(factory=list)
    rejection: Rejection | None = None

    @classmethod
    def allocate(
        cls,
        order_id: OrderId,
        wanted: Sequence[tuple[Sku, int]],
        stock: Mapping[Sku, StockItem | None],
        catalogue: Mapping[Sku, CataloguedProduct | None],
    ) -> Allocation:
        """Reserve every line, or none and say why; lines of one SKU are taken together."""
        merged: dict[Sku, int] = {}
        for sku, quantity in wanted:
            merged[sku] = merged.get(sku, 0) + quantity
        wanted = list(merged.items())
        lines = [AllocationLine(sku, quantity) for sku, quantity in wanted]
        unsellable = [
            sku for sku, _ in wanted if (p := catalogue.get(sku)) is None or p.discontinued
        ]
        short = [
            f"{sku} ({quantity} wanted, {item.available if item else 0} available)"
            for sku, quantity in wanted
            if (item := stock.get(sku)) is None or item.available < quantity
        ]
        if unsellable or short:
            reason = Rejection.PRODUCT_UNAVAILABLE if unsellable else Rejection.OUT_OF_STOCK
            detail = (
                f"not for sale: {', '.join(map(str, unsellable))}"
                if unsellable
                else (f"short: {', '.join(short)}")
            )
            allocation = cls(order_id, AllocationStatus.REJECTED, lines, reason)
            allocation._record(AllocationRejected(order_id, reason, detail))
            return allocation
        for line in lines:
            item = stock[line.sku]
            assert item is not None  # checked above: every line is in stock
            item.reserve(order_id, line.quantity)
        allocation = cls(order_id, AllocationStatus.RESERVED, lines)
        allocation._record(StockAllocated(order_id, allocation._line_tuples()))
        return allocation

    @classmethod
    def withdrawn(cls, order_id: OrderId) -> Allocation:
        """An order cancelled before it was heard of: remember, so that none is reserved later."""
        allocation = cls(order_id, AllocationStatus.WITHDRAWN)
        allocation._record(AllocationWithdrawn(order_id))
        return allocation

    def release(self, stock: Mapping[Sku, StockItem | None]) -> None:
        """Give the stock back; nothing to do if none is held."""
        if self.status is AllocationStatus.SHIPPED:
            raise BusinessRuleViolation(
                "ShippedStockCannotBeReleased", f"the stock of order {self.order_id} has shipped"
            )
        if self.status is not AllocationStatus.RESERVED:
            return
        for line in self.lines:
            self._item(stock, line.sku).release(self.order_id, line.quantity)
        self.status = AllocationStatus.RELEASED
        self._record(AllocationReleased(self.order_id, self._line_tuples()))

    def ship(self, stock: Mapping[Sku, StockItem | None]) -> None:
        """The parcel left: the reserved stock is gone for good; shipping twice changes nothing."""
        if self.status is AllocationStatus.SHIPPED:
            return
        if self.status is not AllocationStatus.RESERVED:
            raise BusinessRuleViolation(
                "OnlyReservedStockShips",
                f"order {self.order_id} holds no stock to ship ({self.status.value})",
            )
        for line in self.lines:
            self._item(stock, line.sku).commit(self.order_id, line.quantity)
        self.status = AllocationStatus.SHIPPED
        self._record(AllocationShipped(self.order_id, self._line_tuples()))

    def _item(self, stock: Mapping[Sku, StockItem | None], sku: Sku) -> StockItem:
        item = stock.get(sku)
        if item is None:
            raise BusinessRuleViolation("ReservationMustExist", f"no stock item for {sku}")
        return item

    def _line_tuples(self) -> tuple[tuple[Sku, int], ...]:
        return tuple((line.sku, line.quantity) for line in self.lines)
