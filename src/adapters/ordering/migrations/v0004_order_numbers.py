"""Ordering's fourth revision: every order gets a number, people's name for it. The orders
already there are numbered in the order they were placed (those placed before Tessera
recorded when, first); the counter goes on from the last of them.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"  # 0002 and 0003 moved to the messaging branch

CHUNK = 1000


def upgrade() -> None:
    op.add_column("orders", sa.Column("number", sa.BigInteger(), nullable=True))
    orders = sa.table(
        "orders", sa.column("id"), sa.column("number"), sa.column("placed_at", sa.DateTime())
    )
    bind = op.get_bind()
    placed = bind.scalars(
        sa.select(orders.c.id).order_by(orders.c.placed_at.asc().nulls_first(), orders.c.id)
    ).all()
    numbering = sa.update(orders).where(orders.c.id == sa.bindparam("key"))
    numbering = numbering.values(number=sa.bindparam("number"))
    for start in range(0, len(placed), CHUNK):
        chunk = placed[start : start + CHUNK]
        rows = [{"key": key, "number": start + n + 1} for n, key in enumerate(chunk)]
        bind.execute(numbering, rows)
    with op.batch_alter_table("orders") as orders_table:
        orders_table.alter_column("number", existing_type=sa.BigInteger(), nullable=False)
    op.create_index(op.f("ix_orders_number"), "orders", ["number"], unique=True)
    numbers = op.create_table(
        "order_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(numbers, [{"id": 1, "last": len(placed)}])


def downgrade() -> None:
    raise NotImplementedError("revisions are not undone")
