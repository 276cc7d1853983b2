"""RabbitMQ behind the queue port, through kombu (py-amqp): the scaled topology's broker.

Topology, all durable, in the URL's virtual host:
- `tessera`, a topic exchange; a message is published with routing key `<source>.<type>`.
  Each subscription's queue is bound to it by the key of every type its context reacts to,
  and by nothing else: a message reaches only the contexts that react to its type.
- `tessera.ignored`, a queue that keeps nothing, bound by the administrator with `#`: a
  message no subscription binds is routed there and dropped, rather than returned.
- `tessera.<subscription>`, a quorum queue with an explicit delivery limit: a message the
  broker handed out that often (consumers that died holding it) goes to the subscription's
  dead-letter queue.
- `tessera.<subscription>.retry.<ms>`, one per delay of the retry policy: a message waits
  there for its delay (message TTL) and is dead-lettered back to the subscription's queue.
- `tessera.<subscription>.dead`, the dead letters, with their reason in their headers;
  `tessera.<subscription>.discarded`, those an operator closed for good, with who, when, why.

Publishing is persistent, mandatory and confirmed: `publish` returns only once the broker
has every message, and one that reaches no queue, not even the sink, is an error (the relay
keeps it unsent). A consumer holds what it received until it acknowledges, after its commit; the
broker gives back what a lost connection held. A lost connection is opened again by the next
call, and every subscription this process bound is declared again.

What the broker does not keep, the contexts do: a trace is read from their outboxes and
inboxes (`trace_from`), never from the broker's history.
"""

from __future__ import annotations

import itertools
import logging
import re
import select
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import attrs
from amqp import Message
from amqp import exceptions as amqp_errors
from kombu import exceptions as kombu_errors
from kombu.connection import Connection
from kombu.entity import Exchange

from tessera.adapters.messaging.kept_by_the_contexts import KeptByTheContexts
from tessera.adapters.messaging.operations import DeadLetter, SubscriptionStatus, discard_record
from tessera.adapters.messaging.queue import Delivery, Listener
from tessera.adapters.persistence.database import StorageUnavailable, Unreachable
from tessera.application.shared.envelope import MAX_MESSAGE_BYTES, STRUCTURED, OutgoingMessage
from tessera.application.shared.integration import publisher_of

log = logging.getLogger(__name__)

EXCHANGE = "tessera"
IGNORED = "tessera.ignored"
"""The queue that keeps nothing: where a message no subscription binds is routed."""
DELIVERY_LIMIT = 20
"""How often the broker hands out one message before it dead-letters it: a consumer that
dies on a message over and over must not stop its subscription for good. Stated here, never
the broker's default."""
ATTEMPTS = "x-tessera-attempts"
PUBLISHER = "publisher"
"""The header a copy sent on carries: the context its original was believed from."""
GET_AT_MOST = 2
"""Up to this many ready messages are asked for one by one; more are streamed."""
STREAM_SECONDS = 0.05
"""How long a batch waits for the ready messages it was told of (others may take some)."""
CONFIRM_SECONDS = 30.0
"""How long the broker has to confirm what it was sent, before the relay tries again."""
MAX_ATTEMPTS = 1000
"""The most attempts a message's header may count; a larger count is not Tessera's."""
LIMIT_REACHED = "handed out too often: the broker's delivery limit was reached"
_LOST = (
    OSError,
    socket.timeout,
    amqp_errors.ConnectionError,
    amqp_errors.ChannelError,
    kombu_errors.OperationalError,
    amqp_errors.RecoverableConnectionError,
)


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


class Refused(StorageUnavailable):
    """The broker refused this process's user or password: trying again will not help."""


class Unroutable(StorageUnavailable):
    """The broker could route a message to no queue, not even the sink: the shop is not set up."""


