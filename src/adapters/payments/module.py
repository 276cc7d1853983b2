"""Payments's contribution to the composition root."""

from __future__ import annotations

from typing import Any

import injector

from adapters.messaging.module import ConsumerId, context_endpoint
from adapters.messaging.worker import ContextEndpoint
from adapters.payments.orm import metadata, start_mappers
from adapters.payments.test_gateway import TestPaymentGateway
from adapters.payments.unit_of_work import SqlAlchemyPaymentsUnitOfWork
from adapters.persistence.settings import ContextDatabase, Settings
from adapters.persistence.storage import Storage
from application.payments.gateway import PaymentGateway
from application.payments.handlers import payments_handlers
from application.payments.publishing import integration_events
from application.payments.subscriptions import payments_reactions
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.shared.bus import Handlers, Reactions
from application.shared.queue import MessageQueue


class PaymentsModule(injector.Module):
    """Binds payments's unit of work to its own database and registers its handlers."""

    @injector.singleton
    @injector.provider
    def database(self, storage: Storage) -> PaymentsDatabase:
        start_mappers()
        return PaymentsDatabase.open("payments", metadata, storage)

    @injector.provider
    def unit_of_work(self, database: PaymentsDatabase) -> PaymentsUnitOfWork:
        return SqlAlchemyPaymentsUnitOfWork(database.engine, database.tables, integration_events)

    @injector.multiprovider
    def handlers(self, uow: PaymentsUnitOfWork) -> Handlers:
        return payments_handlers(uow)

    @injector.multiprovider
    def endpoints(
        self,
        database: PaymentsDatabase,
        uow: PaymentsUnitOfWork,
        queue: MessageQueue,
        settings: Settings,
        consumer_id: ConsumerId,
        gateway: PaymentGateway,
    ) -> list[ContextEndpoint]:
        reactions: Reactions[Any] = payments_reactions(gateway)
        return [context_endpoint(database, uow, reactions, queue, settings, consumer_id)]

    @injector.singleton
    @injector.provider
    def gateway(self, storage: Storage) -> PaymentGateway:
        return TestPaymentGateway(storage.path("test-gateway"))

    @injector.multiprovider
    def databases(self, database: PaymentsDatabase) -> list[ContextDatabase]:
        return [database]


class PaymentsDatabase(ContextDatabase):
    """Payments's own database, as a distinct type so that injector can tell them apart."""
