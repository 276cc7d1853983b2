"""The catalog's contribution to the composition root."""

from __future__ import annotations

from typing import Any

import injector

from adapters.catalog.orm import metadata, start_mappers
from adapters.catalog.unit_of_work import SqlAlchemyCatalogUnitOfWork
from adapters.messaging.module import ConsumerId, context_endpoint
from adapters.messaging.worker import ContextEndpoint
from adapters.persistence.settings import ContextDatabase, Settings
from adapters.persistence.storage import Storage
from application.catalog.handlers import catalog_handlers
from application.catalog.publishing import integration_events
from application.catalog.subscriptions import catalog_reactions
from application.catalog.unit_of_work import CatalogUnitOfWork
from application.shared.bus import Handlers, Reactions
from application.shared.queue import MessageQueue


class CatalogModule(injector.Module):
    """Binds the catalog's unit of work to its own database and registers its handlers."""

    @injector.singleton
    @injector.provider
    def database(self, storage: Storage) -> CatalogDatabase:
        start_mappers()
        return CatalogDatabase.open("catalog", metadata, storage)

    @injector.provider
    def unit_of_work(self, database: CatalogDatabase) -> CatalogUnitOfWork:
        return SqlAlchemyCatalogUnitOfWork(database.engine, database.tables, integration_events)

    @injector.multiprovider
    def handlers(self, uow: CatalogUnitOfWork) -> Handlers:
        return catalog_handlers(uow)

    @injector.multiprovider
    def endpoints(
        self,
        database: CatalogDatabase,
        uow: CatalogUnitOfWork,
        queue: MessageQueue,
        settings: Settings,
        consumer_id: ConsumerId,
    ) -> list[ContextEndpoint]:
        reactions: Reactions[Any] = catalog_reactions()
        return [context_endpoint(database, uow, reactions, queue, settings, consumer_id)]

    @injector.multiprovider
    def databases(self, database: CatalogDatabase) -> list[ContextDatabase]:
        return [database]


class CatalogDatabase(ContextDatabase):
    """The catalog's own database, as a distinct type so that injector can tell them apart."""
