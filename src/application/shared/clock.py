"""The clock: what time the application says things happened at. A port, so that tests and
deployments choose it; the default reads the system clock, in UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def system_clock() -> Clock:
    """The clock a deployment gets unless it names another: the system's, in UTC."""
    return utc_now
