"""Inventory's third revision: its outbox indexed by conversation and by subject.

Revision ID: 0003
"""

from __future__ import annotations

from tessera.adapters.persistence.revision_steps import index_outbox_by_conversation_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_outbox_by_conversation_v1()


def downgrade() -> None:
    raise NotImplementedError("revisions are not undone")
