"""Catalog's first revision: its tables, outbox and inbox, as Tessera made them
before it had migrations (the baseline a database written then is adopted at).

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tessera.adapters.persistence.revision_steps import EXACT_DECIMAL, create_outbox_and_inbox_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox_v1()
    op.create_table(
        "products",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("price_amount", EXACT_DECIMAL, nullable=False),
        sa.Column("price_currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sku"),
    )


def downgrade() -> None:
    raise NotImplementedError("catalog's first revision is not undone: remove the schema")
