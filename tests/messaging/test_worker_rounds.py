"""A worker passes what one context caused straight to the next, within one round; on embedded
databases, a command of the same process waits for the round's end."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Collection
from contextlib import suppress
from typing import Any, cast

import attrs
import pytest

from tessera.adapters.bootstrap import Settings, bootstrap
from tessera.adapters.messaging.memory_queue import InMemoryQueue
from tessera.adapters.messaging.queue import Listener
from tessera.adapters.messaging.worker import Alarm, Worker, WorkerSettings
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.payments.gateway import ChargeResult
from tessera.application.shared.retry import RetryPolicy
from tessera.domain.shared.money import Money


def test_one_round_carries_an_order_as_far_as_the_contexts_order_allows() -> None:
    with bootstrap(Settings.in_memory(deliver_inline=False)) as app:
        app.handle(ListProduct(sku="MUG-1", name="Mug", price="10.00"))
        app.deliver()
        app.handle(ReceiveStock(sku="MUG-1", quantity=5))
        app.deliver()
        order = app.handle(
            PlaceOrder("c-1", [OrderLineRequest("MUG-1", 1)], "tok_visa", "1 Main")
        ).view
        worker = app.worker()

        worker.run_once()

        # Inventory reserved, ordering asked for the payment, payments captured it: each
        # consumer's batch was relayed before the next consumer took its turn.
        handled = [
            (hop.type.split(".")[2], hop.subscription)
            for hop in app.operations.trace(order.id)
            if hop.state == "done"
        ]
        assert handled == [
            ("OrderPlaced", "inventory"),
            ("StockReserved", "ordering"),
            ("PaymentRequested", "payments"),
        ]


class HeldGateway:
    """Approves every charge, once the test lets it: the worker is held inside its round."""

    def __init__(self) -> None:
        self.charging = threading.Event()
        self.release = threading.Event()
        self.returned_at = 0.0

    def charge(self, idempotency_key: str, card_token: str, amount: Money) -> ChargeResult:
        self.charging.set()
        assert self.release.wait(10), "the test never let the charge go"
        self.returned_at = time.monotonic()
        return ChargeResult(approved=True)

    def refund(self, idempotency_key: str, amount: Money) -> None:
        """Nothing is refunded here."""


def test_a_command_does_not_wait_for_the_round_a_worker_of_its_process_is_in() -> None:
    gateway = HeldGateway()
    with bootstrap(
        Settings.in_memory(deliver_inline=False), ports={"payment_gateway": gateway}
    ) as app:
        app.handle(ListProduct(sku="MUG-1", name="Mug", price="10.00"))
        app.deliver()
        app.handle(ReceiveStock(sku="MUG-1", quantity=5))
        app.handle(PlaceOrder("c-1", [OrderLineRequest("MUG-1", 1)], "tok_visa", "1 Main"))
        worker = threading.Thread(target=app.worker().run_once)
        worker.start()
        assert gateway.charging.wait(10)  # the worker's round is in payments' reaction
        done_at: list[float] = []

        def command() -> None:
            app.handle(ListProduct(sku="MUG-2", name="Mug", price="10.00"))
            done_at.append(time.monotonic())

        commanding = threading.Thread(target=command)
        commanding.start()
        commanding.join(timeout=10)
        assert done_at, "the command waited for the worker's round"
        gateway.release.set()
        worker.join(timeout=10)
        [done] = done_at
        assert done < gateway.returned_at


class Heard:
    """An outbox listener that says whether it was closed."""

    closed = False

    def fileno(self) -> int | None:
        return None

    def take_in(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class RefusesToListen(InMemoryQueue):
    def listen(
        self, subscriptions: Collection[str], wake: Callable[[], None], limit: int
    ) -> Listener | None:
        raise ValueError("a worker of this process listens to inventory already")


def test_a_worker_the_queue_will_not_listen_to_closes_the_listeners_it_started() -> None:
    with bootstrap(Settings.in_memory(deliver_inline=False)) as app:
        [endpoint] = [e for e in app.worker().endpoints if e.name == "inventory"]
        heard = Heard()
        listening = attrs.evolve(endpoint, relay=cast(Any, ListeningRelay(heard)))
        queue = RefusesToListen()
        settings = WorkerSettings(10, 0.01, 3600.0, RetryPolicy())
        with pytest.raises(ValueError, match="listens to inventory already"):
            Worker([listening], queue, queue, settings).run()
        assert heard.closed


class ListeningRelay:
    """A relay that listens with the listener given, and otherwise is the relay given."""

    def __init__(self, listener: Listener, relay: object = None) -> None:
        self._listener = listener
        self._relay = relay

    def listen(self) -> Listener:
        return self._listener

    def __getattr__(self, name: str) -> Any:
        return getattr(self._relay, name)


class Socketed:
    """A listener on one end of a socket pair: readable once the other end writes."""

    def __init__(self) -> None:
        self.here, self.there = socket.socketpair()
        self.taken_in = b""
        self.calls = 0

    def fileno(self) -> int | None:
        return self.here.fileno()

    def take_in(self) -> None:
        self.calls += 1
        with suppress(BlockingIOError):  # taken in already, by another listener of it
            self.taken_in += self.here.recv(100, socket.MSG_DONTWAIT)

    def close(self) -> None:
        self.here.close()
        self.there.close()


def test_a_waiting_worker_is_woken_by_what_its_listeners_watch_and_it_takes_that_in() -> None:
    alarm, listener = Alarm(), Socketed()
    with alarm.opened():
        threading.Timer(0.05, listener.there.send, [b"news"]).start()
        began = time.monotonic()
        alarm.wait([listener], 10.0)
        assert time.monotonic() - began < 5.0
        assert listener.taken_in == b"news"
    listener.close()


def test_a_worker_rung_from_another_thread_while_it_waits_wakes_at_once() -> None:
    alarm = Alarm()
    with alarm.opened():
        threading.Timer(0.05, alarm.ring).start()
        began = time.monotonic()
        alarm.wait([], 10.0)
        assert time.monotonic() - began < 5.0


def test_a_ring_while_the_worker_is_busy_is_seen_before_it_waits_and_only_once() -> None:
    alarm = Alarm()
    with alarm.opened():
        alarm.ring()  # during a round: the next wait does not wait
        alarm.ring()  # a second ring of the round writes nothing more
        began = time.monotonic()
        alarm.wait([], 10.0)
        assert time.monotonic() - began < 1.0
        alarm.reset()  # the next round saw to it
        began = time.monotonic()
        alarm.wait([], 0.2)
        assert time.monotonic() - began >= 0.15


def test_listeners_that_share_a_socket_are_each_told_it_is_readable() -> None:
    alarm, listener = Alarm(), Socketed()
    sharing = Socketed()
    sharing.here.close()
    sharing.here = listener.here  # two subscriptions on one connection
    with alarm.opened():
        listener.there.send(b"news")
        alarm.wait([listener, sharing], 10.0)
    assert listener.taken_in == b"news"  # the first took it in; the second found it taken
    assert sharing.calls == 1
    listener.close()
    sharing.there.close()


class FailsToTakeIn(Socketed):
    """A listener whose connection is readable and fails when read, as a lost one does."""

    def __init__(self) -> None:
        super().__init__()
        self.there.send(b"x")
        self.failures = 0

    def take_in(self) -> None:
        self.failures += 1
        raise OSError("connection reset by peer")


def test_a_listener_that_fails_to_take_in_is_reported_and_the_worker_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with bootstrap(Settings.in_memory(deliver_inline=False)) as app:
        [endpoint] = [e for e in app.worker().endpoints if e.name == "inventory"]
        failing = FailsToTakeIn()
        listening = attrs.evolve(endpoint, relay=cast(Any, ListeningRelay(failing, endpoint.relay)))
        queue = InMemoryQueue()  # which cannot tell: the worker waits on the relay's alone
        worker = Worker([listening], queue, queue, WorkerSettings(10, 0.01, 3600.0, RetryPolicy()))
        working = threading.Thread(target=worker.run, daemon=True)
        with caplog.at_level("ERROR"):
            working.start()
            deadline = time.monotonic() + 10
            while failing.failures < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert working.is_alive()
            worker.stop()
            working.join(timeout=10)
        assert not working.is_alive()
        assert failing.failures >= 2  # tried again, a second later
        assert {r.getMessage() for r in caplog.records} == {
            "lost the queue or a database, trying again: connection reset by peer"
        }
