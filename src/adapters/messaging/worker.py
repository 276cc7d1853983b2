"""The worker: runs the relays and consumers of some contexts, and purges what has expired."""

from __future__ import annotations

import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress

import attrs

from tessera.adapters.messaging.consumer import Consumer, ConsumeReport, logged
from tessera.adapters.messaging.operations import QueueOperations
from tessera.adapters.messaging.queue import Listener, MessageQueue
from tessera.adapters.messaging.relay import OutboxRelay
from tessera.application.shared.retry import RetryPolicy

log = logging.getLogger(__name__)

TOLD_SECONDS = 1.0
"""The longest wait between rounds of a worker that is told of new work: purges fall due
without a word, and a notification may be lost."""


@attrs.frozen
class ContextEndpoint:
    """One context's two ends of the queue: the relay of its outbox and its consumer."""

    name: str
    relay: OutboxRelay
    consumer: Consumer


@attrs.frozen
class WorkerSettings:
    batch_size: int
    poll_seconds: float
    retention_seconds: float
    retry: RetryPolicy


@attrs.define
class WorkerReport:
    relayed: int = 0
    consumed: ConsumeReport = attrs.Factory(ConsumeReport)
    purged: int = 0


class Alarm:
    """How a worker waits between rounds, in its own thread: on what its listeners watch
    (their connections' sockets) and on a socket pair of its own, which `ring` writes from
    any thread, once per round: a ring before the wait makes it return at once. The pair is
    open while the worker runs (`opened`)."""

    def __init__(self) -> None:
        self._pair: tuple[socket.socket, socket.socket] | None = None
        self._lock = threading.Lock()
        """Held to ring, to reset and to close: a ring never writes a closed socket."""
        self._rung = False

    @contextmanager
    def opened(self) -> Iterator[None]:
        pair = socket.socketpair()
        for end in pair:
            end.setblocking(False)
        self._pair = pair
        try:
            yield
        finally:
            with self._lock:
                self._pair = None
                for end in pair:
                    end.close()

    def ring(self) -> None:
        with self._lock:
            if not self._rung and self._pair is not None:
                with suppress(BlockingIOError):  # full: rung already
                    self._pair[1].send(b"!")
            self._rung = True

    def reset(self) -> None:
        """At the start of a round: what rang before it is seen to by the round."""
        with self._lock:
            if self._rung and self._pair is not None:
                with suppress(BlockingIOError):
                    while self._pair[0].recv(512):
                        pass
            self._rung = False

    def wait(self, listeners: Sequence[Listener], seconds: float) -> None:
        """Until rung, or until a listener's socket is readable (what it watches is then
        taken in), or for `seconds` at most."""
        watched: dict[int, list[Listener]] = {}
        for listener in listeners:
            descriptor = listener.fileno()
            if descriptor is not None and descriptor >= 0:
                watched.setdefault(descriptor, []).append(listener)
        with selectors.DefaultSelector() as selector:
            for descriptor, sharing in watched.items():
                selector.register(descriptor, selectors.EVENT_READ, sharing)
            if self._pair is not None:
                selector.register(self._pair[0], selectors.EVENT_READ, [])
            try:
                ready = selector.select(seconds)
            except (OSError, ValueError):  # a socket closed meanwhile: a round will tell
                return
        for key, _ in ready:
            for listener in key.data:
                listener.take_in()


