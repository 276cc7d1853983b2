"""The inventory's contribution to the composition root."""

from __future__ import annotations

from typing import Any

import injector

from adapters.inventory.orm import metadata, start_mappers
from adapters.inventory.unit_of_work import SqlAlchemyInventoryUnitOfWork
from adapters.messaging.module import ConsumerId, context_endpoint
from adapters.messaging.worker import ContextEndpoint
from adapters.persistence.settings import ContextDatabase, Settings
from adapters.persistence.storage import Storage
from application.inventory.handlers import inventory_handlers
from application.inventory.publishing import integration_events
from application.inventory.subscriptions import inventory_reactions
from application.inventory.unit_of_work import InventoryUnitOfWork
from application.shared.bus import Handlers, Reactions
from application.shared.queue import MessageQueue


class InventoryModule(injector.Module):
    """Binds the inventory's unit of work to its own database and registers its handlers."""

    @injector.singleton
    @injector.provider
    def database(self, storage: Storage) -> InventoryDatabase:
        start_mappers()
        return InventoryDatabase.open("inventory", metadata, storage)

    @injector.provider
    def unit_of_work(self, database: InventoryDatabase) -> InventoryUnitOfWork:
        return SqlAlchemyInventoryUnitOfWork(database.engine, database.tables, integration_events)

    @injector.multiprovider
    def handlers(self, uow: InventoryUnitOfWork) -> Handlers:
        return inventory_handlers(uow)

    @injector.multiprovider
    def endpoints(
        self,
        database: InventoryDatabase,
        uow: InventoryUnitOfWork,
        queue: MessageQueue,
        settings: Settings,
        consumer_id: ConsumerId,
    ) -> list[ContextEndpoint]:
        reactions: Reactions[Any] = inventory_reactions()
        return [context_endpoint(database, uow, reactions, queue, settings, consumer_id)]

    @injector.multiprovider
    def databases(self, database: InventoryDatabase) -> list[ContextDatabase]:
        return [database]


class InventoryDatabase(ContextDatabase):
    """The inventory's own database, as a distinct type so that injector can tell them apart."""
