"""The composition root: the one place that knows every context and wires them together.

Use it to drive Tessera from Python exactly as the CLI does::

    setup(Settings(data_dir="var"))  # once: prepares the shop, as `tessera db setup` does
    with bootstrap(Settings(data_dir="var")) as tessera:
        tessera.handle(ListProduct(sku="MUG-BLUE", name="Blue mug", price="12.50"))

The ports the contexts declare (the payment gateway, the carrier, the clock, and any an
outside context declares) are bound as the deployment names them: `ports={name: adapter}`,
else `TESSERA_<NAME>=package.module:factory`, else the port's default. Contexts beyond the five
come as `contexts=[...]`, or from installed distributions through the entry-point group
`tessera.contexts`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any

import injector

from tessera.adapters.bootstrap.ports import Binding, BoundPorts, bind_ports
from tessera.adapters.bootstrap.tessera import Tessera
from tessera.adapters.messaging.kept_by_the_contexts import KeptByTheContexts
from tessera.adapters.messaging.module import ConsumerId, MessagingModule, context_endpoint
from tessera.adapters.messaging.queue import MessageQueue, Queue
from tessera.adapters.messaging.recorded_trace import RecordedTrace
from tessera.adapters.messaging.worker import ContextEndpoint, WorkerSettings
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.persistence.database import NotSetUp
from tessera.adapters.settings import (
    BROKER_URL_ENV,
    CONTEXTS_ENV,
    DATABASE_URL_ENV,
    Settings,
    UnusableSettings,
)
from tessera.adapters.wiring import BoundedContext
from tessera.application.shared.bus import Handlers, MessageBus

ENTRY_POINTS = "tessera.contexts"
AnyContext = BoundedContext[Any, Any]


class CoreModule(injector.Module):
    """Settings, storage, the deployment's ports, and the message bus every handler joins."""

    def __init__(
        self,
        settings: Settings,
        storage: DataDirectory,
        ports: Binding,
        running: Sequence[AnyContext] = (),
        not_set_up: Sequence[str] = (),
    ) -> None:
        self._settings = settings
        self._storage = storage
        self._ports = ports
        self._running = running
        self._not_set_up = not_set_up

    @injector.provider
    def settings(self) -> Settings:
        return self._settings

    @injector.provider
    def storage(self) -> DataDirectory:
        return self._storage

    @injector.provider
    def ports(self) -> Binding:
        return self._ports

    @injector.singleton
    @injector.provider
    def bus(self, handlers: Handlers) -> MessageBus:
        return MessageBus(handlers)

    @injector.provider
    def tessera(
        self,
        bus: MessageBus,
        databases: list[ContextDatabase],
        endpoints: list[ContextEndpoint],
        queue: Queue,
        worker_settings: WorkerSettings,
    ) -> Tessera:
        if isinstance(queue, KeptByTheContexts):  # a broker keeps no history: the contexts do
            queue.trace_from = RecordedTrace(databases, queue.bindings, queue.ignored)
        return Tessera(
            self._settings, self._storage, bus, databases, endpoints, queue, worker_settings,
            stand_ins=self._ports.stand_ins, running=self._running, not_set_up=self._not_set_up,
        )  # fmt: skip


class ContextModule(injector.Module):
    """What one declared context contributes: its database, its handlers, its endpoint."""

    def __init__(self, context: AnyContext) -> None:
        self._context = context
        self._database: ContextDatabase | None = None

    @property
    def name(self) -> str:
        return self._context.name

    @property
    def context(self) -> AnyContext:
        return self._context

    def set_up(self, storage: DataDirectory, settings: Settings) -> NotSetUp | None:
        """Opens its database; says why not where the context is not part of the shop yet
        (installed after the shop was made)."""
        try:
            self._open(storage, settings)
        except NotSetUp as missing:
            return missing
        return None

    def _open(self, storage: DataDirectory, settings: Settings) -> ContextDatabase:
        if self._database is None:
            self._context.map_classes()
            name = self._context.name
            url = settings.database_for(name)
            metadata, migrations = self._context.metadata, self._context.migrations
            self._database = ContextDatabase.open(name, metadata, storage, url, migrations)
        return self._database

    def _unit_of_work(self, storage: DataDirectory, settings: Settings) -> Any:
        """A unit of work of its own for each user: the bus's handlers and the worker's
        consumer may run in different threads."""
        database = self._open(storage, settings)
        return self._context.unit_of_work(database.engine, database.tables, self._context.publishes)

    @injector.multiprovider
    def handlers(self, storage: DataDirectory, ports: Binding, settings: Settings) -> Handlers:
        return self._context.handlers(self._unit_of_work(storage, settings), self._own(ports))

    def _own(self, ports: Binding) -> BoundPorts:
        return ports.by_context[self._context.name]

    @injector.multiprovider
    def endpoints(
        self,
        storage: DataDirectory,
        ports: Binding,
        queue: MessageQueue,
        settings: Settings,
        consumer_id: ConsumerId,
    ) -> list[ContextEndpoint]:
        uow = self._unit_of_work(storage, settings)
        reactions = self._context.reactions_for(self._own(ports))
        database = self._open(storage, settings)
        return [context_endpoint(database, uow, reactions, queue, settings, consumer_id)]

    @injector.multiprovider
    def databases(self, storage: DataDirectory, settings: Settings) -> list[ContextDatabase]:
        return [self._open(storage, settings)]


