"""The scaled topology against what a broken client or an attacker puts on the wire: messages
published by a plain AMQP client from outside, straight to the shop's exchange, while a worker
per context runs on PostgreSQL and RabbitMQ. Each hostile message is dead-lettered alone, at
once, with its reason; a real order placed right after it ships; and every view of the dead
letters copes with whatever they hold."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import amqp
import attrs
import pytest

from adapters.bootstrap import Settings, Tessera, bootstrap, setup
from application.catalog.commands import ListProduct
from application.inventory.commands import ReceiveStock
from application.ordering.commands import OrderLineRequest, PlaceOrder
from application.ordering.queries import GetOrder
from application.shared.envelope import MAX_MESSAGE_BYTES, new_id
from domain.shared.errors import BusinessRuleViolation
from tests.cli.invoke import run
from tests.servers import postgres_database, rabbitmq_vhost
from tests.system.test_split_topology import CONTEXTS, eventually, stop, worker_process

pytestmark = [pytest.mark.server, pytest.mark.process]

PLACED = "tessera.ordering.OrderPlaced.v1"
FAST = {"TESSERA_RETRY_FIRST_DELAY": "0.05"}


@attrs.frozen
class Shop:
    data: Path
    app: Tessera
    broker_url: str


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shop]:
    """A stocked shop on servers of the test's own, a worker process per context."""
    with postgres_database() as database, rabbitmq_vhost() as broker:
        monkeypatch.setenv("TESSERA_DATABASE_URL", database)
        monkeypatch.setenv("TESSERA_BROKER_URL", broker)
        for name, value in FAST.items():
            monkeypatch.setenv(name, value)
        settings = Settings.from_environment(tmp_path, topology="split")
        setup(settings)
        workers = [worker_process(tmp_path, context, env=FAST) for context in CONTEXTS]
        try:
            with bootstrap(settings) as app:
                app.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50"))
                eventually(lambda: received(app))
                yield Shop(tmp_path, app, broker)
        finally:
            stop(*workers)


def received(app: Tessera) -> bool:
    """Stock received, once inventory has heard of the listing."""
    try:
        app.handle(ReceiveStock(sku="MUG-1", quantity=100))
    except BusinessRuleViolation:
        return False
    return True


def publish(
    broker_url: str, body: bytes, routing_key: str = f"ordering.{PLACED}", **props: Any
) -> None:
    """One message, published by a plain AMQP client (py-amqp) as an outsider would."""
    where = urlparse(broker_url)
    connection = amqp.Connection(
        host=f"{where.hostname}:{where.port or 5672}", userid=unquote(where.username or ""),
        password=unquote(where.password or ""), virtual_host=unquote(where.path[1:]),
    )  # fmt: skip
    connection.connect()
    try:
        channel = connection.channel()
        props.setdefault("application_headers", {"type": PLACED, "source": "ordering"})
        channel.basic_publish(
            amqp.Message(body, **props), exchange="tessera", routing_key=routing_key
        )
    finally:
        connection.close()


def placed_body(**changes: Any) -> bytes:
    """An OrderPlaced envelope as ordering writes one, with `changes` to its attributes or data."""
    data = {"order_id": new_id(), "customer_id": "c-1", "lines": [{"sku": "MUG-1", "quantity": 1}],
            "total": "12.50", "currency": "EUR"}  # fmt: skip
    document = {
        "specversion": "1.0", "id": new_id(), "source": "ordering", "type": PLACED,
        "subject": data["order_id"], "time": "2026-12-06T08:00:00Z",
        "datacontenttype": "application/json", "data": data, "correlationid": new_id(),
    }  # fmt: skip
    for key, value in changes.items():
        (document["data"] if key in data else document)[key] = value  # type: ignore[index]
    return json.dumps(document).encode()


