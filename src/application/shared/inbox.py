"""The inbox port: which messages a context has already handled, kept in its own database."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from tessera.application.shared.unit_of_work import UnitOfWork


class Inbox(Protocol):
    def seen(self, message_ids: Collection[str]) -> set[str]:
        """Which of these messages were handled already."""

    def record(self, message_id: str, message_type: str) -> None: ...


class ConsumingUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that records handled messages in the same transaction as their effects."""

    @property
    def inbox(self) -> Inbox: ...

    def record_events(self) -> None:
        """Turn the events recorded so far into outgoing messages, caused by the cause in force.

        Commit does this too; a consumer handling several messages in one transaction calls it
        after each, so that every effect names the message that caused it.
        """

    def preload(self, subjects: Collection[str]) -> None:
        """A hint before a batch: the messages to come are about these subjects (aggregate
        ids). An implementation may load them together; it must not change anything."""
