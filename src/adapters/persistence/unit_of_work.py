"""The SQLAlchemy unit of work each context's adapter builds on.

Committing writes the integration events that the changed aggregates caused into the
context's outbox, in the same transaction: the change and its announcement land together or
not at all.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Collection, Iterable
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Column, Connection, Engine, Select, select
from sqlalchemy.exc import IntegrityError, OperationalError

from adapters.persistence.database import StorageUnavailable, first_line
from adapters.persistence.mapping import StaleData, Store
from adapters.persistence.messaging_tables import MessagingTables, outbox_row
from adapters.persistence.prepared import insert_rows, key_list, rows_for_keys
from adapters.persistence.repository import SqlAlchemyRepository
from application.shared.envelope import Envelope
from application.shared.errors import ConcurrencyConflict
from application.shared.queue import OutgoingMessage
from domain.shared.aggregate import AggregateRoot
from domain.shared.events import DomainEvent

Translator = Callable[[DomainEvent], Iterable[object]]
TRANSACTION_ROLLBACK = "40"
"""PostgreSQL's class of errors after which the same transaction may succeed if tried again."""


def _seen(column: Column[str], size: int) -> Select[Any]:
    return select(column).where(key_list(column, size))


class SqlInbox:
    """Message ids this context has handled, in its own database.

    Ids are written together when the unit of work commits, in its transaction.
    """

    def __init__(self, connection: Connection, tables: MessagingTables) -> None:
        self._connection = connection
        self._tables = tables
        self._recorded: dict[str, dict[str, object]] = {}

    def seen(self, message_ids: Collection[str]) -> set[str]:
        ids = list(message_ids)
        column = self._tables.inbox.c.message_id
        build = functools.partial(_seen, column)
        rows = rows_for_keys(self._connection, ("seen", column), build, ids)
        return {row["message_id"] for row in rows} | (set(ids) & self._recorded.keys())

    def record(self, message_id: str, message_type: str) -> None:
        row = {"message_id": message_id, "type": message_type, "handled_at": time.time()}
        self._recorded[message_id] = row

    def write(self) -> None:
        if self._recorded:
            insert_rows(self._connection, self._tables.inbox, list(self._recorded.values()))
            self._recorded.clear()


class SqlAlchemyUnitOfWork:
    """One transaction on one context's database; rolls back unless committed.

    Subclasses name their repositories in `_open_repositories`.
    """

    connection: Connection
    store: Store
    inbox: SqlInbox

    def __init__(self, engine: Engine, tables: MessagingTables, translate: Translator) -> None:
        self._engine = engine
        self._tables = tables
        self._translate = translate

    def __enter__(self) -> Self:
        self.connection = self._engine.connect()
        self.store = Store(self.connection)
        self.inbox = SqlInbox(self.connection, self._tables)
        self._outgoing: list[dict[str, object]] = []
        self._open_repositories(self.store)
        self._repositories = [
            repository for repository in vars(self).values()
            if isinstance(repository, SqlAlchemyRepository)
        ]  # fmt: skip
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.connection.close()

    def _open_repositories(self, store: Store) -> None:
        raise NotImplementedError

    def preload(self, subjects: Collection[str]) -> None:
        """Load what a batch of messages is about in a query per repository, not one per
        message."""
        for repository in self._repositories:
            repository.preload(subjects)

    def commit(self) -> None:
        try:
            self._record(self._changed_anywhere())
            self.store.flush()
            if self._outgoing:
                insert_rows(self.connection, self._tables.outbox, self._outgoing)
                self._outgoing.clear()
            self.inbox.write()
            self.connection.commit()
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
        self._outgoing += [
            outbox_row(OutgoingMessage.of(Envelope.wrap(integration_event)))
            for event in events
            for integration_event in self._translate(event)
        ]
