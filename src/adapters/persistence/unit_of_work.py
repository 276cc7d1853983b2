"""The SQLAlchemy unit of work each context's adapter builds on.

Committing writes the integration events that the changed aggregates caused into the
context's outbox, in the same transaction: the change and its announcement land together or
not at all.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

from sqlalchemy import Column, Connection, Engine, Select, select
from sqlalchemy.exc import IntegrityError, OperationalError

from tessera.adapters.persistence.database import StorageUnavailable, first_line
from tessera.adapters.persistence.mapping import IdentityMap
from tessera.adapters.persistence.messaging_tables import MessagingTables, outbox_row
from tessera.adapters.persistence.prepared import Pipeline, StaleData, key_list, query_keys
from tessera.adapters.persistence.repository import SqlAlchemyRepository
from tessera.application.shared.envelope import Envelope, OutgoingMessage
from tessera.application.shared.errors import ConcurrencyConflict
from tessera.application.shared.integration import published_forms
from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.events import DomainEvent

Translator = Callable[[DomainEvent], Iterable[object]]
TRANSACTION_ROLLBACK = "40"
"""PostgreSQL's class of errors after which the same transaction may succeed if tried again."""


def _seen(column: Column[str], size: int) -> Select[Any]:
    return select(column).where(key_list(column, size))


class SqlInbox:
    """Message ids this context has handled, in its own database.

    Its look-up goes with whatever the store has queued (a batch's preloads): one round trip
    for both. Ids are written together when the unit of work commits, in its transaction.
    """

    def __init__(self, pipeline: Pipeline, tables: MessagingTables) -> None:
        self._pipeline = pipeline
        self._tables = tables
        self._recorded: dict[str, dict[str, object]] = {}

    def seen(self, message_ids: Collection[str]) -> set[str]:
        ids = list(message_ids)
        column = self._tables.inbox.c.message_id
        build = functools.partial(_seen, column)
        rows: list[dict[str, Any]] = []
        query_keys(self._pipeline, ("seen", column), build, ids, rows.extend)
        self._pipeline.send()
        return {row["message_id"] for row in rows} | (set(ids) & self._recorded.keys())

    def record(self, message_id: str, message_type: str) -> None:
        row = {"message_id": message_id, "type": message_type, "handled_at": time.time()}
        self._recorded[message_id] = row

    def stage(self) -> None:
        """Queue the ids recorded, to be written with the rest of the commit."""
        if self._recorded:
            self._pipeline.insert(self._tables.inbox, list(self._recorded.values()))
            self._recorded.clear()


RepositoryT = TypeVar("RepositoryT", bound=SqlAlchemyRepository[Any])


class DeclaredRepository(Generic[RepositoryT]):
    """A repository a unit of work declares (`accounts = repository(SqlAlchemyAccounts)`):
    made afresh on the unit's store each time the unit begins."""

    def __init__(self, kind: type[RepositoryT]) -> None:
        self.kind = kind
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, unit: None, owner: type) -> Self: ...

    @overload
    def __get__(self, unit: object, owner: type) -> RepositoryT: ...

    def __get__(self, unit: object | None, owner: type) -> Self | RepositoryT:
        if unit is None:
            return self
        raise AttributeError(f"{self.name}: the unit of work has not begun (use it in a with)")


def repository(kind: type[RepositoryT]) -> DeclaredRepository[RepositoryT]:
    """Declare one of a unit of work's repositories, in its class body."""
    return DeclaredRepository(kind)


class SqlAlchemyUnitOfWork:
    """One transaction on one context's database; rolls back unless committed.

    Subclasses declare their repositories: `orders = repository(SqlAlchemyOrders)`.
    """

    connection: Connection
    store: IdentityMap
    inbox: SqlInbox

    def __init__(self, engine: Engine, tables: MessagingTables, translate: Translator) -> None:
        self._engine = engine
        self._tables = tables
        self._translate = translate

    def __enter__(self) -> Self:
        self.connection = self._engine.connect()
        self.store = IdentityMap(self.connection)
        self.inbox = SqlInbox(self.store.pipeline, self._tables)
        self._outgoing: list[dict[str, object]] = []
        self._repositories: list[SqlAlchemyRepository[Any]] = []
        for declared in self.declared_repositories():
            made = declared.kind(self.store)
            self.__dict__[declared.name] = made  # read before the declaration, as a class's is
            self._repositories.append(made)
        return self

    @classmethod
    def declared_repositories(cls) -> list[DeclaredRepository[Any]]:
        """The repositories this unit of work's class (and those it derives from) declares."""
        found: dict[str, DeclaredRepository[Any]] = {}
        for klass in reversed(cls.__mro__):
            found |= {n: v for n, v in vars(klass).items() if isinstance(v, DeclaredRepository)}
        return list(found.values())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.connection.close()

    def preload(self, subjects: Collection[str]) -> None:
        """Queue the load of what a batch of messages is about, a query per repository (not
        one per message), to go with the inbox's look-up that follows: on a server, one
        round trip for all of them."""
        for repository in self._repositories:
            repository.preload(subjects)

    def commit(self) -> None:
        """The changes, the outbox's rows and the inbox's ids sent together, and on a server
        the COMMIT with them: one round trip, however many statements."""
        try:
            self._record(self._changed_anywhere())
            self.store.stage()
            pipeline = self.store.pipeline
            if self._outgoing:
                pipeline.insert(self._tables.outbox, self._outgoing)
                self._outgoing.clear()
            self.inbox.stage()
            pipeline.send(commit=True)
            self.connection.commit()  # on a server, committed already: nothing is sent
        except StaleData:
            self.connection.rollback()
            raise ConcurrencyConflict(
                "someone else changed the same record at the same time; nothing was written,"
                " try again"
            ) from None
        except IntegrityError as error:
            self.connection.rollback()
            raise ConcurrencyConflict(
                f"the change conflicts with one made at the same time: {error.orig}"
            ) from None
        except OperationalError as error:
            self.connection.rollback()
            if getattr(error.orig, "sqlstate", "").startswith(TRANSACTION_ROLLBACK):
                raise ConcurrencyConflict(  # a deadlock or serialization failure: try again
                    f"the change collided with one made at the same time: {first_line(error.orig)}"
                ) from None
            raise StorageUnavailable(
                f"the database refused the change: {first_line(error.orig)}"
            ) from None

    def rollback(self) -> None:
        self._outgoing.clear()
        self.connection.rollback()

    def record_events(self) -> None:
        """Turn the events the changed aggregates recorded into outbox rows, under the cause
        in hand; they are written when the unit of work commits, all in one statement.

        Only an aggregate a repository gave out since the last call can have changed: a
        batch of messages, recorded after each, costs in proportion to its size, not to its
        square. Committing looks at every new and changed one as well."""
        self._record(a for r in self._repositories for a in r.handed_out())

    def _changed_anywhere(self) -> Iterable[object]:
        return self.store.held

    def _record(self, touched: Iterable[object]) -> None:
        events = [e for a in touched if isinstance(a, AggregateRoot) for e in a.pull_events()]
        today = datetime.now(UTC).date()
        self._outgoing += [
            outbox_row(
                OutgoingMessage.of(
                    Envelope.wrap(
                        form.event, alongside=form.alongside, superseded_by=form.superseded_by
                    )
                )
            )
            for event in events
            for form in published_forms(list(self._translate(event)), today)
        ]
