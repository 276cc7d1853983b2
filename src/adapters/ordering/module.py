"""Ordering's contribution to the composition root."""

from __future__ import annotations

from typing import Any

import injector

from adapters.messaging.module import ConsumerId, context_endpoint
from adapters.messaging.worker import ContextEndpoint
from adapters.ordering.orm import metadata, start_mappers
from adapters.ordering.unit_of_work import SqlAlchemyOrderingUnitOfWork
from adapters.persistence.settings import ContextDatabase, Settings
from adapters.persistence.storage import Storage
from application.ordering.handlers import ordering_handlers
from application.ordering.publishing import integration_events
from application.ordering.subscriptions import ordering_reactions
from application.ordering.unit_of_work import OrderingUnitOfWork
from application.shared.bus import Handlers, Reactions
from application.shared.queue import MessageQueue


class OrderingModule(injector.Module):
    """Binds ordering's unit of work to its own database and registers its handlers."""

    @injector.singleton
    @injector.provider
    def database(self, storage: Storage) -> OrderingDatabase:
        start_mappers()
        return OrderingDatabase.open("ordering", metadata, storage)

    @injector.provider
    def unit_of_work(self, database: OrderingDatabase) -> OrderingUnitOfWork:
        return SqlAlchemyOrderingUnitOfWork(database.engine, database.tables, integration_events)

    @injector.multiprovider
    def handlers(self, uow: OrderingUnitOfWork) -> Handlers:
        return ordering_handlers(uow)

    @injector.multiprovider
    def endpoints(
        self,
        database: OrderingDatabase,
        uow: OrderingUnitOfWork,
        queue: MessageQueue,
        settings: Settings,
        consumer_id: ConsumerId,
    ) -> list[ContextEndpoint]:
        reactions: Reactions[Any] = ordering_reactions()
        return [context_endpoint(database, uow, reactions, queue, settings, consumer_id)]

    @injector.multiprovider
    def databases(self, database: OrderingDatabase) -> list[ContextDatabase]:
        return [database]


class OrderingDatabase(ContextDatabase):
    """Ordering's own database, as a distinct type so that injector can tell them apart."""
