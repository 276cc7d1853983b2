"""What every queue adapter promises, checked against each of them: memory, the queue file,
and RabbitMQ (on a virtual host of the test's own; skipped, saying why, only outside CI).
What only the embedded queues keep (a message published twice delivered once, leases a
clock runs out, the trace and purge they keep themselves, unknown types delivered) is
checked on them alone; RabbitMQ's own behaviour is in test_rabbitmq.py."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.rabbitmq import RabbitQueue
from tessera.adapters.messaging.sqlite_queue import SqliteQueue
from tessera.application.shared.envelope import OutgoingMessage
from tests.messaging.clock import FakeClock
from tests.servers import rabbitmq_vhost

Queue = InMemoryQueue | SqliteQueue | RabbitQueue
Embedded = InMemoryQueue | SqliteQueue
DELAY = 1.0
"""The retry delay the scenarios use: a broker's delay queue waits it out in real time."""


@attrs.define
class Adapter:
    """A queue under test, and how time passes for it: the embedded queues read a clock the
    test moves; a broker's delays and deliveries take real time."""

    queue: Queue
    clock: FakeClock
    broker: bool = False

    def wait(self, seconds: float) -> None:
        if self.broker:
            time.sleep(seconds)
        else:
            self.clock.advance(seconds)

    def take(self, subscription: str = "inventory", limit: int = 10, want: int = 1) -> list[str]:
        """What the queue hands out now, up to `limit`; a broker's, waited for (up to `want`
        of them, or a moment when none is expected)."""
        return [d.message_id for d in self.received(subscription, limit, want)]

    def received(self, subscription: str, limit: int = 10, want: int = 1) -> list[Any]:
        deadline = time.monotonic() + (5.0 if want else 0.2) if self.broker else 0.0
        taken = list(self.queue.receive(subscription, limit, 30.0, "test"))
        while self.broker and len(taken) < max(want, 1) and time.monotonic() < deadline:
            time.sleep(0.02)
            taken += self.queue.receive(subscription, limit - len(taken), 30.0, "test")
        return taken


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "sqlite", pytest.param("rabbitmq", marks=pytest.mark.server)])
def adapter(request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path) -> Iterator[Adapter]:
    if request.param == "memory":
        yield Adapter(InMemoryQueue(clock), clock)
        return
    if request.param == "sqlite":
        sqlite = SqliteQueue(tmp_path / "queue.db", clock)
        yield Adapter(sqlite, clock)
        sqlite.close()
        return
    with rabbitmq_vhost() as url:
        rabbit = RabbitQueue(url, (DELAY,))
        yield Adapter(rabbit, clock, broker=True)
        rabbit.close()


@pytest.fixture(params=["memory", "sqlite"])
def queue(request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path) -> Iterator[Embedded]:
    """An embedded queue, for what only the embedded queues keep."""
    if request.param == "memory":
        yield InMemoryQueue(clock)
        return
    sqlite = SqliteQueue(tmp_path / "queue.db", clock)
    yield sqlite
    sqlite.close()


def happened(source: str) -> str:
    return f"tessera.{source}.Happened.v1"


def bind(
    queue: Queue,
    subscription: str,
    sources: Collection[str],
    ignoring: Collection[str] = (),
    reacting: Collection[str] = (),
) -> None:
    """Bound as a consumer binds: to its sources, and by the types it reacts to (each
    source's Happened, and `reacting`), leaving out those it ignores; on a broker, a type
    that no binding so far reacts to is routed to the sink, as `db setup` routes them."""
    types = [happened(source) for source in sources] + list(reacting)
    queue.bind(subscription, sources, ignoring, [t for t in types if t not in ignoring])
    if isinstance(queue, RabbitQueue):
        queue.declare(unread=set(ignoring) - set().union(*queue.reacting().values()))


def message(
    n: int, source: str = "catalog", correlation: str = "c-1", cause: str | None = None
) -> OutgoingMessage:
    return OutgoingMessage(
        id=f"m-{n}",
        type=happened(source),
        source=source,
        subject=f"subject-{n}",
        correlation_id=correlation,
        causation_id=cause,
        body=f'{{"n": {n}}}',
        written_at=1_000_000.0 + n,
    )


def take(queue: Queue, subscription: str = "inventory", limit: int = 10) -> list[str]:
    return [d.message_id for d in queue.receive(subscription, limit, 30.0, "test")]


def test_a_subscription_gets_the_messages_of_the_contexts_it_is_bound_to(
    adapter: Adapter,
) -> None:
    bind(adapter.queue, "inventory", ["catalog"])
    bind(adapter.queue, "ordering", ["catalog", "inventory"])
    adapter.queue.publish([message(1, "catalog"), message(2, "inventory")])
    assert adapter.take("inventory") == ["m-1"]
    assert adapter.take("ordering", want=2) == ["m-1", "m-2"]


def typed(n: int, name: str) -> OutgoingMessage:
    return attrs.evolve(message(n), type=f"tessera.catalog.{name}.v1")


