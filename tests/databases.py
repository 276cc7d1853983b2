"""Catalog's and inventory's own SQLite files, opened as their adapters open them."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import sqlalchemy
from psycopg import pq

from tessera.adapters.catalog.orm import metadata as catalog_metadata
from tessera.adapters.catalog.orm import start_mappers as map_catalog
from tessera.adapters.catalog.unit_of_work import SqlAlchemyCatalogUnitOfWork
from tessera.adapters.inventory.orm import metadata as inventory_metadata
from tessera.adapters.inventory.orm import start_mappers as map_inventory
from tessera.adapters.inventory.unit_of_work import SqlAlchemyInventoryUnitOfWork
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.settings import Settings
from tessera.application.catalog.publishing import integration_events as catalog_events
from tessera.application.inventory.publishing import integration_events as inventory_events


def open_catalog(settings: Settings) -> ContextDatabase:
    map_catalog()
    where = settings.database_for("catalog")
    return ContextDatabase.open("catalog", catalog_metadata, storage(settings), where)


def open_inventory(settings: Settings) -> ContextDatabase:
    map_inventory()
    where = settings.database_for("inventory")
    return ContextDatabase.open("inventory", inventory_metadata, storage(settings), where)


def storage(settings: Settings) -> DataDirectory:
    """The settings' data directory, made if missing, as `tessera db setup` makes it."""
    assert settings.data_dir is not None
    return DataDirectory.create(settings.data_dir)


def catalog_uow(database: ContextDatabase) -> SqlAlchemyCatalogUnitOfWork:
    return SqlAlchemyCatalogUnitOfWork(database.engine, database.tables, catalog_events)


def inventory_uow(database: ContextDatabase) -> SqlAlchemyInventoryUnitOfWork:
    return SqlAlchemyInventoryUnitOfWork(database.engine, database.tables, inventory_events)


class Recorded(Sequence[str]):
    """The statements a database was sent, in the order each connection sent them.

    On SQLite as it ran them (sqlite3's trace callback). On PostgreSQL as libpq sent them,
    whichever path in Tessera issued them (SQLAlchemy, psycopg's cursors, or the prepared
    statements it sends on libpq's pipeline directly): from each connection's protocol trace,
    every simple query and every execution of a parsed statement (a Bind), by its text."""

    def __init__(self) -> None:
        self.run: list[str] = []
        self._traces: list[Path] = []
        self._scratch = Path(tempfile.mkdtemp(prefix="tessera-trace-"))
        atexit.register(shutil.rmtree, self._scratch, True)

    def trace(self, driver: Any) -> None:
        path = self._scratch / f"{len(self._traces)}.trace"
        self._traces.append(path)
        with path.open("w") as stream:  # libpq writes through a duplicate of the descriptor
            driver.pgconn.trace(os.dup(stream.fileno()))
        driver.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    def _sent(self) -> list[str]:
        if not self._traces:
            return list(self.run)
        statements: list[str] = []
        for trace in self.traces():
            parsed: dict[str, str] = {}
            for kind, rest in _MESSAGE.findall(trace):
                if kind == "Query":
                    statements.append(rest.strip()[1:-1])
                elif kind == "Parse" and (found := _PARSE.match(rest)):
                    parsed[found["name"]] = found["sql"]
                elif kind == "Bind" and (found := _BIND.match(rest)):
                    statements.append(parsed.get(found["statement"], "?"))
        return statements

    def traces(self) -> list[str]:
        """Each connection's protocol trace, as libpq wrote it (PostgreSQL)."""
        return [path.read_text() for path in self._traces]

    def round_trips(self) -> int:
        """How many times a connection sent something and waited for the answer (PostgreSQL):
        its Syncs and simple queries."""
        kinds = [kind for trace in self.traces() for kind, _ in _MESSAGE.findall(trace)]
        return sum(kind in ("Sync", "Query") for kind in kinds)

    def __len__(self) -> int:
        return len(self._sent())

    def __iter__(self) -> Iterator[str]:
        return iter(self._sent())  # read once, not once an item

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._sent()[index]


_MESSAGE = re.compile(r"^F\t\d+\t(\w+)(.*?)(?=^[FB]\t\d+\t|\Z)", re.MULTILINE | re.DOTALL)
"""A message the client sent, in a libpq trace: its kind and what follows, to the next."""
_PARSE = re.compile(r'\t "(?P<name>[^"]*)" "(?P<sql>.*)" \d+', re.DOTALL)
_BIND = re.compile(r'\t "[^"]*" "(?P<statement>[^"]*)"')


def statements_run(database: ContextDatabase) -> Recorded:
    """Every statement the database runs from now on, on every connection opened from now on
    (`Recorded`)."""
    recorded = Recorded()
    database.engine.dispose()
    if database.engine.dialect.name == "sqlite":
        sqlalchemy.event.listen(
            database.engine,
            "connect",
            lambda driver, _: driver.set_trace_callback(recorded.run.append),
        )
        return recorded
    sqlalchemy.event.listen(database.engine, "connect", lambda driver, _: recorded.trace(driver))
    return recorded
