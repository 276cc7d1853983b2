"""Questions inventory answers, and the plain views it answers with."""

from __future__ import annotations

import attrs

from domain.inventory.stock_item import StockItem


@attrs.frozen
class GetStockItem:
    sku: str


@attrs.frozen
class ListStockItems:
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
