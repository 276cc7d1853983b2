"""Orders fulfilled by five worker processes, one per context: over the shared SQLite queue
with the contexts' data in SQLite files or on PostgreSQL, and scaled, on PostgreSQL and
RabbitMQ."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tessera.adapters.bootstrap import Settings, setup
from tests import children
from tests.children import TESSERA

CONTEXTS = ("catalog", "inventory", "ordering", "payments", "shipping")

pytestmark = pytest.mark.process


def tessera(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return children.run(
        [*TESSERA, "--data-dir", str(data_dir), "--topology", "split", *args],
        env={**os.environ, "TESSERA_RETRY_FIRST_DELAY": "0.05"},
    )


def ok(data_dir: Path, *args: str) -> Any:
    result = tessera(data_dir, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def eventually(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "the workers never got there"
        time.sleep(0.1)


@pytest.fixture
def workers(tmp_path: Path, deployment: str) -> Iterator[Path]:
    """A worker process per context, in every deployment: SQLite files and the queue file;
    PostgreSQL schemas (each worker connecting as its context's role) and the queue file;
    PostgreSQL and RabbitMQ."""
    ok(tmp_path, "db", "setup")
    worker = [*TESSERA, "--data-dir", str(tmp_path), "--topology", "split", "worker"]
    processes = [
        children.start(
            [*worker, "--context", context],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TESSERA_RETRY_FIRST_DELAY": "0.05"},
        )
        for context in CONTEXTS
    ]
    yield tmp_path
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            out, err = process.communicate(timeout=children.STOP_SECONDS)
        finally:
            children.end(process)
        assert process.returncode == 0, err
        assert out.startswith("relayed"), out


def test_orders_are_fulfilled_and_compensated_by_one_process_per_context(workers: Path) -> None:
    data = workers
    ok(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "12.50")
    eventually(lambda: tessera(data, "inventory", "receive", "MUG-1", "5").returncode == 0)

    def place(card: str, quantity: int) -> str:
        placed = ok(
            data, "orders", "place", "--customer", "c-1", "--line", f"MUG-1:{quantity}",
            "--card", card, "--address", "1 Main St", "--json",
        )  # fmt: skip
        assert placed["status"] == "pending"  # in the split topology the workers take it on
        return str(placed["id"])

    good = place("tok_visa", 2)
    flaky = place("tok_gatewayError", 1)
    declined = place("tok_chargeDeclined", 1)
    greedy = place("tok_visa", 50)

    def status(order_id: str) -> tuple[str, str | None]:
        shown = ok(data, "orders", "show", order_id, "--json")
        return shown["status"], shown["cancel_reason"]

    assert eventually(lambda: status(good) == ("shipped", None))
    assert eventually(lambda: status(flaky) == ("shipped", None))
    assert eventually(lambda: status(declined) == ("cancelled", "payment_declined"))
    assert eventually(lambda: status(greedy) == ("cancelled", "out_of_stock"))

    for shipment in ok(data, "shipping", "list", "--json"):
        ok(data, "shipping", "deliver", shipment["id"])
    assert eventually(lambda: status(good) == ("completed", None))
    assert eventually(lambda: status(flaky) == ("completed", None))

    mug = eventually(
        lambda: (s := ok(data, "inventory", "show", "MUG-1", "--json"))["reserved"] == 0 and s
    )
    assert (mug["received"], mug["on_hand"], mug["shipped"]) == (5, 2, 3)

    def settled_timeline() -> list[dict[str, Any]] | None:
        timeline: list[dict[str, Any]] = ok(data, "orders", "show", good, "--json")["timeline"]
        # An event no context reacts to (OrderCompleted) is published to no one.
        settled = all(hop["state"] == "done" or hop["subscription"] is None for hop in timeline)
        return timeline if settled else None

    timeline = eventually(settled_timeline)
    assert {hop["source"] for hop in timeline} == {"ordering", "inventory", "payments", "shipping"}


def split_on_servers(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, database: str, broker: str, **more: str
) -> Settings:
    """A shop set up in the split topology on the given servers, their URLs and `more` put
    in the environment, which the CLI and the processes a test starts read."""
    for name, value in {"TESSERA_DATABASE_URL": database, "TESSERA_BROKER_URL": broker,
                        **more}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings = Settings.from_environment(data_dir, topology="split")
    setup(settings)
    return settings


def worker_process(
    data_dir: Path, *contexts: str, env: dict[str, str], program: Sequence[str] = TESSERA
) -> subprocess.Popen[str]:
    """A worker process (of `program`, the `tessera` command by default), returned once it
    has started working (its log says so)."""
    names = [arg for context in contexts for arg in ("--context", context)]
    # The worker appends to a file of its own; this reads it through another opening, whose
    # position the worker's writes do not move (sharing one, a read could start mid-line).
    made, name = tempfile.mkstemp(
        prefix=f"{data_dir.name}-worker-", suffix=".log", dir=data_dir.parent
    )
    os.close(made)
    log = Path(name)
    with log.open("a") as stderr:
        process = children.start(
            [*program, "--data-dir", str(data_dir), "--topology", "split", "worker", *names,
             "--log-format", "json"],
            stdout=subprocess.DEVNULL, stderr=stderr, text=True, env={**os.environ, **env},
        )  # fmt: skip

    def started() -> bool:
        lines = log.read_text().splitlines(keepends=True)
        complete = [line for line in lines if line.endswith("\n")]  # one being written is not
        return any(json.loads(line)["event"] == "start" for line in complete)

    try:
        eventually(started)
    except BaseException:
        children.end(process)
        raise
    return process


def stop(*processes: subprocess.Popen[str]) -> None:
    """Stop every one of them, then say whether each stopped cleanly: a failure never leaves
    a worker running."""
    assert children.stop(*processes) == [0] * len(processes)


def test_the_test_gateway_fails_each_charge_twice_whichever_worker_asks_and_across_restarts(
    tmp_path: Path,
) -> None:
    # Two failures and the success are exactly three attempts: a charge that failed more
    # often than twice in all would be dead-lettered. One message a batch and slow retries
    # spread each charge's attempts over the three workers and their restarts.
    env = {
        "TESSERA_RETRY_MAX_ATTEMPTS": "3",
        "TESSERA_RETRY_FIRST_DELAY": "0.3",
        "TESSERA_RETRY_FACTOR": "1",
        "TESSERA_BATCH_SIZE": "1",
    }
    ok(tmp_path, "db", "setup")
    ok(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "2")
    ok(tmp_path, "worker", "--until-idle")
    ok(tmp_path, "inventory", "receive", "MUG-1", "100")
    placed = [
        ok(tmp_path, "orders", "place", "--customer", f"c-{n}", "--line", "MUG-1:1",
           "--card", "tok_gatewayError", "--address", "1 Main St", "--json")["id"]
        for n in range(30)
    ]  # fmt: skip
    others = worker_process(tmp_path, "inventory", "ordering", "shipping", env=env)
    payments: list[subprocess.Popen[str]] = []
    try:
        for restart in range(3):  # and restart them twice while the charges are under way
            if restart:
                time.sleep(0.4)
                stopping, payments = payments, []
                stop(*stopping)
            for _ in range(3):
                payments.append(worker_process(tmp_path, "payments", env=env))

        def all_shipped() -> bool:
            orders: list[dict[str, Any]] = ok(tmp_path, "orders", "list", "--json")
            return len([o for o in orders if o["status"] == "shipped"]) == len(placed)

        eventually(all_shipped, timeout=60)
    finally:
        stop(others, *payments)
    assert ok(tmp_path, "messages", "status", "--json")["dead_letters"] == 0
    with sqlite3.connect(tmp_path / "test-gateway.db") as gateway:
        charges = gateway.execute("SELECT failures, approved FROM charges").fetchall()
    assert sorted(charges) == [(2, 1)] * len(placed)
