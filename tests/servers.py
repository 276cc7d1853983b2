"""The database servers the scaled topology's tests run on: a database of each test's own.

The server is `TESSERA_TEST_POSTGRES` (an administrator's URL; default: the local server as
`postgres`). Where it cannot be reached the tests skip, saying why; when `CI=true` they fail
instead, so that CI proves them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get("TESSERA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@cache
def _unreachable() -> str | None:
    """Why the server cannot be used, or None."""
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at {ADMIN_URL} is not reachable: {str(error).strip().splitlines()[0]}"
    return None


def require_postgres() -> None:
    reason = _unreachable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the scaled topology's tests must run)")
        pytest.skip(reason)


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(ADMIN_URL, autocommit=True)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new database on the server, as an administrator's URL; afterwards the database and
    every role made for it (`tessera_<database>_*`) are removed."""
    require_postgres()
    name = f"tt_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin() as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))
            roles = admin.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"tessera\\_{name}\\_%",)
            ).fetchall()
            for (role,) in roles:
                admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(str(role))))
