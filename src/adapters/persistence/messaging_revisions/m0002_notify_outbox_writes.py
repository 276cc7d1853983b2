"""On PostgreSQL, a transaction that writes the outbox notifies channel
`tessera_outbox_<schema>` as it commits, so that a relay listening there need not wait for
its next poll. SQLite has no notifications: its relays poll.

Revision ID: m0002
"""

from __future__ import annotations

from alembic import op

revision = "m0002"
down_revision = "m0001"


def upgrade() -> None:
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
