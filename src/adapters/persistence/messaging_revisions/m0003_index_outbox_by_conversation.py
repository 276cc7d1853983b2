"""The outbox found by conversation and by subject: a command's settling and a trace ask it
so, and would otherwise read every row the retention keeps.

Revision ID: m0003
"""

from __future__ import annotations

from alembic import op

revision = "m0003"
down_revision = "m0002"


def upgrade() -> None:
    op.create_index(op.f("ix_outbox_correlation_id"), "outbox", ["correlation_id"])
    op.create_index(op.f("ix_outbox_subject"), "outbox", ["subject"])
