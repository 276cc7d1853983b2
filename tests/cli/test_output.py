"""What a person reads and copies: nothing they must copy is ever cut, at any width, and
output that is not for a terminal is plain and stable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tessera.adapters.cli import render
from tessera.adapters.cli.main import cli
from tessera.application.shared.integration import short_name
from tests.cli.invoke import as_json, run, set_up

RETRIES = {"TESSERA_RETRY_FIRST_DELAY": "0.001", "TESSERA_RETRY_MAX_ATTEMPTS": "2"}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Orders in every state, a dead letter, and ids long enough to be cut."""
    data = set_up(tmp_path_factory.mktemp("shop") / "data")
    steps = [
        ["catalog", "add", "MUG-BLUE-ENAMEL-LARGE", "--name", "A " + "very " * 20 + "long mug",
         "--price", "12.50"],
        ["inventory", "receive", "MUG-BLUE-ENAMEL-LARGE", "100"],
    ]  # fmt: skip
    for args in steps:
        assert run(data, *args).exit_code == 0
    for card in ("tok_visa", "tok_chargeDeclined", "tok_visa"):
        placed = run(
            data, "orders", "place", "--customer", "customer-with-a-long-id-0123456789",
            "--line", "MUG-BLUE-ENAMEL-LARGE:2", "--card", card, "--address", "1 Harbour St",
        )  # fmt: skip
        assert placed.exit_code == 0, placed.output
    # A dead letter: a message of an event type no version of Tessera knows.
    from tessera.adapters.messaging.sqlite_queue import SqliteQueue
    from tessera.application.shared.envelope import OutgoingMessage

    queue = SqliteQueue(data / "queue.db")
    unheard = OutgoingMessage(
        "f" * 32, "tessera.catalog.Unheard.v9", "catalog", "MUG-BLUE-ENAMEL-LARGE", "c" * 32,
        None, "{}", 0.0,
    )  # fmt: skip
    queue.publish([unheard])
    queue.close()
    assert run(data, "worker", "--until-idle", env=RETRIES).exit_code == 0
    return data


def must_stay_whole(data_dir: Path) -> set[str]:
    """Every identifier, SKU, event type and amount a person may copy from the shop."""
    found = {"MUG-BLUE-ENAMEL-LARGE", "customer-with-a-long-id-0123456789", "12.50", "25.00"}
    for order in as_json(data_dir, "orders", "list"):
        found.add(order["id"])
        for hop in as_json(data_dir, "trace", order["id"]):
            found |= {hop["message_id"], short_name(hop["type"])}
    for shipment in as_json(data_dir, "shipping", "list"):
        found |= {shipment["id"], shipment["tracking_number"]}
    for letter in as_json(data_dir, "messages", "dead-letters"):
        found |= {letter["message_id"], letter["type"]}
    return found


def listings(data_dir: Path) -> list[list[str]]:
    orders = [order["id"] for order in as_json(data_dir, "orders", "list")]
    return [
        ["catalog", "list"], ["inventory", "list"], ["inventory", "show", "MUG-BLUE-ENAMEL-LARGE"],
        ["orders", "list"], *(["orders", "show", order_id] for order_id in orders),
        ["shipping", "list"], ["messages", "status"], ["messages", "dead-letters"],
        ["trace", "MUG-BLUE-ENAMEL-LARGE"], *(["trace", order_id] for order_id in orders),
    ]  # fmt: skip


def words(output: str) -> set[str]:
    return set(re.split(r"[\s│┃|]+", output))


def at_a_terminal(data_dir: Path, args: list[str], columns: int) -> Result:
    result = CliRunner(env={"COLUMNS": str(columns)}).invoke(
        cli, ["--data-dir", str(data_dir), *args]
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("columns", [40, 80])
def test_a_terminal_table_never_cuts_what_must_be_copied(
    shop: Path, columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = must_stay_whole(shop)
    monkeypatch.setattr(render, "stdout_is_terminal", lambda: True)
    seen: set[str] = set()
    for args in listings(shop):
        output = at_a_terminal(shop, args, columns).stdout
        assert "…" not in output, args
        seen |= words(output)
    assert wanted <= seen, wanted - seen


def test_output_that_is_not_for_a_terminal_is_one_tab_separated_record_a_line(
    shop: Path,
) -> None:
    wanted = must_stay_whole(shop)
    seen: set[str] = set()
    for args in listings(shop):
        output = run(shop, *args).stdout
        assert not set(output) & set("┃│┏━─…"), args
        seen |= {cell for line in output.splitlines() for cell in line.split("\t")}
    assert wanted <= seen, wanted - seen
    orders = run(shop, "orders", "list").stdout.splitlines()
    columns = ["Number", "Order", "Placed", "Customer", "Status", "Reason", "Total", "Currency"]
    assert orders[0].split("\t") == columns
    assert all(len(line.split("\t")) == len(columns) for line in orders)


def test_the_version_is_printed() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(cli, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"cli {version('tessera')}\n")


def test_json_is_still_the_contract_for_programs(shop: Path) -> None:
    result = run(shop, "catalog", "list", "--json")
    assert json.loads(result.stdout)[0]["sku"] == "MUG-BLUE-ENAMEL-LARGE"
