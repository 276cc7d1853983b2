"""The outbox and the inbox, kept in every context's own database beside its aggregates."""

from __future__ import annotations

from typing import Any

import attrs
from sqlalchemy import (
    Column,
    Float,
    Insert,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    Text,
    Update,
    bindparam,
    insert,
    select,
    update,
)

from application.shared.queue import OutgoingMessage


@attrs.frozen
class MessagingTables:
    """The two tables, and the statements run on them for every message, built once."""

    outbox: Table
    inbox: Table
    write_outbox: Insert = attrs.field(init=False)
    write_inbox: Insert = attrs.field(init=False)
    seen: Select[Any] = attrs.field(init=False)
    unsent: Select[Any] = attrs.field(init=False)
    mark_sent: Update = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        built = {
            "write_outbox": insert(self.outbox),
            "write_inbox": insert(self.inbox),
            "seen": select(self.inbox.c.message_id).where(
                self.inbox.c.message_id.in_(bindparam("ids", expanding=True))
            ),
            "unsent": select(self.outbox)
            .where(self.outbox.c.sent_at.is_(None))
            .order_by(self.outbox.c.position)
            .limit(bindparam("limit")),
            "mark_sent": update(self.outbox)
            .where(self.outbox.c.position.in_(bindparam("positions", expanding=True)))
            .values(sent_at=bindparam("sent_at")),
        }
        for name, statement in built.items():
            object.__setattr__(self, name, statement)


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """The context's outbox and inbox tables, defined once per metadata."""
    if "outbox" not in metadata.tables:
        Table(
            "outbox",
            metadata,
            Column("position", Integer, primary_key=True, autoincrement=True),
            Column("message_id", String(32), nullable=False, unique=True),
            Column("type", String(120), nullable=False),
            Column("source", String(40), nullable=False),
            Column("subject", String(120), nullable=False),
            Column("correlation_id", String(32), nullable=False),
            Column("causation_id", String(32)),
            Column("body", Text, nullable=False),
            Column("written_at", Float, nullable=False),
            Column("sent_at", Float, index=True),
        )
        Table(
            "inbox",
            metadata,
            Column("message_id", String(32), primary_key=True),
            Column("type", String(120), nullable=False),
            Column("handled_at", Float, nullable=False, index=True),
        )
    return MessagingTables(metadata.tables["outbox"], metadata.tables["inbox"])


def outbox_row(message: OutgoingMessage) -> dict[str, Any]:
    """The outbox columns of a message; the outbox calls its id `message_id`."""
    row = attrs.asdict(message)
    row["message_id"] = row.pop("id")
    return row


def outgoing_message(row: Row[Any]) -> OutgoingMessage:
    """The message an outbox row holds."""
    fields = {f.name: getattr(row, f.name) for f in attrs.fields(OutgoingMessage) if f.name != "id"}
    return OutgoingMessage(id=row.message_id, **fields)
