"""The aggregate root: a consistency boundary with an identity, a version and pending events."""

from __future__ import annotations

import attrs

from tessera.domain.shared.events import DomainEvent


@attrs.define(slots=False, eq=False)
class AggregateRoot:
    """Base of every aggregate.

    `version` counts the changes the aggregate has recorded; persistence uses it for
    optimistic concurrency, so a lost update is detected rather than silently applied.
    """

    version: int = attrs.field(default=0, kw_only=True)
    _pending_events: list[DomainEvent] = attrs.field(factory=list, init=False, repr=False)

    def _record(self, event: DomainEvent) -> None:
        """Every state change records exactly one event and so moves the version on."""
        self._pending_events.append(event)
        self.version += 1

    def pull_events(self) -> list[DomainEvent]:
        """Hand over the events recorded since the last pull, oldest first."""
        events, self._pending_events = self._pending_events, []
        return events
