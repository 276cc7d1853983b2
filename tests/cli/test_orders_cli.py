"""Order fulfilment through the command line: every path of the saga, and every bad input."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tests.cli import invoke

ROOT = Path(__file__).resolve().parents[2]
FAST_RETRIES = {"TESSERA_RETRY_FIRST_DELAY": "0.01"}


def run(data_dir: Path, *args: str) -> Result:
    return invoke.run(data_dir, *args, env=FAST_RETRIES)


def ok(data_dir: Path, *args: str) -> Result:
    result = run(data_dir, *args)
    assert result.exit_code == 0, result.output
    return result


def as_json(data_dir: Path, *args: str) -> Any:
    return invoke.as_json(data_dir, *args, env=FAST_RETRIES)


def split(data_dir: Path, *args: str) -> Result:
    return ok(data_dir, "--topology", "split", *args)


def work(data_dir: Path, *contexts: str) -> None:
    """Let workers for these contexts (all when none) relay and handle until idle."""
    names = [arg for context in contexts for arg in ("--context", context)]
    split(data_dir, "worker", *names, "--until-idle")


def stocked(data_dir: Path) -> Path:
    data = invoke.set_up(data_dir)
    ok(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "12.50")
    ok(data, "catalog", "add", "TEE-1", "--name", "Tee", "--price", "20.00")
    ok(data, "inventory", "receive", "MUG-1", "10")
    ok(data, "inventory", "receive", "TEE-1", "3")
    return data


@pytest.fixture
def shop(tmp_path: Path, deployment: str) -> Path:
    """A shop with two products in stock, in every deployment: SQLite and the queue file,
    PostgreSQL and the queue file, PostgreSQL and RabbitMQ. For the saga's every path."""
    return stocked(tmp_path / "data")


@pytest.fixture
def kept_shop(tmp_path: Path, data_lives_in: str) -> Path:
    """The same shop, its data in SQLite files and again in PostgreSQL schemas: for what
    concerns where data is kept (bounds, listings), and not how messages travel."""
    return stocked(tmp_path / "data")


def place(data_dir: Path, *lines: str, card: str = "tok_visa", topology: str = "monolith") -> str:
    line_args = [arg for line in lines for arg in ("--line", line)]
    result = ok(
        data_dir, "--topology", topology, "orders", "place", "--customer", "c-1", *line_args,
        "--card", card, "--address", "1 Main St", "--json",
    )  # fmt: skip
    placed = json.loads(result.stdout)
    return str(placed["id"])


def order(data_dir: Path, order_id: str) -> Any:
    return as_json(data_dir, "orders", "show", order_id)


def stock(data_dir: Path, sku: str) -> Any:
    return as_json(data_dir, "inventory", "show", sku)


def payments(data_dir: Path) -> dict[str, Any]:
    from tessera.adapters.bootstrap import Settings, bootstrap
    from tessera.application.payments.queries import ListPayments

    with bootstrap(Settings.from_environment(data_dir, deliver_inline=False)) as app:
        return {p.order_id: p for p in app.handle(ListPayments())}


def counts(data_dir: Path) -> dict[str, int]:
    from tessera.adapters.bootstrap import Settings, bootstrap
    from tessera.application.ordering.queries import CountOrders

    with bootstrap(Settings.from_environment(data_dir, deliver_inline=False)) as app:
        found: dict[str, int] = app.handle(CountOrders())
        return found


def test_a_paid_order_is_reserved_charged_shipped_and_completed_on_delivery(shop: Path) -> None:
    order_id = place(shop, "MUG-1:2", "TEE-1:1")
    shipped = order(shop, order_id)
    assert (shipped["status"], shipped["total"], shipped["currency"]) == ("shipped", "45.00", "EUR")
    assert shipped["tracking_number"].startswith("TRK-")
    assert (stock(shop, "MUG-1")["shipped"], stock(shop, "MUG-1")["on_hand"]) == (2, 8)
    assert payments(shop)[order_id].status == "captured"

    [shipment] = as_json(shop, "shipping", "list")
    assert shipment["order_id"] == order_id
    ok(shop, "shipping", "deliver", shipment["id"])
    completed = order(shop, order_id)
    assert completed["status"] == "completed"
    contexts = {hop["source"] for hop in completed["timeline"]}
    assert contexts == {"ordering", "inventory", "payments", "shipping"}


