"""The message queue of the chosen topology, and the worker over the contexts' endpoints."""

from __future__ import annotations

import os
import socket
import uuid

import injector

from tessera.adapters.messaging.consumer import Consumer
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.operations import QueueOperations
from tessera.adapters.messaging.queue import MessageQueue, Queue
from tessera.adapters.messaging.relay import OutboxRelay
from tessera.adapters.messaging.sqlite_queue import SqliteQueue
from tessera.adapters.messaging.worker import ContextEndpoint, Worker, WorkerSettings
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.settings import Settings, broker_user, broker_user_and_vhost
from tessera.application.shared.bus import Reactions
from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.application.shared.integration import registered_events


class MessagingModule(injector.Module):
    """The queue: the one given to `bootstrap`, else the topology's own."""

    def __init__(self, queue: Queue | None = None) -> None:
        self._queue = queue

    @injector.singleton
    @injector.provider
    def queue(self, storage: DataDirectory, settings: Settings) -> Queue:
        if self._queue is not None:
            return self._queue
        if settings.on_broker:
            return _broker(settings)
        path = storage.require("queue")
        if path is None:
            return InMemoryQueue()
        return SqliteQueue(path, read_only=not storage.writable, create=storage.creates)

    @injector.provider
    def message_queue(self, queue: Queue) -> MessageQueue:
        return queue

    @injector.provider
    def operations(self, queue: Queue) -> QueueOperations:
        return queue

    @injector.provider
    def worker_settings(self, settings: Settings) -> WorkerSettings:
        return WorkerSettings(
            settings.batch_size, settings.poll_seconds, settings.retention_seconds, settings.retry
        )

    @injector.singleton
    @injector.provider
    def consumer_id(self) -> ConsumerId:
        return ConsumerId(f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}")


class ConsumerId(str):
    """Who holds a lease: host, process and a random part."""


def _broker(settings: Settings) -> Queue:
    """RabbitMQ: one connection as the URL's user; or, where contexts have users of their own,
    one connection per context (and the shared URL's for the rest and the operator's views),
    each believing a context's events only from that context's user."""
    from tessera.adapters.messaging.rabbitmq import ContextBrokers, RabbitQueue

    retry = settings.retry
    delays = [retry.delay_after(n) for n in range(1, retry.max_attempts)]
    timeout = settings.connect_timeout_seconds
    if not settings.broker_urls:
        assert settings.broker_url is not None
        return RabbitQueue(settings.broker_url, delays, connect_timeout=timeout)
    _, vhost = broker_user_and_vhost(next(iter(settings.broker_urls.values())))
    sources = {cls.source for cls in registered_events().values()}
    publishers = {source: broker_user(vhost, source) for source in sources}

    def queue(url: str) -> RabbitQueue:
        return RabbitQueue(url, delays, connect_timeout=timeout, publishers=publishers)

    shared = None if settings.broker_url is None else queue(settings.broker_url)
    return ContextBrokers({c: queue(url) for c, url in settings.broker_urls.items()}, shared)


def context_endpoint(
    database: ContextDatabase,
    uow: ConsumingUnitOfWork,
    reactions: Reactions[ConsumingUnitOfWork],
    queue: MessageQueue,
    settings: Settings,
    consumer_id: ConsumerId,
) -> ContextEndpoint:
    """A context's relay and consumer; binds its subscription to the contexts it listens to."""
    consumer = Consumer(
        database.name, queue, uow, reactions, settings.retry, settings.lease_seconds, consumer_id
    )
    queue.bind(
        consumer.subscription,
        consumer.sources,
        consumer.ignores,
        [cls.event_type for cls in consumer.reacts_to],  # type: ignore[attr-defined]
    )
    relay = OutboxRelay(database, queue, settings.batch_size)
    return ContextEndpoint(database.name, relay, consumer)


def worker_for(
    endpoints: list[ContextEndpoint],
    queue: Queue,
    settings: WorkerSettings,
    contexts: list[str] | None = None,
) -> Worker:
    chosen = [e for e in endpoints if contexts is None or e.name in contexts]
    return Worker(chosen, queue, queue, settings)
