"""Catalog's Alembic revisions (adapters.persistence.migrations)."""
