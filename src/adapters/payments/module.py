"""Money taken and given back: payments, as the composition root wires it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from tessera.adapters.payments.orm import metadata, start_mappers
from tessera.adapters.payments.unit_of_work import SqlAlchemyPaymentsUnitOfWork
from tessera.adapters.wiring import BoundedContext, Port
from tessera.application.contracts.payments import SOURCE
from tessera.application.payments.gateway import PaymentGateway
from tessera.application.payments.handlers import payments_handlers
from tessera.application.payments.publishing import integration_events
from tessera.application.payments.subscriptions import payments_reactions
from tessera.application.payments.unit_of_work import PaymentsUnitOfWork

PAYMENT_GATEWAY = Port(
    "payment_gateway",
    PaymentGateway,
    default="tessera.adapters.payments.test_gateway:from_settings",
)
"""What moves the money: `TESSERA_PAYMENT_GATEWAY`; the test gateway unless a deployment names
one."""


class PaymentsPorts(Protocol):
    """What payments reaches the outside world through."""

    @property
    def payment_gateway(self) -> PaymentGateway: ...


payments: BoundedContext[PaymentsUnitOfWork, PaymentsPorts] = BoundedContext(
    name=SOURCE,
    metadata=metadata,
    map_classes=start_mappers,
    unit_of_work=SqlAlchemyPaymentsUnitOfWork,
    publishes=integration_events,
    handlers=lambda uow, ports: payments_handlers(uow),
    reactions=lambda ports: payments_reactions(ports.payment_gateway),
    ports=(PAYMENT_GATEWAY,),
    migrations=Path(__file__).parent / "migrations",
)
