"""The servers the scaled topology's tests run on: a PostgreSQL database and a RabbitMQ
virtual host of each test's own, removed afterwards.

PostgreSQL is `TESSERA_TEST_POSTGRES` (an administrator's URL; default: the local server as
`postgres`); RabbitMQ is `TESSERA_TEST_RABBITMQ` (default: the local broker as `guest`), whose
virtual hosts `rabbitmqctl` makes. Where one cannot be reached its tests skip, saying why;
when `CI=true` they fail instead, so that CI proves them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
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


def postgres_state(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of every schema but the server's own, by schema and table,
    read as the administrator: to prove that a command changed nothing."""
    state: dict[str, list[tuple[object, ...]]] = {}
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT schemaname, tablename FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        for schema, table in tables:
            query = sql.SQL("SELECT * FROM {}.{}").format(
                sql.Identifier(str(schema)), sql.Identifier(str(table))
            )
            state[f"{schema}.{table}"] = sorted(connection.execute(query).fetchall(), key=repr)
    return state


BROKER = os.environ.get("TESSERA_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672")
"""The RabbitMQ server (no virtual host: each test makes its own with `rabbitmqctl`)."""


@cache
def _broker_unreachable() -> str | None:
    from kombu.connection import Connection

    try:
        with Connection(f"{BROKER}/", connect_timeout=3) as connection:
            connection.connect()
    except Exception as error:
        return f"RabbitMQ at {BROKER} is not reachable: {error}"
    if shutil.which("rabbitmqctl") is None:
        return "rabbitmqctl is not on this machine: the tests cannot make a virtual host"
    return None


def require_rabbitmq() -> None:
    reason = _broker_unreachable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the scaled topology's tests must run)")
        pytest.skip(reason)


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextmanager
def rabbitmq_vhost() -> Iterator[str]:
    """A virtual host of the test's own, as the broker URL in it; removed afterwards."""
    require_rabbitmq()
    name = f"tt_{uuid.uuid4().hex[:12]}"
    rabbitmqctl("add_vhost", name)
    try:
        from kombu.connection import Connection

        user = Connection(BROKER).userid or "guest"
        rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        yield f"{BROKER}/{name}"
    finally:
        rabbitmqctl("delete_vhost", name)
