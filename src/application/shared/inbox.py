"""The inbox port: which messages a context has already handled, kept in its own database."""

from __future__ import annotations

from typing import Protocol

from application.shared.unit_of_work import UnitOfWork


class Inbox(Protocol):
    def has(self, message_id: str) -> bool: ...

    def record(self, message_id: str, message_type: str) -> None: ...


class ConsumingUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that records handled messages in the same transaction as their effects."""

    @property
    def inbox(self) -> Inbox: ...
