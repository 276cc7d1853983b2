"""A rolling upgrade in the split topology, a worker process per context: the new code moves
`PaymentRequested` to version 2, ordering publishing version 1 beside it for the rollout's
window. Payments, the consumer, upgrades first; then ordering while payments is rolled back
to the old code; then both run the new. Every order is paid once throughout, and nothing is
dead-lettered: the old code reads version 1 and passes over version 2; the new code reads
either, and passes over a version 1 published beside a version 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.invoke import as_json, run, set_up
from tests.system.test_split_topology import eventually, stop, worker_process

pytestmark = pytest.mark.process

NEW = [sys.executable, "-m", "tests.rolling", "new"]
OLD = [sys.executable, "-m", "tests.rolling", "old"]
FAST = {"TESSERA_RETRY_FIRST_DELAY": "0.05"}
CONTEXTS = ("catalog", "inventory", "shipping", "payments", "ordering")


def split(data: Path, *args: str) -> Any:
    result = run(data, "--topology", "split", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def shipped(data: Path, card: str = "tok_visa") -> str:
    placed = split(
        data, "orders", "place", "--customer", "c-1", "--line", "MUG-1:1", "--card", card,
        "--address", "1 Main St", "--json",
    )  # fmt: skip
    order_id = str(placed["id"])
    eventually(lambda: as_json(data, "orders", "show", order_id)["status"] == "shipped", 60)
    return order_id


def test_contexts_move_to_version_2_in_any_order_and_every_order_is_paid_once(
    tmp_path: Path,
) -> None:
    data = set_up(tmp_path / "data")
    running = {c: worker_process(data, c, env=FAST, program=OLD) for c in CONTEXTS}

    def upgrade(context: str, program: list[str]) -> None:
        stop(running.pop(context))
        running[context] = worker_process(data, context, env=FAST, program=program)

    try:
        split(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "5")
        eventually(lambda: run(data, "inventory", "receive", "MUG-1", "10").exit_code == 0)
        upgrade("payments", NEW)
        zeroth = shipped(data)  # payments on the new code, ordering on the old
        upgrade("payments", OLD)
        upgrade("ordering", NEW)
        first = shipped(data)  # ordering on the new code, payments on the old
        upgrade("payments", NEW)
        second = shipped(data)  # both on the new code
    finally:
        stop(*running.values())

    def requested(order: str) -> set[tuple[str, str, str]]:
        timeline = as_json(data, "trace", order)
        return {(h["type"], h["subscription"], h["state"]) for h in timeline
                if "PaymentRequested" in h["type"]}  # fmt: skip

    v1, v2 = "tessera.ordering.PaymentRequested.v1", "tessera.ordering.PaymentRequested.v2"
    assert {(v1, "payments", "done")} == requested(zeroth)
    assert {(v1, "payments", "done"), (v2, "payments", "ignored")} <= requested(first)
    assert {(v1, "payments", "ignored"), (v2, "payments", "done")} <= requested(second)
    for order in (zeroth, first, second):
        payment = json.loads(run(data, "orders", "show", order, "--json").stdout)["payment"]
        assert (payment["status"], payment["captured"]) == ("captured", "5.00")
    assert as_json(data, "messages", "dead-letters") == []
