"""What is for sale and at what price: the catalog, as the root wires it."""

from __future__ import annotations

from pathlib import Path

from tessera.adapters.catalog.orm import metadata, start_mappers
from tessera.adapters.catalog.unit_of_work import SqlAlchemyCatalogUnitOfWork
from tessera.adapters.wiring import BoundedContext
from tessera.application.catalog.handlers import catalog_handlers
from tessera.application.catalog.publishing import integration_events
from tessera.application.catalog.subscriptions import catalog_reactions
from tessera.application.catalog.unit_of_work import CatalogUnitOfWork
from tessera.application.contracts.catalog import SOURCE

catalog: BoundedContext[CatalogUnitOfWork, object] = BoundedContext(
    name=SOURCE,
    metadata=metadata,
    map_classes=start_mappers,
    unit_of_work=SqlAlchemyCatalogUnitOfWork,
    publishes=integration_events,
    handlers=lambda uow, ports: catalog_handlers(uow),
    reactions=lambda ports: catalog_reactions(),
    migrations=Path(__file__).parent / "migrations",
)
