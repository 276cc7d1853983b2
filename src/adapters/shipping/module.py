"""Shipping's contribution to the composition root."""

from __future__ import annotations

from typing import Any

import injector

from adapters.messaging.module import ConsumerId, context_endpoint
from adapters.messaging.worker import ContextEndpoint
from adapters.persistence.settings import ContextDatabase, Settings
from adapters.persistence.storage import Storage
from adapters.shipping.orm import metadata, start_mappers
from adapters.shipping.test_carrier import TestCarrier
from adapters.shipping.unit_of_work import SqlAlchemyShippingUnitOfWork
from application.shared.bus import Handlers, Reactions
from application.shared.queue import MessageQueue
from application.shipping.carrier import Carrier
from application.shipping.handlers import shipping_handlers
from application.shipping.publishing import integration_events
from application.shipping.subscriptions import shipping_reactions
from application.shipping.unit_of_work import ShippingUnitOfWork


class ShippingModule(injector.Module):
    """Binds shipping's unit of work to its own database and registers its handlers."""

    @injector.singleton
    @injector.provider
    def database(self, storage: Storage) -> ShippingDatabase:
        start_mappers()
        return ShippingDatabase.open("shipping", metadata, storage)

    @injector.provider
    def unit_of_work(self, database: ShippingDatabase) -> ShippingUnitOfWork:
        return SqlAlchemyShippingUnitOfWork(database.engine, database.tables, integration_events)

    @injector.multiprovider
    def handlers(self, uow: ShippingUnitOfWork) -> Handlers:
        return shipping_handlers(uow)

    @injector.multiprovider
    def endpoints(
        self,
        database: ShippingDatabase,
        uow: ShippingUnitOfWork,
        queue: MessageQueue,
        settings: Settings,
        consumer_id: ConsumerId,
        carrier: Carrier,
    ) -> list[ContextEndpoint]:
        reactions: Reactions[Any] = shipping_reactions(carrier)
        return [context_endpoint(database, uow, reactions, queue, settings, consumer_id)]

    @injector.singleton
    @injector.provider
    def carrier(self) -> Carrier:
        return TestCarrier()

    @injector.multiprovider
    def databases(self, database: ShippingDatabase) -> list[ContextDatabase]:
        return [database]


class ShippingDatabase(ContextDatabase):
    """Shipping's own database, as a distinct type so that injector can tell them apart."""
