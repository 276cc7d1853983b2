"""One context's own database, with its outbox and inbox beside its aggregates."""

from __future__ import annotations

from pathlib import Path
from typing import Self

import attrs
from sqlalchemy import Engine, MetaData
from sqlalchemy.engine import URL

from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.persistence.database import (
    check_schema,
    checked_on_first_use,
    connect_failures_named,
    create_schema,
    sqlite_engine,
)
from tessera.adapters.persistence.messaging_tables import MessagingTables, messaging_tables
from tessera.adapters.persistence.migrations import Migrations


@attrs.define
class ContextDatabase:
    """One context's own database, with its outbox and inbox beside its aggregates."""

    name: str
    engine: Engine
    tables: MessagingTables
    migrations: Migrations | None = None
    """Its revisions; None for a context that ships none, whose tables are made from its
    metadata and checked column by column."""

    @classmethod
    def connect(
        cls,
        name: str,
        metadata: MetaData,
        storage: DataDirectory,
        url: URL | None = None,
        migrations: Path | None = None,
    ) -> Self:
        """The context's database as it is, neither checked nor changed: its SQLite file in
        the storage, or its schema on the PostgreSQL server at `url`."""
        tables = messaging_tables(metadata)
        if url is None:
            engine = sqlite_engine(storage.require(name), read_only=not storage.writable)
        else:
            from tessera.adapters.persistence import postgres

            engine = postgres.context_engine(url, name)
        connect_failures_named(engine)
        found = None if migrations is None else Migrations(name, migrations, metadata)
        return cls(name, engine, tables, found)

    def reach(self) -> None:
        """Connect now, and check the schema if not yet checked: what a worker does at start."""
        with self.engine.connect():
            pass

    @classmethod
    def open(
        cls,
        name: str,
        metadata: MetaData,
        storage: DataDirectory,
        url: URL | None = None,
        migrations: Path | None = None,
    ) -> Self:
        """The context's database, refused unless its schema is the code's. Only a storage
        that creates a shop makes what is missing: in memory straight from the metadata,
        elsewhere by running the revisions on an empty database."""
        database = cls.connect(name, metadata, storage, url, migrations)
        engine, found = database.engine, database.migrations
        if not storage.creates:  # checked when first used: a process opens what it uses
            if found is None or storage.data_dir is None:
                checked_on_first_use(engine, lambda connection: check_schema(connection, metadata))
            else:
                checked_on_first_use(engine, found.check)
            return database
        if found is None or storage.data_dir is None:
            create_schema(engine, metadata)
        else:
            found.prepare(engine)
        if url is not None:
            engine.dispose()  # the set-up's connection is not kept: a process holds what it uses
        return database
