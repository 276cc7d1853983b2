"""The servers the scaled topology's tests run on: a PostgreSQL database and a RabbitMQ
virtual host of each test's own, removed afterwards.

PostgreSQL is `TESSERA_TEST_POSTGRES` (an administrator's URL; default: the local server as
`postgres`); RabbitMQ is `TESSERA_TEST_RABBITMQ` (default: the local broker as `guest`), whose
virtual hosts `rabbitmqctl` makes. Where one cannot be reached its tests skip, saying why;
when `CI=true` they fail instead, so that CI proves them.

Everything a run makes is named `tt_<run>_<n>`, so that a run removes its own leftovers at its
end (`remove_leftovers`) and never what another run, or another user, made. A test's database
takes at most `CONNECTIONS` connections of its roles at once (PostgreSQL's CONNECTION LIMIT).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from tests import tiers

ADMIN_URL = os.environ.get("TESSERA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

RUN = os.environ.setdefault("TESSERA_TEST_RUN", uuid.uuid4().hex[:8])
"""This run's name, shared with its parallel workers (they inherit the environment)."""

CONNECTIONS = 28
"""At most this many connections to one test's database at once: a worker process per context
holds 3 (two pooled, one listening), the test's own shop at most 2 per context, its commands
the rest. Server tests run one at a time (`make test`), so that this and an administrator's
connection are the run's most (30)."""

BUSY_SECONDS = 30.0
"""How long a server that is out of connection slots is waited for before a test fails."""


def new_name() -> str:
    return f"tt_{RUN}_{uuid.uuid4().hex[:8]}"


def first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """An administrator's connection; a server whose slots are all taken is waited for a while,
    then the test fails in one line with what the server said."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            return psycopg.connect(
                url, autocommit=True, connect_timeout=5, application_name=f"tessera-tests-{RUN}"
            )
        except psycopg.OperationalError as error:
            said = first_line(error)
            if not out_of_slots(said) or time.monotonic() > deadline:
                pytest.fail(f"PostgreSQL at {url} refused a connection: {said}", pytrace=False)
            time.sleep(0.5)


def out_of_slots(said: str) -> bool:
    """Whether PostgreSQL refused a connection for want of a free slot (it may have one soon)."""
    return any(
        words in said
        for words in ("remaining connection slots", "too many connections", "too many clients")
    )


@cache
def _unreachable() -> str | None:
    """Why the server cannot be used, or None."""
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.OperationalError as error:
        said = first_line(error)
        if out_of_slots(said):
            return None  # it is there, only busy: each test waits for a slot
        return f"PostgreSQL at {ADMIN_URL} is not reachable: {said}"
    return None


def _must_run(reason: str | None) -> None:
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the scaled topology's tests must run)", pytrace=False)
        pytest.skip(reason)


def require_postgres() -> None:
    tiers.require("server", "uses PostgreSQL")
    _must_run(_unreachable())


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new database on the server, as an administrator's URL; afterwards the database and
    every role made for it (`tessera_<database>_*`) are removed."""
    require_postgres()
    name = new_name()
    with _connect(ADMIN_URL) as admin:
        create = sql.SQL("CREATE DATABASE {} CONNECTION LIMIT {}")
        admin.execute(create.format(sql.Identifier(name), sql.Literal(CONNECTIONS)))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(name)


def drop_database(name: str) -> None:
    """The database and every role made for it."""
    with _connect(ADMIN_URL) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        roles = admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"tessera\\_{name}\\_%",)
        ).fetchall()
        for (role,) in roles:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(str(role))))


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
    tiers.require("server", "uses RabbitMQ")
    _must_run(_broker_unreachable())


