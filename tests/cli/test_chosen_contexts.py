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
    assert [row["context"] for row in status] == ["catalog", "inventory"]
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
