"""The in-memory queue: the same contract as the SQLite queue, for fast tests in one process."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence

import attrs

from tessera.adapters.messaging.causal_order import in_causal_order
from tessera.adapters.messaging.operations import (
    DeadLetter,
    SubscriptionStatus,
    TraceHop,
    discard_record,
)
from tessera.adapters.messaging.queue import Delivery, Listener
from tessera.application.shared.envelope import OutgoingMessage


@attrs.define
class _Slot:
    """One message in one subscription."""

    id: int
    subscription: str
    message: OutgoingMessage
    available_at: float
    state: str = "ready"
    attempts: int = 0
    lease_until: float | None = None
    delivered_at: float | None = None
    handled_at: float | None = None
    error: str | None = None
    dead_at: float | None = None
    replays: int = 0
    discarded: str | None = None

    def ready_at(self, now: float) -> bool:
        leased = self.lease_until is not None and self.lease_until > now
        return self.state == "ready" and self.available_at <= now and not leased

    def delivery(self) -> Delivery:
        m = self.message
        return Delivery(self.subscription, self.id, m.id, m.type, m.body, self.attempts)

    def dead_letter(self) -> DeadLetter:
        m = self.message
        return DeadLetter(
            self.subscription,
            m.id,
            m.type,
            self.error or "",
            self.attempts,
            self.dead_at or 0.0,
            m.subject,
        )

    def hop(self) -> TraceHop:
        return _hop(self.message, self)


def _hop(message: OutgoingMessage, slot: _Slot | None) -> TraceHop:
    m = message
    return TraceHop(
        m.id,
        m.type,
        m.source,
        m.subject,
        m.correlation_id,
        m.causation_id,
        m.written_at,
        subscription=slot.subscription if slot else None,
        state=slot.state if slot else None,
        delivered_at=slot.delivered_at if slot else None,
        handled_at=slot.handled_at if slot else None,
        replays=slot.replays if slot else 0,
        discarded=slot.discarded if slot else None,
        attempts=slot.attempts if slot else 0,
    )


class InMemoryQueue:
    """The queue of the in-memory topology, for tests: one process, nothing kept."""

    def __repr__(self) -> str:
        return "InMemoryQueue()"

    def close(self) -> None:
        """Nothing to let go of: the queue lives as long as this object."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._bindings: dict[str, set[str]] = {}
        self._ignoring: dict[str, set[str]] = {}
        self._messages: dict[str, tuple[OutgoingMessage, float]] = {}
        self._slots: dict[int, _Slot] = {}
        self._keys: set[tuple[str, str]] = set()
        self._next_id = itertools.count(1)

    def _where(self, state: str, subscriptions: Collection[str] | None = None) -> Iterator[_Slot]:
        for slot in self._slots.values():
            if slot.state == state and (
                subscriptions is None or slot.subscription in subscriptions
            ):
                yield slot

    def _ready(self, delivery: Delivery) -> _Slot | None:
        slot = self._slots.get(delivery.delivery_id)
        return slot if slot is not None and slot.state == "ready" else None

    def bind(
        self,
        subscription: str,
        sources: Collection[str],
        ignoring: Collection[str] = (),
        reacting: Collection[str] = (),
    ) -> None:
        with self._lock:
            if subscription in self._bindings:
                self._ignoring[subscription] &= set(ignoring)
            else:
                self._ignoring[subscription] = set(ignoring)
            self._bindings.setdefault(subscription, set()).update(sources)

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        now = self._clock()
        with self._lock:
            for message in messages:
                self._messages.setdefault(message.id, (message, now))
                for subscription, sources in self._bindings.items():
                    key = (subscription, message.id)
                    wanted = message.type not in self._ignoring[subscription]
                    if message.source in sources and wanted and key not in self._keys:
                        self._keys.add(key)
                        slot = _Slot(next(self._next_id), subscription, message, now)
                        self._slots[slot.id] = slot

    def listen(
        self, subscriptions: Collection[str], wake: Callable[[], None], limit: int
    ) -> Listener | None:
        """Nothing is sent: a worker asks."""
        return None

    def receive(
        self, subscription: str, limit: int, lease_seconds: float, consumer: str
    ) -> list[Delivery]:
        now = self._clock()
        with self._lock:
            taken = [s for s in self._where("ready", {subscription}) if s.ready_at(now)][:limit]
            for slot in taken:
                slot.attempts += 1
                slot.lease_until = now + lease_seconds
                slot.delivered_at = slot.delivered_at or now
            return [slot.delivery() for slot in taken]

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        self._finish(deliveries, "done")

    def ignore(self, deliveries: Sequence[Delivery]) -> None:
        self._finish(deliveries, "ignored")

    def _finish(self, deliveries: Sequence[Delivery], state: str) -> None:
        now = self._clock()
        with self._lock:
            for delivery in deliveries:
                if slot := self._ready(delivery):
                    slot.state, slot.handled_at, slot.lease_until = state, now, None

    def release(self, deliveries: Sequence[Delivery]) -> None:
        with self._lock:
            for delivery in deliveries:
                if slot := self._ready(delivery):
                    slot.lease_until, slot.attempts = None, max(slot.attempts - 1, 0)

    def retry_later(self, delivery: Delivery, delay_seconds: float, error: str) -> None:
        with self._lock:
            if slot := self._ready(delivery):
                slot.available_at = self._clock() + delay_seconds
                slot.lease_until, slot.error = None, error

    def dead_letter(self, delivery: Delivery, error: str) -> None:
        with self._lock:
            if slot := self._ready(delivery):
                slot.state, slot.error, slot.lease_until = "dead", error, None
                slot.dead_at = self._clock()

    def pending(self, subscriptions: Collection[str]) -> int:
        with self._lock:
            return sum(1 for _ in self._where("ready", subscriptions))

    def unsettled(self, correlation_id: str, subscriptions: Collection[str] | None = None) -> int:
        with self._lock:
            ready = self._where("ready", subscriptions)
            return sum(1 for slot in ready if slot.message.correlation_id == correlation_id)

    def status(self) -> list[SubscriptionStatus]:
        now = self._clock()
        with self._lock:
            report = []
            for name in sorted(self._bindings):
                ready = list(self._where("ready", {name}))
                oldest = min((s.message.written_at for s in ready), default=None)
                report.append(
                    SubscriptionStatus(
                        name,
                        ready=sum(1 for s in ready if s.ready_at(now)),
                        waiting_to_retry=sum(1 for s in ready if s.available_at > now),
                        in_flight=sum(1 for s in ready if (s.lease_until or 0.0) > now),
                        dead=sum(1 for s in self._where("dead", {name}) if not s.discarded),
                        oldest_age_seconds=None if oldest is None else max(now - oldest, 0.0),
                    )
                )
            return report

    def dead_letters(self) -> list[DeadLetter]:
        with self._lock:
            dead = [s for s in self._where("dead") if not s.discarded]
            return [slot.dead_letter() for slot in sorted(dead, key=lambda s: (s.dead_at, s.id))]

    def _dead(self, message_id: str, subscription: str | None) -> list[_Slot]:
        return [
            s
            for s in self._where("dead")
            if s.message.id == message_id
            and subscription in (None, s.subscription)
            and not s.discarded
        ]

    def replay(self, message_id: str, subscription: str | None = None) -> int:
        now = self._clock()
        with self._lock:
            dead = self._dead(message_id, subscription)
            for slot in dead:
                slot.state, slot.attempts, slot.available_at = "ready", 0, now
                slot.replays += 1
            return len(dead)

    def discard(
        self, message_id: str, reason: str, by: str, subscription: str | None = None
    ) -> int:
        record = discard_record(by, self._clock(), reason)
        with self._lock:
            dead = self._dead(message_id, subscription)
            for slot in dead:
                slot.discarded = record
            return len(dead)

    def trace(self, identifier: str) -> list[TraceHop]:
        with self._lock:
            messages = [message for message, _ in self._messages.values()]
            conversations = {
                m.correlation_id
                for m in messages
                if identifier in (m.correlation_id, m.subject, m.id)
            }
            hops: list[TraceHop] = []
            for message in (m for m in messages if m.correlation_id in conversations):
                slots = [s for s in self._slots.values() if s.message.id == message.id]
                hops += [slot.hop() for slot in slots] or [_hop(message, None)]
            return in_causal_order(hops)

    def purge(self, handled_before: float) -> int:
        with self._lock:
            for slot in [*self._where("done"), *self._where("ignored")]:
                if (slot.handled_at or 0.0) < handled_before:
                    del self._slots[slot.id]
                    self._keys.discard((slot.subscription, slot.message.id))
            in_use = {slot.message.id for slot in self._slots.values()}
            gone = [
                message_id
                for message_id, (_, published_at) in self._messages.items()
                if published_at < handled_before and message_id not in in_use
            ]
            for message_id in gone:
                del self._messages[message_id]
            return len(gone)
