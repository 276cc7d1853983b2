"""What every queue adapter promises, checked against each of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.sqlite_queue import SqliteQueue
from tessera.application.shared.envelope import OutgoingMessage
from tests.messaging.clock import FakeClock

Queue = InMemoryQueue | SqliteQueue


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "sqlite"])
def queue(request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path) -> Iterator[Queue]:
    if request.param == "memory":
        yield InMemoryQueue(clock)
        return
    sqlite = SqliteQueue(tmp_path / "queue.db", clock)
    yield sqlite
    sqlite.close()


def message(
    n: int, source: str = "catalog", correlation: str = "c-1", cause: str | None = None
) -> OutgoingMessage:
    return OutgoingMessage(
        id=f"m-{n}",
        type=f"tessera.{source}.Happened.v1",
        source=source,
        subject=f"subject-{n}",
        correlation_id=correlation,
        causation_id=cause,
        body=f'{{"n": {n}}}',
        written_at=1_000_000.0 + n,
    )


def take(queue: Queue, subscription: str = "inventory", limit: int = 10) -> list[str]:
    return [d.message_id for d in queue.receive(subscription, limit, 30.0, "test")]


def test_a_subscription_gets_the_messages_of_the_contexts_it_is_bound_to(queue: Queue) -> None:
    queue.bind("inventory", ["catalog"])
    queue.bind("ordering", ["catalog", "inventory"])
    queue.publish([message(1, "catalog"), message(2, "inventory")])
    assert take(queue, "inventory") == ["m-1"]
    assert take(queue, "ordering") == ["m-1", "m-2"]


def typed(n: int, name: str) -> OutgoingMessage:
    return attrs.evolve(message(n), type=f"tessera.catalog.{name}.v1")


def test_a_subscription_is_spared_the_types_it_ignores_but_not_unknown_ones(queue: Queue) -> None:
    queue.bind("inventory", ["catalog"], ignoring=["tessera.catalog.PriceChanged.v1"])
    queue.publish([typed(1, "PriceChanged"), typed(2, "Listed"), typed(3, "Brandnew")])
    assert take(queue, "inventory") == ["m-2", "m-3"]


def test_a_type_is_left_out_only_if_every_consumer_of_the_subscription_ignores_it(
    queue: Queue,
) -> None:
    # An older and a newer consumer of one subscription, during a rolling deployment: the
    # newer one reacts to Repriced, which the older one ignores.
    queue.bind(
        "inventory",
        ["catalog"],
        ignoring=["tessera.catalog.Renamed.v1", "tessera.catalog.Repriced.v1"],
    )
    queue.bind("inventory", ["catalog"], ignoring=["tessera.catalog.Renamed.v1"])
    queue.bind(
        "inventory",
        ["catalog"],
        ignoring=["tessera.catalog.Renamed.v1", "tessera.catalog.Repriced.v1"],
    )
    queue.publish([typed(1, "Renamed"), typed(2, "Repriced")])
    assert take(queue, "inventory") == ["m-2"]


def test_a_conversation_is_unsettled_until_each_subscription_or_those_named_has_it(
    queue: Queue,
) -> None:
    queue.bind("inventory", ["catalog"])
    queue.bind("ordering", ["catalog"])
    queue.publish([message(1, correlation="order-7"), message(2, correlation="other")])
    assert queue.unsettled("order-7") == 2
    queue.ack(queue.receive("inventory", 10, 30.0, "test"))
    assert queue.unsettled("order-7") == 1  # ordering has yet to handle it
    assert queue.unsettled("order-7", ["inventory"]) == 0
    assert queue.unsettled("order-7", ["ordering"]) == 1


def test_a_message_published_twice_is_delivered_once(queue: Queue) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1)])
    queue.publish([message(1)])
    assert take(queue) == ["m-1"]
    assert take(queue) == []


def test_messages_come_in_the_order_they_were_published(queue: Queue) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(n) for n in range(1, 6)])
    assert take(queue, limit=3) == ["m-1", "m-2", "m-3"]
    assert take(queue, limit=3) == ["m-4", "m-5"]


def test_an_acknowledged_message_is_never_delivered_again(queue: Queue, clock: FakeClock) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1)])
    queue.ack(queue.receive("inventory", 10, 5.0, "test"))
    clock.advance(60)
    assert take(queue) == []
    assert queue.pending(["inventory"]) == 0


def test_a_lease_that_runs_out_delivers_the_message_again(queue: Queue, clock: FakeClock) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1)])
    [first] = queue.receive("inventory", 10, 5.0, "dies")
    assert take(queue) == []
    assert queue.pending(["inventory"]) == 1
    clock.advance(5.0)
    [again] = queue.receive("inventory", 10, 5.0, "lives")
    assert again.message_id == first.message_id
    assert again.attempts == 2


def test_a_released_message_comes_back_without_counting_an_attempt(queue: Queue) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1)])
    queue.release(queue.receive("inventory", 10, 30.0, "test"))
    [again] = queue.receive("inventory", 10, 30.0, "test")
    assert again.attempts == 1


def test_a_retry_waits_for_its_delay(queue: Queue, clock: FakeClock) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1), message(2)])
    [first, _] = queue.receive("inventory", 2, 30.0, "test")
    queue.retry_later(first, 2.0, "boom")
    clock.advance(1.9)
    assert take(queue) == []
    clock.advance(0.1)
    assert take(queue) == ["m-1"]


def test_a_dead_letter_keeps_its_reason_until_replayed(queue: Queue) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1)])
    [delivery] = queue.receive("inventory", 10, 30.0, "test")
    queue.dead_letter(delivery, "unreadable: not JSON")
    assert take(queue) == []
    assert queue.pending(["inventory"]) == 0
    [dead] = queue.dead_letters()
    assert (dead.message_id, dead.subscription, dead.error, dead.attempts) == (
        "m-1",
        "inventory",
        "unreadable: not JSON",
        1,
    )
    assert queue.replay("m-1") == 1
    assert queue.replay("m-1") == 0
    assert queue.dead_letters() == []
    [again] = queue.receive("inventory", 10, 30.0, "test")
    assert again.attempts == 1


def test_status_counts_each_subscription(queue: Queue, clock: FakeClock) -> None:
    queue.bind("inventory", ["catalog"])
    queue.bind("ordering", ["catalog"])
    queue.publish([message(n) for n in range(1, 5)])
    d1, d2, d3 = queue.receive("inventory", 3, 30.0, "test")
    queue.ack([d1])
    queue.retry_later(d2, 10.0, "boom")
    queue.dead_letter(d3, "bad")
    clock.advance(1.0)
    inventory, ordering = queue.status()
    assert (inventory.subscription, ordering.subscription) == ("inventory", "ordering")
    assert (inventory.ready, inventory.waiting_to_retry, inventory.in_flight, inventory.dead) == (
        1,
        1,
        0,
        1,
    )
    assert (ordering.ready, ordering.dead) == (4, 0)
    assert ordering.oldest_age_seconds == pytest.approx(clock.now - message(1).written_at)


def test_a_trace_follows_a_conversation_in_causal_order(queue: Queue) -> None:
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
    queue: Queue, clock: FakeClock
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


def test_dead_letters_say_what_they_are_about_and_replays_are_remembered(queue: Queue) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1), message(2)])
    for delivery in queue.receive("inventory", 10, 30.0, "test"):
        queue.dead_letter(delivery, "boom\nat line 3")
    assert [(d.message_id, d.subject) for d in queue.dead_letters()] == [
        ("m-1", "subject-1"),
        ("m-2", "subject-2"),
    ]
    assert queue.replay("m-1", subscription="ordering") == 0
    assert queue.replay("m-1", subscription="inventory") == 1
    queue.ack(queue.receive("inventory", 10, 30.0, "test"))
    [hop] = [h for h in queue.trace("m-1") if h.message_id == "m-1"]
    assert (hop.state, hop.replays, hop.outcome) == ("done", 1, "done after 1 replay")


def test_a_discarded_dead_letter_is_closed_for_good_and_kept_with_who_and_why(
    queue: Queue,
) -> None:
    queue.bind("inventory", ["catalog"])
    queue.publish([message(1)])
    [delivery] = queue.receive("inventory", 10, 30.0, "test")
    queue.dead_letter(delivery, "unreadable")
    assert queue.discard("m-1", "a test message, sent by mistake", "ops@host") == 1
    assert queue.dead_letters() == []
    assert queue.replay("m-1") == 0
    assert queue.discard("m-1", "again", "ops@host") == 0
    assert queue.pending(["inventory"]) == 0
    [status] = queue.status()
    assert status.dead == 0
    [hop] = queue.trace("m-1")
    assert hop.state == "dead"
    assert hop.discarded is not None
    assert hop.discarded.startswith("by ops@host at ")
    assert hop.outcome.endswith(": a test message, sent by mistake)")
