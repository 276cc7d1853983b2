"""The catalog's contribution to the composition root."""

from __future__ import annotations

import injector

from adapters.catalog.orm import metadata, start_mappers
from adapters.catalog.unit_of_work import SqlAlchemyCatalogUnitOfWork
from adapters.persistence.settings import ContextDatabase, Settings
from application.catalog.handlers import catalog_handlers
from application.catalog.unit_of_work import CatalogUnitOfWork
from application.shared.bus import Handlers


class CatalogModule(injector.Module):
    """Binds the catalog's unit of work to its own database and registers its handlers."""

    @injector.singleton
    @injector.provider
    def database(self, settings: Settings) -> CatalogDatabase:
        start_mappers()
        return CatalogDatabase.open("catalog", metadata, settings)

    @injector.provider
    def unit_of_work(self, database: CatalogDatabase) -> CatalogUnitOfWork:
        return SqlAlchemyCatalogUnitOfWork(database.engine)

    @injector.multiprovider
    def handlers(self, uow: CatalogUnitOfWork) -> Handlers:
        return catalog_handlers(uow)

    @injector.multiprovider
    def databases(self, database: CatalogDatabase) -> list[ContextDatabase]:
        return [database]


class CatalogDatabase(ContextDatabase):
    """The catalog's own database, as a distinct type so that injector can tell them apart."""
