"""How a context maps its domain classes onto its tables, and the data mapper that loads and
stores them with SQLAlchemy Core.

A context describes its mappings once (`Mappings`): an aggregate root over its table,
versioned for optimistic concurrency; parts kept inside an aggregate (`Children`), or plain
records; Money over two columns (`MoneyComposite`). Every attribute of a mapped class is a
column of the same name, a composite, children, or state that is not stored (it starts at
its default when loaded, as pending events do).

An `IdentityMap` is one transaction's view of the database: it loads rows into objects (one object
per row and transaction), remembers each as loaded, and when flushed writes what was added
and what changed, in statements grouped by table. An aggregate's row is updated only where
its version is still the one loaded; a row that moved on meanwhile is a `StaleData` error.
Decision 0023 says why this replaced the ORM.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

import attrs
from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    MetaData,
    Table,
    and_,
    bindparam,
    delete,
    func,
    literal,
    select,
    update,
)

from tessera.adapters.persistence.prepared import (
    Pipeline,
    Prepared,
    StaleData,
    key_list,
    on_libpq,
    query_keys,
)
from tessera.domain.shared.money import Money


class MappingError(Exception):
    """A class and its table do not fit together."""


class MoneyComposite:
    """Money over an amount and a currency column."""

    def __init__(self, factory: type[Money], amount: Column[Any], currency: Column[Any]) -> None:
        self.factory = factory
        self.columns = (amount, currency)

    def load(self, row: dict[str, Any]) -> Money | None:
        amount, currency = (row[column.name] for column in self.columns)
        if amount is None and currency is None:
            return None
        return self.factory(amount, currency)

    def store(self, value: Money | None, row: dict[str, Any]) -> None:
        amount, currency = self.columns
        row[amount.name] = None if value is None else value.amount
        row[currency.name] = None if value is None else value.currency


@attrs.frozen
class Children:
    """The parts an aggregate keeps in a list, in a table of their own that refers to the
    aggregate's; loaded in `order_by` order (their key's, unless given)."""

    cls: type[Any]
    order_by: Column[Any] | None = None


class Mapper:
    """One class over one table."""

    def __init__(
        self, cls: type[Any], table: Table, versioned: bool, properties: dict[str, Any]
    ) -> None:
        self.cls = cls
        self.table = table
        self.versioned = versioned
        self.key = tuple(table.primary_key.columns)
        self.composites = {n: p for n, p in properties.items() if isinstance(p, MoneyComposite)}
        self.children: dict[str, tuple[Mapper, Column[Any], list[Any]]] = {}
        self._child_specs = {n: p for n, p in properties.items() if isinstance(p, Children)}
        fields = {field.name: field for field in attrs.fields(cls)}
        in_composites = {c.name for p in self.composites.values() for c in p.columns}
        self.plain = [c.name for c in table.columns if c.name in fields]
        self.parent_link = [
            c for c in table.columns if c.name not in fields and c.name not in in_composites
        ]
        self._updates: dict[tuple[str, ...], Any] = {}
        self.rank = 0
        """Where the table stands in its metadata's order of references: inserts follow it."""
        stored = {*self.plain, *self.composites, *self._child_specs}
        self.unstored: list[tuple[str, Callable[[], Any]]] = []
        for name, field in fields.items():
            if name in stored:
                continue
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                self.unstored.append((name, default.factory))
            elif default is not attrs.NOTHING:
                self.unstored.append((name, _constant(default)))
            else:
                raise MappingError(f"{cls.__name__}.{name} is neither stored nor defaulted")

    def resolve(self, mappers: dict[type[Any], Mapper]) -> None:
        for name, spec in self._child_specs.items():
            child = mappers[spec.cls]
            if len(self.key) != 1 or len(child.parent_link) != 1:
                raise MappingError(f"{child.cls.__name__} must refer to its parent by one column")
            link = child.parent_link[0]
            order = [link, spec.order_by] if spec.order_by is not None else [link, *child.key]
            self.children[name] = (child, link, order)

    def update(self, changed: tuple[str, ...]) -> Any:
        """The update of these columns where the key (and the version loaded) still match."""
        statement = self._updates.get(changed)
        if statement is None:
            where = [column == bindparam(f"key_{column.name}") for column in self.key]
            if self.versioned:
                where.append(self.table.c.version == bindparam("loaded_version"))
            statement = (
                update(self.table)
                .where(and_(*where))
                .values({name: bindparam(f"new_{name}") for name in changed})
            )
            self._updates[changed] = statement
        return statement

    def identity(self, row: dict[str, Any]) -> Any:
        """The key of the object a row holds: its key column's value, or a tuple of them."""
        if len(self.key) == 1:
            return row[self.key[0].name]
        return tuple(row[column.name] for column in self.key)

    def build(self, row: dict[str, Any]) -> Any:
        """The object a row holds; its children are set by the store."""
        obj = object.__new__(self.cls)
        state = obj.__dict__
        for name in self.plain:
            state[name] = row[name]
        for name, composite in self.composites.items():
            state[name] = composite.load(row)
        for name, make in self.unstored:
            state[name] = make()
        return obj

    def row(self, obj: Any, parent: Any = None) -> dict[str, Any]:
        state = obj.__dict__
        row = {name: state[name] for name in self.plain}
        for name, composite in self.composites.items():
            composite.store(state[name], row)
        for column in self.parent_link:
            row[column.name] = parent
        return row

    def child_rows(self, obj: Any, key: Any) -> dict[str, list[dict[str, Any]]]:
        return {
            name: [child.row(part, key) for part in obj.__dict__[name]]
            for name, (child, _, _) in self.children.items()
        }


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


