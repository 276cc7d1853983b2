"""On PostgreSQL every context keeps its tables in a schema of its own and connects as a role
of its own, which can neither read nor write another context's tables; several relays of one
context share its outbox without sending a row twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs
import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Connection, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tessera.adapters.bootstrap import Settings, bootstrap, setup
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.relay import OutboxRelay
from tessera.adapters.persistence import postgres
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.database import StorageUnavailable
from tessera.adapters.persistence.prepared import Prepared
from tessera.application.catalog.commands import ListProduct, RepriceProduct
from tessera.application.shared.envelope import OutgoingMessage
from tests.cli.invoke import as_json, run, set_up
from tests.cli.test_reads_and_the_data_directory import READS, place_in_split
from tests.databases import open_catalog, statements_run
from tests.listening import wait_as_a_worker
from tests.proxy import FaultProxy
from tests.rollout import FORMS
from tests.servers import postgres_database, postgres_state

pytestmark = pytest.mark.server

CONTEXTS = ["catalog", "inventory", "ordering", "payments", "shipping"]


def connect_as(url: str, context: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection as the context's own role, as its adapters connect."""
    where = make_url(url)
    role = postgres.role_name(where, context)
    return psycopg.connect(
        host=where.host, port=where.port, dbname=where.database, user=role, autocommit=True
    )


def test_setup_gives_every_context_a_schema_and_a_role_of_its_own_and_again_changes_nothing(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    first = as_json(data, "--database-url", postgres_url, "db", "setup")
    database = make_url(postgres_url).database
    assert first["schemas"] == [
        {"context": name, "schema": name, "role": f"tessera_{database}_{name}",
         "server": postgres_url}
        for name in CONTEXTS
    ]  # fmt: skip
    assert first["databases"] == ["queue.db"]  # the contexts' data is on the server
    with psycopg.connect(postgres_url) as admin:
        owners = admin.execute(
            "SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ANY(%s)",
            (CONTEXTS,),
        ).fetchall()
        tables = admin.execute(
            "SELECT schemaname, tablename, tableowner FROM pg_tables WHERE schemaname = ANY(%s)",
            (CONTEXTS,),
        ).fetchall()
    assert sorted(owners) == [(name, f"tessera_{database}_{name}") for name in CONTEXTS]
    assert ("ordering", "orders", f"tessera_{database}_ordering") in tables
    assert ("catalog", "outbox", f"tessera_{database}_catalog") in tables
    assert {schema for schema, table, _ in tables if table == "inbox"} == set(CONTEXTS)
    assert all(owner == f"tessera_{database}_{schema}" for schema, _, owner in tables)

    again = as_json(data, "--database-url", postgres_url, "db", "setup")
    assert again == first


def test_a_contexts_role_can_neither_read_nor_write_another_contexts_tables(
    tmp_path: Path, postgres_url: str
) -> None:
    as_json(tmp_path / "data", "--database-url", postgres_url, "db", "setup")
    with connect_as(postgres_url, "catalog") as catalog:
        assert catalog.execute("SELECT count(*) FROM products").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="schema ordering"):
            catalog.execute("SELECT count(*) FROM ordering.orders")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="schema payments"):
            catalog.execute("DELETE FROM payments.payments")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="schema public"):
            catalog.execute("CREATE TABLE public.side_door (id int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="database"):
            catalog.execute("CREATE SCHEMA side_door")


def test_two_deployments_on_one_server_never_share_a_role() -> None:
    server = "postgresql://admin@db.example:5432"
    shop, staging = make_url(f"{server}/shop"), make_url(f"{server}/staging")
    assert postgres.role_name(shop, "payments") == "tessera_shop_payments"
    assert postgres.role_name(staging, "payments") == "tessera_staging_payments"
    with pytest.raises(ValueError, match="longer than PostgreSQL's 63 bytes"):
        postgres.role_name(make_url(f"{server}/{'x' * 60}"), "payments")


def catalog_outbox_with(messages: int, tmp_path: Path, postgres_url: str) -> ContextDatabase:
    """Catalog's database on the server, its outbox holding `messages` unsent messages: a
    listing (in the rollout, versions 2 and 1 of it) and new prices."""
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url)
    setup(settings)
    with bootstrap(attrs.evolve(settings, deliver_inline=False)) as app:
        app.handle(ListProduct(sku="SKU-1", name="Thing", price=Decimal("1.00")))
        for n in range(messages - FORMS):
            app.handle(RepriceProduct(sku="SKU-1", price=Decimal(2 + n)))
    return open_catalog(settings)


