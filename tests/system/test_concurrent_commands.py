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
    stored = {order["id"]: order["status"] for order in as_json(data, "orders", "list")}
    assert printed == stored
    assert sorted(printed.values()) == ["cancelled"] * 5 + ["shipped"] * 3
    assert sorted(numbers) == list(range(1, 9))  # eight processes, eight numbers, none twice
