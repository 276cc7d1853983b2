"""RabbitMQ behind the queue port, through kombu: the scaled topology's broker.

The pieces: `topology` (what is declared, as kombu entities), `publisher` (kombu's Producer,
persistent, mandatory and confirmed a batch at a time), `consumer` (kombu's Consumer, and
reading what arrives) and `dead_letters` (an operator's tools). This module holds them on
one connection: a consumer holds what it received until it acknowledges, after its commit;
the broker gives back what a lost connection held. A connection lost while publishing is
opened again by kombu's `ensure`, once, and every subscription this process bound declared
again on it; lost at any other moment, the call says so in one line and the next call
connects again.

What the broker does not keep, the contexts do: a trace is read from their outboxes and
inboxes (`trace_from`), never from the broker's history.
"""

from __future__ import annotations

import itertools
import select
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from amqp import exceptions as amqp_errors
from kombu import exceptions as kombu_errors
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.message import Message

from tessera.adapters.messaging.kept_by_the_contexts import KeptByTheContexts
from tessera.adapters.messaging.operations import DeadLetter, SubscriptionStatus, discard_record
from tessera.adapters.messaging.queue import Delivery, Listener
from tessera.adapters.messaging.rabbitmq import dead_letters
from tessera.adapters.messaging.rabbitmq.consumer import (
    Held,
    SubscriptionConsumer,
    Vouching,
    carried_headers,
    hold,
)
from tessera.adapters.messaging.rabbitmq.frames import lenient_frames
from tessera.adapters.messaging.rabbitmq.holdings import Answering, Holding, ask, holding
from tessera.adapters.messaging.rabbitmq.publisher import ConfirmedPublisher, Outgoing
from tessera.adapters.messaging.rabbitmq.topology import (
    ATTEMPTS,
    DELIVERY_LIMIT,
    EXCHANGE,
    PUBLISHER,
    Topology,
    dead_queue,
    discarded_queue,
    main_queue,
    retry_queue,
    routing_key,
)
from tessera.adapters.persistence.database import StorageUnavailable, Unreachable
from tessera.application.shared.envelope import OutgoingMessage

_LOST = (
    OSError,
    socket.timeout,
    amqp_errors.ConnectionError,
    amqp_errors.ChannelError,
    kombu_errors.OperationalError,
    amqp_errors.RecoverableConnectionError,
)
CONNECT = {"max_retries": 0}
"""kombu's retry policy for opening the connection: one try; the caller decides when to try
again, and the wait stays the connect timeout's."""
PUBLISH = {"max_retries": 1, "interval_start": 0}
"""kombu's retry policy for publishing: a connection found lost is opened again once, at once."""


class Refused(StorageUnavailable):
    """The broker refused this process's user or password: trying again will not help."""


def _readable(sock: socket.socket | None) -> bool:
    """Whether the broker's connection has something to read: on the socket, or decrypted
    already and waiting in TLS's buffer. Unknown (no socket): read, and let it say."""
    if sock is None:
        return True
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):  # closed meanwhile: reading says how
        return True


class _Listening:
    """A worker's standing consumers, and what it waits on between rounds: the connection's
    socket, and once it is readable, what the broker sent is taken in (each message kept for
    `receive`). A message that arrives while the process does something else with the
    connection (awaits a confirmation, acknowledges, or another worker of the process reads
    it) leaves nothing on the socket: keeping it calls `wake`."""

    def __init__(
        self,
        queue: RabbitQueue,
        wake: Callable[[], None],
        limit: int,
        subscriptions: Collection[str],
    ) -> None:
        self.wake = wake
        self.limit = limit
        self.subscriptions = list(subscriptions)
        self._queue = queue

    def fileno(self) -> int | None:
        watched = self._queue._socket
        if watched is None:
            return None
        if isinstance(watched, ssl.SSLSocket) and watched.pending():
            self.wake()  # decrypted already: the socket will not say so
        return watched.fileno()

    def take_in(self) -> None:
        self._queue._take_in()

    def close(self) -> None:
        self._queue._stop_listening(self.subscriptions)


