"""The RabbitMQ adapter keeps the queue port's promises on a real broker, in a virtual host of
the test's own: routing by publishing context, acknowledgement after handling, retries that
wait in delay queues, dead letters with their reasons, and nothing lost with a connection."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from amqp import exceptions as amqp_errors
from jsonschema import Draft202012Validator
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.messaging import Consumer

from tessera.adapters.bootstrap import Settings, bootstrap, setup
from tessera.adapters.messaging.queue import Delivery, Listener
from tessera.adapters.messaging.rabbitmq import RabbitQueue, Unroutable, broker_grants
from tessera.adapters.messaging.rabbitmq.dead_letters import LIMIT_REACHED
from tessera.adapters.messaging.rabbitmq.topology import (
    EXCHANGE,
    IGNORED,
    STATUS_KEY,
    dead_queue,
    discarded_queue,
    main_queue,
    routing_key,
)
from tessera.adapters.persistence.database import StorageUnavailable
from tessera.application.catalog.commands import ListProduct
from tessera.application.contracts.catalog import ProductListed
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.shared.envelope import OutgoingMessage
from tessera.application.shared.integration import event_class
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import ListShipments
from tests import wire
from tests.listening import wait_as_a_worker
from tests.proxy import FaultProxy
from tests.rollout import BESIDE
from tests.servers import postgres_database, rabbitmqctl

pytestmark = pytest.mark.server

DELAYS = (0.2, 0.4)


@pytest.fixture
def queue(broker_url: str) -> Iterator[RabbitQueue]:
    opened = RabbitQueue(broker_url, DELAYS)
    opened.bind("inventory", ["catalog"], ["tessera.catalog.Ignored.v1"], [HAPPENED])
    opened.bind(
        "ordering", ["catalog", "inventory"], [], [HAPPENED, "tessera.inventory.Happened.v1"]
    )
    opened.declare(unread=["tessera.catalog.Ignored.v1", "tessera.catalog.Brandnew.v1"])
    yield opened
    opened.close()


def another(queue: RabbitQueue, broker_url: str) -> RabbitQueue:
    """A second process's queue on the same virtual host, bound the same way."""
    other = RabbitQueue(broker_url, DELAYS)
    for subscription, sources in queue.bindings().items():
        other.bind(
            subscription, sources, queue.ignored()[subscription], queue.reacting()[subscription]
        )
    return other


HAPPENED = "tessera.catalog.Happened.v1"
"""The type the tests' subscriptions react to."""


def message(n: int, source: str = "catalog", name: str = "Happened") -> OutgoingMessage:
    return OutgoingMessage(
        id=f"m-{n}", type=f"tessera.{source}.{name}.v1", source=source, subject=f"subject-{n}",
        correlation_id="c-1", causation_id=None, body=f'{{"n": {n}}}', written_at=1.0 + n,
    )  # fmt: skip


def take(
    queue: RabbitQueue,
    subscription: str = "inventory",
    want: int = 1,
    wait: float = 5.0,
    limit: int = 10,
) -> list[Delivery]:
    """What the broker hands this process, waiting up to `wait` seconds for `want` of them,
    asking for at most `limit` at a time."""
    deadline = time.monotonic() + wait
    taken: list[Delivery] = []
    while len(taken) < want and time.monotonic() < deadline:
        taken += queue.receive(subscription, limit, 30.0, "test")
        if len(taken) < want:
            time.sleep(0.02)
    return taken


def ids(deliveries: list[Delivery]) -> list[str]:
    return [delivery.message_id for delivery in deliveries]


def test_a_subscription_is_handed_only_the_types_it_reacts_to(queue: RabbitQueue) -> None:
    queue.publish([message(1, name="Ignored"), message(2), message(3, name="Brandnew")])
    assert ids(take(queue, "inventory", 2, wait=1.0)) == ["m-2"]


def test_the_broker_keeps_for_a_subscription_nothing_it_does_not_react_to(
    queue: RabbitQueue,
) -> None:
    queue.publish([message(1, name="Ignored"), message(2, name="Brandnew"), message(3)])
    assert queue.pending(["inventory"]) == 1
    assert queue.pending(["ordering"]) == 1