class Publishes(InMemoryQueue):
    """A queue that remembers the ids of each batch published to it."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[list[str]] = []

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        self.published.append([message.id for message in messages])
        super().publish(messages)


class HoldsFirstPublish(Publishes):
    """A queue that keeps the first relay inside `publish` until a second one has published:
    both relays are then between claiming their rows and marking them sent."""

    def __init__(self) -> None:
        super().__init__()
        self.first = threading.Lock()
        self.second_published = threading.Event()

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if self.first.acquire(blocking=False):  # the first caller, held until the second is done
            assert self.second_published.wait(timeout=10), "the second relay never published"
            super().publish(messages)
        else:
            super().publish(messages)
            self.second_published.set()


def test_several_relays_of_one_context_claim_different_rows_and_send_each_once(
    tmp_path: Path, postgres_url: str
) -> None:
    database = catalog_outbox_with(10, tmp_path, postgres_url)
    queue = HoldsFirstPublish()
    relays = [OutboxRelay(database, queue, batch_size=5) for _ in range(2)]
    sent = [0, 0]

    def relay(n: int) -> None:
        sent[n] = relays[n].relay()

    first = threading.Thread(target=relay, args=(0,))
    first.start()
    relay(1)  # runs while the first holds its rows, and must take the others
    first.join(timeout=10)
    assert sent == [5, 5]
    [one, other] = queue.published
    assert not set(one) & set(other)
    assert len(set(one) | set(other)) == 10
    assert relays[0].backlog() == 0
    assert all(relay.relay() == 0 for relay in relays)  # nothing is left, nothing sent again
    for each in relays:
        each.close()
    database.engine.dispose()


class RefusesPublish(InMemoryQueue):
    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        raise StorageUnavailable("the broker is away")


def test_rows_a_relay_claimed_and_could_not_publish_stay_unsent_in_order(
    tmp_path: Path, postgres_url: str
) -> None:
    database = catalog_outbox_with(3, tmp_path, postgres_url)
    failing = OutboxRelay(database, RefusesPublish(), batch_size=10)
    with pytest.raises(StorageUnavailable):
        failing.relay()
    assert failing.backlog() == 3  # claimed and marked in a transaction that never committed
    queue = Publishes()
    relay = OutboxRelay(database, queue, batch_size=10)
    assert relay.relay() == 3
    [sent] = queue.published
    with database.engine.connect() as connection:
        outbox = database.tables.outbox
        written = select(outbox.c.message_id).order_by(outbox.c.position)
        assert sent == list(connection.execute(written).scalars())  # oldest first
    for each in (failing, relay):
        each.close()
    database.engine.dispose()


def test_a_relay_claims_with_its_begin_and_does_not_wait_for_its_mark_to_reach_the_disk(
    tmp_path: Path, postgres_url: str
) -> None:
    database = catalog_outbox_with(3, tmp_path, postgres_url)
    recorded = statements_run(database)
    queue = Publishes()
    relay = OutboxRelay(database, queue, batch_size=10)
    assert relay.relay() == 3
    # BEGIN, the setting and the claim in one round trip; the commit in another, which the
    # server answers without flushing it: a mark lost in a crash sends the rows again.
    assert recorded.round_trips() == 2
    [begin, setting, claim, commit] = recorded
    assert (begin, commit) == ("BEGIN", "COMMIT")
    assert setting.startswith("SELECT set_config(")
    assert claim.startswith("UPDATE outbox SET sent_at=")
    with database.engine.connect() as connection:
        assert connection.scalar(text("SHOW synchronous_commit")) == "on"  # others' still wait
    assert relay.backlog() == 0
    relay.close()
    database.engine.dispose()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@127.0.0.1/shop", "in PostgreSQL (postgresql://USER@HOST:PORT/DBNAME), not"),
        ("postgresql://postgres@127.0.0.1:5432", "names no database"),
        ("postgresql://127.0.0.1:5432/shop", "names no user (an administrator)"),
        ("not a url", "is not a URL"),
    ],
)
def test_a_database_url_tessera_cannot_use_is_a_usage_error(
    tmp_path: Path, url: str, says: str
) -> None:
    result = run(tmp_path / "data", "--database-url", url, "db", "setup")
    assert result.exit_code == 2
    assert says in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "data").exists()


def test_a_server_that_cannot_be_reached_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    result = run(
        tmp_path / "data", "--database-url", "postgresql://postgres@127.0.0.1:1/shop", "db", "setup"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: cannot prepare PostgreSQL database postgresql://postgres@127.0.0.1:1/shop:"
    )
    assert len(result.stderr.splitlines()) == 1


def test_a_database_not_set_up_is_refused_naming_db_setup(tmp_path: Path) -> None:
    with postgres_database() as url:
        run(tmp_path / "data", "db", "setup")  # the data directory, but not the server
        result = run(tmp_path / "data", "--database-url", url, "catalog", "list")
    assert result.exit_code == 1
    assert "tessera db setup" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_role_the_server_refuses_is_refused_as_such_not_as_out_of_reach(
    tmp_path: Path, postgres_url: str
) -> None:
    set_up(tmp_path / "data", {"TESSERA_DATABASE_URL": postgres_url})
    role = postgres.role_name(make_url(postgres_url), "catalog")
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(role)))
    result = run(tmp_path / "data", "--database-url", postgres_url, "catalog", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot open database "), result.stderr
    assert f'role "{role}" is not permitted to log in' in result.stderr
    assert "db setup" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_database_url_for_a_context_that_does_not_exist_is_refused(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL_PAYMENT", postgres_url)  # payments, misspelt
    result = run(tmp_path / "data", "db", "setup")
    assert result.exit_code == 2
    assert "TESSERA_DATABASE_URL_PAYMENT names no context" in result.stderr


def test_one_context_on_another_server_keeps_its_data_there(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with postgres_database() as elsewhere:
        monkeypatch.setenv("TESSERA_DATABASE_URL_PAYMENTS", elsewhere)
        found = as_json(tmp_path / "data", "--database-url", postgres_url, "db", "setup")
        servers = {schema["context"]: schema["server"] for schema in found["schemas"]}
        assert servers.pop("payments") == elsewhere
        assert set(servers.values()) == {postgres_url}
        with psycopg.connect(elsewhere) as admin:
            schemas = admin.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", (CONTEXTS,)
            ).fetchall()
        assert schemas == [("payments",)]


def test_a_worker_relays_what_its_context_writes_at_once_not_at_its_next_poll(
    tmp_path: Path, postgres_url: str
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", database_url=postgres_url, topology="split", poll_seconds=60
    )
    setup(settings)
    with bootstrap(settings) as app:
        worker = app.worker(["catalog"])
        working = threading.Thread(target=worker.run, daemon=True)
        working.start()
        try:
            for n in range(3):
                app.handle(ListProduct(sku=f"SKU-{n}", name="Thing", price=Decimal("1.00")))
                began = time.monotonic()
                while app.outbox_backlog()["catalog"]:
                    assert time.monotonic() - began < 10, "the relay waited for its poll"
                    time.sleep(0.01)
        finally:
            worker.stop()
            working.join(timeout=10)
        assert worker.report.relayed == 3 * FORMS  # each listing in version 2 (and 1 beside)


def test_a_read_changes_nothing_on_the_server(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", postgres_url)
    data = set_up(tmp_path / "data")
    assert run(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3").exit_code == 0
    assert run(data, "inventory", "receive", "MUG-1", "50").exit_code == 0
    place_in_split(data, 2)  # a backlog in ordering's outbox, which no read may deliver
    before = postgres_state(postgres_url)
    assert before["ordering.outbox"]
    for read in [*READS, ["db", "status"]]:
        result = run(data, *read)
        assert result.exit_code in (0, 1), result.output
        assert postgres_state(postgres_url) == before, read


def catalog_on_the_server(tmp_path: Path, postgres_url: str) -> tuple[Settings, ContextDatabase]:
    """A shop set up on the server, and catalog's database as its adapters open it."""
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url)
    setup(settings)
    return settings, open_catalog(settings)


