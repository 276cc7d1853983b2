"""Orders end to end, placed -> shipped, on the SQLite adapters.

Run: .venv/bin/python benchmarks/orders.py [--orders 2000] [--memory-orders 10000]

Prints:
- throughput: orders placed as fast as they come while one worker in the same process delivers
  (the monolith with a background worker), in fulfilled orders per second;
- latency: orders offered at a steady rate (default 100/s), placed -> shipped p50/p99;
- memory: peak resident memory of a process that takes a run of --memory-orders orders.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from adapters.bootstrap import Settings, Tessera, Topology, bootstrap
from application.catalog.commands import ListProduct
from application.inventory.commands import ReceiveStock
from application.ordering.commands import OrderLineRequest, PlaceOrder
from application.ordering.queries import CountOrders

SKUS = ("MUG-1", "MUG-2", "TEE-1", "TEE-2", "CAP-1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def open_shop(data_dir: Path, orders: int) -> Tessera:
    app = bootstrap(Settings(data_dir=data_dir, topology=Topology.SPLIT, poll_seconds=0.002))
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


def run(app: Tessera, orders: int, rate: float | None) -> tuple[float, dict[str, float]]:
    """Place orders (at `rate` per second, or as fast as possible) while a worker thread
    delivers; returns the seconds until all shipped, and each order's placing time."""
    worker = app.worker()
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    placed_at: dict[str, float] = {}
    began = time.perf_counter()
    for n in range(orders):
        placed_at[app.handle(order(n)).id] = time.time()
        if rate:
            time.sleep(max(0.0, began + (n + 1) / rate - time.perf_counter()))
    while shipped_count(app) < orders:
        time.sleep(0.05)
    elapsed = time.perf_counter() - began
    worker.stop()
    thread.join()
    return elapsed, placed_at


def latencies(app: Tessera, placed_at: dict[str, float]) -> list[float]:
    found = []
    for order_id, placed in placed_at.items():
        for hop in app.operations.trace(order_id):
            dispatched = hop.type.endswith("ShipmentDispatched.v1")
            if dispatched and hop.subscription == "ordering" and hop.handled_at:
                found.append(hop.handled_at - placed)
    return found


def throughput(root: Path, orders: int) -> None:
    with open_shop(root / "throughput", orders) as app:
        elapsed, _ = run(app, orders, rate=None)
    print(f"throughput ({orders} orders placed as fast as possible, one worker thread)")
    print(f"  {orders / elapsed:,.1f} fulfilled orders/s (placed -> shipped), {elapsed:.1f} s")


def steady_latency(root: Path, orders: int, rate: float) -> None:
    with open_shop(root / "latency", orders) as app:
        elapsed, placed_at = run(app, orders, rate)
        found = latencies(app, placed_at)
    print(f"latency ({orders} orders offered at {rate:.0f}/s; all shipped after {elapsed:.1f} s)")
    print(
        f"  placed -> shipped p50 {percentile(found, 0.5) * 1000:,.0f} ms,"
        f" p99 {percentile(found, 0.99) * 1000:,.0f} ms"
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        throughput(root, args.orders)
        steady_latency(root, args.latency_orders, args.rate)
        memory(root, args.memory_orders)


if __name__ == "__main__":
    main()