def test_a_type_one_process_ignores_reaches_the_subscription_if_another_reacts_to_it(
    broker_url: str,
) -> None:
    # An older and a newer process of one subscription, during a rolling deployment: the
    # newer one reacts to ProductListed, which the older one ignores.
    listed_type = "tessera.catalog.ProductListed.v2"
    assert event_class(listed_type) is ProductListed  # a type these processes know
    listed = attrs.evolve(message(1), type=listed_type)
    older, newer = RabbitQueue(broker_url), RabbitQueue(broker_url)
    older.bind("inventory", ["catalog"], [listed_type], [HAPPENED])
    older.declare(unread=[listed_type])  # no process reacts to it yet: routed to the sink
    older.publish([listed])
    assert older.pending(["inventory"]) == 0
    newer.bind("inventory", ["catalog"], [], [HAPPENED, listed_type])
    newer.declare()
    older.publish([attrs.evolve(listed, id="m-2")])
    assert ids(take(newer)) == ["m-2"]
    older.close()
    newer.close()


def test_a_listening_worker_is_sent_messages_as_they_come_and_woken(
    queue: RabbitQueue, broker_url: str
) -> None:
    woken = threading.Event()
    listening = queue.listen(["inventory"], woken.set, limit=10)
    assert listening is not None
    try:
        assert take(queue, wait=0.2) == []  # starts the consumer; nothing is there yet
        queue.publish([message(1), message(2)])
        # woken perhaps while it awaited the confirmations
        assert wait_as_a_worker([listening], woken.is_set)
        deadline = time.monotonic() + 5.0
        while queue.pending(["inventory"]) != 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert queue.pending(["inventory"]) == 2  # sent to this process, not yet taken
        assert ids(queue.receive("inventory", 1, 30.0, "test")) == ["m-1"]
        assert ids(queue.receive("inventory", 10, 30.0, "test")) == ["m-2"]
        woken.clear()
        publisher = another(queue, broker_url)
        publisher.publish([message(3)])  # by another process: only the socket tells this one
        publisher.close()
        assert not woken.is_set()
        assert wait_as_a_worker([listening], woken.is_set)
        assert ids(take(queue)) == ["m-3"]
    finally:
        listening.close()


def test_what_a_listening_worker_was_sent_and_did_not_take_goes_back_untried(
    queue: RabbitQueue, broker_url: str
) -> None:
    woken = threading.Event()
    listening = queue.listen(["inventory"], woken.set, limit=10)
    assert listening is not None
    take(queue, wait=0.2)
    queue.publish([message(1), message(2), message(3)])
    assert wait_as_a_worker([listening], woken.is_set)
    [first] = take(queue, limit=1)
    queue.ack([first])
    listening.close()
    other = another(queue, broker_url)
    back = take(other, want=2)
    assert [(d.message_id, d.attempts) for d in back] == [("m-2", 1), ("m-3", 1)]
    other.close()


def test_workers_of_one_process_listen_to_their_own_subscriptions_only(
    queue: RabbitQueue,
) -> None:
    inventory, ordering = threading.Event(), threading.Event()
    first = queue.listen(["inventory"], inventory.set, limit=10)
    second = queue.listen(["ordering"], ordering.set, limit=10)
    assert first is not None
    assert second is not None
    try:
        with pytest.raises(ValueError, match="listens to inventory already"):
            queue.listen(["inventory"], lambda: None, limit=10)
        take(queue, "inventory", wait=0.1)
        take(queue, "ordering", wait=0.1)
        queue.publish([message(1, "inventory")])  # only ordering listens to inventory's
        # whichever worker of the process takes it in
        assert wait_as_a_worker([first], ordering.is_set)
        assert not inventory.is_set()
        assert ids(take(queue, "ordering")) == ["m-1"]
        assert take(queue, "inventory", wait=0.2) == []
    finally:
        second.close()
        first.close()


def test_a_listening_worker_holds_no_more_than_its_limit(
    queue: RabbitQueue, broker_url: str
) -> None:
    queue.publish([message(n) for n in range(1, 6)])
    listening = queue.listen(["inventory"], lambda: None, limit=2)
    assert listening is not None
    try:
        assert ids(take(queue, want=2)) == ["m-1", "m-2"]
        other = another(queue, broker_url)
        assert ids(take(other, want=3)) == ["m-3", "m-4", "m-5"]  # not held by the first
        other.close()
    finally:
        listening.close()


