"""The published language as a contract: a JSON Schema per event type and version, generated
from its class and snapshotted in the repository; a check that fails, one line per break, on
any change that breaks a published version, and lets a new optional field or version pass."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator

from tessera.adapters.cli.main import cli
from tessera.application.shared.contract_schema import breaks, schema

PLACED = "tessera.ordering.OrderPlaced.v1"
ROOT = Path(__file__).resolve().parents[2]


def contracts(*args: str) -> Any:
    return CliRunner().invoke(cli, ["contracts", *args])


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    made = contracts("snapshot", "--dir", str(tmp_path))
    assert made.exit_code == 0, made.output
    return tmp_path


def edit(where: Path, event_type: str, change: Any) -> None:
    path = where / f"{event_type}.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def line_field(document: dict[str, Any], name: str) -> dict[str, Any]:
    field: dict[str, Any] = document["properties"]["lines"]["items"]["properties"][name]
    return field


def test_the_repository_s_snapshots_are_what_the_code_publishes() -> None:
    checked = contracts("check", "--dir", str(ROOT / "docs/contracts"))
    assert checked.exit_code == 0, checked.output
    assert "none broken" in checked.stdout
    assert "not yet recorded" not in checked.stdout  # run 'tessera contracts snapshot'


def test_a_fresh_snapshot_checks_clean(recorded: Path) -> None:
    assert len(list(recorded.glob("tessera.*.json"))) == 23
    checked = contracts("check", "--dir", str(recorded))
    assert (checked.exit_code, checked.stdout) == (0, "23 published version(s), none broken\n")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d["properties"].update(gift={"type": "string"}),
         f"{PLACED}: data.gift was removed (or renamed)"),
        (lambda d: d["properties"]["customer_id"].update(type="integer"),
         f"{PLACED}: data.customer_id changed from integer to string"),
        (lambda d: line_field(d, "quantity").update(type="string"),
         f"{PLACED}: data.lines[].quantity changed from string to integer"),
        (lambda d: d["required"].remove("currency"), f"{PLACED}: data.currency became required"),
        (lambda d: d["required"].append("number"), f"{PLACED}: data.number is no longer required"),
        (lambda d: d["properties"]["number"].update(anyOf=[{"type": "integer"}]),
         f"{PLACED}: data.number changed from integer to integer or null"),
        (lambda d: d["properties"].pop("total") and d["required"].remove("total"),
         f"{PLACED}: data.total was added as required (a new field must be optional)"),
    ],
)  # fmt: skip
def test_each_kind_of_break_is_one_line_and_fails_the_check(
    recorded: Path, change: Any, says: str
) -> None:
    edit(recorded, PLACED, change)
    checked = contracts("check", "--dir", str(recorded))
    assert checked.exit_code == 1
    assert checked.stderr.splitlines() == [
        f"break: {says}",
        "error: 1 change(s) break published versions: publish a new version instead",
    ]


def test_a_version_no_longer_published_breaks_and_a_new_optional_field_does_not(
    recorded: Path,
) -> None:
    (recorded / "tessera.ordering.OrderPlaced.v0.json").write_text(json.dumps({"type": "object"}))
    checked = contracts("check", "--dir", str(recorded))
    assert "break: tessera.ordering.OrderPlaced.v0: the code no longer publishes it" in (
        checked.stderr
    )
    (recorded / "tessera.ordering.OrderPlaced.v0.json").unlink()

    def without_number(document: dict[str, Any]) -> None:
        del document["properties"]["number"]  # as it was before the number was added

    edit(recorded, PLACED, without_number)
    checked = contracts("check", "--dir", str(recorded))
    assert checked.exit_code == 0, checked.output
    assert f"not yet recorded: {PLACED}" in checked.stdout
    assert "updated" in contracts("snapshot", "--dir", str(recorded)).stdout


def test_a_version_is_retired_by_a_snapshot_only_once_no_recorded_consumer_reads_it(
    recorded: Path,
) -> None:
    retired = "tessera.ordering.OrderConfirmed.v1"  # published until no one read it
    (recorded / f"{retired}.json").write_text(json.dumps({"type": "object"}))
    readers = {"mailer": {retired: ["order_id"]}}
    (recorded / "readers.json").write_text(json.dumps(readers))
    refused = contracts("snapshot", "--dir", str(recorded))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"kept: {retired} is read by mailer ({recorded / 'readers.json'})",
        "error: 1 retired version(s) still read: publish them until no one does",
    ]
    assert (recorded / f"{retired}.json").exists()
    (recorded / "readers.json").unlink()
    made = contracts("snapshot", "--dir", str(recorded))
    assert made.exit_code == 0, made.output
    assert f"removed {recorded / retired}.json: the code no longer publishes it" in made.stdout
    assert contracts("check", "--dir", str(recorded)).exit_code == 0


def test_a_rename_is_a_removal_and_a_required_addition() -> None:
    @attrs.frozen
    class Before:
        order_id: str
        amount: Decimal

    @attrs.frozen
    class After:
        order_id: str
        total: Decimal

    found = breaks("t.v1", schema("t.v1", Before), schema("t.v1", After))
    assert found == [
        "t.v1: data.amount was removed (or renamed)",
        "t.v1: data.total was added as required (a new field must be optional)",
    ]


def test_a_type_the_published_language_cannot_carry_is_refused_naming_the_field() -> None:
    @attrs.frozen
    class Odd:
        when: set[str]

    with pytest.raises(TypeError, match=r"Odd.when: .* has no JSON Schema"):
        schema("t.v1", Odd)


ASYNCAPI_SCHEMA = ROOT / ".cache/npm/node_modules/@asyncapi/specs/schemas/3.0.0.json"
"""The AsyncAPI project's JSON Schema of a 3.0.0 document (npm @asyncapi/specs; make gets it)."""


