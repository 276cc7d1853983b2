"""Alembic's environment for the contexts' revisions (env.py, which Alembic loads by path)."""
