"""An order is named one way everywhere: by its number (what people say), its id, or the first
8 or more characters of its id; and every time a program reads is ISO 8601 in UTC."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import attrs
import pytest

from tessera.adapters.bootstrap import Settings, bootstrap
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.ordering.queries import ListOrders, OrderView
from tests.cli.test_orders_cli import as_json, ok, place, run, stocked, work

PLACERS = 4
EACH = 12


@pytest.fixture
def kept_shop(tmp_path: Path, data_lives_in: str) -> Path:
    return stocked(tmp_path / "data")


def iso_utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() == timedelta(0), text
    return moment


def test_orders_are_numbered_in_the_order_they_were_placed_and_shown_by_number_first(
    kept_shop: Path,
) -> None:
    placed = [place(kept_shop, "MUG-1:1") for _ in range(3)]
    listed = as_json(kept_shop, "orders", "list")
    numbers = {o["id"]: o["number"] for o in listed}
    assert [numbers[order_id] for order_id in placed] == [1, 2, 3]
    assert next(iter(listed[0])) == "number"
    shown = run(kept_shop, "orders", "show", "2")
    assert shown.stdout.startswith(f"order 2 ({placed[1]}) for c-1: ")
    table = run(kept_shop, "orders", "list").stdout.splitlines()
    assert table[0].split("\t")[:2] == ["Number", "Order"]
    assert table[1].split("\t")[:2] == ["3", placed[2]]


def test_a_number_an_id_and_a_prefix_name_the_same_order_to_every_command(
    kept_shop: Path,
) -> None:
    first = place(kept_shop, "MUG-1:1")
    second = place(kept_shop, "MUG-1:1", topology="split")  # pending: it can be cancelled
    work(kept_shop, "ordering")  # its OrderPlaced relayed, for the trace; no one reserves
    assert first[:8] == second[:8]  # time-ordered: placed close together, alike at the start
    unique = second[:20]  # the millisecond, the counter and some random bits
    for name in ("2", second, unique):
        assert as_json(kept_shop, "orders", "show", name)["id"] == second
        traced = as_json(kept_shop, "trace", name)
        assert {hop["subject"] for hop in traced} == {second}
    ambiguous = run(kept_shop, "trace", second[:8])
    assert ambiguous.exit_code == 1
    assert "2 orders begin with" in ambiguous.stderr
    cancelled = ok(kept_shop, "orders", "cancel", "2").stdout
    assert cancelled == f"order 2 ({second}) cancelled (customer_request)\n"
    assert as_json(kept_shop, "orders", "show", "1")["id"] == first
    assert run(kept_shop, "orders", "show", "99").stderr == "error: no order with id or number 99\n"
    assert run(kept_shop, "trace", "99").exit_code == 1


def test_every_time_in_json_is_iso_8601_in_utc(kept_shop: Path) -> None:
    order_id = place(kept_shop, "MUG-1:1")
    work(kept_shop)
    shown = as_json(kept_shop, "orders", "show", order_id)
    iso_utc(shown["placed_at"])
    assert shown["timeline"]
    for hop in shown["timeline"]:
        iso_utc(hop["written_at"])
        for key in ("delivered_at", "handled_at"):
            assert hop[key] is None or iso_utc(hop[key])
    for hop in as_json(kept_shop, "trace", "1"):
        iso_utc(hop["written_at"])
    table = run(kept_shop, "trace", "1").stdout.splitlines()
    written = table[1].split("\t")[0]
    assert datetime.strptime(written, "%Y-%m-%d %H:%M:%S.%f")  # the date, not only the time


def test_concurrent_placers_get_distinct_numbers_increasing_with_when_they_placed(
    kept_shop: Path, data_lives_in: str
) -> None:
    settings = attrs.evolve(Settings.from_environment(kept_shop), deliver_inline=False)
    failures: list[BaseException] = []

    def placer(n: int) -> None:
        try:
            with bootstrap(settings) as app:
                for _ in range(EACH):
                    line = OrderLineRequest("MUG-1", 1)
                    app.handle(PlaceOrder(f"c-{n}", [line], "tok_visa", "1 Main St"))
        except BaseException as error:  # reported by the test, not lost in a thread
            failures.append(error)

    threads = [threading.Thread(target=placer, args=(n,)) for n in range(PLACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    with bootstrap(settings) as app:
        orders: list[OrderView] = app.handle(ListOrders())
    numbers = sorted(order.number for order in orders)
    assert len(numbers) == len(set(numbers)) == PLACERS * EACH
    by_number = sorted(orders, key=lambda order: order.number)
    times = [iso_utc(order.placed_at or "") for order in by_number]
    assert times == sorted(times)  # a later number was never placed earlier