@contextmanager
def working(worker: RabbitQueue, subscription: str, limit: int) -> Iterator[Listener]:
    """`worker` listening to `subscription` and waiting on its socket, in a thread, as a
    worker process does between its rounds: what the broker sends it is taken in."""
    listening = worker.listen([subscription], lambda: None, limit)
    assert listening is not None
    stopped = threading.Event()
    waiting = threading.Thread(target=wait_as_a_worker, args=([listening], stopped.is_set, 60))
    waiting.start()
    try:
        yield listening
    finally:
        stopped.set()
        waiting.join()
        listening.close()


def test_status_says_what_the_workers_hold_and_how_old_it_is(
    queue: RabbitQueue, broker_url: str
) -> None:
    written = time.time() - 30.0
    queue.publish([attrs.evolve(message(n), written_at=written + n) for n in range(1, 4)])
    worker = another(queue, broker_url)
    with working(worker, "inventory", limit=10):
        [taken] = take(worker, limit=1)  # one taken, two sent to it and not taken yet
        inventory, ordering = queue.status()
        assert (inventory.ready, inventory.in_flight) == (0, 3)
        assert inventory.oldest_age_seconds == pytest.approx(29.0, abs=1.0)
        # Three wait in ordering's queue, whose age the broker does not tell.
        assert (ordering.ready, ordering.in_flight, ordering.oldest_age_seconds) == (3, 0, None)
        worker.ack([taken])
        assert queue.status()[0].in_flight == 2
    worker.close()
    # What it held went back when it stopped; until the broker has counted its consumer
    # gone, that consumer goes unanswered for.
    deadline = time.monotonic() + 10.0
    while (inventory := queue.status()[0]).in_flight is None and time.monotonic() < deadline:
        pass
    assert (inventory.ready, inventory.in_flight, inventory.oldest_age_seconds) == (2, 0, None)


def test_status_says_unknown_what_a_consumer_that_does_not_answer_holds(
    queue: RabbitQueue, broker_url: str
) -> None:
    queue.publish([message(1)])
    with Connection(broker_url) as connection:  # a consumer that is no Tessera worker
        held: list[Any] = []
        channel = connection.channel()
        consumer = Consumer(channel, [Queue(main_queue("inventory"), no_declare=True)])
        consumer.register_callback(lambda body, message: held.append(message))
        consumer.consume()
        connection.drain_events(timeout=5)
        assert len(held) == 1
        inventory, ordering = queue.status()
        assert (inventory.ready, inventory.in_flight, inventory.oldest_age_seconds) == (
            0, None, None,
        )  # fmt: skip
        assert ordering.in_flight == 0


def test_a_worker_whose_user_may_not_bind_the_status_key_works_and_goes_unanswered(
    queue: RabbitQueue, broker_url: str
) -> None:
    where = urlsplit(broker_url)
    vhost = where.path[1:]
    user, password = f"{vhost}_inventory", secrets.token_hex(16)
    rabbitmqctl("add_user", user, stdin=password)
    try:
        may = broker_grants("inventory", {HAPPENED: "catalog"})
        rabbitmqctl("set_permissions", "-p", vhost, user, may.configure, may.write, may.read)
        # As a release before it granted: neither binding nor publishing the status key.
        bind, publish = may.bind.replace(f"{STATUS_KEY}|", ""), r"^inventory\."
        assert STATUS_KEY not in bind
        rabbitmqctl("set_topic_permissions", "-p", vhost, user, EXCHANGE, publish, bind)
        url = f"amqp://{user}:{password}@{where.hostname}:{where.port}/{vhost}"
        worker = RabbitQueue(url, DELAYS, publishers={"inventory": user})
        worker.bind("inventory", ["catalog"], [], [HAPPENED])
        queue.publish([message(1)])
        with working(worker, "inventory", limit=10):
            assert ids(take(worker)) == ["m-1"]  # it works, and holds it
            inventory, _ = queue.status()
            assert (inventory.ready, inventory.in_flight) == (0, None)
            with Connection(broker_url) as connection:  # another consumer, for it to ask
                queue_of_it = Queue(main_queue("inventory"), no_declare=True)
                Consumer(connection.channel(), [queue_of_it], on_message=lambda m: None).consume()
                [own] = worker.status()  # refused the status key: unknown, said as such
                assert (own.subscription, own.in_flight) == ("inventory", None)
                assert ids(take(worker, want=0, wait=0.1)) == []  # its connection carries on
        worker.close()
    finally:
        rabbitmqctl("delete_user", user)


