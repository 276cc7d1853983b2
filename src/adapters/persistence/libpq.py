"""Prepared statements sent on libpq's pipeline directly, beneath psycopg.

psycopg's own pipeline mode sends each protocol message as it is queued, polling the
socket before each (two system calls a message, and the server woken for each); run one
after another, every statement is a round trip. Here a batch of statements goes out in one
write: the transaction's BEGIN where none is open, a Parse for each statement the connection
has not prepared yet, a Bind and Execute for each set of values, one Sync; then every result
is read in turn (decision 30 gives what it saves against psycopg's pipeline).

Values go as text, which the server reads by the types it inferred when it prepared the
statement; rows come as text and are loaded by psycopg's own loaders for their types (its
`Transformer`), as a cursor would load them. psycopg keeps its own prepared statements off
these connections (`prepare_threshold=None`): it deallocates all of a connection's after any
rollback, ours with them.
"""

from __future__ import annotations

import select
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.errors import error_from_result
from sqlalchemy import Connection

if TYPE_CHECKING:
    from tessera.adapters.persistence.prepared import Queued

_STATE = "tessera.libpq"
"""Where a pooled connection keeps what the server has prepared on it, and its loaders."""
_OK = (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK)
_IDLE = pq.TransactionStatus.IDLE


class _Session:
    """What one driver connection's server session holds: the statements prepared on it."""

    def __init__(self, driver: psycopg.Connection[Any]) -> None:
        self.driver = driver
        self.prepared: set[bytes] = set()
        self.transformer = Transformer(driver)
        self.encoding = driver.info.encoding


def _session(connection: Connection) -> _Session:
    pooled = connection.connection
    driver = pooled.dbapi_connection
    assert isinstance(driver, psycopg.Connection)
    found = pooled.info.get(_STATE)
    if not isinstance(found, _Session) or found.driver is not driver:
        found = pooled.info[_STATE] = _Session(driver)
    return found


def _begin(driver: psycopg.Connection[Any]) -> bytes:
    """The BEGIN psycopg itself would send, with the connection's transaction settings."""
    command = "BEGIN"
    if driver.isolation_level is not None:
        command += f" ISOLATION LEVEL {driver.isolation_level.name.replace('_', ' ')}"
    if driver.read_only is not None:
        command += " READ ONLY" if driver.read_only else " READ WRITE"
    if driver.deferrable is not None:
        command += " DEFERRABLE" if driver.deferrable else " NOT DEFERRABLE"
    return command.encode()


def send(connection: Connection, batch: Sequence[Queued], commit: bool = False) -> None:
    """Send the batch in one go (and COMMIT after it, with `commit`) and hand each
    statement's results to its callback; the first error raises, as the statement's own
    `failed` makes it, and what followed it (the COMMIT too) was not run."""
    session = _session(connection)
    driver = session.driver
    pgconn = driver.pgconn
    dump = session.transformer.dump_sequence
    # What each result read back answers: the BEGIN or the COMMIT (None), a statement's Parse
    # (its name), or one run of a queued statement (its place in the batch).
    expected: list[int | bytes | None] = []
    try:
        pgconn.enter_pipeline_mode()
        try:
            if not driver.autocommit and pgconn.transaction_status == _IDLE:
                pgconn.send_query_params(_begin(driver), None)
                expected.append(None)
            for place, item in enumerate(batch):
                name = item.statement.name
                if name not in session.prepared and name not in expected:
                    pgconn.send_prepare(name, item.statement.sql.encode())
                    expected.append(name)
                for values in item.values:
                    pgconn.send_query_prepared(name, dump(values, [PyFormat.TEXT] * len(values)))
                    expected.append(place)
            if commit and not driver.autocommit:
                pgconn.send_query_params(b"COMMIT", None)
                expected.append(None)
            pgconn.pipeline_sync()
            _flush(pgconn)
            results = _read_to_sync(pgconn)
        finally:
            if pgconn.status == pq.ConnStatus.OK and pgconn.pipeline_status:
                _leave_pipeline(connection, pgconn)
    except psycopg.Error as error:
        raise batch[0].statement.failed(connection, error, batch[0].values) from None
    except BaseException:
        connection.invalidate()  # interrupted halfway: what the session holds is unknown
        raise
    _deliver(connection, session, batch, expected, results)


def _deliver(
    connection: Connection,
    session: _Session,
    batch: Sequence[Queued],
    expected: list[int | bytes | None],
    results: list[pq.abc.PGresult],
) -> None:
    """Each statement's rows, or the rows it changed, to its callback; or the first error."""
    failed: tuple[Queued, pq.abc.PGresult] | None = None
    changed = [0] * len(batch)
    found: list[list[dict[str, Any]]] = [[] for _ in batch]
    for what, result in zip(expected, results, strict=True):
        status = result.status
        if isinstance(what, bytes) and status == pq.ExecStatus.COMMAND_OK:
            session.prepared.add(what)
        if status not in _OK:
            if failed is None and status != pq.ExecStatus.PIPELINE_ABORTED:
                failed = (_which(batch, what), result)
            continue
        if not isinstance(what, int):
            continue
        item = batch[what]
        if item.query:
            transformer = session.transformer
            transformer.set_pgresult(result)
            loaded = transformer.load_rows(0, result.ntuples, tuple)
            codes = [result.ftype(column) for column in range(result.nfields)]
            found[what] += item.statement.converted(loaded, codes)
        else:
            changed[what] += result.command_tuples or 0
    if failed is not None:
        item, result = failed
        error = error_from_result(result, encoding=session.encoding)
        raise item.statement.failed(connection, error, item.values) from None
    for place, item in enumerate(batch):
        if item.then is not None:
            item.then(found[place] if item.query else changed[place])


def _which(batch: Sequence[Queued], what: int | bytes | None) -> Queued:
    """The statement a result answers: the one run there, the first of that name for a
    Parse; for the BEGIN or the COMMIT, the batch's first."""
    if isinstance(what, int):
        return batch[what]
    return next((item for item in batch if item.statement.name == what), batch[0])


def _leave_pipeline(connection: Connection, pgconn: pq.abc.PGconn) -> None:
    """Out of pipeline mode; a connection that cannot leave it (results left unread, after
    a failure halfway) is of no further use, and the pool is told."""
    try:
        pgconn.exit_pipeline_mode()
    except psycopg.Error:
        connection.invalidate()
        raise


def _flush(pgconn: pq.abc.PGconn) -> None:
    """Write everything queued; take in what the server sends meanwhile, so that neither
    side waits on a full buffer."""
    while pgconn.flush():
        readable, _, _ = select.select([pgconn.socket], [pgconn.socket], [])
        if readable:
            pgconn.consume_input()


def _read_to_sync(pgconn: pq.abc.PGconn) -> list[pq.abc.PGresult]:
    """Every result up to the pipeline's Sync, one a command."""
    results: list[pq.abc.PGresult] = []
    while True:
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            continue  # the end of one command's results
        if result.status == pq.ExecStatus.PIPELINE_SYNC:
            return results
        results.append(result)
