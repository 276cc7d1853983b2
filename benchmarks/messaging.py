"""Messages through outbox -> queue -> inbox -> handler: on the SQLite adapters, and scaled.

Run: .venv/bin/python benchmarks/messaging.py [--messages 10000] [--scaled-orders 1000]

Prints:
- throughput: a backlog of catalog events drained by one worker in this process (messages/s),
  once with a reaction that changes nothing (the backbone's own cost) and once with
  inventory's real reaction;
- monolith latency: commands one after another, each delivering what it caused before it
  returns (per-hop p50/p99);
- split latency: commands at a steady rate while worker processes for catalog and inventory
  deliver (per-hop p50/p99 between processes);
- scaled latency: orders at a steady rate (--rate) on the scaled deployment, a worker process
  per context on PostgreSQL and RabbitMQ (a database and virtual host made for the run;
  skipped, saying why, where the servers cannot be reached), one order at a time first and
  then at the rate: per hop, from the contexts' own records, written -> handled by the next
  context, and its parts written -> sent (until the relay claimed it; the claim commits once
  the broker confirmed it) and sent -> handled (publishing, delivery, handling); and placed
  -> shipped.
On SQLite a hop is outbox -> queue (relay), queue -> consumer (delivery), consumer -> handled
(handling).
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orders as scaled

from tessera.adapters.bootstrap import Settings, Topology, bootstrap, setup
from tessera.adapters.catalog.orm import metadata as catalog_metadata
from tessera.adapters.catalog.orm import start_mappers as map_catalog
from tessera.adapters.catalog.unit_of_work import SqlAlchemyCatalogUnitOfWork
from tessera.adapters.inventory.orm import metadata as inventory_metadata
from tessera.adapters.inventory.orm import start_mappers as map_inventory
from tessera.adapters.inventory.unit_of_work import SqlAlchemyInventoryUnitOfWork
from tessera.adapters.messaging.consumer import Consumer
from tessera.adapters.messaging.relay import OutboxRelay
from tessera.adapters.messaging.sqlite_queue import SqliteQueue
from tessera.adapters.messaging.worker import ContextEndpoint, Worker, WorkerSettings
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.application.catalog.commands import ListProduct
from tessera.application.catalog.publishing import integration_events as catalog_events
from tessera.application.contracts.catalog import ProductListed
from tessera.application.inventory.publishing import integration_events as inventory_events
from tessera.application.inventory.subscriptions import inventory_reactions
from tessera.application.shared.bus import Reactions
from tessera.application.shared.integration import short_name
from tessera.domain.catalog.product import Product
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money

HOPS = {
    "outbox -> queue": ("m.written_at", "m.published_at"),
    "queue -> consumer": ("m.published_at", "d.delivered_at"),
    "consumer -> handled": ("d.delivered_at", "d.handled_at"),
    "end to end": ("m.written_at", "d.handled_at"),
}


SCALED_PARTS = ("written -> handled", "written -> sent", "sent -> handled", "placed -> shipped")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def hop_latencies(data_dir: Path, title: str) -> None:
    print(f"\n{title}")
    with sqlite3.connect(data_dir / "queue.db") as db:
        for hop, (start, end) in HOPS.items():
            rows = db.execute(
                f"SELECT ({end} - {start}) * 1000 FROM deliveries d"
                " JOIN messages m ON m.id = d.message_id WHERE d.state = 'done'"
            ).fetchall()
            values = [r[0] for r in rows]
            print(
                f"  {hop:<22} p50 {percentile(values, 0.5):7.2f} ms"
                f"   p99 {percentile(values, 0.99):7.2f} ms   (n={len(values)})"
            )


def nothing(event: object, uow: object) -> None:
    """A reaction that changes nothing: what is left is the backbone's own work."""


def throughput(data_dir: Path, messages: int, reactions: Reactions[Any], title: str) -> None:
    settings = Settings(data_dir=data_dir, topology=Topology.SPLIT)
    map_catalog()
    map_inventory()
    storage = DataDirectory.create(data_dir)
    catalog = ContextDatabase.open("catalog", catalog_metadata, storage)
    with SqlAlchemyCatalogUnitOfWork(catalog.engine, catalog.tables, catalog_events) as uow:
        for n in range(messages):
            uow.products.add(Product.list(Sku(f"SKU-{n:06}"), f"Item {n}", Money.of("1", "EUR")))
        uow.commit()
    inventory = ContextDatabase.open("inventory", inventory_metadata, storage)
    queue = SqliteQueue(data_dir / "queue.db")
    handling = SqlAlchemyInventoryUnitOfWork(inventory.engine, inventory.tables, inventory_events)
    consumer = Consumer("inventory", queue, handling, reactions, settings.retry, 30.0, "benchmark")
    queue.bind("inventory", ["catalog"])
    endpoint = ContextEndpoint("catalog", OutboxRelay(catalog, queue, 500), consumer)
    worker_settings = WorkerSettings(500, 0.0, settings.retention_seconds, settings.retry)
    worker = Worker([endpoint], queue, queue, worker_settings)
    began = time.perf_counter()
    worker.drain()
    elapsed = time.perf_counter() - began
    assert worker.report.consumed.handled == messages
    print(f"throughput, one process, {messages} messages backlogged: {title}")
    print(f"  {messages / elapsed:,.0f} messages/s  ({elapsed:.2f} s)")
    queue.close()


