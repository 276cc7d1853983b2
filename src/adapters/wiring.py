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
from tessera.application.shared.clock import Clock
from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.domain.shared.events import DomainEvent


@attrs.frozen
class Port:
    """A port a context reaches the outside world through, bound by each deployment.

    A deployment names the adapter as `package.module:factory` in `TESSERA_<NAME>` (or the
    CLI's `--port NAME=package.module:factory`); the factory takes no argument, or the
    settings, and returns the adapter. Without one, `default` is used; a default that is a
    stand-in (a test adapter) is said on stderr by every command and worker that runs on it,
    outside the demo and tests.
    """

    name: str
    """A Python name, lower case: `payment_gateway` is `TESSERA_PAYMENT_GATEWAY`, and the
    attribute of the ports the context's handlers and reactions are given."""
    kind: object
    """What it must be (its Protocol): a factory's result is checked against it where the
    Protocol is runtime-checkable."""
    default: str
    """The factory used when the deployment names none, as `package.module:factory`."""
    stand_in: bool = True
    """The default is for tests and the demo only (a real clock is not)."""

    def __attrs_post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise ValueError(f"a port's name is a lower-case Python name, not {self.name!r}")

    @property
    def variable(self) -> str:
        return f"TESSERA_{self.name.upper()}"


CLOCK = Port(
    "clock", Clock, default="tessera.application.shared.clock:system_clock", stand_in=False
)
"""The time a context says things happened at; any context may declare it."""

UnitOfWork = TypeVar("UnitOfWork", bound=ConsumingUnitOfWork)
NeededPorts = TypeVar("NeededPorts")
Ask = Callable[[Any], Any]
"""Sends a query to the running shop and returns its answer."""
Translator = Callable[[DomainEvent], Iterable[object]]
"""Turns a context's domain event into the integration events it publishes for it."""


@attrs.frozen(kw_only=True)
class BoundedContext(Generic[UnitOfWork, NeededPorts]):
    """One bounded context, as the composition root wires it.

    `NeededPorts` is a Protocol naming the ports the context reaches the outside world
    through, as attributes; `ports` declares them, and the composition root hands the
    context's handlers and reactions an object with each one bound as the deployment chose.
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
    ports: tuple[Port, ...] = ()
    """The ports its handlers and reactions are given, each bound by the deployment."""
    names: Callable[[str, Ask], str | None] | None = None
    """How people name its aggregates (an order's number, the start of its id): the id a
    name stands for, or None. The operator's tools (`trace`) take such names through it."""
    after_discard: Callable[[str, Ask], str | None] | None = None
    """What an operator should know when a message about this aggregate id was discarded
    for good (one line, or None): the platform knows no context's meaning of it."""
    migrations: Path | None = None
    """The directory of its Alembic revisions (adapters.persistence.migrations). None: its
    tables are made from `metadata` when a shop is created, and checked column by column."""

    def reactions_for(self, ports: NeededPorts) -> Reactions[Any]:
        """Its reactions, for a consumer that hands each one this context's unit of work."""
        reactions: Reactions[Any] = self.reactions(ports)
        return reactions
