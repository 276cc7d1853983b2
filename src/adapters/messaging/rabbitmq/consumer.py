"""Taking a subscription's messages from RabbitMQ through kombu's Consumer, and reading each
into a delivery: whatever a message holds, reading it does not fail, and what cannot be read
is a delivery marked unreadable, for the consumer to dead-letter alone.

One way to consume: a kombu Consumer on the subscription's own channel, allowed as many
unacknowledged messages as it is to take (prefetch). A worker that runs until stopped keeps
its consumer standing (the broker sends each message as it becomes ready); any other process
takes a batch and cancels at once, so that it never sits on messages it will not ask for.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.message import Message
from kombu.messaging import Consumer

from tessera.adapters.messaging.queue import Delivery
from tessera.adapters.messaging.rabbitmq.frames import UNREADABLE
from tessera.adapters.messaging.rabbitmq.topology import ATTEMPTS, EXCHANGE, PUBLISHER
from tessera.application.shared.envelope import MAX_MESSAGE_BYTES

STREAM_SECONDS = 0.05
"""How long a batch waits for the ready messages it was told of (others may take some)."""
MAX_ATTEMPTS = 1000
"""The most attempts a message's header may count; a larger count is not Tessera's."""


class AsDelivered(Message):
    """A message as the broker delivered it. kombu's own would expand a body its `compression`
    header names; Tessera compresses nothing, and a body from the wire is never expanded."""

    def __init__(self, msg: Any, channel: Any = None, **kwargs: Any) -> None:
        props = msg.properties
        super().__init__(
            body=msg.body, channel=channel, delivery_tag=msg.delivery_tag,
            content_type=props.get("content_type"), content_encoding=props.get("content_encoding"),
            delivery_info=msg.delivery_info, properties=props, **kwargs,
        )  # fmt: skip
        self.headers = props.get("application_headers") or {}


def wire_channel(connection: Connection) -> Any:
    """A channel of `connection` whose messages are read as delivered."""
    channel = connection.channel()
    channel.Message = AsDelivered
    return channel


def shown(value: object, at_most: int = 200) -> str:
    """A value from the wire as one line a person can read: bytes decoded where they are
    UTF-8 and escaped where not, control characters escaped, cut at `at_most`."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "backslashreplace")
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= at_most else f"{text[:at_most]}…"


def header_count(value: object) -> int:
    """A count from a header written by Tessera, or 0 if it is not one."""
    return value if type(value) is int else 0


ROUTING_HEADERS = frozenset({"CC", "BCC"})
"""Headers by which RabbitMQ routes a message to further queues (sender-selected distribution)."""


def carried_headers(headers: Mapping[Any, Any]) -> dict[Any, Any]:
    """A message's headers as a copy of it carries them (a retry, a dead letter, a replay):
    without the broker's own (`x-...`), and without CC or BCC, which would route the copy,
    sent by this process's user, to any queue they name."""
    return {
        k: v for k, v in headers.items() if not str(k).startswith("x-") and k not in ROUTING_HEADERS
    }


def body_of(message: Message) -> bytes:
    body = message.body
    return body if isinstance(body, bytes) else str(body).encode()


def read(body: bytes, headers: dict[str, Any], message_id: object) -> tuple[str, int, str | None]:
    """A message's body as text and the attempts it has had, and why it cannot be read
    (None if it can): too large, said to be compressed, not UTF-8, no id, or a header of
    Tessera's that is not what Tessera writes."""
    attempts = headers.get(ATTEMPTS, 0)
    if len(body) > MAX_MESSAGE_BYTES:
        return "", 1, f"larger than {MAX_MESSAGE_BYTES:,} bytes ({len(body):,})"
    if "compression" in headers:
        coding = shown(headers["compression"])
        return "", 1, f"header compression names a coding Tessera never uses: {coding}"
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
            f"header {ATTEMPTS} is not a count from 0 to {MAX_ATTEMPTS}: {shown(attempts)}",
        )
    if not isinstance(headers.get("type", ""), str):
        return text, attempts + 1, f"header type is not text: {shown(headers['type'])}"
    return text, attempts + 1, None


