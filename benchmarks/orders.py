"""Orders end to end, placed -> shipped, on the SQLite adapters, in three deployments.

Run: .venv/bin/python benchmarks/orders.py [--orders 2000] [--rate 100] [--memory-orders 10000]

The same code and the same SQLite files in each deployment:
- one process: the monolith, whose worker thread delivers beside the code that places orders;
- app + 1 worker: the placing process, and one `tessera worker` process for every context;
- app + 2 workers: two `tessera worker` processes, ordering and payments in one, the rest in
  the other (the split topology, with contexts grouped two ways for this 2-core machine).

Prints, for each: throughput (orders placed as fast as one caller can, fulfilled orders per
second until the last is shipped) and latency (orders offered at a steady rate, placed ->
shipped p50/p99); then the peak resident memory of a process that takes --memory-orders orders.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.bootstrap import Settings, Tessera, Topology, bootstrap, setup
from application.catalog.commands import ListProduct
from application.inventory.commands import ReceiveStock
from application.ordering.commands import OrderLineRequest, PlaceOrder
from application.ordering.queries import CountOrders

POLL_SECONDS = 0.002
DEPLOYMENTS: dict[str, list[list[str]] | None] = {
    "one process": None,
    "app + 1 worker": [[]],
    "app + 2 workers": [["ordering", "payments"], ["inventory", "shipping", "catalog"]],
}
SKUS = ("MUG-1", "MUG-2", "TEE-1", "TEE-2", "CAP-1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def open_shop(data_dir: Path, orders: int) -> Tessera:
    settings = Settings(data_dir=data_dir, topology=Topology.SPLIT, poll_seconds=POLL_SECONDS)
    setup(settings)
    app = bootstrap(settings)
    for sku in SKUS:
        app.handle(ListProduct(sku=sku, name=sku, price="10.00"))
    app.deliver()
    for sku in SKUS:
        app.handle(ReceiveStock(sku=sku, quantity=orders * 2))
    app.deliver()
    return app


def order(n: int) -> PlaceOrder:
    line = OrderLineRequest(SKUS[n % len(SKUS)], 1 + n % 2)
    return PlaceOrder(f"c-{n % 50}", [line], "tok_visa", "1 Main St")


def shipped_count(app: Tessera) -> int:
    counts: dict[str, int] = app.handle(CountOrders())
    return counts["shipped"]


@contextmanager
def delivering(app: Tessera, workers: list[list[str]] | None) -> Iterator[None]:
    """Deliver while the block runs: in a thread of this process, or in worker processes."""
    if workers is None:
        worker = app.worker()
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            yield
        finally:
            worker.stop()
            thread.join()
        return
    data_dir = str(app.settings.data_dir)
    environment = {**os.environ, "TESSERA_POLL_SECONDS": str(POLL_SECONDS)}
    command = [sys.executable, "-m", "adapters.cli", "--data-dir", data_dir]
    command += ["--topology", "split", "worker", "-q"]
    processes = [
        subprocess.Popen(
            command + [arg for context in contexts for arg in ("--context", context)],
            env=environment,
            stdout=subprocess.DEVNULL,
        )
        for contexts in workers
    ]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def run(app: Tessera, orders: int, rate: float | None) -> tuple[float, dict[str, float]]:
    """Place orders (at `rate` per second, or as fast as possible) while the workers deliver;
    returns the seconds until all shipped, and each order's placing time. A first order, not
    counted, is shipped before the clock starts, so that every worker is up."""
    app.handle(order(0))
    while shipped_count(app) < 1:
        time.sleep(0.01)
    placed_at: dict[str, float] = {}
    began = time.perf_counter()
    for n in range(1, orders + 1):
        placed_at[app.handle(order(n)).id] = time.time()
        if rate:
            time.sleep(max(0.0, began + n / rate - time.perf_counter()))
    while shipped_count(app) < orders + 1:
        time.sleep(0.01)
    return time.perf_counter() - began, placed_at


def latencies(app: Tessera, placed_at: dict[str, float]) -> list[float]:
    found = []
    for order_id, placed in placed_at.items():
        for hop in app.operations.trace(order_id):
            dispatched = hop.type.endswith("ShipmentDispatched.v1")
            if dispatched and hop.subscription == "ordering" and hop.handled_at:
                found.append(hop.handled_at - placed)
    return found


def deployment(root: Path, name: str, orders: int, rate: float, latency_orders: int) -> None:
    workers = DEPLOYMENTS[name]
    with open_shop(root / f"{name}-throughput", orders + 1) as app, delivering(app, workers):
        elapsed, _ = run(app, orders, rate=None)
    with open_shop(root / f"{name}-latency", latency_orders + 1) as app, delivering(app, workers):
        _, placed_at = run(app, latency_orders, rate)
        found = latencies(app, placed_at)
    print(
        f"{name:<16} {orders / elapsed:>7,.0f} orders/s"
        f"   at {rate:.0f}/s: p50 {percentile(found, 0.5) * 1000:>4,.0f} ms,"
        f" p99 {percentile(found, 0.99) * 1000:>4,.0f} ms"
    )


def memory_child(data_dir: Path, orders: int) -> None:
    """Take `orders` orders in chunks, each delivered before the next, so that the backlog
    stays small and the figure is about how many orders the process has seen."""
    with open_shop(data_dir, orders) as app:
        for start in range(0, orders, 250):
            for n in range(start, min(start + 250, orders)):
                app.handle(order(n))
            app.deliver()
        assert shipped_count(app) == orders
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_mib": peak_kib / 1024}))


def memory(root: Path, orders: int) -> None:
    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(root / "memory"), str(orders)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak = json.loads(child.stdout.splitlines()[-1])["peak_mib"]
    print(f"memory ({orders} orders in one process)")
    print(f"  peak resident {peak:,.0f} MiB")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--memory-child":
        memory_child(Path(sys.argv[2]), int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--latency-orders", type=int, default=1000)
    parser.add_argument("--memory-orders", type=int, default=10_000)
    parser.add_argument("--deployment", choices=DEPLOYMENTS, action="append")
    args = parser.parse_args()
    print(
        f"{args.orders} orders placed as fast as possible (fulfilled orders/s, placed -> shipped);"
        f" {args.latency_orders} offered at {args.rate:.0f}/s (placed -> shipped latency)"
    )
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for name in args.deployment or DEPLOYMENTS:
            deployment(root, name, args.orders, args.rate, args.latency_orders)
        memory(root, args.memory_orders)


if __name__ == "__main__":
    main()