def monolith_latency(data_dir: Path, commands: int) -> None:
    settings = Settings(data_dir=data_dir, topology=Topology.MONOLITH)
    setup(settings)
    with bootstrap(settings) as app:
        for n in range(commands):
            app.handle(ListProduct(sku=f"LAT-{n:05}", name="Item", price="1"))
    hop_latencies(data_dir, f"monolith latency ({commands} commands, delivered inline)")


def split_latency(data_dir: Path, commands: int, rate: float) -> None:
    settings = Settings(data_dir=data_dir, topology=Topology.SPLIT)
    setup(settings)  # creates the files and the subscriptions
    with bootstrap(settings) as app:
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "tessera.adapters.cli", "--data-dir", str(data_dir),
                 "--topology", "split", "worker", "-q", "--context", context],
                stdout=subprocess.DEVNULL,
                env={**os.environ, "TESSERA_POLL_SECONDS": "0.005"},
            )
            for context in ("catalog", "inventory")
        ]  # fmt: skip
        time.sleep(1.0)  # let the workers start
        began = time.perf_counter()
        for n in range(commands):
            app.handle(ListProduct(sku=f"SPL-{n:05}", name="Item", price="1"))
            time.sleep(max(0.0, began + (n + 1) / rate - time.perf_counter()))
        while app.operations.status()[0].ready or any(app.outbox_backlog().values()):
            time.sleep(0.05)
        time.sleep(0.2)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    hop_latencies(
        data_dir,
        f"split latency ({commands} commands at {rate:.0f}/s, 2 workers polling every 5 ms)",
    )


def scaled_latency(data_dir: Path, orders: int, rate: float | None) -> None:
    """Orders on the scaled deployment, at `rate` per second or one at a time (each shipped
    before the next is placed); per-hop latencies read from the trace the contexts keep."""
    with scaled.servers(True) as urls:
        app = scaled.open_shop(data_dir, orders + 1, urls)
        with app, scaled.delivering(app, scaled.DEPLOYMENTS[scaled.SCALED], urls):
            first = app.handle(scaled.order(0)).view
            scaled.wait_until_shipped(app, first.id, 1)  # every worker is up and connected
            placed = []
            began = time.perf_counter()
            for n in range(1, orders + 1):
                placed.append(app.handle(scaled.order(n)).view.id)
                if rate:
                    time.sleep(max(0.0, began + n / rate - time.perf_counter()))
                else:
                    scaled.wait_until_shipped(app, placed[-1], 0)
            scaled.wait_until_shipped(app, placed[-1], orders + 1)
            hops: dict[str, list[float]] = {part: [] for part in SCALED_PARTS}
            for order_id in placed:
                trace = app.operations.trace(order_id)
                placed_at = min(hop.written_at for hop in trace)
                for hop in trace:
                    if hop.state != "done" or hop.handled_at is None or hop.delivered_at is None:
                        continue  # not handled: waiting, or a version passed over
                    hops["written -> handled"].append(hop.handled_at - hop.written_at)
                    hops["written -> sent"].append(hop.delivered_at - hop.written_at)
                    hops["sent -> handled"].append(hop.handled_at - hop.delivered_at)
                    if (
                        short_name(hop.type) == "ShipmentDispatched"
                        and hop.subscription == "ordering"
                    ):
                        hops["placed -> shipped"].append(hop.handled_at - placed_at)
    offered = f"at {rate:.0f}/s" if rate else "one at a time"
    print(f"\nscaled latency ({orders} orders {offered}; a worker process per context)")
    for name, values in hops.items():
        print(
            f"  {name:<22} p50 {percentile(values, 0.5) * 1000:7.2f} ms"
            f"   p99 {percentile(values, 0.99) * 1000:7.2f} ms   (n={len(values)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--commands", type=int, default=500)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--scaled-orders", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        throughput(
            root / "backbone",
            args.messages,
            {ProductListed: nothing},
            "outbox, queue, inbox and a reaction that changes nothing",
        )
        throughput(
            root / "reaction",
            args.messages,
            inventory_reactions(),
            "with inventory's real reaction (an ORM read and insert per message)",
        )
        monolith_latency(root / "monolith", args.commands)
        split_latency(root / "split", args.commands, args.rate)
        if reason := scaled.unreachable_servers():
            print(f"\nscaled latency skipped: {reason}")
            return
        scaled_latency(root / "scaled-single", min(args.scaled_orders, 200), None)
        scaled_latency(root / "scaled", args.scaled_orders, args.rate)


if __name__ == "__main__":
    main()