def _backend_of(connection: Connection) -> int:
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_pooled_connection_the_server_closed_is_replaced_once_it_lay_idle(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, database = catalog_on_the_server(tmp_path, postgres_url)
    with database.engine.connect() as connection:
        closed = _backend_of(connection)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (closed,))
    monkeypatch.setattr(postgres, "IDLE_SECONDS", 0.0)  # as if it lay in the pool a while
    with database.engine.connect() as connection:
        assert _backend_of(connection) != closed  # checked, found closed, and replaced
    database.engine.dispose()


def test_a_connection_lost_while_in_use_is_an_error_once_and_not_handed_out_again(
    tmp_path: Path, postgres_url: str
) -> None:
    _, database = catalog_on_the_server(tmp_path, postgres_url)
    outbox = database.tables.outbox
    with database.engine.connect() as connection:
        closed = _backend_of(connection)
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (closed,))
        query = Prepared.of(("test-lost", outbox), connection.dialect, select, outbox.c.position)
        with pytest.raises(DBAPIError) as lost:
            query.rows(connection, {})
        assert lost.value.connection_invalidated
    with database.engine.connect() as connection:  # a moment later: no check, a new one
        assert _backend_of(connection) != closed
    database.engine.dispose()


def heard_by(listener: postgres.OutboxListener, count: int, seconds: float = 10.0) -> int:
    """What the listener has heard once it heard `count`, or after `seconds`."""
    wait_as_a_worker([listener], lambda: listener.heard >= count, seconds)
    return listener.heard


