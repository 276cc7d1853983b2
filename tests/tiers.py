"""Which tier a test is in, by its marks: `server` (it needs PostgreSQL or RabbitMQ) and
`process` (it starts OS processes). A test that reaches for either without its mark fails, so
that `make check`, which runs neither, can trust the marks."""

from __future__ import annotations

import pytest

marks: set[str] | None = None
"""The marks of the test running now; None outside a test (a benchmark, a script)."""


def require(mark: str, what: str) -> None:
    """Fail the running test unless it is marked `mark`."""
    if marks is not None and mark not in marks:
        pytest.fail(f"the test {what} but is not marked `{mark}` (tests/tiers.py)", pytrace=False)
