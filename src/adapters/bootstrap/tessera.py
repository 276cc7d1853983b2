"""The running Tessera: the one object a caller sends commands and queries to."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, overload

import attrs
from sqlalchemy.exc import DBAPIError

from tessera.adapters.messaging.kept_by_the_contexts import KeptByTheContexts
from tessera.adapters.messaging.module import worker_for
from tessera.adapters.messaging.operations import QueueOperations
from tessera.adapters.messaging.queue import Queue
from tessera.adapters.messaging.worker import ContextEndpoint, Worker, WorkerSettings
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.persistence.database import StorageUnavailable, first_line
from tessera.adapters.settings import CONTEXTS_ENV, Settings
from tessera.adapters.wiring import BoundedContext, Port
from tessera.application.shared.bus import Command, MessageBus, Query, ResultT
from tessera.application.shared.envelope import Cause, caused_by, new_id
from tessera.application.shared.errors import UnknownMessage
from tessera.application.shared.integration import registered_events

if TYPE_CHECKING:
    from tessera.adapters.messaging.rabbitmq import BrokerGrants


class DeliveryPending(Exception):
    """A command's change is stored, and what it caused could not be delivered yet: its
    outbox keeps the messages, and a worker or the next command sends them. `result` is what
    the command returned; the same command again (with the same id) changes nothing."""

    def __init__(self, result: Any, why: str) -> None:
        super().__init__(f"stored; its delivery is pending: {why}")
        self.result = result
        self.why = why


class Tessera:
    """A running Tessera: send it commands and queries with `handle`."""

    def __init__(
        self,
        settings: Settings,
        storage: DataDirectory,
        bus: MessageBus,
        databases: list[ContextDatabase],
        endpoints: list[ContextEndpoint],
        queue: Queue,
        worker_settings: WorkerSettings,
        stand_ins: Mapping[str, Port] | None = None,
        running: Sequence[BoundedContext[Any, Any]] = (),
        not_set_up: Sequence[str] = (),
    ) -> None:
        self.settings = settings
        self._running = list(running)
        """The contexts this shop runs, whose hooks name their aggregates for operators."""
        self.not_set_up = list(not_set_up)
        """Contexts installed after the shop was made, left out until `db upgrade` adds them."""
        self.stand_ins = dict(stand_ins or {})
        """Each port bound to its stand-in default (a test adapter): what the deployment has
        not named."""
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

    @overload
    def handle(self, message: Command[ResultT]) -> ResultT: ...

    @overload
    def handle(self, message: Query[ResultT]) -> ResultT: ...

    @overload
    def handle(self, message: object) -> Any: ...

    def handle(self, message: object) -> Any:
        """Carry out a command or answer a query of any context: typed by what it is given
        (`handle(GetOrder(...))` is an `OrderView`); a team's own message classes that do not
        derive from `Command[R]` or `Query[R]` are answered as `Any`.

        A query only reads. A command starts a new conversation (correlation id); in one
        process, it returns once every message of that conversation has been handled or
        dead-lettered, whichever process handled it, delivering what is ready meanwhile, or
        once what is left waits for a retry; in the split topology, workers deliver them. A
        command whose change was stored and whose delivery failed raises DeliveryPending.
        """
        if not self._bus.handles(type(message)):
            pending = (
                f"; {', '.join(self.not_set_up)} installed and not yet part of it: run"
                " 'tessera db upgrade'"
                if self.not_set_up
                else ""
            )
            raise UnknownMessage(
                f"no context of this shop handles {type(message).__name__} (its contexts:"
                f" {', '.join(self.contexts) or 'none'}; {CONTEXTS_ENV} chooses them{pending})"
            )
        if isinstance(message, Query):
            return self._bus.handle(message)  # a read shows the state as it is, backlog and all
        self.storage.require_writable()
        conversation = new_id()
        with caused_by(Cause(correlation_id=conversation)):
            result = self._bus.handle(message)
        if self.settings.delivers_inline:
            try:
                self._settle(conversation)
            except (StorageUnavailable, DBAPIError) as failure:
                said = first_line(failure.orig) if isinstance(failure, DBAPIError) else failure
                raise DeliveryPending(result, str(said)) from None
            if isinstance(message, Command):
                return message.settled(result, self._bus.handle)
        return result

    def _settle(self, conversation: str) -> None:
        """Deliver until the conversation has settled, whoever delivers it (another process
        may have taken its messages, and they count until that process is done with them),
        or until all that is left of it waits for a retry: a reaction that failed is tried
        again on its schedule, by a worker or the next command, and never holds this one."""
        while True:
            waits_for_a_retry = conversation in self._inline.drain()
            if waits_for_a_retry or self._settled(conversation):
                return
            time.sleep(self._worker_settings.poll_seconds)

    def _settled(self, conversation: str) -> bool:
        """Nothing of the conversation is unsent or unhandled, and nothing new was written
        while this looked: a message appears in an outbox only while the delivery that
        causes it is unhandled, and is published before it is marked sent."""
        before = [endpoint.relay.written(conversation) for endpoint in self._endpoints]
        # What waits in a subscription no context of this process runs is another's to deliver.
        unsettled = self._queue.unsettled(conversation, self.contexts)
        if any(unsent for _, unsent in before) or unsettled:
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

    def reach(self, contexts: Sequence[str] | None = None) -> None:
        """Open the named contexts' databases now (all by default), checking each: a worker
        learns at start whether it can serve them; a command opens only what it uses."""
        for database in self._databases:
            if contexts is None or database.name in contexts:
                database.reach()

    def identify(self, name: str) -> str | None:
        """The aggregate id a name people use stands for (an order's number, the start of
        its id), as the context that knows the name says; None if none does."""
        for context in self._running:
            if context.names is not None and (found := context.names(name, self.handle)):
                return found
        return None

    def after_discard(self, subject: str) -> list[str]:
        """What the contexts say an operator should know once a message about `subject` was
        discarded for good."""
        said = [c.after_discard(subject, self.handle) for c in self._running if c.after_discard]
        return [line for line in said if line]

    def context_map(self) -> list[ContextMapEntry]:
        """Who publishes which integration event, and who reacts to it: read from the code."""
        entries = []
        for event_type, cls in sorted(registered_events().items()):
            subscribers = sorted(
                endpoint.name for endpoint in self._endpoints if cls in endpoint.consumer.reacts_to
            )
            entries.append(ContextMapEntry(cls.source, event_type, subscribers))
        return entries

    def readings(self) -> dict[str, dict[str, set[str]]]:
        """What each context reads of each event type it reacts to, field by field."""
        return {endpoint.name: endpoint.consumer.reads() for endpoint in self._endpoints}

    def broker_grants(self) -> dict[str, BrokerGrants]:
        """What each context's broker user may do: bind only the types it reacts to."""
        from tessera.adapters.messaging.rabbitmq import broker_grants  # kombu: on demand

        reads: dict[str, dict[str, str]] = {e.name: {} for e in self._endpoints}
        for entry in self.context_map():
            for subscriber in entry.subscribers:
                reads[subscriber][entry.event_type] = entry.publisher
        return {context: broker_grants(context, types) for context, types in reads.items()}

    def prepare_queue(self) -> None:
        """Reach the queue and make every subscription bound so far (a broker's queues and
        bindings, declared when it is reached); the queue file is made when it is opened."""
        if isinstance(self._queue, KeptByTheContexts):
            unread = [entry.event_type for entry in self.context_map() if not entry.subscribers]
            self._queue.declare(unread)

    @property
    def operations(self) -> QueueOperations:
        return self._queue

    def outbox_backlog(self) -> dict[str, int]:
        """Messages written by each context and not yet sent to the queue."""
        return {endpoint.name: endpoint.relay.backlog() for endpoint in self._endpoints}

    def close(self) -> None:
        for endpoint in self._endpoints:
            endpoint.relay.close()
        for database in self._databases:
            database.engine.dispose()
        self._queue.close()

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
