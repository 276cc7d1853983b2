"""Aggregates survive a round trip through each context's own database, and a lost update
is refused rather than silently applied: on SQLite files and on PostgreSQL schemas alike."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from tessera.adapters.bootstrap import setup
from tessera.adapters.catalog.unit_of_work import SqlAlchemyCatalogUnitOfWork
from tessera.adapters.inventory.unit_of_work import SqlAlchemyInventoryUnitOfWork
from tessera.adapters.messaging.consumer import Consumer
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.persistence import libpq, postgres
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.persistence.data_directory import DataDirectory
from tessera.adapters.settings import Settings
from tessera.application.contracts.catalog import ProductListed
from tessera.application.inventory.unit_of_work import InventoryUnitOfWork
from tessera.application.shared.bus import Reactions
from tessera.application.shared.envelope import Envelope, OutgoingMessage
from tessera.application.shared.errors import ConcurrencyConflict
from tessera.application.shared.retry import RetryPolicy
from tessera.domain.catalog.product import Product, ProductStatus
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money
from tests.databases import catalog_uow, inventory_uow, open_catalog, open_inventory, statements_run
from tests.rollout import FORMS
from tests.servers import postgres_database

SKU = Sku("MUG-1")


@pytest.fixture(params=["sqlite", "postgresql"])
def data_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """The contexts' own SQLite files, and again their schemas on PostgreSQL."""
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path / "data")
        return
    with postgres_database() as url:
        settings = Settings(data_dir=tmp_path / "data", database_url=url)
        setup(settings)
        yield settings


@pytest.fixture
def catalog(catalog_db: ContextDatabase) -> SqlAlchemyCatalogUnitOfWork:
    return catalog_uow(catalog_db)


@pytest.fixture
def inventory(inventory_db: ContextDatabase) -> SqlAlchemyInventoryUnitOfWork:
    return inventory_uow(inventory_db)


def test_each_context_has_its_own_database_file_in_wal_mode(tmp_path: Path) -> None:
    data_settings = Settings(data_dir=tmp_path / "data")
    open_catalog(data_settings)
    open_inventory(data_settings)
    assert data_settings.data_dir is not None
    files = sorted(p.name for p in data_settings.data_dir.glob("*.db"))
    assert files == ["catalog.db", "inventory.db"]
    with sqlite3.connect(data_settings.data_dir / "catalog.db") as connection:
        tables = {r[0] for r in connection.execute("select name from sqlite_master")}
        assert "products" in tables
        assert "stock_items" not in tables
        assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_a_product_round_trips_with_its_exact_price(catalog: SqlAlchemyCatalogUnitOfWork) -> None:
    with catalog:
        product = Product.list(SKU, "Mug", Money.of("19.99", "EUR"))
        product.discontinue()
        catalog.products.add(product)
        catalog.commit()
    with catalog:
        loaded = catalog.products.get(SKU)
        assert loaded is not None
        assert (loaded.name, loaded.price, loaded.status) == (
            "Mug",
            Money.of("19.99", "EUR"),
            ProductStatus.DISCONTINUED,
        )
        assert loaded.version == 2
        assert loaded.pull_events() == []


def test_a_stock_item_round_trips_with_what_it_has_reserved_and_shipped(
    inventory: SqlAlchemyInventoryUnitOfWork,
) -> None:
    with inventory:
        item = StockItem(SKU)
        item.receive(10)
        item.reserve(OrderId("o-1"), 3)
        item.reserve(OrderId("o-2"), 2)
        inventory.stock.add(item)
        inventory.commit()
    with inventory:
        loaded = inventory.stock.get(SKU)
        assert loaded is not None
        loaded.commit(OrderId("o-1"), 3)
        inventory.commit()
    with inventory:
        loaded = inventory.stock.get(SKU)
        assert loaded is not None
        assert (loaded.on_hand, loaded.reserved, loaded.shipped) == (7, 2, 3)
        assert loaded.version == 4


def table_reads(statements: Sequence[str]) -> list[str]:
    """The queries that read a table (not a check that a pooled connection is alive)."""
    return [s for s in statements if s.startswith("SELECT") and "FROM" in s.split()]


