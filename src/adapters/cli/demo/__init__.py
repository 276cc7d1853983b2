"""`tessera demo`: the main job, run by `make demo` on the embedded SQLite default.

On a fresh data directory it lists a catalog, receives stock and places a realistic stream of
orders while a worker delivers their messages, then reports what became of every order, of
the money and of the stock, and traces one order through all five contexts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import IO, TYPE_CHECKING

import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tessera.adapters.cli.app import Runtime, fail, pass_runtime
from tessera.adapters.cli.demo.report import Outcome, report
from tessera.adapters.cli.demo.scenario import (
    OrderPlan,
    address,
    cancel_during_capture,
    order_stream,
    stock_up,
)
from tessera.adapters.cli.types import WholeNumber
from tessera.adapters.persistence.environment import BROKER_URL_ENV, DATABASE_URL_ENV, Topology
from tessera.application.ordering.commands import CancelOrder, PlaceOrder
from tessera.application.ordering.queries import CountOrders
from tessera.application.shared.errors import ApplicationError
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import ListShipments
from tessera.domain.shared.errors import DomainError

if TYPE_CHECKING:
    from tessera.adapters.bootstrap import Tessera

SETTLED = {"shipped", "completed", "cancelled"}


@click.command()
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
@click.option(
    "--worker-processes",
    is_flag=True,
    help="Deliver with a `tessera worker` process per context, as a split or scaled"
    " deployment runs, instead of a thread of this process.",
)
@pass_runtime
def demo(runtime: Runtime, count: int, seed: int, worker_processes: bool) -> None:
    """Create a shop in a fresh data directory, run it for a while and report what happened."""
    from tessera.adapters.bootstrap import bootstrap, setup

    data_dir = runtime.settings.data_dir
    if data_dir is not None and data_dir.exists() and any(data_dir.iterdir()):
        fail(f"the demo needs a fresh data directory, and {data_dir} is not empty")
    # Commands are placed from here while workers deliver, as separate processes would.
    settings = attrs.evolve(runtime.settings, topology=Topology.SPLIT, poll_seconds=0.005)
    console = Console()
    setup(settings)
    plans = order_stream(count, seed)
    with bootstrap(settings) as app:
        if sum(app.handle(CountOrders()).values()):
            fail("the demo needs an empty shop, and its databases already hold orders")
        stock_up(app)
        refunded = [plan for plan in plans if plan.cancel_during_capture]
        cancel_during_capture(app, refunded)
        deliverer = processes(app) if worker_processes else in_a_thread(app)
        with deliverer as delivering:
            began = time.perf_counter()
            placing = [p for p in plans if p not in refunded]
            outcome = place_orders(app, placing, console, delivering)
            elapsed = time.perf_counter() - began
            deliver_parcels(app)
            wait_until_idle(app, delivering)
        report(app, outcome, count, elapsed)


Delivering = Callable[[], None]
"""Raises, saying why, once what delivers the demo's messages has stopped."""


@contextmanager
def in_a_thread(app: Tessera) -> Iterator[Delivering]:
    worker = app.worker()
    delivering = threading.Thread(target=worker.run, name="worker", daemon=True)
    delivering.start()

    def check() -> None:
        if not delivering.is_alive():
            raise ApplicationError("the demo's worker thread stopped; its log says why")

    try:
        yield check
    finally:
        worker.stop()
        delivering.join(timeout=30)


@contextmanager
def processes(app: Tessera) -> Iterator[Delivering]:
    """A `tessera worker` process per context, with this process's settings; stopped (as
    an operator stops them, SIGTERM) when the block ends; one that exits before is reported
    with the last line it wrote. The URLs, which may hold secrets,
    travel in the workers' environment, which only their user may read, not on their command
    lines, which every user may."""
    settings = app.settings
    command = [sys.executable, "-m", "tessera.adapters.cli", "--data-dir", str(settings.data_dir)]
    command += ["--topology", "split"]
    environment = {**os.environ, "TESSERA_POLL_SECONDS": str(settings.poll_seconds)}
    if settings.database_url is not None:
        environment[DATABASE_URL_ENV] = settings.database_url.render_as_string(False)
    if settings.broker_url is not None:
        environment[BROKER_URL_ENV] = settings.broker_url
    with ExitStack() as stack:
        running: dict[str, tuple[subprocess.Popen[bytes], IO[bytes]]] = {}
        for name in app.contexts:
            said = stack.enter_context(tempfile.TemporaryFile())
            worker = [*command, "worker", "--context", name, "-q"]
            running[name] = (subprocess.Popen(worker, env=environment, stderr=said), said)

        def check() -> None:
            for name, (process, said) in running.items():
                if process.poll() is not None:
                    said.seek(0)
                    last = [line for line in said.read().decode(errors="replace").splitlines()
                            if line.strip()]  # fmt: skip
                    why = f": {last[-1]}" if last else ""
                    raise ApplicationError(
                        f"the {name} worker exited early ({_exit(process.returncode)}){why}"
                    )

        try:
            yield check
        finally:
            for process, _ in running.values():
                if process.poll() is None:
                    process.terminate()
            for process, _ in running.values():
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _exit(code: int) -> str:
    return f"killed by signal {-code}" if code < 0 else f"exit code {code}"


def place_orders(
    app: Tessera, plans: list[OrderPlan], console: Console, delivering: Delivering
) -> Outcome:
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
            ).view
            outcome.placed_at[order.id] = time.time()
            if plan.cancel:
                try:
                    app.handle(CancelOrder(order.id))
                except (DomainError, ApplicationError):
                    outcome.cancellations_refused += 1  # the saga had already moved it on
            progress.advance(placing)
            if n % 25 == 0:
                delivering()
                progress.update(settling, completed=settled(app))
        while (done := settled(app)) < everyone:
            delivering()
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


def wait_until_idle(app: Tessera, delivering: Delivering, timeout: float = 60.0) -> None:
    """Every parcel's delivery has reached its order, and nothing is left to deliver (a
    worker process may hold a message the queue no longer counts: the orders tell)."""
    deadline = time.monotonic() + timeout
    while app.handle(CountOrders())["shipped"] or not app.worker().idle():
        delivering()
        if time.monotonic() > deadline:
            raise ApplicationError("the demo's messages were not all delivered in time")
        time.sleep(0.05)
