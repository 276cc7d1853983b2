"""A deployment chooses its payment gateway, carrier, queue and clock; the test adapters are
only the defaults."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import assert_type

from tessera.adapters.bootstrap import Settings, bootstrap
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.ordering.queries import GetOrder, OrderView
from tessera.application.payments.gateway import ChargeResult, GatewayUnavailable
from tessera.application.payments.queries import GetPayment
from tessera.application.shared.outcome import Outcome
from tessera.application.shared.retry import RetryPolicy
from tessera.domain.shared.money import Money

MOMENT = datetime(2030, 5, 17, 9, 30, tzinfo=UTC)


class HouseAccounts:
    """A gateway of the shop's own: customers pay from accounts named `acct_...`."""

    def __init__(self) -> None:
        self.charged: dict[str, tuple[str, Money]] = {}

    def charge(self, idempotency_key: str, card_token: str, amount: Money) -> ChargeResult:
        if not card_token.startswith("acct_"):
            return ChargeResult(approved=False, reason=f"{card_token} is not a house account")
        self.charged.setdefault(idempotency_key, (card_token, amount))
        return ChargeResult(approved=True)

    def refund(self, idempotency_key: str, amount: Money) -> None:
        raise AssertionError("nothing is refunded here")


class Courier:
    def dispatch(self, shipment_id: str, address: str) -> str:
        return f"COURIER-{shipment_id[-6:]}"


def test_the_saga_pays_ships_and_dates_through_the_adapters_a_deployment_chooses() -> None:
    accounts, queue = HouseAccounts(), InMemoryQueue()
    chosen = {"payment_gateway": accounts, "carrier": Courier(), "clock": lambda: MOMENT}
    with bootstrap(Settings.in_memory(), queue, ports=chosen) as app:
        app.handle(ListProduct("MUG-1", "Mug", "4.00"))
        app.handle(ReceiveStock("MUG-1", 5))
        line = [OrderLineRequest("MUG-1", 2)]
        paid = app.handle(PlaceOrder("c-1", line, "acct_42", "1 Main St")).view
        refused = app.handle(PlaceOrder("c-2", line, "tok_visa", "2 Main St")).view
        shipped = app.handle(GetOrder(paid.id))
        cancelled = app.handle(GetOrder(refused.id))
        declined = app.handle(GetPayment(refused.id))
        assert app.operations is queue

    assert accounts.charged == {f"charge-{paid.id}": ("acct_42", Money.of("8.00", "EUR"))}
    assert shipped.status == "shipped"
    assert shipped.tracking_number is not None
    assert shipped.tracking_number.startswith("COURIER-")
    assert shipped.placed_at == "2030-05-17T09:30:00.000+00:00"
    assert (cancelled.status, cancelled.cancelled_at) == (
        "cancelled",
        "2030-05-17T09:30:00.000+00:00",
    )
    assert declined.decline_reason == "tok_visa is not a house account"


class GatewayDown:
    """A gateway that never answers: payments' reaction fails every time it is tried."""

    def __init__(self) -> None:
        self.asked = 0

    def charge(self, idempotency_key: str, card_token: str, amount: Money) -> ChargeResult:
        self.asked += 1
        raise GatewayUnavailable("the gateway is down")

    def refund(self, idempotency_key: str, amount: Money) -> None:
        raise GatewayUnavailable("the gateway is down")


def test_a_failing_context_never_holds_back_the_command_that_started_the_conversation() -> None:
    down = GatewayDown()
    slow_retries = RetryPolicy(max_attempts=3, first_delay=0.2, factor=1.0)
    with bootstrap(Settings.in_memory(retry=slow_retries), ports={"payment_gateway": down}) as app:
        app.handle(ListProduct("MUG-1", "Mug", "4.00"))
        app.handle(ReceiveStock("MUG-1", 5))
        placed = app.handle(PlaceOrder("c-1", [OrderLineRequest("MUG-1", 1)], "tok_visa", "1 St"))
        # Returned after payments' first failure, not after its whole retry schedule.
        assert down.asked == 1
        assert app.handle(GetOrder(placed.view.id)).status == "awaiting_payment"
        app.deliver()  # a worker's part: the retries on their schedule, then the dead letter
        assert down.asked == slow_retries.max_attempts
        [dead] = app.operations.dead_letters()
        assert (dead.subscription, dead.type) == (
            "payments",
            "tessera.ordering.PaymentRequested.v1",
        )


def test_handle_is_typed_by_what_it_is_given() -> None:
    """`mypy --strict` (make lint) checks these; at run time they are the values themselves."""
    with bootstrap(Settings.in_memory()) as app:
        app.handle(ListProduct("MUG-1", "Mug", "4.00"))
        app.handle(ReceiveStock("MUG-1", 5))
        placed = app.handle(PlaceOrder("c-1", [OrderLineRequest("MUG-1", 1)], "tok_visa", "1 St"))
        assert_type(placed, Outcome[OrderView])
        order = app.handle(GetOrder(placed.view.id))
        assert_type(order, OrderView)
        assert order.status == "shipped"