def test_a_preloaded_batch_is_looked_up_without_further_queries(
    inventory_db: ContextDatabase, inventory: SqlAlchemyInventoryUnitOfWork
) -> None:
    with inventory:
        for sku in ("MUG-1", "MUG-2"):
            item = StockItem(Sku(sku))
            item.receive(5)
            inventory.stock.add(item)
        inventory.commit()
    statements = statements_run(inventory_db)
    with inventory:
        # Subjects of a batch: SKUs, order ids, and a text that is no key of some repositories.
        inventory.preload(["MUG-1", "MUG-2", "MUG-3", "9f0c2a", ""])
        assert table_reads(statements) == []  # queued, to go with whatever reads first
        found = [inventory.stock.get(Sku(s)) for s in ("MUG-1", "MUG-2", "MUG-3")]
        preloading = len(table_reads(statements))
        assert inventory.allocations.get(OrderId("9f0c2a")) is None
        assert (
            len(table_reads(statements)) == preloading
        )  # found or not, no query after the preload
        assert [item.available if item else None for item in found] == [5, 5, None]
        # One query per repository (stock, catalogue, allocations), and the allocations'
        # lines asked for with them, by the same keys.
        assert preloading == 4


def test_leaving_without_commit_writes_nothing(inventory: SqlAlchemyInventoryUnitOfWork) -> None:
    with inventory:
        item = StockItem(SKU)
        item.receive(10)
        inventory.stock.add(item)
    with inventory:
        assert inventory.stock.get(SKU) is None


def test_a_lost_update_is_refused_and_the_first_writer_wins(
    inventory_db: ContextDatabase, inventory: SqlAlchemyInventoryUnitOfWork
) -> None:
    with inventory:
        item = StockItem(SKU)
        item.receive(5)
        inventory.stock.add(item)
        inventory.commit()

    # Two clerks load the same stock item, each sees 5 available and reserves 4.
    first = inventory_uow(inventory_db)
    with first, inventory:
        mine = first.stock.get(SKU)
        theirs = inventory.stock.get(SKU)
        assert mine is not None
        assert theirs is not None
        mine.reserve(OrderId("o-1"), 4)
        theirs.reserve(OrderId("o-2"), 4)
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            inventory.commit()

    with inventory:
        stored = inventory.stock.get(SKU)
        assert stored is not None
        assert (stored.reserved, stored.version) == (4, 2)


def test_a_second_listing_of_the_same_sku_racing_the_first_is_refused(
    catalog_db: ContextDatabase, catalog: SqlAlchemyCatalogUnitOfWork
) -> None:
    other = catalog_uow(catalog_db)
    with other, catalog:
        assert other.products.get(SKU) is None
        assert catalog.products.get(SKU) is None
        other.products.add(Product.list(SKU, "Mug", Money.of("1", "EUR")))
        catalog.products.add(Product.list(SKU, "Cup", Money.of("2", "EUR")))
        other.commit()
        with pytest.raises(ConcurrencyConflict):
            catalog.commit()


def outbox(database: ContextDatabase) -> list[Envelope]:
    table = database.tables.outbox
    with database.engine.connect() as connection:
        rows = connection.execute(select(table.c.body).order_by(table.c.position)).all()
    return [Envelope.from_json(row.body) for row in rows]


def test_a_change_and_the_events_it_causes_are_written_together(
    catalog_db: ContextDatabase, catalog: SqlAlchemyCatalogUnitOfWork
) -> None:
    with catalog:
        product = Product.list(SKU, "Mug", Money.of("19.99", "EUR"))
        catalog.products.add(product)
        catalog.commit()
    with catalog:
        stored = catalog.products.get(SKU)
        assert stored is not None
        stored.reprice(Money.of("21.00", "EUR"))
        catalog.commit()
    [listed, *beside, repriced] = outbox(catalog_db)
    assert (listed.type, listed.subject) == ("tessera.catalog.ProductListed.v2", "MUG-1")
    assert listed.data == {"sku": "MUG-1", "price": "19.99", "currency": "EUR"}
    assert [(m.type, m.data) for m in beside] == [  # until the rollout ends
        ("tessera.catalog.ProductListed.v1",
         {"sku": "MUG-1", "name": "Mug", "price": "19.99", "currency": "EUR"}),
    ][: FORMS - 1]  # fmt: skip
    assert repriced.type == "tessera.catalog.ProductPriceChanged.v1"
    assert repriced.data["price"] == "21.00"


def test_a_command_whose_transaction_fails_leaves_no_outbox_row(
    catalog_db: ContextDatabase, catalog: SqlAlchemyCatalogUnitOfWork
) -> None:
    other = catalog_uow(catalog_db)
    with other, catalog:
        other.products.add(Product.list(SKU, "Mug", Money.of("1", "EUR")))
        catalog.products.add(Product.list(SKU, "Cup", Money.of("2", "EUR")))
        other.commit()
        with pytest.raises(ConcurrencyConflict):
            catalog.commit()
    [only, *_] = outbox(catalog_db)  # the listing, in version 2 (and 1 in the rollout)
    assert only.data["price"] == "1.00"