def test_a_type_no_context_reads_goes_to_the_sink_alone_and_one_the_shop_lacks_is_an_error(
    queue: RabbitQueue, broker_url: str
) -> None:
    unread = "tessera.nobody.Happened.v1"
    with Connection(broker_url) as connection:  # as an earlier release bound the sink
        connection.default_channel.queue_bind(IGNORED, EXCHANGE, routing_key="#")
    queue.declare(unread=[unread])
    vhost = broker_url.rsplit("/", 1)[1]
    listed = rabbitmqctl("list_bindings", "-p", vhost, "source_name", "destination_name",
                         "routing_key", "--no-table-headers")  # fmt: skip
    to_sink = {line.split("\t")[2] for line in listed.splitlines() if f"\t{IGNORED}\t" in line}
    assert f"nobody.{unread}" in to_sink
    assert "#" not in to_sink  # the earlier release's binding is gone
    assert f"catalog.{HAPPENED}" not in to_sink  # a type read is not copied to the sink
    queue.publish([message(1, source="nobody")])  # confirmed: the sink took it, and kept nothing
    assert queue.pending(["inventory", "ordering"]) == 0
    with pytest.raises(Unroutable, match=r"routed message m-2 .* to no queue"):
        queue.publish([message(2, source="nobody", name="Unheard")])


def test_an_acknowledged_message_is_never_handed_out_again(
    queue: RabbitQueue, broker_url: str
) -> None:
    queue.publish([message(1)])
    queue.ack(take(queue))
    queue.close()
    later = another(queue, broker_url)
    assert later.pending(["inventory"]) == 0
    assert take(later, wait=0.5) == []
    later.close()


def test_a_batch_acknowledged_together_never_takes_a_message_still_held_with_it(
    queue: RabbitQueue, broker_url: str
) -> None:
    listening = queue.listen(["inventory"], lambda: None, limit=10)
    assert listening is not None
    try:
        assert take(queue, wait=0.2) == []  # starts the consumer
        queue.publish([message(n) for n in range(1, 6)])
        first, second, third, *rest = take(queue, want=5)
        assert first.message_id == "m-1"
        queue.ack([second, third])  # the first, held still, comes before them: one each
        queue.ack(rest)  # nothing held before them: one acknowledgement for both
        queue.close()  # dies holding the first
        later = another(queue, broker_url)
        assert ids(take(later)) == ["m-1"]  # only the one never acknowledged comes back
        later.close()
    finally:
        listening.close()


def test_what_a_lost_connection_held_is_handed_out_again_without_counting_a_try(
    queue: RabbitQueue, broker_url: str
) -> None:
    queue.publish([message(1)])
    [first] = take(queue)
    assert first.attempts == 1
    queue.close()  # the consumer dies holding it, unacknowledged
    other = another(queue, broker_url)
    [again] = take(other)
    # The handler never ran on it: the broker's delivery limit bounds hand-outs, not retries.
    assert (again.message_id, again.attempts) == ("m-1", 1)
    queue.ack([first])  # too late, from a connection that is gone: changes nothing
    other.ack([again])
    other.close()


def test_a_retry_of_a_delay_the_policy_did_not_name_still_waits(queue: RabbitQueue) -> None:
    queue.publish([message(1)])
    queue.retry_later(take(queue)[0], 0.3, "boom")
    [again] = take(queue)
    assert again.attempts == 2


def test_a_discarded_dead_letter_is_kept_in_its_subscription_s_discarded_queue(
    queue: RabbitQueue, broker_url: str
) -> None:
    queue.publish([message(2)])
    [two] = take(queue)
    queue.dead_letter(two, "unreadable: not JSON")
    assert queue.discard("m-2", "the SKU never existed", "ops@example") == 1
    with Connection(broker_url) as connection:
        found = connection.default_channel.basic_get(discarded_queue("inventory"), no_ack=True)
    assert "by ops@example at " in found.headers["discarded"]
    assert found.headers["discarded"].endswith(": the SKU never existed")


