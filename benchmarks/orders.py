"""Orders end to end, placed -> shipped, in four deployments: three on SQLite, one scaled.

Run: .venv/bin/python benchmarks/orders.py [--orders 2000] [--rate 100] [--history-orders 50000]
     [--scaled-history-orders 20000] [--history-only]

The same code and the same SQLite files in each deployment:
- one process: the monolith, whose worker thread delivers beside the code that places orders;
- app + 1 worker: the placing process, and one `tessera worker` process for every context;
- app + 2 workers: two `tessera worker` processes, ordering and payments in one, the rest in
  the other (the split topology, with contexts grouped two ways for this 2-core machine);
- scaled: a `tessera worker` process per context, each context in its own schema of a
  PostgreSQL database made for the run, RabbitMQ between them in a virtual host made for the
  run (skipped, saying why, where the servers cannot be reached). Its CPU per order is given
  twice: Tessera's processes alone, and with the servers' (the database's backends for the
  run's database and the whole broker, which nothing else here uses meanwhile).

Prints, for each deployment:
- throughput: orders placed as fast as one caller can, fulfilled orders per second until the
  last is shipped;
- CPU per fulfilled order in that run: user + system time of every process of the deployment
  (the placing process and each worker), divided by the orders fulfilled; wall-clock figures
  move by a quarter between runs on a shared machine, CPU time per order much less;
- its multiple of the floor (below);
- latency: orders offered at a steady rate, placed -> shipped p50/p99.

Then:
- the floor: every SQL statement a one-process run caused, captured as it ran (sqlite3's
  trace callback on every connection to the contexts' databases and the queue file: it sees
  what SQLAlchemy runs and what the adapters run on the driver directly), replayed with plain
  sqlite3 on copies of the files as they were before the run, with the same pragmas and the
  same transactions: the CPU per order that the database itself needs;
- history: CPU per order over the first 10,000 and the last 10,000 of --history-orders
  orders taken by one process, and its peak resident memory after the first 10,000; then,
  in the same process, chunks taken in turn by that grown shop and by a new one: the growth
  measured against the machine as it is at that moment, not as it was minutes before;
- scaled history: CPU per order (Tessera's processes, and with the servers') over the first
  and the last quarter of --scaled-history-orders orders on the scaled deployment, placed
  by one process a chunk at a time, each chunk shipped before the next.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from tessera.adapters.bootstrap import Settings, Tessera, Topology, bootstrap, setup
from tessera.adapters.messaging.sqlite_queue import SqliteQueue
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.ordering.queries import CountOrders, GetOrder
from tessera.application.shared.integration import short_name

POLL_SECONDS = float(os.environ.get("BENCH_POLL", "0.002"))
CONTEXTS = ("catalog", "inventory", "ordering", "payments", "shipping")
SCALED = "scaled"
DEPLOYMENTS: dict[str, list[list[str]] | None] = {
    "one process": None,
    "app + 1 worker": [[]],
    "app + 2 workers": [["ordering", "payments"], ["inventory", "shipping", "catalog"]],
    SCALED: [[context] for context in CONTEXTS],
}
POSTGRES = os.environ.get("TESSERA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
RABBITMQ = os.environ.get("TESSERA_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672")
SKUS = ("MUG-1", "MUG-2", "TEE-1", "TEE-2", "CAP-1")
BLOCK = 10_000
"""Orders per block when comparing the cost of the first orders with the last."""
CHUNK = 250
"""Orders placed before they are delivered, when one thread does both (history, memory)."""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


@contextmanager
def servers(scaled: bool) -> Iterator[dict[str, str]]:
    """For the scaled deployment, a PostgreSQL database and a RabbitMQ virtual host of the
    run's own, as the environment variables that name them; removed afterwards."""
    if not scaled:
        yield {}
        return
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"tessera_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        database = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
        yield {"TESSERA_DATABASE_URL": database, "TESSERA_BROKER_URL": f"{RABBITMQ}/{name}"}
    finally:
        rabbitmqctl("delete_vhost", name)
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))
            for (role,) in admin.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"tessera\\_{name}\\_%",)
            ).fetchall():
                admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(str(role))))


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def unreachable_servers() -> str | None:
    """Why the scaled deployment cannot run here, or None."""
    try:
        import psycopg
        from kombu.connection import Connection

        with psycopg.connect(POSTGRES, connect_timeout=3):
            pass
        with Connection(f"{RABBITMQ}/", connect_timeout=3) as connection:  # type: ignore[no-untyped-call]
            connection.connect()
    except Exception as error:
        return str(error).strip().splitlines()[0]
    return None if shutil.which("rabbitmqctl") else "rabbitmqctl is not on this machine"


