"""Inventory's Alembic revisions (adapters.persistence.migrations)."""
