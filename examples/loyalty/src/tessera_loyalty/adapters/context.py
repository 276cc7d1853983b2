"""Loyalty, declared to Tessera's composition root: the entry point `tessera.contexts` names
this value, and an installed Tessera wires it as it wires its own contexts."""

from __future__ import annotations

from tessera.adapters.wiring import BoundedContext
from tessera_loyalty.adapters.orm import metadata, start_mappers
from tessera_loyalty.adapters.unit_of_work import SqlAlchemyLoyaltyUnitOfWork
from tessera_loyalty.application.contracts import SOURCE
from tessera_loyalty.application.handlers import loyalty_handlers
from tessera_loyalty.application.publishing import integration_events
from tessera_loyalty.application.subscriptions import loyalty_reactions
from tessera_loyalty.application.unit_of_work import LoyaltyUnitOfWork

loyalty: BoundedContext[LoyaltyUnitOfWork, object] = BoundedContext(
    name=SOURCE,
    metadata=metadata,
    map_classes=start_mappers,
    unit_of_work=SqlAlchemyLoyaltyUnitOfWork,
    publishes=integration_events,
    handlers=lambda uow, ports: loyalty_handlers(uow),
    reactions=lambda ports: loyalty_reactions(),
)