HAPPENED_KEY = routing_key("catalog", HAPPENED)

UNDECODABLE: dict[str, tuple[str | bytes, dict[str, Any], str]] = {
    "a message id": (HAPPENED_KEY, {"message_id": b"\xff\xfe"}, "its properties cannot be read"),
    "a correlation id": (
        HAPPENED_KEY,
        {"correlation_id": b"a\xff"},
        "its properties cannot be read",
    ),
    "a type": (HAPPENED_KEY, {"type": b"\xc3("}, "its properties cannot be read"),
    "a routing key": (  # routed by the CC header's key, delivered with the one it was sent
        b"\xff.x",
        {"application_headers": {"type": HAPPENED, "CC": [HAPPENED_KEY]}},
        "its exchange or routing key is not UTF-8 text",
    ),
}
"""Text that is not UTF-8 where py-amqp decodes it before Tessera sees the message."""


def test_text_that_is_not_utf8_in_a_message_s_properties_fails_that_message_alone(
    queue: RabbitQueue, broker_url: str
) -> None:
    queue.publish([message(1)])
    for key, props, _ in UNDECODABLE.values():
        wire.publish(broker_url, b"{}", key, EXCHANGE, **({"message_id": "poison"} | props))
    queue.publish([message(6)])

    taken = take(queue, want=6, limit=10)  # one batch, the four in the middle of it
    assert [d.message_id for d in taken if not d.unreadable] == ["m-1", "m-6"]
    why = [d.unreadable or "" for d in taken if d.unreadable]
    assert [reason for _, _, reason in UNDECODABLE.values()] == [w.split(" (")[0] for w in why]
    for delivery in taken:
        if delivery.unreadable:
            queue.dead_letter(delivery, f"unreadable: {delivery.unreadable}")
    queue.ack([d for d in taken if not d.unreadable])
    letters = queue.dead_letters()
    assert len({letter.message_id for letter in letters}) == 4
    assert all("UTF-8" in letter.error or "decode" in letter.error for letter in letters), letters
    assert queue.pending(["inventory"]) == 0


def test_the_dead_letter_views_read_a_letter_whose_properties_are_not_utf8(
    queue: RabbitQueue, broker_url: str
) -> None:
    # Put straight into the dead-letter queue from outside, undecodable where py-amqp decodes.
    dead = dead_queue("inventory")
    wire.publish(broker_url, b"{}", dead, "", message_id=b"\xff", application_headers={})
    wire.publish(
        broker_url, b"{}", b"\xff", "", message_id="m-9", application_headers={"CC": [dead]}
    )
    letters = {letter.message_id: letter.error for letter in queue.dead_letters()}
    assert letters.keys() == {"", "m-9"}, letters
    assert letters[""].startswith("its properties cannot be read ('utf-8' codec"), letters
    assert letters["m-9"] == "its exchange or routing key is not UTF-8 text", letters
    assert queue.discard("m-9", "from outside", "ops@example") == 1
    assert [letter.message_id for letter in queue.dead_letters()] == [""]


def test_a_copy_sent_on_is_not_routed_by_the_cc_header_the_wire_gave_its_original(
    queue: RabbitQueue, broker_url: str
) -> None:
    # CC names another subscription's queue: the default exchange, which this process's user
    # writes its copies to, would route a copy carrying it there.
    headers = {"type": HAPPENED, "CC": [main_queue("ordering")]}
    wire.publish(
        broker_url, b"{}", routing_key("catalog", HAPPENED), EXCHANGE, message_id="m-cc",
        application_headers=headers,
    )  # fmt: skip
    assert queue.pending(["ordering"]) == 1  # bound to HAPPENED too
    [taken] = take(queue)
    queue.retry_later(taken, 0.2, "boom")
    [again] = take(queue)
    queue.dead_letter(again, "boom")
    assert queue.pending(["ordering"]) == 1
    assert [letter.subscription for letter in queue.dead_letters()] == ["inventory"]
    assert queue.replay("m-cc") == 1
    assert queue.pending(["ordering"]) == 1


