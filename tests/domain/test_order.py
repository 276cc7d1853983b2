"""An order is placed at the price-list's prices and moves only forward, or is cancelled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tessera.domain.ordering.fulfilment import Fulfilment, PaymentRequested, ShipmentRequested
from tessera.domain.ordering.order import (
    CancelReason,
    NotShippedYet,
    Order,
    OrderPlaced,
    OrderStatus,
)
from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money

MUG, TEE, OLD = Sku("MUG-1"), Sku("TEE-1"), Sku("OLD-1")


NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def price_list() -> dict[Sku, ListedPrice | None]:
    # Built afresh for each test: objects made before the ORM maps their class can't be loaded.
    return {
        MUG: ListedPrice(MUG, Money.of("12.50", "EUR")),
        TEE: ListedPrice(TEE, Money.of("20.00", "EUR")),
        OLD: ListedPrice(OLD, Money.of("5.00", "EUR"), on_sale=False),
        Sku("USD-1"): ListedPrice(Sku("USD-1"), Money.of("3.00", "USD")),
    }


def place(*lines: tuple[Sku, int], address: str = "1 Main St") -> Order:
    return Order.place(OrderId("o-1"), "c-1", address, list(lines), price_list(), NOW, number=1)


def test_an_order_takes_its_prices_from_the_price_list_and_totals_them() -> None:
    order = place((MUG, 2), (TEE, 1))
    assert order.status is OrderStatus.PENDING
    assert order.total == Money.of("45.00", "EUR")
    assert [line.unit_price for line in order.lines] == [
        Money.of("12.50", "EUR"),
        Money.of("20.00", "EUR"),
    ]


@pytest.mark.parametrize(
    ("lines", "rule"),
    [
        ((), "OrderMustHaveLines"),
        (((MUG, 0),), "QuantityMustBeWithinBounds"),
        (((MUG, -1),), "QuantityMustBeWithinBounds"),
        (((MUG, 1_000_001),), "QuantityMustBeWithinBounds"),
        (((MUG, 1), (MUG, 2)), "SkuAppearsOncePerOrder"),
        (((Sku("NEW-1"), 1),), "ProductMustBeOnSale"),
        (((OLD, 1),), "ProductMustBeOnSale"),
        (((MUG, 1), (Sku("USD-1"), 1)), "OrderIsInOneCurrency"),
    ],
)
def test_an_order_that_breaks_a_rule_is_not_placed(
    lines: tuple[tuple[Sku, int], ...], rule: str
) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        place(*lines)
    assert refused.value.rule == rule


def test_an_order_needs_somewhere_to_ship_to() -> None:
    with pytest.raises(BusinessRuleViolation, match="shipping address must not be empty"):
        place((MUG, 1), address="  ")


def test_the_saga_asks_for_payment_once_stock_is_reserved_and_for_shipment_once_paid() -> None:
    order = place((MUG, 2))
    saga = Fulfilment.start(order, "tok_visa")
    saga.stock_reserved(order)
    saga.stock_reserved(order)  # redelivered
    assert order.status is OrderStatus.AWAITING_PAYMENT
    saga.payment_captured(order, order.total)
    saga.payment_captured(order, order.total)
    assert order.status.value == "paid"
    requests = [e for e in saga.pull_events() if not type(e).__name__.startswith("Fulfilment")]
    assert requests == [
        PaymentRequested(order.id, Money.of("25.00", "EUR"), "tok_visa"),
        ShipmentRequested(order.id, "1 Main St", ((MUG, 2),)),
    ]
    order.shipped("TRK-1")
    order.delivered()
    order.delivered()
    assert order.status.value == "completed"


def test_the_saga_moves_an_order_on_only_for_the_money_it_costs() -> None:
    order = place((MUG, 2))
    saga = Fulfilment.start(order, "tok_visa")
    saga.stock_reserved(order)
    for wrong in (Money.of("24.99", "EUR"), Money.of("25.00", "USD")):
        with pytest.raises(BusinessRuleViolation, match=r"captured .* for an order of 25\.00 EUR"):
            saga.payment_captured(order, wrong)
    assert order.status is OrderStatus.AWAITING_PAYMENT
    saga.payment_captured(order, Money.of("25", "EUR"))
    assert order.status.value == "paid"
    saga.payment_captured(order, Money.of("1.00", "EUR"))  # a stale answer changes nothing


def test_a_delivery_heard_of_before_the_dispatch_waits_for_it() -> None:
    order = place((MUG, 1))
    saga = Fulfilment.start(order, "tok_visa")
    saga.stock_reserved(order)
    saga.payment_captured(order, order.total)
    with pytest.raises(NotShippedYet):
        order.delivered()
    assert order.status is OrderStatus.PAID


def test_answers_for_a_cancelled_order_change_nothing() -> None:
    order = place((MUG, 1))
    saga = Fulfilment.start(order, "tok_visa")
    order.cancel(CancelReason.CUSTOMER_REQUEST, NOW)
    saga.stock_reserved(order)
    saga.payment_captured(order, order.total)
    saga.payment_declined(order, NOW)
    assert (order.status, order.cancel_reason) == (
        OrderStatus.CANCELLED,
        CancelReason.CUSTOMER_REQUEST,
    )
    assert not any(isinstance(e, PaymentRequested) for e in saga.pull_events())


@pytest.mark.parametrize("status", ["paid", "shipped", "completed"])
def test_once_the_shipment_is_requested_the_order_cannot_be_cancelled(status: str) -> None:
    order = place((MUG, 1))
    saga = Fulfilment.start(order, "tok_visa")
    saga.stock_reserved(order)
    saga.payment_captured(order, order.total)
    if status in ("shipped", "completed"):
        order.shipped("TRK-1")
    if status == "completed":
        order.delivered()
    with pytest.raises(BusinessRuleViolation) as refused:
        order.cancel(CancelReason.CUSTOMER_REQUEST, NOW)
    assert refused.value.rule == "OrderCanBeCancelledUntilShipmentIsRequested"
    assert order.status.value == status


class OrderLifecycle(RuleBasedStateMachine):
    """Whatever answers arrive, in whatever order, the order only moves forward."""

    ORDER = (
        OrderStatus.PENDING,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
    )

    def __init__(self) -> None:
        super().__init__()
        self.order = place((MUG, 2), (TEE, 1))
        self.saga = Fulfilment.start(self.order, "tok_visa")
        self.seen: list[OrderStatus] = [self.order.status]
        self.requests: list[object] = []

    @rule(answer=st.sampled_from(["reserved", "rejected", "captured", "declined", "dispatched"]))
    def inventory_or_payments_answer(self, answer: str) -> None:
        match answer:
            case "reserved":
                self.saga.stock_reserved(self.order)
            case "rejected":
                self.saga.stock_rejected(self.order, CancelReason.OUT_OF_STOCK, NOW)
            case "captured":
                self.saga.payment_captured(self.order, self.order.total)
            case "declined":
                self.saga.payment_declined(self.order, NOW)
            case "dispatched":
                self.order.shipped("TRK-1")
        self.after()

    @rule()
    def delivered(self) -> None:
        try:
            self.order.delivered()
        except NotShippedYet:
            assert self.order.status is OrderStatus.PAID
        self.after()

    @rule()
    def customer_cancels(self) -> None:
        try:
            self.order.cancel(CancelReason.CUSTOMER_REQUEST, NOW)
        except BusinessRuleViolation:
            assert self.order.status in (
                OrderStatus.PAID,
                OrderStatus.SHIPPED,
                OrderStatus.COMPLETED,
            )
        self.after()

    def after(self) -> None:
        self.seen.append(self.order.status)
        self.requests += [
            e
            for e in self.saga.pull_events()
            if isinstance(e, PaymentRequested | ShipmentRequested)
        ]

    @invariant()
    def status_never_goes_back(self) -> None:
        live = [s for s in self.seen if s is not OrderStatus.CANCELLED]
        assert live == sorted(live, key=self.ORDER.index)
        if OrderStatus.CANCELLED in self.seen:
            assert self.seen[-1] is OrderStatus.CANCELLED

    @invariant()
    def each_request_is_made_at_most_once(self) -> None:
        kinds = [type(r) for r in self.requests]
        assert kinds.count(PaymentRequested) <= 1
        assert kinds.count(ShipmentRequested) <= 1
        if ShipmentRequested in kinds:
            assert PaymentRequested in kinds

    @invariant()
    def a_cancelled_order_was_never_sent_to_shipping(self) -> None:
        if self.order.is_cancelled:
            assert ShipmentRequested not in [type(r) for r in self.requests]
            assert self.order.cancel_reason is not None


TestOrderLifecycle = OrderLifecycle.TestCase


@pytest.mark.parametrize("number", [0, -1, 2**63, True, 1.5, "7"])
def test_an_order_number_is_a_whole_number_within_bounds(number: object) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Order.place(OrderId("o-1"), "c-1", "1 St", [(MUG, 1)], price_list(), NOW, number=number)  # type: ignore[arg-type]
    assert refused.value.rule == "OrderNumberMustBeWithinBounds"


def test_the_number_an_order_is_placed_with_is_announced() -> None:
    order = Order.place(
        OrderId("o-1"), "c-1", "1 Main St", [(MUG, 1)], price_list(), NOW, number=42
    )
    [placed] = order.pull_events()
    assert isinstance(placed, OrderPlaced)
    assert (order.number, placed.number) == (42, 42)
