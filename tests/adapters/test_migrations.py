"""Every context's schema is made and evolved by its own migrations, in its own version
table; a database behind its code is refused, changing nothing, until `tessera db upgrade`
moves it on, and a data directory written before migrations is adopted with every row."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, insert, select, text

from tessera.adapters.bootstrap.root import installed_contexts
from tessera.adapters.ordering.orm import order_numbers, orders
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.persistence.database import StorageUnavailable
from tessera.adapters.persistence.migrations import MESSAGING, Migrations
from tessera.adapters.settings import Settings
from tessera.adapters.wiring import BoundedContext
from tessera.domain.shared.identifiers import OrderId
from tests.cli.invoke import as_json, run, set_up
from tests.servers import postgres_database
from tests.snapshot import shop_state

CONTEXTS = {context.name: context for context in installed_contexts()}
HEADS = {name: ("0004" if name == "ordering" else "0001") + "+m0003" for name in CONTEXTS}


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """An empty place for a shop: a data directory; and again with a PostgreSQL database whose
    roles and schemas are made, but nothing in them."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if request.param == "sqlite":
        yield Settings(data_dir=data_dir)
        return
    from tessera.adapters.persistence import postgres

    with postgres_database() as url:
        chosen = Settings(data_dir=data_dir, database_url=url)
        assert chosen.database_url is not None
        postgres.provision(chosen.database_url, list(CONTEXTS))
        yield chosen


def connected(settings: Settings, context: BoundedContext[Any, Any]) -> ContextDatabase:
    assert settings.data_dir is not None
    context.map_classes()
    storage = DataDirectory(settings.data_dir, creates=True)
    url = settings.database_for(context.name)
    return ContextDatabase.connect(context.name, context.metadata, storage, url, context.migrations)


def differences(engine: Engine, metadata: MetaData) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_upgrading_an_empty_database_gives_exactly_the_tables_the_code_maps(
    settings: Settings, name: str
) -> None:
    context = CONTEXTS[name]
    database = connected(settings, context)
    assert database.migrations is not None
    try:
        head = database.migrations.head
        assert database.migrations.upgrade(database.engine) == (None, head)
        assert differences(database.engine, context.metadata) == []
        assert database.migrations.revisions(database.engine).up_to_date
        assert database.migrations.upgrade(database.engine) == (head, head)  # again: nothing
    finally:
        database.engine.dispose()


NEXT_REVISION = '''"""Catalog's next revision, in a test: a column and a table."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=40), nullable=False, server_default="unknown")
        )
        batch.alter_column("name", type_=sa.String(length=300))
    op.create_table("suppliers", sa.Column("id", sa.String(length=64), primary_key=True))


def downgrade() -> None:
    raise NotImplementedError
'''


def test_a_new_revision_is_applied_to_a_database_holding_data_without_losing_any(
    settings: Settings, tmp_path: Path
) -> None:
    catalog = CONTEXTS["catalog"]
    database = connected(settings, catalog)
    assert catalog.migrations is not None
    first = Migrations("catalog", catalog.migrations, catalog.metadata)
    head = first.head
    first.upgrade(database.engine)
    products, outbox = catalog.metadata.tables["products"], catalog.metadata.tables["outbox"]
    with database.engine.begin() as connection:
        for n in range(3):
            connection.execute(products.insert().values(
                sku=f"MUG-{n}", name="Mug", price_amount="12.50", price_currency="EUR",
                status="listed", version=1,
            ))  # fmt: skip
        connection.execute(outbox.insert().values(
            message_id="m-1", type="t", source="catalog", subject="MUG-0", correlation_id="c",
            body="{}", written_at=1.0,
        ))  # fmt: skip

    evolved = tmp_path / "migrations"
    shutil.copytree(catalog.migrations, evolved)
    (evolved / "v9999_origin.py").write_text(NEXT_REVISION)
    second = Migrations("catalog", evolved, catalog.metadata)
    needs = f"is at revision {re.escape(head)} and the code needs 9999\\+m0003"
    with pytest.raises(StorageUnavailable, match=needs):
        second.check(database.engine)
    assert second.upgrade(database.engine) == (head, "9999+m0003")

    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT sku, name, origin FROM products ORDER BY sku"))
        assert [tuple(row) for row in rows] == [(f"MUG-{n}", "Mug", "unknown") for n in range(3)]
        assert connection.execute(select(outbox.c.message_id)).scalars().all() == ["m-1"]
        assert connection.execute(text("SELECT count(*) FROM suppliers")).scalar() == 0
    second.check(database.engine)
    database.engine.dispose()


