"""`tessera demo`: the main job, run by `make demo` on the embedded SQLite default.

On a fresh data directory it lists a catalog, receives stock and places a realistic stream of
orders while a worker delivers their messages, then reports what became of every order, of
the money and of the stock, and traces one order through all five contexts.
"""

from __future__ import annotations

import threading
import time

import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adapters.bootstrap import Tessera, Topology, bootstrap, setup
from adapters.cli.app import Runtime, cli, fail, pass_runtime
from adapters.cli.demo.report import Outcome, report
from adapters.cli.demo.scenario import (
    OrderPlan,
    address,
    cancel_during_capture,
    order_stream,
    stock_up,
)
from adapters.cli.types import WholeNumber
from application.ordering.commands import CancelOrder, PlaceOrder
from application.ordering.queries import CountOrders
from application.shared.errors import ApplicationError
from application.shipping.commands import DeliverShipment
from application.shipping.queries import ListShipments
from domain.shared.errors import DomainError

SETTLED = {"shipped", "completed", "cancelled"}


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