def test_a_subscription_is_spared_the_types_it_ignores(adapter: Adapter) -> None:
    listed = "tessera.catalog.Listed.v1"
    bind(adapter.queue, "inventory", ["catalog"], ["tessera.catalog.PriceChanged.v1"], [listed])
    adapter.queue.publish([typed(1, "PriceChanged"), typed(2, "Listed")])
    assert adapter.take(want=2) == ["m-2"]


def test_a_type_is_left_out_only_if_every_consumer_of_the_subscription_ignores_it(
    adapter: Adapter,
) -> None:
    # An older and a newer consumer of one subscription, during a rolling deployment: the
    # newer one reacts to Repriced, which the older one ignores.
    renamed, repriced = "tessera.catalog.Renamed.v1", "tessera.catalog.Repriced.v1"
    bind(adapter.queue, "inventory", ["catalog"], [renamed, repriced])
    bind(adapter.queue, "inventory", ["catalog"], [renamed], [repriced])
    bind(adapter.queue, "inventory", ["catalog"], [renamed, repriced])
    adapter.queue.publish([typed(1, "Renamed"), typed(2, "Repriced")])
    assert adapter.take(want=2) == ["m-2"]


def test_messages_come_in_the_order_they_were_published(adapter: Adapter) -> None:
    bind(adapter.queue, "inventory", ["catalog"])
    adapter.queue.publish([message(n) for n in range(1, 6)])
    assert adapter.take(limit=3, want=3) == ["m-1", "m-2", "m-3"]
    assert adapter.take(limit=3, want=2) == ["m-4", "m-5"]


def test_an_acknowledged_message_is_never_delivered_again(adapter: Adapter) -> None:
    bind(adapter.queue, "inventory", ["catalog"])
    adapter.queue.publish([message(1)])
    adapter.queue.ack(adapter.received("inventory"))
    adapter.wait(0.1 if adapter.broker else 60)
    assert adapter.take(want=0) == []
    assert adapter.queue.pending(["inventory"]) == 0


def test_a_released_message_comes_back_without_counting_an_attempt(adapter: Adapter) -> None:
    bind(adapter.queue, "inventory", ["catalog"])
    adapter.queue.publish([message(1)])
    adapter.queue.release(adapter.received("inventory"))
    [again] = adapter.received("inventory")
    assert (again.message_id, again.attempts) == ("m-1", 1)


def test_a_retry_waits_for_its_delay(adapter: Adapter) -> None:
    bind(adapter.queue, "inventory", ["catalog"])
    adapter.queue.publish([message(1), message(2)])
    first, _ = adapter.received("inventory", 2, want=2)
    adapter.queue.retry_later(first, DELAY, "boom")
    adapter.wait(DELAY / 2)
    assert adapter.take(want=0) == []
    adapter.wait(DELAY / 2)
    [again] = adapter.received("inventory")
    assert (again.message_id, again.attempts) == ("m-1", 2)


def test_a_dead_letter_keeps_its_reason_until_replayed(adapter: Adapter) -> None:
    queue = adapter.queue
    bind(queue, "inventory", ["catalog"])
    queue.publish([message(1)])
    [delivery] = adapter.received("inventory")
    queue.dead_letter(delivery, "unreadable: not JSON")
    assert adapter.take(want=0) == []
    assert queue.pending(["inventory"]) == 0
    [dead] = queue.dead_letters()
    assert (dead.message_id, dead.subscription, dead.error, dead.attempts, dead.subject) == (
        "m-1", "inventory", "unreadable: not JSON", 1, "subject-1",
    )  # fmt: skip
    assert queue.dead_letters() == [dead]  # reading them changes nothing
    assert queue.replay("m-1", subscription="ordering") == 0
    assert queue.replay("m-1") == 1
    assert queue.replay("m-1") == 0
    assert queue.dead_letters() == []
    [again] = adapter.received("inventory")
    assert (again.message_id, again.attempts) == ("m-1", 1)


def test_status_counts_each_subscription(adapter: Adapter) -> None:
    queue = adapter.queue
    bind(queue, "inventory", ["catalog"])
    bind(queue, "ordering", ["catalog"])
    queue.publish([message(n) for n in range(1, 5)])
    d1, d2, d3 = adapter.received("inventory", 3, want=3)
    queue.ack([d1])
    queue.retry_later(d2, DELAY * 10, "boom")
    queue.dead_letter(d3, "bad")
    adapter.wait(0.2 if adapter.broker else 1.0)
    inventory, ordering = queue.status()
    assert (inventory.subscription, ordering.subscription) == ("inventory", "ordering")
    assert (inventory.ready, inventory.waiting_to_retry, inventory.dead) == (1, 1, 1)
    assert (ordering.ready, ordering.dead) == (4, 0)
    if adapter.broker:  # no worker holds any; the broker does not tell the age of those ready
        assert (inventory.in_flight, ordering.oldest_age_seconds) == (0, None)
    else:
        assert inventory.in_flight == 0
        expected = adapter.clock.now - message(1).written_at
        assert ordering.oldest_age_seconds == pytest.approx(expected)


