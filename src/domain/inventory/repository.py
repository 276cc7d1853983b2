"""The port through which inventory keeps its stock items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tessera.domain.inventory.allocation import Allocation
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.identifiers import OrderId, Sku


class StockItemRepository(Protocol):
    """All stock items, by SKU."""

    def add(self, item: StockItem) -> None: ...

    def get(self, sku: Sku) -> StockItem | None: ...

    def all(self) -> Sequence[StockItem]: ...


class AllocationRepository(Protocol):
    """What each order holds of the stock, by order id."""

    def add(self, allocation: Allocation) -> None: ...

    def get(self, order_id: OrderId) -> Allocation | None: ...

    def all(self) -> Sequence[Allocation]: ...
