"""Engines for a context's own database: a SQLite file (WAL) by default, in-memory for tests."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateColumn


class StorageUnavailable(Exception):
    """The data directory or a database in it cannot be used; nothing was written."""


class Unreachable(StorageUnavailable):
    """The server could not be reached, or did not answer in time: trying again may help."""


_MISSING = re.compile(r'\b(role|database) "[^"]*" does not exist')
_BUSY = re.compile(r"starting up|shutting down|in recovery|too many clients|connection slots")
"""What a server says when it refuses a connection for now, not for good."""


class NotSetUp(StorageUnavailable):
    """A context's database, role or schema is not there: the context was installed after its
    shop was made, or the shop was never made."""


def cannot_open(engine: Engine, error: DBAPIError) -> StorageUnavailable:
    """Why a database could not be opened, in one line naming its cause: `tessera db setup`
    is named only where the server says that what it makes is missing."""
    said = first_line(error.orig)
    if engine.dialect.name == "sqlite":
        return StorageUnavailable(f"cannot open {where(engine)}: {said}")
    missing = _MISSING.search(said)
    if missing is not None:
        if missing.group(1) == "database":
            hint = "create it first (CREATE DATABASE), then run 'tessera db setup'"
            return StorageUnavailable(f"cannot open {where(engine)}: {said}; {hint}")
        hint = "'tessera db setup' makes every context's role and schema"
        return NotSetUp(f"cannot open {where(engine)}: {said}; {hint}")
    if "FATAL:" not in said and getattr(error.orig, "sqlstate", None) is None:
        return Unreachable(f"cannot reach {where(engine)}: {said}")  # no server answered
    if _BUSY.search(said):  # it answered, and may take the connection in a while
        return Unreachable(f"cannot open {where(engine)} for now: {said}")
    return StorageUnavailable(f"cannot open {where(engine)}: {said}")


class UnusableSettings(ValueError):
    """Settings that no context of this deployment can take (a URL for a context that is
    not there, a name PostgreSQL cannot hold): a usage error, found while wiring."""


def first_line(error: object) -> str:
    """A driver's error as one line: PostgreSQL's carry details and hints on lines of their
    own."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")  # first: switching to WAL itself may wait
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def read_only_uri(path: Path) -> str:
    """A SQLite URI that reads a file in a directory nobody may write (a backup, a read-only
    mount). WAL needs its shared-memory file beside the database, which cannot be made
    there: where a writer left its WAL and shared memory behind, they are read as they are;
    otherwise the file holds everything and is read as immutable, the only way SQLite reads
    it at all."""
    uri = f"file:{quote(str(path.resolve()))}"
    left_behind = all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    return f"{uri}?mode=ro" if left_behind else f"{uri}?immutable=1"


def sqlite_engine(path: Path | None, read_only: bool = False) -> Engine:
    """An engine on one SQLite file, or on a private in-memory database when `path` is None."""
    if path is None:
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    elif read_only:
        return create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False),
        )
    else:
        # Workers and commands may share an engine across threads; each session stays in one.
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _configure_sqlite)
    return engine