def test_the_outbox_listener_hears_each_commit_that_wrote_the_outbox_and_reconnects(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, database = catalog_on_the_server(tmp_path, postgres_url)
    listener = postgres.OutboxListener(database.engine, "catalog")
    role = postgres.role_name(make_url(postgres_url), "catalog")
    try:
        assert listener.heard == 1  # connected: whatever was written before may be new
        with bootstrap(attrs.evolve(settings, deliver_inline=False)) as app:
            app.handle(ListProduct(sku="SKU-1", name="Thing", price=Decimal("1.00")))
            assert heard_by(listener, 2) == 2

            monkeypatch.setattr(postgres, "RECONNECT_SECONDS", 0.0)
            with psycopg.connect(postgres_url, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE usename = %s AND query LIKE 'LISTEN%%'",
                    (role,),
                )
            assert heard_by(listener, 3) == 3  # lost, opened again: anything may be new
            app.handle(ListProduct(sku="SKU-2", name="Thing", price=Decimal("1.00")))
            assert heard_by(listener, 4) == 4
    finally:
        listener.close()
    assert listener.fileno() is None
    database.engine.dispose()


class DropsTheLinkAsItPublishes(Publishes):
    """Publishes, and meanwhile the link to the database breaks: the relay's commit fails."""

    def __init__(self, proxy: FaultProxy) -> None:
        super().__init__()
        self.proxy = proxy
        self.dropping = False

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        super().publish(messages)
        if self.dropping:
            self.dropping = False
            self.proxy.close_connections()


def test_a_relay_whose_connection_was_lost_mid_transaction_relays_on_a_new_one(
    tmp_path: Path, postgres_url: str
) -> None:
    catalog_outbox_with(2, tmp_path, postgres_url).engine.dispose()
    with FaultProxy.before(postgres_url) as proxy:
        through = Settings(data_dir=tmp_path / "data", database_url=proxy.url(postgres_url))
        database = open_catalog(through)
        queue = DropsTheLinkAsItPublishes(proxy)
        relay = OutboxRelay(database, queue, batch_size=1)
        try:
            assert relay.relay() == 1  # its connection made, and kept for the next round
            queue.dropping = True
            with pytest.raises((DBAPIError, psycopg.Error)):
                relay.relay()  # published, and the commit of its mark lost
            assert relay.relay() == 1  # the next round, on a new connection: sent again
            assert queue.published[1] == queue.published[2]  # at least once; inboxes dedupe
        finally:
            relay.close()
            database.engine.dispose()


def test_db_setup_creates_the_database_when_its_user_may(tmp_path: Path) -> None:
    from tests.servers import ADMIN_URL, drop_database, new_name, require_postgres

    require_postgres()
    name = new_name()
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        env = {"TESSERA_DATABASE_URL": url}
        assert run(tmp_path, "db", "setup", env=env).exit_code == 0
        listed = run(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3", env=env)
        assert listed.exit_code == 0, listed.output
        assert [p["sku"] for p in as_json(tmp_path, "catalog", "list", env=env)] == ["MUG-1"]
    finally:
        drop_database(name)


def test_db_setup_says_what_to_run_when_its_user_may_not_create_the_database(
    tmp_path: Path,
) -> None:
    from tests.servers import ADMIN_URL, _connect, drop_database, new_name, require_postgres

    require_postgres()
    name = new_name()
    plain = f"tessera_{name}_plain"  # removed with the database's roles
    with _connect(ADMIN_URL) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB").format(sql.Identifier(plain)))
    try:
        url = make_url(ADMIN_URL).set(username=plain, password=None, database=name)
        env = {"TESSERA_DATABASE_URL": url.render_as_string(hide_password=False)}
        refused = run(tmp_path, "db", "setup", env=env)
        assert refused.exit_code == 1
        assert refused.stderr == (
            f"error: PostgreSQL database postgresql://{plain}@{url.host}:{url.port}/{name} does"
            f" not exist and {plain} may not create it: have an administrator run CREATE"
            f" DATABASE \"{name}\", then 'tessera db setup' again\n"
        )
        with _connect(ADMIN_URL) as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            assert found.fetchone() is None
    finally:
        drop_database(name)
