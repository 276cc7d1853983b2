"""What the contexts' revisions share. A revision runs as written, forever: nothing here
changes once a revision uses it; a changed step is a new one, with a new name."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

EXACT_DECIMAL = sa.String(length=40).with_variant(sa.Numeric(18, 4), "postgresql")
"""An exact amount: NUMERIC(18, 4) on PostgreSQL, its text on SQLite."""


def create_outbox_and_inbox_v1() -> None:
    """A context's outbox and inbox, as every context's first revision makes them."""
    op.create_table(
        "inbox",
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=120), nullable=False),
        sa.Column("handled_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index(op.f("ix_inbox_handled_at"), "inbox", ["handled_at"], unique=False)
    op.create_table(
        "outbox",
        sa.Column("position", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("correlation_id", sa.String(length=32), nullable=False),
        sa.Column("causation_id", sa.String(length=32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.Float(), nullable=False),
        sa.Column("sent_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index(op.f("ix_outbox_sent_at"), "outbox", ["sent_at"], unique=False)


def notify_outbox_writes_v1() -> None:
    """On PostgreSQL, a transaction that writes the outbox notifies channel
    `tessera_outbox_<schema>` as it commits, so that a relay listening there need not wait for
    its next poll. SQLite has no notifications: its relays poll."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION notify_outbox_written() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('tessera_outbox_' || TG_TABLE_SCHEMA, '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_written AFTER INSERT ON outbox"
        " FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_written()"
    )


def index_outbox_by_conversation_v1() -> None:
    """The outbox found by conversation and by subject: a command's settling and a trace
    ask it so, and would otherwise read every row the retention keeps."""
    op.create_index(op.f("ix_outbox_correlation_id"), "outbox", ["correlation_id"])
    op.create_index(op.f("ix_outbox_subject"), "outbox", ["subject"])