def test_a_unit_of_work_left_without_commit_writes_no_outbox_row(
    catalog_db: ContextDatabase, catalog: SqlAlchemyCatalogUnitOfWork
) -> None:
    with catalog:
        catalog.products.add(Product.list(SKU, "Mug", Money.of("1", "EUR")))
    assert outbox(catalog_db) == []


def test_processes_starting_together_can_all_prepare_the_data_directory(tmp_path: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    data_dir = tmp_path / "shared"
    with ProcessPoolExecutor(max_workers=4) as pool:
        prepared = list(pool.map(DataDirectory.create, [data_dir] * 200))
    assert prepared == [DataDirectory(data_dir, writable=True, creates=True)] * 200
    assert list(data_dir.iterdir()) == []


@pytest.fixture
def server_inventory_db(tmp_path: Path) -> Iterator[ContextDatabase]:
    """Inventory's schema on PostgreSQL only: round trips are a server's (SQLite runs in the
    process)."""
    with postgres_database() as url:
        settings = Settings(data_dir=tmp_path / "data", database_url=url)
        setup(settings)
        yield open_inventory(settings)


def test_on_a_server_a_message_costs_a_round_trip_to_read_and_one_to_write_and_commit(
    server_inventory_db: ContextDatabase,
) -> None:
    inventory_db = server_inventory_db
    inventory = inventory_uow(inventory_db)
    with inventory:
        inventory.stock.add(StockItem(SKU))
        inventory.commit()
    queue = InMemoryQueue()
    queue.bind("inventory", ["catalog"])
    event = ProductListed(sku="MUG-1", price=Decimal("1.00"), currency="EUR")
    queue.publish([OutgoingMessage.of(Envelope.wrap(event))])

    def receive(event: ProductListed, uow: InventoryUnitOfWork) -> None:
        item = uow.stock.get(Sku(event.sku))
        assert item is not None
        item.receive(3)

    recorded = statements_run(inventory_db)
    retry = RetryPolicy(max_attempts=3, first_delay=1.0, factor=2.0)
    reactions: Reactions[Any] = {ProductListed: receive}
    consumer = Consumer("inventory", queue, inventory, reactions, retry, 30, "test")
    assert consumer.consume(10).handled == 1
    # Reading: BEGIN, the inbox and every repository's preload. Writing: the stock item (an
    # update that fails on the server if its version moved on) and the inbox's row, and the
    # COMMIT with them.
    assert recorded.round_trips() == 2
    sent = list(recorded)
    assert (sent[0], sent[-1]) == ("BEGIN", "COMMIT")
    assert sum(s.startswith("SELECT inbox.message_id") for s in sent) == 1
    assert sum("(UPDATE stock_items SET" in s for s in sent) == 1
    with inventory:
        stored = inventory.stock.get(SKU)
        assert stored is not None
        assert stored.on_hand == 3


def test_on_a_server_a_statement_is_prepared_once_a_connection_rollbacks_and_all(
    server_inventory_db: ContextDatabase,
) -> None:
    inventory = inventory_uow(server_inventory_db)
    recorded = statements_run(server_inventory_db)
    for _ in range(3):
        with inventory:  # a look-up only: left without commit, rolled back
            assert inventory.stock.get(SKU) is None
    for trace in recorded.traces():  # one a connection
        parsed = re.findall(r'Parse\t "(tessera_\d+)"', trace)
        assert len(parsed) == len(set(parsed))
        assert "DEALLOCATE" not in trace
    assert len(table_reads(recorded)) == 3


def test_on_a_server_a_connection_left_halfway_through_its_statements_is_not_used_again(
    server_inventory_db: ContextDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = inventory_uow(server_inventory_db)
    with inventory:
        inventory.stock.add(StockItem(SKU))
        inventory.commit()
    read_to_sync = libpq._read_to_sync

    def interrupted(pgconn: Any) -> Any:
        raise RuntimeError("interrupted while the server's answers were on their way")

    monkeypatch.setattr(libpq, "_read_to_sync", interrupted)
    with pytest.raises((DBAPIError, RuntimeError)), inventory:
        inventory.stock.get(SKU)
    monkeypatch.setattr(libpq, "_read_to_sync", read_to_sync)
    with inventory:  # on a connection of its own: the one left halfway was given up
        found = inventory.stock.get(SKU)
        assert found is not None
        assert found.sku == SKU


def test_a_context_role_is_never_sent_the_administrators_password() -> None:
    admin = postgres.parse_url("postgresql://postgres:s3cret@db.example:5433/shop", "the URL")
    engine = postgres.context_engine(admin, "payments")
    try:
        sent = engine.url.render_as_string(hide_password=False)
        assert sent == "postgresql+psycopg://tessera_shop_payments@db.example:5433/shop"
        assert engine.url.password is None
    finally:
        engine.dispose()