def server_pids(urls: dict[str, str]) -> list[int]:
    """The database's backends for the run's database, and the broker's processes."""
    if not urls:
        return []
    found = subprocess.run(["pgrep", "-f", "beam.smp"], capture_output=True, text=True).stdout
    return database_pids(urls) + [int(pid) for pid in found.split()]


def database_pids(urls: dict[str, str]) -> list[int]:
    """The database's backends for the run's database, as they are now."""
    import psycopg
    from sqlalchemy.engine import make_url

    database = make_url(urls["TESSERA_DATABASE_URL"]).database
    with psycopg.connect(POSTGRES) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return [int(pid) for (pid,) in rows]


def open_shop(data_dir: Path, orders: int, urls: dict[str, str] | None = None) -> Tessera:
    urls = urls or {}
    settings = Settings(
        data_dir=data_dir, topology=Topology.SPLIT, poll_seconds=POLL_SECONDS,
        database_url=urls.get("TESSERA_DATABASE_URL"), broker_url=urls.get("TESSERA_BROKER_URL"),
    )  # fmt: skip
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


def wait_until_shipped(app: Tessera, last_order_id: str, orders: int) -> None:
    """Wait until `orders` orders are shipped; the count is taken only once the last order
    placed is, so that waiting costs the deployment little of the CPU it is measured by."""
    while app.handle(GetOrder(last_order_id)).status != "shipped":
        time.sleep(0.01)
    while shipped_count(app) < orders:
        time.sleep(0.01)


