"""Catalog's and inventory's own SQLite files, opened as their adapters open them."""

from __future__ import annotations

from typing import Any, Self

import psycopg
import sqlalchemy

from adapters.catalog.orm import metadata as catalog_metadata
from adapters.catalog.orm import start_mappers as map_catalog
from adapters.catalog.unit_of_work import SqlAlchemyCatalogUnitOfWork
from adapters.inventory.orm import metadata as inventory_metadata
from adapters.inventory.orm import start_mappers as map_inventory
from adapters.inventory.unit_of_work import SqlAlchemyInventoryUnitOfWork
from adapters.persistence.settings import ContextDatabase, Settings
from adapters.persistence.storage import Storage
from application.catalog.publishing import integration_events as catalog_events
from application.inventory.publishing import integration_events as inventory_events


def open_catalog(settings: Settings) -> ContextDatabase:
    map_catalog()
    where = settings.database_for("catalog")
    return ContextDatabase.open("catalog", catalog_metadata, storage(settings), where)


def open_inventory(settings: Settings) -> ContextDatabase:
    map_inventory()
    where = settings.database_for("inventory")
    return ContextDatabase.open("inventory", inventory_metadata, storage(settings), where)


def storage(settings: Settings) -> Storage:
    """The settings' data directory, made if missing, as `tessera db setup` makes it."""
    assert settings.data_dir is not None
    return Storage.create(settings.data_dir)


def catalog_uow(database: ContextDatabase) -> SqlAlchemyCatalogUnitOfWork:
    return SqlAlchemyCatalogUnitOfWork(database.engine, database.tables, catalog_events)


def inventory_uow(database: ContextDatabase) -> SqlAlchemyInventoryUnitOfWork:
    return SqlAlchemyInventoryUnitOfWork(database.engine, database.tables, inventory_events)


def statements_run(database: ContextDatabase) -> list[str]:
    """Every statement the database runs from now on, whichever path in Tessera issued it
    (SQLAlchemy, or the prepared statements run on the driver's cursor), on every connection
    opened from now on: on SQLite as it ran it (sqlite3's trace callback); on PostgreSQL as
    it was sent (every cursor psycopg makes records what it executes)."""
    statements: list[str] = []
    database.engine.dispose()
    if database.engine.dialect.name == "sqlite":
        sqlalchemy.event.listen(
            database.engine,
            "connect",
            lambda driver, _: driver.set_trace_callback(statements.append),
        )
        return statements

    class Recording(psycopg.Cursor[Any]):
        def execute(self, query: Any, *args: Any, **kwargs: Any) -> Self:
            statements.append(str(query))
            return super().execute(query, *args, **kwargs)

        def executemany(self, query: Any, *args: Any, **kwargs: Any) -> None:
            statements.append(str(query))
            super().executemany(query, *args, **kwargs)

    def recording(driver: Any, _: Any) -> None:
        driver.cursor_factory = Recording

    sqlalchemy.event.listen(database.engine, "connect", recording)
    return statements
