"""Payments's Alembic revisions (adapters.persistence.migrations)."""
