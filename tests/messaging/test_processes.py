"""Real OS processes sharing the SQLite queue: nothing lost, nothing handled twice."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tessera.adapters.bootstrap import setup
from tessera.adapters.catalog.orm import metadata as catalog_metadata
from tessera.adapters.catalog.orm import start_mappers as map_catalog
from tessera.adapters.catalog.unit_of_work import SqlAlchemyCatalogUnitOfWork
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.settings import Settings
from tessera.application.catalog.publishing import integration_events
from tessera.domain.catalog.product import Product
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money
from tests import children
from tests.children import TESSERA
from tests.rollout import FORMS

MESSAGES = 2000


pytestmark = pytest.mark.process


def tessera(data_dir: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return children.start(
        [*TESSERA, "--data-dir", str(data_dir), "--topology", "split", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def finish(process: subprocess.Popen[str], timeout: float = 120) -> str:
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        children.end(process)
    assert process.returncode == 0, err
    return out


def handled(report: str) -> int:
    match = re.search(r"handled (\d+)", report)
    assert match, report
    return int(match[1])


def count(database: Path, query: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute(query).fetchone()[0])


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    """A data directory whose catalog has listed MESSAGES products, relayed to the queue."""
    setup(Settings(data_dir=tmp_path))
    map_catalog()
    database = ContextDatabase.open("catalog", catalog_metadata, DataDirectory.open(tmp_path))
    with SqlAlchemyCatalogUnitOfWork(database.engine, database.tables, integration_events) as uow:
        for n in range(MESSAGES):
            uow.products.add(Product.list(Sku(f"SKU-{n:05}"), f"Item {n}", Money.of("1", "EUR")))
        uow.commit()
    database.engine.dispose()
    relay = finish(tessera(tmp_path, "worker", "--context", "catalog", "--until-idle"))
    assert f"relayed {FORMS * MESSAGES}" in relay  # each listing in version 2 (and 1 beside)
    return tmp_path


def test_two_workers_share_the_queue_and_handle_every_message_exactly_once(listed: Path) -> None:
    workers = [
        tessera(listed, "worker", "--context", "inventory", "--until-idle", TESSERA_BATCH_SIZE="10")
        for _ in range(2)
    ]
    reports = [finish(worker) for worker in workers]
    counts = [handled(report) for report in reports]
    assert sum(counts) == MESSAGES
    assert all(n > 0 for n in counts), f"both workers took part: {counts}"
    inventory = listed / "inventory.db"
    assert count(inventory, "select count(*) from inbox") == MESSAGES
    assert count(inventory, "select count(distinct sku) from catalogue") == MESSAGES
    queue = listed / "queue.db"
    mine = "from deliveries where subscription = 'inventory'"
    assert count(queue, f"select count(*) {mine} and state = 'done'") == MESSAGES
    assert count(queue, f"select count(*) {mine} and state = 'ignored'") == (FORMS - 1) * MESSAGES
    assert count(queue, f"select count(*) {mine} and state = 'ready'") == 0


def test_a_worker_killed_holding_messages_loses_its_lease_and_they_are_handled_once(
    listed: Path,
) -> None:
    queue = listed / "queue.db"
    done = "select count(*) from deliveries where state = 'done'"
    leased = "select count(*) from deliveries where state = 'ready' and lease_until is not null"
    worker = tessera(
        listed,
        "worker",
        "--context",
        "inventory",
        TESSERA_BATCH_SIZE="400",
        TESSERA_LEASE_SECONDS="2",
    )
    deadline = time.monotonic() + 60
    # Kill it mid-batch: after it has handled some, while it holds a leased batch.
    while not (count(queue, done) > 0 and count(queue, leased) > 0):
        assert time.monotonic() < deadline, "the worker never got going"
        time.sleep(0.005)
    worker.send_signal(signal.SIGKILL)
    children.end(worker)
    with sqlite3.connect(queue) as connection:
        held = {
            row[0]
            for row in connection.execute(
                "select message_id from deliveries where state = 'ready' and lease_until > ?",
                (time.time(),),
            )
        }
    assert 0 < count(queue, done) < MESSAGES, "killed part-way through"
    assert held, "the worker died holding leased messages"

    restarted = finish(tessera(listed, "worker", "--context", "inventory", "--until-idle"))
    assert "handled" in restarted
    inventory = listed / "inventory.db"
    assert count(inventory, "select count(*) from inbox") == MESSAGES
    assert count(inventory, "select count(distinct sku) from catalogue") == MESSAGES
    assert count(queue, done) == MESSAGES
    with sqlite3.connect(queue) as connection:
        redelivered = {
            row[0]
            for row in connection.execute("select message_id from deliveries where attempts > 1")
        }
    assert held <= redelivered


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return children.run([*TESSERA, "--data-dir", str(data_dir), "--topology", "split", *args])


def test_catalog_to_inventory_across_worker_processes_in_the_split_topology(
    tmp_path: Path,
) -> None:
    assert run(tmp_path, "db", "setup").returncode == 0
    workers = [
        tessera(tmp_path, "worker", "--context", context) for context in ("catalog", "inventory")
    ]
    try:
        assert (
            run(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3").returncode
            == 0
        )
        deadline = time.monotonic() + 30
        while (received := run(tmp_path, "inventory", "receive", "MUG-1", "5")).returncode != 0:
            assert "not in the catalog" in received.stderr
            assert time.monotonic() < deadline, "inventory never learnt of MUG-1"
            time.sleep(0.1)
        assert run(tmp_path, "catalog", "discontinue", "MUG-1").returncode == 0
        deadline = time.monotonic() + 30
        while "discontinued" not in run(tmp_path, "inventory", "receive", "MUG-1", "1").stderr:
            assert time.monotonic() < deadline, "inventory never learnt MUG-1 was discontinued"
            time.sleep(0.1)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
    reports = [finish(worker, timeout=30) for worker in workers]
    assert f"relayed {FORMS + 1}" in reports[0]  # the listing (in 2 and 1), the discontinuation
    assert "handled 2" in reports[1]
    traced = run(tmp_path, "trace", "MUG-1", "--json")
    assert traced.returncode == 0
    assert traced.stdout.count('"state": "done"') == 2
