"""What an idempotent command did: the state it left, and whether this call changed it."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

ViewT = TypeVar("ViewT")


@attrs.frozen
class Outcome(Generic[ViewT]):
    """Asked twice, such a command changes nothing the second time, and says so."""

    view: ViewT
    changed: bool

    @property
    def already(self) -> bool:
        """It had already happened before this call."""
        return not self.changed
