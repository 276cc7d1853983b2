"""A test run leaves nothing behind, whichever way a test ends: a fixture that fails half-way,
a test that times out, Ctrl-C, or SIGTERM. Each case runs a small test of its own in a pytest
process of its own, with this suite's fixtures, and then looks for what it made: its processes
(a child and the child's child), its database and roles, its virtual host."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from tests import children
from tests.servers import ADMIN_URL, rabbitmqctl

pytestmark = [pytest.mark.server, pytest.mark.process]

ROOT = Path(__file__).resolve().parents[1]

INNER = """
import json, os, subprocess, sys, time
from pathlib import Path

import pytest

from tests import children
from tests.servers import postgres_database, rabbitmq_vhost

SLEEPER = (
    "import subprocess, sys, time;"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']);"
    "print(child.pid, flush=True); time.sleep(600)"
)


@pytest.fixture
def half_made():
    with postgres_database() as database, rabbitmq_vhost() as broker:
        parent = children.start([sys.executable, "-c", SLEEPER], stdout=subprocess.PIPE, text=True)
        grandchild = int(parent.stdout.readline())
        made = {"pids": [parent.pid, grandchild], "database": database, "vhost": broker}
        Path(os.environ["RECORD"]).write_text(json.dumps(made))
        if os.environ["HOW"] == "fails":
            raise RuntimeError("the fixture fails half-way")
        yield


@pytest.mark.server
@pytest.mark.process
def test_waits(half_made):
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    """Whether a process of that id runs (a zombie, ended and not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def run_inner(tmp_path: Path, how: str, options: list[str], interrupt: int | None) -> str:
    """The inner test run to its end, interrupted with `interrupt` once its fixture has made
    everything; what it printed. Returns once the inner run has ended."""
    inner = tmp_path / "test_inner.py"
    inner.write_text(INNER)
    record = tmp_path / "made.json"
    env = {
        **os.environ,
        "HOW": how,
        "RECORD": str(record),
        "TESSERA_TEST_RUN": uuid.uuid4().hex[:8],  # its own run: its sweep is not this one's
    }
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider"]
    command += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), "-q", *options]
    process = children.start(
        [*command, str(inner)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        if interrupt is not None:
            deadline = time.monotonic() + 60
            while not record.exists() or not record.read_text():
                assert time.monotonic() < deadline, "the inner fixture never got going"
                time.sleep(0.1)
            time.sleep(0.5)  # and the test is under way
            os.kill(process.pid, interrupt)
        out: str = process.communicate(timeout=120)[0]
    finally:
        children.end(process)
    assert record.exists(), out
    return out


def what_remains(made: dict[str, object]) -> list[str]:
    left = [f"process {pid}" for pid in made["pids"] if alive(pid)]  # type: ignore[attr-defined]
    database = str(made["database"]).rsplit("/", 1)[1]
    vhost = str(made["vhost"]).rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        if found.fetchone():
            left.append(f"database {database}")
        roles = admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"tessera\\_{database}\\_%",)
        ).fetchall()
        left += [f"role {role}" for (role,) in roles]
    if vhost in rabbitmqctl("list_vhosts", "--no-table-headers").split():
        left.append(f"vhost {vhost}")
    return left


@pytest.mark.parametrize(
    ("how", "options", "interrupt", "said"),
    [
        ("fails", [], None, "the fixture fails half-way"),
        ("waits", ["--timeout", "3", "-o", "timeout_func_only=true"], None, "Timeout"),
        ("waits", [], signal.SIGINT, "KeyboardInterrupt"),
        ("waits", [], signal.SIGTERM, "KeyboardInterrupt"),
    ],
    ids=["a fixture that fails half-way", "a timeout", "Ctrl-C", "SIGTERM"],
)
def test_a_test_ended_any_way_leaves_no_process_database_or_vhost(
    tmp_path: Path, how: str, options: list[str], interrupt: int | None, said: str
) -> None:
    out = run_inner(tmp_path, how, options, interrupt)
    assert said in out, out
    made = json.loads((tmp_path / "made.json").read_text())
    assert made["pids"]
    deadline = time.monotonic() + 10  # an orphan is reaped by whoever adopts it
    while (left := what_remains(made)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == []
    assert "left behind" not in out  # the fixtures ended it all, not the run's last sweep
