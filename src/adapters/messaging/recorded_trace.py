"""A conversation as the contexts themselves recorded it: what each wrote to its outbox (with
when), and what each subscription's context handled (its inbox, with when). It needs nothing
of the queue but who listens to whom, so it works on a broker that keeps no history."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import or_, select

from tessera.adapters.messaging.causal_order import in_causal_order
from tessera.adapters.messaging.operations import TraceHop
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.application.shared.integration import supersedes, version_of


class RecordedTrace:
    def __init__(
        self,
        databases: Sequence[ContextDatabase],
        bindings: Callable[[], Mapping[str, Collection[str]]],
        ignoring: Callable[[], Mapping[str, Collection[str]]],
    ) -> None:
        """`bindings`: each subscription (a context's name) and the sources it listens to;
        `ignoring`: the types each subscription is never handed."""
        self._databases = {database.name: database for database in databases}
        self._bindings = bindings
        self._ignoring = ignoring

    def __call__(self, identifier: str) -> list[TraceHop]:
        conversations = self._conversations(identifier)
        if not conversations:
            return []
        written = [
            row for db in self._databases.values() for row in self._written(db, conversations)
        ]
        ids = [row["message_id"] for row in written]
        handled = {name: self._handled(database, ids) for name, database in self._databases.items()}
        bindings, ignoring = self._bindings(), self._ignoring()

        listeners = {
            row["message_id"]: sorted(
                subscription
                for subscription, sources in bindings.items()
                if row["source"] in sources and row["type"] not in ignoring.get(subscription, ())
            )
            for row in written
        }
        newer = _newer_beside(written)
        hops = []
        for row in written:
            reading_newer = {
                s for other in newer.get(row["message_id"], ()) for s in listeners[other]
            }
            mine = listeners[row["message_id"]]
            if not mine:  # published to no one that reacts, as the queue file shows it
                hops.append(self._hop(row, None, None, None))
            for subscription in mine:
                handled_at = handled.get(subscription, {}).get(row["message_id"])
                state = "ready" if handled_at is None else "done"
                if handled_at is None and subscription in reading_newer:
                    state = "ignored"  # it reacts to the newer version published beside this one
                hops.append(self._hop(row, subscription, state, handled_at))
        return in_causal_order(hops)

    @staticmethod
    def _hop(
        row: Mapping[str, Any], subscription: str | None, state: str | None, at: float | None
    ) -> TraceHop:
        return TraceHop(
            row["message_id"], row["type"], row["source"], row["subject"], row["correlation_id"],
            row["causation_id"], row["written_at"], subscription, state,
            row["sent_at"] if subscription else None, at, attempts=1 if at is not None else 0,
        )  # fmt: skip

    def _conversations(self, identifier: str) -> set[str]:
        found: set[str] = set()
        for database in self._databases.values():
            outbox = database.tables.outbox
            query = select(outbox.c.correlation_id).where(
                or_(
                    outbox.c.correlation_id == identifier,
                    outbox.c.subject == identifier,
                    outbox.c.message_id == identifier,
                )
            )
            with database.engine.connect() as connection:
                found.update(connection.execute(query.distinct()).scalars())
        return found

    @staticmethod
    def _written(database: ContextDatabase, conversations: set[str]) -> list[dict[str, Any]]:
        outbox = database.tables.outbox
        query = select(outbox).where(outbox.c.correlation_id.in_(sorted(conversations)))
        with database.engine.connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    @staticmethod
    def _handled(database: ContextDatabase, ids: list[str]) -> dict[str, float]:
        inbox = database.tables.inbox
        found: dict[str, float] = {}
        with database.engine.connect() as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                query = select(inbox.c.message_id, inbox.c.handled_at).where(
                    inbox.c.message_id.in_(chunk)
                )
                found.update({row.message_id: row.handled_at for row in connection.execute(query)})
        return found


def _newer_beside(written: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Each message an older version of an event published together with newer ones (one
    cause, one subject): the newer ones' ids, by the older message's id."""
    together: dict[tuple[Any, Any, str], list[Mapping[str, Any]]] = {}
    for row in written:
        if (version := version_of(str(row["type"]))) is not None:
            together.setdefault((row["causation_id"], row["subject"], version[0]), []).append(row)
    return {
        row["message_id"]: [o["message_id"] for o in rows if supersedes(o["type"], row["type"])]
        for rows in together.values()
        if len(rows) > 1
        for row in rows
    }
