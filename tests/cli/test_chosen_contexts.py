"""A shop is made of the contexts it is given (`TESSERA_CONTEXTS`, `--contexts`,
`Settings.contexts`), every installed one by default; the five of the reference shop are
installed exactly as a context of another distribution is."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from tessera.adapters.bootstrap import Settings, bootstrap, setup
from tessera.adapters.bootstrap.root import installed_contexts
from tessera.adapters.cli.main import cli
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.inventory.queries import GetStockItem

TWO = {"TESSERA_CONTEXTS": "catalog,inventory"}


def tessera(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(cli, ["--data-dir", str(data_dir), *args])


def test_the_reference_shop_s_contexts_are_installed_through_the_entry_point_group() -> None:
    names = [context.name for context in installed_contexts()]
    assert {"catalog", "inventory", "ordering", "payments", "shipping"} <= set(names)


def test_a_shop_of_catalog_and_inventory_alone(tmp_path: Path) -> None:
    assert tessera(tmp_path, "db", "setup", env=TWO).exit_code == 0
    assert sorted(p.name for p in tmp_path.glob("*.db")) == [
        "catalog.db", "inventory.db", "queue.db"
    ]  # fmt: skip
    status = json.loads(tessera(tmp_path, "db", "status", "--json", env=TWO).stdout)
    assert [row["context"] for row in status] == ["queue file", "catalog", "inventory"]
    added = tessera(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3", env=TWO)
    assert added.exit_code == 0, added.output
    assert tessera(tmp_path, "inventory", "receive", "MUG-1", "4", env=TWO).exit_code == 0
    shown = json.loads(tessera(tmp_path, "inventory", "show", "MUG-1", "--json", env=TWO).stdout)
    assert shown["on_hand"] == 4
    refused = tessera(tmp_path, "orders", "list", env=TWO)
    assert (refused.exit_code, refused.stderr) == (
        1,
        "error: no context of this shop handles FindOrders (its contexts: catalog, inventory;"
        " TESSERA_CONTEXTS chooses them)\n",
    )
    by_option = tessera(tmp_path, "--contexts", "catalog,inventory", "catalog", "list", "--json")
    assert [p["sku"] for p in json.loads(by_option.stdout)] == ["MUG-1"]


def test_a_context_that_is_not_installed_is_refused_in_one_line(tmp_path: Path) -> None:
    refused = tessera(tmp_path, "--contexts", "catalog,billing", "db", "setup")
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        "error: TESSERA_CONTEXTS names billing, which is not installed (the contexts: catalog,"
    )
    assert refused.stderr.count("\n") == 1
    assert not tmp_path.joinpath("catalog.db").exists()
    bad = tessera(tmp_path, "--contexts", "Catalog", "db", "setup")
    assert (bad.exit_code, bad.stderr.count("\n")) == (2, 1)


def test_bootstrap_runs_the_contexts_the_settings_name(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, contexts=("catalog", "inventory"))
    assert setup(settings) == ["catalog", "inventory"]
    with bootstrap(settings) as shop:
        assert shop.contexts == ["catalog", "inventory"]
        shop.handle(ListProduct("MUG-1", "Mug", "3.00"))
        shop.handle(ReceiveStock("MUG-1", 2))
        assert shop.handle(GetStockItem("MUG-1")).on_hand == 2


def test_the_global_options_are_taken_after_the_command_too(tmp_path: Path) -> None:
    assert tessera(tmp_path, "db", "setup").exit_code == 0
    after = CliRunner().invoke(
        cli, ["catalog", "add", "MUG-1", "--name", "Mug", "--price", "3", "--data-dir",
              str(tmp_path), "--contexts=catalog,inventory"],
    )  # fmt: skip
    assert after.exit_code == 0, after.output
    listed = CliRunner().invoke(cli, ["catalog", "list", "--json", f"--data-dir={tmp_path}"])
    assert [p["sku"] for p in json.loads(listed.stdout)] == ["MUG-1"]
    helped = CliRunner().invoke(cli, ["catalog", "list", "--help", "--data-dir", str(tmp_path)])
    assert helped.exit_code == 0
    assert "List the catalog" in helped.stdout or "Usage: cli catalog list" in helped.stdout


def test_contexts_installed_after_the_shop_was_made_join_it_with_db_upgrade(
    tmp_path: Path,
) -> None:
    """A shop made of catalog and inventory, then run with every installed context (as when a
    distribution adds one): what the shop has keeps working, what it lacks names the upgrade,
    and `db upgrade` (not setup) brings the rest in."""
    assert tessera(tmp_path, "db", "setup", env=TWO).exit_code == 0
    added = tessera(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3")
    assert added.exit_code == 0, added.output
    assert tessera(tmp_path, "inventory", "receive", "MUG-1", "5").exit_code == 0
    refused = tessera(tmp_path, "orders", "list")
    assert refused.exit_code == 1
    assert refused.stderr.endswith(
        "ordering, payments, shipping installed and not yet part of it: run 'tessera db upgrade')\n"
    )
    status = json.loads(tessera(tmp_path, "db", "status", "--json").stdout)
    assert {row["context"]: row["up_to_date"] for row in status} == {
        "queue file": True,
        "catalog": True, "inventory": True, "ordering": False, "payments": False,
        "shipping": False,
    }  # fmt: skip
    upgraded = tessera(tmp_path, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "ordering: no revision -> 0004" in upgraded.stdout
    # A context that joins hears what is published from then on, not what was before it.
    early = tessera(tmp_path, "orders", "place", "--customer", "c-1", "--line", "MUG-1:2",
                    "--card", "tok_visa", "--address", "1 Main St")  # fmt: skip
    assert (early.exit_code, early.stderr) == (1, "error: MUG-1 is not in the catalog\n")
    assert (
        tessera(tmp_path, "catalog", "add", "CUP-1", "--name", "Cup", "--price", "2").exit_code == 0
    )
    assert tessera(tmp_path, "inventory", "receive", "CUP-1", "5").exit_code == 0
    placed = tessera(
        tmp_path, "orders", "place", "--customer", "c-1", "--line", "CUP-1:2", "--card",
        "tok_visa", "--address", "1 Main St", "--json",
    )  # fmt: skip
    assert placed.exit_code == 0, placed.output
    assert json.loads(placed.stdout)["status"] == "shipped"


def test_db_upgrade_makes_no_shop_where_there_is_none(tmp_path: Path) -> None:
    (tmp_path / "typo").mkdir()
    refused = tessera(tmp_path / "typo", "db", "upgrade")
    assert refused.exit_code == 1
    assert "it is not a Tessera shop" in refused.stderr
    assert list((tmp_path / "typo").iterdir()) == []
