"""What the contexts' revisions share. A revision runs as written, forever: nothing here
changes once a revision uses it; a changed step is a new one, with a new name."""

from __future__ import annotations

import sqlalchemy as sa

EXACT_DECIMAL = sa.String(length=40).with_variant(sa.Numeric(18, 4), "postgresql")
"""An exact amount: NUMERIC(18, 4) on PostgreSQL, its text on SQLite."""
