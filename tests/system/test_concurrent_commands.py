"""In the monolith, a command says where its order ended up, even when another process's
command delivered its messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import children
from tests.cli.invoke import as_json, run, set_up

pytestmark = pytest.mark.process


def test_concurrent_orders_each_print_where_they_ended_up(tmp_path: Path) -> None:
    data = set_up(tmp_path / "data")
    assert run(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3").exit_code == 0
    assert run(data, "inventory", "receive", "MUG-1", "3").exit_code == 0
    command = [sys.executable, "-m", "tessera.adapters.cli", "--data-dir", str(data),
               "orders", "place", "--customer", "c-1", "--line", "MUG-1:1", "--card", "tok_visa",
               "--address", "1 Main St", "--json"]  # fmt: skip
    placing = [
        children.start(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env={**os.environ, "TESSERA_POLL_SECONDS": "0.005"})
        for _ in range(8)
    ]  # fmt: skip
    printed = {}
    left_waiting = set()
    numbers = []
    for process in placing:
        try:
            out, err = process.communicate(timeout=120)
        finally:
            children.end(process)
        assert process.returncode == 0, err
        placed = json.loads(out)
        printed[placed["id"]] = placed["status"]
        numbers.append(placed["number"])
        if placed["waiting"]:  # a reaction collided with another process's and waits for
            left_waiting.add(placed["id"])  # its retry: the command said so, and returned
    if left_waiting:  # what waited for its retry, delivered
        env = {"TESSERA_RETRY_FIRST_DELAY": "0.01"}
        assert run(data, "worker", "--until-idle", env=env).exit_code == 0
    stored = {order["id"]: order["status"] for order in as_json(data, "orders", "list")}
    assert {k: v for k, v in printed.items() if k not in left_waiting} == {
        k: v for k, v in stored.items() if k not in left_waiting
    }
    assert len(left_waiting) < len(printed)
    assert sorted(stored.values()) == ["cancelled"] * 5 + ["shipped"] * 3
    assert sorted(numbers) == list(range(1, 9))  # eight processes, eight numbers, none twice