class RabbitQueue(KeptByTheContexts):
    """The queue port on a RabbitMQ virtual host (`amqp://USER:PASS@HOST:PORT/VHOST`)."""

    def __init__(
        self,
        url: str,
        delays: Collection[float] = (),
        *,
        clock: Callable[[], float] = time.time,
        delivery_limit: int = DELIVERY_LIMIT,
        connect_timeout: float = 5.0,
        publishers: Mapping[str, str] | None = None,
    ) -> None:
        """`delays` are the retry policy's: a delay queue is declared for each. `publishers`
        names the broker user of each context, where every context has its own: a message is
        then believed only as its context's user's; without them, only as this URL's user's."""
        self._url = url
        self._vouching = Vouching(Connection(url).userid or "", dict(publishers or {}))
        self._topology = Topology(
            tuple(sorted({round(delay, 3) for delay in delays})),
            delivery_limit,
            administrator=not self._vouching.for_a_context,
        )
        self._clock = clock
        self._connect_timeout = connect_timeout
        self._lock = threading.RLock()
        self._connection: Connection | None = None
        self._socket: socket.socket | None = None
        self._publisher: ConfirmedPublisher | None = None
        self._publish: Callable[[Sequence[Outgoing]], None] | None = None
        self._declared = False
        """Whether the topology was declared on the connection as it is."""
        self._bound: dict[str, set[str]] = {}
        self._ignoring: dict[str, set[str]] = {}
        self._reacting: dict[str, set[str]] = {}
        self._consumers: dict[str, SubscriptionConsumer] = {}
        self._held: dict[int, Held] = {}
        self._ids = itertools.count(1)
        self._id = uuid.uuid4().hex
        """This process's queue, as its answers to a status request name it."""
        self._answering: Answering | None = None
        self._listening: dict[str, _Listening] = {}
        """Who listens to each subscription listened to: a worker of this process."""

    def __repr__(self) -> str:
        shown = Connection(self._url).as_uri(include_password=False)
        return f"RabbitQueue({shown!r})"

    # -- the connection ---------------------------------------------------------------------

    @contextmanager
    def _broker(self, reading: bool = False) -> Iterator[Connection]:
        """The connection, opened if it was not, and the topology declared on it before the
        first change (`reading` declares nothing: a query creates nothing, on the broker
        either); a connection lost meanwhile is dropped, with everything it held, and
        reported in one line."""
        with self._lock:
            try:
                connection = self._connected()
            except _LOST as error:
                self._drop()
                raise Unreachable(f"cannot reach the broker {self!r}: {error}") from None
            try:
                if not reading and not self._declared:
                    self._declare_all(connection.default_channel)
                yield connection
            except amqp_errors.NotFound as error:
                self._drop()
                raise StorageUnavailable(
                    f"the broker {self!r} lacks what Tessera declares ({error}); is the shop"
                    " set up? 'tessera db setup' declares its queues"
                ) from None
            except _LOST as error:
                self._drop()
                raise StorageUnavailable(f"lost the broker {self!r}: {error}") from None

    def _connected(self) -> Connection:
        if self._connection is not None:
            try:  # take in what has come: a broker that closed the connection has said so
                self._pump(self._connection)
                return self._connection
            except _LOST:
                self._drop()
        connection = Connection(
            self._url,
            connect_timeout=self._connect_timeout,
            transport_options={"frame_handler": lenient_frames},
        )
        try:
            connection.ensure_connection(**CONNECT)
        except amqp_errors.AccessRefused as error:
            raise Refused(f"the broker {self!r} refused the login: {error.reply_text}") from None
        self._connection = connection
        self._socket = connection.connection.sock
        self._publisher = ConfirmedPublisher(connection, self._vouching.user, repr(self))
        self._publish = connection.ensure(
            self._publisher, self._publisher.send, on_revive=self._revived, **PUBLISH
        )
        return connection

    def _revived(self, channel: Any) -> None:
        """kombu opened the connection again: what the lost one held the broker gives back,
        and this process's subscriptions are declared again before the publish is retried."""
        self._forget()
        self._socket = self._connection.connection.sock  # type: ignore[union-attr]
        self._declare_all(channel)

    def _declare_all(self, channel: Any) -> None:
        self._topology.declare_shared(channel)
        for subscription, sources in self._bound.items():
            self._topology.declare(channel, subscription, sources, self._reacting[subscription])
        self._declared = True

    def _forget(self) -> None:
        """What the connection held: its consumers, and what they were sent and not settled."""
        self._declared = False
        self._answering = None
        self._held.clear()
        self._consumers.clear()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self._socket = None
        self._publisher = self._publish = None
        self._forget()
        if connection is not None:
            with suppress(Exception):  # it is lost already; nothing to tell
                connection.release()

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _take_in(self) -> None:
        """What the broker sent, taken in for whoever listens; a lost connection is dropped
        (the next use of the queue opens another and says so)."""
        with self._lock:
            if self._connection is None:
                return
            try:
                self._pump(self._connection)
            except _LOST:
                self._drop()

    def _pump(self, connection: Connection) -> None:
        """Take in what the broker has sent, without waiting for more. Asking the socket
        first costs one system call; asking py-amqp to read with no wait costs a timeout
        raised through kombu, and most calls find nothing."""
        while _readable(self._socket):
            try:
                connection.drain_events(timeout=0)
            except TimeoutError:
                return

    def _send(self, batch: Sequence[Outgoing]) -> None:
        assert self._publish is not None
        self._publish(batch)

    # -- the port ---------------------------------------------------------------------------

    def bind(
        self,
        subscription: str,
        sources: Collection[str],
        ignoring: Collection[str] = (),
        reacting: Collection[str] = (),
    ) -> None:
        """Declared now if the broker is there, else when it is next reached: the queue is
        bound by the `reacting` types alone. A type it ignores that arrives anyway (another
        process's binding, during a rollout) is acknowledged at once."""
        with self._lock:
            if subscription in self._bound:  # ignored only if every consumer here ignores it
                self._ignoring[subscription] &= set(ignoring)
            else:
                self._ignoring[subscription] = set(ignoring)
            self._bound.setdefault(subscription, set()).update(sources)
            self._reacting.setdefault(subscription, set()).update(reacting)
            if self._connection is not None and self._declared:
                with self._broker() as connection:
                    self._topology.declare(
                        connection.default_channel, subscription, sources,
                        self._reacting[subscription],
                    )  # fmt: skip

    def bindings(self) -> dict[str, set[str]]:
        """Each subscription this process bound, and the sources it listens to."""
        return {subscription: set(sources) for subscription, sources in self._bound.items()}

    def ignored(self) -> dict[str, set[str]]:
        return {subscription: set(types) for subscription, types in self._ignoring.items()}

    def reacting(self) -> dict[str, set[str]]:
        """Each subscription this process bound, and the types it binds its queue by."""
        return {subscription: set(types) for subscription, types in self._reacting.items()}

    def declare(self, unread: Collection[str] = ()) -> None:
        """Reach the broker and declare everything bound so far (`tessera db setup`); an
        administrator also routes the `unread` types (no context of the shop reacts to them)
        to the sink, and no other."""
        with self._broker() as connection:
            if self._topology.administrator:
                read = set().union(*self._reacting.values()) - set(unread)
                self._topology.route_to_sink(connection.default_channel, unread, read)

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if not messages:
            return
        with self._broker():
            self._send([
                Outgoing(EXCHANGE, routing_key(message.source, message.type), message.body,
                         message.id, message.correlation_id, {
                    "type": message.type, "source": message.source, "subject": message.subject,
                    "causation_id": message.causation_id or "", "written_at": message.written_at,
                    ATTEMPTS: 0,
                })
                for message in messages
            ])  # fmt: skip

    def _consumer(self, connection: Connection, subscription: str) -> SubscriptionConsumer:
        if subscription not in self._bound:
            raise StorageUnavailable(f"no subscription {subscription} is bound")
        if subscription not in self._consumers:
            queue = Queue(main_queue(subscription), no_declare=True)
            self._consumers[subscription] = SubscriptionConsumer(connection, queue)
        return self._consumers[subscription]

    def receive(
        self, subscription: str, limit: int, lease_seconds: float, consumer: str
    ) -> list[Delivery]:
        """Up to `limit` messages, taken on the subscription's own channel: this process
        holds only what it took, at most a batch. A listening worker takes what its standing
        consumer was sent; any other process, if the queue says some are ready, takes them
        with a consumer cancelled at once (a standing one would hold messages for a process
        that has stopped asking). The lease is the connection's: what it held when lost is
        handed out again."""
        with self._broker() as connection:
            taking = self._consumer(connection, subscription)
            if listening := self._listening.get(subscription):
                if not taking.standing:
                    taking.stand(listening.limit, listening.wake)
                    self._answer_status(connection, subscription)
                    self._pump(connection)
                taken, taking.sent = taking.sent[:limit], taking.sent[limit:]
                return self._holding(subscription, taken)
            ready = taking.ready()
            if not ready:  # asking costs the broker less than a consumer that finds nothing
                return []
            return self._holding(subscription, taking.take(min(limit, ready)))

    def _holding(self, subscription: str, messages: Sequence[Message]) -> list[Delivery]:
        """The deliveries of the messages taken; one of a type the subscription ignores is
        acknowledged at once."""
        deliveries = []
        for message in messages:
            event_type = message.headers.get("type")
            if isinstance(event_type, str) and event_type in self._ignoring[subscription]:
                message.ack()
                continue
            delivery_id = next(self._ids)
            self._held[delivery_id], delivery = hold(
                message, subscription, delivery_id, self._vouching
            )
            deliveries.append(delivery)
        return deliveries

    def _answer_status(self, connection: Connection, subscription: str) -> None:
        """Answer status requests while this process listens (once per connection). A user
        not granted the status key (set up by an earlier release) cannot: its consumers
        then go unanswered for, and `messages status` shows their holdings as unknown."""
        if self._answering is not None:
            return
        name = f"{main_queue(subscription)}.status.{self._id}"
        with suppress(amqp_errors.AccessRefused, amqp_errors.NotFound):  # its channel closed
            self._answering = Answering(connection, name, self._id, self._holdings)

    def _holdings(self, subscriptions: Collection[str] | None = None) -> dict[str, Holding]:
        """What this process holds unacknowledged of each subscription it listens to (or of
        `subscriptions`): taken and not settled, or sent to its consumer and not taken."""
        chosen = self._listening.keys() if subscriptions is None else subscriptions
        written: dict[str, list[object]] = {s: [] for s in chosen}
        for held in self._held.values():
            if held.subscription in written:
                written[held.subscription].append(held.headers.get("written_at"))
        for subscription, taking in self._consumers.items():
            if subscription in written:
                written[subscription] += [m.headers.get("written_at") for m in taking.sent]
        return {s: holding(times) for s, times in written.items()}

    def listen(
        self, subscriptions: Collection[str], wake: Callable[[], None], limit: int
    ) -> Listener | None:
        """A standing consumer per subscription, allowed `limit` unacknowledged messages
        (prefetch), for as long as the worker runs: the broker sends each message as it
        becomes ready, and the worker waits on the connection's socket. An idle worker asks
        the broker nothing.

        Only a worker that runs until stopped listens: a process that drained once and stopped
        asking (a command) would otherwise sit on what it was sent (decision 26)."""
        with self._lock:
            unknown = set(subscriptions) - set(self._bound)
            if unknown:
                raise StorageUnavailable(f"no subscription {', '.join(sorted(unknown))} is bound")
            if twice := sorted(set(subscriptions) & set(self._listening)):
                raise ValueError(
                    f"a worker of this process listens to {', '.join(twice)} already: run"
                    " another worker of a context in a process of its own"
                )
            listening = _Listening(self, wake, limit, subscriptions)
            for subscription in subscriptions:
                self._listening[subscription] = listening
            return listening

    def _stop_listening(self, subscriptions: Collection[str]) -> None:
        """Cancel the subscriptions' consumers and give back, untried, what they were sent and
        not taken."""
        with self._lock:
            for subscription in subscriptions:
                del self._listening[subscription]
            if self._connection is None:
                return  # the broker gave back what the lost connection held
            try:
                standing = [
                    (subscription, self._consumers[subscription])
                    for subscription in subscriptions
                    if subscription in self._consumers
                ]
                for _, taking in standing:
                    taking.sit_down()
                if not self._listening and (answering := self._answering) is not None:
                    self._answering = None
                    answering.close()
                self._pump(self._connection)  # what came before the cancellations were confirmed
                left = []
                for subscription, taking in standing:
                    left += self._holding(subscription, taking.sent)
                    taking.sent = []
                self.release(left)
            except (*_LOST, StorageUnavailable):
                self._drop()  # the broker gives back what the connection held

    def _settled(self, deliveries: Sequence[Delivery]) -> list[Held]:
        """What this process holds of `deliveries`, no longer held; one the connection that
        held it lost is not there: the broker hands it out again."""
        found = (self._held.pop(delivery.delivery_id, None) for delivery in deliveries)
        return [held for held in found if held is not None]

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        with self._broker():
            by_channel: dict[int, list[Held]] = {}
            for held in self._settled(deliveries):
                by_channel.setdefault(id(held.message.channel), []).append(held)
            for helds in by_channel.values():
                self._acknowledge(helds)

    def _acknowledge(self, helds: list[Held]) -> None:
        """One acknowledgement for a batch (`multiple`, up to its last) where the channel
        holds nothing else before that one: a quorum queue writes each acknowledgement to
        its log. Else one each."""
        channel = helds[0].message.channel
        last = max(helds, key=lambda held: int(held.message.delivery_tag))
        before = [
            h.message.delivery_tag for h in self._held.values() if h.message.channel is channel
        ]
        before += [
            message.delivery_tag
            for taking in self._consumers.values()
            if taking.channel is channel
            for message in taking.sent
        ]
        if len(helds) > 1 and all(tag > last.message.delivery_tag for tag in before):
            last.message.ack(multiple=True)
        else:
            for held in helds:
                held.message.ack()

    def ignore(self, deliveries: Sequence[Delivery]) -> None:
        self.ack(deliveries)

    def release(self, deliveries: Sequence[Delivery]) -> None:
        """Put back untried: sent again to the end of its queue with its attempts as they
        were (the broker's own requeue would count one more), then acknowledged."""
        with self._broker():
            for delivery in deliveries:
                self._resend(delivery, main_queue(delivery.subscription), delivery.attempts - 1)

    def retry_later(self, delivery: Delivery, delay_seconds: float, error: str) -> None:
        with self._broker() as connection:
            delay = round(delay_seconds, 3)
            if delay not in self._topology.delays:  # a delay the policy given at start did not
                self._topology = Topology(  # have: every subscription gets it, as a reconnect
                    tuple(sorted({*self._topology.delays, delay})),  # would declare it
                    self._topology.delivery_limit, self._topology.administrator,
                )  # fmt: skip
                self._declare_all(connection.default_channel)
            queue = retry_queue(delivery.subscription, delay)
            self._resend(delivery, queue, delivery.attempts, {"error": error[:1000]})

    def dead_letter(self, delivery: Delivery, error: str) -> None:
        with self._broker():
            extra = {
                "error": error[:1000], "dead_at": self._clock(),
                "subscription": delivery.subscription, "attempts": delivery.attempts,
            }  # fmt: skip
            self._resend(delivery, dead_queue(delivery.subscription), delivery.attempts, extra)

    def _resend(
        self, delivery: Delivery, queue: str, attempts: int, extra: dict[str, Any] | None = None
    ) -> None:
        """A copy to `queue` (confirmed), then the original acknowledged: a crash between the
        two delivers it twice, which the consumer's inbox makes harmless."""
        held = self._held.get(delivery.delivery_id)
        if held is None:
            return  # the connection that held it is gone: the broker hands it out again
        headers = carried_headers(held.headers)
        headers |= (extra or {}) | {ATTEMPTS: attempts}
        headers.pop(PUBLISHER, None)
        if held.publisher is not None:
            headers[PUBLISHER] = held.publisher
        self._send([
            Outgoing("", queue, held.body, held.message_id, held.correlation_id, headers)
        ])  # fmt: skip
        for original in self._settled([delivery]):  # unless the publish had to reconnect
            original.message.ack()

    def pending(self, subscriptions: Collection[str]) -> int:
        """Ready in the broker, waiting for a retry, or taken by this process and not yet
        acknowledged; not what other processes hold (the protocol does not tell)."""
        with self._broker(reading=True) as connection:
            channel = connection.default_channel
            total = 0
            for subscription in subscriptions:
                queues = [main_queue(subscription)]
                queues += [retry_queue(subscription, d) for d in self._topology.delays]
                total += sum(_count(channel, queue) for queue in queues)
            total += sum(1 for held in self._held.values() if held.subscription in subscriptions)
            total += sum(
                len(self._consumers[s].sent) for s in subscriptions if s in self._consumers
            )
            return total

    # -- operations -------------------------------------------------------------------------

    def status(self) -> list[SubscriptionStatus]:
        """Per subscription: ready, waiting for a retry, dead, from the broker; in flight, as
        the workers holding them answer (unknown where a consumer the broker counts did not
        answer); the oldest message's age where every message not dead is held by a worker
        or this process (the broker does not tell the age of one that waits in a queue)."""
        with self._broker(reading=True) as connection:
            channel = connection.default_channel
            counted, others = {}, {}
            for subscription in sorted(self._bound):
                ready, consumers = _counts(channel, main_queue(subscription))
                waiting = sum(
                    _count(channel, retry_queue(subscription, delay))
                    for delay in self._topology.delays
                )
                counted[subscription] = (ready, waiting, _count(channel, dead_queue(subscription)))
                taking = self._consumers.get(subscription)
                others[subscription] = consumers - (taking is not None and taking.standing)
            try:
                answers = ask(connection, others, self._id)
            except (amqp_errors.AccessRefused, amqp_errors.NotFound):
                answers = dict.fromkeys(counted)  # this user may not ask; the channel is closed
            own = self._holdings(counted)
        now = self._clock()
        found = []
        for subscription, (ready, waiting, dead) in counted.items():
            answered = answers[subscription]
            held = None if answered is None else answered + own[subscription]
            oldest = None
            if held is not None and held.oldest_written_at is not None and not ready + waiting:
                oldest = max(now - held.oldest_written_at, 0.0)
            in_flight = None if held is None else held.in_flight
            found.append(SubscriptionStatus(subscription, ready, waiting, in_flight, dead, oldest))
        return found

    def dead_letters(self) -> list[DeadLetter]:
        with self._broker(reading=True) as connection:
            return dead_letters.dead_letters(connection, self._bound)

    def replay(self, message_id: str, subscription: str | None = None) -> int:
        return self._move_dead(message_id, subscription, main_queue, dead_letters.replayed)

    def discard(
        self, message_id: str, reason: str, by: str, subscription: str | None = None
    ) -> int:
        record = discard_record(by, self._clock(), reason)
        return self._move_dead(
            message_id,
            subscription,
            discarded_queue,
            lambda headers: headers | {"discarded": record},
        )

    def _move_dead(
        self,
        message_id: str,
        subscription: str | None,
        to: Callable[[str], str],
        headers: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> int:
        chosen = [s for s in self._bound if subscription in (None, s)]
        with self._broker(reading=True) as connection:
            assert self._publisher is not None
            return dead_letters.move_dead(
                connection, self._publisher, self._vouching, message_id, chosen, to, headers
            )


def _count(channel: Any, queue: str) -> int:
    return _counts(channel, queue)[0]


def _counts(channel: Any, queue: str) -> tuple[int, int]:
    """The queue's ready messages and its consumers, as the broker counts them."""
    _, count, consumers = Queue(queue, no_declare=True)(channel).queue_declare(passive=True)
    return int(count), int(consumers)
