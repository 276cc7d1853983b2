"""Orders, their price list and their saga: ordering, as the root wires it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from tessera.adapters.ordering.orm import metadata, start_mappers
from tessera.adapters.ordering.unit_of_work import SqlAlchemyOrderingUnitOfWork
from tessera.adapters.wiring import CLOCK, Ask, BoundedContext
from tessera.application.contracts.ordering import SOURCE
from tessera.application.ordering.handlers import ordering_handlers
from tessera.application.ordering.publishing import integration_events
from tessera.application.ordering.queries import GetOrder, OrderView
from tessera.application.ordering.subscriptions import ordering_reactions
from tessera.application.ordering.unit_of_work import OrderingUnitOfWork
from tessera.application.shared.clock import Clock
from tessera.domain.shared.errors import BusinessRuleViolation, NotFound

WAITING = ("pending", "awaiting_payment", "paid")
"""An order in these waits for the saga's next message, holding stock or money meanwhile."""


class OrderingPorts(Protocol):
    """What ordering reaches the outside world through."""

    @property
    def clock(self) -> Clock: ...


def order_named(name: str, ask: Ask) -> OrderView | None:
    """The order a person names: by its number, its id, or the start of its id."""
    try:
        found: OrderView = ask(GetOrder(name))
    except (NotFound, BusinessRuleViolation):
        return None
    return found


def order_id_named(name: str, ask: Ask) -> str | None:
    order = order_named(name, ask)
    return None if order is None else str(order.id)


def waiting_order(order_id: str, ask: Ask) -> str | None:
    """An order that waited on a discarded message waits for good: say how to end it."""
    order = order_named(order_id, ask)
    if order is None or order.status not in WAITING:
        return None
    return (
        f"order {order.number} ({order.id}) waited on it and stays {order.status};"
        f" 'tessera orders cancel {order.number} --operator' cancels it and gives back"
        " what it holds"
    )


ordering: BoundedContext[OrderingUnitOfWork, OrderingPorts] = BoundedContext(
    name=SOURCE,
    metadata=metadata,
    map_classes=start_mappers,
    unit_of_work=SqlAlchemyOrderingUnitOfWork,
    publishes=integration_events,
    handlers=lambda uow, ports: ordering_handlers(uow, ports.clock),
    reactions=lambda ports: ordering_reactions(ports.clock),
    ports=(CLOCK,),
    names=order_id_named,
    after_discard=waiting_order,
    migrations=Path(__file__).parent / "migrations",
)
