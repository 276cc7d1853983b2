"""Questions inventory answers, and the plain views it answers with."""

from __future__ import annotations

import attrs

from tessera.application.shared.bus import Query
from tessera.domain.inventory.allocation import Allocation
from tessera.domain.inventory.stock_item import StockItem


@attrs.frozen
class GetStockItem(Query["StockItemView"]):
    sku: str


@attrs.frozen
class ListStockItems(Query["list[StockItemView]"]):
    pass


@attrs.frozen
class StockItemView:
    sku: str
    on_hand: int
    reserved: int
    available: int
    received: int
    shipped: int

    @classmethod
    def of(cls, item: StockItem) -> StockItemView:
        return cls(
            sku=item.sku.value,
            on_hand=item.on_hand,
            reserved=item.reserved,
            available=item.available,
            received=item.received,
            shipped=item.shipped,
        )


@attrs.frozen
class ListAllocations(Query["list[AllocationView]"]):
    pass


@attrs.frozen
class AllocationView:
    order_id: str
    status: str
    lines: dict[str, int]

    @classmethod
    def of(cls, allocation: Allocation) -> AllocationView:
        lines = {line.sku.value: line.quantity for line in allocation.lines}
        return cls(allocation.order_id.value, allocation.status.value, lines)
