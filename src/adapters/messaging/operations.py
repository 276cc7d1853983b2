"""The message-queue port, as an operator's tools use it: what is waiting, what died and why,
replaying or closing a dead letter, a conversation's trace, forgetting what is done."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

import attrs


@attrs.frozen
class DeadLetter:
    subscription: str
    message_id: str
    type: str
    error: str
    attempts: int
    dead_at: float
    subject: str = ""
    """What the message is about: the order, the SKU."""

    def matches(self, subscription: str | None, event_type: str | None) -> bool:
        return subscription in (None, self.subscription) and event_type in (None, self.type)


@attrs.frozen
class SubscriptionStatus:
    subscription: str
    ready: int
    waiting_to_retry: int
    in_flight: int | None
    """Handed out and not yet acknowledged; None where it is not known (on RabbitMQ, a
    consumer that did not answer for what it holds)."""
    dead: int
    oldest_age_seconds: float | None
    """Since the oldest message not handled nor dead was written; None where there is none,
    or it is not known (on RabbitMQ, a message waiting in a queue)."""


@attrs.frozen
class TraceHop:
    """One message of a conversation and what became of it in one subscription."""

    message_id: str
    type: str
    source: str
    subject: str
    correlation_id: str
    causation_id: str | None
    written_at: float
    subscription: str | None
    state: str | None
    delivered_at: float | None
    handled_at: float | None
    replays: int = 0
    """How often an operator replayed it after it was dead-lettered in this subscription."""
    discarded: str | None = None
    """Who closed the dead letter for good, when and why: it stays dead, and is kept."""
    attempts: int = 0
    """How often the subscription was handed it; more than one means it was retried."""

    @property
    def outcome(self) -> str:
        """What became of it, with its history: `done after 1 replay`, `discarded (...)`."""
        if self.discarded is not None:
            return f"discarded ({self.discarded})"
        state = self.state or "-"
        if self.replays:
            return f"{state} after {self.replays} replay{'s' if self.replays > 1 else ''}"
        return state


def discard_record(by: str, at: float, reason: str) -> str:
    """Who closed a dead letter, when and why, as the record keeps it."""
    when = datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
    return f"by {by} at {when}: {reason}"


class QueueOperations(Protocol):
    """What an operator asks of the queue."""

    def status(self) -> list[SubscriptionStatus]: ...

    def dead_letters(self) -> list[DeadLetter]:
        """Messages given up on and not discarded, oldest first."""

    def replay(self, message_id: str, subscription: str | None = None) -> int:
        """Make a dead-lettered message ready again in each subscription it died in (or in
        the one named); the number of subscriptions."""

    def discard(
        self, message_id: str, reason: str, by: str, subscription: str | None = None
    ) -> int:
        """Close a dead letter for good, keeping who closed it, when and why; the number of
        subscriptions it was closed in."""

    def trace(self, identifier: str) -> list[TraceHop]:
        """Every message of the conversations a correlation id or an aggregate id took part in."""

    def purge(self, handled_before: float) -> int:
        """Forget messages every subscription handled before the given time."""
