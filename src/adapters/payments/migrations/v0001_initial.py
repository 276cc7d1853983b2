"""Payments's first revision: its tables as Tessera made them before it had
migrations (the baseline a database written then is adopted at); its outbox and inbox are
the messaging branch's (`adapters.persistence.messaging_revisions`).

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tessera.adapters.persistence.revision_steps import EXACT_DECIMAL

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("amount_value", EXACT_DECIMAL, nullable=False),
        sa.Column("refunded_amount", EXACT_DECIMAL, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("decline_reason", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )


def downgrade() -> None:
    raise NotImplementedError("payments's first revision is not undone: remove the schema")