def test_a_discarded_dead_letter_is_closed_for_good(adapter: Adapter) -> None:
    queue = adapter.queue
    bind(queue, "inventory", ["catalog"])
    queue.publish([message(1)])
    [delivery] = adapter.received("inventory")
    queue.dead_letter(delivery, "unreadable")
    assert queue.discard("m-1", "a test message, sent by mistake", "ops@host") == 1
    assert queue.dead_letters() == []
    assert queue.replay("m-1") == 0
    assert queue.discard("m-1", "again", "ops@host") == 0
    assert queue.pending(["inventory"]) == 0
    [status] = queue.status()
    assert status.dead == 0


# -- what only the embedded queues keep --------------------------------------------------


def test_an_embedded_queue_delivers_a_type_its_consumer_does_not_know(queue: Embedded) -> None:
    queue.bind("inventory", ["catalog"], ignoring=["tessera.catalog.PriceChanged.v1"])
    queue.publish([typed(1, "PriceChanged"), typed(2, "Listed"), typed(3, "Brandnew")])
    assert take(queue, "inventory") == ["m-2", "m-3"]


def test_a_conversation_is_unsettled_until_each_subscription_or_those_named_has_it(
    queue: Embedded,
) -> None:
    queue.bind("inventory", ["catalog"])
    queue.bind("ordering", ["catalog"])
    queue.publish([message(1, correlation="order-7"), message(2, correlation="other")])
    assert queue.unsettled("order-7") == 2
    queue.ack(queue.receive("inventory", 10, 30.0, "test"))
    assert queue.unsettled("order-7") == 1  # ordering has yet to handle it
    assert queue.unsettled("order-7", ["inventory"]) == 0
    assert queue.unsettled("order-7", ["ordering"]) == 1


def test_a_message_published_twice_is_delivered_once(queue: Embedded) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1)])
    queue.publish([message(1)])
    assert take(queue) == ["m-1"]
    assert take(queue) == []


def test_a_lease_that_runs_out_delivers_the_message_again(
    queue: Embedded, clock: FakeClock
) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1)])
    [first] = queue.receive("inventory", 10, 5.0, "dies")
    assert take(queue) == []
    assert queue.pending(["inventory"]) == 1
    clock.advance(5.0)
    [again] = queue.receive("inventory", 10, 5.0, "lives")
    assert again.message_id == first.message_id
    assert again.attempts == 2


def test_a_trace_follows_a_conversation_in_causal_order(queue: Embedded) -> None:
    queue.bind("inventory", ["catalog"])
    root = message(3, correlation="order-7")
    effect = message(1, correlation="order-7", cause="m-3")  # written "earlier" by a skewed clock
    unrelated = message(2, correlation="other")
    queue.publish([effect, unrelated, root])
    queue.ack(queue.receive("inventory", 10, 30.0, "test"))
    by_correlation = queue.trace("order-7")
    assert [h.message_id for h in by_correlation] == ["m-3", "m-1"]
    assert all(h.state == "done" and h.handled_at is not None for h in by_correlation)
    assert [h.message_id for h in queue.trace("subject-1")] == ["m-3", "m-1"]
    assert queue.trace("nothing") == []


def test_purge_forgets_only_what_was_handled_long_enough_ago(
    queue: Embedded, clock: FakeClock
) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1), message(2)])
    handled, dead = queue.receive("inventory", 2, 30.0, "test")
    queue.ack([handled])
    queue.dead_letter(dead, "bad")
    clock.advance(100)
    queue.purge(handled_before=clock.now - 50)
    assert queue.trace("subject-1") == []
    assert [d.message_id for d in queue.dead_letters()] == ["m-2"]
    queue.publish([message(1)])  # long forgotten: it is a new message now
    assert take(queue) == ["m-1"]


def test_the_trace_remembers_replays_and_who_discarded_what_and_why(queue: Embedded) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1), message(2)])
    for delivery in queue.receive("inventory", 10, 30.0, "test"):
        queue.dead_letter(delivery, "boom\nat line 3")
    assert queue.replay("m-1", subscription="inventory") == 1
    queue.ack(queue.receive("inventory", 10, 30.0, "test"))
    [hop] = [h for h in queue.trace("m-1") if h.message_id == "m-1"]
    assert (hop.state, hop.replays, hop.outcome) == ("done", 1, "done after 1 replay")
    assert queue.discard("m-2", "a test message, sent by mistake", "ops@host") == 1
    [hop] = [h for h in queue.trace("m-2") if h.message_id == "m-2"]
    assert hop.state == "dead"
    assert hop.discarded is not None
    assert hop.discarded.startswith("by ops@host at ")
    assert hop.outcome.endswith(": a test message, sent by mistake)")
