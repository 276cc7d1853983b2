"""A durable message queue in one SQLite file, shared safely by several OS processes.

Writers take the file's write lock up front (`BEGIN IMMEDIATE`) and wait for it (busy
timeout) instead of failing; WAL lets readers go on meanwhile. A consumer leases the messages
it takes: if it dies holding them, the lease runs out and they are delivered again.
"""

from __future__ import annotations

import fcntl
import json
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tessera.adapters.messaging.causal_order import in_causal_order
from tessera.adapters.messaging.operations import (
    DeadLetter,
    SubscriptionStatus,
    TraceHop,
    discard_record,
)
from tessera.adapters.messaging.queue import Delivery, Listener
from tessera.adapters.persistence.database import StorageUnavailable, read_only_uri
from tessera.application.shared.envelope import OutgoingMessage

_FIRST = [
    """CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    subject TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    causation_id TEXT,
    body TEXT NOT NULL,
    written_at REAL NOT NULL,
    published_at REAL NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS messages_by_correlation ON messages (correlation_id)",
    "CREATE INDEX IF NOT EXISTS messages_by_subject ON messages (subject)",
    """CREATE TABLE IF NOT EXISTS bindings (
    subscription TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (subscription, source)
)""",
    """CREATE TABLE IF NOT EXISTS ignored_types (
    subscription TEXT NOT NULL,
    type TEXT NOT NULL,
    PRIMARY KEY (subscription, type)
)""",
    """CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription TEXT NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages (id),
    state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'done', 'ignored', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    available_at REAL NOT NULL,
    lease_until REAL,
    leased_by TEXT,
    delivered_at REAL,
    handled_at REAL,
    error TEXT,
    dead_at REAL,
    UNIQUE (subscription, message_id)
)""",
    "CREATE INDEX IF NOT EXISTS deliveries_ready ON deliveries (subscription, state, available_at)",
    "CREATE INDEX IF NOT EXISTS deliveries_by_message ON deliveries (message_id)",
]

REVISIONS: tuple[tuple[str, list[str]], ...] = (
    ("q1", _FIRST),
    ("q2", [  # replays and who discarded a dead letter
        "ALTER TABLE deliveries ADD COLUMN replays INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE deliveries ADD COLUMN discarded TEXT",
    ]),
)  # fmt: skip
"""The queue file's revisions, in order: each runs once, as written; where a file stands is
SQLite's `user_version` (how many have run). A change is a new revision at the end."""
HEAD = REVISIONS[-1][0]

_TABLES = ("messages", "bindings", "ignored_types", "deliveries")


def _missing_tables(db: sqlite3.Connection) -> list[str]:
    found = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    return sorted(set(_TABLES) - found)


def _run(db: sqlite3.Connection) -> int | None:
    """How many revisions a queue file has run; None for one with no tables (new). A file
    written before the queue was versioned is read for what it holds: q2's columns, or not."""
    ran = int(db.execute("PRAGMA user_version").fetchone()[0])
    if ran:
        return ran
    if len(_missing_tables(db)) == len(_TABLES):
        return None
    columns = {row[1] for row in db.execute("PRAGMA table_info(deliveries)")}
    return 2 if "replays" in columns else 1


def revision(db: sqlite3.Connection) -> str | None:
    """The revision a queue file stands at; None for one with no tables."""
    ran = _run(db)
    return None if ran is None else REVISIONS[ran - 1][0]


def _bring_up(db: sqlite3.Connection) -> tuple[str | None, str]:
    """Run the revisions a queue file has not, in one transaction; (from, to). One at its
    head is left untouched."""
    if _run(db) == len(REVISIONS):
        return HEAD, HEAD
    db.execute("BEGIN IMMEDIATE")
    try:
        ran = _run(db)  # again, now that no other writer can
        for _, statements in REVISIONS[ran or 0 :]:
            for statement in statements:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {len(REVISIONS)}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return (None if ran is None else REVISIONS[ran - 1][0]), HEAD


def _ids(deliveries: Sequence[Delivery]) -> str:
    """The deliveries' ids as a JSON array: one statement, prepared once, takes any number."""
    return json.dumps([delivery.delivery_id for delivery in deliveries])


class WriterLock:
    """Lets the processes that write one SQLite file take turns in the kernel's queue.

    SQLite's own busy handler polls for a lock with sleeps that grow to 100 ms: with several
    processes writing often, a writer sleeps on a lock freed long before. Writers that first
    take this lock (flock on a file beside the database) wait exactly as long as the writer
    before them writes. SQLite's locks still guard the file against any other writer."""

    def __init__(self, path: Path) -> None:
        try:
            self._file = open(path, "ab")  # noqa: SIM115 (held open until close)
        except OSError as error:
            raise StorageUnavailable(
                f"cannot write data directory {path.parent}: {error.strerror}"
            ) from None

    def __enter__(self) -> None:
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self._file, fcntl.LOCK_UN)

    def close(self) -> None:
        self._file.close()


