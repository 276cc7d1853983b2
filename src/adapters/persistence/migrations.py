"""Each context's schema, evolved by its own Alembic revisions, in its own version table.

A context ships its revisions in a directory of its package (`adapters/<context>/migrations`):
contexts evolve independently, as services do, so each has its own history and its own
`alembic_version` table, in its own database (SQLite) or schema (PostgreSQL). No `env.py` of
its own: Alembic's commands run them in Tessera's (`alembic_environment`), on the context's
own connection.

Every context's history has two branches: the context's own revisions, and `messaging`
(`messaging_revisions`: the outbox and inbox every context holds, written once for all).
Where a database stands is both heads, written `<own>+<messaging>` (`0004+m0003`).

A database is either at the code's head revisions, or it is refused, changing nothing, with one
line that names `tessera db upgrade`. Only that command (and the preparation of a fresh shop)
changes a schema. A database written before Tessera had migrations holds the tables of the
first revision and no version table: upgrading adopts it, keeping every row.
"""

from __future__ import annotations

import ast
import os
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    column,
    create_engine,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.exc import DBAPIError

from tessera.adapters.persistence.database import (
    NotSetUp,
    StorageUnavailable,
    cannot_open,
    create_schema,
    first_line,
    where,
)

VERSION_TABLE = "alembic_version"
BASELINE = ("0001", "m0001")
"""The first revision of every context and of the messaging branch: the tables as Tessera
made them before it had migrations, which a database without a version table is adopted at."""
MESSAGING = Path(__file__).parent / "messaging_revisions"
"""The messaging branch's revisions, run in every context's history beside its own."""
EARLIER_LINE = {
    "0001": ("0001", "m0001"),
    "0002": ("0001", "m0002"),
    "0003": ("0001", "m0003"),
    "0004": ("0004", "m0003"),
}
"""Where a database stands that a release before the messaging branch left at one revision
of its context's single line, whose 0002 and 0003 were the branch's m0002 and m0003."""

ENVIRONMENT = Path(__file__).parent / "alembic_environment"
"""Where Alembic finds the environment (`env.py`) every context's revisions run in."""

if TYPE_CHECKING:  # Alembic is loaded to change a schema, never to check one
    from alembic.config import Config
    from alembic.script import ScriptDirectory

_scripts: dict[Path, ScriptDirectory] = {}
_heads: dict[Path, str] = {}
_scripts_lock = threading.Lock()


@attrs.frozen
class Revisions:
    """Where a database stands against its context's code."""

    context: str
    revision: str | None
    """None: no version table (an empty database, or one written before migrations)."""
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.revision == self.head


