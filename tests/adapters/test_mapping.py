"""The data mapper: what a transaction loads and writes, on ordering's tables (an aggregate
with lines, Money over two columns, a version)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

import attrs
import pytest
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    select,
)
from sqlalchemy.pool import StaticPool

from tessera.adapters.ordering.orm import metadata, order_lines, orders, start_mappers
from tessera.adapters.persistence.mapping import IdentityMap, MappingError, Mappings
from tessera.adapters.persistence.prepared import StaleData
from tessera.domain.ordering.order import CancelReason, Order
from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money

AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["qmark", "named"])
def connection(request: pytest.FixtureRequest) -> Iterator[Connection]:
    """SQLite's own parameters go straight to the driver; named ones, as psycopg takes
    them, through SQLAlchemy: the mapper behaves the same either way."""
    start_mappers()
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, paramstyle=request.param, creator=_shared_memory
    )
    metadata.create_all(engine)
    with engine.connect() as connection:
        yield connection


def _shared_memory() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", check_same_thread=False)


_numbers = iter(range(1, 1_000_000))


def placed(order_id: str, *skus: str) -> Order:
    number = next(_numbers)
    prices = {Sku(s): ListedPrice(Sku(s), Money.of("2.50", "EUR")) for s in skus}
    wanted = [(Sku(s), 1 + n) for n, s in enumerate(skus)]
    return Order.place(OrderId(order_id), "c-1", "1 Main St", wanted, prices, at=AT, number=number)


def stored(connection: Connection, order: Order) -> None:
    store = IdentityMap(connection)
    store.add(order)
    store.flush()
    connection.commit()


def test_an_aggregate_comes_back_as_it_was_stored_lines_in_order(connection: Connection) -> None:
    stored(connection, placed("o-1", "TEE-1", "MUG-1"))
    loaded = IdentityMap(connection).get(Order, OrderId("o-1"))
    assert [(str(line.sku), line.quantity) for line in loaded.lines] == [("MUG-1", 2), ("TEE-1", 1)]
    assert loaded.lines[0].unit_price == Money.of("2.50", "EUR")
    assert (loaded.placed_at, loaded.version, loaded.pull_events()) == (AT, 1, [])


def test_a_row_is_one_object_per_transaction(connection: Connection) -> None:
    stored(connection, placed("o-1", "MUG-1"))
    store = IdentityMap(connection)
    first = store.get(Order, OrderId("o-1"))
    assert store.load_by(Order, "id", [OrderId("o-1"), OrderId("o-2")]) == [first]
    assert store.load(Order, orders.c.customer_id == "c-1") == [first]


def test_only_what_changed_is_written_where_the_version_is_still_the_one_loaded(
    connection: Connection,
) -> None:
    stored(connection, placed("o-1", "MUG-1"))
    stored(connection, placed("o-2", "MUG-1"))
    store = IdentityMap(connection)
    order = store.get(Order, OrderId("o-1"))
    store.get(Order, OrderId("o-2"))  # loaded, unchanged: not written
    order.stock_reserved()
    statements: list[str] = []
    driver = connection.connection.dbapi_connection
    assert driver is not None
    driver.set_trace_callback(statements.append)
    store.flush()
    updates = [s for s in statements if s.startswith("UPDATE")]
    assert len(updates) == 1
    assert "'o-1'" in updates[0]
    assert "version = 1" in updates[0]
    assert not [s for s in statements if "order_lines" in s]  # the lines did not change


def test_a_row_changed_since_it_was_loaded_is_stale_and_nothing_is_written(
    connection: Connection,
) -> None:
    stored(connection, placed("o-1", "MUG-1"))
    mine, theirs = IdentityMap(connection), IdentityMap(connection)
    late = mine.get(Order, OrderId("o-1"))
    early = theirs.get(Order, OrderId("o-1"))
    early.stock_reserved()
    theirs.flush()
    late.cancel(CancelReason.CUSTOMER_REQUEST, at=AT)
    with pytest.raises(StaleData):
        mine.flush()


def test_changed_lines_are_rewritten(connection: Connection) -> None:
    stored(connection, placed("o-1", "MUG-1", "TEE-1"))
    store = IdentityMap(connection)
    order = store.get(Order, OrderId("o-1"))
    order.lines.pop()
    order.version += 1
    store.flush()
    count = select(func.count()).select_from(order_lines)
    assert connection.scalar(count) == 1


def test_a_class_whose_fields_the_table_cannot_hold_is_refused_when_mapped() -> None:
    @attrs.define(slots=False)
    class Parcel:
        id: str
        weight: int

    table = Table("parcels", MetaData(), Column("id", String(10), primary_key=True))
    with pytest.raises(MappingError, match=r"Parcel\.weight is neither stored nor defaulted"):
        Mappings(table.metadata, lambda m: m.part(Parcel, table))()
    versionless = Table("boxes", MetaData(), Column("id", Integer, primary_key=True))
    with pytest.raises(MappingError, match="no version"):
        Mappings(versionless.metadata, lambda m: m.aggregate(Parcel, versionless))()
