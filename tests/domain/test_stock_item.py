"""Stock is received, reserved for orders, released or shipped, and never oversold."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.inventory.events import StockReleased, StockReserved, StockShipped
from domain.inventory.stock_item import StockItem
from domain.shared.errors import BusinessRuleViolation
from domain.shared.identifiers import OrderId, Sku

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
        assert refused.value.rule == "QuantityMustBePositive"
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


def test_a_second_reservation_for_the_same_order_is_idempotent() -> None:
    item = stocked(10)
    item.reserve(ORDER, 4)
    item.reserve(ORDER, 4)
    assert item.reserved == 4
    assert len(item.pull_events()) == 1


def test_an_order_cannot_change_the_quantity_it_holds_by_reserving_again() -> None:
    item = stocked(10)
    item.reserve(ORDER, 4)
    with pytest.raises(BusinessRuleViolation) as refused:
        item.reserve(ORDER, 5)
    assert refused.value.rule == "OrderHoldsOneReservationPerSku"
    assert item.reserved == 4


def test_releasing_gives_the_stock_back() -> None:
    item = stocked(10)
    item.reserve(ORDER, 4)
    item.pull_events()
    assert item.release(ORDER) == 4
    assert (item.on_hand, item.reserved, item.available) == (10, 0, 10)
    assert item.pull_events() == [StockReleased(Sku("MUG-1"), ORDER, 4)]


def test_committing_ships_the_reserved_stock() -> None:
    item = stocked(10)
    item.reserve(ORDER, 4)
    item.pull_events()
    assert item.commit(ORDER) == 4
    assert (item.on_hand, item.reserved, item.shipped, item.available) == (6, 0, 4, 6)
    assert item.pull_events() == [StockShipped(Sku("MUG-1"), ORDER, 4)]


@pytest.mark.parametrize("operation", [StockItem.release, StockItem.commit])
def test_an_unknown_reservation_cannot_be_released_or_committed(operation: object) -> None:
    item = stocked(10)
    with pytest.raises(BusinessRuleViolation) as refused:
        operation(item, ORDER)  # type: ignore[operator]
    assert refused.value.rule == "ReservationMustExist"
    assert "order-1" in refused.value.message
    assert (item.on_hand, item.shipped) == (10, 0)


orders = st.sampled_from([OrderId(f"order-{n}") for n in range(6)])
quantities = st.integers(min_value=-2, max_value=15)


class StockLedger(RuleBasedStateMachine):
    """Any sequence of stock operations keeps the stock item's books straight."""

    def __init__(self) -> None:
        super().__init__()
        self.item = StockItem(Sku("MUG-1"))
        self.received = 0
        self.shipped = 0
        self.open: dict[OrderId, int] = {}

    @rule(quantity=quantities)
    def receive(self, quantity: int) -> None:
        try:
            self.item.receive(quantity)
        except BusinessRuleViolation:
            assert quantity <= 0
            return
        self.received += quantity

    @rule(order=orders, quantity=quantities)
    def reserve(self, order: OrderId, quantity: int) -> None:
        available = self.received - self.shipped - sum(self.open.values())
        try:
            self.item.reserve(order, quantity)
        except BusinessRuleViolation:
            assert (
                quantity <= 0
                or (order in self.open and self.open[order] != quantity)
                or (order not in self.open and quantity > available)
            )
            return
        assert self.open.get(order, quantity) == quantity
        self.open[order] = quantity

    @rule(order=orders)
    def release(self, order: OrderId) -> None:
        try:
            self.item.release(order)
        except BusinessRuleViolation:
            assert order not in self.open
            return
        del self.open[order]

    @rule(order=orders)
    def ship(self, order: OrderId) -> None:
        try:
            self.item.commit(order)
        except BusinessRuleViolation:
            assert order not in self.open
            return
        self.shipped += self.open.pop(order)

    @invariant()
    def on_hand_is_received_less_shipped(self) -> None:
        assert self.item.on_hand == self.received - self.shipped
        assert self.item.shipped == self.shipped

    @invariant()
    def reserved_is_the_sum_of_open_reservations(self) -> None:
        assert self.item.reserved == sum(self.open.values())

    @invariant()
    def stock_is_never_oversold(self) -> None:
        assert self.item.on_hand >= 0
        assert self.item.available >= 0


TestStockLedger = StockLedger.TestCase
