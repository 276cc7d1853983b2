"""A deterministic payment gateway for tests and the demo, with the familiar test tokens."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tessera.application.payments.gateway import ChargeResult, GatewayUnavailable
from tessera.domain.shared.money import Money

if TYPE_CHECKING:
    from tessera.adapters.settings import Settings

APPROVES = "tok_visa"
DECLINES = "tok_chargeDeclined"
FAILS_TWICE = "tok_gatewayError"
TEST_TOKENS = (APPROVES, DECLINES, FAILS_TWICE)
TRANSIENT_FAILURES = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS charges (
    idempotency_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    approved INTEGER,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS refunds (
    idempotency_key TEXT PRIMARY KEY,
    amount TEXT NOT NULL,
    currency TEXT NOT NULL
);
"""


class TestPaymentGateway:
    """`tok_visa` approves, `tok_chargeDeclined` declines, `tok_gatewayError` fails twice for
    each charge and then approves. Charges and refunds are idempotent by key.

    Like a real gateway, it remembers each charge on its own side, not in the process that
    calls it: with a `path`, in a SQLite file of its own that every process shares, so a
    charge fails twice in all, whichever payments worker asks and however often one
    restarts. Without one (the in-memory topology), in this process.
    """

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        # Opened on the first charge: a process that only reads never touches the file.
        if self._db is None:
            self._db = sqlite3.connect(
                ":memory:" if self._path is None else str(self._path),
                isolation_level=None,
                timeout=30.0,
                check_same_thread=False,
            )
            self._db.execute("PRAGMA busy_timeout=30000")
            if self._path is not None:  # as the shop's own files: a commit costs no fsync
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        return self._db

    def charge(self, idempotency_key: str, card_token: str, amount: Money) -> ChargeResult:
        with self._lock:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                result = self._charge(db, idempotency_key, card_token)
            except GatewayUnavailable:
                db.execute("COMMIT")  # the failure is remembered, as the gateway saw it
                raise
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return result

    @staticmethod
    def _charge(db: sqlite3.Connection, key: str, card_token: str) -> ChargeResult:
        row = db.execute(
            "SELECT failures, approved, reason FROM charges WHERE idempotency_key = ?", (key,)
        ).fetchone()
        failures = 0 if row is None else int(row[0])
        if row is not None and row[1] is not None:
            return ChargeResult(approved=bool(row[1]), reason=str(row[2]))
        if card_token == FAILS_TWICE and failures < TRANSIENT_FAILURES:
            db.execute(
                "INSERT INTO charges (idempotency_key, failures) VALUES (?, 1)"
                " ON CONFLICT (idempotency_key) DO UPDATE SET failures = failures + 1",
                (key,),
            )
            raise GatewayUnavailable("the gateway timed out")
        if card_token in (APPROVES, FAILS_TWICE):
            result = ChargeResult(approved=True)
        elif card_token == DECLINES:
            result = ChargeResult(approved=False, reason="card declined")
        else:
            result = ChargeResult(approved=False, reason=f"unknown card token {card_token}")
        db.execute(
            "INSERT INTO charges (idempotency_key, failures, approved, reason) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (idempotency_key) DO UPDATE SET approved = excluded.approved,"
            " reason = excluded.reason",
            (key, failures, int(result.approved), result.reason),
        )
        return result

    def refund(self, idempotency_key: str, amount: Money) -> None:
        with self._lock:
            self._connection().execute(
                "INSERT OR IGNORE INTO refunds (idempotency_key, amount, currency)"
                " VALUES (?, ?, ?)",
                (idempotency_key, str(amount.amount), amount.currency),
            )

    def refunded(self, idempotency_key: str) -> Money | None:
        """What was refunded under a key, if anything."""
        with self._lock:
            row = (
                self._connection()
                .execute(
                    "SELECT amount, currency FROM refunds WHERE idempotency_key = ?",
                    (idempotency_key,),
                )
                .fetchone()
            )
        return None if row is None else Money.of(row[0], row[1])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def from_settings(settings: Settings) -> TestPaymentGateway:
    """The test gateway of a shop: its charges kept beside the shop's databases (in memory for
    a shop in memory), so that every process of the shop shares them."""
    where = settings.data_dir
    return TestPaymentGateway(None if where is None else where / "test-gateway.db")
