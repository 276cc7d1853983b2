"""`tessera demo`: the main job, run by `make demo` on the embedded SQLite default.

On a fresh data directory it lists a catalog, receives stock and places a realistic stream of
orders while a worker delivers their messages, then reports what became of every order, of
the money and of the stock, and traces one order through all five contexts.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from decimal import Decimal

import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adapters.bootstrap import Tessera, Topology, bootstrap, setup
from adapters.cli.app import Runtime, cli, fail, pass_runtime
from adapters.cli.render import Column, Listing, products_listing, stock_listing
from adapters.cli.types import WholeNumber
from adapters.payments.test_gateway import APPROVES, DECLINES, FAILS_TWICE
from application.catalog.commands import DiscontinueProduct, ListProduct
from application.catalog.queries import ListProducts
from application.inventory.commands import ReceiveStock
from application.inventory.queries import ListStockItems
from application.ordering.commands import CancelOrder, OrderLineRequest, PlaceOrder
from application.ordering.queries import CountOrders, ListOrders, OrderView
from application.payments.queries import ListPayments
from application.shared.errors import ApplicationError
from application.shared.integration import short_name
from application.shipping.commands import DeliverShipment
from application.shipping.queries import ListShipments
from domain.shared.errors import DomainError

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
SETTLED = {"shipped", "completed", "cancelled"}
PAID = {"shipped", "completed"}


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


@cli.command()
@click.option(
    "--orders",
    "count",
    type=WholeNumber(1, 100_000),
    default=500,
    show_default=True,
    help="How many orders, from 1 to 100,000.",
)
@click.option(
    "--seed", type=WholeNumber(0, 2**32), default=7, show_default=True, help="Seed of the stream."
)
@pass_runtime
def demo(runtime: Runtime, count: int, seed: int) -> None:
    """Create a shop in a fresh data directory, run it for a while and report what happened."""
    data_dir = runtime.settings.data_dir
    if data_dir is not None and data_dir.exists() and any(data_dir.iterdir()):
        fail(f"the demo needs a fresh data directory, and {data_dir} is not empty")
    # Commands are placed from here while a worker thread delivers, as separate processes would.
    settings = attrs.evolve(runtime.settings, topology=Topology.SPLIT, poll_seconds=0.005)
    console = Console()
    setup(settings)
    plans = order_stream(count, seed)
    with bootstrap(settings) as app:
        stock_up(app)
        refunded = [plan for plan in plans if plan.cancel_during_capture]
        cancel_during_capture(app, refunded)
        worker = app.worker()
        delivering = threading.Thread(target=worker.run, name="worker", daemon=True)
        delivering.start()
        try:
            began = time.perf_counter()
            outcome = place_orders(app, [p for p in plans if p not in refunded], console)
            elapsed = time.perf_counter() - began
            deliver_parcels(app)
            wait_until_idle(app)
        finally:
            worker.stop()
            delivering.join(timeout=30)
        report(app, outcome, count, elapsed)


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
        order = app.handle(PlaceOrder(f"late-{n:02}", plan.lines, plan.card, address(n)))
        app.worker(["inventory", "ordering"]).drain()
        app.worker(["payments"]).drain()
        app.handle(CancelOrder(order.id))


@attrs.define
class Outcome:
    cancellations_refused: int = 0
    placed_at: dict[str, float] = attrs.Factory(dict)


def place_orders(app: Tessera, plans: list[OrderPlan], console: Console) -> Outcome:
    outcome = Outcome()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        placing = progress.add_task("orders placed ", total=len(plans))
        # Every order of the shop settles, the staged ones included.
        everyone = len(plans) + sum(app.handle(CountOrders()).values())
        settling = progress.add_task("orders settled", total=everyone)
        for n, plan in enumerate(plans):
            order = app.handle(
                PlaceOrder(f"customer-{n % 97:02}", plan.lines, plan.card, address(n))
            )
            outcome.placed_at[order.id] = time.time()
            if plan.cancel:
                try:
                    app.handle(CancelOrder(order.id))
                except (DomainError, ApplicationError):
                    outcome.cancellations_refused += 1  # the saga had already moved it on
            progress.advance(placing)
            if n % 25 == 0:
                progress.update(settling, completed=settled(app))
        while (done := settled(app)) < everyone:
            progress.update(settling, completed=done)
            time.sleep(0.1)
        progress.update(settling, completed=everyone)
    return outcome


def address(n: int) -> str:
    return f"{n + 1} Harbour Street, Port {chr(65 + n % 26)}"


def settled(app: Tessera) -> int:
    counts: dict[str, int] = app.handle(CountOrders())
    return sum(counts[status] for status in SETTLED)


def deliver_parcels(app: Tessera) -> None:
    """The carrier confirms every parcel it was given."""
    for shipment in app.handle(ListShipments("dispatched")):
        app.handle(DeliverShipment(shipment.id))


def wait_until_idle(app: Tessera, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not app.worker().idle():
        if time.monotonic() > deadline:
            raise ApplicationError("the demo's messages were not all delivered in time")
        time.sleep(0.05)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def report(app: Tessera, outcome: Outcome, count: int, elapsed: float) -> None:
    orders: list[OrderView] = app.handle(ListOrders())
    by_outcome = Counter((o.status, o.cancel_reason or "") for o in orders)
    table = Listing(f"{count} orders", "Status", "Reason", Column("Orders", "number"))
    for (status, reason), n in sorted(by_outcome.items()):
        table.add(status, reason or "-", n)
    table.show(heading=True)
    if outcome.cancellations_refused:
        click.echo(f"{outcome.cancellations_refused} cancellations came too late and were refused")

    payments = app.handle(ListPayments())
    captured = sum((p.captured for p in payments), Decimal(0))
    refunded = sum((p.refunded for p in payments), Decimal(0))
    kept = captured - refunded
    paid = sum((o.total for o in orders if o.status in PAID), Decimal(0))
    refunds = sum(p.refunded > 0 for p in payments)
    click.echo(
        f"money captured {captured} EUR, refunded {refunded} EUR ({refunds} payments),"
        f" kept {kept} EUR"
    )
    click.echo(
        "money conservation (captured - refunded = kept = totals of the orders paid and not"
        f" refunded) holds: {kept == paid}"
    )

    items = app.handle(ListStockItems())
    stock_listing(items).show(heading=True)
    balanced = all(i.received == i.on_hand + i.shipped for i in items)
    click.echo(f"stock conservation (received = on hand + shipped) holds for every SKU: {balanced}")
    products_listing(app.handle(ListProducts())).show(heading=True)

    latencies = shipped_latencies(app, orders, outcome)
    click.echo(
        f"{count} orders placed and settled in {elapsed:.1f} s ({count / elapsed:,.0f} orders/s);"
        " placed -> shipped latency"
        f" p50 {percentile(latencies, 0.5) * 1000:.0f} ms,"
        f" p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
    )
    completed = next((o for o in orders if o.status == "completed"), None)
    if completed is not None:
        trace_table(app, completed.id)


def shipped_latencies(app: Tessera, orders: list[OrderView], outcome: Outcome) -> list[float]:
    latencies = []
    for order in orders:
        for hop in app.operations.trace(order.id):
            dispatched = hop.type.endswith("ShipmentDispatched.v1")
            if dispatched and hop.subscription == "ordering" and hop.handled_at is not None:
                latencies.append(hop.handled_at - outcome.placed_at[order.id])
    return latencies


def trace_table(app: Tessera, order_id: str) -> None:
    hops = app.operations.trace(order_id)
    start = hops[0].written_at
    table = Listing(
        f"Trace of order {order_id} through the contexts", Column("+ms", "number"),
        "Published by", "Event", "Handled by", Column("+ms handled", "number"),
    )  # fmt: skip
    for hop in (h for h in hops if h.state != "ignored"):
        handled = f"{(hop.handled_at - start) * 1000:.0f}" if hop.handled_at else "-"
        table.add(
            f"{(hop.written_at - start) * 1000:.0f}", hop.source, short_name(hop.type),
            hop.subscription or "-", handled,
        )  # fmt: skip
    table.show(heading=True)