class Worker:
    def __init__(
        self,
        endpoints: Sequence[ContextEndpoint],
        queue: MessageQueue,
        operations: QueueOperations,
        settings: WorkerSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.endpoints = list(endpoints)
        self._queue = queue
        self._operations = operations
        self._settings = settings
        self._clock = clock
        self._stop = threading.Event()
        self._alarm = Alarm()
        """Rung by `stop`, and by the queue when messages arrive otherwise than through what
        the worker waits on: the wait between rounds ends early."""
        self._next_purge = 0.0
        self.report = WorkerReport()
        self._retried: set[str] = set()
        """The conversations whose messages wait for a retry, since `drain` began."""

    def stop(self) -> None:
        """Finish the message in hand, give back the rest, and return from `run`."""
        self._stop.set()
        self._alarm.ring()

    def run_once(self) -> int:
        """One round: relay every outbox, then let every consumer take one batch and relay at
        once what that batch caused, so that the next context can take it in the same round."""
        work = sum(self._relay(endpoint) for endpoint in self.endpoints)
        for endpoint in self.endpoints:
            if self._stop.is_set():
                break
            consumed = endpoint.consumer.consume(self._settings.batch_size, self._stop.is_set)
            self.report.consumed.add(consumed)
            self._retried |= consumed.retried_conversations
            work += consumed.work_done
            if consumed.handled:
                work += self._relay(endpoint)
        return work

    def _relay(self, endpoint: ContextEndpoint) -> int:
        relayed = endpoint.relay.relay()
        self.report.relayed += relayed
        return relayed

    def drain(self) -> set[str]:
        """Deliver everything that is ready now; retries due later are left for later. The
        conversations whose messages wait for a retry after it."""
        self._retried = set()
        while self.run_once():
            pass
        return self._retried

    def idle(self) -> bool:
        """Nothing left to send, and nothing left to handle now or after a retry."""
        subscriptions = [endpoint.consumer.subscription for endpoint in self.endpoints]
        backlog = sum(endpoint.relay.backlog() for endpoint in self.endpoints)
        return backlog == 0 and self._queue.pending(subscriptions) == 0

    @property
    def contexts(self) -> str:
        return ",".join(endpoint.name for endpoint in self.endpoints)

    def run(self, until_idle: bool = False) -> WorkerReport:
        """Work until stopped, or until idle when `until_idle`.

        A worker that runs until stopped outlives a queue or database it cannot reach: it
        says so, keeps trying, and says when it can go on. Until idle (a command delivering
        what it caused), such a failure is the command's own, and is raised."""
        settings = self._settings
        log.info(
            "started on %r: batch %d, poll %g s", self._queue, settings.batch_size,
            settings.poll_seconds,
            extra=logged(self.contexts, "start", queue=repr(self._queue),
                         batch_size=settings.batch_size, poll_seconds=settings.poll_seconds),
        )  # fmt: skip
        listeners: list[Listener | None] = []
        try:
            if not until_idle:  # a run until idle is over before a notification would matter
                self._listen(listeners)
            told = bool(listeners) and None not in listeners
            with self._alarm.opened():
                self._run(until_idle, [each for each in listeners if each is not None], told)
        finally:  # what listens is closed, even where the last of them refused to listen
            for listener in listeners:
                if listener is not None:
                    listener.close()
        report = self.report
        log.info(
            "stopped: relayed %d, handled %d, retried %d, dead-lettered %d", report.relayed,
            report.consumed.handled, report.consumed.retried, report.consumed.dead_lettered,
            extra=logged(self.contexts, "stop", relayed=report.relayed,
                         **attrs.asdict(report.consumed), purged=report.purged),
        )  # fmt: skip
        return report

    def _listen(self, listeners: list[Listener | None]) -> None:
        """Be told, where the outboxes and the queue can tell, when there is work: each
        relay when its context writes its outbox, the consumers when the queue sends them
        messages; each listener joins `listeners` as it starts, None for each that cannot
        tell and must be asked."""
        subscriptions = [endpoint.consumer.subscription for endpoint in self.endpoints]
        for endpoint in self.endpoints:
            listeners.append(endpoint.relay.listen())
        for subscription in subscriptions:  # each may come on a connection of its own
            listeners.append(
                self._queue.listen([subscription], self._alarm.ring, self._settings.batch_size)
            )

    def _run(
        self, until_idle: bool, listeners: Sequence[Listener] = (), told: bool = False
    ) -> None:
        """Rounds of work; between them, a wait for the poll interval, or, where every outbox
        and the queue tell of new work (`told`), until told, or a second at most."""
        settings = self._settings
        wait = max(settings.poll_seconds, TOLD_SECONDS) if told else settings.poll_seconds
        lost: str | None = None
        while not self._stop.is_set():
            self._alarm.reset()
            try:
                self._purge_when_due()
                worked = self.run_once()
                self._retried.clear()  # only a drain asks which conversations wait
                idle = not worked and until_idle and self.idle()
                if lost is not None:
                    log.info(
                        "regained the queue and the databases",
                        extra=logged(self.contexts, "connection_regained"),
                    )
                    lost = None
                if not worked and not idle:  # what the listeners take in may fail too
                    self._alarm.wait(listeners, wait)
            except Exception as failure:
                if until_idle:
                    raise
                if lost is None:
                    log.error(
                        "lost the queue or a database, trying again: %s", failure,
                        extra=logged(self.contexts, "connection_lost", error=str(failure)),
                    )  # fmt: skip
                lost = str(failure)
                self._stop.wait(max(settings.poll_seconds, 1.0))
                continue
            if idle:
                break

    def _purge_when_due(self) -> None:
        now = self._clock()
        if now < self._next_purge:
            return
        self._next_purge = now + min(self._settings.retention_seconds / 10, 3600.0)
        before = now - self._settings.retention_seconds
        self.report.purged += sum(endpoint.relay.purge(before) for endpoint in self.endpoints)
        self.report.purged += self._operations.purge(before)
