"""Parcels, through the carrier: shipping, as the composition root wires it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from tessera.adapters.shipping.orm import metadata, start_mappers
from tessera.adapters.shipping.unit_of_work import SqlAlchemyShippingUnitOfWork
from tessera.adapters.wiring import BoundedContext, Port
from tessera.application.contracts.shipping import SOURCE
from tessera.application.shipping.carrier import Carrier
from tessera.application.shipping.handlers import shipping_handlers
from tessera.application.shipping.publishing import integration_events
from tessera.application.shipping.subscriptions import shipping_reactions
from tessera.application.shipping.unit_of_work import ShippingUnitOfWork

CARRIER = Port("carrier", Carrier, default="tessera.adapters.shipping.test_carrier:TestCarrier")
"""Who takes the parcels: `TESSERA_CARRIER`; the test carrier unless a deployment names one."""


class ShippingPorts(Protocol):
    """What shipping reaches the outside world through."""

    @property
    def carrier(self) -> Carrier: ...


shipping: BoundedContext[ShippingUnitOfWork, ShippingPorts] = BoundedContext(
    name=SOURCE,
    metadata=metadata,
    map_classes=start_mappers,
    unit_of_work=SqlAlchemyShippingUnitOfWork,
    publishes=integration_events,
    handlers=lambda uow, ports: shipping_handlers(uow),
    reactions=lambda ports: shipping_reactions(ports.carrier),
    ports=(CARRIER,),
    migrations=Path(__file__).parent / "migrations",
)
