"""A context's own schema and login role on PostgreSQL.

Every context keeps its tables (aggregates, outbox, inbox) in a schema named after it, and
connects as a login role of its own, `tessera_<database>_<context>`, which owns that schema
and nothing else: it can neither read nor write another context's tables. The database's
name is part of the role's, so that two deployments on one server never share a role.

Only `tessera db setup` connects as the URL's own user (an administrator), to create the
roles and schemas. Every other connection is made as the context's role, with the URL's host,
port and database and without its password: the server authenticates the role as its
pg_hba.conf says (trust, peer, or a password libpq finds in its password file).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError

from tessera.adapters.persistence.database import StorageUnavailable, UnusableSettings, first_line

DRIVER = "postgresql+psycopg"
SCHEMES = ("postgresql", "postgres", DRIVER)
MAX_IDENTIFIER = 63
"""PostgreSQL's longest name, in bytes; a longer one would be cut short without a word."""
DUPLICATE_OBJECT = "42710"
_CONTEXT_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def parse_url(text_url: str, where: str) -> URL:
    """A PostgreSQL URL as an operator gives it (`where` names the option or variable)."""
    shape = "postgresql://USER@HOST:PORT/DBNAME"
    try:
        url = make_url(text_url.strip())
    except ArgumentError:
        raise ValueError(f"{where} is not a URL; expected {shape}") from None
    if url.drivername not in SCHEMES:
        raise ValueError(
            f"{where}: Tessera keeps data in SQLite files (leave it unset) or in PostgreSQL"
            f" ({shape}), not {url.drivername}"
        )
    if not url.database:
        raise ValueError(f"{where} names no database; expected {shape}")
    if not url.username:
        raise ValueError(f"{where} names no user (an administrator); expected {shape}")
    return url.set(drivername=DRIVER)


def shown(url: URL) -> str:
    """A URL as a person names the database: no password, no connect timeout."""
    plain = url.set(drivername="postgresql").difference_update_query(["connect_timeout"])
    return plain.render_as_string(hide_password=True)


def role_name(url: URL, context: str) -> str:
    """The login role of `context` in the URL's database."""
    if not _CONTEXT_NAME.match(context):
        raise UnusableSettings(
            f"context {context!r} cannot be a PostgreSQL schema: a name is lower-case letters,"
            " digits and underscores, starting with a letter"
        )
    role = f"tessera_{url.database}_{context}"
    if len(role.encode()) > MAX_IDENTIFIER:
        raise UnusableSettings(
            f"role {role} is longer than PostgreSQL's {MAX_IDENTIFIER} bytes: choose a shorter"
            " database name"
        )
    return role


def context_url(url: URL, context: str) -> URL:
    """Where `context` connects: the URL's server and database, as the context's role, with
    no password of the URL's (the administrator's secret is never sent for another role)."""
    return URL.create(
        url.drivername, username=role_name(url, context), host=url.host, port=url.port,
        database=url.database, query=url.query,
    )  # fmt: skip


def context_engine(url: URL, context: str) -> Engine:
    """An engine that connects as the context's role, its schema first on the search path.

    A connection that lay unused in the pool for a while is checked before use: a server that
    restarted, or a connection it closed, costs a reconnect, not an error. One in use a
    moment ago is not (a round trip for every unit of work); if the server went meanwhile,
    the statement fails, the connection is dropped, and the work is tried again."""
    engine = create_engine(
        context_url(url, context),
        # psycopg prepares none of its own: it would deallocate every statement the session
        # holds after a rollback, those Tessera prepares with them (adapters.persistence.libpq).
        connect_args={"options": f"-c search_path={context}", "prepare_threshold": None},
        pool_size=2,
        max_overflow=8,
    )
    event.listen(engine, "checkout", _ping_if_idle)
    event.listen(engine, "checkin", _checked_in)
    return engine


IDLE_SECONDS = 1.0
"""A pooled connection unused longer than this is checked before it is handed out."""


