"""Orders, their price list and their saga: ordering, as the root wires it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from tessera.adapters.ordering.orm import metadata, start_mappers
from tessera.adapters.ordering.unit_of_work import SqlAlchemyOrderingUnitOfWork
from tessera.adapters.wiring import CLOCK, BoundedContext
from tessera.application.contracts.ordering import SOURCE
from tessera.application.ordering.handlers import ordering_handlers
from tessera.application.ordering.publishing import integration_events
from tessera.application.ordering.subscriptions import ordering_reactions
from tessera.application.ordering.unit_of_work import OrderingUnitOfWork
from tessera.application.shared.clock import Clock


class OrderingPorts(Protocol):
    """What ordering reaches the outside world through."""

    @property
    def clock(self) -> Clock: ...


ordering: BoundedContext[OrderingUnitOfWork, OrderingPorts] = BoundedContext(
    name=SOURCE,
    metadata=metadata,
    map_classes=start_mappers,
    unit_of_work=SqlAlchemyOrderingUnitOfWork,
    publishes=integration_events,
    handlers=lambda uow, ports: ordering_handlers(uow, ports.clock),
    reactions=lambda ports: ordering_reactions(ports.clock),
    ports=(CLOCK,),
    migrations=Path(__file__).parent / "migrations",
)
