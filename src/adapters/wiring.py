"""How a bounded context declares itself to the composition root: the library's surface.

A context is one `BoundedContext` value: its name (spelled once), its tables and how its
classes map onto them, its unit of work, what it publishes, its command and query handlers,
and its reactions to other contexts' events. The five contexts in this package are declared
so, and so is a context that another distribution contributes through the entry-point group
`tessera.contexts`. Each one gets the same: its own database, outbox, inbox, subscription,
retries, dead letters, trace, and a place in the context map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs
from sqlalchemy import Engine, MetaData

from tessera.adapters.persistence.messaging_tables import MessagingTables
from tessera.application.shared.bus import Handlers, Reactions
from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.domain.shared.events import DomainEvent

UnitOfWork = TypeVar("UnitOfWork", bound=ConsumingUnitOfWork)
NeededPorts = TypeVar("NeededPorts")
Translator = Callable[[DomainEvent], Iterable[object]]
"""Turns a context's domain event into the integration events it publishes for it."""


@attrs.frozen(kw_only=True)
class BoundedContext(Generic[UnitOfWork, NeededPorts]):
    """One bounded context, as the composition root wires it.

    `NeededPorts` is a Protocol naming the ports the context reaches the outside world
    through (`gateway`, `carrier`, `clock`, ...); the composition root hands every context
    the deployment's choices, which have them all.
    """

    name: str
    """Its database, its subscription and the source of what it publishes: one name."""
    metadata: MetaData
    """Its tables; the outbox and inbox are added beside them."""
    map_classes: Callable[[], None]
    """Maps its domain classes onto its tables; called once per process before first use."""
    unit_of_work: Callable[[Engine, MessagingTables, Translator], UnitOfWork]
    publishes: Translator
    handlers: Callable[[UnitOfWork, NeededPorts], Handlers]
    reactions: Callable[[NeededPorts], Reactions[UnitOfWork]]
    migrations: Path | None = None
    """The directory of its Alembic revisions (adapters.persistence.migrations). None: its
    tables are made from `metadata` when a shop is created, and checked column by column."""

    def reactions_for(self, ports: NeededPorts) -> Reactions[Any]:
        """Its reactions, for a consumer that hands each one this context's unit of work."""
        reactions: Reactions[Any] = self.reactions(ports)
        return reactions