def cpu_seconds(pids: list[int], this: bool = True) -> float:
    """User + system CPU time of this process (every thread, unless not `this`) and of the
    processes `pids` (a process gone meanwhile counts nothing)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = time.process_time() if this else 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


@contextmanager
def delivering(
    app: Tessera, workers: list[list[str]] | None, urls: dict[str, str] | None = None
) -> Iterator[list[int]]:
    """Deliver while the block runs: in a thread of this process, or in worker processes,
    whose ids the block is given."""
    if workers is None:
        worker = app.worker()
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            yield []
        finally:
            worker.stop()
            thread.join()
        return
    data_dir = str(app.settings.data_dir)
    environment = {**os.environ, "TESSERA_POLL_SECONDS": str(POLL_SECONDS), **(urls or {})}
    command = [sys.executable, "-m", "tessera.adapters.cli", "--data-dir", data_dir]
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
        yield [process.pid for process in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def run(
    app: Tessera, pids: list[int], orders: int, rate: float | None, urls: dict[str, str]
) -> tuple[float, float, dict[str, float], float, float]:
    """Place orders (at `rate` per second, or as fast as possible) while the workers deliver;
    returns the seconds and the CPU seconds until all shipped, each order's placing time, and
    the servers' CPU seconds meanwhile, then the database's part of them. A first order, not
    counted, is shipped before the clock starts, so that every worker is up (and connected)."""
    first = app.handle(order(0)).view
    wait_until_shipped(app, first.id, 1)
    placed_at: dict[str, float] = {}
    serving = server_pids(urls)
    backends = database_pids(urls) if urls else []
    began, cpu_began = time.perf_counter(), cpu_seconds(pids)
    servers_began = cpu_seconds(serving, this=False)
    database_began = cpu_seconds(backends, this=False)
    last = first
    for n in range(1, orders + 1):
        last = app.handle(order(n)).view
        placed_at[last.id] = time.time()
        if rate:
            time.sleep(max(0.0, began + n / rate - time.perf_counter()))
    wait_until_shipped(app, last.id, orders + 1)
    elapsed, cpu = time.perf_counter() - began, cpu_seconds(pids) - cpu_began
    served = cpu_seconds(serving, this=False) - servers_began
    return elapsed, cpu, placed_at, served, cpu_seconds(backends, this=False) - database_began


def latencies(app: Tessera, placed_at: dict[str, float]) -> list[float]:
    found = []
    for order_id, placed in placed_at.items():
        for hop in app.operations.trace(order_id):
            dispatched = short_name(hop.type) == "ShipmentDispatched" and hop.state == "done"
            if dispatched and hop.subscription == "ordering" and hop.handled_at:
                found.append(hop.handled_at - placed)
    return found


def deployment(root: Path, name: str, args: argparse.Namespace, floor: float) -> None:
    workers = DEPLOYMENTS[name]
    orders = args.orders
    scaled = name == SCALED
    if scaled and (reason := unreachable_servers()):
        print(f"{name:<16} skipped: {reason}")
        return
    with servers(scaled) as urls:
        throughput = open_shop(root / f"{name}-throughput", orders + 1, urls)
        with throughput as app, delivering(app, workers, urls) as pids:
            elapsed, cpu, _, served, database = run(app, pids, orders, None, urls)
    with (
        servers(scaled) as urls,
        open_shop(root / f"{name}-latency", args.latency_orders + 1, urls) as app,
    ):
        with delivering(app, workers, urls) as pids:
            _, cpu_at_rate, placed_at, *_ = run(app, pids, args.latency_orders, args.rate, urls)
        found = latencies(app, placed_at)
    per_order = cpu / orders * 1000
    line = (
        f"{name:<16} {orders / elapsed:>5,.0f} orders/s"
        f"   CPU {per_order:>5.2f} ms/order ({per_order / floor:>4.1f}x floor)"
        f"   at {args.rate:.0f}/s: p50 {percentile(found, 0.5) * 1000:>4,.0f} ms,"
        f" p99 {percentile(found, 0.99) * 1000:>4,.0f} ms,"
        f" CPU {cpu_at_rate / args.latency_orders * 1000:.2f} ms/order"
    )
    if scaled:
        line += (
            f"\n{'':<16} with the servers' CPU: {(cpu + served) / orders * 1000:.2f} ms/order"
            f" (PostgreSQL's {database / orders * 1000:.2f}, the broker's"
            f" {(served - database) / orders * 1000:.2f})"
        )
    print(line)


# -- the floor -------------------------------------------------------------------------------

_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")


def parameterized(sql: str) -> tuple[str, tuple[object, ...]]:
    """The statement sqlite3's trace callback shows with its values in place, as the
    statement with `?` for each value, and the values: so that replaying it prepares each
    statement once, as the queue itself does."""
    values: list[object] = []

    def placeholder(match: re.Match[str]) -> str:
        literal = match.group(0)
        if literal.startswith("'"):
            values.append(literal[1:-1].replace("''", "'"))
        elif any(mark in literal for mark in ".eE"):
            values.append(float(literal))
        else:
            values.append(int(literal))
        return "?"

    return _LITERAL.sub(placeholder, sql), tuple(values)


class Capture:
    """Every statement SQLite runs on Tessera's databases while `recording`, in the order they
    ran, by connection, as (connection, statement with `?` for its values, values).

    sqlite3's trace callback sees all of it: what SQLAlchemy runs, what the adapters run on
    the driver directly (their prepared statements), and the BEGIN and COMMIT of every
    transaction. Connections are traced as they open, so this is made before the shop."""

    def __init__(self) -> None:
        self.recording = False
        self.log: list[tuple[tuple[str, int], str, tuple[object, ...]]] = []
        event.listen(Engine, "connect", self._connected)

    def close(self) -> None:
        """Trace no connection opened from now on."""
        event.remove(Engine, "connect", self._connected)

    def _connected(self, driver: sqlite3.Connection, record: Any) -> None:
        path = driver.execute("PRAGMA database_list").fetchone()[2]
        driver.set_trace_callback(self.traced((path, id(driver))))

    def traced(self, key: tuple[str, int]) -> Any:
        def record(sql: str) -> None:
            if self.recording:
                self.log.append((key, *parameterized(sql)))

        return record


def _connect(path: Path, queue: bool) -> sqlite3.Connection:
    """A plain connection with the pragmas the adapters set; it runs the transactions' BEGIN
    and COMMIT as the log has them."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=10000")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    if not queue:
        connection.execute("PRAGMA foreign_keys=ON")
    return connection


