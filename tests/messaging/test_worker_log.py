"""A worker an operator can watch: one log line per event, as text or JSON."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tessera.adapters.bootstrap import Settings, bootstrap
from tessera.adapters.cli.logs import LOGGER
from tessera.adapters.cli.main import cli
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.queue import Delivery
from tessera.application.catalog.commands import ListProduct
from tests.cli.invoke import run, set_up

ISO_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00"


@pytest.fixture
def backlog(tmp_path: Path) -> Path:
    """A shop with orders placed where only workers deliver, one of them on a flaky card."""
    data = set_up(tmp_path / "data")
    for args in (
        ["catalog", "add", "MUG-1", "--name", "Mug", "--price", "3"],
        ["inventory", "receive", "MUG-1", "10"],
    ):
        assert run(data, *args).exit_code == 0
    for card in ("tok_visa", "tok_gatewayError"):
        placed = run(
            data, "--topology", "split", "orders", "place", "--customer", "c-1",
            "--line", "MUG-1:1", "--card", card, "--address", "1 Main St",
        )  # fmt: skip
        assert placed.exit_code == 0, placed.output
    return data


def worker_log(data_dir: Path, *options: str) -> list[str]:
    result = CliRunner(env={"TESSERA_RETRY_FIRST_DELAY": "0.01"}).invoke(
        cli,
        ["--data-dir", str(data_dir), "--topology", "split", "worker", "--until-idle", *options],
    )
    assert result.exit_code == 0, result.output
    return result.stderr.splitlines()


def test_a_worker_logs_its_start_each_batch_each_retry_and_its_stop_as_json(
    backlog: Path,
) -> None:
    entries = [json.loads(line) for line in worker_log(backlog, "--log-format", "json")]
    events = [entry["event"] for entry in entries]
    assert events[0] == "start"
    assert events[-1] == "stop"
    assert "batch" in events
    # The flaky card fails twice, then goes through: once in the batch, which is then
    # handled message by message, and once alone, which is retried.
    assert events.count("batch_failed") + events.count("retry") == 2
    start = entries[0]
    assert start["context"] == "catalog,inventory,ordering,payments,shipping"
    assert (start["batch_size"], start["poll_seconds"]) == (200, 0.05)
    assert start["queue"].startswith("SqliteQueue(")
    retry = next(entry for entry in entries if entry["event"] == "retry")
    assert retry["context"] == "payments"
    assert retry["type"] == "tessera.ordering.PaymentRequested.v1"
    assert (retry["attempt"], retry["level"]) == (1, "warning")
    assert "GatewayUnavailable: the gateway timed out" in retry["error"]
    for entry in entries:
        assert {"time", "level", "context", "event", "message"} <= entry.keys()
    batches = [entry for entry in entries if entry["event"] == "batch"]
    assert sum(entry["handled"] for entry in batches) == entries[-1]["handled"]
    assert all(entry["ms"] >= 0 for entry in batches)


def test_a_workers_text_log_is_one_timestamped_line_per_event(backlog: Path) -> None:
    lines = worker_log(backlog)
    assert re.match(f"{ISO_TIME} INFO +catalog,inventory,ordering,payments,shipping: ", lines[0])
    for line in lines:
        assert re.match(f"{ISO_TIME} [A-Z]+ +[a-z,]+: ", line), line
    assert any(" WARNING payments: retrying " in line for line in lines)
    assert lines[-1].endswith("dead-lettered 0")


def test_quiet_and_verbose_lower_and_raise_the_level(backlog: Path, tmp_path: Path) -> None:
    quiet = worker_log(backlog, "-q")
    assert quiet  # the retry
    assert all(" WARNING " in line for line in quiet)
    assert worker_log(backlog, "-qq") == []


class Unreachable(InMemoryQueue):
    """A queue that cannot be reached for its first few polls, then comes back."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def receive(
        self, subscription: str, limit: int, lease_seconds: float, consumer: str
    ) -> list[Delivery]:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("the queue is not there")
        return super().receive(subscription, limit, lease_seconds, consumer)


def test_a_worker_that_loses_the_queue_says_so_keeps_trying_and_says_when_it_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue = Unreachable(failures=3)
    with bootstrap(Settings.in_memory(deliver_inline=False, poll_seconds=0.01), queue) as app:
        app.handle(ListProduct("MUG-1", "Mug", "3.00"))
        worker = app.worker()
        caplog.set_level(logging.INFO, logger=LOGGER)
        running = threading.Thread(target=worker.run)
        running.start()

        def events() -> list[Any]:
            return [getattr(record, "event", None) for record in caplog.records]

        deadline = time.monotonic() + 20
        while "connection_regained" not in events():
            assert time.monotonic() < deadline, events()
            time.sleep(0.05)
        worker.stop()
        running.join(timeout=10)
    assert events().count("connection_lost") == 1
    assert events().index("connection_lost") < events().index("connection_regained")
    assert worker.report.consumed.handled == 2  # inventory and ordering learnt the listing
