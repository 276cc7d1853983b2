"""The demo's scenario: the shop it opens and the stream of orders its customers place."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import attrs

from tessera.adapters.payments.test_gateway import APPROVES, DECLINES, FAILS_TWICE
from tessera.application.catalog.commands import DiscontinueProduct, ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import CancelOrder, OrderLineRequest, PlaceOrder

if TYPE_CHECKING:
    from tessera.adapters.bootstrap import Tessera

CATALOG = (
    ("MUG-BLUE", "Blue enamel mug", "12.50"),
    ("MUG-RED", "Red enamel mug", "12.50"),
    ("TEE-M", "Logo T-shirt, size M", "24.00"),
    ("TEE-L", "Logo T-shirt, size L", "24.00"),
    ("POSTER-A2", "Mountain poster, A2", "18.90"),
    ("CAP-OLD", "Last season's cap", "9.99"),
)
ON_SALE = [sku for sku, _, _ in CATALOG if sku != "CAP-OLD"]
DELIVERIES = (
    ("MUG-BLUE", 600),
    ("MUG-RED", 500),
    ("TEE-M", 450),
    ("TEE-L", 450),
    ("POSTER-A2", 300),
)


@attrs.frozen
class OrderPlan:
    lines: tuple[OrderLineRequest, ...]
    card: str
    cancel: bool
    """The customer changes their mind as soon as the order is placed."""
    cancel_during_capture: bool = False
    """The customer cancels while the payment is being taken: the money comes back."""


def order_stream(count: int, seed: int) -> list[OrderPlan]:
    """A reproducible mix: mostly good cards, some declined, some flaky, a few greedy orders
    for more than there is, a few customers who change their minds, early or while their
    payment is being taken."""
    pick = random.Random(seed)
    plans = []
    for _ in range(count):
        skus = pick.sample(ON_SALE, k=pick.choice([1, 1, 2, 3]))
        greedy = pick.random() < 0.04
        lines = tuple(
            OrderLineRequest(sku, pick.randint(1000, 2000) if greedy else pick.randint(1, 3))
            for sku in skus
        )
        card = pick.choices([APPROVES, DECLINES, FAILS_TWICE], weights=[80, 10, 10])[0]
        change_of_mind = pick.random()
        plans.append(
            OrderPlan(
                lines,
                card,
                cancel=change_of_mind < 0.03,
                cancel_during_capture=0.03 <= change_of_mind < 0.05 and card == APPROVES,
            )
        )
    return plans


def stock_up(app: Tessera) -> None:
    for sku, name, price in CATALOG:
        app.handle(ListProduct(sku=sku, name=name, price=price, currency="EUR"))
    app.handle(DiscontinueProduct(sku="CAP-OLD"))
    app.deliver()  # inventory and ordering learn the catalog before stock and orders arrive
    for sku, quantity in DELIVERIES:
        app.handle(ReceiveStock(sku=sku, quantity=quantity))


def cancel_during_capture(app: Tessera, plans: list[OrderPlan]) -> None:
    """Customers who cancel while their payment is being taken, staged step by step: stock
    reserved and payment asked for, the payment captured, and the cancellation arriving
    before the capture's news reaches ordering. Payments then refunds the capture."""
    for n, plan in enumerate(plans):
        order = app.handle(PlaceOrder(f"late-{n:02}", plan.lines, plan.card, address(n))).view
        app.worker(["inventory", "ordering"]).drain()
        app.worker(["payments"]).drain()
        app.handle(CancelOrder(order.id))


def address(n: int) -> str:
    return f"{n + 1} Harbour Street, Port {chr(65 + n % 26)}"
