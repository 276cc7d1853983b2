"""The orders benchmark's floor: what it captures replays, and means what the run ran."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def orders_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("orders_benchmark", ROOT / "benchmarks/orders.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_traced_statement_becomes_a_statement_with_its_values_again(
    orders_benchmark: ModuleType,
) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (name TEXT, n INTEGER, at REAL, x TEXT)")
    traced: list[str] = []
    db.set_trace_callback(traced.append)
    db.execute("INSERT INTO t VALUES (?, ?, ?, ?)", ("it's 'q' 12", -7, 1795623923.5, None))
    db.set_trace_callback(None)
    statement, values = orders_benchmark.parameterized(traced[-1])
    assert statement == "INSERT INTO t VALUES (?, ?, ?, NULL)"
    assert values == ("it's 'q' 12", -7, 1795623923.5)
    db.execute(statement, values)
    assert db.execute("SELECT count(DISTINCT name || n || at) FROM t").fetchone() == (1,)


def test_the_floor_replays_every_statement_of_a_real_run(
    orders_benchmark: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    per_order = orders_benchmark.floor(tmp_path, orders_benchmark.CHUNK)
    printed = capsys.readouterr().out
    assert per_order > 0
    assert "transactions" in printed
    # The copies were taken before the run: replayed, they end as the run's own files did.
    for name, query in [
        ("ordering.db", "SELECT status, count(*) FROM orders GROUP BY status"),
        ("inventory.db", "SELECT sku, received, reserved, shipped FROM stock_items ORDER BY sku"),
        ("queue.db", "SELECT subscription, state, count(*) FROM deliveries GROUP BY 1, 2"),
    ]:
        ran = sqlite3.connect(tmp_path / "floor" / name).execute(query).fetchall()
        replayed = sqlite3.connect(tmp_path / "floor-copy" / name).execute(query).fetchall()
        assert replayed == ran
    assert ("shipped", orders_benchmark.CHUNK) in ran_orders(tmp_path / "floor-copy")


def ran_orders(data_dir: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(data_dir / "ordering.db") as db:
        return db.execute("SELECT status, count(*) FROM orders GROUP BY status").fetchall()