def _checked_in(driver: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(driver: Any, record: Any, _proxy: Any) -> None:
    """An empty query, one round trip and no transaction, on a connection that lay unused
    for a while (one just made is not)."""
    if time.monotonic() - record.info.setdefault("checked_in", time.monotonic()) < IDLE_SECONDS:
        return
    try:
        answer = driver.pgconn.exec_(b"")
    except psycopg.Error:
        raise DisconnectionError() from None
    if answer.status != pq.ExecStatus.EMPTY_QUERY or driver.pgconn.status != pq.ConnStatus.OK:
        raise DisconnectionError()  # the pool connects anew and tries again


def provision(url: URL, contexts: Iterable[str]) -> None:
    """As the URL's administrator: create each context's role and schema where missing, let
    each role use and change only its own schema, and revoke what PostgreSQL grants to
    PUBLIC; the database itself first, where it is missing and the URL's user may make it.
    Running it again changes nothing."""
    _create_database(url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    quote = admin.dialect.identifier_preparer.quote_identifier
    database = quote(url.database or "")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC"))
            connection.execute(text("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
            for context in contexts:
                role = role_name(url, context)
                exists = text("SELECT 1 FROM pg_roles WHERE rolname = :role")
                if connection.execute(exists, {"role": role}).first() is None:
                    _create_role(connection, quote(role))
                schema, owner = quote(context), quote(role)
                connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
                connection.execute(text(f"ALTER SCHEMA {schema} OWNER TO {owner}"))
                connection.execute(text(f"REVOKE ALL ON SCHEMA {schema} FROM PUBLIC"))
                connection.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {owner}"))
                connection.execute(text(f"ALTER ROLE {owner} SET search_path = {schema}"))
    except DBAPIError as error:
        raise StorageUnavailable(
            f"cannot prepare PostgreSQL database {shown(url)}: {first_line(error.orig)}"
        ) from None
    finally:
        admin.dispose()


MAINTENANCE_DATABASE = "postgres"
"""Where the URL's user connects to make the shop's database, which cannot be made from itself."""
INSUFFICIENT_PRIVILEGE = "42501"
DUPLICATE_DATABASE = "42P04"


def _create_database(url: URL) -> None:
    """The URL's database, made by the URL's user where it is missing; one line saying what
    to run where that user may not make it."""
    name = url.database or ""
    server = create_engine(url.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT")
    quoted = server.dialect.identifier_preparer.quote_identifier(name)
    try:
        with server.connect() as connection:
            exists = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if connection.execute(exists, {"name": name}).first() is not None:
                return
            connection.execute(text(f"CREATE DATABASE {quoted}"))
    except DBAPIError as error:
        state = getattr(error.orig, "sqlstate", None)
        if state == DUPLICATE_DATABASE:
            return  # another set-up made it meanwhile
        if state == INSUFFICIENT_PRIVILEGE:
            raise StorageUnavailable(
                f"PostgreSQL database {shown(url)} does not exist and {url.username or 'this user'}"
                f" may not create it: have an administrator run CREATE DATABASE {quoted}, then"
                " 'tessera db setup' again"
            ) from None
        if state is not None:  # it answered: whether the database is there, its own URL says
            return
        raise StorageUnavailable(
            f"cannot prepare PostgreSQL database {shown(url)}: {first_line(error.orig)}"
        ) from None
    finally:
        server.dispose()


def _create_role(connection: Connection, role: str) -> None:
    try:
        connection.execute(text(f"CREATE ROLE {role} LOGIN NOINHERIT"))
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != DUPLICATE_OBJECT:
            raise  # else two set-ups ran at once, and the other one made it first


LISTEN_CONNECT_SECONDS = 10
"""How long the listener's connection may take, unless the URL names its own timeout."""
RECONNECT_SECONDS = 1.0
"""How soon an outbox listener that lost its connection, or could not make one, tries again."""


class OutboxListener:
    """Hears when a transaction that wrote the context's outbox commits (its outbox's
    trigger notifies `tessera_outbox_<context>`), on a connection of its own, as the
    context's role: the worker waits on the connection's socket between rounds and has the
    listener take in what it hears. `heard` counts the notifications, and the connections
    made (after which anything may be new). A lost connection is opened again when the worker
    next waits, a second after the last try at the soonest.

    `engine` is the context's own (`context_engine`): the listener connects as it does."""

    def __init__(self, engine: Engine, context: str) -> None:
        where = engine.url
        self._conninfo = psycopg.conninfo.make_conninfo(
            host=where.host or "", port=where.port or 5432, dbname=where.database or "",
            user=where.username or "",
            connect_timeout=str(where.query.get("connect_timeout", LISTEN_CONNECT_SECONDS)),
        )  # fmt: skip
        self._channel = f"tessera_outbox_{context}"
        self.heard = 0
        self.closed = False
        self._connection: psycopg.Connection[Any] | None = None
        self._tried_at = -RECONNECT_SECONDS
        self._connect()

    def _connect(self) -> None:
        now = time.monotonic()
        if now - self._tried_at < RECONNECT_SECONDS:
            return
        self._tried_at = now
        try:
            connection = psycopg.connect(self._conninfo, autocommit=True)
        except psycopg.Error:
            return
        try:
            connection.execute(f'LISTEN "{self._channel}"')
        except psycopg.Error:
            connection.close()
            return
        self._connection = connection
        self.heard += 1

    def fileno(self) -> int | None:
        if self.closed:
            return None
        if self._connection is None:
            self._connect()
        return None if self._connection is None else self._connection.pgconn.socket

    def take_in(self) -> None:
        connection = self._connection
        if connection is None:
            return
        pgconn = connection.pgconn
        try:
            pgconn.consume_input()
        except psycopg.Error:  # the server went, or closed the connection
            self._drop()
            return
        while pgconn.notifies() is not None:
            self.heard += 1

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def close(self) -> None:
        self.closed = True
        self._drop()
