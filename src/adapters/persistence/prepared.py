"""Statements run for every message, compiled once and run on the driver's own cursor.

SQLAlchemy spends some 30 us setting up each execution of even a cached statement (on
psycopg, measured, more); a unit of work runs a handful per message. A `Prepared` statement
is compiled once per dialect, and runs with the same conversions the column types define
(typed identifiers, exact decimals, enums, times), in the connection's transaction, with
the driver's own parameters (positional for SQLite's qmark, a dictionary for named ones, as
psycopg takes them), raising SQLAlchemy's own errors; a connection the error says is lost
is invalidated, as SQLAlchemy would, so that the pool does not hand it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import Column, Connection, Dialect, Table, bindparam, exc, insert
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase

Processor = Callable[[Any], Any] | None

_cache: dict[tuple[Any, str], Prepared] = {}
_CURSOR = "tessera.prepared.cursor"
"""Where a pooled connection keeps the cursor prepared statements run on."""


class Prepared:
    def __init__(
        self, statement: ClauseElement, dialect: Dialect, column_keys: Sequence[str] | None = None
    ) -> None:
        keys = list(column_keys) if column_keys else None
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=keys))
        self.positional = bool(compiled.positional)
        """SQLite's qmark takes a tuple of values; a named style (psycopg's pyformat) a
        dictionary, by the names the statement gives them."""
        self.sql = str(compiled)
        selected = getattr(statement, "selected_columns", None)
        if selected is None and isinstance(statement, UpdateBase) and statement._returning:
            selected = statement.exported_columns  # UPDATE ... RETURNING
        self.columns = [column.key for column in selected] if selected is not None else []
        self._plan: list[tuple[str, Processor]] = []
        self._driver_names: list[str] = []
        self._fixed: dict[str, Any] = {}
        self._result_plan: list[tuple[str, Processor]] | None = None
        self._dialect = dialect
        self._prepare(compiled, dialect, list(selected or ()))
        self._dbapi = dialect.loaded_dbapi

    def _prepare(self, compiled: SQLCompiler, dialect: Dialect, selected: list[Any]) -> None:
        """The conversions the columns' types make, applied here as SQLAlchemy would."""
        names = list(compiled.positiontup or ()) if self.positional else list(compiled.binds)
        escaped: dict[str, str] = compiled.escaped_bind_names or {}
        self._driver_names = [escaped.get(name, name) for name in names]
        binds: list[Processor] = [
            compiled.binds[name].type._cached_bind_processor(dialect) for name in names
        ]
        self._plan = list(zip(names, binds, strict=True))
        self._fixed = {  # values the statement carries itself, as a literal LIMIT's
            name: compiled.binds[name].effective_value
            for name in names
            if not compiled.binds[name].required and compiled.binds[name].value is not None
        }
        self._result_types = [column.type for column in selected]

    def _results(self, cursor: Any) -> list[tuple[str, Processor]]:
        """The conversions of the columns a query returns, made once, from the first result:
        some drivers' conversions depend on the type the database says a column has."""
        if self._result_plan is None:
            described = [column[1] for column in cursor.description or ()]
            results: list[Processor] = [
                kind._cached_result_processor(self._dialect, code)
                for kind, code in zip(self._result_types, described, strict=True)
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
    ) -> Prepared:
        """The statement `build(*arguments)` makes, prepared once per `key` and dialect."""
        found = _cache.get((key, dialect.name))
        if found is None:
            found = _cache[(key, dialect.name)] = cls(build(*arguments), dialect, column_keys)
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
        cursor = self._cursor(connection)
        values = self._values(parameters)
        self._run(connection, cursor, cursor.execute, values)
        fetched = cursor.fetchall()
        plan = self._results(cursor)
        return [
            {
                name: raw if process is None else process(raw)
                for (name, process), raw in zip(plan, row, strict=True)
            }
            for row in fetched
        ]

    def run(self, connection: Connection, parameters: Sequence[dict[str, Any]]) -> int:
        """Run a change once for each set of parameters; how many rows it changed."""
        cursor = self._cursor(connection)
        values = [self._values(each) for each in parameters]
        if len(values) == 1:
            self._run(connection, cursor, cursor.execute, values[0])
        else:
            self._run(connection, cursor, cursor.executemany, values)
        return int(cursor.rowcount)

    @staticmethod
    def _cursor(connection: Connection) -> Any:
        """The driver connection's own cursor for prepared statements, made once per driver
        connection (making one costs psycopg some 18 us, as much as half a statement)."""
        if not connection.in_transaction():
            connection.begin()
        pooled = connection.connection
        driver = pooled.dbapi_connection
        assert driver is not None
        made = pooled.info.get(_CURSOR)
        if made is None or made[0] is not driver:
            made = pooled.info[_CURSOR] = (driver, driver.cursor())
        return made[1]

    def _run(
        self, connection: Connection, cursor: Any, execute: Callable[[str, Any], Any], values: Any
    ) -> None:
        try:
            execute(self.sql, values)
        except self._dbapi.Error as error:
            driver = connection.connection.dbapi_connection
            lost = self._dialect.is_disconnect(error, driver, cursor)
            if lost:
                connection.invalidate()
            raise exc.DBAPIError.instance(
                self.sql, values, error, self._dbapi.Error, connection_invalidated=lost
            ) from None


IN_CHUNK = 500
"""Keys per IN (...) in one statement: well under any database's parameter limit."""


def rows_for_keys(
    connection: Connection, key: Any, build: Callable[[int], ClauseElement], keys: Sequence[Any]
) -> list[dict[str, Any]]:
    """The rows of the query `build(size)` makes, which takes `size` keys k0..k(size-1)
    (`key_list`), for every one of `keys`: in chunks, each padded to a power of two."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        size = bucket(len(chunk))
        query = Prepared.of((key, size), connection.dialect, build, size)
        found += query.rows(connection, padded(chunk, size))
    return found


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all name the same columns, with a statement prepared once."""
    columns = tuple(rows[0])
    statement = Prepared.of(
        ("insert", table, columns), connection.dialect, insert, table, column_keys=columns
    )
    statement.run(connection, rows)


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
