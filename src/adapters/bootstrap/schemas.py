"""Where each context's schema stands against its code, and moving it on: `tessera db
status` and `tessera db upgrade`. Neither wires the contexts: a shop behind its code, which
every other command refuses, is what they are for."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from tessera.adapters.bootstrap.root import all_contexts, provision
from tessera.adapters.messaging.sqlite_queue import HEAD as QUEUE_HEAD
from tessera.adapters.messaging.sqlite_queue import SqliteQueue
from tessera.adapters.persistence import postgres
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.persistence.database import (
    NotSetUp,
    StorageUnavailable,
    check_schema,
    create_schema,
)
from tessera.adapters.persistence.migrations import Migrations
from tessera.adapters.settings import Settings, UnusableSettings
from tessera.adapters.wiring import BoundedContext


@attrs.frozen
class SchemaStatus:
    """One context's schema: where it lives, its revision and the code's."""

    context: str
    database: str
    """Its SQLite file, or the PostgreSQL server and database it is on."""
    schema: str | None
    """Its PostgreSQL schema; None on SQLite (the file is the context's own)."""
    role: str | None
    """The PostgreSQL role it connects as; None on SQLite."""
    revision: str | None
    head: str | None
    """None for a context that ships no revisions (its tables are checked by column)."""
    up_to_date: bool


QUEUE = "queue file"
"""What `upgrade` names the queue file by, beside the contexts."""


@attrs.frozen
class Upgraded:
    context: str
    before: str | None
    after: str | None


def status(
    settings: Settings | None = None,
    *,
    only: Sequence[str] = (),
    contexts: Sequence[BoundedContext[Any, Any]] = (),
    discover: bool = True,
) -> list[SchemaStatus]:
    """Every context's schema against its code, and the queue file's. Reads only: nothing is
    made or moved."""
    chosen = settings or Settings.from_environment()
    found = []
    queue = _queue_file(chosen)
    if queue is not None and not only:
        at = SqliteQueue.revision_of(queue)
        found.append(SchemaStatus(QUEUE, str(queue), None, None, at, QUEUE_HEAD, at == QUEUE_HEAD))
    for context, database in _databases(chosen, only, contexts, discover):
        if database is None:  # a file not made yet: installed after the shop was made
            found.append(_missing(chosen, context))
            continue
        try:
            found.append(_status(chosen, context, database))
        except NotSetUp:  # on a server: its role or schema not made yet
            found.append(_missing(chosen, context))
        finally:
            database.engine.dispose()
    return found


def upgrade(
    settings: Settings | None = None,
    *,
    only: Sequence[str] = (),
    contexts: Sequence[BoundedContext[Any, Any]] = (),
    discover: bool = True,
) -> list[Upgraded]:
    """Run each context's revisions to head (only those named, if any), adopting a database
    written before Tessera had migrations, and adding a context installed after the shop was
    made (its database, or on PostgreSQL its role and schema). Contexts are upgraded one by
    one, each in its own transaction: each is a service of its own."""
    chosen = settings or Settings.from_environment()
    done = []
    databases = _databases(chosen, only, contexts, discover, adding=True)
    queue = _queue_file(chosen)
    if queue is not None and not only:
        done.append(Upgraded(QUEUE, *SqliteQueue.upgrade(queue)))
    for context, database in databases:
        assert database is not None
        try:
            migrations = database.migrations
            if migrations is None:
                create_schema(database.engine, context.metadata)
                done.append(Upgraded(context.name, None, None))
            else:
                before, after = migrations.upgrade(database.engine)
                done.append(Upgraded(context.name, before, after))
        finally:
            database.engine.dispose()
    return done


def _databases(
    settings: Settings,
    only: Sequence[str],
    contexts: Sequence[BoundedContext[Any, Any]],
    discover: bool,
    adding: bool = False,
) -> list[tuple[BoundedContext[Any, Any], ContextDatabase | None]]:
    """Each chosen context's database as it is; None for a SQLite one not made yet. Where
    `adding`, what is missing of a shop that exists is made: a SQLite file, a server's role
    and schema."""
    if settings.data_dir is None:
        raise UnusableSettings("the memory topology has no schema to show or upgrade")
    every = all_contexts(contexts, discover, settings.contexts)
    unknown = sorted(set(only) - {context.name for context in every})
    if unknown:
        raise UnusableSettings(f"no such context: {', '.join(unknown)}")
    chosen = [context for context in every if not only or context.name in only]
    storage = DataDirectory.open(settings.data_dir)
    if adding:
        on_files = [c for c in every if settings.database_for(c.name) is None]
        if on_files and not any(_exists(storage, c.name) for c in on_files):
            storage.require(on_files[0].name)  # no context's file: this is no shop
        if on_files:
            storage.require_writable()
            storage = DataDirectory.create(settings.data_dir)
        provision(settings, [c for c in chosen if settings.database_for(c.name) is not None])
    found: list[tuple[BoundedContext[Any, Any], ContextDatabase | None]] = []
    for context in chosen:
        context.map_classes()
        url = settings.database_for(context.name)
        if url is None and not storage.creates and not _exists(storage, context.name):
            found.append((context, None))
            continue
        found.append((context, ContextDatabase.connect(
            context.name, context.metadata, storage, url, context.migrations
        )))  # fmt: skip
    return found


def _queue_file(settings: Settings) -> Path | None:
    """The shop's queue file, where one carries its messages and it is there."""
    if settings.on_broker or settings.data_dir is None:
        return None
    path = DataDirectory(settings.data_dir).path("queue")
    return path if path is not None and path.is_file() else None


def _exists(storage: DataDirectory, name: str) -> bool:
    path = storage.path(name)
    return path is not None and path.is_file()


def _missing(settings: Settings, context: BoundedContext[Any, Any]) -> SchemaStatus:
    """A context installed after the shop was made: no database, role or schema yet."""
    url = settings.database_for(context.name)
    where = f"{context.name}.db" if url is None else postgres.shown(url)
    head = None
    if context.migrations is not None:
        head = Migrations(context.name, context.migrations, context.metadata).head
    schema, role = (
        (None, None) if url is None else (context.name, postgres.role_name(url, context.name))
    )
    return SchemaStatus(context.name, where, schema, role, None, head, False)


def _status(
    settings: Settings, context: BoundedContext[Any, Any], database: ContextDatabase
) -> SchemaStatus:
    url = settings.database_for(context.name)
    if url is None:
        where, schema, role = str(database.engine.url.database), None, None
    else:
        where, schema, role = (
            postgres.shown(url),
            context.name,
            postgres.role_name(url, context.name),
        )
    migrations = database.migrations
    if migrations is None:
        try:
            check_schema(database.engine, context.metadata)
            current = True
        except StorageUnavailable:
            current = False
        return SchemaStatus(context.name, where, schema, role, None, None, current)
    found = migrations.revisions(database.engine)
    return SchemaStatus(
        context.name, where, schema, role, found.revision, found.head, found.up_to_date
    )
