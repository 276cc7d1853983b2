"""An order's allocation holds all of its lines or none, and never oversells a stock item."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tessera.domain.inventory.allocation import (
    Allocation,
    AllocationRejected,
    AllocationStatus,
    Rejection,
    StockAllocated,
)
from tessera.domain.inventory.catalogue import CataloguedProduct
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.identifiers import OrderId, Sku

MUG, TEE = Sku("MUG-1"), Sku("TEE-1")


def stock(**on_hand: int) -> dict[Sku, StockItem | None]:
    items: dict[Sku, StockItem | None] = {}
    for sku, quantity in on_hand.items():
        item = StockItem(Sku(sku.replace("_", "-")))
        item.receive(quantity)
        items[item.sku] = item
    return items


CATALOGUE: dict[Sku, CataloguedProduct | None] = {
    MUG: CataloguedProduct(MUG),
    TEE: CataloguedProduct(TEE),
}


def test_every_line_is_reserved_when_all_are_available() -> None:
    items = stock(MUG_1=5, TEE_1=5)
    allocation = Allocation.allocate(OrderId("o-1"), [(MUG, 2), (TEE, 3)], items, CATALOGUE)
    assert allocation.status is AllocationStatus.RESERVED
    assert [i.reserved for i in items.values() if i] == [2, 3]
    assert allocation.pull_events() == [StockAllocated(OrderId("o-1"), ((MUG, 2), (TEE, 3)))]


def test_one_short_line_rejects_the_whole_order_and_reserves_nothing() -> None:
    items = stock(MUG_1=5, TEE_1=1)
    allocation = Allocation.allocate(OrderId("o-1"), [(MUG, 2), (TEE, 3)], items, CATALOGUE)
    assert (allocation.status, allocation.rejection) == (
        AllocationStatus.REJECTED,
        Rejection.OUT_OF_STOCK,
    )
    assert [i.reserved for i in items.values() if i] == [0, 0]
    [rejected] = allocation.pull_events()
    assert isinstance(rejected, AllocationRejected)
    assert "TEE-1 (3 wanted, 1 available)" in rejected.detail


def test_a_product_the_catalog_no_longer_sells_is_unavailable() -> None:
    catalogue = {**CATALOGUE, TEE: CataloguedProduct(TEE, discontinued=True)}
    allocation = Allocation.allocate(OrderId("o-1"), [(TEE, 1)], stock(TEE_1=5), catalogue)
    assert allocation.rejection is Rejection.PRODUCT_UNAVAILABLE


def test_released_stock_is_available_again_and_shipped_stock_is_gone() -> None:
    items = stock(MUG_1=5)
    first = Allocation.allocate(OrderId("o-1"), [(MUG, 2)], items, CATALOGUE)
    second = Allocation.allocate(OrderId("o-2"), [(MUG, 3)], items, CATALOGUE)
    first.release(items)
    first.release(items)
    second.ship(items)
    second.ship(items)
    item = items[MUG]
    assert item is not None
    assert (item.on_hand, item.reserved, item.shipped) == (2, 0, 3)
    with pytest.raises(BusinessRuleViolation):
        second.release(items)


def test_lines_of_one_sku_are_reserved_together() -> None:
    items = stock(MUG_1=5)
    allocation = Allocation.allocate(OrderId("o-1"), [(MUG, 2), (MUG, 2)], items, CATALOGUE)
    assert [(line.sku, line.quantity) for line in allocation.lines] == [(MUG, 4)]
    short = Allocation.allocate(OrderId("o-2"), [(MUG, 1), (MUG, 1)], items, CATALOGUE)
    assert short.rejection is Rejection.OUT_OF_STOCK
    item = items[MUG]
    assert item is not None
    assert item.reserved == 4


def test_an_order_cancelled_before_it_arrived_is_withdrawn() -> None:
    withdrawn = Allocation.withdrawn(OrderId("o-1"))
    withdrawn.release(stock(MUG_1=1))
    assert withdrawn.status is AllocationStatus.WITHDRAWN
    with pytest.raises(BusinessRuleViolation):
        withdrawn.ship(stock(MUG_1=1))


orders = st.sampled_from([OrderId(f"o-{n}") for n in range(8)])
wanted = st.lists(st.tuples(st.sampled_from([MUG, TEE]), st.integers(1, 6)), min_size=1, max_size=3)


class AllocationLedger(RuleBasedStateMachine):
    """However orders are allocated, released and shipped, each stock item's books balance."""

    def __init__(self) -> None:
        super().__init__()
        self.items = stock(MUG_1=10, TEE_1=6)
        self.allocations: dict[OrderId, Allocation] = {}

    @rule(order=orders, lines=wanted)
    def allocate(self, order: OrderId, lines: list[tuple[Sku, int]]) -> None:
        if order not in self.allocations:
            self.allocations[order] = Allocation.allocate(order, lines, self.items, CATALOGUE)

    @rule(order=orders)
    def release(self, order: OrderId) -> None:
        if order in self.allocations:
            try:
                self.allocations[order].release(self.items)
            except BusinessRuleViolation:
                assert self.allocations[order].status is AllocationStatus.SHIPPED

    @rule(order=orders)
    def ship(self, order: OrderId) -> None:
        if order in self.allocations:
            try:
                self.allocations[order].ship(self.items)
            except BusinessRuleViolation:
                assert self.allocations[order].status is not AllocationStatus.RESERVED

    def held(self, sku: Sku, status: AllocationStatus) -> int:
        return sum(
            line.quantity
            for a in self.allocations.values()
            if a.status is status
            for line in a.lines
            if line.sku == sku
        )

    @invariant()
    def reserved_is_what_reserved_allocations_hold(self) -> None:
        for sku, item in self.items.items():
            assert item is not None
            assert item.reserved == self.held(sku, AllocationStatus.RESERVED)
            assert item.shipped == self.held(sku, AllocationStatus.SHIPPED)
            assert item.on_hand == item.received - item.shipped
            assert item.available >= 0


TestAllocationLedger = AllocationLedger.TestCase
