"""Shipping's Alembic revisions (adapters.persistence.migrations)."""