_mappers: dict[type[Any], Mapper] = {}
_lock = threading.Lock()


def mapper_of(cls: type[Any]) -> Mapper:
    try:
        return _mappers[cls]
    except KeyError:
        raise MappingError(f"{cls.__name__} is not mapped; call its context's mappings") from None


class Mappings:
    """A context's mappings. `describe` names them, once; calling the object maps them, and
    later calls do nothing, so every process (and every test) may call it freely."""

    def __init__(self, metadata: MetaData, describe: Callable[[Mappings], None]) -> None:
        self.metadata = metadata
        self._describe = describe
        self._described: list[Mapper] = []
        self._mapped = False

    def __call__(self) -> None:
        with _lock:
            if self._mapped:
                return
            self._describe(self)
            found = {mapper.cls: mapper for mapper in self._described}
            order = self.metadata.sorted_tables
            for mapper in self._described:
                mapper.resolve({**_mappers, **found})
                mapper.rank = order.index(mapper.table)
            _mappers.update(found)
            self._mapped = True

    def aggregate(self, cls: type[Any], table: Table, **properties: Any) -> None:
        """An aggregate root: versioned for optimistic concurrency (its table has `version`)."""
        if "version" not in table.c:
            raise MappingError(f"table {table.name} of aggregate {cls.__name__} has no version")
        self._described.append(Mapper(cls, table, True, properties))

    def part(self, cls: type[Any], table: Table, **properties: Any) -> None:
        """A class kept inside an aggregate, or a plain record, with no version of its own."""
        self._described.append(Mapper(cls, table, False, properties))


@attrs.define
class _Loaded:
    obj: Any
    mapper: Mapper
    key: Any
    row: dict[str, Any]
    children: dict[str, list[dict[str, Any]]]


