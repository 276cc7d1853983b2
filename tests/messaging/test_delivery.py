"""Messages reach the contexts that subscribe, once each, whatever the queue does."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
import pytest
from sqlalchemy import func, select

from tessera.adapters.messaging.consumer import Consumer
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.queue import Delivery
from tessera.adapters.messaging.relay import OutboxRelay
from tessera.adapters.messaging.worker import ContextEndpoint, Worker, WorkerSettings
from tessera.adapters.persistence.context_database import ContextDatabase
from tessera.adapters.settings import Settings
from tessera.application.contracts.catalog import (
    ProductDiscontinued,
    ProductListed,
    ProductListedV1,
)
from tessera.application.inventory.subscriptions import inventory_reactions
from tessera.application.inventory.unit_of_work import InventoryUnitOfWork
from tessera.application.shared.bus import Reactions
from tessera.application.shared.envelope import Envelope, OutgoingMessage
from tessera.application.shared.integration import type_of
from tessera.application.shared.retry import RetryPolicy
from tessera.domain.catalog.product import Product
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money
from tests.databases import catalog_uow, inventory_uow, statements_run
from tests.messaging.clock import FakeClock
from tests.rollout import FORMS

RETRY = RetryPolicy(max_attempts=4, first_delay=1.0, factor=2.0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(time.time())  # the present: the inbox stamps rows with the wall clock


@pytest.fixture
def queue(clock: FakeClock) -> InMemoryQueue:
    queue = InMemoryQueue(clock)
    queue.bind("inventory", ["catalog"])
    return queue


def consumer(
    queue: InMemoryQueue, database: ContextDatabase, reactions: Reactions[Any]
) -> Consumer:
    return Consumer("inventory", queue, inventory_uow(database), reactions, RETRY, 30.0, "test")


def listed(sku: str) -> OutgoingMessage:
    event = ProductListed(sku=sku, price=Decimal("1.00"), currency="EUR")
    return OutgoingMessage.of(Envelope.wrap(event))


def on_hand(database: ContextDatabase, sku: str) -> int:
    with inventory_uow(database) as uow:
        item = uow.stock.get(Sku(sku))
        return 0 if item is None else item.on_hand


def receive_one(event: ProductListed | ProductListedV1, uow: InventoryUnitOfWork) -> None:
    """A reaction that is not idempotent by itself: each application adds a unit."""
    item = uow.stock.get(Sku(event.sku))
    if item is None:
        item = StockItem(Sku(event.sku))
        uow.stock.add(item)
    item.receive(1)


class AcksAreLost(InMemoryQueue):
    """A queue that forgets every acknowledgement, as a broker does when a consumer dies
    between its commit and its ack: the same message keeps coming back."""

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        self.release(deliveries)


def test_the_same_message_delivered_three_times_is_applied_once(
    clock: FakeClock, inventory_db: ContextDatabase
) -> None:
    queue = AcksAreLost(clock)
    queue.bind("inventory", ["catalog"])
    queue.publish([listed("MUG-1")])
    reactions: Reactions[Any] = {ProductListed: receive_one}
    reports = [consumer(queue, inventory_db, reactions).consume(10) for _ in range(3)]
    assert [(r.handled, r.duplicates) for r in reports] == [(1, 0), (0, 1), (0, 1)]
    assert on_hand(inventory_db, "MUG-1") == 1


def test_a_failing_handler_is_tried_n_times_with_growing_delays_then_dead_lettered(
    clock: FakeClock, queue: InMemoryQueue, inventory_db: ContextDatabase
) -> None:
    attempts: list[float] = []
    fault = {"on": True}

    def flaky(event: ProductListed, uow: InventoryUnitOfWork) -> None:
        attempts.append(clock.now)
        if fault["on"]:
            raise RuntimeError("warehouse system is down")
        receive_one(event, uow)

    message = listed("MUG-1")
    queue.publish([message])
    subscriber = consumer(queue, inventory_db, {ProductListed: flaky})
    start = clock.now
    for _ in range(80):  # poll every 0.25 s (exact in binary) for 20 s
        subscriber.consume(10)
        clock.advance(0.25)

    assert len(attempts) == RETRY.max_attempts == 4
    waits = [round(b - a, 1) for a, b in zip([start, *attempts], attempts, strict=False)][1:]
    assert waits == [1.0, 2.0, 4.0]
    [dead] = queue.dead_letters()
    assert (dead.message_id, dead.attempts) == (message.id, 4)
    assert "RuntimeError: warehouse system is down" in dead.error
    assert on_hand(inventory_db, "MUG-1") == 0

    fault["on"] = False
    assert queue.replay(message.id) == 1
    subscriber.consume(10)
    subscriber.consume(10)
    assert on_hand(inventory_db, "MUG-1") == 1
    assert queue.dead_letters() == []
    assert len(attempts) == 5


def raw(n: int, type_: str, body: str) -> OutgoingMessage:
    return OutgoingMessage(f"raw-{n}", type_, "catalog", "MUG-1", "c", None, body, 0.0)


def test_unreadable_messages_are_dead_lettered_at_once_and_the_rest_keep_flowing(
    queue: InMemoryQueue, inventory_db: ContextDatabase
) -> None:
    good = Envelope.wrap(ProductListed("MUG-1", Decimal(1), "EUR"))
    document = json.loads(good.to_json())
    queue.publish(
        [
            raw(1, "tessera.catalog.ProductListed.v2", "{not json"),
            raw(2, "tessera.catalog.Renamed.v1", json.dumps({**document, "id": "raw-2"})
                .replace("ProductListed.v2", "Renamed.v1")),
            raw(3, "tessera.catalog.ProductListed.v3", json.dumps({**document, "id": "raw-3"})
                .replace("ProductListed.v2", "ProductListed.v3")),
            OutgoingMessage.of(good),
        ]
    )  # fmt: skip
    report = consumer(queue, inventory_db, inventory_reactions()).consume(10)
    assert (report.dead_lettered, report.handled, report.retried) == (3, 1, 0)
    reasons = {d.message_id: (d.attempts, d.error) for d in queue.dead_letters()}
    assert reasons["raw-1"][0] == reasons["raw-2"][0] == reasons["raw-3"][0] == 1
    assert "not JSON" in reasons["raw-1"][1]
    assert "no context publishes" in reasons["raw-2"][1]
    assert "version 3 is not supported" in reasons["raw-3"][1]
    with inventory_uow(inventory_db) as uow:
        assert uow.catalogue.get(Sku("MUG-1")) is not None


def test_a_batch_loads_what_its_messages_are_about_in_one_query_not_one_each(
    queue: InMemoryQueue, inventory_db: ContextDatabase
) -> None:
    queue.publish([listed(f"MUG-{n}") for n in range(10)])
    statements = statements_run(inventory_db)
    report = consumer(queue, inventory_db, {ProductListed: receive_one}).consume(10)
    assert report.handled == 10
    stock_reads = [s for s in statements if s.startswith("SELECT") and "FROM stock_items" in s]
    assert len(stock_reads) == 1
    assert all(on_hand(inventory_db, f"MUG-{n}") == 1 for n in range(10))


def test_events_a_context_does_not_react_to_are_acknowledged_and_ignored(
    queue: InMemoryQueue, inventory_db: ContextDatabase
) -> None:
    queue.publish([listed("MUG-1")])
    report = consumer(queue, inventory_db, {}).consume(10)
    assert (report.ignored, report.handled) == (1, 0)
    assert queue.pending(["inventory"]) == 0


def list_product(database: ContextDatabase, sku: str) -> None:
    with catalog_uow(database) as uow:
        uow.products.add(Product.list(Sku(sku), "Mug", Money.of("1", "EUR")))
        uow.commit()


class CrashesAfterPublishing(InMemoryQueue):
    """The relay dies after the queue took the messages and before it marked them sent."""

    crash = True

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        super().publish(messages)
        if self.crash:
            self.crash = False
            raise ConnectionError("relay died")


def test_a_relay_that_crashes_after_publishing_sends_again_and_nothing_doubles(
    clock: FakeClock, catalog_db: ContextDatabase, inventory_db: ContextDatabase
) -> None:
    queue = CrashesAfterPublishing(clock)
    queue.bind("inventory", ["catalog"])
    list_product(catalog_db, "MUG-1")
    relay = OutboxRelay(catalog_db, queue, batch_size=100, clock=clock)
    with pytest.raises(ConnectionError):
        relay.relay()
    assert relay.backlog() == FORMS  # the listing in versions 2 (and 1, in the rollout)
    assert relay.relay() == FORMS
    assert relay.backlog() == 0
    report = consumer(queue, inventory_db, {ProductListed: receive_one}).consume(10)
    assert report.handled == 1
    assert on_hand(inventory_db, "MUG-1") == 1


def count(database: ContextDatabase, table: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(
            database.tables.outbox if table == "outbox" else database.tables.inbox
        )).scalar_one())  # fmt: skip


def test_the_worker_purges_what_is_older_than_the_retention_window(
    clock: FakeClock,
    queue: InMemoryQueue,
    catalog_db: ContextDatabase,
    inventory_db: ContextDatabase,
) -> None:
    settings = WorkerSettings(batch_size=100, poll_seconds=0, retention_seconds=3600, retry=RETRY)
    catalog = ContextEndpoint(
        "catalog",
        OutboxRelay(catalog_db, queue, 100, clock),
        Consumer("catalog", queue, catalog_uow(catalog_db), {}, RETRY, 30, "t"),
    )
    inventory = ContextEndpoint(
        "inventory",
        OutboxRelay(inventory_db, queue, 100, clock),
        consumer(queue, inventory_db, inventory_reactions()),
    )
    list_product(catalog_db, "MUG-1")
    worker = Worker([catalog, inventory], queue, queue, settings, clock)
    worker.run(until_idle=True)
    assert (count(catalog_db, "outbox"), count(inventory_db, "inbox")) == (FORMS, 1)

    clock.advance(1800)
    Worker([catalog, inventory], queue, queue, settings, clock).run(until_idle=True)
    assert (count(catalog_db, "outbox"), count(inventory_db, "inbox")) == (FORMS, 1)

    clock.advance(1900)
    Worker([catalog, inventory], queue, queue, settings, clock).run(until_idle=True)
    assert (count(catalog_db, "outbox"), count(inventory_db, "inbox")) == (0, 0)


def test_retention_must_outlast_the_longest_retry_schedule() -> None:
    retry = RetryPolicy(max_attempts=10, first_delay=10, factor=2, max_delay=10_000)
    with pytest.raises(ValueError, match="must exceed the longest retry schedule"):
        Settings.in_memory(retry=retry, retention_seconds=3600)
    assert Settings.in_memory(retry=retry, retention_seconds=20_000).retention_seconds == 20_000


def test_an_operator_sets_the_retry_policy_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TESSERA_RETRY_MAX_ATTEMPTS", "7")
    monkeypatch.setenv("TESSERA_RETRY_FIRST_DELAY", "0.25")
    settings = Settings.from_environment(topology="memory")
    assert settings.retry == RetryPolicy(max_attempts=7, first_delay=0.25)
    monkeypatch.setenv("TESSERA_RETRY_FACTOR", "fast")
    with pytest.raises(ValueError, match="TESSERA_RETRY_FACTOR must be a number"):
        Settings.from_environment(topology="memory")


def test_a_message_a_rule_refuses_is_dead_lettered_on_its_first_failure(
    queue: InMemoryQueue, inventory_db: ContextDatabase
) -> None:
    tries: list[str] = []

    def strict(event: ProductListed, uow: InventoryUnitOfWork) -> None:
        tries.append(event.sku)
        Sku(event.sku)  # the rule of a SKU: what the message holds can never pass it

    queue.publish([listed("X!"), listed("MUG-1")])
    report = consumer(queue, inventory_db, {ProductListed: strict}).consume(10)
    assert (report.dead_lettered, report.handled, report.retried) == (1, 1, 0)
    [dead] = queue.dead_letters()
    assert dead.attempts == 1
    assert dead.error.startswith("refused: BusinessRuleViolation: SKU 'X!'")
    assert tries.count("X!") == 2  # in the batch, then alone: once on its own


def test_a_delivery_the_queue_could_not_read_is_dead_lettered_with_the_queue_s_reason(
    queue: InMemoryQueue, inventory_db: ContextDatabase
) -> None:
    class Garbled(InMemoryQueue):
        def receive(self, *args: Any) -> list[Delivery]:
            return [attrs.evolve(d, unreadable="the body is not UTF-8 text (byte 0)")
                    for d in super().receive(*args)]  # fmt: skip

    garbled = Garbled()
    garbled.bind("inventory", ["catalog"])
    garbled.publish([listed("MUG-1")])
    report = consumer(garbled, inventory_db, inventory_reactions()).consume(10)
    assert (report.dead_lettered, report.handled) == (1, 0)
    [dead] = garbled.dead_letters()
    assert dead.error == "unreadable: the body is not UTF-8 text (byte 0)"


def test_a_subscription_reading_two_versions_reacts_once_to_a_pair_published_together(
    queue: InMemoryQueue, inventory_db: ContextDatabase
) -> None:
    newer = ProductListed("MUG-1", Decimal("1.00"), "EUR")
    older = ProductListedV1("MUG-1", "Mug", Decimal("1.00"), "EUR")
    queue.publish(
        [  # from a publisher on the new code: both versions, each marked
            OutgoingMessage.of(Envelope.wrap(newer, alongside=[type_of(older)])),
            OutgoingMessage.of(Envelope.wrap(older, superseded_by=type_of(newer))),
        ]
    )
    reactions: Reactions[Any] = {ProductListed: receive_one, ProductListedV1: receive_one}
    report = consumer(queue, inventory_db, reactions).consume(10)
    assert (report.handled, report.ignored, on_hand(inventory_db, "MUG-1")) == (1, 1, 1)
    queue.publish([OutgoingMessage.of(Envelope.wrap(older))])  # from a publisher on the old code
    report = consumer(queue, inventory_db, reactions).consume(10)
    assert (report.handled, on_hand(inventory_db, "MUG-1")) == (1, 2)
    # a mark that names no newer version of the same event is not believed
    not_newer = [type_of(older), "tessera.catalog.ProductDiscontinued.v1"]
    queue.publish([OutgoingMessage.of(Envelope.wrap(older, superseded_by=t)) for t in not_newer])
    reactions[ProductDiscontinued] = lambda event, uow: None
    report = consumer(queue, inventory_db, reactions).consume(10)
    assert (report.handled, report.ignored, on_hand(inventory_db, "MUG-1")) == (2, 0, 4)