class SqliteQueue:
    """The embedded queue: `queue.db` in the data directory."""

    def __init__(
        self,
        path: Path | str,
        clock: Callable[[], float] = time.time,
        *,
        read_only: bool = False,
        create: bool = True,
    ) -> None:
        """Open the queue file; `create` makes its tables, `read_only` only reads it (in a
        directory that cannot be written), and refuses every write in one line."""
        self._clock = clock
        self._lock = threading.Lock()
        self._path = Path(path)
        self._read_only = read_only
        self._readied = 0
        """Writes of this connection that may have made a delivery ready (its own writes do
        not move data_version): publishing, releasing, retrying and replaying."""
        self._quiet: dict[str, tuple[tuple[int, int], float]] = {}
        """Per subscription, the queue's state when nothing was ready, and when the first
        message waiting for a retry or a lease falls due."""
        if read_only:
            self._db = sqlite3.connect(
                read_only_uri(self._path), uri=True, isolation_level=None, check_same_thread=False
            )
        else:
            self._db = sqlite3.connect(
                str(path), isolation_level=None, timeout=30.0, check_same_thread=False
            )
            self._writers = WriterLock(Path(f"{path}.lock"))
            self._db.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may wait
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        if create:
            _bring_up(self._db)
        else:
            self._check_tables()

    @staticmethod
    def revision_of(path: Path) -> str | None:
        """The revision an existing queue file stands at (None: it has no tables); reads
        only."""
        db = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            return revision(db)
        finally:
            db.close()

    @staticmethod
    def upgrade(path: Path) -> tuple[str | None, str]:
        """Run the revisions an existing queue file has not; (from, to)."""
        db = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        try:
            db.execute("PRAGMA busy_timeout=30000")
            return _bring_up(db)
        finally:
            db.close()

    def _check_tables(self) -> None:
        if missing := _missing_tables(self._db):
            raise StorageUnavailable(
                f"queue database {self._path} lacks {', '.join(missing)};"
                " prepare the data directory with 'tessera db setup'"
            )
        if (at := revision(self._db)) != HEAD:
            raise StorageUnavailable(
                f"queue database {self._path} is at revision {at} and the code needs {HEAD}:"
                " run 'tessera db upgrade'"
            )

    def close(self) -> None:
        self._db.close()
        if not self._read_only:
            self._writers.close()

    def on_statement(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback` with the text of every SQL statement this queue runs, values in
        place (sqlite3's trace callback), until called again with None: to see, or measure,
        what the queue asks of SQLite."""
        self._db.set_trace_callback(callback)

    def __repr__(self) -> str:
        return f"SqliteQueue({str(self._path)!r})"

    @contextmanager
    def _write(self, readies: bool = False) -> Iterator[sqlite3.Connection]:
        if self._read_only:
            raise StorageUnavailable(
                f"cannot write data directory {self._path.parent}: it is read-only"
            )
        with self._lock, self._writers:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            if readies:
                self._readied += 1

    def _state(self, db: sqlite3.Connection) -> tuple[int, int]:
        """Moves on whenever anything is committed to the queue, by this process or another."""
        return (db.execute("PRAGMA data_version").fetchone()[0], self._readied)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    # -- MessageQueue ---------------------------------------------------------------------

    def bind(
        self,
        subscription: str,
        sources: Collection[str],
        ignoring: Collection[str] = (),
        reacting: Collection[str] = (),
    ) -> None:
        with self._read() as db:  # each process binds as it starts: most find it done
            sources_bound = {
                row[0]
                for row in db.execute(
                    "SELECT source FROM bindings WHERE subscription = ?", (subscription,)
                )
            }
            ignored = {
                row[0]
                for row in db.execute(
                    "SELECT type FROM ignored_types WHERE subscription = ?", (subscription,)
                )
            }
        if sources_bound:
            unchanged = set(sources) <= sources_bound and ignored <= set(ignoring)
        else:
            unchanged = not sources and set(ignoring) <= ignored
        if unchanged:
            return
        with self._write() as db:
            bound = db.execute(
                "SELECT 1 FROM bindings WHERE subscription = ? LIMIT 1", (subscription,)
            ).fetchone()
            if bound:  # leave out only what every consumer of the subscription ignores
                kept = list(ignoring)
                db.execute(
                    "DELETE FROM ignored_types WHERE subscription = ?"
                    f" AND type NOT IN ({','.join('?' * len(kept))})",
                    [subscription, *kept],
                )
            else:
                db.executemany(
                    "INSERT INTO ignored_types (subscription, type) VALUES (?, ?)",
                    [(subscription, event_type) for event_type in ignoring],
                )
            db.executemany(
                "INSERT OR IGNORE INTO bindings (subscription, source) VALUES (?, ?)",
                [(subscription, source) for source in sources],
            )

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if not messages:
            return
        now = self._clock()
        with self._write(readies=True) as db:
            db.executemany(  # bodies are bound as they are: no JSON around JSON
                "INSERT OR IGNORE INTO messages (id, type, source, subject, correlation_id,"
                " causation_id, body, written_at, published_at) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (m.id, m.type, m.source, m.subject, m.correlation_id, m.causation_id,
                     m.body, m.written_at, now)
                    for m in messages
                ],
            )  # fmt: skip
            # One delivery per subscription bound to the message's source that does not
            # ignore its type.
            db.execute(
                "INSERT OR IGNORE INTO deliveries (subscription, message_id, available_at)"
                " SELECT b.subscription, m.id, ? FROM messages m"
                " JOIN bindings b ON b.source = m.source"
                " WHERE m.id IN (SELECT value FROM json_each(?))"
                " AND NOT EXISTS (SELECT 1 FROM ignored_types i"
                "   WHERE i.subscription = b.subscription AND i.type = m.type)",
                (now, json.dumps([m.id for m in messages])),
            )

    def listen(
        self, subscriptions: Collection[str], wake: Callable[[], None], limit: int
    ) -> Listener | None:
        """A file cannot send: a worker asks (polls), and is told cheaply that nothing changed."""
        return None

    def receive(
        self, subscription: str, limit: int, lease_seconds: float, consumer: str
    ) -> list[Delivery]:
        now = self._clock()
        with self._read() as db:  # most polls find nothing: spare them the write lock
            state = self._state(db)
            quiet = self._quiet.get(subscription)
            if quiet is not None and quiet[0] == state and now < quiet[1]:
                return []  # nothing was written since, and nothing has fallen due
            ready = db.execute(
                "SELECT 1 FROM deliveries WHERE subscription = ? AND state = 'ready'"
                " AND available_at <= ? AND (lease_until IS NULL OR lease_until <= ?) LIMIT 1",
                (subscription, now, now),
            ).fetchone()
            if ready is None:
                due = db.execute(
                    "SELECT min(max(available_at, coalesce(lease_until, 0))) FROM deliveries"
                    " WHERE subscription = ? AND state = 'ready'",
                    (subscription,),
                ).fetchone()[0]
                self._quiet[subscription] = (state, math.inf if due is None else due)
                return []
        with self._write() as db:
            rows = db.execute(
                "SELECT d.id, d.message_id, m.type, m.body, d.attempts FROM deliveries d"
                " JOIN messages m ON m.id = d.message_id"
                " WHERE d.subscription = ? AND d.state = 'ready' AND d.available_at <= ?"
                " AND (d.lease_until IS NULL OR d.lease_until <= ?)"
                " ORDER BY d.id LIMIT ?",
                (subscription, now, now, limit),
            ).fetchall()
            db.execute(
                "UPDATE deliveries SET lease_until = ?, leased_by = ?, attempts = attempts + 1,"
                " delivered_at = coalesce(delivered_at, ?)"
                " WHERE id IN (SELECT value FROM json_each(?))",
                (now + lease_seconds, consumer, now, json.dumps([row[0] for row in rows])),
            )
        return [Delivery(subscription, row[0], row[1], row[2], row[3], row[4] + 1) for row in rows]

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        self._finish(deliveries, "done")

    def ignore(self, deliveries: Sequence[Delivery]) -> None:
        self._finish(deliveries, "ignored")

    def _finish(self, deliveries: Sequence[Delivery], state: str) -> None:
        if not deliveries:
            return
        now = self._clock()
        with self._write() as db:
            db.execute(
                "UPDATE deliveries SET state = ?, handled_at = ?, lease_until = NULL,"
                " error = NULL WHERE id IN (SELECT value FROM json_each(?)) AND state = 'ready'",
                (state, now, _ids(deliveries)),
            )

    def release(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        with self._write(readies=True) as db:
            db.execute(
                "UPDATE deliveries SET lease_until = NULL, leased_by = NULL,"
                " attempts = max(attempts - 1, 0)"
                " WHERE id IN (SELECT value FROM json_each(?)) AND state = 'ready'",
                (_ids(deliveries),),
            )

    def retry_later(self, delivery: Delivery, delay_seconds: float, error: str) -> None:
        with self._write(readies=True) as db:
            db.execute(
                "UPDATE deliveries SET available_at = ?, lease_until = NULL, leased_by = NULL,"
                " error = ? WHERE id = ? AND state = 'ready'",
                (self._clock() + delay_seconds, error, delivery.delivery_id),
            )

    def dead_letter(self, delivery: Delivery, error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE deliveries SET state = 'dead', error = ?, dead_at = ?,"
                " lease_until = NULL WHERE id = ? AND state = 'ready'",
                (error, self._clock(), delivery.delivery_id),
            )

    def pending(self, subscriptions: Collection[str]) -> int:
        names = list(subscriptions)
        marks = ",".join("?" * len(names))
        with self._read() as db:
            row = db.execute(
                "SELECT count(*) FROM deliveries WHERE state = 'ready'"
                f" AND subscription IN ({marks})",
                names,
            ).fetchone()
        return int(row[0])

    def unsettled(self, correlation_id: str, subscriptions: Collection[str] | None = None) -> int:
        with self._read() as db:
            rows = db.execute(
                "SELECT d.subscription, count(*) FROM messages m"
                " JOIN deliveries d ON d.message_id = m.id"
                " WHERE m.correlation_id = ? AND d.state = 'ready' GROUP BY d.subscription",
                (correlation_id,),
            ).fetchall()
        return sum(n for name, n in rows if subscriptions is None or name in subscriptions)

    # -- QueueOperations ------------------------------------------------------------------

    def status(self) -> list[SubscriptionStatus]:
        now = self._clock()
        with self._read() as db:
            rows = db.execute(
                "SELECT b.subscription,"
                " sum(d.state = 'ready' AND d.available_at <= ?"
                "     AND (d.lease_until IS NULL OR d.lease_until <= ?)),"
                " sum(d.state = 'ready' AND d.available_at > ?),"
                " sum(d.state = 'ready' AND d.lease_until > ?),"
                " sum(d.state = 'dead' AND d.discarded IS NULL),"
                " min(CASE WHEN d.state = 'ready' THEN m.written_at END)"
                " FROM (SELECT DISTINCT subscription FROM bindings) b"
                " LEFT JOIN deliveries d ON d.subscription = b.subscription"
                " LEFT JOIN messages m ON m.id = d.message_id"
                " GROUP BY b.subscription ORDER BY b.subscription",
                (now, now, now, now),
            ).fetchall()
        return [
            SubscriptionStatus(
                name,
                ready or 0,
                waiting or 0,
                leased or 0,
                dead or 0,
                None if oldest is None else max(now - oldest, 0.0),
            )
            for name, ready, waiting, leased, dead, oldest in rows
        ]

    def dead_letters(self) -> list[DeadLetter]:
        with self._read() as db:
            rows = db.execute(
                "SELECT d.subscription, d.message_id, m.type, d.error, d.attempts, d.dead_at,"
                " m.subject FROM deliveries d JOIN messages m ON m.id = d.message_id"
                " WHERE d.state = 'dead' AND d.discarded IS NULL ORDER BY d.dead_at, d.id"
            ).fetchall()
        return [DeadLetter(*row) for row in rows]

    _DEAD = (
        " WHERE message_id = ? AND state = 'dead' AND discarded IS NULL"
        " AND (? IS NULL OR subscription = ?)"
    )

    def replay(self, message_id: str, subscription: str | None = None) -> int:
        with self._write(readies=True) as db:
            cursor = db.execute(
                "UPDATE deliveries SET state = 'ready', attempts = 0, available_at = ?,"
                " lease_until = NULL, leased_by = NULL, replays = replays + 1" + self._DEAD,
                (self._clock(), message_id, subscription, subscription),
            )
            return cursor.rowcount

    def discard(
        self, message_id: str, reason: str, by: str, subscription: str | None = None
    ) -> int:
        record = discard_record(by, self._clock(), reason)
        with self._write() as db:
            cursor = db.execute(
                "UPDATE deliveries SET discarded = ?" + self._DEAD,
                (record, message_id, subscription, subscription),
            )
            return cursor.rowcount

    def trace(self, identifier: str) -> list[TraceHop]:
        with self._read() as db:
            rows = db.execute(
                "SELECT m.id, m.type, m.source, m.subject, m.correlation_id, m.causation_id,"
                " m.written_at, d.subscription, d.state, d.delivered_at, d.handled_at,"
                " coalesce(d.replays, 0), d.discarded, coalesce(d.attempts, 0)"
                " FROM messages m LEFT JOIN deliveries d ON d.message_id = m.id"
                " WHERE m.correlation_id IN (SELECT correlation_id FROM messages"
                "   WHERE correlation_id = ? OR subject = ? OR id = ?)",
                (identifier, identifier, identifier),
            ).fetchall()
        return in_causal_order([TraceHop(*row) for row in rows])

    def purge(self, handled_before: float) -> int:
        with self._write() as db:
            db.execute(
                "DELETE FROM deliveries WHERE state IN ('done', 'ignored') AND handled_at < ?",
                (handled_before,),
            )
            cursor = db.execute(
                "DELETE FROM messages WHERE published_at < ? AND NOT EXISTS"
                " (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id)",
                (handled_before,),
            )
            return cursor.rowcount
