"""The scaled topology against what a broken client or an attacker puts on the wire: messages
published by a plain AMQP client from outside, straight to the shop's exchange, while a worker
per context runs on PostgreSQL and RabbitMQ. Each hostile message is dead-lettered alone, at
once, with its reason; a real order placed right after it ships; and every view of the dead
letters copes with whatever they hold."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import amqp
import attrs
import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from tessera.adapters.bootstrap import Tessera, bootstrap
from tessera.adapters.persistence.postgres import role_name
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.inventory.queries import GetStockItem
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.ordering.queries import GetOrder
from tessera.application.shared.envelope import MAX_MESSAGE_BYTES, new_id
from tessera.domain.shared.errors import BusinessRuleViolation
from tests import wire
from tests.cli.invoke import run
from tests.servers import context_users, postgres_database, rabbitmq_vhost
from tests.system.test_split_topology import (
    CONTEXTS,
    eventually,
    split_on_servers,
    stop,
    worker_process,
)

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
        settings = split_on_servers(tmp_path, monkeypatch, database, broker, **FAST)
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
    broker_url: str,
    body: bytes,
    routing_key: str | bytes = f"ordering.{PLACED}",
    exchange: str = "tessera",
    **props: Any,
) -> None:
    """One message from outside, with the URL's user (an insider gone bad, or one whose
    credentials were taken), as an OrderPlaced unless `props` say otherwise."""
    props.setdefault("application_headers", {"type": PLACED, "source": "ordering"})
    wire.publish(broker_url, body, routing_key, exchange, **props)


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
    "a body its header says to expand": lambda url: publish(
        url,
        zlib.compress(b" " * (4 * MAX_MESSAGE_BYTES)),
        message_id=new_id(),
        application_headers={"type": PLACED, "compression": "application/x-gzip"},
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
    "a message id that is not UTF-8": lambda url: publish(
        url, placed_body(), message_id=b"\xff\xfe"
    ),
    "a correlation id that is not UTF-8": lambda url: publish(
        url, placed_body(), message_id=new_id(), correlation_id=b"c\xc3("
    ),
    "a routing key that is not UTF-8": lambda url: publish(
        url,
        placed_body(),
        b"\xff.ordering",
        message_id=new_id(),
        application_headers={"type": PLACED, "CC": [f"ordering.{PLACED}"]},  # routed by CC
    ),
    "an unknown version under a bound key": lambda url: publish(
        url,
        placed_body(type="tessera.ordering.OrderPlaced.v9"),
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
    # Each reaches only the subscription bound by its key: OrderPlaced's, inventory.
    assert {letter["subscription"] for letter in letters} == {"inventory"}, letters
    assert all(letter["attempts"] == 1 for letter in letters), letters
    reasons = "\n".join(f"{letter['message_id']}: {letter['error']}" for letter in letters)
    for expected in ("not UTF-8", "x-tessera-attempts", "header type", "no message_id",
                     f"larger than {MAX_MESSAGE_BYTES:,} bytes", "header compression", "not JSON",
                     "'id' is longer", "id holds a NUL", "data.customer_id holds a NUL",
                     "@ data.lines", "SKU", "OrderPlaced.v9", "properties cannot be read",
                     "routing key is not UTF-8"):  # fmt: skip
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


CAPTURED = "tessera.payments.PaymentCaptured.v1"
DISPATCHED = "tessera.shipping.ShipmentDispatched.v1"


def envelope(event_type: str, source: str, data: dict[str, Any]) -> bytes:
    """A well-formed CloudEvent of `event_type`, as its context would write it."""
    return json.dumps({
        "specversion": "1.0", "id": new_id(), "source": source, "type": event_type,
        "subject": data["order_id"], "time": "2026-12-06T08:00:00Z",
        "datacontenttype": "application/json", "data": data, "correlationid": new_id(),
    }).encode()  # fmt: skip


def test_a_context_s_events_are_believed_only_from_that_context_s_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Payments paused, an order whose card will be declined waits for its payment; forged
    PaymentCaptured events (from another context's user, from the administrator, straight
    into ordering's queue) are dead-lettered as forged, and once payments runs the order is
    cancelled and its stock released, as the real payment says."""
    with (
        postgres_database() as database,
        rabbitmq_vhost() as broker,
        context_users(broker, CONTEXTS) as own,
    ):
        settings = split_on_servers(tmp_path, monkeypatch, database, broker, **{**FAST, **own})
        # Each worker holds its own context's broker credentials and nothing more.
        alone = {"TESSERA_BROKER_URL": "", **{name: "" for name in own}}
        env = {
            context: {**alone, **FAST, f"TESSERA_BROKER_URL_{context.upper()}": own[
                f"TESSERA_BROKER_URL_{context.upper()}"]}
            for context in CONTEXTS
        }  # fmt: skip
        workers = [worker_process(tmp_path, c, env=env[c]) for c in CONTEXTS if c != "payments"]
        try:
            with bootstrap(settings) as app:
                app.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50"))
                eventually(lambda: received(app))
                line = [OrderLineRequest("MUG-1", 2)]
                placed = app.handle(PlaceOrder("c-1", line, "tok_chargeDeclined", "1 Main St"))
                order_id = str(placed.view.id)
                eventually(lambda: app.handle(GetOrder(order_id)).status == "awaiting_payment")
                # Each worker, as its own context's user, answers what it holds: nothing now;
                # the payment request waits in payments' queue, with no worker to hold it.
                # (once each has acknowledged what it handled: it does so after its commit)
                statuses = eventually(lambda: settled(tmp_path), 30)
                payments = statuses["payments"]
                assert (payments["ready"], payments["oldest_age_seconds"]) == (1, None), payments

                captured = {"order_id": order_id, "amount": "25.00", "currency": "EUR"}
                headers = {"type": CAPTURED, "source": "payments"}
                as_shipping = own["TESSERA_BROKER_URL_SHIPPING"]
                shipping_user = unquote(urlparse(as_shipping).username or "")
                payments_user = shipping_user.replace("_shipping", "_payments")
                with pytest.raises(amqp.exceptions.PreconditionFailed, match="user_id"):
                    publish(  # the broker itself refuses a user claiming another's name
                        as_shipping, envelope(CAPTURED, "payments", captured),
                        f"shipping.{DISPATCHED}", message_id=new_id(), user_id=payments_user,
                    )  # fmt: skip
                with pytest.raises(amqp.exceptions.AccessRefused, match="access to topic"):
                    publish(  # the broker refuses a context's user another's routing key
                        as_shipping, envelope(CAPTURED, "payments", captured),
                        f"payments.{CAPTURED}", message_id=new_id(), application_headers=headers,
                        user_id=shipping_user,
                    )  # fmt: skip
                forgeries = {
                    "shipping's user, under a key of its own": lambda: publish(
                        as_shipping, envelope(CAPTURED, "payments", captured),
                        f"shipping.{DISPATCHED}", message_id=new_id(),
                        application_headers=headers, user_id=shipping_user,
                    ),
                    "no user named": lambda: publish(
                        broker, envelope(CAPTURED, "payments", captured), f"payments.{CAPTURED}",
                        message_id=new_id(), application_headers=headers, user_id=None,
                    ),
                    "straight into ordering's queue": lambda: publish_to_queue(
                        as_shipping, "tessera.ordering", envelope(CAPTURED, "payments", captured),
                        message_id=new_id(), application_headers=headers, user_id=shipping_user,
                    ),
                }  # fmt: skip
                for forge in forgeries.values():
                    forge()  # type: ignore[no-untyped-call]
                # ShipmentDispatched's key reaches inventory too, which ignores PaymentCaptured.
                letters = eventually(lambda: forged_letters(app, len(forgeries)))
                assert app.handle(GetOrder(order_id)).status == "awaiting_payment"

                # A payments worker needs no other context's role: with theirs unable to log
                # in, it starts and works.
                with logins_refused(database, [c for c in CONTEXTS if c != "payments"]):
                    workers.append(worker_process(tmp_path, "payments", env=env["payments"]))
                eventually(lambda: app.handle(GetOrder(order_id)).status == "cancelled", 60)
                # Inventory hears of the cancellation in its turn, and releases the stock.
                eventually(lambda: app.handle(GetStockItem("MUG-1")).reserved == 0)
                assert app.handle(GetStockItem("MUG-1")).on_hand == 100
        finally:
            stop(*workers)
    reasons = "\n".join(sorted(letter.error for letter in letters))
    print("\nforged PaymentCaptured -> dead letter", reasons, sep="\n")
    assert f"forged: {CAPTURED} is payments's, sent by shipping" in reasons
    assert "forged: published by no user named, the user of no context" in reasons
    assert "forged: put in this subscription's queues by tessera_" in reasons
    assert {letter.subscription for letter in letters} == {"ordering"}