def test_a_declined_card_releases_the_stock_and_cancels_the_order(shop: Path) -> None:
    order_id = place(shop, "MUG-1:4", card="tok_chargeDeclined")
    cancelled = order(shop, order_id)
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "payment_declined")
    assert stock(shop, "MUG-1") | {} == stock(shop, "MUG-1")
    mug = stock(shop, "MUG-1")
    assert (mug["on_hand"], mug["reserved"], mug["shipped"]) == (10, 0, 0)
    assert payments(shop)[order_id].status == "declined"


def test_an_order_for_more_than_there_is_is_cancelled_out_of_stock_and_charges_nothing(
    shop: Path,
) -> None:
    order_id = place(shop, "MUG-1:1", "TEE-1:4")
    cancelled = order(shop, order_id)
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "out_of_stock")
    assert (stock(shop, "MUG-1")["reserved"], stock(shop, "TEE-1")["reserved"]) == (0, 0)
    assert payments(shop)[order_id].captured == 0


def test_a_flaky_gateway_is_retried_until_the_payment_goes_through_and_never_holds_the_command(
    shop: Path,
) -> None:
    placed = ok(
        shop, "orders", "place", "--customer", "c-1", "--line", "MUG-1:1",
        "--card", "tok_gatewayError", "--address", "1 Main St",
    ).stdout  # fmt: skip
    # The command returns once what is left waits for a retry, and says so.
    assert ": awaiting_payment\n" in placed
    assert "still under way: PaymentRequested to payments (to be retried" in placed
    order_id = placed.split("(")[1].split(")")[0]
    ok(shop, "worker", "--until-idle")  # the retries, on their schedule
    assert order(shop, order_id)["status"] == "shipped"
    assert payments(shop)[order_id].status == "captured"


def test_a_customer_who_cancels_before_the_stock_is_reserved_is_charged_nothing(
    shop: Path,
) -> None:
    order_id = place(shop, "MUG-1:3", topology="split")
    cancelled = split(shop, "orders", "cancel", order_id)
    assert "cancelled (customer_request)" in cancelled.stdout
    work(shop)
    assert order(shop, order_id)["cancel_reason"] == "customer_request"
    assert stock(shop, "MUG-1")["reserved"] == 0
    assert payments(shop)[order_id].status == "voided"


def test_a_customer_who_cancels_after_the_capture_is_refunded_and_the_stock_released(
    shop: Path,
) -> None:
    order_id = place(shop, "MUG-1:3", topology="split")
    work(shop, "ordering")  # OrderPlaced reaches the queue
    work(shop, "inventory")  # the stock is reserved
    work(shop, "ordering")  # the saga asks for the money
    work(shop, "payments")  # the money is taken; ordering has not heard yet
    assert stock(shop, "MUG-1")["reserved"] == 3
    assert payments(shop)[order_id].status == "captured"
    split(shop, "orders", "cancel", order_id)
    work(shop)
    cancelled = order(shop, order_id)
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "customer_request")
    refunded = payments(shop)[order_id]
    assert (refunded.status, refunded.captured, refunded.refunded) == ("refunded", 37.5, 37.5)
    mug = stock(shop, "MUG-1")
    assert (mug["on_hand"], mug["reserved"], mug["shipped"]) == (10, 0, 0)
    assert as_json(shop, "shipping", "list") == []


def test_a_product_discontinued_before_inventory_reserves_it_cancels_the_order(
    shop: Path,
) -> None:
    order_id = place(shop, "TEE-1:1", topology="split")
    split(shop, "catalog", "discontinue", "TEE-1")
    work(shop, "catalog")  # inventory hears of the discontinuation first...
    work(shop)  # ...and of the order after it
    cancelled = order(shop, order_id)
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "product_unavailable")
    assert stock(shop, "TEE-1")["reserved"] == 0


def test_an_order_cannot_be_cancelled_once_it_has_shipped(shop: Path) -> None:
    order_id = place(shop, "MUG-1:1")
    result = run(shop, "orders", "cancel", order_id)
    assert result.exit_code == 1
    assert result.stderr == f"error: order {order_id} is shipped; it can no longer be cancelled\n"
    assert order(shop, order_id)["status"] == "shipped"