def drop_version_tables(data_dir: Path) -> None:
    """The data directory as Tessera left it before it had migrations: no version table, and
    nothing that a revision after the baseline added (on SQLite, the outbox's indexes)."""
    for name in CONTEXTS:
        with sqlite3.connect(data_dir / f"{name}.db") as connection:
            connection.execute("DROP TABLE alembic_version")
            connection.execute("DROP INDEX ix_outbox_correlation_id")
            connection.execute("DROP INDEX ix_outbox_subject")


def without_versions(state: dict[str, Any]) -> dict[str, Any]:
    return {
        database: {table: rows for table, rows in tables.items() if table != "alembic_version"}
        for database, tables in state.items()
    }


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    data = set_up(tmp_path / "data")
    env = {"TESSERA_RETRY_FIRST_DELAY": "0.01"}
    for args in (
        ["catalog", "add", "MUG-1", "--name", "Mug", "--price", "12.50"],
        ["inventory", "receive", "MUG-1", "10"],
        ["orders", "place", "--customer", "c-1", "--line", "MUG-1:2", "--card", "tok_visa",
         "--address", "1 Main St"],
    ):  # fmt: skip
        assert run(data, *args, env=env).exit_code == 0
    return data


def test_a_data_directory_written_before_migrations_is_refused_then_adopted_with_every_row(
    shop: Path,
) -> None:
    drop_version_tables(shop)
    with sqlite3.connect(shop / "ordering.db") as connection:  # an earlier release: no times,
        connection.execute("ALTER TABLE orders DROP COLUMN cancelled_at")  # no numbers
        connection.execute("DROP INDEX ix_orders_number")
        connection.execute("ALTER TABLE orders DROP COLUMN number")
        connection.execute("DROP TABLE order_numbers")
    before = shop_state(shop)

    refused = run(shop, "orders", "list")
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1
    assert "was written before Tessera had migrations and the code needs" in refused.stderr
    assert "run 'tessera db upgrade'" in refused.stderr
    statuses = as_json(shop, "db", "status")
    assert {s["context"]: (s["revision"], s["up_to_date"]) for s in statuses} == {
        "queue file": ("q2", True),
        **{name: (None, False) for name in CONTEXTS},
    }
    assert shop_state(shop) == before  # neither the refusal nor the status changed a thing

    upgraded = as_json(shop, "db", "upgrade")
    queue_file = {"context": "queue file", "before": "q2", "after": "q2"}
    assert upgraded == [queue_file] + [
        {"context": name, "before": None, "after": HEADS[name]} for name in CONTEXTS
    ]
    after = without_versions(shop_state(shop))
    [order] = before["ordering.db"]["orders"]
    [adopted] = after["ordering.db"].pop("orders")
    assert adopted == (*order, None, 1)  # the time an earlier release lacked, empty; numbered
    assert after["ordering.db"].pop("order_numbers") == [(1, 1)]
    before["ordering.db"].pop("orders")
    assert after == before
    assert [o["status"] for o in as_json(shop, "orders", "list")] == ["shipped"]


def test_a_data_directory_whose_tables_cannot_be_adopted_is_refused_untouched(shop: Path) -> None:
    drop_version_tables(shop)
    with sqlite3.connect(shop / "inventory.db") as database:  # no counter of reserved units
        database.execute("ALTER TABLE stock_items DROP COLUMN reserved")
    before = shop_state(shop)
    result = run(shop, "db", "upgrade", "--context", "inventory")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "table stock_items lacks reserved" in result.stderr
    assert "must be moved aside" in result.stderr
    assert shop_state(shop) == before


def test_an_upgrade_names_contexts_that_exist(shop: Path) -> None:
    result = run(shop, "db", "upgrade", "--context", "billing")
    assert result.exit_code == 2
    assert "no such context: billing" in result.stderr


def test_status_shows_each_context_at_its_head(shop: Path) -> None:
    statuses = as_json(shop, "db", "status")
    assert [(s["context"], s["revision"], s["head"], s["up_to_date"]) for s in statuses] == [
        ("queue file", "q2", "q2", True),
        *((name, HEADS[name], HEADS[name], True) for name in CONTEXTS),
    ]
    assert statuses[1]["database"] == str(shop / "catalog.db")
    assert (statuses[1]["schema"], statuses[1]["role"]) == (None, None)