def test_a_message_handed_out_too_often_is_dead_lettered_by_the_broker(broker_url: str) -> None:
    def limited() -> RabbitQueue:
        opened = RabbitQueue(broker_url, DELAYS, delivery_limit=2)
        opened.bind("shipping", ["catalog"], [], [HAPPENED])
        return opened

    publisher = limited()
    publisher.publish([message(1)])
    for _ in range(4):  # a consumer that dies holding it, again and again
        dying = limited()
        taken = take(dying, "shipping", wait=1.0)
        dying.close()
        if not taken:
            break
    [letter] = publisher.dead_letters()
    assert (letter.subscription, letter.message_id, letter.error) == (
        "shipping", "m-1", LIMIT_REACHED,
    )  # fmt: skip
    assert publisher.pending(["shipping"]) == 0
    publisher.close()


def test_a_broker_that_drops_every_connection_loses_nothing(
    queue: RabbitQueue, broker_url: str
) -> None:
    queue.publish([message(1)])
    [held] = take(queue)
    vhost = broker_url.rsplit("/", 1)[1]
    rabbitmqctl("close_all_connections", "--vhost", vhost, "a test closes every connection")
    queue.publish([message(2)])  # a new connection, and the topology declared again
    again = take(queue, want=2)
    assert sorted(ids(again)) == ["m-1", "m-2"]
    assert next(d for d in again if d.message_id == "m-1").attempts == 1  # never handled
    queue.ack(again)
    queue.ack([held])  # from the lost connection: nothing
    assert queue.pending(["inventory"]) == 0


def test_a_connection_lost_while_publishing_is_opened_again_once_and_the_batch_sent(
    broker_url: str,
) -> None:
    with FaultProxy.before(broker_url) as proxy:
        queue = RabbitQueue(proxy.url(broker_url), DELAYS)
        queue.bind("inventory", ["catalog"], [], [HAPPENED])
        queue.declare()
        proxy.drop_next_send()
        queue.publish([message(1), message(2)])  # kombu's ensure: reconnected, declared, sent
        assert proxy.accepted == 2
        assert sorted(ids(take(queue, want=2))) == ["m-1", "m-2"]
        queue.close()


def test_a_broker_that_cannot_be_reached_is_one_line_and_binding_waits_for_it() -> None:
    queue = RabbitQueue("amqp://guest:guest@127.0.0.1:1/nowhere", connect_timeout=1)
    queue.bind("inventory", ["catalog"])  # no broker yet: declared when it is reached
    with pytest.raises(StorageUnavailable, match="cannot reach the broker") as refused:
        queue.publish([message(1)])
    assert "\n" not in str(refused.value)
    assert "guest:guest" not in str(refused.value)


def test_a_trace_read_from_the_contexts_is_the_trace_the_queue_file_keeps(
    tmp_path: Path, broker_url: str
) -> None:
    def journey(settings: Settings) -> list[tuple[str, str | None, str | None]]:
        setup(settings)
        with bootstrap(settings) as app:
            app.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50"))
            app.handle(ReceiveStock(sku="MUG-1", quantity=5))
            placed = app.handle(
                PlaceOrder("c-1", [OrderLineRequest("MUG-1", 2)], "tok_visa", "1 Main St")
            ).view
            [shipment] = app.handle(ListShipments("dispatched"))
            app.handle(DeliverShipment(shipment.id))
            return [
                (hop.type, hop.subscription, hop.state) for hop in app.operations.trace(placed.id)
            ]

    on_files = journey(Settings(data_dir=tmp_path / "files"))
    with postgres_database() as database:
        scaled = Settings(
            data_dir=tmp_path / "scaled", database_url=database, broker_url=broker_url
        )
        on_servers = journey(scaled)
    assert on_servers == on_files
    assert ("tessera.ordering.OrderCompleted.v1", None, None) in on_servers
    assert ("tessera.payments.PaymentCaptured.v1", "ordering", "done") in on_servers
    # an older version published beside the newer, which the subscription reads instead
    assert ("tessera.ordering.OrderPlaced.v2", "inventory", "done") in on_servers
    if BESIDE:
        assert ("tessera.ordering.OrderPlaced.v1", "inventory", "ignored") in on_servers