class ChangeWatch:
    """A connection of its own to a context's database, and SQLite's data_version on it: the
    version moves on with every commit made through any other connection, in this process or
    another, and not with this connection's own.

    A poller reads and writes through `connection()`, which also gives the version as it
    stood before: having read everything, it need not read again until the version moves.
    On a private in-memory database (one connection shared by all) there is no version, nor
    on a server's database (PostgreSQL), where the version is always None."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._versioned = engine.dialect.name == "sqlite"
        self._shared = self._versioned and engine.url.database in (None, "", ":memory:")
        self._connection: Connection | None = None

    @contextmanager
    def connection(self) -> Iterator[tuple[Connection, int | None]]:
        """The connection and the version, for one transaction: committed when the block
        ends, rolled back if it raises."""
        if self._shared:
            with self._engine.begin() as shared:
                yield shared, None
            return
        if self._connection is None or self._connection.closed:
            self._connection = self._engine.connect()
        connection = self._connection
        try:
            version = self._version(connection) if self._versioned else None
            yield connection, version
            if connection.in_transaction():
                connection.commit()
        except BaseException:
            self._end_failed(connection)
            raise

    def _end_failed(self, connection: Connection) -> None:
        """Roll back what failed, even a transaction a lost connection left inactive; a
        connection that cannot even roll back is dropped, and the next one is new."""
        transaction = connection.get_transaction()
        try:
            if transaction is not None:
                transaction.rollback()
        except Exception:
            connection.invalidate()
            connection.close()
            self._connection = None

    @staticmethod
    def _version(connection: Connection) -> int:
        # Straight to the driver: this runs on every poll, and must cost next to nothing.
        driver = connection.connection.dbapi_connection
        assert driver is not None
        return int(driver.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def create_schema(engine: Engine, metadata: MetaData) -> None:
    """Create the context's tables where they are missing (`tessera db setup`); existing
    tables are left as they are, and must have every column this code uses."""
    for attempt in range(5):
        try:
            metadata.create_all(engine)
            break
        except OperationalError as error:
            # Processes starting together race to create the same table: look again.
            if "already exists" in str(error.orig) and attempt < 4:
                continue
            raise StorageUnavailable(
                f"cannot open {where(engine)}: {first_line(error.orig)}"
            ) from None
    _add_missing_columns(engine, metadata)
    _check_columns(engine, metadata)


def _add_missing_columns(engine: Engine, metadata: MetaData) -> None:
    """Bring a database written by an earlier Tessera up to date where that is only adding:
    a column that may be empty, and the indexes. Anything else is refused by the check."""
    found = inspect(engine)
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            present = {column["name"] for column in found.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    spec = CreateColumn(column).compile(dialect=engine.dialect)
                    connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {spec}"))
            for index in table.indexes:
                index.create(connection, checkfirst=True)


def check_schema(engine: Engine | Connection, metadata: MetaData) -> None:
    """Refuse, changing nothing, a database whose tables lack what this code uses."""
    try:
        _check_columns(engine, metadata)
    except DBAPIError as error:
        raise cannot_open(_engine_of(engine), error) from None


def _engine_of(bind: Engine | Connection) -> Engine:
    return bind if isinstance(bind, Engine) else bind.engine


def connect_failures_named(engine: Engine) -> None:
    """A failure to connect, wherever the engine is first used, is said as `cannot_open`
    says it (unreachable, refused, not set up), not as the driver's error."""

    def on_error(context: ExceptionContext) -> None:
        failed = context.sqlalchemy_exception
        if context.connection is None and isinstance(failed, DBAPIError):
            raise cannot_open(engine, failed) from None

    event.listen(engine, "handle_error", on_error)


def checked_on_first_use(engine: Engine, check: Callable[[Connection], None]) -> None:
    """Run `check` on the first connection the engine hands out (and again until it passes),
    instead of when the engine is made: a process opens only the databases it uses."""
    lock = threading.Lock()
    passed = False

    def on_connect(connection: Connection) -> None:
        nonlocal passed
        if passed:
            return
        with lock:
            if passed:
                return
            try:
                check(connection)
                connection.rollback()  # what the check read: the caller begins afresh
            except BaseException:
                connection.close()
                raise
            passed = True

    event.listen(engine, "engine_connect", on_connect)


def where(engine: Engine) -> str:
    """The database an engine opens, as a person names it: never with a password."""
    url = engine.url
    if engine.dialect.name == "sqlite":
        return f"database {url.database or 'in memory'}"
    plain = url.set(drivername=engine.dialect.name).difference_update_query(["connect_timeout"])
    shown = plain.render_as_string(hide_password=True)
    return f"database {shown}"


def _check_columns(bind: Engine | Connection, metadata: MetaData) -> None:
    engine = _engine_of(bind)
    found = inspect(bind)
    tables = set(found.get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in tables:
            raise StorageUnavailable(
                f"{where(engine)} lacks table {table.name}; prepare it with 'tessera db setup'"
            )
        present = {column["name"] for column in found.get_columns(table.name)}
        missing = [column.name for column in table.columns if column.name not in present]
        if missing:
            raise StorageUnavailable(
                f"{where(engine)} was written by another version of Tessera:"
                f" table {table.name} lacks {', '.join(missing)}; 'tessera db upgrade' adds"
                " columns that may be empty, and for any other change the data directory must be"
                " moved aside"
            )
