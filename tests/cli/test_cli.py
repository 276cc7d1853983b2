"""The `tessera` command line: tables for people, JSON for programs, one-line errors."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from tessera.adapters.bootstrap import Settings
from tessera.adapters.cli import demo
from tessera.adapters.cli.main import cli
from tests.cli.invoke import as_json, run, set_up


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def stocked(data_dir: Path) -> Path:
    set_up(data_dir)
    assert (
        run(data_dir, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "12.50").exit_code == 0
    )
    assert run(data_dir, "inventory", "receive", "MUG-1", "10").exit_code == 0
    return data_dir


def test_a_listed_product_shows_in_the_catalog(stocked: Path) -> None:
    assert as_json(stocked, "catalog", "list") == [
        {"sku": "MUG-1", "name": "Mug", "price": "12.50", "currency": "EUR", "status": "listed"}
    ]
    table = run(stocked, "catalog", "list").stdout
    assert table.splitlines() == [
        "SKU\tName\tPrice\tCurrency\tStatus",
        "MUG-1\tMug\t12.50\tEUR\tlisted",
    ]


def test_reprice_and_discontinue(stocked: Path) -> None:
    assert run(stocked, "catalog", "reprice", "MUG-1", "13.00").exit_code == 0
    assert run(stocked, "catalog", "discontinue", "MUG-1").exit_code == 0
    [product] = as_json(stocked, "catalog", "list")
    assert (product["price"], product["status"]) == ("13.00", "discontinued")


def test_received_stock_shows_per_sku_and_in_the_list(stocked: Path) -> None:
    assert run(stocked, "inventory", "receive", "MUG-1", "5").exit_code == 0
    item = as_json(stocked, "inventory", "show", "MUG-1")
    assert item == {
        "sku": "MUG-1",
        "on_hand": 15,
        "reserved": 0,
        "available": 15,
        "received": 15,
        "shipped": 0,
    }
    assert as_json(stocked, "inventory", "list") == [item]


def test_the_data_directory_comes_from_the_environment(tmp_path: Path) -> None:
    runner = CliRunner(env={"TESSERA_DATA_DIR": str(tmp_path / "env-data")})
    assert runner.invoke(cli, ["db", "setup"]).exit_code == 0
    assert (
        runner.invoke(cli, ["catalog", "add", "MUG-1", "--name", "Mug", "--price", "1"]).exit_code
        == 0
    )
    assert (tmp_path / "env-data" / "catalog.db").exists()


def state(data_dir: Path) -> tuple[Any, Any]:
    return as_json(data_dir, "catalog", "list"), as_json(data_dir, "inventory", "list")


USAGE, REFUSED = 2, 1
ADD = ["catalog", "add", "MUG-2", "--name", "Mug", "--price"]


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["catalog", "reprice", "NOPE-1", "3"], REFUSED, "no product with SKU NOPE-1"),
        (["catalog", "discontinue", "NOPE-1"], REFUSED, "no product with SKU NOPE-1"),
        (["inventory", "show", "NOPE-1"], REFUSED, "no stock item for SKU NOPE-1"),
        (["inventory", "receive", "MUG-1", "-5"], REFUSED, "whole number from 1 to 1,000,000"),
        (["inventory", "receive", "MUG-1", "0"], REFUSED, "whole number from 1 to 1,000,000"),
        (["inventory", "receive", "MUG-1", "ten"], USAGE, "'ten' is not a whole number"),
        (["inventory", "receive", "MUG-1", "2.5"], USAGE, "not a whole number"),
        (["inventory", "receive", "bad sku", "1"], REFUSED, "must be 3-32 characters"),
        (["inventory", "receive", "NEW-1", "1"], REFUSED, "NEW-1 is not in the catalog"),
        (["catalog", "add", "MUG-1", "--name", "Again", "--price", "1"], REFUSED, "already listed"),
        (["catalog", "add", "mug-2", "--name", "Mug", "--price", "1"], REFUSED, "3-32 characters"),
        (
            ["catalog", "add", "MUG-2", "--name", "Mug", "--price", "-1"],
            REFUSED,
            "greater than zero",
        ),
        (
            ["catalog", "add", "MUG-2", "--name", "Mug", "--price", "0"],
            REFUSED,
            "greater than zero",
        ),
        (["catalog", "add", "MUG-2", "--name", "Mug", "--price", "cheap"], USAGE, "not an amount"),
        (
            ["catalog", "add", "MUG-2", "--name", "Mug", "--price", "1", "--currency", "euro"],
            REFUSED,
            "ISO 4217 code",
        ),
        (
            ["catalog", "add", "MUG-2", "--name", "   ", "--price", "1"],
            REFUSED,
            "name must not be empty",
        ),
        (["catalog", "add", "MUG-2", "--price", "1"], USAGE, "Missing option '--name'"),
        (["catalog", "reprice", "MUG-1", "free"], USAGE, "not an amount"),
        (["catalog", "reprice", "MUG-1", "0"], REFUSED, "greater than zero"),
        (["catalog", "nonsense"], USAGE, "No such command 'nonsense'"),
        (["inventory", "receive", "MUG-1", "9223372036854775808"], REFUSED, "from 1 to 1,000,000"),
        (["inventory", "receive", "MUG-1", "\uff15"], USAGE, "is not a whole number"),
        (["inventory", "receive", "MUG-1", "1_0"], USAGE, "is not a whole number"),
        (["inventory", "receive", "MUG-1", "9" * 5000], USAGE, "is not a whole number"),
        ([*ADD, "12.345"], REFUSED, "EUR amounts have at most 2 decimals, not '12.345'"),
        ([*ADD, "0.001"], REFUSED, "EUR amounts have at most 2 decimals"),
        ([*ADD, "5.5", "--currency", "JPY"], REFUSED, "JPY amounts have at most 0 decimals"),
        ([*ADD, "5", "--currency", "XYZ"], REFUSED, "an ISO 4217 code Tessera knows"),
        ([*ADD, "1e3"], USAGE, "'1e3' is not an amount"),
        ([*ADD, "1e400"], USAGE, "not an amount"),
        ([*ADD, "1000000000000"], REFUSED, "beyond the largest amount Tessera handles"),
        ([*ADD, "1" * 38], REFUSED, "beyond the largest amount Tessera handles"),
        (
            ["catalog", "add", "MUG-2", "--price", "1", "--name", "x" * 10_000],
            REFUSED,
            "product name must be at most 200 characters, not 10000",
        ),
        (
            ["catalog", "add", "MUG-2", "--price", "1", "--name", "Two\nlines"],
            REFUSED,
            "product name must not contain line breaks",
        ),
        (
            ["catalog", "add", "MUG-2", "--price", "1", "--name", "\x1b]0;owned\x07"],
            REFUSED,
            "must not contain line breaks",
        ),
        (["demo", "--orders", "-5"], USAGE, "-5 is not from 1 to 100,000"),
        (["demo", "--orders", "0"], USAGE, "0 is not from 1 to 100,000"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_changes_nothing(
    stocked: Path, args: list[str], code: int, says: str
) -> None:
    before = state(stocked)
    result = run(stocked, *args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert says in result.stderr
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output
    assert state(stocked) == before


@pytest.mark.parametrize(
    ("price", "currency", "shown"),
    [
        ("3", "EUR", "3.00"),
        ("12.5", "USD", "12.50"),
        ("1000", "JPY", "1000"),
        ("1.5", "KWD", "1.500"),
    ],
)
def test_amounts_print_with_their_currencys_decimals(
    stocked: Path, price: str, currency: str, shown: str
) -> None:
    added = run(stocked, *ADD, price, "--currency", currency)
    assert added.stdout == f"listed MUG-2 at {shown} {currency}\n"
    listed = {p["sku"]: p for p in as_json(stocked, "catalog", "list")}
    assert (listed["MUG-2"]["price"], listed["MUG-2"]["currency"]) == (shown, currency)
    assert f"\t{shown}\t{currency}\t" in run(stocked, "catalog", "list").stdout


def test_a_product_listed_but_never_received_shows_with_nothing_on_hand(stocked: Path) -> None:
    assert run(stocked, *ADD, "4").exit_code == 0
    nothing = {"sku": "MUG-2", "on_hand": 0, "reserved": 0, "available": 0, "received": 0}
    assert as_json(stocked, "inventory", "show", "MUG-2") == nothing | {"shipped": 0}
    assert nothing | {"shipped": 0} in as_json(stocked, "inventory", "list")


def test_discontinuing_twice_says_so_and_a_discontinued_sku_is_not_listed_again(
    stocked: Path,
) -> None:
    assert run(stocked, "catalog", "discontinue", "MUG-1").stdout == "MUG-1 is now discontinued\n"
    assert run(stocked, "catalog", "discontinue", "MUG-1").stdout == (
        "MUG-1 was already discontinued\n"
    )
    again = run(stocked, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3")
    assert again.exit_code == REFUSED
    assert "product MUG-1 was discontinued; a discontinued SKU is not listed again" in again.stderr


def test_a_data_directory_that_cannot_be_written_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run(blocker / "data", "db", "setup")
    assert result.exit_code == REFUSED
    assert result.stderr.startswith("error: cannot write data directory")
    assert result.stderr.count("\n") == 1
    assert blocker.read_text() == "not a directory"


def test_the_demo_runs_the_shop_and_reports_what_happened(data_dir: Path) -> None:
    result = run(data_dir, "demo", "--orders", "40")
    assert result.exit_code == 0, result.output
    for heading in ("40 orders", "money captured", "Inventory", "Trace of order"):
        assert heading in result.stdout
    latency = re.search(r"placed -> shipped latency p50 (\d+) ms, p99 (\d+) ms", result.stdout)
    assert latency is not None
    assert int(latency[2]) > 0  # the dispatches were found in the trace, whichever version
    assert "stock conservation (received = on hand + shipped) holds for every SKU: True" in (
        result.stdout
    )
    assert (
        "money conservation (captured - refunded = kept = totals of the orders paid and not"
        " refunded) holds: True"
    ) in result.stdout
    payments = {p.order_id: p for p in demo_payments(data_dir)}
    refunded = [p for p in payments.values() if p.refunded > 0]
    assert refunded, "the demo's mix includes refunds after capture"
    assert all(p.refunded == p.captured for p in refunded)
    assert f"({len(refunded)} payments)" in result.stdout
    orders = as_json(data_dir, "orders", "list")
    assert len(orders) == 40
    assert {o["status"] for o in orders} <= {"completed", "cancelled"}
    stock = {i["sku"]: i for i in as_json(data_dir, "inventory", "list")}
    assert all(i["received"] == i["on_hand"] + i["shipped"] for i in stock.values())
    assert sum(i["shipped"] for i in stock.values()) > 0


def demo_payments(data_dir: Path) -> list[Any]:
    from tessera.adapters.bootstrap import Settings, bootstrap
    from tessera.application.payments.queries import ListPayments

    with bootstrap(Settings(data_dir=data_dir)) as app:
        return list(app.handle(ListPayments()))


def test_the_demo_refuses_a_data_directory_already_in_use(stocked: Path) -> None:
    before = state(stocked)
    result = run(stocked, "demo")
    assert result.exit_code == REFUSED
    assert "fresh data directory" in result.stderr
    assert state(stocked) == before


def test_the_demos_worker_processes_get_the_urls_in_their_environment_not_their_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[list[str], dict[str, str]]] = []

    class Started:
        def __init__(self, args: list[str], env: dict[str, str], stderr: object) -> None:
            started.append((args, env))

        def poll(self) -> int | None:
            return None

        def terminate(self) -> None: ...

        def wait(self, timeout: float) -> int:
            return 0

    monkeypatch.setattr("tessera.adapters.cli.demo.subprocess.Popen", Started)
    settings = Settings(
        data_dir=tmp_path,
        database_url="postgresql://admin:db-secret@127.0.0.1:5432/shop",
        broker_url="amqp://shop:broker-secret@127.0.0.1:5672/shop",
    )
    app = SimpleNamespace(settings=settings, contexts=["catalog", "payments"])
    with demo.processes(app):  # type: ignore[arg-type]
        pass
    assert len(started) == 2
    for args, env in started:
        assert not any("secret" in arg for arg in args)
        assert "db-secret" in env["TESSERA_DATABASE_URL"]
        assert "broker-secret" in env["TESSERA_BROKER_URL"]
