"""Stock is received, reserved for orders, released or shipped, and never oversold."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tessera.domain.inventory.events import StockReleased, StockReserved, StockShipped
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.identifiers import OrderId, Sku

ORDER = OrderId("order-1")


def stocked(quantity: int = 10) -> StockItem:
    item = StockItem(Sku("MUG-1"))
    item.receive(quantity)
    item.pull_events()
    return item


def test_received_stock_is_on_hand_and_available() -> None:
    item = stocked(10)
    assert (item.on_hand, item.reserved, item.available) == (10, 0, 10)


@pytest.mark.parametrize("quantity", [0, -1, -100])
def test_quantities_must_be_positive(quantity: int) -> None:
    item = stocked()
    for change in (item.receive, lambda q: item.reserve(ORDER, q)):
        with pytest.raises(BusinessRuleViolation) as refused:
            change(quantity)
        assert refused.value.rule == "QuantityMustBeWithinBounds"
    assert (item.on_hand, item.reserved) == (10, 0)


def test_reserving_sets_stock_aside_for_the_order() -> None:
    item = stocked(10)
    item.reserve(ORDER, 4)
    assert (item.on_hand, item.reserved, item.available) == (10, 4, 6)
    assert item.pull_events() == [StockReserved(Sku("MUG-1"), ORDER, 4)]


def test_reservation_is_rejected_when_stock_is_short() -> None:
    item = stocked(3)
    with pytest.raises(BusinessRuleViolation) as refused:
        item.reserve(ORDER, 4)
    assert refused.value.rule == "ReservationMustNotExceedAvailableStock"
    assert item.reserved == 0


def test_releasing_gives_the_stock_back() -> None:
    item = stocked(10)
    item.reserve(ORDER, 4)
    item.pull_events()
    item.release(ORDER, 4)
    assert (item.on_hand, item.reserved, item.available) == (10, 0, 10)
    assert item.pull_events() == [StockReleased(Sku("MUG-1"), ORDER, 4)]


def test_committing_ships_the_reserved_stock() -> None:
    item = stocked(10)
    item.reserve(ORDER, 4)
    item.pull_events()
    item.commit(ORDER, 4)
    assert (item.on_hand, item.reserved, item.shipped, item.available) == (6, 0, 4, 6)
    assert item.pull_events() == [StockShipped(Sku("MUG-1"), ORDER, 4)]


@pytest.mark.parametrize("operation", [StockItem.release, StockItem.commit])
def test_only_reserved_stock_can_be_released_or_shipped(operation: object) -> None:
    item = stocked(10)
    item.reserve(ORDER, 3)
    with pytest.raises(BusinessRuleViolation) as refused:
        operation(item, ORDER, 4)  # type: ignore[operator]
    assert refused.value.rule == "ReleaseMustNotExceedReservedStock"
    assert "cannot take 4 of MUG-1 from reserved stock of 3" in refused.value.message
    assert (item.on_hand, item.reserved, item.shipped) == (10, 3, 0)


quantities = st.integers(min_value=-2, max_value=15)


class StockLedger(RuleBasedStateMachine):
    """Any sequence of stock operations keeps the stock item's books straight."""

    def __init__(self) -> None:
        super().__init__()
        self.item = StockItem(Sku("MUG-1"))
        self.received = 0
        self.shipped = 0
        self.reserved = 0

    @rule(quantity=quantities)
    def receive(self, quantity: int) -> None:
        try:
            self.item.receive(quantity)
        except BusinessRuleViolation:
            assert quantity <= 0
            return
        self.received += quantity

    @rule(quantity=quantities)
    def reserve(self, quantity: int) -> None:
        available = self.received - self.shipped - self.reserved
        try:
            self.item.reserve(ORDER, quantity)
        except BusinessRuleViolation:
            assert quantity <= 0 or quantity > available
            return
        self.reserved += quantity

    @rule(quantity=quantities)
    def release(self, quantity: int) -> None:
        try:
            self.item.release(ORDER, quantity)
        except BusinessRuleViolation:
            assert quantity <= 0 or quantity > self.reserved
            return
        self.reserved -= quantity

    @rule(quantity=quantities)
    def ship(self, quantity: int) -> None:
        try:
            self.item.commit(ORDER, quantity)
        except BusinessRuleViolation:
            assert quantity <= 0 or quantity > self.reserved
            return
        self.reserved -= quantity
        self.shipped += quantity

    @invariant()
    def counts_follow_the_operations(self) -> None:
        assert self.item.on_hand == self.received - self.shipped
        assert (self.item.shipped, self.item.reserved) == (self.shipped, self.reserved)

    @invariant()
    def stock_is_never_oversold(self) -> None:
        assert 0 <= self.item.reserved <= self.item.on_hand
        assert self.item.available >= 0


TestStockLedger = StockLedger.TestCase
