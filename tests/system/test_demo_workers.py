"""`tessera demo --worker-processes` watches its workers: one that dies ends the demo with its
reason in one line, never a hang."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests import children

pytestmark = pytest.mark.process


def workers_of(parent: int) -> dict[int, str]:
    """The processes `parent` started, by id, with their command lines."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # it ended meanwhile
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found[int(entry.name)] = command
    return found


def test_a_worker_that_dies_ends_the_demo_with_its_reason_in_one_line(tmp_path: Path) -> None:
    demo = children.start(
        [*children.TESSERA, "--data-dir", str(tmp_path / "shop"), "demo", "--orders", "20000",
         "--worker-processes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(payments := [p for p, c in workers_of(demo.pid).items() if "payments" in c]) < 1:
        assert demo.poll() is None, demo.communicate()[1]
        assert time.monotonic() < deadline, "the demo started no payments worker"
        time.sleep(0.1)
    time.sleep(1)  # past its start: a worker that dies while the orders go through
    os.kill(payments[0], signal.SIGKILL)
    try:
        _, err = demo.communicate(timeout=60)
    finally:
        children.end(demo)
    lines = err.strip().splitlines()
    assert demo.returncode == 1, err
    assert lines[-1] == "error: the payments worker exited early (killed by signal 9)", err
    assert "Traceback" not in err
