"""The outbox and the inbox, kept in every context's own database beside its aggregates."""

from __future__ import annotations

from typing import Any

import attrs
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

from tessera.application.shared.envelope import (
    ID_LENGTH,
    SOURCE_LENGTH,
    SUBJECT_LENGTH,
    TYPE_LENGTH,
    OutgoingMessage,
)


@attrs.frozen
class MessagingTables:
    outbox: Table
    inbox: Table


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """The context's outbox and inbox tables, defined once per metadata."""
    if "outbox" not in metadata.tables:
        Table(
            "outbox",
            metadata,
            Column("position", Integer, primary_key=True, autoincrement=True),
            Column("message_id", String(ID_LENGTH), nullable=False, unique=True),
            Column("type", String(TYPE_LENGTH), nullable=False),
            Column("source", String(SOURCE_LENGTH), nullable=False),
            Column("subject", String(SUBJECT_LENGTH), nullable=False, index=True),
            Column("correlation_id", String(ID_LENGTH), nullable=False, index=True),
            Column("causation_id", String(ID_LENGTH)),
            Column("body", Text, nullable=False),
            Column("written_at", Float, nullable=False),
            Column("sent_at", Float, index=True),
        )
        Table(
            "inbox",
            metadata,
            Column("message_id", String(ID_LENGTH), primary_key=True),
            Column("type", String(TYPE_LENGTH), nullable=False),
            Column("handled_at", Float, nullable=False, index=True),
        )
    return MessagingTables(metadata.tables["outbox"], metadata.tables["inbox"])


def outbox_row(message: OutgoingMessage) -> dict[str, Any]:
    """The outbox columns of a message; the outbox calls its id `message_id`."""
    return {
        "message_id": message.id,
        "type": message.type,
        "source": message.source,
        "subject": message.subject,
        "correlation_id": message.correlation_id,
        "causation_id": message.causation_id,
        "body": message.body,
        "written_at": message.written_at,
    }


def outgoing_message(row: dict[str, Any]) -> OutgoingMessage:
    """The message an outbox row holds."""
    return OutgoingMessage(
        id=row["message_id"],
        type=row["type"],
        source=row["source"],
        subject=row["subject"],
        correlation_id=row["correlation_id"],
        causation_id=row["causation_id"],
        body=row["body"],
        written_at=row["written_at"],
    )