def asyncapi_validator() -> Draft7Validator:
    if not ASYNCAPI_SCHEMA.exists():
        message = f"{ASYNCAPI_SCHEMA} is missing: 'make check' installs it (npm @asyncapi/specs)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return Draft7Validator(json.loads(ASYNCAPI_SCHEMA.read_text()))


def unread_lines(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("unread: ")]


def test_a_field_no_subscriber_reads_fails_the_check_until_it_is_recorded(
    recorded: Path,
) -> None:
    listing = recorded / "unread.json"
    unread = json.loads(listing.read_text())
    assert unread["tessera.catalog.ProductListed.v1"] == ["name"]  # ordering reads the price
    assert "tessera.ordering.PaymentRequested.v1" not in unread  # payments reads every field
    assert "tessera.ordering.ShipmentRequested.v1" in unread  # shipping reads no lines
    del unread["tessera.catalog.ProductListed.v1"]  # as if `name` were new
    listing.write_text(json.dumps(unread))
    checked = contracts("check", "--dir", str(recorded))
    assert checked.exit_code == 1
    assert unread_lines(checked) == [
        "unread: tessera.catalog.ProductListed.v1: data.name is read by no subscriber"
    ]
    assert "record it as unread with 'tessera contracts snapshot'" in checked.stderr


def test_a_consumer_outside_the_shop_is_recorded_with_what_it_reads(recorded: Path) -> None:
    readers = {"labels": {"tessera.catalog.ProductListed.v1": ["sku", "name"]}}
    (recorded / "readers.json").write_text(json.dumps(readers))
    checked = contracts("check", "--dir", str(recorded))
    assert checked.exit_code == 1  # the record says nobody reads it: no longer true
    assert unread_lines(checked) == [
        "unread: tessera.catalog.ProductListed.v1: data.name is listed in unread.json and is"
        " read now (or gone)"
    ]
    assert contracts("snapshot", "--dir", str(recorded)).exit_code == 0
    assert "tessera.catalog.ProductListed.v1" not in json.loads(
        (recorded / "unread.json").read_text()
    )
    document = json.loads((recorded / "asyncapi.yaml").read_text())
    assert document["operations"]["labels_receives_catalog"]["x-reads"] == {
        "tessera.catalog.ProductListed.v1": ["name", "sku"]
    }
    assert contracts("check", "--dir", str(recorded)).exit_code == 0

    readers["labels"]["tessera.catalog.ProductListed.v1"].append("colour")
    (recorded / "readers.json").write_text(json.dumps(readers))
    checked = contracts("check", "--dir", str(recorded))
    assert checked.exit_code == 1
    assert unread_lines(checked) == [
        "unread: tessera.catalog.ProductListed.v1: colour is read, and it has no such field"
    ]


def test_the_asyncapi_document_is_valid_by_the_asyncapi_project_s_own_schema() -> None:
    printed = contracts("asyncapi")
    assert printed.exit_code == 0, printed.output
    document = json.loads(printed.stdout)  # JSON, which YAML 1.2 reads as well
    assert document == json.loads((ROOT / "docs/contracts/asyncapi.yaml").read_text())
    validator = asyncapi_validator()
    assert [error.message for error in validator.iter_errors(document)] == []
    assert set(document["channels"]) == {"catalog", "inventory", "ordering", "payments", "shipping"}
    placed = document["components"]["messages"]["ordering_OrderPlaced_v2"]
    assert placed["contentType"] == "application/cloudevents+json"
    assert placed["payload"]["properties"]["data"]["required"] == [
        "order_id", "customer_id", "lines", "total", "currency",
    ]  # fmt: skip
    receives = document["operations"]["inventory_receives_ordering"]["messages"]
    assert {"$ref": "#/channels/ordering/messages/ordering_OrderPlaced_v2"} in receives
    # Who receives what, and what each reads of it: the card token payments alone, the
    # address shipping alone.
    reads = {
        name: operation["x-reads"]
        for name, operation in document["operations"].items()
        if operation["action"] == "receive"
    }
    assert reads["payments_receives_ordering"]["tessera.ordering.PaymentRequested.v1"] == [
        "amount", "card_token", "currency", "order_id",
    ]  # fmt: skip
    assert reads["shipping_receives_ordering"] == {
        "tessera.ordering.ShipmentRequested.v2": ["address", "order_id"],
        "tessera.ordering.ShipmentRequested.v1": ["address", "order_id"],  # until it is retired
    }
    assert reads["inventory_receives_ordering"]["tessera.ordering.OrderPlaced.v2"] == [
        "lines[].quantity", "lines[].sku", "order_id",
    ]  # fmt: skip
    secrets = ("tessera.ordering.PaymentRequested.v1", "tessera.ordering.ShipmentRequested.v1")
    receiving = {t: {name for name, r in reads.items() if t in r} for t in secrets}
    assert receiving == {
        "tessera.ordering.PaymentRequested.v1": {"payments_receives_ordering"},
        "tessera.ordering.ShipmentRequested.v1": {"shipping_receives_ordering"},
    }

    document["operations"]["ordering_publishes"]["action"] = "publish"  # AsyncAPI 2's word
    assert any("publish" in error.message for error in validator.iter_errors(document))