def settled(data_dir: Path) -> dict[str, dict[str, Any]] | None:
    """`messages status --json` by subscription, once every worker answers that it holds
    nothing; None before."""
    shown = run(data_dir, "--topology", "split", "messages", "status", "--json")
    assert shown.exit_code == 0, shown.output
    statuses = {s["subscription"]: s for s in json.loads(shown.stdout)["subscriptions"]}
    return statuses if all(s["in_flight"] == 0 for s in statuses.values()) else None


@contextmanager
def logins_refused(database: str, contexts: list[str]) -> Iterator[None]:
    """The contexts' PostgreSQL roles NOLOGIN for a while (connections they hold stay)."""
    url = make_url(database)
    roles = [role_name(url, context) for context in contexts]
    with psycopg.connect(database, autocommit=True) as admin:
        for role in roles:
            admin.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(role)))
        try:
            yield
        finally:
            for role in roles:
                admin.execute(sql.SQL("ALTER ROLE {} LOGIN").format(sql.Identifier(role)))


def forged_letters(app: Tessera, count: int) -> list[Any] | None:
    letters = [d for d in app.operations.dead_letters() if d.error.startswith("forged")]
    return letters if len(letters) >= count else None


def publish_to_queue(broker_url: str, queue: str, body: bytes, **props: Any) -> None:
    """Straight to a queue, through the default exchange, as a context's user may."""
    publish(broker_url, body, routing_key=queue, exchange="", **props)
