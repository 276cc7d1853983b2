"""Loyalty, wired into a running Tessera beside the five contexts, learns everything it knows
from ordering's published events."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from tessera_loyalty.adapters.context import loyalty
from tessera_loyalty.application.queries import BalanceView, GetBalance

from tessera.adapters.bootstrap import Settings, Tessera, bootstrap
from tessera.adapters.cli.main import cli
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.queue import Delivery
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import CancelOrder, OrderLineRequest, PlaceOrder
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import ListShipments


@pytest.fixture
def shop() -> Iterator[Tessera]:
    # The context is given directly here; installed, it is found through its entry point.
    with bootstrap(Settings.in_memory(), contexts=[loyalty]) as app:
        app.handle(ListProduct("MUG-1", "Mug", "12.50"))
        app.handle(ReceiveStock("MUG-1", 50))
        yield app


def order(app: Tessera, customer: str, quantity: int, card: str = "tok_visa") -> str:
    line = [OrderLineRequest("MUG-1", quantity)]
    return str(app.handle(PlaceOrder(customer, line, card, "1 Main St")).view.id)


def deliver_everything(app: Tessera) -> None:
    for shipment in app.handle(ListShipments("dispatched")):
        app.handle(DeliverShipment(shipment.id))


def test_a_completed_order_earns_a_point_per_whole_unit_of_its_total(shop: Tessera) -> None:
    order(shop, "c-1", 3)  # 37.50
    order(shop, "c-1", 1)  # 12.50
    assert shop.handle(GetBalance("c-1")) == BalanceView("c-1", 0, 0)  # shipped, not completed
    deliver_everything(shop)
    assert shop.handle(GetBalance("c-1")) == BalanceView("c-1", 37 + 12, 2)


def test_a_cancelled_or_declined_order_earns_nothing(shop: Tessera) -> None:
    order(shop, "c-2", 2, card="tok_chargeDeclined")
    shop.handle(CancelOrder(order(shop, "c-2", 80)))  # more than there is: cancelled anyway
    deliver_everything(shop)
    assert shop.handle(GetBalance("c-2")) == BalanceView("c-2", 0, 0)


class EveryMessageComesTwice(InMemoryQueue):
    """A queue that loses each acknowledgement once, as a broker does when a consumer dies
    between its commit and its ack: every message is delivered a second time."""

    def __init__(self) -> None:
        super().__init__()
        self.redelivered: set[int] = set()

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        again = [d for d in deliveries if d.delivery_id not in self.redelivered]
        self.redelivered |= {d.delivery_id for d in again}
        self.release(again)
        super().ack([d for d in deliveries if d not in again])


def test_a_redelivered_event_never_awards_twice() -> None:
    queue = EveryMessageComesTwice()
    with bootstrap(Settings.in_memory(), queue, contexts=[loyalty]) as app:
        app.handle(ListProduct("MUG-1", "Mug", "12.50"))
        app.handle(ReceiveStock("MUG-1", 50))
        order(app, "c-3", 2)
        deliver_everything(app)
        assert app.handle(GetBalance("c-3")) == BalanceView("c-3", 25, 1)
    assert queue.redelivered  # every message did come twice


def test_loyalty_gets_what_every_context_gets(shop: Tessera) -> None:
    assert shop.contexts[-1] == "loyalty"
    assert "loyalty" in {s.subscription for s in shop.operations.status()}
    subscribers = {e.event_type: e.subscribers for e in shop.context_map()}
    assert "loyalty" in subscribers["tessera.ordering.OrderCompleted.v1"]
    assert "loyalty" in subscribers["tessera.ordering.OrderPlaced.v2"]
    assert "loyalty" in subscribers["tessera.ordering.OrderPlaced.v1"]  # until the rollout ends


def test_what_loyalty_reads_is_what_tessera_s_record_of_outside_readers_says(
    shop: Tessera,
) -> None:
    """docs/contracts/readers.json tells Tessera's `contracts check` which fields loyalty, a
    consumer outside its shop, reads; it must be what loyalty's readings say."""
    record = Path(__file__).parents[3] / "docs" / "contracts" / "readers.json"
    recorded = json.loads(record.read_text())["loyalty"]
    reads = shop.readings()["loyalty"]
    assert {t: sorted(fields) for t, fields in reads.items()} == recorded