HOSTILE: dict[str, Callable[[str], None]] = {
    "a body that is not UTF-8": lambda url: publish(url, b"\xff\xfe{", message_id=new_id()),
    "an attempts header that is bytes": lambda url: publish(
        url,
        placed_body(),
        message_id=new_id(),
        application_headers={"type": PLACED, "x-tessera-attempts": b"\xff"},
    ),
    "an attempts header that is text": lambda url: publish(
        url,
        placed_body(),
        message_id=new_id(),
        application_headers={"type": PLACED, "x-tessera-attempts": "many"},
    ),
    "a type header that is a table": lambda url: publish(
        url, placed_body(), message_id=new_id(), application_headers={"type": {"a": 1}}
    ),
    "no message id": lambda url: publish(url, placed_body()),
    "a body over the size limit": lambda url: publish(
        url, b"{" + b" " * MAX_MESSAGE_BYTES + b"}", message_id=new_id()
    ),
    "not JSON": lambda url: publish(url, b"<xml/>", message_id=new_id()),
    "an id longer than its column": lambda url: publish(
        url, placed_body(id="7" * 400), message_id=new_id()
    ),
    "a NUL in an id": lambda url: publish(url, placed_body(id="ab\u0000cd"), message_id=new_id()),
    "a NUL in a value": lambda url: publish(
        url, placed_body(customer_id="c\u00001"), message_id=new_id()
    ),
    "data of the wrong shape": lambda url: publish(url, placed_body(lines=7), message_id=new_id()),
    "a value no rule allows": lambda url: publish(
        url, placed_body(lines=[{"sku": "no such sku!", "quantity": 1}]), message_id=new_id()
    ),
    "an unknown version": lambda url: publish(
        url,
        placed_body(type="tessera.ordering.OrderPlaced.v9"),
        routing_key="ordering.tessera.ordering.OrderPlaced.v9",
        message_id=new_id(),
        application_headers={"type": "tessera.ordering.OrderPlaced.v9"},
    ),
}


def ships(app: Tessera, n: int) -> float:
    """How long a real order placed now takes to ship."""
    began = time.monotonic()
    placed = app.handle(
        PlaceOrder(f"real-{n}", [OrderLineRequest("MUG-1", 1)], "tok_visa", "1 Main St")
    )
    eventually(lambda: app.handle(GetOrder(str(placed.view.id))).status == "shipped", 60)
    return time.monotonic() - began


def dead_letters(shop: Shop) -> list[dict[str, Any]]:
    result = run(shop.data, "--topology", "split", "messages", "dead-letters", "--json")
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def test_each_hostile_message_is_dead_lettered_alone_and_the_next_order_ships(shop: Shop) -> None:
    took: dict[str, float] = {}
    for n, (kind, send) in enumerate(HOSTILE.items()):
        send(shop.broker_url)
        took[kind] = ships(shop.app, n)
        messages = {letter["message_id"] for letter in dead_letters(shop)}
        assert len(messages) == n + 1, f"after {kind}: {messages}"
    print("\nhostile message -> how long the next real order took to ship")
    for kind, seconds in took.items():
        print(f"  {kind:<36} {seconds:5.2f} s")

    letters = dead_letters(shop)
    # An unknown type reaches every subscription of its source (to be seen); the rest, inventory.
    assert {(letter["subscription"], letter["type"]) for letter in letters} >= {
        ("inventory", PLACED), ("payments", "tessera.ordering.OrderPlaced.v9"),
    }  # fmt: skip
    assert all(letter["attempts"] == 1 for letter in letters), letters
    reasons = "\n".join(f"{letter['message_id']}: {letter['error']}" for letter in letters)
    for expected in ("not UTF-8", "x-tessera-attempts", "header type", "no message_id",
                     f"larger than {MAX_MESSAGE_BYTES:,} bytes", "not JSON", "'id' is longer",
                     "id holds a NUL", "data.customer_id holds a NUL", "@ data.lines",
                     "SKU", "OrderPlaced.v9"):  # fmt: skip
        assert expected in reasons, f"no dead letter says {expected!r}:\n{reasons}"

    table = run(shop.data, "--topology", "split", "messages", "dead-letters")
    assert table.exit_code == 0, table.output
    assert "\\xff" in table.output  # the bad header shown escaped, in one line
    for message_id in {letter["message_id"] for letter in letters}:
        closed = run(
            shop.data, "--topology", "split", "messages", "discard", message_id,
            "--reason", "hostile",
        )  # fmt: skip
        assert closed.exit_code == 0, closed.output
    assert dead_letters(shop) == []