@attrs.frozen
class Migrations:
    """One context's revisions, and what they do to its database."""

    context: str
    location: Path
    metadata: MetaData

    def _script(self) -> ScriptDirectory:
        from alembic.script import ScriptDirectory

        with _scripts_lock:
            found = _scripts.get(self.location)
            if found is None:
                found = _scripts[self.location] = ScriptDirectory(
                    str(self.location), version_locations=[str(p) for p in self._locations]
                )
            return found

    @property
    def head(self) -> str:
        """The code's head revisions, its own and the messaging branch's: read from the
        revision files' `revision` and `down_revision` where each forms one line, as Alembic
        would; else Alembic's answer."""
        with _scripts_lock:
            found = _heads.get(self.location)
        if found is None:
            own, messaging = _single_head(self.location), _single_head(MESSAGING)
            if own is not None and messaging is not None:
                found = _joined([own, messaging])
            else:
                found = _joined(self._script().get_heads())
            with _scripts_lock:
                _heads[self.location] = found
        return found

    def revisions(self, engine: Engine) -> Revisions:
        """Where the database stands; reads only (a missing version table is not made)."""
        try:
            with engine.connect() as connection:
                current = _current(connection)
        except DBAPIError as error:
            raise cannot_open(engine, error) from None
        return Revisions(self.context, current, self.head)

    def check(self, bind: Engine | Connection) -> None:
        """Refuse, changing nothing, a database that is not at the code's head."""
        if isinstance(bind, Engine):
            with bind.connect() as connection:
                self.check(connection)
            return
        try:
            found = Revisions(self.context, _current(bind), self.head)
            has_tables = found.revision is not None or _has_tables_on(bind)
        except DBAPIError as error:
            raise cannot_open(bind.engine, error) from None
        engine = bind.engine
        if found.up_to_date:
            return
        if found.revision is None:
            if has_tables:
                state = "was written before Tessera had migrations"
            else:
                raise NotSetUp(
                    f"{where(engine)} holds no tables of {self.context}; prepare it with"
                    " 'tessera db setup'"
                )
        else:
            state = f"is at revision {found.revision}"
        raise StorageUnavailable(
            f"{where(engine)} of {self.context} {state} and the code needs {found.head}:"
            " run 'tessera db upgrade'"
        )

    def prepare(self, engine: Engine) -> None:
        """For a shop being created: an empty database is brought to head; one at head is
        left as it is; any other is refused, as `check` refuses it."""
        found = self.revisions(engine)
        if found.revision is None and not _has_tables(engine):
            self.upgrade(engine)
        else:
            self.check(engine)

    def upgrade(self, engine: Engine) -> tuple[str | None, str]:
        """Run the revisions from where the database stands to head, in one transaction;
        returns (from, to). A database without a version table but with tables (written
        before migrations) is adopted first: brought to the baseline's tables where that is
        only adding (columns that may be empty, indexes), and stamped at the baseline."""
        head = self.head
        try:
            if self.revisions(engine).revision is None and _has_tables(engine):
                create_schema(engine, self._baseline())
            with engine.connect() as connection, _exclusive(connection, self.context):
                before = _current(connection)
                if before == head:
                    return before, head
                if before is None and _has_tables_on(connection):
                    self._stamp(connection, BASELINE)
                elif before in EARLIER_LINE:
                    self._stamp(connection, EARLIER_LINE[before])
                self._run(connection, "heads")
                connection.commit()
                return before, head
        except DBAPIError as error:
            raise StorageUnavailable(
                f"cannot upgrade {where(engine)}: {first_line(error.orig)}"
            ) from None

    def _baseline(self) -> MetaData:
        """The baseline revision's tables, as running it on an empty database makes them."""
        scratch = create_engine("sqlite://")
        try:
            with scratch.connect() as connection:
                for revision in BASELINE:
                    self._run(connection, revision)
                connection.commit()
            tables = MetaData()
            tables.reflect(scratch)
            tables.remove(tables.tables[VERSION_TABLE])
            return tables
        finally:
            scratch.dispose()

    def _config(self, connection: Connection) -> Config:
        """Alembic's configuration for this context's revisions on the connection, run by
        Tessera's own environment (no file of the context's but its revisions)."""
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(ENVIRONMENT))
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(map(str, self._locations)))
        config.attributes.update(
            connection=connection, metadata=self.metadata, version_table=VERSION_TABLE
        )
        return config

    def _run(self, connection: Connection, destination: str) -> None:
        """Run the revisions from where the database stands to `destination`."""
        from alembic import command

        command.upgrade(self._config(connection), destination)

    def _stamp(self, connection: Connection, revisions: Sequence[str]) -> None:
        """Record `revisions` as where the database stands, and nothing else, running
        nothing."""
        from alembic import command

        command.stamp(self._config(connection), list(revisions), purge=True)

    @property
    def _locations(self) -> tuple[Path, Path]:
        return self.location, MESSAGING


def _current(connection: Connection) -> str | None:
    """Where the database stands, its heads joined; None without a version table."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    versions = connection.execute(select(table(VERSION_TABLE, column("version_num")))).scalars()
    return _joined(versions) or None


def _joined(heads: Iterable[str]) -> str:
    """Heads as one text, in one order: `0004+m0003`."""
    return "+".join(sorted(heads))


def _single_head(location: Path) -> str | None:
    """The one revision no other revises, if the files form one line; None otherwise."""
    revisions: dict[str, object] = {}
    for path in location.glob("*.py"):
        assigned = {
            target.id: node.value
            for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        revision = assigned.get("revision")
        if isinstance(revision, ast.Constant) and isinstance(revision.value, str):
            down = assigned.get("down_revision")
            if not isinstance(down, ast.Constant) or not isinstance(down.value, str | None):
                return None  # a merge or a branch: Alembic's to read
            revisions[revision.value] = down.value
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        return _has_tables_on(connection)


def _has_tables_on(connection: Connection) -> bool:
    names = set(inspect(connection).get_table_names()) - {VERSION_TABLE}
    return bool(names - {"sqlite_sequence"})


@contextmanager
def _exclusive(connection: Connection, context: str) -> Iterator[None]:
    """One upgrade of a context's database at a time, across processes: PostgreSQL's
    transaction-scoped advisory lock; SQLite's write lock, taken at once."""
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(f"tessera migrations {context}".encode())
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            connection.rollback()  # what was not committed; a no-op after commit
        return
    # A batch migration copies a table and drops the old one: foreign keys stay unchecked
    # until it is done (SQLite changes this only outside a transaction).
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield
    finally:
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
