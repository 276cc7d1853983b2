"""Payments's second revision: on PostgreSQL, writing the outbox wakes the relays listening.

Revision ID: 0002
"""

from __future__ import annotations

from tessera.adapters.persistence.revision_steps import notify_outbox_writes_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    notify_outbox_writes_v1()


def downgrade() -> None:
    raise NotImplementedError("revisions are not undone")
