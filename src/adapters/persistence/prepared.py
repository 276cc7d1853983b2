"""Statements run for every message, compiled once and run on the driver directly.

SQLAlchemy sets up each execution of even a cached statement anew, and a unit of work runs
a handful per message (decision 23 gives the cost). A `Prepared` statement is compiled once
per dialect, and runs with the same conversions the column types define (typed identifiers,
exact decimals, enums, times: each type's public `bind_processor` and `result_processor`, as
the dialect implements it), in the connection's transaction,
raising SQLAlchemy's own errors; a connection the error says is lost is invalidated, as
SQLAlchemy would, so that the pool does not hand it out again.

A `Pipeline` sends several statements at once. On PostgreSQL they go through libpq's
pipeline mode (`adapters.persistence.libpq`): prepared on the server once per connection,
sent in one write with the transaction's BEGIN, their results read in one go; a unit of work
costs the server a round trip for its reads and one for its writes, however many statements
each has. On SQLite, in the same process, they run one after another on the driver's cursor.
What each statement returned is handed to the callback it was queued with, in the order
they were queued.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Sequence
from typing import Any, cast

import attrs
from sqlalchemy import Column, Connection, Dialect, Table, bindparam, exc, insert
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any] | None

_cache: dict[tuple[Any, str], Prepared] = {}
_CURSOR = "tessera.prepared.cursor"
"""Where a pooled connection keeps the cursor prepared statements run on (not on libpq)."""
_names = itertools.count(1)


def on_libpq(dialect: Dialect) -> bool:
    """Whether statements of this dialect run on libpq directly (psycopg's)."""
    return dialect.driver == "psycopg"


def _numbered_dialect(dialect: Dialect) -> Dialect:
    """A dialect of the same kind that writes parameters as libpq numbers them ($1, $2,
    ...), made as `create_engine(paramstyle=...)` makes one, once per dialect."""
    found = _numbered.get(dialect)
    if found is None:
        kind = cast("type[DefaultDialect]", type(dialect))
        found = _numbered[dialect] = kind(paramstyle="numeric_dollar")
    return found


_numbered: weakref.WeakKeyDictionary[Dialect, Dialect] = weakref.WeakKeyDictionary()


def _bind_processor(kind: TypeEngine[Any], dialect: Dialect) -> Processor:
    """What the type, as the dialect implements it, makes of a value on its way in."""
    return kind.dialect_impl(dialect).bind_processor(dialect)


class StaleData(Exception):
    """A row changed, or went, since this transaction loaded it."""


DIVISION_BY_ZERO = "22012"


class Prepared:
    def __init__(
        self,
        statement: ClauseElement,
        dialect: Dialect,
        column_keys: Sequence[str] | None = None,
        stale: str | None = None,
    ) -> None:
        """`stale`: the statement divides by zero where a row it expected had changed or gone,
        and this says so (`StaleData`)."""
        keys = list(column_keys) if column_keys else None
        compiling = _numbered_dialect(dialect) if on_libpq(dialect) else dialect
        compiled = cast(SQLCompiler, statement.compile(dialect=compiling, column_keys=keys))
        self.positional = bool(compiled.positional)
        """SQLite's qmark and libpq's numbers take a tuple of values; a named style a
        dictionary, by the names the statement gives them."""
        self.sql = str(compiled)
        self.name = f"tessera_{next(_names)}".encode()
        """The statement's name where the server prepares it (libpq)."""
        selected = getattr(statement, "selected_columns", None)
        if selected is None and isinstance(statement, UpdateBase) and compiled.returning:
            selected = statement.exported_columns  # UPDATE ... RETURNING
        self.columns = [column.key for column in selected] if selected is not None else []
        self._plan: list[tuple[str, Processor]] = []
        self._driver_names: list[str] = []
        self._fixed: dict[str, Any] = {}
        self._result_plan: list[tuple[str, Processor]] | None = None
        self._dialect = dialect
        self._stale = stale
        self._prepare(compiled, dialect, list(selected or ()))
        self._dbapi = dialect.loaded_dbapi

    def _prepare(self, compiled: SQLCompiler, dialect: Dialect, selected: list[Any]) -> None:
        """The conversions the columns' types make, applied here as SQLAlchemy would."""
        names = list(compiled.positiontup or ()) if self.positional else list(compiled.binds)
        escaped: dict[str, str] = compiled.escaped_bind_names or {}
        self._driver_names = [escaped.get(name, name) for name in names]
        binds = [_bind_processor(compiled.binds[name].type, dialect) for name in names]
        self._plan = list(zip(names, binds, strict=True))
        self._fixed = {  # values the statement carries itself, as a literal LIMIT's
            name: compiled.binds[name].effective_value
            for name in names
            if not compiled.binds[name].required and compiled.binds[name].value is not None
        }
        self._result_types = [column.type for column in selected]

    def _results(self, type_codes: Sequence[Any]) -> list[tuple[str, Processor]]:
        """The conversions of the columns a query returns, made once, from the first result:
        some drivers' conversions depend on the type the database says a column has."""
        if self._result_plan is None:
            results: list[Processor] = [
                kind.dialect_impl(self._dialect).result_processor(self._dialect, code)
                for kind, code in zip(self._result_types, type_codes, strict=True)
            ]
            self._result_plan = list(zip(self.columns, results, strict=True))
        return self._result_plan

    @classmethod
    def of(
        cls,
        key: Any,
        dialect: Dialect,
        build: Callable[..., ClauseElement],
        *arguments: Any,
        column_keys: Sequence[str] | None = None,
        stale: str | None = None,
    ) -> Prepared:
        """The statement `build(*arguments)` makes, prepared once per `key` and dialect."""
        found = _cache.get((key, dialect.name))
        if found is None:
            made = cls(build(*arguments), dialect, column_keys, stale)
            found = _cache[(key, dialect.name)] = made
        return found

    def _values(self, parameters: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        if self._fixed:
            parameters = self._fixed | parameters
        values = [
            parameters[name] if process is None else process(parameters[name])
            for name, process in self._plan
        ]
        if self.positional:
            return tuple(values)
        return dict(zip(self._driver_names, values, strict=True))

    def rows(self, connection: Connection, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows a query returns, as dictionaries by column, values converted."""
        return Pipeline(connection).rows(self, parameters)

    def run(self, connection: Connection, parameters: Sequence[dict[str, Any]]) -> int:
        """Run a change once for each set of parameters; how many rows it changed."""
        changed: list[int] = []
        pipeline = Pipeline(connection)
        pipeline.change(self, parameters, changed.append)
        pipeline.send()
        return changed[0]

    def converted(
        self, rows: Sequence[Sequence[Any]], type_codes: Sequence[Any]
    ) -> list[dict[str, Any]]:
        """Rows as the driver gave them, as dictionaries by column, values converted."""
        plan = self._results(type_codes)
        return [
            {
                name: raw if process is None else process(raw)
                for (name, process), raw in zip(plan, row, strict=True)
            }
            for row in rows
        ]

    def failed(
        self, connection: Connection, error: Any, values: Any, cursor: Any = None
    ) -> Exception:
        """SQLAlchemy's error for the driver's (or `StaleData`, where the statement says a row
        moved on); a connection the error says is lost is invalidated, so that the pool does
        not hand it out again."""
        if self._stale is not None and getattr(error, "sqlstate", None) == DIVISION_BY_ZERO:
            return StaleData(self._stale)
        lost = connection.invalidated  # already given up on, by what failed halfway
        if not lost:
            driver = connection.connection.dbapi_connection
            lost = self._dialect.is_disconnect(error, driver, cursor)
            if lost:
                connection.invalidate()
        translated: Exception = exc.DBAPIError.instance(
            self.sql, values, error, self._dbapi.Error, connection_invalidated=lost
        )
        return translated


def _cursor(connection: Connection) -> Any:
    """The driver connection's own cursor for prepared statements, made once per driver
    connection rather than once per statement."""
    pooled = connection.connection
    driver = pooled.dbapi_connection
    assert driver is not None
    made = pooled.info.get(_CURSOR)
    if made is None or made[0] is not driver:
        made = pooled.info[_CURSOR] = (driver, driver.cursor())
    return made[1]


@attrs.define
class Queued:
    statement: Prepared
    values: list[Any]
    """One set of values for each time the statement runs."""
    query: bool
    then: Callable[[Any], None] | None


class Pipeline:
    """Statements queued on one connection, sent together by `send`.

    A query's callback is given its rows (as `Prepared.rows` returns them), a change's how
    many rows it changed; a callback may queue more, which the same `send` sends next. An
    error raises from `send`, as `Prepared` raises it, and what was queued with it is
    dropped."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._queued: list[Queued] = []
        self._libpq = on_libpq(connection.dialect)

    @property
    def connection(self) -> Connection:
        return self._connection

    @property
    def pending(self) -> bool:
        return bool(self._queued)

    def query(
        self,
        statement: Prepared,
        parameters: dict[str, Any],
        then: Callable[[list[dict[str, Any]]], None],
    ) -> None:
        self._queued.append(Queued(statement, [statement._values(parameters)], True, then))

    def change(
        self,
        statement: Prepared,
        parameters: Sequence[dict[str, Any]],
        then: Callable[[int], None] | None = None,
    ) -> None:
        values = [statement._values(each) for each in parameters]
        self._queued.append(Queued(statement, values, False, then))

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Queue the insert of rows that all name the same columns, a statement prepared
        once for each table and set of columns."""
        columns = tuple(rows[0])
        dialect = self._connection.dialect
        key = ("insert", table, columns)
        self.change(Prepared.of(key, dialect, insert, table, column_keys=columns), rows)

    def rows(self, statement: Prepared, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows of a query, sent now with everything queued before it."""
        found: list[dict[str, Any]] = []
        self.query(statement, parameters, found.extend)
        self.send()
        return found

    def send(self, commit: bool = False) -> None:
        """Send what is queued; with `commit`, on a server, COMMIT with the last batch (no
        callback may queue more then)."""
        if not self._connection.in_transaction():
            self._connection.begin()
        while self._queued:
            batch, self._queued = self._queued, []
            try:
                if self._libpq:
                    from tessera.adapters.persistence import libpq

                    libpq.send(self._connection, batch, commit)
                else:
                    self._send_in_turn(batch)
            except BaseException:
                self._queued = []
                raise
            if commit and self._queued:
                raise RuntimeError("statements were queued after the commit was sent")

    def _send_in_turn(self, batch: list[Queued]) -> None:
        cursor = _cursor(self._connection)
        for item in batch:
            statement = item.statement
            try:
                if len(item.values) == 1:
                    cursor.execute(statement.sql, item.values[0])
                else:
                    cursor.executemany(statement.sql, item.values)
            except statement._dbapi.Error as error:
                raise statement.failed(self._connection, error, item.values, cursor) from None
            if item.then is None:
                continue
            if item.query:
                codes = [column[1] for column in cursor.description or ()]
                item.then(statement.converted(cursor.fetchall(), codes))
            else:
                item.then(int(cursor.rowcount))


IN_CHUNK = 500
"""Keys per IN (...) in one statement: well under any database's parameter limit."""


def query_keys(
    pipeline: Pipeline,
    key: Any,
    build: Callable[[int], ClauseElement],
    keys: Sequence[Any],
    then: Callable[[list[dict[str, Any]]], None],
) -> None:
    """Queue the query `build(size)` makes, which takes `size` keys k0..k(size-1)
    (`key_list`), for every one of `keys`: in chunks, each padded to a power of two. `then`
    is given every row, once the last chunk's are in (at once, if there are no keys)."""
    chunks = [keys[start : start + IN_CHUNK] for start in range(0, len(keys), IN_CHUNK)]
    if not chunks:
        then([])
        return
    found: list[dict[str, Any]] = []
    left = [len(chunks)]

    def arrived(rows: list[dict[str, Any]]) -> None:
        found.extend(rows)
        left[0] -= 1
        if not left[0]:
            then(found)

    dialect = pipeline.connection.dialect
    for chunk in chunks:
        size = bucket(len(chunk))
        query = Prepared.of((key, size), dialect, build, size)
        pipeline.query(query, padded(chunk, size), arrived)


def key_list(column: Column[Any], size: int) -> Any:
    """`column IN (:k0, ..., :kN)` with `size` parameters: a statement per size, and sizes
    in steps of powers of two, so that a few prepared statements serve every list."""
    return column.in_([bindparam(f"k{i}", type_=column.type) for i in range(size)])


def bucket(count: int) -> int:
    """The smallest power of two that holds `count` keys."""
    size = 1
    while size < count:
        size *= 2
    return size


def padded(keys: Sequence[Any], size: int) -> dict[str, Any]:
    """The keys as parameters k0..k(size-1), the last repeated: IN ignores repeats."""
    return {f"k{i}": keys[min(i, len(keys) - 1)] for i in range(size)}
