"""The composition root: the one place that knows every context and wires them together.

Use it to drive Tessera from Python exactly as the CLI does::

    setup(Settings(data_dir="var"))  # once: prepares the shop, as `tessera db setup` does
    with bootstrap(Settings(data_dir="var")) as tessera:
        tessera.handle(ListProduct(sku="MUG-BLUE", name="Blue mug", price="12.50"))
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

import attrs
import injector

from adapters.catalog.module import CatalogModule
from adapters.inventory.module import InventoryModule
from adapters.messaging.module import MessagingModule, Queue, worker_for
from adapters.messaging.worker import ContextEndpoint, Worker, WorkerSettings
from adapters.ordering.module import OrderingModule
from adapters.payments.module import PaymentsModule
from adapters.persistence.settings import ContextDatabase, Settings, Topology
from adapters.persistence.storage import Storage
from adapters.shipping.module import ShippingModule
from application.shared.bus import Handlers, MessageBus, Query
from application.shared.envelope import Cause, caused_by, new_id
from application.shared.integration import registered_events
from application.shared.queue import QueueOperations

__all__ = ["Settings", "Tessera", "Topology", "bootstrap", "setup"]


class Tessera:
    """A running Tessera: send it commands and queries with `handle`."""

    def __init__(
        self,
        settings: Settings,
        storage: Storage,
        bus: MessageBus,
        databases: list[ContextDatabase],
        endpoints: list[ContextEndpoint],
        queue: Queue,
        worker_settings: WorkerSettings,
    ) -> None:
        self.settings = settings
        self.storage = storage
        self._bus = bus
        self._databases = databases
        self._endpoints = endpoints
        self._queue = queue
        self._worker_settings = worker_settings
        self._inline = worker_for(endpoints, queue, worker_settings)

    @property
    def contexts(self) -> list[str]:
        return [endpoint.name for endpoint in self._endpoints]

    def handle(self, message: object) -> Any:
        """Carry out a command or answer a query of any context.

        A query only reads. A command starts a new conversation (correlation id); in one
        process, it returns once every message of that conversation has been handled (or,
        after its last retry, dead-lettered), whichever process handled it, delivering what
        is ready meanwhile; in the split topology, workers deliver them.
        """
        if isinstance(message, Query):
            return self._bus.handle(message)  # a read shows the state as it is, backlog and all
        self.storage.require_writable()
        conversation = new_id()
        with caused_by(Cause(correlation_id=conversation)):
            result = self._bus.handle(message)
        if self.settings.delivers_inline:
            self._settle(conversation)
        return result

    def _settle(self, conversation: str) -> None:
        """Deliver until the conversation has settled, whoever delivers it: another process
        may have taken its messages, and they count until that process is done with them."""
        while True:
            self._inline.drain()
            if self._settled(conversation):
                return
            time.sleep(self._worker_settings.poll_seconds)

    def _settled(self, conversation: str) -> bool:
        """Nothing of the conversation is unsent or unhandled, and nothing new was written
        while this looked: a message appears in an outbox only while the delivery that
        causes it is unhandled, and is published before it is marked sent."""
        before = [endpoint.relay.written(conversation) for endpoint in self._endpoints]
        if any(unsent for _, unsent in before) or self._queue.unsettled(conversation):
            return False
        after = [endpoint.relay.written(conversation)[0] for endpoint in self._endpoints]
        return after == [total for total, _ in before]

    def deliver(self) -> None:
        """Deliver in this process until nothing is left, waiting out retries that are due."""
        self._inline.run(until_idle=True)

    def worker(self, contexts: Sequence[str] | None = None) -> Worker:
        """A worker for the named contexts (all by default)."""
        self.storage.require_writable()
        unknown = set(contexts or ()) - set(self.contexts)
        if unknown:
            raise ValueError(f"no such context: {', '.join(sorted(unknown))}")
        chosen = list(contexts) if contexts else None
        return worker_for(self._endpoints, self._queue, self._worker_settings, chosen)

    def context_map(self) -> list[ContextMapEntry]:
        """Who publishes which integration event, and who reacts to it: read from the code."""
        entries = []
        for event_type, cls in sorted(registered_events().items()):
            subscribers = sorted(
                endpoint.name for endpoint in self._endpoints if cls in endpoint.consumer.reacts_to
            )
            entries.append(ContextMapEntry(cls.source, event_type, subscribers))
        return entries

    @property
    def operations(self) -> QueueOperations:
        return self._queue

    def outbox_backlog(self) -> dict[str, int]:
        """Messages written by each context and not yet sent to the queue."""
        return {endpoint.name: endpoint.relay.backlog() for endpoint in self._endpoints}

    def close(self) -> None:
        for database in self._databases:
            database.engine.dispose()
        close_queue = getattr(self._queue, "close", None)
        if close_queue is not None:
            close_queue()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@attrs.frozen
class ContextMapEntry:
    publisher: str
    event_type: str
    subscribers: list[str]


class CoreModule(injector.Module):
    """Settings and the message bus that every context's handlers join."""

    def __init__(self, settings: Settings, storage: Storage) -> None:
        self._settings = settings
        self._storage = storage

    @injector.provider
    def settings(self) -> Settings:
        return self._settings

    @injector.provider
    def storage(self) -> Storage:
        return self._storage

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
        return Tessera(
            self._settings, self._storage, bus, databases, endpoints, queue, worker_settings
        )


CONTEXT_MODULES: tuple[type[injector.Module], ...] = (
    CatalogModule,
    InventoryModule,
    OrderingModule,
    PaymentsModule,
    ShippingModule,
)


def bootstrap(settings: Settings | None = None, queue: Queue | None = None) -> Tessera:
    """Wire every context for the given settings (default: from the environment), on the
    topology's queue unless another is given, over a shop that `setup` has prepared.

    A data directory that cannot be written is opened for reading: queries work, and
    commands are refused with StorageUnavailable."""
    chosen = settings or Settings.from_environment()
    if chosen.data_dir is None:
        return _wire(chosen, Storage.in_memory(), queue)
    return _wire(chosen, Storage.open(chosen.data_dir), queue)


def setup(settings: Settings | None = None) -> None:
    """Prepare a shop, as `tessera db setup` does: create the data directory, every
    context's database and the queue, and bind the subscriptions. Running it again on a
    prepared shop changes nothing."""
    chosen = settings or Settings.from_environment()
    if chosen.data_dir is not None:
        _wire(chosen, Storage.create(chosen.data_dir), None).close()


def _wire(settings: Settings, storage: Storage, queue: Queue | None) -> Tessera:
    modules: list[injector.Module] = [CoreModule(settings, storage), MessagingModule(queue)]
    modules += [module() for module in CONTEXT_MODULES]
    return injector.Injector(modules, auto_bind=False).get(Tessera)
