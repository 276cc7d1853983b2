"""Ordering's Alembic revisions (adapters.persistence.migrations)."""
