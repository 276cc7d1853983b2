"""Waiting for what a listener tells, as a worker waits between its rounds."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from tessera.adapters.messaging.queue import Listener
from tessera.adapters.messaging.worker import Alarm


def wait_as_a_worker(
    listeners: Sequence[Listener], until: Callable[[], bool], seconds: float = 10.0
) -> bool:
    """Wait as a worker does (its `Alarm`: on the listeners' descriptors, what makes one
    readable taken in) until `until()` holds, for `seconds` at most; whether it came to."""
    alarm = Alarm()
    deadline = time.monotonic() + seconds
    with alarm.opened():
        while not until() and (left := deadline - time.monotonic()) > 0:
            alarm.wait(listeners, min(left, 0.1))
    return until()
