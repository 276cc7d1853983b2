"""A read never does work on the side, and only the commands meant to create a shop create one."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from tessera.adapters.cli.main import cli
from tests import children
from tests.cli.invoke import as_json, run, set_up
from tests.rollout import FORMS
from tests.snapshot import shop_state

READS = (
    ["catalog", "list"],
    ["catalog", "list", "--json"],
    ["inventory", "list"],
    ["inventory", "show", "MUG-1"],
    ["orders", "list"],
    ["orders", "list", "--status", "pending", "--json"],
    ["shipping", "list"],
    ["messages", "status"],
    ["messages", "dead-letters"],
    ["trace", "MUG-1"],
)
WRITES = (
    ["catalog", "add", "CUP-1", "--name", "Cup", "--price", "2"],
    ["catalog", "discontinue", "MUG-1"],
    ["inventory", "receive", "MUG-1", "1"],
    ["worker", "--until-idle"],
    ["messages", "replay", "no-such-message"],
)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    data = set_up(tmp_path / "data")
    assert run(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3").exit_code == 0
    assert run(data, "inventory", "receive", "MUG-1", "50").exit_code == 0
    return data


def place_in_split(data_dir: Path, count: int) -> list[str]:
    """Orders placed where only workers deliver: each leaves an outbox backlog behind."""
    placed = []
    for n in range(count):
        result = run(
            data_dir, "--topology", "split", "orders", "place", "--customer", f"c-{n}",
            "--line", "MUG-1:1", "--card", "tok_visa", "--address", "1 Main St", "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        placed.append(json.loads(result.stdout)["id"])
    return placed


def test_reads_on_a_backlog_deliver_nothing_and_show_the_state_as_it_is(shop: Path) -> None:
    placed = place_in_split(shop, 5)
    before = shop_state(shop)
    for args in READS:
        assert run(shop, *args).exit_code == 0, args
    for order_id in placed:
        assert run(shop, "orders", "show", order_id).exit_code == 0
        assert as_json(shop, "orders", "show", order_id)["status"] == "pending"
    assert shop_state(shop) == before
    assert as_json(shop, "messages", "status")["outbox"]["ordering"] == 5 * FORMS  # OrderPlaced
    pending = as_json(shop, "orders", "list", "--status", "pending")
    assert sorted(o["id"] for o in pending) == sorted(placed)


def test_a_command_in_the_monolith_still_delivers_the_backlog_it_finds(shop: Path) -> None:
    place_in_split(shop, 2)
    assert run(shop, "inventory", "receive", "MUG-1", "1").exit_code == 0
    assert {o["status"] for o in as_json(shop, "orders", "list")} == {"shipped"}


@pytest.mark.parametrize("args", [*READS, *WRITES, ["orders", "show", "abc"]])
def test_a_data_directory_that_does_not_exist_is_refused_not_created(
    tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "typo" / "data"
    result = run(missing, *args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"data directory {missing} does not exist" in result.stderr
    assert "db setup" in result.stderr
    assert not (tmp_path / "typo").exists()


def test_a_directory_without_a_shop_in_it_is_refused_untouched(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(empty, "catalog", "list")
    assert result.exit_code == 1
    assert "has no catalog.db: it is not a Tessera shop" in result.stderr
    assert list(empty.iterdir()) == []


def test_setting_up_creates_the_shop_and_again_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "new" / "shop"
    first = run(data, "db", "setup", "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["databases"] == [
        "catalog.db", "inventory.db", "ordering.db", "payments.db", "queue.db", "shipping.db",
    ]  # fmt: skip
    before = shop_state(data)
    assert run(data, "db", "setup").exit_code == 0
    assert shop_state(data) == before
    assert as_json(data, "catalog", "list") == []


@pytest.mark.parametrize("env", [{}, {"TESSERA_DATA_DIR": ""}])
def test_an_empty_data_directory_name_is_refused_not_taken_for_the_default(
    tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where the default ./var would be made
    args = ["--data-dir", ""] if not env else []
    result = CliRunner(env=env).invoke(cli, [*args, "db", "setup"])
    assert result.exit_code == 2
    assert "the data directory is empty" in result.stderr
    assert list(tmp_path.iterdir()) == []


@contextmanager
def read_only_view(directory: Path) -> Iterator[Path]:
    """The directory as a read-only mount shows it (root ignores permission bits)."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in [directory, *directory.iterdir()]}
        for path in modes:
            path.chmod(modes[path] & ~0o222)
        try:
            yield directory
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    view = directory.parent / f"{directory.name}-read-only"
    view.mkdir()
    mounted = children.run(["mount", "--bind", str(directory), str(view)])
    if mounted.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs as root and must be able to bind-mount a read-only view")
        pytest.skip("cannot bind-mount a read-only view of the data directory here")
    try:
        remounted = children.run(["mount", "-o", "remount,ro,bind", str(view)])
        assert remounted.returncode == 0, remounted.stderr
        yield view
    finally:
        if children.run(["umount", str(view)]).returncode != 0:
            unmounted = children.run(["umount", "--lazy", str(view)])
            assert unmounted.returncode == 0, unmounted.stderr


@pytest.mark.process  # mount(8), as root
def test_a_read_only_data_directory_serves_reads_and_refuses_writes_in_one_line(
    shop: Path,
) -> None:
    [order_id] = place_in_split(shop, 1)
    assert run(shop, "worker", "--until-idle").exit_code == 0
    before = shop_state(shop)
    with read_only_view(shop) as view:
        for args in [*READS, ["orders", "show", order_id], ["trace", order_id]]:
            result = run(view, *args)
            assert result.exit_code == 0, (args, result.output)
        assert as_json(view, "inventory", "show", "MUG-1")["shipped"] == 1
        assert as_json(view, "orders", "show", order_id)["status"] == "shipped"
        for args in WRITES:
            result = run(view, *args)
            assert result.exit_code == 1, (args, result.output)
            assert result.stderr.count("\n") == 1
            assert result.stderr.startswith(f"error: cannot write data directory {view}")
            assert "Traceback" not in result.output
    assert shop_state(shop) == before
