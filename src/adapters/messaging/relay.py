"""The outbox relay: moves a context's written messages to the queue, then marks them sent.

A crash between the two sends them again on the next run; the queue stores a message id
once, and consumers' inboxes ignore what they have handled, so nothing is lost or doubled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, Table, Update, bindparam, delete, func, select, update

from tessera.adapters.messaging.queue import Listener, MessageQueue
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.database import ChangeWatch
from tessera.adapters.persistence.messaging_tables import outgoing_message
from tessera.adapters.persistence.prepared import Pipeline, Prepared, bucket, key_list, padded

if TYPE_CHECKING:
    from tessera.adapters.persistence.postgres import OutboxListener

UNHEARD_SECONDS = 1.0
"""While listening, the outbox is read at least this often, in case a notification was lost."""


def _unsent(outbox: Table) -> Select[Any]:
    """Unsent rows, oldest first, claimed: on PostgreSQL, several relays of one context each
    take rows no other one holds (SQLite has one writer at a time, and no such clause)."""
    query = select(outbox).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.position)
    return query.limit(bindparam("limit")).with_for_update(skip_locked=True)


def _claimed(outbox: Table) -> Update:
    """On a server: unsent rows, oldest first, claimed and marked sent in one statement, in
    the transaction that commits only once the broker has confirmed them (a round trip less
    than reading, then marking). Not on SQLite, where an UPDATE takes the write lock even
    when it finds nothing, and most reads find nothing."""
    unsent = _unsent(outbox).with_only_columns(outbox.c.position).scalar_subquery()
    marked = update(outbox).where(outbox.c.position.in_(unsent))
    return marked.values(sent_at=bindparam("sent_at")).returning(*outbox.c)


def _unawaited_commit() -> Select[Any]:
    """The transaction's commit returns without waiting for the server to flush it to disk.
    For the relay's own transaction only: what it records is that rows were sent, and a mark
    lost in a crash of the server sends them again, which consumers' inboxes ignore (as when
    the relay itself dies between publishing and marking)."""
    return select(func.set_config("synchronous_commit", "off", True))


def _mark_sent(outbox: Table, size: int) -> Update:
    where = key_list(outbox.c.position, size)
    return update(outbox).where(where).values(sent_at=bindparam("sent_at"))


class OutboxRelay:
    def __init__(
        self,
        database: ContextDatabase,
        queue: MessageQueue,
        batch_size: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._database = database
        self._outbox = database.tables.outbox
        self._queue = queue
        self._batch_size = batch_size
        self._clock = clock
        self._watch = ChangeWatch(database.engine)
        self._lock = threading.Lock()
        self._read_all_at: object = None
        self._listener: OutboxListener | None = None

    def relay(self) -> int:
        """Send one batch of unsent messages; returns how many were sent.

        The outbox is not read again, once read to its end, until another connection
        commits to the context's database: the relay reads and marks on the watch's own
        connection, whose commits do not count."""
        with self._lock, self._watch.connection() as (connection, version):
            mark = self._mark(version)
            if mark is not None and mark == self._read_all_at:
                return 0
            dialect = connection.dialect
            if dialect.name != "sqlite":
                rows = self._claim(connection)
                if len(rows) < self._batch_size:
                    self._read_all_at = mark
                return len(rows)
            unsent = Prepared.of(("unsent", self._outbox), dialect, _unsent, self._outbox)
            rows = unsent.rows(connection, {"limit": self._batch_size})
            if rows:
                self._queue.publish([outgoing_message(row) for row in rows])
                size = bucket(len(rows))
                key = ("mark_sent", self._outbox, size)
                mark_sent = Prepared.of(key, dialect, _mark_sent, self._outbox, size)
                sent = padded([row["position"] for row in rows], size)
                mark_sent.run(connection, [{**sent, "sent_at": self._clock()}])
            if len(rows) < self._batch_size:
                self._read_all_at = mark
            return len(rows)

    def _claim(self, connection: Connection) -> list[dict[str, Any]]:
        """Claim and mark a batch, publish it, and let the caller commit: a failure to publish
        rolls the marks back. `sent_at` is when the batch was claimed."""
        dialect = connection.dialect
        claim = Prepared.of(("claimed", self._outbox), dialect, _claimed, self._outbox)
        pipeline = Pipeline(connection)  # one round trip for BEGIN, the setting and the claim
        unawaited = Prepared.of("unawaited commit", dialect, _unawaited_commit)
        pipeline.change(unawaited, [{}])
        found = pipeline.rows(claim, {"limit": self._batch_size, "sent_at": self._clock()})
        rows = sorted(found, key=lambda row: int(row["position"]))
        if rows:
            self._queue.publish([outgoing_message(row) for row in rows])
        return rows

    def _mark(self, version: int | None) -> object:
        """What says whether the outbox may have changed since it was read to its end: SQLite's
        data_version; on PostgreSQL, while listening, the notifications heard so far (and,
        in case one was missed, the second on the clock); otherwise nothing (always read)."""
        if version is not None:
            return version
        if self._listener is None or self._listener.closed:
            return None
        return (self._listener.heard, int(time.monotonic() // UNHEARD_SECONDS))

    def listen(self) -> Listener | None:
        """A listener the worker waits on, which hears when the context writes its outbox,
        where its database can say so (PostgreSQL's notifications); the outbox is then read
        only when it was written. None where the relay must poll (SQLite, whose
        data_version gates it)."""
        if self._database.engine.dialect.name != "postgresql":
            return None
        from tessera.adapters.persistence.postgres import OutboxListener

        self._listener = OutboxListener(self._database.engine, self._database.name)
        return self._listener

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        self._watch.close()

    def backlog(self) -> int:
        """Messages written but not yet sent."""
        with self._database.engine.connect() as connection:
            query = select(func.count()).where(self._outbox.c.sent_at.is_(None))
            return int(connection.execute(query).scalar_one())

    def written(self, correlation_id: str) -> tuple[int, int]:
        """How many messages of one conversation this context wrote, and how many of those
        are not sent yet."""
        outbox = self._outbox
        query = select(func.count(), func.count().filter(outbox.c.sent_at.is_(None))).where(
            outbox.c.correlation_id == correlation_id
        )
        with self._database.engine.connect() as connection:
            total, unsent = connection.execute(query).one()
            return int(total), int(unsent)

    def purge(self, before: float) -> int:
        """Forget sent messages and handled message ids older than `before`."""
        inbox = self._database.tables.inbox
        with self._database.engine.begin() as connection:
            sent = connection.execute(delete(self._outbox).where(self._outbox.c.sent_at < before))
            seen = connection.execute(delete(inbox).where(inbox.c.handled_at < before))
            return int(sent.rowcount) + int(seen.rowcount)
