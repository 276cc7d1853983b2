"""The library's promises on PostgreSQL and RabbitMQ: a shop of the contexts it is given, ports
named in the environment and bound by every worker, and a process that opens only the
contexts it uses (every other context's role may refuse to log in)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url

from tessera.adapters.persistence.postgres import role_name
from tests import children
from tests.children import TESSERA
from tests.servers import postgres_database, rabbitmq_vhost
from tests.system.test_hostile_wire import logins_refused
from tests.system.test_ports_by_configuration import ACME, charges
from tests.system.test_split_topology import split_on_servers, stop, worker_process

pytestmark = [pytest.mark.process, pytest.mark.server]

CONTEXTS = ("catalog", "inventory", "ordering", "payments", "shipping")


def tessera(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    result = children.run(
        [*TESSERA, "--data-dir", str(data_dir), *args], env={**os.environ, **(env or {})}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def roles_on(database: str) -> set[str]:
    """The contexts that have a role in this database."""
    prefix = role_name(make_url(database), "catalog").removesuffix("catalog")
    with psycopg.connect(database) as admin:
        rows = admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", [f"{prefix}%"])
        return {str(name)[len(prefix) :] for (name,) in rows}


def test_a_shop_of_catalog_and_inventory_alone_on_postgresql_and_rabbitmq(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with postgres_database() as database, rabbitmq_vhost() as broker:
        monkeypatch.setenv("TESSERA_CONTEXTS", "catalog,inventory")
        monkeypatch.setenv("TESSERA_DATABASE_URL", database)
        monkeypatch.setenv("TESSERA_BROKER_URL", broker)
        tessera(tmp_path, "db", "setup")
        assert roles_on(database) == {"catalog", "inventory"}
        tessera(tmp_path, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3")
        tessera(tmp_path, "inventory", "receive", "MUG-1", "4")
        assert tessera(tmp_path, "inventory", "show", "MUG-1", "--json")["on_hand"] == 4
        refused = children.run([*TESSERA, "--data-dir", str(tmp_path), "orders", "list"])
        assert refused.returncode == 1
        assert "no context of this shop handles FindOrders" in refused.stderr


def test_a_command_opens_only_the_contexts_it_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the split topology a command delivers nothing: with every role but catalog's
    refusing to log in, catalog's commands and queries still work."""
    with postgres_database() as database, rabbitmq_vhost() as broker:
        split_on_servers(tmp_path, monkeypatch, database, broker)
        others = [context for context in CONTEXTS if context != "catalog"]
        with logins_refused(database, others):
            split = ["--topology", "split"]
            tessera(tmp_path, *split, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3")
            listed = tessera(tmp_path, *split, "catalog", "list", "--json")
            assert [product["sku"] for product in listed] == ["MUG-1"]
            refused = children.run([*TESSERA, "--data-dir", str(tmp_path), *split, "orders",
                                    "list"])  # fmt: skip
            assert refused.returncode == 1
            assert refused.stderr.count("\n") == 1, refused.stderr
            assert "cannot open" in refused.stderr


def test_split_workers_on_servers_charge_through_the_gateway_the_environment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "acme_payments.py").write_text(ACME)
    monkeypatch.syspath_prepend(str(site))  # set up from here, the workers from the path below
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("TESSERA_PAYMENT_GATEWAY", "acme_payments:gateway")
    data = tmp_path / "shop"
    with postgres_database() as database, rabbitmq_vhost() as broker:
        split_on_servers(data, monkeypatch, database, broker, TESSERA_RETRY_FIRST_DELAY="0.05")
        workers = [worker_process(data, context, env={}) for context in CONTEXTS]
        try:
            split = ["--topology", "split"]
            tessera(data, *split, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "5")
            deadline = time.monotonic() + 60
            while children.run([*TESSERA, "--data-dir", str(data), *split, "inventory",
                                "receive", "MUG-1", "3"]).returncode != 0:  # fmt: skip
                assert time.monotonic() < deadline, "inventory never heard of MUG-1"
                time.sleep(0.2)
            order = tessera(
                data, *split, "orders", "place", "--customer", "c-1", "--line", "MUG-1:1",
                "--card", "acct_9", "--address", "1 St", "--json",
            )["id"]  # fmt: skip
            while (
                status := tessera(data, *split, "orders", "show", order, "--json")["status"]
            ) != "shipped":
                assert time.monotonic() < deadline, status
                time.sleep(0.2)
        finally:
            stop(*workers)
        assert [(c["card"], c["approved"]) for c in charges(data)] == [("acct_9", True)]
