"""A command that may have taken effect says so exactly and can be retried safely: an order
stored whose messages could not be sent exits with its own code, names the order, and a retry
with the same id places nothing twice; a database error is one line, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.invoke import as_json, run, set_up

PLACE = ["orders", "place", "--customer", "c-1", "--line", "MUG-1:1", "--card", "tok_visa",
         "--address", "1 Main St"]  # fmt: skip


@pytest.fixture
def scaled(tmp_path: Path, postgres_url: str, broker_url: str) -> dict[str, str]:
    """A stocked shop on PostgreSQL and RabbitMQ of the test's own; its environment."""
    env = {"TESSERA_DATABASE_URL": postgres_url, "TESSERA_BROKER_URL": broker_url}
    set_up(tmp_path, env)
    assert (
        run(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "5", env=env).exit_code
        == 0
    )
    assert run(tmp_path, "inventory", "receive", "MUG-1", "10", env=env).exit_code == 0
    return env


def test_an_order_stored_whose_messages_could_not_be_sent_says_so_and_a_retry_places_it_once(
    tmp_path: Path, scaled: dict[str, str]
) -> None:
    refused = {
        **scaled,
        "TESSERA_BROKER_URL": scaled["TESSERA_BROKER_URL"].replace(":guest@", ":wrong@"),
    }
    first = run(tmp_path, *PLACE, env=refused)
    assert first.exit_code == 3, first.output
    assert first.stderr.count("\n") == 1
    said = re.match(
        r"error: order 1 \((\w+)\) is stored; its delivery is pending \((.*)\);", first.stderr
    )
    assert said is not None, first.stderr
    order_id, why = said.groups()
    assert "refused the login" in why
    assert "wrong" not in first.stderr  # the password is never shown

    again = run(tmp_path, *PLACE, "--order-id", order_id, "--json", env=scaled)
    assert again.exit_code == 0, again.output
    answer = json.loads(again.stdout)
    assert (answer["id"], answer["number"], answer["placed_before"]) == (order_id, 1, True)
    assert answer["status"] == "shipped"  # the retry's delivery sent what the first kept
    assert [o["id"] for o in as_json(tmp_path, "orders", "list", env=scaled)] == [order_id]


def test_placing_with_an_id_of_ones_own_twice_places_one_order(tmp_path: Path) -> None:
    set_up(tmp_path)
    assert run(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "5").exit_code == 0
    assert run(tmp_path, "inventory", "receive", "MUG-1", "10").exit_code == 0
    first = run(tmp_path, *PLACE, "--order-id", "web-42")
    second = run(tmp_path, *PLACE, "--order-id", "web-42")
    assert first.stdout == "order 1 (web-42): shipped\n"
    assert second.stdout == "order 1 (web-42), placed before (nothing changed): shipped\n"
    assert len(as_json(tmp_path, "orders", "list")) == 1
    bad = run(tmp_path, *PLACE, "--order-id", "two words")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("error: order id 'two words' must be")
