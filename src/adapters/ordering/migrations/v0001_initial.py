"""Ordering's first revision: its tables as Tessera made them before it had
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
        "fulfilments",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("card_token", sa.String(length=64), nullable=False),
        sa.Column("payment_requested", sa.Boolean(), nullable=False),
        sa.Column("shipment_requested", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("shipping_address", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("cancel_reason", sa.String(length=40), nullable=True),
        sa.Column("tracking_number", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_orders_placed_at"), "orders", ["placed_at"], unique=False)
    op.create_index(op.f("ix_orders_status"), "orders", ["status"], unique=False)
    op.create_table(
        "price_list",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("price_amount", EXACT_DECIMAL, nullable=False),
        sa.Column("price_currency", sa.String(length=3), nullable=False),
        sa.Column("on_sale", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("sku"),
    )
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_amount", EXACT_DECIMAL, nullable=False),
        sa.Column("unit_price_currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
        ),
        sa.PrimaryKeyConstraint("order_id", "sku"),
    )


def downgrade() -> None:
    raise NotImplementedError("ordering's first revision is not undone: remove the schema")