def rabbitmqctl(*args: str, tries: int = 3, stdin: str | None = None) -> str:
    """What `rabbitmqctl` printed; a failure (tried `tries` times) fails the test in one line
    with what rabbitmqctl said. A secret goes in on `stdin`, never on its command line."""
    for attempt in range(tries):
        done = subprocess.run(
            ["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=60,
            check=False, input=stdin,
        )  # fmt: skip
        if done.returncode == 0:
            return done.stdout
        if attempt + 1 < tries:
            time.sleep(1)
    said = " ".join((done.stderr or done.stdout).split()) or "(it printed nothing)"
    pytest.fail(f"rabbitmqctl {' '.join(args)} exited {done.returncode}: {said}", pytrace=False)


@contextmanager
def rabbitmq_vhost() -> Iterator[str]:
    """A virtual host of the test's own, as the broker URL in it; removed afterwards."""
    require_rabbitmq()
    name = new_name()
    rabbitmqctl("add_vhost", name)
    try:
        from kombu.connection import Connection

        user = Connection(BROKER).userid or "guest"
        rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        yield f"{BROKER}/{name}"
    finally:
        rabbitmqctl("delete_vhost", name)


@contextmanager
def context_users(broker_url: str, contexts: Sequence[str]) -> Iterator[dict[str, str]]:
    """A broker user of its own for each context in the URL's virtual host, with the
    permissions and topic permissions Tessera states (`Tessera.broker_grants`, what
    `tessera contexts broker-grants` prints), as the environment that gives each context its
    URL (`TESSERA_BROKER_URL_<CONTEXT>`); removed afterwards."""
    from tessera.adapters.bootstrap import Settings, bootstrap
    from tessera.adapters.settings import broker_user

    with bootstrap(Settings.in_memory()) as app:
        granted = app.broker_grants()

    where = urlsplit(broker_url)
    vhost = where.path[1:]
    made: list[str] = []
    try:
        environment = {}
        for context in contexts:
            user, password = broker_user(vhost, context), secrets.token_hex(16)
            rabbitmqctl("add_user", user, stdin=password)
            made.append(user)
            may = granted[context]
            rabbitmqctl("set_permissions", "-p", vhost, user, may.configure, may.write, may.read)
            rabbitmqctl(
                "set_topic_permissions", "-p", vhost, user, "tessera", may.publish, may.bind
            )
            url = f"amqp://{user}:{password}@{where.hostname}:{where.port or 5672}/{vhost}"
            environment[f"TESSERA_BROKER_URL_{context.upper()}"] = url
        yield environment
    finally:
        for user in made:
            rabbitmqctl("delete_user", user)


def leftovers() -> dict[str, list[str]]:
    """The databases, roles and virtual hosts of this run that still exist."""
    found: dict[str, list[str]] = {"databases": [], "roles": [], "vhosts": [], "users": []}
    prefix = f"tt\\_{RUN}\\_%"
    if _unreachable() is None:
        with _connect(ADMIN_URL) as admin:
            found["databases"] = [
                str(name)
                for (name,) in admin.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix,)
                )
            ]
            found["roles"] = [
                str(name)
                for (name,) in admin.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"tessera\\_{prefix}",)
                )
            ]
    if _broker_unreachable() is None:
        vhosts = rabbitmqctl("list_vhosts", "--no-table-headers").split()
        found["vhosts"] = [name for name in vhosts if name.startswith(f"tt_{RUN}_")]
        users = rabbitmqctl("list_users", "--no-table-headers").split("\n")
        found["users"] = [
            line.split()[0]
            for line in users
            if line.startswith((f"tessera_tt_{RUN}_", f"tt_{RUN}_"))
        ]
    return found


def remove_leftovers() -> dict[str, list[str]]:
    """Remove whatever this run made and left behind (a worker killed mid-test); what it was."""
    left = leftovers()
    for name in left["databases"]:
        drop_database(name)
    for role in left["roles"]:
        with _connect(ADMIN_URL) as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    for vhost in left["vhosts"]:
        rabbitmqctl("delete_vhost", vhost)
    for user in left["users"]:
        rabbitmqctl("delete_user", user)
    return left
