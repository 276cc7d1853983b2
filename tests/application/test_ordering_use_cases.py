"""Ordering's use cases and its saga's reactions, one by one, on fakes: no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tessera.application.contracts.inventory import StockReservationRejected, StockReserved
from tessera.application.contracts.payments import PaymentCaptured, PaymentDeclined
from tessera.application.contracts.shipping import ShipmentDelivered, ShipmentDispatched
from tessera.application.ordering.commands import CancelOrder, OrderLineRequest, PlaceOrder
from tessera.application.ordering.handlers import AmbiguousOrderId, ordering_handlers
from tessera.application.ordering.queries import FindOrders, GetOrder, OrderView
from tessera.application.ordering.subscriptions import ordering_reactions
from tessera.application.shared.bus import MessageBus
from tessera.application.shared.outcome import Outcome
from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.shared.errors import BusinessRuleViolation, NotFound
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money
from tests.fakes import FakeOrderingUnitOfWork

START = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def uow() -> FakeOrderingUnitOfWork:
    uow = FakeOrderingUnitOfWork()
    with uow:  # what ordering has learnt from catalog's events
        uow.prices.add(ListedPrice(Sku("MUG-1"), Money.of("12.50", "EUR")))
        uow.commit()
    return uow


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bus(uow: FakeOrderingUnitOfWork, clock: Clock) -> MessageBus:
    return MessageBus(ordering_handlers(uow, clock))


def place(bus: MessageBus, customer: str = "c-1", order_id: str | None = None) -> OrderView:
    line = [OrderLineRequest("MUG-1", 2)]
    placed: Outcome[OrderView] = bus.handle(
        PlaceOrder(customer, line, "tok_visa", "1 Main St", order_id)
    )
    return placed.view


def react(uow: FakeOrderingUnitOfWork, clock: Clock, event: object) -> None:
    with uow:
        ordering_reactions(clock)[type(event)](event, uow)
        uow.commit()


def test_an_order_is_placed_pending_at_its_price_and_time(bus: MessageBus) -> None:
    order = place(bus)
    assert (order.status, order.total, order.currency) == ("pending", Decimal("25.00"), "EUR")
    assert order.placed_at == "2030-01-01T12:01:00.000+00:00"


def test_placing_the_same_order_again_changes_nothing(
    bus: MessageBus, uow: FakeOrderingUnitOfWork
) -> None:
    first = place(bus, order_id="o-1")
    assert place(bus, order_id="o-1") == first
    assert uow.commits == 2  # the price list and the one order


def test_the_saga_moves_an_order_on_as_the_answers_come_in(
    bus: MessageBus, uow: FakeOrderingUnitOfWork, clock: Clock
) -> None:
    order_id = place(bus).id
    react(uow, clock, StockReserved(order_id))
    assert bus.handle(GetOrder(order_id)).status == "awaiting_payment"
    react(uow, clock, PaymentCaptured(order_id, Decimal("25.00"), "EUR"))
    assert bus.handle(GetOrder(order_id)).status == "paid"
    with uow:
        fulfilment = uow.fulfilments.get(OrderId(order_id))
        assert fulfilment is not None
        assert (fulfilment.payment_requested, fulfilment.shipment_requested) == (True, True)
    react(uow, clock, ShipmentDispatched(order_id, "TRK-1"))
    react(uow, clock, ShipmentDelivered(order_id))
    completed = bus.handle(GetOrder(order_id))
    assert (completed.status, completed.tracking_number) == ("completed", "TRK-1")


def test_a_capture_of_another_amount_is_refused_and_the_order_waits(
    bus: MessageBus, uow: FakeOrderingUnitOfWork, clock: Clock
) -> None:
    order_id = place(bus).id
    react(uow, clock, StockReserved(order_id))
    with pytest.raises(BusinessRuleViolation) as refused:
        react(uow, clock, PaymentCaptured(order_id, Decimal("2.50"), "EUR"))
    assert refused.value.rule == "CapturedMoneyMustBeTheTotal"
    assert str(refused.value) == "payments captured 2.50 EUR for an order of 25.00 EUR"
    assert bus.handle(GetOrder(order_id)).status == "awaiting_payment"


@pytest.mark.parametrize(
    ("answers", "reason", "by"),
    [
        ([StockReservationRejected], "out_of_stock", "inventory"),
        ([StockReserved, PaymentDeclined], "payment_declined", "payments"),
    ],
)
def test_a_refusal_cancels_the_order_naming_who_and_when(
    bus: MessageBus,
    uow: FakeOrderingUnitOfWork,
    clock: Clock,
    answers: list[type],
    reason: str,
    by: str,
) -> None:
    order_id = place(bus).id
    for answer in answers:
        if answer is StockReservationRejected:
            react(uow, clock, StockReservationRejected(order_id, "out_of_stock"))
        elif answer is StockReserved:
            react(uow, clock, StockReserved(order_id))
        else:
            react(uow, clock, PaymentDeclined(order_id))
    cancelled = bus.handle(GetOrder(order_id))
    assert (cancelled.status, cancelled.cancel_reason, cancelled.cancelled_by) == (
        "cancelled",
        reason,
        by,
    )
    assert cancelled.cancelled_at == clock.now.isoformat(timespec="milliseconds")


def test_a_stale_answer_changes_nothing(
    bus: MessageBus, uow: FakeOrderingUnitOfWork, clock: Clock
) -> None:
    order_id = place(bus).id
    bus.handle(CancelOrder(order_id))
    react(uow, clock, StockReserved(order_id))
    react(uow, clock, PaymentCaptured(order_id, Decimal("25.00"), "EUR"))
    order = bus.handle(GetOrder(order_id))
    assert (order.status, order.cancelled_by) == ("cancelled", "customer")


def test_orders_are_found_newest_first_by_customer_and_time(bus: MessageBus) -> None:
    first, second, third = (place(bus, customer) for customer in ("c-1", "c-2", "c-1"))
    page = bus.handle(FindOrders(limit=2))
    assert [o.id for o in page.orders] == [third.id, second.id]
    assert (page.total, page.more) == (3, 1)
    mine = bus.handle(FindOrders(customer_id="c-1", limit=None))
    assert [o.id for o in mine.orders] == [third.id, first.id]
    since = datetime.fromisoformat(second.placed_at or "")
    assert [o.id for o in bus.handle(FindOrders(since=since)).orders] == [third.id, second.id]
    with pytest.raises(BusinessRuleViolation, match="from 1 to 100,000"):
        bus.handle(FindOrders(limit=0))


def test_an_order_is_found_by_a_unique_prefix_of_eight_or_more(bus: MessageBus) -> None:
    place(bus, order_id="abcdefgh-1")
    place(bus, order_id="abcdefgh-2")
    assert bus.handle(GetOrder("abcdefgh-2")).id == "abcdefgh-2"
    with pytest.raises(AmbiguousOrderId, match="2 orders begin with abcdefgh"):
        bus.handle(GetOrder("abcdefgh"))
    with pytest.raises(NotFound):
        bus.handle(GetOrder("abcdefg"))


def test_a_name_is_an_order_number_only_within_its_bounds() -> None:
    from tessera.application.ordering.handlers import as_order_number
    from tessera.domain.shared.bounds import MAX_ORDER_NUMBER

    assert as_order_number("1042") == 1042
    assert as_order_number(str(MAX_ORDER_NUMBER)) == MAX_ORDER_NUMBER
    for name in (str(MAX_ORDER_NUMBER + 1), "9" * 5000, "0", "01", "-1", "\uff11", "1e3"):
        assert as_order_number(name) is None, name