def test_orders_are_listed_by_status(shop: Path) -> None:
    good = place(shop, "MUG-1:1")
    declined = place(shop, "MUG-1:1", card="tok_chargeDeclined")
    assert [o["id"] for o in as_json(shop, "orders", "list", "--status", "shipped")] == [good]
    assert [o["id"] for o in as_json(shop, "orders", "list", "--status", "cancelled")] == [declined]
    assert len(as_json(shop, "orders", "list")) == 2
    assert counts(shop) == {
        "pending": 0,
        "awaiting_payment": 0,
        "paid": 0,
        "shipped": 1,
        "completed": 0,
        "cancelled": 1,
    }


def everything(data_dir: Path) -> tuple[Any, ...]:
    return (
        as_json(data_dir, "orders", "list"),
        as_json(data_dir, "inventory", "list"),
        as_json(data_dir, "shipping", "list"),
        as_json(data_dir, "messages", "status"),
    )


PLACE = ["orders", "place", "--customer", "c-1", "--card", "tok_visa", "--address", "1 Main St"]


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ([*PLACE, "--line", "NOPE-1:1"], 1, "NOPE-1 is not in the catalog"),
        ([*PLACE, "--line", "MUG-1"], 2, "'MUG-1' is not SKU:QTY"),
        ([*PLACE, "--line", "MUG-1:two"], 2, "is not a whole number"),
        ([*PLACE, "--line", "MUG-1:0"], 1, "must be a whole number from 1 to"),
        ([*PLACE, "--line", "MUG-1:-2"], 1, "must be a whole number from 1 to"),
        ([*PLACE, "--line", "MUG-1:1", "--line", "MUG-1:2"], 1, "repeated: MUG-1"),
        ([*PLACE[:-2], "--address", "   ", "--line", "MUG-1:1"], 1,
         "shipping address must not be empty"),
        ([*PLACE[:-2], "--line", "MUG-1:1"], 2, "Missing option '--address'"),
        (["orders", "show", "nope"], 1, "no order with id or number nope"),
        (["orders", "cancel", "nope"], 1, "no order with id or number nope"),
        (["orders", "list", "--status", "lost"], 2, "'lost' is not one of"),
        (["shipping", "deliver", "shp-nope"], 1, "no shipment with id 'shp-nope'"),
        ([*PLACE, "--line", "MUG-1:99999999999999999999999"], 1, "from 1 to 1,000,000"),
        ([*PLACE, "--line", "MUG-1:\uff15"], 2, "is not a whole number"),
        ([*PLACE, "--line", "MUG-1:1_0"], 2, "is not a whole number"),
        (["orders", "place", "--customer", "c" * 65, *PLACE[4:], "--line", "MUG-1:1"], 1,
         "customer id must be at most 64 characters, not 65"),
        ([*PLACE[:-2], "--address", "1 Main\x1b[31m St", "--line", "MUG-1:1"], 1,
         "shipping address must not contain line breaks, tabs or control characters"),
        ([*PLACE[:-2], "--address", "a" * 10_000, "--line", "MUG-1:1"], 1,
         "at most 500 characters, not 10000"),
        (["orders", "show", "o\x1b[2J"], 1, "order id 'o\\x1b[2J' must be 1-64 characters"),
        (["orders", "show", "x" * 10_000], 1, "must be 1-64 characters"),
    ],
)  # fmt: skip
def test_bad_order_input_is_one_line_and_changes_nothing(
    kept_shop: Path, args: list[str], code: int, says: str
) -> None:
    before = everything(kept_shop)
    result = run(kept_shop, *args)
    assert result.exit_code == code
    assert result.stderr.count("\n") == 1
    assert says in result.stderr
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output
    assert everything(kept_shop) == before


def test_what_had_already_happened_is_said_so_and_changes_nothing(kept_shop: Path) -> None:
    order_id = place(kept_shop, "MUG-1:1")
    [shipment] = as_json(kept_shop, "shipping", "list")
    first = ok(kept_shop, "shipping", "deliver", shipment["id"])
    assert first.stdout.strip().endswith(f"order {order_id} delivered")
    again = ok(kept_shop, "shipping", "deliver", shipment["id"])
    assert "was already delivered" in again.stdout

    cancelled = place(kept_shop, "MUG-1:1", card="tok_chargeDeclined")
    before = everything(kept_shop)
    assert (
        "was already cancelled (payment_declined)"
        in ok(kept_shop, "orders", "cancel", cancelled).stdout
    )
    assert everything(kept_shop) == before


