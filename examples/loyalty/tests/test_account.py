"""A customer earns one point per whole unit of each completed order, once, and nothing for a
cancelled one: checked over any order of events."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tessera_loyalty.domain.account import Account, KnownOrder, OrderProgress, points_for

from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money


def test_points_are_the_whole_units_of_the_total() -> None:
    assert points_for(Money.of("45.99", "EUR")) == 45
    assert points_for(Money.of("0.99", "EUR")) == 0
    assert points_for(Money.of("1000", "JPY")) == 1000


class LoyaltyOfOneCustomer(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.account = Account("c-1")
        self.orders: list[KnownOrder] = []
        self.completed: set[int] = set()
        self.cancelled_first: set[int] = set()

    @rule(total=st.decimals(min_value=0, max_value=10**6, places=2))
    def place(self, total: Decimal) -> None:
        order_id = OrderId(f"o-{len(self.orders)}")
        self.orders.append(KnownOrder.placed(order_id, "c-1", Money(total, "EUR")))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        n = data.draw(st.integers(0, len(self.orders) - 1))
        self.orders[n].reward(self.account)  # as often as ordering's event is delivered
        if n not in self.cancelled_first:
            self.completed.add(n)

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        n = data.draw(st.integers(0, len(self.orders) - 1))
        self.orders[n].cancel()
        if n not in self.completed:
            self.cancelled_first.add(n)

    @invariant()
    def each_completed_order_earns_its_points_once(self) -> None:
        earned = sum(points_for(self.orders[n].total) for n in self.completed)
        assert self.account.points == earned
        assert self.account.orders == len(self.completed)

    @invariant()
    def a_cancelled_order_earns_nothing(self) -> None:
        for n in self.cancelled_first:
            assert self.orders[n].progress is OrderProgress.CANCELLED


TestLoyaltyOfOneCustomer = LoyaltyOfOneCustomer.TestCase
