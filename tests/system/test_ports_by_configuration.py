"""Every port is bound by configuration that the CLI, every worker and `bootstrap()` read
alike: a deployment names its payment gateway as `package.module:factory`, from a
distribution of its own, and every process charges through it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tessera.adapters.bootstrap import Settings, bootstrap, setup
from tessera.adapters.settings import UnusableSettings
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.ordering.queries import GetOrder
from tests import children
from tests.children import TESSERA

CONTEXTS = ("catalog", "inventory", "ordering", "payments", "shipping")

ACME = '''
"""A payment gateway of another distribution: it approves `acct_` tokens and records each
charge in acme-charges.jsonl beside the shop."""
import json
from pathlib import Path

from tessera.application.payments.gateway import ChargeResult


class AcmeGateway:
    def __init__(self, ledger: Path) -> None:
        self._ledger = ledger

    def charge(self, idempotency_key, card_token, amount):
        approved = card_token.startswith("acct_")
        with self._ledger.open("a") as ledger:
            ledger.write(json.dumps({"key": idempotency_key, "card": card_token,
                                     "amount": str(amount.amount), "approved": approved}) + "\\n")
        return ChargeResult(approved, "" if approved else "acme_refused")

    def refund(self, idempotency_key, amount):
        pass


def gateway(settings):
    return AcmeGateway(Path(settings.data_dir) / "acme-charges.jsonl")


def not_a_gateway():
    return "a string"
'''


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The distribution on the path of this process and of every process it starts."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "acme_payments.py").write_text(ACME)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    return site


def charges(data_dir: Path) -> list[dict[str, Any]]:
    ledger = data_dir / "acme-charges.jsonl"
    return [json.loads(line) for line in ledger.read_text().splitlines()] if ledger.exists() else []


def tessera(data_dir: Path, *args: str) -> Any:
    result = children.run([*TESSERA, "--data-dir", str(data_dir), "--topology", "split", *args])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result


@pytest.fixture
def split_workers(tmp_path: Path, acme: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "shop"
    monkeypatch.setenv("TESSERA_PAYMENT_GATEWAY", "acme_payments:gateway")
    tessera(data, "db", "setup")
    worker = [*TESSERA, "--data-dir", str(data), "--topology", "split", "worker"]
    started = [
        children.start([*worker, "--context", name], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
        for name in CONTEXTS
    ]  # fmt: skip
    yield data
    for process in started:
        process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            _, err = process.communicate(timeout=children.STOP_SECONDS)
        finally:
            children.end(process)
        assert process.returncode == 0, err
        assert "test adapters" not in err, "a named gateway is no stand-in"


@pytest.mark.process
def test_split_workers_charge_through_the_gateway_the_environment_names(
    split_workers: Path,
) -> None:
    data = split_workers
    tessera(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "12.50")
    deadline = time.monotonic() + 30
    while children.run([*TESSERA, "--data-dir", str(data), "--topology", "split", "inventory",
                        "receive", "MUG-1", "5"]).returncode != 0:  # fmt: skip
        assert time.monotonic() < deadline, "inventory never heard of MUG-1"
        time.sleep(0.1)
    placed = [
        tessera(data, "orders", "place", "--customer", "c-1", "--line", "MUG-1:1", "--card",
                card, "--address", "1 Main St", "--json")["id"]
        for card in ("acct_42", "tok_visa")
    ]  # fmt: skip

    def statuses() -> list[tuple[str, str | None]]:
        shown = [tessera(data, "orders", "show", order, "--json") for order in placed]
        return [(order["status"], order["cancel_reason"]) for order in shown]

    while statuses() != [("shipped", None), ("cancelled", "payment_declined")]:
        assert time.monotonic() < deadline + 30, statuses()
        time.sleep(0.1)
    assert [(c["card"], c["amount"], c["approved"]) for c in charges(data)] == [
        ("acct_42", "12.50", True),
        ("tok_visa", "12.50", False),  # the test gateway's token means nothing to Acme
    ]


def test_bootstrap_binds_the_port_the_environment_names(
    tmp_path: Path, acme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSERA_PAYMENT_GATEWAY", "acme_payments:gateway")
    settings = Settings(data_dir=tmp_path / "shop")
    setup(settings)
    with bootstrap(settings) as shop:
        shop.handle(ListProduct("MUG-1", "Mug", "3.00"))
        shop.handle(ReceiveStock("MUG-1", 2))
        placed = shop.handle(PlaceOrder("c-1", [OrderLineRequest("MUG-1", 1)], "acct_7", "1 St"))
        assert shop.handle(GetOrder(placed.view.id)).status == "shipped"
        assert shop.stand_ins.keys() == set(), "both ports are named"
    assert [c["card"] for c in charges(tmp_path / "shop")] == ["acct_7"]


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("acme_payments", "TESSERA_PAYMENT_GATEWAY: 'acme_payments' is not package.module:factory"),
        ("no_such_module:gateway", "TESSERA_PAYMENT_GATEWAY: cannot import no_such_module"),
        ("acme_payments:nothing", "TESSERA_PAYMENT_GATEWAY: acme_payments has no factory nothing"),
        (
            "acme_payments:not_a_gateway",
            "TESSERA_PAYMENT_GATEWAY: acme_payments:not_a_gateway made a str, not a PaymentGateway",
        ),
    ],
)
def test_a_port_named_wrongly_is_refused_naming_where_it_was_named(
    acme: Path, monkeypatch: pytest.MonkeyPatch, spec: str, said: str
) -> None:
    monkeypatch.setenv("TESSERA_PAYMENT_GATEWAY", spec)
    with pytest.raises(UnusableSettings) as refused:
        bootstrap(Settings.in_memory())
    assert str(refused.value).startswith(said)


def test_a_port_no_context_declares_is_refused() -> None:
    with pytest.raises(UnusableSettings, match="no context declares the port mailer"):
        bootstrap(Settings.in_memory(ports={"mailer": "acme_mail:mailer"}))
