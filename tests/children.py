"""The processes tests start: each in a process group of its own, so that it is ended with
every process it started in turn, on every path (a failed set-up, a timeout, Ctrl-C, the end
of the run).

`start` and `run` are the only ways a test starts a process; `end_all` ends whatever a test
left running, and the suite's conftest calls it after every test and at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from tests import tiers

STOP_SECONDS = 20.0
"""How long a process is given to end after it is asked (SIGINT or SIGTERM), before SIGKILL."""

_started: list[subprocess.Popen[Any]] = []

TESSERA = [sys.executable, "-m", "tessera.adapters.cli"]
"""The `tessera` command, as this interpreter runs it."""


def start(args: Sequence[str], **options: Any) -> subprocess.Popen[Any]:
    """A process in a new process group, remembered until it is ended."""
    tiers.require("process", "starts a process")
    process: subprocess.Popen[Any] = subprocess.Popen(args, process_group=0, **options)
    _started.append(process)
    return process


def run(
    args: Sequence[str], timeout: float = 60.0, **options: Any
) -> subprocess.CompletedProcess[str]:
    """A command run to its end, its output captured as text; past `timeout` it is ended, with
    its group, and the timeout raised."""
    process = start(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        end(process)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def stop(*processes: subprocess.Popen[Any], how: int = signal.SIGINT) -> list[int]:
    """Ask each process once to end, as an operator would (all at once, so that they stop
    together); kill the group of any that has not ended in time; their exit codes."""
    for process in processes:
        if not exited(process):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(how)
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        exited(process, max(0.0, deadline - time.monotonic()))
        end(process)
    return [int(process.returncode) for process in processes]


def exited(process: subprocess.Popen[Any], wait: float = 0.0) -> bool:
    """Whether the process has ended (waiting up to `wait` seconds), without reaping it: its
    id, and so its group's, stays its own until `end` has killed the group."""
    deadline = time.monotonic() + wait
    while True:
        if process.returncode is not None:
            return True
        try:
            found = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True
        if found is not None or time.monotonic() >= deadline:
            return found is not None
        time.sleep(0.02)


def end(process: subprocess.Popen[Any]) -> None:
    """Kill the process's group (whatever it started too), then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    if process in _started:
        _started.remove(process)


def end_all() -> list[str]:
    """End every process started here and not ended yet, with its group; what was left."""
    left = [str(process.args) for process in _started if not exited(process)]
    for process in list(_started):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for process in list(_started):
        exited(process, max(0.0, deadline - time.monotonic()))
        end(process)
    return left


atexit.register(end_all)