def test_the_readme_shows_the_context_map_as_the_code_generates_it(tmp_path: Path) -> None:
    generated = ok(tmp_path, "contexts", "map", "--format", "mermaid").stdout.strip()
    readme = (ROOT / "README.md").read_text()
    shown = re.search(r"```mermaid\n(.*?)```", readme, flags=re.DOTALL)
    assert shown, "the README has no context map"
    assert shown[1].strip() == generated, "the README's context map is out of date"


def test_the_context_map_says_who_publishes_and_who_reacts(tmp_path: Path) -> None:
    text = ok(tmp_path, "contexts", "map").stdout
    assert re.search(r"ordering\s+tessera\.ordering\.OrderPlaced\.v1\s+-> inventory", text)
    assert re.search(
        r"ordering\s+tessera\.ordering\.OrderCancelled\.v1\s+-> inventory, payments", text
    )


def test_broker_grants_let_each_context_bind_only_what_it_reacts_to(tmp_path: Path) -> None:
    lines = ok(tmp_path, "contexts", "broker-grants", "shop").stdout.splitlines()
    assert len(lines) == 10  # two commands for each of the five contexts
    topics = {line.split()[4]: line for line in lines if "set_topic_permissions" in line}
    assert "PaymentRequested" in topics["tessera_shop_payments"]
    assert all("PaymentRequested" not in topics[user] for user in topics if "payments" not in user)
    assert "ShipmentRequested" in topics["tessera_shop_shipping"]
    assert "tessera shipping" not in topics["tessera_shop_shipping"]
    assert " tessera '^(shipping\\.|status$)' " in topics["tessera_shop_shipping"]
    refused = run(tmp_path, "contexts", "broker-grants", "a\nb")
    assert refused.exit_code == 2
    assert "a virtual host is 1 to 255 printable characters" in refused.stderr


def test_orders_are_listed_newest_first_and_narrowed_by_customer_time_and_count(
    kept_shop: Path,
) -> None:
    first = place(kept_shop, "MUG-1:1")
    second = place(kept_shop, "MUG-1:1")
    listed = as_json(kept_shop, "orders", "list")
    assert [o["id"] for o in listed] == [second, first]
    numbers = {o["id"]: o["number"] for o in listed}
    assert numbers[second] > numbers[first]
    placed = [datetime.fromisoformat(o["placed_at"]) for o in listed]
    assert placed[0] >= placed[1]
    assert all(p.utcoffset() == timedelta(0) for p in placed)
    assert as_json(kept_shop, "orders", "list", "--customer", "someone-else") == []
    assert len(as_json(kept_shop, "orders", "list", "--customer", "c-1")) == 2
    after_first = (placed[1] + timedelta(microseconds=1000)).isoformat()
    assert [o["id"] for o in as_json(kept_shop, "orders", "list", "--since", after_first)] == [
        second
    ]
    assert [o["id"] for o in as_json(kept_shop, "orders", "list", "--until", after_first)] == [
        first
    ]
    assert (
        as_json(kept_shop, "orders", "list", "--since", "2020-01-01", "--until", "2020-01-02") == []
    )
    limited = run(kept_shop, "orders", "list", "--limit", "1")
    assert limited.stdout.splitlines()[1].split("\t")[:2] == [str(numbers[second]), second]
    assert limited.stderr == "1 more order(s) not shown; see them with --limit\n"


def test_a_default_listing_is_a_screenful_and_says_how_many_more_there_are(kept_shop: Path) -> None:
    from tessera.adapters.bootstrap import Settings, bootstrap

    with bootstrap(Settings.from_environment(kept_shop)) as app:
        for n in range(25):
            app.handle(
                PlaceOrder(f"c-{n}", [OrderLineRequest("MUG-1", 1)], "tok_visa", "1 Main St")
            )
    table = run(kept_shop, "orders", "list")
    assert len(table.stdout.splitlines()) == 1 + 20
    assert "5 more order(s) not shown" in table.stderr
    assert len(as_json(kept_shop, "orders", "list")) == 25  # a program gets them all


@pytest.mark.parametrize("when", ["yesterday", "2026-13-01", "\uff12\uff10\uff12\uff16-01-01"])
def test_a_time_that_is_not_iso_8601_is_a_usage_error(kept_shop: Path, when: str) -> None:
    result = run(kept_shop, "orders", "list", "--since", when)
    assert result.exit_code == 2
    assert "is not a date or time (write it like 2026-11-25T14:30)" in result.stderr