def tessera(data_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def stock_mugs(data: Path) -> None:
    """MUG-1 listed at 9.99, five of them in stock."""
    tessera(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "9.99")
    tessera(data, "inventory", "receive", "MUG-1", "5")


def two_mugs_delivered_to_c_1(data: Path) -> None:
    """An order of 19.98 placed, shipped and delivered: completed."""
    tessera(
        data, "orders", "place", "--customer", "c-1", "--line", "MUG-1:2", "--card", "tok_visa",
        "--address", "1 Main St",
    )  # fmt: skip
    [shipment] = json.loads(tessera(data, "shipping", "list", "--json"))
    tessera(data, "shipping", "deliver", shipment["id"])


def test_an_installed_loyalty_is_found_through_its_entry_points(tmp_path: Path) -> None:
    data = tmp_path / "shop"
    assert "loyalty.db" in tessera(data, "db", "setup")
    stock_mugs(data)
    two_mugs_delivered_to_c_1(data)
    balance = json.loads(tessera(data, "loyalty", "show", "c-1", "--json"))
    assert balance == {"customer_id": "c-1", "points": 19, "orders": 1}
    assert tessera(data, "loyalty", "show", "c-1") == "c-1: 19 points from 1 order(s)\n"
    assert "ordering -- OrderCompleted --> loyalty" in tessera(
        data, "contexts", "map", "--format", "mermaid"
    )


def test_a_shop_of_catalog_inventory_and_loyalty_alone_works(tmp_path: Path) -> None:
    """A deployment chooses its contexts; loyalty runs without ordering, and learns nothing
    until a shop with ordering publishes to it."""
    data = tmp_path / "shop"
    chosen = ["--contexts", "catalog,inventory,loyalty"]
    assert "loyalty.db" in tessera(data, *chosen, "db", "setup")
    assert sorted(p.name for p in data.glob("*.db")) == [
        "catalog.db", "inventory.db", "loyalty.db", "queue.db"
    ]  # fmt: skip
    tessera(data, *chosen, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "9.99")
    tessera(data, *chosen, "inventory", "receive", "MUG-1", "5")
    assert (
        json.loads(tessera(data, *chosen, "inventory", "show", "MUG-1", "--json"))["on_hand"] == 5
    )
    balance = json.loads(tessera(data, *chosen, "loyalty", "show", "c-1", "--json"))
    assert balance == {"customer_id": "c-1", "points": 0, "orders": 0}
    refused = CliRunner().invoke(cli, ["--data-dir", str(data), *chosen, "orders", "list"])
    assert refused.exit_code == 1
    assert "no context of this shop handles FindOrders" in refused.stderr


def test_installed_into_an_existing_shop_loyalty_joins_with_db_upgrade(tmp_path: Path) -> None:
    """The shop was made before loyalty was installed: every command that does not touch
    loyalty keeps working, the ones that do name the upgrade, and `db upgrade` brings it in."""
    data = tmp_path / "shop"
    before = ["--contexts", "catalog,inventory,ordering,payments,shipping"]
    assert "loyalty.db" not in tessera(data, *before, "db", "setup")
    stock_mugs(data)
    refused = CliRunner().invoke(cli, ["--data-dir", str(data), "loyalty", "show", "c-1"])
    assert refused.exit_code == 1
    assert "loyalty installed and not yet part of it: run 'tessera db upgrade'" in refused.stderr
    assert "loyalty: " in tessera(data, "db", "upgrade")
    two_mugs_delivered_to_c_1(data)
    balance = json.loads(tessera(data, "loyalty", "show", "c-1", "--json"))
    assert balance == {"customer_id": "c-1", "points": 19, "orders": 1}


NOTIFIER = """
from pathlib import Path


class FileNotifier:
    def __init__(self, path):
        self._path = path

    def points_awarded(self, customer_id, points, balance):
        with self._path.open("a") as notices:
            notices.write(f"{customer_id} {points} {balance}\\n")


def notifier(settings):
    return FileNotifier(Path(settings.data_dir) / "notices.txt")
"""


def test_loyalty_s_own_port_is_bound_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port an outside context declares is bound as Tessera's own are:
    TESSERA_<NAME>=package.module:factory, read by every command and worker."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "house_mail.py").write_text(NOTIFIER)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("TESSERA_LOYALTY_NOTIFIER", "house_mail:notifier")
    data = tmp_path / "shop"
    tessera(data, "db", "setup")
    stock_mugs(data)
    two_mugs_delivered_to_c_1(data)
    assert (data / "notices.txt").read_text() == "c-1 19 19\n"