class Vouching:
    """Who a message is believed from: the broker validates the user id a publisher sets, so
    a message is believed as the context whose user published it (`publishers`: each
    context's user), or, where the contexts share one user, as this process's `user`'s."""

    def __init__(self, user: str, publishers: Mapping[str, str]) -> None:
        self.user = user
        self.publishers = dict(publishers)
        self._contexts = {its: context for context, its in self.publishers.items()}

    def speaks_for(self, user: object) -> str | None:
        """The context `user` is the broker user of, if any."""
        return self._contexts.get(user) if isinstance(user, str) else None

    @property
    def for_a_context(self) -> bool:
        """Whether this process's user is one context's own (not the administrator's)."""
        return self.speaks_for(self.user) is not None

    def vouch(self, message: Message, headers: dict[str, Any]) -> tuple[str | None, str | None]:
        """The context the broker vouches published a message, and why it is forged if it is.
        A copy this process's user sent on (a retry, a replay) carries the publisher it was
        believed from."""
        user = message.properties.get("user_id")
        named = shown(user) if user else "no user named"
        if message.delivery_info.get("exchange") != EXCHANGE:  # a copy, straight to a queue
            if user != self.user:
                return None, f"forged: put in this subscription's queues by {named}"
            carried = headers.get(PUBLISHER)
            return (carried if isinstance(carried, str) else None), None
        if not self.publishers:
            if user != self.user:
                return None, f"forged: published by {named}, not by this shop's user"
            return None, None
        context = self.speaks_for(user)
        if context is None:
            return None, f"forged: published by {named}, the user of no context"
        return context, None


@attrs.define
class Held:
    """A message taken and not yet acknowledged or given back; it is acknowledged on the
    channel it came on, and only while that connection lasts."""

    message: Message
    subscription: str
    headers: dict[str, Any]
    correlation_id: str | None
    message_id: str
    body: bytes
    """As it came: a copy sent on (retried, dead-lettered) carries the very same bytes."""
    publisher: str | None = None
    """The context the broker vouches published it, carried on with every copy."""


def hold(
    message: Message, subscription: str, delivery_id: int, vouching: Vouching
) -> tuple[Held, Delivery]:
    """What this process keeps of a message taken, and the delivery the consumer is handed."""
    headers = dict(message.headers)
    given = message.properties.get("message_id")
    message_id = given if isinstance(given, str) and given else f"unnamed-{uuid.uuid4().hex}"
    correlation_id = message.properties.get("correlation_id")
    body = body_of(message)
    publisher, forged = vouching.vouch(message, headers)
    held = Held(
        message, subscription, headers,
        correlation_id if isinstance(correlation_id, str) else None, message_id, body, publisher,
    )  # fmt: skip
    text, attempts, unreadable = read(body, headers, given)
    unreadable = message.properties.get(UNREADABLE) or unreadable
    event_type = headers.get("type")
    delivery = Delivery(
        subscription, delivery_id, message_id, shown(event_type or ""), text, attempts,
        unreadable or forged, publisher,
    )  # fmt: skip
    return held, delivery


class SubscriptionConsumer:
    """A subscription's own channel and its kombu Consumer."""

    def __init__(self, connection: Connection, queue: Queue) -> None:
        self._connection = connection
        self.channel = wire_channel(connection)
        self._queue = queue(self.channel)
        self._standing: Consumer | None = None
        self.sent: list[Message] = []
        """What the standing consumer was sent and `receive` has not taken yet."""

    def ready(self) -> int:
        """How many of the queue's messages are ready (a passive declare costs the broker
        less than a consumer that finds nothing)."""
        _, count, _ = self._queue.queue_declare(passive=True)
        return int(count)

    def _consumer(self, prefetch: int, keep: Callable[[Message], None]) -> Consumer:
        consumer = Consumer(
            self.channel,
            [self._queue],
            auto_declare=False,
            prefetch_count=prefetch,
            on_message=keep,
        )
        consumer.consume()
        return consumer

    def take(self, count: int) -> list[Message]:
        """Up to `count` ready messages, from a consumer allowed that many, cancelled once they
        are here (or after a moment, if others took some): whatever it was sent before the
        cancellation was confirmed is this process's, and nothing else."""
        arrived: list[Message] = []
        consumer = self._consumer(count, arrived.append)
        deadline = time.monotonic() + STREAM_SECONDS
        while len(arrived) < count and (left := deadline - time.monotonic()) > 0:
            try:
                self._connection.drain_events(timeout=left)
            except TimeoutError:
                break
        consumer.cancel()
        return arrived

    @property
    def standing(self) -> bool:
        return self._standing is not None

    def stand(self, limit: int, wake: Callable[[], None]) -> None:
        """A consumer that stays, holding up to `limit` unacknowledged: each message it is sent
        is kept in `sent`, and `wake` called."""

        def keep(message: Message) -> None:
            self.sent.append(message)
            wake()

        self._standing = self._consumer(limit, keep)

    def sit_down(self) -> None:
        """Cancel the standing consumer: what it was sent stays in `sent`."""
        if self._standing is not None:
            self._standing.cancel()
            self._standing = None