def test_an_order_shows_its_payment_its_parcel_and_who_cancelled_it_when(shop: Path) -> None:
    shipped = order(shop, place(shop, "MUG-1:2"))
    assert shipped["payment"]["status"] == "captured"
    assert (shipped["payment"]["captured"], shipped["payment"]["refunded"]) == ("25.00", "0.00")
    assert shipped["shipment"]["tracking_number"] == shipped["tracking_number"]
    assert shipped["shipment"]["id"].startswith("shp-")
    shown = ok(shop, "orders", "show", shipped["id"]).stdout
    assert "payment: captured, captured 25.00 EUR, refunded 0.00 EUR" in shown
    assert f"shipment: {shipped['shipment']['id']}, dispatched, tracking TRK-" in shown

    declined = order(shop, place(shop, "MUG-1:1", card="tok_chargeDeclined"))
    assert (declined["cancelled_by"], declined["payment"]["decline_reason"]) == (
        "payments",
        "card declined",
    )
    assert declined["cancelled_at"] >= declined["placed_at"]
    assert declined["shipment"] is None
    shown = ok(shop, "orders", "show", declined["id"]).stdout
    assert f"cancelled by payments at {declined['cancelled_at']}" in shown
    assert "payment: declined: card declined" in shown
    assert "shipment: not sent yet" in shown

    greedy = order(shop, place(shop, "TEE-1:50"))
    assert (greedy["cancelled_by"], greedy["payment"]["status"]) == ("inventory", "voided")
    assert "payment: none taken: the order was cancelled first" in (
        ok(shop, "orders", "show", greedy["id"]).stdout
    )


def test_an_order_is_found_by_a_unique_beginning_of_its_id(kept_shop: Path) -> None:
    from tessera.adapters.bootstrap import Settings, bootstrap

    with bootstrap(Settings.from_environment(kept_shop)) as app:
        for suffix in ("1", "2"):
            line = [OrderLineRequest("MUG-1", 1)]
            app.handle(PlaceOrder("c-1", line, "tok_visa", "1 Main St", f"abcdefgh-{suffix}"))
    assert order(kept_shop, "abcdefgh-2")["id"] == "abcdefgh-2"
    ambiguous = run(kept_shop, "orders", "show", "abcdefgh")
    assert ambiguous.exit_code == 1
    assert "2 orders begin with abcdefgh: abcdefgh-1, abcdefgh-2; give more of the id" in (
        ambiguous.stderr
    )
    # '_' is a literal in a prefix, not LIKE's any-character wildcard.
    assert (
        run(kept_shop, "orders", "show", "abcdefg_").stderr
        == "error: no order with id or number abcdefg_\n"
    )
    unique = place(kept_shop, "MUG-1:1")
    assert order(kept_shop, unique[:8])["id"] == unique
    too_short = run(kept_shop, "orders", "show", unique[:7])
    assert too_short.exit_code == 1
    assert f"no order with id or number {unique[:7]}" in too_short.stderr


def test_which_card_tokens_are_valid_is_the_gateways_business(kept_shop: Path) -> None:
    result = run(
        kept_shop,
        *PLACE[:-4],
        "--card",
        "tok_stolen",
        "--address",
        "1 Main St",
        "--line",
        "MUG-1:1",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        ": cancelled (payment_declined): the gateway said unknown card token tok_stolen\n"
    )
    assert stock(kept_shop, "MUG-1")["reserved"] == 0


def test_discarding_what_an_order_waits_on_says_so_and_the_operator_cancels_it_as_the_operator(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSERA_RETRY_MAX_ATTEMPTS", "1")  # the gateway's first failure is final
    order_id = place(shop, "MUG-1:2", card="tok_gatewayError")
    [letter] = as_json(shop, "messages", "dead-letters")
    assert (letter["subscription"], letter["subject"]) == ("payments", order_id)
    discarded = ok(shop, "messages", "discard", letter["message_id"], "--reason", "gateway gone")
    assert (
        f"order 1 ({order_id}) waited on it and stays awaiting_payment;"
        " 'tessera orders cancel 1 --operator' cancels it"
    ) in discarded.stdout
    cancelled = ok(shop, "orders", "cancel", "1", "--operator")
    assert cancelled.stdout == f"order 1 ({order_id}) cancelled (operator_request)\n"
    work(shop)
    shown = ok(shop, "orders", "show", "1").stdout
    assert "cancelled by the operator at" in shown
    assert stock(shop, "MUG-1")["reserved"] == 0
