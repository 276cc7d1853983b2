"""Stock, and what each order holds of it: inventory, as the root wires it."""

from __future__ import annotations

from pathlib import Path

from tessera.adapters.inventory.orm import metadata, start_mappers
from tessera.adapters.inventory.unit_of_work import SqlAlchemyInventoryUnitOfWork
from tessera.adapters.wiring import BoundedContext
from tessera.application.contracts.inventory import SOURCE
from tessera.application.inventory.handlers import inventory_handlers
from tessera.application.inventory.publishing import integration_events
from tessera.application.inventory.subscriptions import inventory_reactions
from tessera.application.inventory.unit_of_work import InventoryUnitOfWork

inventory: BoundedContext[InventoryUnitOfWork, object] = BoundedContext(
    name=SOURCE,
    metadata=metadata,
    map_classes=start_mappers,
    unit_of_work=SqlAlchemyInventoryUnitOfWork,
    publishes=integration_events,
    handlers=lambda uow, ports: inventory_handlers(uow),
    reactions=lambda ports: inventory_reactions(),
    migrations=Path(__file__).parent / "migrations",
)
