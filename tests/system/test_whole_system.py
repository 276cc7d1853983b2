"""The whole shop, under any interleaving: messages delivered in random order, some twice.

After the queue is drained, whatever happened:
- every order is completed or cancelled, or shipped and awaiting delivery;
- for every SKU, received = on hand + shipped, and reserved = what orders hold;
- captured - refunded = the totals of the orders that were paid and not cancelled;
- a cancelled order holds no reservation and no unrefunded capture.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Sequence
from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from tessera.adapters.bootstrap import Settings, Tessera, bootstrap
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.queue import Delivery
from tessera.application.catalog.commands import DiscontinueProduct, ListProduct, RepriceProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.inventory.queries import ListAllocations, ListStockItems
from tessera.application.ordering.commands import CancelOrder, OrderLineRequest, PlaceOrder
from tessera.application.ordering.queries import ListOrders
from tessera.application.payments.queries import ListPayments
from tessera.application.shared.errors import ApplicationError
from tessera.application.shared.retry import RetryPolicy
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import ListShipments
from tessera.domain.shared.errors import DomainError

SKUS = ("MUG-1", "TEE-1", "CAP-1")
CARDS = ("tok_visa", "tok_visa", "tok_chargeDeclined", "tok_gatewayError")


class ShuffledQueue(InMemoryQueue):
    """Hands out a random few of the ready messages in a random order, and now and then loses
    an acknowledgement, so that the message is delivered again."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def receive(
        self, subscription: str, limit: int, lease_seconds: float, consumer: str
    ) -> list[Delivery]:
        ready = super().receive(subscription, 10_000, lease_seconds, consumer)
        self.rng.shuffle(ready)
        taken = ready[: self.rng.randint(0, min(limit, len(ready)))]
        super().release(ready[len(taken) :])
        return taken

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        lost = [d for d in deliveries if self.rng.random() < 0.2]
        super().release(lost)
        super().ack([d for d in deliveries if d not in lost])

    def pending(self, subscriptions: Collection[str]) -> int:
        return super().pending(subscriptions)


lines = st.lists(
    st.builds(OrderLineRequest, st.sampled_from(SKUS), st.integers(min_value=1, max_value=4)),
    min_size=1,
    max_size=3,
    unique_by=lambda line: line.sku,
)


class Shop(RuleBasedStateMachine):
    app: Tessera

    @initialize(seed=st.integers(min_value=0, max_value=2**32))
    def open_the_shop(self, seed: int) -> None:
        self.queue = ShuffledQueue(random.Random(seed))
        retry = RetryPolicy(max_attempts=100, first_delay=0.0)
        self.app = bootstrap(Settings.in_memory(deliver_inline=False, retry=retry), self.queue)
        self.worker = self.app.worker()
        for sku in SKUS:
            self.app.handle(ListProduct(sku=sku, name=sku.title(), price="10.00"))
        self.settle()
        for sku in SKUS:
            self.app.handle(ReceiveStock(sku=sku, quantity=12))
        self.order_ids: list[str] = []

    def attempt(self, message: object) -> object:
        try:
            return self.app.handle(message)
        except (DomainError, ApplicationError):
            return None  # refused: a rule said no, and nothing changed

    @rule(sku=st.sampled_from(SKUS), quantity=st.integers(min_value=1, max_value=8))
    def receive_stock(self, sku: str, quantity: int) -> None:
        self.attempt(ReceiveStock(sku=sku, quantity=quantity))

    @rule(sku=st.sampled_from(SKUS), cents=st.integers(min_value=1, max_value=5000))
    def reprice(self, sku: str, cents: int) -> None:
        self.attempt(RepriceProduct(sku=sku, price=Decimal(cents) / 100))

    @rule(sku=st.sampled_from(SKUS))
    def discontinue(self, sku: str) -> None:
        self.attempt(DiscontinueProduct(sku=sku))

    @rule(wanted=lines, card=st.sampled_from(CARDS))
    def place_order(self, wanted: list[OrderLineRequest], card: str) -> None:
        placed = self.attempt(PlaceOrder("c-1", wanted, card, "1 Main St"))
        if placed is not None:
            self.order_ids.append(placed.view.id)  # type: ignore[attr-defined]

    @rule(data=st.data())
    def cancel_order(self, data: st.DataObject) -> None:
        if self.order_ids:
            self.attempt(CancelOrder(data.draw(st.sampled_from(self.order_ids))))

    @rule(data=st.data())
    def customer_changes_mind_while_the_payment_is_under_way(self, data: st.DataObject) -> None:
        waiting = [o.id for o in self.app.handle(ListOrders("awaiting_payment"))]
        if waiting:
            self.attempt(CancelOrder(data.draw(st.sampled_from(waiting))))

    @rule(rounds=st.integers(min_value=1, max_value=6))
    def deliver_some_messages(self, rounds: int) -> None:
        for _ in range(rounds):
            self.worker.run_once()

    @rule()
    def carrier_delivers_parcels(self) -> None:
        for shipment in self.app.handle(ListShipments("dispatched")):
            self.app.handle(DeliverShipment(shipment.id))

    @rule()
    def drain_and_check(self) -> None:
        self.settle()
        self.check()

    def teardown(self) -> None:
        if hasattr(self, "app"):
            self.settle()
            self.check()
            self.app.close()

    def settle(self) -> None:
        for _ in range(20_000):
            if self.worker.idle():
                return
            self.worker.run_once()
        raise AssertionError("the queue never drained")

    def check(self) -> None:
        orders = {o.id: o for o in self.app.handle(ListOrders())}
        stock = {i.sku: i for i in self.app.handle(ListStockItems())}
        allocations = {a.order_id: a for a in self.app.handle(ListAllocations())}
        payments = {p.order_id: p for p in self.app.handle(ListPayments())}
        assert self.app.operations.dead_letters() == []

        for order in orders.values():
            assert order.status in {"completed", "cancelled", "shipped"}, order

        held: Counter[str] = Counter()
        shipped: Counter[str] = Counter()
        for allocation in allocations.values():
            if allocation.status == "reserved":
                held.update(allocation.lines)
            if allocation.status == "shipped":
                shipped.update(allocation.lines)
        for sku, item in stock.items():
            assert item.received == item.on_hand + item.shipped
            assert item.reserved == held[sku]
            assert item.shipped == shipped[sku]
            assert item.available >= 0

        kept = sum((p.captured - p.refunded for p in payments.values()), Decimal(0))
        paid = [o for o in orders.values() if o.status in {"shipped", "completed"}]
        assert kept == sum((o.total for o in paid), Decimal(0))
        for order in paid:
            assert payments[order.id].status == "captured"

        for order in orders.values():
            if order.status == "cancelled":
                assert (
                    allocations.get(order.id) is None or allocations[order.id].status != "reserved"
                )
                payment = payments.get(order.id)
                assert payment is None or payment.captured == payment.refunded


Shop.TestCase.settings = settings(max_examples=50, stateful_step_count=40, deadline=None)
TestShop = Shop.TestCase