def test_a_read_creates_nothing_on_a_broker_that_was_not_set_up(broker_url: str) -> None:
    reader = RabbitQueue(broker_url, DELAYS)
    reader.bind("inventory", ["catalog"])
    with pytest.raises(StorageUnavailable, match="'tessera db setup' declares its queues"):
        reader.status()
    with pytest.raises(StorageUnavailable, match="is the shop set up"):
        reader.dead_letters()
    reader.close()
    with Connection(broker_url) as connection, pytest.raises(amqp_errors.NotFound):
        connection.channel().queue_declare("tessera.inventory", passive=True)


def test_every_message_of_a_saga_is_a_structured_cloudevent_that_fits_its_published_schema(
    tmp_path: Path, broker_url: str
) -> None:
    from cloudevents.core.bindings.rabbitmq import RabbitMQMessage, from_rabbitmq
    from cloudevents.core.formats.json import JSONFormat
    from cloudevents.core.v1.event import CloudEvent

    with postgres_database() as database:
        settings = Settings(data_dir=tmp_path, database_url=database, broker_url=broker_url)
        setup(settings)
        with Connection(broker_url) as tapping:  # a queue of the test's own sees every message
            channel = tapping.channel()
            channel.queue_declare("tap", durable=False, auto_delete=False)
            channel.queue_bind("tap", "tessera", routing_key="#")
            with bootstrap(settings) as app:
                app.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50"))
                app.handle(ReceiveStock(sku="MUG-1", quantity=5))
                line = [OrderLineRequest("MUG-1", 2)]
                app.handle(PlaceOrder("c-1", line, "tok_visa", "1 Main St"))
                [shipment] = app.handle(ListShipments("dispatched"))
                app.handle(DeliverShipment(shipment.id))
            read = []
            while (message := channel.basic_get("tap", no_ack=True)) is not None:
                wire = RabbitMQMessage(
                    headers={}, content_type=message.properties.get("content_type"),
                    body=message.body,
                )  # fmt: skip
                event = from_rabbitmq(wire, JSONFormat(), CloudEvent)
                read.append((message.properties["content_type"], event))
    types = {event.get_type() for _, event in read}
    saga = {"ordering.OrderPlaced.v2", "payments.PaymentCaptured.v1",
            "shipping.ShipmentDelivered.v2", "ordering.OrderCompleted.v1"}  # fmt: skip
    assert {f"tessera.{name}" for name in saga} <= types
    contracts = Path(__file__).resolve().parents[2] / "docs" / "contracts"
    for content_type, event in read:
        assert content_type == "application/cloudevents+json"
        assert event.get_dataschema() == f"urn:tessera:schema:{event.get_type()}"
        assert event.get_extension("correlationid")
        published = json.loads((contracts / f"{event.get_type()}.json").read_text())
        Draft202012Validator(published).validate(event.get_data())  # what was published


def test_the_routes_of_an_earlier_release_are_taken_down_when_a_subscription_is_declared(
    broker_url: str,
) -> None:
    """An earlier release bound each subscription's queue by `<source>.#`, and then through
    an exchange of its own bound so; declared again, neither is left to route it anything."""
    with Connection(broker_url) as connection:
        channel = connection.channel()
        channel.exchange_declare(EXCHANGE, "topic", durable=True, auto_delete=False)
        channel.queue_declare("tessera.inventory", durable=True, auto_delete=False, arguments={
            "x-queue-type": "quorum", "x-delivery-limit": 20, "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "tessera.inventory.dead",
            "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish",
        })  # fmt: skip
        channel.queue_bind("tessera.inventory", EXCHANGE, routing_key="catalog.#")
        channel.exchange_declare("tessera.inventory.in", "direct", durable=True)
        channel.exchange_bind("tessera.inventory.in", EXCHANGE, routing_key="catalog.#")
        channel.queue_bind("tessera.inventory", "tessera.inventory.in", "catalog.x")
    upgraded = RabbitQueue(broker_url, DELAYS)
    upgraded.bind("inventory", ["catalog"], [], [HAPPENED])
    upgraded.declare(unread=["tessera.catalog.Other.v1"])
    upgraded.publish([message(1, name="Other"), message(2)])
    assert ids(take(upgraded, wait=1.0, want=2)) == ["m-2"]
    with (
        Connection(broker_url) as connection,
        pytest.raises(amqp_errors.NotFound),
    ):
        connection.channel().exchange_declare("tessera.inventory.in", "direct", passive=True)
    upgraded.close()
