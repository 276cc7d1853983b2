"""The guide's example consumer (examples/partner/consumer.py, plain kombu, nothing of
Tessera's code) reads the events of a real saga on the scaled topology, as another team's
service would."""

from __future__ import annotations

import importlib.util
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import amqp
import pytest

from tessera.adapters.bootstrap import Settings, bootstrap, setup
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import ListShipments
from tests.servers import new_name, postgres_database, rabbitmqctl

pytestmark = pytest.mark.server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partner" / "consumer.py"
PLACED = ["tessera.ordering.OrderPlaced.v2", "tessera.ordering.OrderPlaced.v1"]
WANTED = [*PLACED, "tessera.ordering.OrderCompleted.v1"]
"""Both versions of OrderPlaced, as a consumer binds them during a rollout."""
PAYMENT_REQUESTED = "tessera.ordering.PaymentRequested.v1"


def example() -> Any:
    spec = importlib.util.spec_from_file_location("partner_consumer", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def partner(broker_url: str) -> Iterator[str]:
    """A broker user with the guide's permissions, as its URL; removed afterwards."""
    where = urlsplit(broker_url)
    vhost, user, password = where.path[1:], f"{new_name()}_partner", secrets.token_hex(16)
    rabbitmqctl("add_user", user, stdin=password)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, user, *GUIDE_PERMISSIONS)
        rabbitmqctl("set_topic_permissions", "-p", vhost, user, "tessera", *GUIDE_TOPICS)
        yield f"amqp://{user}:{password}@{where.hostname}:{where.port or 5672}/{vhost}"
    finally:
        rabbitmqctl("delete_user", user)


GUIDE_PERMISSIONS = (r"^partner\..*", r"^partner\..*", r"^(tessera|partner\..*)$")
GUIDE_TOPICS = ("^$", r"^ordering\.tessera\.ordering\.(OrderPlaced|OrderCompleted)\.v[0-9]+$")


def test_the_guide_s_permissions_are_the_ones_it_shows() -> None:
    guide = (EXAMPLE.parents[2] / "docs" / "contracts" / "README.md").read_text()
    shown = " ".join(guide.replace("\\\n", " ").split())
    assert " ".join(f"'{r}'" for r in GUIDE_PERMISSIONS) in shown
    assert " ".join(f"'{r}'" for r in GUIDE_TOPICS) in shown


def test_the_guide_s_consumer_reads_the_events_it_binds_and_nothing_else(
    tmp_path: Path, broker_url: str
) -> None:
    consumer = example()
    with postgres_database() as database, partner(broker_url) as as_partner:
        settings = Settings(data_dir=tmp_path, database_url=database, broker_url=broker_url)
        setup(settings)
        seen: list[dict[str, Any]] = []
        # The partner's queue exists (bound) before the shop publishes: declare it first.
        consumer.consume(as_partner, "partner.orders", WANTED, seen.append, wanted=0)
        with pytest.raises(amqp.exceptions.AccessRefused, match="access to topic"):
            consumer.consume(as_partner, "partner.cards", [PAYMENT_REQUESTED], seen.append, 0)
        reading = threading.Thread(
            target=consumer.consume,
            args=(as_partner, "partner.orders", WANTED, seen.append, 2, 30.0),
        )
        reading.start()
        with bootstrap(settings) as app:
            app.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50"))
            app.handle(ReceiveStock(sku="MUG-1", quantity=5))
            placed = app.handle(PlaceOrder("c-1", [OrderLineRequest("MUG-1", 2)], "tok_visa", "x"))
            [shipment] = app.handle(ListShipments("dispatched"))
            app.handle(DeliverShipment(shipment.id))
        reading.join(60)
        assert not reading.is_alive(), "the partner never got both events"
    order_id = placed.view.id
    handled = [PLACED[0], WANTED[-1]]  # the older OrderPlaced, published beside, passed over
    assert [(e["type"], e["subject"]) for e in seen] == [(t, order_id) for t in handled]
    assert seen[0]["data"]["total"] == "25.00"
    assert seen[0]["dataschema"] == f"urn:tessera:schema:{PLACED[0]}"