@attrs.frozen
class BrokerGrants:
    """What a context's broker user may do, as RabbitMQ's regular expressions: configure,
    write and read its resources (`rabbitmqctl set_permissions`), and, on the exchange
    `tessera`, the routing keys it may publish and bind (`set_topic_permissions`)."""

    configure: str
    write: str
    read: str
    publish: str
    bind: str


def broker_grants(context: str, reads: Mapping[str, str]) -> BrokerGrants:
    """Its own subscription's queues; publishing to the shop's exchange under its own name
    only; copies sent on to its own queues (the default exchange); binding only the types
    it reacts to (`reads`: each event type and the context that publishes it; any version
    of each), so that no other message can reach it. Nothing of another context's."""
    own = rf"tessera\.{re.escape(context)}(\..+)?"
    families = {routing_key(source, t.rsplit(".", 1)[0]) for t, source in reads.items()}
    keys = [rf"{re.escape(family)}\.v[0-9]+" for family in sorted(families)]
    return BrokerGrants(
        configure=f"^{own}$",
        write=rf"^({EXCHANGE}|amq\.default|{own})$",
        read=rf"^({EXCHANGE}|{own})$",
        publish=rf"^{re.escape(context)}\.",
        bind=f"^({'|'.join(keys)})$" if keys else "(?!)",
    )


def routing_key(source: str, event_type: str) -> str:
    """The key a message of `event_type` is published with, and its subscriptions bound by."""
    return f"{source}.{event_type}"


def main_queue(subscription: str) -> str:
    return f"tessera.{subscription}"


def _retired_exchanges(subscription: str) -> tuple[str, str]:
    """How an earlier release routed a subscription: an exchange bound by every type of its
    sources, and one for the types it did not know."""
    return f"tessera.{subscription}.in", f"tessera.{subscription}.unknown"


def dead_queue(subscription: str) -> str:
    return f"tessera.{subscription}.dead"


def discarded_queue(subscription: str) -> str:
    return f"tessera.{subscription}.discarded"


def retry_queue(subscription: str, delay_seconds: float) -> str:
    return f"tessera.{subscription}.retry.{round(delay_seconds * 1000)}"


@attrs.define
class _Held:
    """A message this process took and has not acknowledged or given back, on its channel."""

    generation: int
    channel: Any
    tag: int
    subscription: str
    headers: dict[str, Any]
    correlation_id: str | None
    message_id: str
    body: bytes
    """As it came: a copy sent on (retried, dead-lettered) carries the very same bytes."""
    publisher: str | None = None
    """The context the broker vouches published it, carried on with every copy."""


@attrs.define
class _Browsed:
    headers: dict[str, Any]
    properties: dict[str, Any]
    body: bytes
    delivery_tag: int


def _read(body: bytes, headers: dict[str, Any], message_id: object) -> tuple[str, int, str | None]:
    """A message's body as text and the attempts it has had, and why it cannot be read
    (None if it can): too large, not UTF-8, no id, or a header of Tessera's that is not
    what Tessera writes."""
    attempts = headers.get(ATTEMPTS, 0)
    if len(body) > MAX_MESSAGE_BYTES:
        return "", 1, f"larger than {MAX_MESSAGE_BYTES:,} bytes ({len(body):,})"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return "", 1, f"the body is not UTF-8 text (byte {error.start})"
    if not isinstance(message_id, str) or not message_id:
        return text, 1, "it has no message_id (its CloudEvent id)"
    if type(attempts) is not int or not 0 <= attempts <= MAX_ATTEMPTS:
        return (
            text,
            1,
            f"header {ATTEMPTS} is not a count from 0 to {MAX_ATTEMPTS}: {_shown(attempts)}",
        )
    if not isinstance(headers.get("type", ""), str):
        return text, attempts + 1, f"header type is not text: {_shown(headers['type'])}"
    return text, attempts + 1, None