def test_upgrading_numbers_the_orders_already_there_in_the_order_they_were_placed(
    settings: Settings, tmp_path: Path
) -> None:
    ordering = CONTEXTS["ordering"]
    assert ordering.migrations is not None
    earlier = tmp_path / "ordering-to-0001"  # the revisions as a release before numbers had them
    shutil.copytree(ordering.migrations, earlier, ignore=shutil.ignore_patterns("v0004*"))
    database = connected(settings, ordering)
    assert database.migrations is not None
    try:
        before = Migrations("ordering", earlier, ordering.metadata).upgrade(database.engine)
        assert before == (None, "0001+m0003")
        placed = {
            "o-late": datetime(2026, 3, 1, tzinfo=UTC),
            "o-early": datetime(2026, 1, 1, tzinfo=UTC),
            "o-unrecorded": None,  # placed before Tessera recorded when: the oldest
            "o-middle": datetime(2026, 2, 1, tzinfo=UTC),
        }
        with database.engine.begin() as connection:
            for order_id, at in placed.items():
                connection.execute(
                    insert(orders).values(
                        id=OrderId(order_id), customer_id="c-1", shipping_address="1 Main St",
                        status="pending", version=1, placed_at=at,
                    )
                )  # fmt: skip
        assert database.migrations.upgrade(database.engine) == ("0001+m0003", "0004+m0003")
        with database.engine.connect() as connection:
            numbers = dict(connection.execute(select(orders.c.id, orders.c.number)).all())
            last = connection.execute(select(order_numbers.c.last)).scalar_one()
        assert {str(key): number for key, number in numbers.items()} == {
            "o-unrecorded": 1, "o-early": 2, "o-middle": 3, "o-late": 4
        }  # fmt: skip
        assert last == 4
    finally:
        database.engine.dispose()


def test_the_head_read_from_the_revision_files_is_alembic_s() -> None:
    from alembic.script import ScriptDirectory

    from tessera.adapters.persistence.migrations import Migrations

    for name, context in CONTEXTS.items():
        assert context.migrations is not None, name
        where = [str(context.migrations), str(MESSAGING)]
        alembic_s = "+".join(sorted(ScriptDirectory(where[0], version_locations=where).get_heads()))
        assert Migrations(name, context.migrations, context.metadata).head == alembic_s, name


@pytest.mark.parametrize(("earlier", "own"), [("0001", "0001"), ("0003", "0001"), ("0004", "0004")])
def test_a_database_a_release_before_the_messaging_branch_left_is_brought_to_both_heads(
    settings: Settings, earlier: str, own: str
) -> None:
    """That release ran every context's revisions in one line, its 0002 and 0003 what are
    now the branch's m0002 and m0003: its database is restamped, and nothing runs twice."""
    name = "ordering" if earlier == "0004" else "catalog"
    context = CONTEXTS[name]
    database = connected(settings, context)
    assert database.migrations is not None
    try:
        database.migrations.upgrade(database.engine)
        with database.engine.begin() as connection:
            outbox = context.metadata.tables["outbox"]
            connection.execute(outbox.insert().values(
                message_id="m-1", type="t", source=name, subject="s", correlation_id="c",
                body="{}", written_at=1.0,
            ))  # fmt: skip
            connection.execute(text("DELETE FROM alembic_version"))
            connection.execute(text(f"INSERT INTO alembic_version VALUES ('{earlier}')"))
            if earlier == "0001":  # what that release's 0002 and 0003 added, not yet there
                connection.execute(text("DROP INDEX ix_outbox_correlation_id"))
                connection.execute(text("DROP INDEX ix_outbox_subject"))
                if settings.database_url is not None:
                    connection.execute(text("DROP TRIGGER outbox_written ON outbox"))
                    connection.execute(text("DROP FUNCTION notify_outbox_written()"))
        with pytest.raises(StorageUnavailable, match=f"is at revision {earlier} and the code"):
            database.migrations.check(database.engine)
        assert database.migrations.upgrade(database.engine) == (earlier, f"{own}+m0003")
        assert differences(database.engine, context.metadata) == []
        with database.engine.connect() as connection:
            assert connection.execute(select(outbox.c.message_id)).scalars().all() == ["m-1"]
    finally:
        database.engine.dispose()
