"""Every wait for a server is bounded and every failure names its cause: a server that accepts
connections and never answers (a socket of the test's own) costs the connect timeout, not
minutes; a broker never reached is not "lost"; a login refused is said to be refused."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from tessera.adapters.messaging.rabbitmq import RabbitQueue, Refused
from tessera.adapters.persistence.database import Unreachable
from tests import children
from tests.cli.invoke import run


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(64)
        yield listening.getsockname()[1]


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("TESSERA_DATABASE_URL", "postgresql://postgres@127.0.0.1:{port}/shop"),
        ("TESSERA_BROKER_URL", "amqp://guest:guest@127.0.0.1:{port}/shop"),
    ],
)
@pytest.mark.parametrize("command", [["catalog", "list"], ["messages", "status"], ["db", "status"]])
def test_a_server_that_never_answers_costs_the_connect_timeout_and_one_line(
    tmp_path: Path, silent_port: int, variable: str, url: str, command: list[str]
) -> None:
    run(tmp_path, "db", "setup")
    env = {variable: url.format(port=silent_port), "TESSERA_CONNECT_TIMEOUT_SECONDS": "1"}
    began = time.monotonic()
    result = run(tmp_path, *command, env=env)
    took = time.monotonic() - began
    if variable == "TESSERA_BROKER_URL" and command != ["messages", "status"]:
        assert result.exit_code == 0, result.output  # it never needed the broker
        return
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: cannot reach "), result.stderr
    assert result.stderr.count("\n") == 1
    assert "db setup" not in result.stderr  # nothing is missing that setup would make
    assert took < 2 + 3, f"took {took:.1f} s"  # libpq waits 2 s at the least


def test_a_broker_never_reached_is_unreachable_not_lost(silent_port: int) -> None:
    queue = RabbitQueue(f"amqp://guest:guest@127.0.0.1:{silent_port}/x", connect_timeout=1)
    began = time.monotonic()
    with pytest.raises(Unreachable, match="cannot reach the broker") as refused:
        queue.status()
    assert time.monotonic() - began < 3
    assert "lost" not in str(refused.value)
    assert "guest:guest" not in str(refused.value)


def test_a_connect_is_one_try_the_caller_repeats_not_several() -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(64)
        port = listening.getsockname()[1]
        with pytest.raises(Unreachable, match="timed out"):
            RabbitQueue(f"amqp://guest:guest@127.0.0.1:{port}/x", connect_timeout=1).status()
        listening.setblocking(False)
        made = 0
        with suppress(BlockingIOError):
            while True:
                listening.accept()[0].close()
                made += 1
    assert made == 1  # kombu's own retry made a second, after waiting 2 s


@pytest.mark.server
def test_a_login_the_broker_refuses_is_said_to_be_refused(broker_url: str) -> None:
    wrong = broker_url.replace("guest:guest@", "guest:wrong@")
    with pytest.raises(Refused, match="refused the login: ACCESS_REFUSED"):
        RabbitQueue(wrong, connect_timeout=2).status()


@pytest.mark.process
def test_a_worker_that_cannot_reach_its_database_says_so_and_keeps_trying_until_stopped(
    tmp_path: Path, silent_port: int
) -> None:
    run(tmp_path, "db", "setup")
    env = {
        **os.environ,
        "TESSERA_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{silent_port}/shop",
        "TESSERA_CONNECT_TIMEOUT_SECONDS": "1",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as stderr:
        worker = children.start(
            [*children.TESSERA, "--data-dir", str(tmp_path), "worker", "--context", "payments"],
            stdout=subprocess.PIPE, stderr=stderr, text=True, env=env,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while log.read_text().count("cannot start, trying again") < 2:
            assert not children.exited(worker, 0.2), log.read_text()
            assert time.monotonic() < deadline, log.read_text()
    finally:
        codes = children.stop(worker)
    assert codes == [0], log.read_text()
    assert "cannot reach database" in log.read_text()
    assert "started" not in log.read_text()