def _shown(value: object, at_most: int = 200) -> str:
    """A value from the wire as one line a person can read: bytes decoded where they are
    UTF-8 and escaped where not, control characters escaped, cut at `at_most`."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "backslashreplace")
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= at_most else f"{text[:at_most]}…"


def _header_count(value: object) -> int:
    """A count from a header written by Tessera, or 0 if it is not one."""
    return value if type(value) is int else 0


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
        self.limit = limit
        self.subscriptions = list(subscriptions)
        self._queue = queue
        self._wake = wake

    def keep(self, sent: list[Any]) -> Callable[[Any], None]:
        """What the consumer calls with each message sent to it."""

        def kept(message: Any) -> None:
            sent.append(message)
            self._wake()

        return kept

    def fileno(self) -> int | None:
        watched = self._queue._socket
        if watched is None:
            return None
        if isinstance(watched, ssl.SSLSocket) and watched.pending():
            self._wake()  # decrypted already: the socket will not say so
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
        self._user = Connection(url).userid or ""
        self._publishers = dict(publishers or {})
        self._speaks_for = {user: context for context, user in self._publishers.items()}
        self._delays = sorted({round(delay, 3) for delay in delays})
        self._clock = clock
        self._delivery_limit = delivery_limit
        self._connect_timeout = connect_timeout
        self._lock = threading.RLock()
        self._connection: Connection | None = None
        self._publisher: Any = None
        """The channel messages are published on, in confirm mode."""
        self._published = 0
        """Messages published on it so far: the broker confirms them by this count."""
        self._unconfirmed: set[int] = set()
        self._refused: list[str] = []
        self._returned: list[str] = []
        self._generation = 0
        self._declared = -1
        """The connection (generation) the topology was last declared on."""
        self._bound: dict[str, set[str]] = {}
        self._ignoring: dict[str, set[str]] = {}
        self._reacting: dict[str, set[str]] = {}
        self._channels: dict[str, Any] = {}
        self._held: dict[int, _Held] = {}
        self._ids = itertools.count(1)
        self._listening: dict[str, _Listening] = {}
        """Who listens to each subscription listened to: a worker of this process."""
        self._sent: dict[str, list[Any]] = {}
        """What the broker sent each subscription listened to, not yet taken by `receive`."""
        self._consuming: dict[str, str] = {}
        """The consumer tag of each subscription with a consumer on the connection as it is."""
        self._socket: socket.socket | None = None

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
                if not reading and self._declared != self._generation:
                    self._declare_all(connection)
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

    def _declare_all(self, connection: Connection) -> None:
        """What this process binds; and what every context shares (the exchange, the sink
        that takes what no subscription binds), which a context's own user only looks for:
        the administrator made them."""
        channel = connection.default_channel
        shared = self._speaks_for_a_context
        Exchange(EXCHANGE, "topic", durable=True)(channel).declare(passive=shared)
        channel.queue_declare(IGNORED, durable=True, auto_delete=False, passive=shared,
                              arguments={"x-max-length": 0})  # fmt: skip
        if not shared:
            channel.queue_bind(IGNORED, EXCHANGE, routing_key="#")
        for subscription, sources in self._bound.items():
            self._declare(channel, subscription, sources)
        self._declared = self._generation

    @property
    def _speaks_for_a_context(self) -> bool:
        return bool(self._publishers) and self._user in self._speaks_for

    def _connected(self) -> Connection:
        if self._connection is not None:
            try:  # take in what has come: a broker that closed the connection has said so
                self._pump(self._connection)
                return self._connection
            except _LOST:
                self._drop()
        connection = Connection(self._url, connect_timeout=self._connect_timeout)
        try:  # one try: the caller decides when to try again, and the wait stays the timeout's
            connection.ensure_connection(max_retries=0)
        except amqp_errors.AccessRefused as error:
            raise Refused(f"the broker {self!r} refused the login: {error.reply_text}") from None
        self._connection = connection
        self._socket = connection.connection.sock
        self._generation += 1
        publisher = connection.channel()
        publisher.confirm_select()
        publisher.events["basic_ack"].add(self._on_ack)
        publisher.events["basic_nack"].add(self._on_nack)
        publisher.events["basic_return"].add(self._on_return)
        self._publisher, self._published = publisher, 0
        self._unconfirmed.clear()
        return connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self._socket = None
        self._channels.clear()
        self._held.clear()  # the broker gives back what the lost connection held
        self._consuming.clear()
        for sent in self._sent.values():
            sent.clear()
        if connection is not None:
            with suppress(Exception):  # it is lost already; nothing to tell
                connection.release()

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _on_ack(self, tag: int, multiple: bool) -> None:
        if multiple:
            self._unconfirmed -= {each for each in self._unconfirmed if each <= tag}
        else:
            self._unconfirmed.discard(tag)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._refused.append(f"the broker refused message {tag} of this connection")
        self._on_ack(tag, multiple)

    def _on_return(self, exception: Exception, _exchange: str, key: str, message: Any) -> None:
        found = getattr(message, "properties", {}).get("message_id", "?")
        self._returned.append(f"message {found} ({key}: {exception})")

    def _declare(self, channel: Any, subscription: str, sources: Collection[str]) -> None:
        arguments = {
            "x-queue-type": "quorum",
            "x-delivery-limit": self._delivery_limit,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": dead_queue(subscription),
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }
        main = main_queue(subscription)
        channel.queue_declare(main, durable=True, auto_delete=False, arguments=arguments)
        for kept in (dead_queue(subscription), discarded_queue(subscription)):
            channel.queue_declare(kept, durable=True, auto_delete=False)
        for delay in self._delays:
            channel.queue_declare(
                retry_queue(subscription, delay), durable=True, auto_delete=False,
                arguments={
                    "x-queue-type": "quorum",
                    "x-message-ttl": round(delay * 1000),
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": main,
                    "x-dead-letter-strategy": "at-least-once",
                    "x-overflow": "reject-publish",
                },
            )  # fmt: skip
        self._declare_routes(channel, subscription, sources)

    def _declare_routes(self, channel: Any, subscription: str, sources: Collection[str]) -> None:
        """The subscription's queue bound by the key of each type of its sources that its
        consumer reacts to (every version this process knows), so that the broker hands it
        nothing else. Bindings of other processes of the subscription stay: during a rollout
        the queue receives what either version reacts to, and each ignores the other's."""
        main = main_queue(subscription)
        for event_type in sorted(self._reacting.get(subscription, ())):
            key = routing_key(publisher_of(event_type), event_type)
            channel.queue_bind(main, EXCHANGE, routing_key=key)
        for retired in _retired_exchanges(subscription):
            channel.exchange_delete(retired)
        if not self._speaks_for_a_context:  # a context's user may bind (and unbind) no more
            for source in sources:  # how a release before those exchanges bound the queue
                channel.queue_unbind(main, EXCHANGE, routing_key=f"{source}.#")

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
            if self._connection is not None and self._declared == self._generation:
                with self._broker() as connection:
                    self._declare(connection.default_channel, subscription, sources)

    def bindings(self) -> dict[str, set[str]]:
        """Each subscription this process bound, and the sources it listens to."""
        return {subscription: set(sources) for subscription, sources in self._bound.items()}

    def ignored(self) -> dict[str, set[str]]:
        return {subscription: set(types) for subscription, types in self._ignoring.items()}

    def reacting(self) -> dict[str, set[str]]:
        """Each subscription this process bound, and the types it binds its queue by."""
        return {subscription: set(types) for subscription, types in self._reacting.items()}

    def declare(self) -> None:
        """Reach the broker and declare everything bound so far (`tessera db setup`)."""
        with self._broker():
            pass

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if not messages:
            return
        with self._broker():
            self._send([
                (EXCHANGE, routing_key(message.source, message.type), message.body, {
                    "message_id": message.id,
                    "correlation_id": message.correlation_id,
                    "headers": {
                        "type": message.type, "source": message.source,
                        "subject": message.subject, "causation_id": message.causation_id or "",
                        "written_at": message.written_at, ATTEMPTS: 0,
                    },
                })
                for message in messages
            ])  # fmt: skip

    def _send(self, outgoing: Sequence[tuple[str, str, str | bytes, dict[str, Any]]]) -> None:
        """Persistent messages, all confirmed by the broker before this returns: published
        one after another, then the confirmations awaited together (one wait per batch, not
        one per message)."""
        self._returned.clear()
        self._refused.clear()
        channel = self._publisher
        for exchange, routing_key, body, properties in outgoing:
            message = Message(
                body, content_type=STRUCTURED, content_encoding="utf-8",
                delivery_mode=2, message_id=properties["message_id"], user_id=self._user,
                correlation_id=properties.get("correlation_id"),
                application_headers=properties["headers"],
            )  # fmt: skip
            channel.basic_publish(message, exchange=exchange, routing_key=routing_key,
                                  mandatory=True)  # fmt: skip
            self._published += 1
            self._unconfirmed.add(self._published)
        deadline = time.monotonic() + CONFIRM_SECONDS
        while self._unconfirmed:
            left = deadline - time.monotonic()
            if left <= 0:
                raise StorageUnavailable(
                    f"the broker {self!r} did not confirm {len(self._unconfirmed)} message(s)"
                    f" in {CONFIRM_SECONDS:.0f} s; they will be sent again"
                )
            try:
                self._connection.drain_events(timeout=left)  # type: ignore[union-attr]
            except TimeoutError:
                continue
        if self._returned:
            raise Unroutable(
                f"the broker routed {self._returned[0]} to no queue: the shop's sink is"
                " not bound ('tessera db setup' with the administrator's broker URL binds it)"
            )
        if self._refused:
            raise StorageUnavailable(f"{self._refused[0]}; it will be sent again")

    def _send_one(
        self, exchange: str, key: str, body: str | bytes, properties: dict[str, Any]
    ) -> None:
        self._send([(exchange, key, body, properties)])

    def receive(
        self, subscription: str, limit: int, lease_seconds: float, consumer: str
    ) -> list[Delivery]:
        """Up to `limit` messages, taken on the subscription's own channel: this process
        holds only what it took, at most a batch, and nothing while it does not ask (a
        standing consumer's prefetch would hold messages for a process that has stopped
        asking). The queue is asked how many are ready; if any are, they are streamed by a
        consumer limited to that many (prefetch) and cancelled at once: a few round trips a
        batch, not one a message. The lease is the connection's: what it held when lost is
        handed out again."""
        with self._broker() as connection:
            channel = self._channel(connection, subscription)
            if subscription in self._sent:
                return self._take_sent(connection, channel, subscription, limit)
            _, ready, _ = channel.queue_declare(main_queue(subscription), passive=True)
            if not ready:  # asking costs the broker less than an empty get does
                return []
            wanted = min(limit, int(ready))
            if wanted <= GET_AT_MOST:  # a get a message costs fewer round trips than a consumer
                gotten = (channel.basic_get(main_queue(subscription)) for _ in range(wanted))
                taken = [message for message in gotten if message is not None]
            else:
                taken = self._stream(connection, channel, subscription, wanted)
            return [
                delivery
                for message in taken
                if (delivery := self._hold(channel, subscription, message)) is not None
            ]

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
                self._sent[subscription] = []
            return listening

    def _take_sent(
        self, connection: Connection, channel: Any, subscription: str, limit: int
    ) -> list[Delivery]:
        """Up to `limit` of what the broker sent the subscription's consumer (started here on
        a connection that has none yet)."""
        listening = self._listening[subscription]
        if subscription not in self._consuming:
            channel.basic_qos(0, listening.limit, False)
            self._consuming[subscription] = channel.basic_consume(
                main_queue(subscription), callback=listening.keep(self._sent[subscription])
            )
            self._pump(connection)
        sent = self._sent[subscription]
        taken, sent[:] = sent[:limit], sent[limit:]
        return [
            delivery
            for message in taken
            if (delivery := self._hold(channel, subscription, message)) is not None
        ]

    def _stop_listening(self, subscriptions: Collection[str]) -> None:
        """Cancel the subscriptions' consumers and give back, untried, what they were sent and
        not taken."""
        with self._lock:
            consuming = {s: self._consuming.pop(s) for s in subscriptions if s in self._consuming}
            sent = {s: self._sent.pop(s) for s in subscriptions}
            for subscription in subscriptions:
                del self._listening[subscription]
            if self._connection is None:
                return  # the broker gave back what the lost connection held
            try:
                for subscription, tag in consuming.items():
                    self._channels[subscription].basic_cancel(tag)
                self._pump(self._connection)  # what came before the cancellations were confirmed
                left = [
                    delivery
                    for subscription, messages in sent.items()
                    for message in messages
                    if (delivery := self._hold(self._channels[subscription], subscription, message))
                ]
                self.release(left)
            except (*_LOST, StorageUnavailable):
                self._drop()  # the broker gives back what the connection held

    def _stream(
        self, connection: Connection, channel: Any, subscription: str, count: int
    ) -> list[Any]:
        """Up to `count` ready messages from a consumer that may hold no more than that,
        cancelled once they are here (or after a moment, if others took some): whatever it
        was sent before the cancellation was confirmed is this process's, and nothing else."""
        arrived: list[Any] = []
        channel.basic_qos(0, count, False)
        tag = channel.basic_consume(main_queue(subscription), callback=arrived.append)
        deadline = time.monotonic() + STREAM_SECONDS
        while len(arrived) < count and (left := deadline - time.monotonic()) > 0:
            try:
                connection.drain_events(timeout=left)
            except TimeoutError:
                break
        channel.basic_cancel(tag)
        return arrived

    def _hold(self, channel: Any, subscription: str, message: Any) -> Delivery | None:
        """The delivery of a message taken, or None if the subscription ignores its type
        (acknowledged at once). Whatever the message holds, this does not fail: what cannot be
        read is a delivery marked unreadable, for the consumer to dead-letter alone."""
        headers = dict(message.headers or {})
        tag = int(message.delivery_info["delivery_tag"])
        event_type = headers.get("type")
        if isinstance(event_type, str) and event_type in self._ignoring.get(subscription, ()):
            channel.basic_ack(tag)
            return None
        delivery_id = next(self._ids)
        given = message.properties.get("message_id")
        message_id = given if isinstance(given, str) and given else f"unnamed-{uuid.uuid4().hex}"
        correlation_id = message.properties.get("correlation_id")
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
        publisher, forged = self._vouched(message, headers)
        self._held[delivery_id] = _Held(
            self._generation, channel, tag, subscription, headers,
            correlation_id if isinstance(correlation_id, str) else None, message_id, body,
            publisher,
        )  # fmt: skip
        text, attempts, unreadable = _read(body, headers, given)
        return Delivery(
            subscription, delivery_id, message_id, _shown(event_type or ""), text, attempts,
            unreadable or forged, publisher,
        )  # fmt: skip

    def _vouched(self, message: Any, headers: dict[str, Any]) -> tuple[str | None, str | None]:
        """The context the broker vouches published a message (its validated user id), and
        why it is forged if it is. A copy this process's user sent on (a retry, a replay)
        carries the publisher it was believed from."""
        user = message.properties.get("user_id")
        shown = _shown(user) if user else "no user named"
        if message.delivery_info.get("exchange") != EXCHANGE:  # a copy, straight to a queue
            if user != self._user:
                return None, f"forged: put in this subscription's queues by {shown}"
            carried = headers.get(PUBLISHER)
            return (carried if isinstance(carried, str) else None), None
        if not self._publishers:
            if user != self._user:
                return None, f"forged: published by {shown}, not by this shop's user"
            return None, None
        speaks_for = self._speaks_for.get(user) if isinstance(user, str) else None
        if speaks_for is None:
            return None, f"forged: published by {shown}, the user of no context"
        return speaks_for, None

    def _channel(self, connection: Connection, subscription: str) -> Any:
        if subscription not in self._bound:
            raise StorageUnavailable(f"no subscription {subscription} is bound")
        if subscription not in self._channels:
            self._channels[subscription] = connection.channel()
        return self._channels[subscription]

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

    def _settle(self, deliveries: Sequence[Delivery], then: Callable[[_Held], None]) -> None:
        for delivery in deliveries:
            held = self._held.pop(delivery.delivery_id, None)
            if held is not None and held.generation == self._generation:
                then(held)
            # else: the connection that held it is gone, and the broker hands it out again

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        with self._broker():
            by_channel: dict[int, tuple[Any, list[int]]] = {}
            self._settle(
                deliveries,
                lambda held: by_channel.setdefault(id(held.channel), (held.channel, []))[1].append(
                    held.tag
                ),
            )
            for channel, tags in by_channel.values():
                self._acknowledge(channel, tags)

    def _acknowledge(self, channel: Any, tags: list[int]) -> None:
        """One acknowledgement for a batch (`multiple`, up to its last) where the channel
        holds nothing else before that one: a quorum queue writes each acknowledgement to
        its log. Else one each."""
        last = max(tags)
        held = [h.tag for h in self._held.values() if h.channel is channel]
        sent = [
            int(message.delivery_info["delivery_tag"])
            for subscription, messages in self._sent.items()
            if self._channels.get(subscription) is channel
            for message in messages
        ]
        if len(tags) > 1 and all(tag > last for tag in held + sent):
            channel.basic_ack(last, multiple=True)
        else:
            for tag in tags:
                channel.basic_ack(tag)

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
            if delay not in self._delays:  # a delay the policy given at start did not have:
                self._delays = sorted({*self._delays, delay})  # every subscription gets it,
                channel = connection.default_channel  # as a reconnect would declare it
                for subscription, sources in self._bound.items():
                    self._declare(channel, subscription, sources)
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
        if held is None or held.generation != self._generation:
            self._held.pop(delivery.delivery_id, None)
            return  # the broker hands it out again anyway
        headers = {k: v for k, v in held.headers.items() if not str(k).startswith("x-")}
        headers |= (extra or {}) | {ATTEMPTS: attempts}
        headers.pop(PUBLISHER, None)
        if held.publisher is not None:
            headers[PUBLISHER] = held.publisher
        self._send_one("", queue, held.body, {
            "message_id": held.message_id,
            "correlation_id": held.correlation_id,
            "headers": headers,
        })  # fmt: skip
        self._settle([delivery], lambda original: original.channel.basic_ack(original.tag))

    def pending(self, subscriptions: Collection[str]) -> int:
        """Ready in the broker, waiting for a retry, or taken by this process and not yet
        acknowledged; not what other processes hold (the protocol does not tell)."""
        with self._broker(reading=True) as connection:
            channel = connection.default_channel
            total = 0
            for subscription in subscriptions:
                queues = [main_queue(subscription)]
                queues += [retry_queue(subscription, delay) for delay in self._delays]
                total += sum(self._count(channel, queue) for queue in queues)
            total += sum(1 for held in self._held.values() if held.subscription in subscriptions)
            total += sum(len(self._sent.get(subscription, ())) for subscription in subscriptions)
            return total

    @staticmethod
    def _count(channel: Any, queue: str) -> int:
        _, count, _ = channel.queue_declare(queue, passive=True)
        return int(count)

    # -- operations -------------------------------------------------------------------------

    def status(self) -> list[SubscriptionStatus]:
        """Per subscription: ready, waiting for a retry, dead. What consumers hold unacknowledged
        (in flight) and the oldest message's age are the broker's to know, not the protocol's:
        they show as unknown."""
        with self._broker(reading=True) as connection:
            channel = connection.default_channel
            found = []
            for subscription in sorted(self._bound):
                ready = self._count(channel, main_queue(subscription))
                waiting = sum(
                    self._count(channel, retry_queue(subscription, delay)) for delay in self._delays
                )
                dead = self._count(channel, dead_queue(subscription))
                found.append(SubscriptionStatus(subscription, ready, waiting, None, dead, None))
            return found

    @contextmanager
    def _browsing(self, queue: str) -> Iterator[tuple[Any, list[_Browsed]]]:
        """Every message of a (classic) queue, taken unacknowledged on a channel of its own;
        whatever was not acknowledged goes back, in its place, when the channel closes."""
        with self._broker(reading=True) as connection:
            channel = connection.channel()
            try:
                found = []
                while (message := channel.basic_get(queue, no_ack=False)) is not None:
                    body = message.body
                    found.append(_Browsed(
                        dict(message.headers or {}), dict(message.properties),
                        body if isinstance(body, bytes) else str(body).encode(),
                        int(message.delivery_info["delivery_tag"]),
                    ))  # fmt: skip
                yield channel, found
            finally:
                channel.close()

    def _dead(self, subscriptions: Collection[str]) -> Iterator[tuple[str, Any, list[_Browsed]]]:
        for subscription in sorted(subscriptions):
            with self._browsing(dead_queue(subscription)) as (channel, found):
                yield subscription, channel, found

    def dead_letters(self) -> list[DeadLetter]:
        letters = []
        for subscription, _, found in self._dead(self._bound):
            for each in found:
                headers = each.headers
                dead_at = headers.get("dead_at")
                letters.append(DeadLetter(
                    subscription, _shown(each.properties.get("message_id") or ""),
                    _shown(headers.get("type", "")),
                    _shown(headers.get("error") or LIMIT_REACHED, 1000),
                    _header_count(headers.get("attempts", headers.get(ATTEMPTS))),
                    dead_at if isinstance(dead_at, float) else 0.0,
                    _shown(headers.get("subject", "")),
                ))  # fmt: skip
        return sorted(letters, key=lambda letter: letter.dead_at)

    def replay(self, message_id: str, subscription: str | None = None) -> int:
        def again(headers: dict[str, Any]) -> dict[str, Any]:
            kept = {k: v for k, v in headers.items() if k not in ("error", "dead_at", "attempts")}
            return kept | {ATTEMPTS: 0, "replays": _header_count(headers.get("replays")) + 1}

        return self._move_dead(message_id, subscription, main_queue, again)

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
        """Move a dead letter, in each subscription it died in (or the one named), to the
        queue `to(subscription)`, its headers as `headers` makes them; how many moved."""
        chosen = [s for s in self._bound if subscription in (None, s)]
        moved = 0
        for name, channel, found in self._dead(chosen):
            for each in found:
                if each.properties.get("message_id") != message_id:
                    continue
                own = {k: v for k, v in each.headers.items() if not str(k).startswith("x-")}
                # One the broker dead-lettered itself is as its publisher sent it.
                vouched = self._speaks_for.get(str(each.properties.get("user_id")))
                if PUBLISHER not in own and vouched is not None:
                    own[PUBLISHER] = vouched
                self._send_one("", to(name), each.body, {
                    "message_id": message_id,
                    "correlation_id": each.properties.get("correlation_id"),
                    "headers": headers(own),
                })  # fmt: skip
                channel.basic_ack(each.delivery_tag)
                moved += 1
        return moved