def replay(log: list[tuple[tuple[str, int], str, tuple[object, ...]]], copy: Path) -> float:
    """Replay the log on `copy` (the files as they were before the run); its CPU seconds."""
    connections: dict[tuple[str, int], sqlite3.Connection] = {}
    for key, _, _ in log:
        if key not in connections:
            path = Path(key[0])
            connections[key] = _connect(copy / path.name, queue=path.name == "queue.db")
    began = time.process_time()
    for key, statement, values in log:
        connections[key].execute(statement, values).fetchall()
    spent = time.process_time() - began
    for connection in connections.values():
        connection.close()
    transactions = sum(1 for _, statement, _ in log if statement.startswith("COMMIT"))
    print(f"  replayed {len(log):,} statements in {transactions:,} transactions")
    return spent


def floor(root: Path, orders: int) -> float:
    """CPU milliseconds per order of the SQL that one process taking `orders` orders caused:
    orders placed CHUNK at a time, each chunk then delivered, in one thread, so that the
    statements replay in the order they ran (a thread that waited for another's lock would
    otherwise be logged before the commit it waited for)."""
    capture = Capture()
    data_dir = root / "floor"
    copy = root / "floor-copy"
    with contextlib.closing(capture), open_shop(data_dir, orders) as app:
        queue = app.operations
        assert isinstance(queue, SqliteQueue)
        queue.on_statement(capture.traced((str(data_dir / "queue.db"), 0)))
        copy.mkdir()
        for database in data_dir.glob("*.db*"):
            if not database.name.endswith("-shm"):
                shutil.copy(database, copy / database.name)
        capture.recording = True
        began = time.process_time()
        for start in range(0, orders, CHUNK):
            for n in range(start, min(start + CHUNK, orders)):
                app.handle(order(n))
            app.deliver()
        cpu = time.process_time() - began
        capture.recording = False
        queue.on_statement(None)
        assert shipped_count(app) == orders
    spent = replay(capture.log, copy)
    per_order = spent / orders * 1000
    print(
        f"floor            {per_order:.2f} ms/order of CPU in SQLite for {orders} orders"
        f" (the captured run, slowed by capturing: {cpu / orders * 1000:.2f} ms/order)"
    )
    return per_order


# -- history and memory ------------------------------------------------------------------------


