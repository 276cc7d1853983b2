"""`tessera` loads what a command needs and no more: `--version`, `--help`, completion and a
read of a SQLite shop start without the broker's client, Alembic or the PostgreSQL driver."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests import children
from tests.cli.invoke import run, set_up

pytestmark = pytest.mark.process

HEAVY = ("kombu", "amqp", "alembic", "psycopg")


def imported(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages `tessera ARGS` imported, as `-X importtime` lists them."""
    return importing(*args, env=env)[0]


def importing(*args: str, env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """What `tessera ARGS` imported, and what it printed."""
    result = children.run(
        [sys.executable, "-X", "importtime", "-m", "tessera.adapters.cli", *args],
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    loaded = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return loaded, result.stdout


@pytest.mark.parametrize(
    "args", [["--version"], ["--help"], ["orders", "--help"], ["worker", "--help"]]
)
def test_help_and_version_load_no_database_or_broker_library(args: list[str]) -> None:
    loaded = imported(*args)
    assert not loaded & {*HEAVY, "sqlalchemy"}, sorted(loaded & {*HEAVY, "sqlalchemy"})


def test_completion_loads_no_database_or_broker_library() -> None:
    completing = {
        "_TESSERA_COMPLETE": "bash_complete",
        "COMP_WORDS": "tessera or",
        "COMP_CWORD": "1",
    }
    loaded, offered = importing(env=completing)
    assert "plain,orders" in offered.splitlines()
    assert not loaded & {*HEAVY, "sqlalchemy"}


def test_a_read_of_a_sqlite_shop_loads_no_broker_client_alembic_or_driver(tmp_path: Path) -> None:
    set_up(tmp_path)
    assert run(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3").exit_code == 0
    loaded = imported("--data-dir", str(tmp_path), "catalog", "list")
    assert "sqlalchemy" in loaded  # it did read the shop
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