class IdentityMap:
    """One transaction's objects, on one connection.

    Its statements go through one `Pipeline`: a load may be queued (`load_later`) beside
    others and the inbox's look-up, and the changes of a commit beside the outbox's rows, so
    that on a server they cost one round trip together. Whatever reads or writes first sends
    what is queued."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.pipeline = Pipeline(connection)
        self._identity: dict[tuple[type[Any], Any], _Loaded] = {}
        self._new: list[Any] = []

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for a repository's own queries; what was queued is
        sent first."""
        self.send_queued()
        return self._connection

    def send_queued(self) -> None:
        """Send what was queued: every load asked for is in, its objects held."""
        if self.pipeline.pending:
            self.pipeline.send()

    # -- loading ---------------------------------------------------------------------------

    def get(self, cls: type[Any], key: Any) -> Any:
        """The object with this key, or None; one already loaded costs no query."""
        self.send_queued()
        known = self._identity.get((cls, key))
        if known is not None:
            return known.obj
        mapper = mapper_of(cls)
        if len(mapper.key) != 1:
            raise MappingError(f"{cls.__name__} has a composite key")
        found = self.load_by(cls, mapper.key[0].name, [key])
        return found[0] if found else None

    def load_by(self, cls: type[Any], column: str, keys: Collection[Any]) -> list[Any]:
        """The objects whose column `column` holds one of `keys`."""
        found: list[Any] = []
        self.load_later(cls, column, keys, found.extend)
        self.send_queued()
        return found

    def load_later(
        self, cls: type[Any], column: str, keys: Collection[Any], then: Callable[[list[Any]], None]
    ) -> None:
        """Queue what `load_by` loads; `then` is given the objects, their children set, once
        the pipeline is sent. By their key, an aggregate's rows and its children's are asked
        for together; by another column, the children once the aggregates are in."""
        mapper = mapper_of(cls)
        keys = list(keys)
        by_key = len(mapper.key) == 1 and column == mapper.key[0].name
        found: list[Any] = []
        fresh: list[_Loaded] = []

        def roots(rows: list[dict[str, Any]]) -> None:
            found.extend(self._objects(mapper, rows, fresh))
            if not mapper.children:
                then(found)
            elif not by_key:
                self._queue_children(mapper, fresh, [loaded.key for loaded in fresh], done)

        def done() -> None:
            then(found)

        build = functools.partial(_by_key, mapper, column)
        query_keys(self.pipeline, ("load_by", mapper, column), build, keys, roots)
        if mapper.children and by_key:
            self._queue_children(mapper, fresh, keys, done)

    def load(
        self,
        cls: type[Any],
        *where: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
    ) -> list[Any]:
        """The objects whose rows meet `where`, in `order_by` order; an object this
        transaction already holds is returned as it holds it."""
        mapper = mapper_of(cls)
        query = select(mapper.table).where(*where).order_by(*order_by).limit(limit)
        rows = [dict(row) for row in self.connection.execute(query).mappings()]
        fresh: list[_Loaded] = []
        found = self._objects(mapper, rows, fresh)
        if fresh and mapper.children:
            self._queue_children(mapper, fresh, [loaded.key for loaded in fresh], lambda: None)
            self.send_queued()
        return found

    def _objects(
        self, mapper: Mapper, rows: list[dict[str, Any]], fresh: list[_Loaded]
    ) -> list[Any]:
        """The objects the rows hold; those not held before join `fresh` (their children are
        not set yet)."""
        cls = mapper.cls
        found: list[Any] = []
        for row in rows:
            key = mapper.identity(row)
            known = self._identity.get((cls, key))
            if known is None:
                known = _Loaded(mapper.build(row), mapper, key, row, {})
                self._identity[(cls, key)] = known
                fresh.append(known)
            found.append(known.obj)
        return found

    def _queue_children(
        self, mapper: Mapper, parents: list[_Loaded], keys: list[Any], done: Callable[[], None]
    ) -> None:
        """Queue the children of the aggregates with these keys; they are set on `parents`
        (as the list is when they arrive: aggregates loaded by then, and no other), then
        `done` is called."""
        if not keys:
            done()
            return
        left = [len(mapper.children)]
        for name, (child, link, order) in mapper.children.items():

            def arrived(
                rows: list[dict[str, Any]], name: str = name, child: Mapper = child,
                link: Column[Any] = link,
            ) -> None:  # fmt: skip
                by_parent: dict[Any, list[dict[str, Any]]] = defaultdict(list)
                for row in rows:
                    by_parent[row[link.name]].append(row)
                for parent in parents:
                    kept = by_parent.get(parent.key, [])
                    parent.obj.__dict__[name] = [child.build(row) for row in kept]
                    parent.children[name] = kept
                left[0] -= 1
                if not left[0]:
                    done()

            build = functools.partial(_children, child, link, order)
            query_keys(self.pipeline, ("children", child), build, keys, arrived)

    # -- changing --------------------------------------------------------------------------

    def add(self, obj: Any) -> None:
        self._new.append(obj)

    @property
    def held(self) -> Iterable[Any]:
        """Every object added or loaded in this transaction."""
        yield from self._new
        for loaded in self._identity.values():
            yield loaded.obj

    def flush(self) -> None:
        """Write what was added, then what changed (`stage`), now."""
        self.stage()
        self.send_queued()

    def stage(self) -> None:
        """Queue the writes of what was added, then of what changed, table by table in the
        order their references need; afterwards everything held counts as loaded as it now
        is. An update that finds its row changed or gone raises `StaleData` when sent."""
        self.send_queued()
        inserts: dict[Mapper, list[dict[str, Any]]] = defaultdict(list)
        for obj in self._new:
            mapper = mapper_of(type(obj))
            row = mapper.row(obj)
            key = mapper.identity(row)
            children = mapper.child_rows(obj, key)
            inserts[mapper].append(row)
            for name, rows in children.items():
                if rows:
                    inserts[mapper.children[name][0]] += rows
            self._identity[(type(obj), key)] = _Loaded(obj, mapper, key, row, children)
        self._new = []
        for mapper in self._in_dependency_order(inserts):
            self.pipeline.insert(mapper.table, inserts[mapper])
        self._write_changes()

    def _write_changes(self) -> None:
        updates: dict[tuple[Mapper, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
        replaced: list[tuple[_Loaded, str, list[dict[str, Any]]]] = []
        for loaded in self._identity.values():
            mapper = loaded.mapper
            row = mapper.row(loaded.obj)
            children = mapper.child_rows(loaded.obj, loaded.key)
            changed = tuple(sorted(n for n, value in row.items() if loaded.row[n] != value))
            if changed or (mapper.versioned and children != loaded.children):
                if mapper.versioned and "version" not in changed:
                    raise MappingError(f"{mapper.cls.__name__} changed without a new version")
                values = {f"new_{name}": row[name] for name in changed}
                values |= {f"key_{c.name}": loaded.row[c.name] for c in mapper.key}
                if mapper.versioned:
                    values["loaded_version"] = loaded.row["version"]
                updates[(mapper, changed)].append(values)
            for name, rows in children.items():
                if rows != loaded.children.get(name):
                    replaced.append((loaded, name, rows))
            loaded.row, loaded.children = row, children
        for (mapper, changed), rows in updates.items():
            self._update(mapper, changed, rows)
        dialect = self._connection.dialect
        for loaded, name, rows in replaced:
            child, link, _ = loaded.mapper.children[name]
            removal = Prepared.of(("delete children", child), dialect, _removal, child, link)
            self.pipeline.change(removal, [{"parent": loaded.key}])
            if rows:
                self.pipeline.insert(child.table, rows)

    def _update(
        self, mapper: Mapper, changed: tuple[str, ...], values: list[dict[str, Any]]
    ) -> None:
        dialect = self._connection.dialect
        if on_libpq(dialect):  # a row that moved on fails on the server: the commit can follow
            stale = f"{mapper.cls.__name__}: changed or went since it was loaded"
            key = ("checked update", mapper, changed)
            statement = Prepared.of(key, dialect, _checked, mapper, changed, stale=stale)
        else:
            statement = Prepared.of(("update", mapper, changed), dialect, mapper.update, changed)

        def checked(changed_rows: int) -> None:
            if changed_rows != len(values):
                raise StaleData(
                    f"{mapper.cls.__name__}: {len(values) - changed_rows} of {len(values)}"
                    " changed or went since they were loaded"
                )

        self.pipeline.change(statement, values, checked)

    @staticmethod
    def _in_dependency_order(mappers: Iterable[Mapper]) -> list[Mapper]:
        return sorted(mappers, key=lambda mapper: mapper.rank)


def _by_key(mapper: Mapper, column: str, size: int) -> Any:
    return select(mapper.table).where(key_list(mapper.table.c[column], size))


def _children(child: Mapper, link: Column[Any], order: list[Any], size: int) -> Any:
    return select(child.table).where(key_list(link, size)).order_by(*order)


def _checked(mapper: Mapper, changed: tuple[str, ...]) -> Any:
    """The update, failing where it changes no row: 1 divided by the rows it changed."""
    updated = mapper.update(changed).returning(literal(1).label("changed")).cte("updated")
    return select(literal(1) / func.count()).select_from(updated)


def _removal(child: Mapper, link: Column[Any]) -> Any:
    return delete(child.table).where(link == bindparam("parent", type_=link.type))