def peak_resident_mib() -> float:
    """This process's peak resident memory (VmHWM). Not getrusage's ru_maxrss, which Linux
    keeps across exec: a child would report its parent's peak if that was higher."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


IN_TURN = 20
"""Chunks each shop takes when the grown shop and a new one take chunks in turn."""


def chunk_cpu_ms(app: Tessera, start: int) -> float:
    """CPU per order of one chunk of orders from `start`, delivered before it returns."""
    began = time.process_time()
    for n in range(start, start + CHUNK):
        app.handle(order(n))
    app.deliver()
    return (time.process_time() - began) / CHUNK * 1000


def history_child(data_dir: Path, orders: int) -> None:
    """Take `orders` orders in chunks, each delivered before the next, in this one process:
    the CPU per order of every chunk, and the peak memory after the first block; then the
    grown shop and a new one take IN_TURN chunks each, in turn."""
    result: dict[str, Any] = {"chunks": [], "grown": [], "new": []}
    extra = IN_TURN * CHUNK
    with open_shop(data_dir, orders + extra) as app:
        for start in range(0, orders, CHUNK):
            result["chunks"].append(chunk_cpu_ms(app, start))
            if start + CHUNK == BLOCK:
                result["peak_mib"] = peak_resident_mib()
        with open_shop(data_dir.with_name(f"{data_dir.name}-new"), extra) as new:
            for turn in range(IN_TURN):
                result["grown"].append(chunk_cpu_ms(app, orders + turn * CHUNK))
                result["new"].append(chunk_cpu_ms(new, turn * CHUNK))
            assert shipped_count(new) == extra
        assert shipped_count(app) == orders + extra
    print(json.dumps(result))


def history(root: Path, orders: int) -> None:
    """Compare blocks by the median of their chunks: a chunk that another tenant of the
    machine slowed down moves a block's mean, hardly its median."""
    child = subprocess.run(
        [sys.executable, __file__, "--history-child", str(root / "history"), str(orders)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(child.stdout.splitlines()[-1])
    per_block = BLOCK // CHUNK
    chunks = result["chunks"]
    blocks = [chunks[i : i + per_block] for i in range(0, len(chunks), per_block)]
    medians = [statistics.median(block) for block in blocks]
    means = [statistics.fmean(block) for block in blocks]
    first, last = medians[0], medians[-1]
    print(f"history ({orders:,} orders in one process, delivered every {CHUNK})")
    print(
        f"  CPU per order, median of a block's chunks: first {BLOCK:,} {first:.2f} ms,"
        f" last {BLOCK:,} {last:.2f} ms ({(last / first - 1) * 100:+.0f}%)"
    )
    print(f"  every block, median: {', '.join(f'{m:.2f}' for m in medians)}")
    print(f"  every block, mean:   {', '.join(f'{m:.2f}' for m in means)}")
    print(f"  peak resident after the first {BLOCK:,}: {result['peak_mib']:,.0f} MiB")
    grown, new = statistics.median(result["grown"]), statistics.median(result["new"])
    print(
        f"  in turn, {IN_TURN} chunks each, median: the shop after {orders:,} {grown:.2f} ms,"
        f" a new shop {new:.2f} ms ({(grown / new - 1) * 100:+.0f}%)"
    )


ANALYZE_EVERY = 2_000
"""Where the server's autovacuum is off, the run's database is analyzed every so many orders,
between chunks, as autovacuum's analyze would: without statistics, a prepared statement keeps
the plan it got while the tables were empty (a sequential scan) for its connection's life."""


def analyzing(urls: dict[str, str]) -> Callable[[], None] | None:
    """What analyzes the run's database, where the server's autovacuum will not; else None."""
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(POSTGRES) as admin:
        if admin.execute("SHOW autovacuum").fetchone() != ("off",):
            return None
    database = make_url(POSTGRES).set(database=make_url(urls["TESSERA_DATABASE_URL"]).database)

    def analyze() -> None:
        url = database.render_as_string(hide_password=False).replace("+psycopg", "")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("ANALYZE")

    return analyze


def scaled_history(root: Path, orders: int, analyze: bool = True) -> None:
    """Compare the first and the last quarter of the orders by the median of their chunks."""
    if reason := unreachable_servers():
        print(f"scaled history skipped: {reason}")
        return
    tessera_ms: list[float] = []
    with_servers_ms: list[float] = []
    database_ms: list[float] = []
    with (
        servers(True) as urls,
        open_shop(root / "scaled-history", orders + 1, urls) as app,
        delivering(app, DEPLOYMENTS[SCALED], urls) as pids,
    ):
        first = app.handle(order(0)).view
        wait_until_shipped(app, first.id, 1)  # every worker is up and connected
        serving = server_pids(urls)
        backends = database_pids(urls)
        analyzer = analyzing(urls) if analyze else None
        for start in range(1, orders + 1, CHUNK):
            if analyzer is not None and start > 1 and (start - 1) % ANALYZE_EVERY == 0:
                analyzer()  # between chunks: the CPU it takes is the server's, unmeasured
            began, servers_began = cpu_seconds(pids), cpu_seconds(serving, this=False)
            database_began = cpu_seconds(backends, this=False)
            for n in range(start, start + CHUNK):
                last = app.handle(order(n)).view
            wait_until_shipped(app, last.id, start + CHUNK)
            spent = cpu_seconds(pids) - began
            served = cpu_seconds(serving, this=False) - servers_began
            tessera_ms.append(spent / CHUNK * 1000)
            with_servers_ms.append((spent + served) / CHUNK * 1000)
            database_ms.append((cpu_seconds(backends, this=False) - database_began) / CHUNK * 1000)
    quarter = len(tessera_ms) // 4
    how = (
        f"; the server's autovacuum is off: analyzed every {ANALYZE_EVERY:,} orders"
        if analyzer is not None
        else ("" if analyze else "; never analyzed")
    )
    print(f"scaled history ({orders:,} orders, shipped every {CHUNK}{how})")
    measured = (
        ("Tessera's", tessera_ms),
        ("with the servers'", with_servers_ms),
        ("of which PostgreSQL's", database_ms),
    )
    for what, chunks in measured:
        early = statistics.median(chunks[:quarter])
        late = statistics.median(chunks[-quarter:])
        print(
            f"  CPU per order, {what}, median of a quarter's chunks: first {early:.2f} ms,"
            f" last {late:.2f} ms ({(late / early - 1) * 100:+.0f}%)"
        )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--history-child":
        history_child(Path(sys.argv[2]), int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--latency-orders", type=int, default=1000)
    parser.add_argument("--floor-orders", type=int, default=1000)  # a multiple of CHUNK
    parser.add_argument("--history-orders", type=int, default=50_000)
    parser.add_argument("--scaled-history-orders", type=int, default=20_000)
    parser.add_argument("--deployment", choices=DEPLOYMENTS, action="append")
    parser.add_argument("--history-only", action="store_true", help="Only the two histories.")
    parser.add_argument(
        "--no-analyze", action="store_true",
        help="Where the server's autovacuum is off, leave the scaled history's tables unanalyzed.",
    )  # fmt: skip
    args = parser.parse_args()
    if args.history_orders % BLOCK or args.history_orders < 0:
        parser.error(f"--history-orders must be a multiple of {BLOCK:,} (0: none)")
    if args.scaled_history_orders % (4 * CHUNK) or args.scaled_history_orders < 0:
        parser.error(f"--scaled-history-orders must be a multiple of {4 * CHUNK:,} (0: none)")
    print(
        f"{args.orders} orders placed as fast as possible (fulfilled orders/s, placed -> shipped,"
        f" CPU per order); {args.latency_orders} offered at {args.rate:.0f}/s (latency)"
    )
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        if not args.history_only:
            lowest = floor(root, args.floor_orders)
            for name in args.deployment or DEPLOYMENTS:
                deployment(root, name, args, lowest)
        if args.history_orders:
            history(root, args.history_orders)
        if args.scaled_history_orders:
            scaled_history(root, args.scaled_history_orders, analyze=not args.no_analyze)


if __name__ == "__main__":
    main()