def installed_contexts() -> list[BoundedContext[Any, Any]]:
    """The contexts installed distributions contribute through `tessera.contexts`: the
    reference shop's five, registered so by Tessera's own distribution, among them."""
    found = []
    for entry in entry_points(group=ENTRY_POINTS):
        context = entry.load()
        if not isinstance(context, BoundedContext):
            raise TypeError(f"entry point {entry.name} in {ENTRY_POINTS} is no BoundedContext")
        found.append(context)
    return found


def all_contexts(
    extra: Sequence[BoundedContext[Any, Any]], discover: bool, named: Sequence[str] = ()
) -> list[BoundedContext[Any, Any]]:
    """The shop's contexts: those installed (unless not to `discover` them) and `extra`, or
    of those only the ones `named` (`TESSERA_CONTEXTS`)."""
    contexts: list[BoundedContext[Any, Any]] = []
    for context in [*(installed_contexts() if discover else []), *extra]:
        if not any(context is known for known in contexts):  # given, and installed too
            contexts.append(context)
    names = [context.name for context in contexts]
    if twice := sorted({name for name in names if names.count(name) > 1}):
        raise ValueError(f"more than one context is named {', '.join(twice)}")
    if unknown := [name for name in named if name not in names]:
        raise UnusableSettings(
            f"{CONTEXTS_ENV} names {', '.join(unknown)}, which is not installed"
            f" (the contexts: {', '.join(names) or 'none'})"
        )
    return [context for context in contexts if not named or context.name in named]


def bootstrap(
    settings: Settings | None = None,
    queue: Queue | None = None,
    *,
    ports: Mapping[str, object] | None = None,
    contexts: Sequence[BoundedContext[Any, Any]] = (),
    discover: bool = True,
    only: Collection[str] = (),
) -> Tessera:
    """Wire every context for the given settings (default: from the environment) over a shop
    that `setup` has prepared: the five in this package, `contexts`, and (unless `discover`
    is False) those installed distributions contribute; or `only` those named, and then the
    process opens the databases and broker connections of those alone (a worker's host
    holds its own contexts' credentials and no others). `ports` binds ports by name
    (`{"payment_gateway": gateway}`) over what the settings and the environment name.

    A data directory that cannot be written is opened for reading: queries work, and
    commands are refused with StorageUnavailable."""
    chosen = settings or Settings.from_environment()
    where = chosen.data_dir
    storage = DataDirectory.in_memory() if where is None else DataDirectory.open(where)
    every = all_contexts(contexts, discover, chosen.contexts)
    if unknown := sorted(set(only) - {context.name for context in every}):
        known = ", ".join(context.name for context in every)
        raise ValueError(f"no context is named {', '.join(unknown)} (the contexts: {known})")
    run = [context for context in every if not only or context.name in only]
    return _wire(chosen, storage, bind_ports(run, chosen, ports or {}), queue, run, every)


def setup(
    settings: Settings | None = None,
    *,
    contexts: Sequence[BoundedContext[Any, Any]] = (),
    discover: bool = True,
) -> list[str]:
    """Prepare a shop, as `tessera db setup` does: create the data directory, every
    context's database (a PostgreSQL server's roles and schemas first) and the queue, and
    bind the subscriptions; returns the contexts' names. A context's empty database is
    brought to its code's head revision; running it again on a prepared shop changes
    nothing, and one behind its code is refused: `upgrade` moves it on."""
    chosen = settings or Settings.from_environment()
    if chosen.data_dir is not None:
        storage = DataDirectory.create(chosen.data_dir)
        every = all_contexts(contexts, discover, chosen.contexts)
        provision(chosen, every)
        with _wire(chosen, storage, bind_ports(every, chosen, {}), None, every) as prepared:
            prepared.prepare_queue()
        return [context.name for context in every]
    return []


def provision(settings: Settings, contexts: Sequence[BoundedContext[Any, Any]]) -> None:
    """Each server's roles and schemas, made by its administrator, before any context opens."""
    by_server: dict[Any, list[str]] = {}
    for context in contexts:
        url = settings.database_for(context.name)
        if url is not None:
            by_server.setdefault(url, []).append(context.name)
    if not by_server:
        return
    from tessera.adapters.persistence import postgres  # only a deployment on servers loads it

    for url, names in by_server.items():
        postgres.provision(url, names)


def _wire(
    settings: Settings,
    storage: DataDirectory,
    ports: Binding,
    queue: Queue | None,
    contexts: Sequence[BoundedContext[Any, Any]],
    every: Sequence[BoundedContext[Any, Any]] | None = None,
) -> Tessera:
    """The contexts wired; `every` context of the shop may be named by a URL."""
    names = {context.name for context in every or contexts}
    unknown = {(DATABASE_URL_ENV, name) for name in set(settings.database_urls) - names}
    unknown |= {(BROKER_URL_ENV, name) for name in set(settings.broker_urls) - names}
    if unknown:
        named = ", ".join(f"{variable}_{name.upper()}" for variable, name in sorted(unknown))
        known = ", ".join(context.name for context in every or contexts)
        raise UnusableSettings(f"{named} names no context of this shop (its contexts: {known})")
    wired, missing = [], {}
    for module in (ContextModule(context) for context in contexts):
        if (why := module.set_up(storage, settings)) is None:
            wired.append(module)
        else:
            missing[module.name] = why
    if missing and not wired:
        raise next(iter(missing.values()))  # no context is there: this is no shop
    core = CoreModule(settings, storage, ports, [m.context for m in wired], sorted(missing))
    modules: list[injector.Module] = [core, MessagingModule(queue), *wired]
    return injector.Injector(modules, auto_bind=False).get(Tessera)
