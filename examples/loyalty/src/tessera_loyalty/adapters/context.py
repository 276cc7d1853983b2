"""Loyalty, declared to Tessera's composition root: the entry point `tessera.contexts` names
this value, and an installed Tessera wires it as it wires its own contexts."""

from __future__ import annotations

from typing import Protocol

from tessera.adapters.wiring import BoundedContext, Port
from tessera_loyalty.adapters.orm import metadata, start_mappers
from tessera_loyalty.adapters.unit_of_work import SqlAlchemyLoyaltyUnitOfWork
from tessera_loyalty.application.contracts import SOURCE
from tessera_loyalty.application.handlers import loyalty_handlers
from tessera_loyalty.application.notifier import Notifier
from tessera_loyalty.application.publishing import integration_events
from tessera_loyalty.application.subscriptions import loyalty_reactions
from tessera_loyalty.application.unit_of_work import LoyaltyUnitOfWork

NOTIFIER = Port(
    "loyalty_notifier", Notifier, default="tessera_loyalty.adapters.notifier:LoggedNotifier"
)
"""How customers hear of their points: `TESSERA_LOYALTY_NOTIFIER=package.module:factory`."""


class LoyaltyPorts(Protocol):
    """What loyalty reaches the outside world through."""

    @property
    def loyalty_notifier(self) -> Notifier: ...


loyalty: BoundedContext[LoyaltyUnitOfWork, LoyaltyPorts] = BoundedContext(
    name=SOURCE,
    metadata=metadata,
    map_classes=start_mappers,
    unit_of_work=SqlAlchemyLoyaltyUnitOfWork,
    publishes=integration_events,
    handlers=lambda uow, ports: loyalty_handlers(uow),
    reactions=lambda ports: loyalty_reactions(ports.loyalty_notifier),
    ports=(NOTIFIER,),
)
