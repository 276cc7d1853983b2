"""What the workers hold, asked of them. AMQP tells how many of a queue's messages are ready and
how many consumers it has, not how many messages those consumers hold unacknowledged, nor how
old any message is: a listening worker answers for itself.

A worker's answering queue (exclusive, gone with its connection) is bound to the shop's
exchange by `STATUS_KEY`, which no event's key can be (`<source>.<type>` always has a dot).
`messages status` publishes a request there, with RabbitMQ's direct reply-to, and waits until
every consumer the broker counts on a subscription's queue has answered for it.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any

import attrs
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.message import Message
from kombu.messaging import Consumer, Producer

from tessera.adapters.messaging.rabbitmq.consumer import wire_channel
from tessera.adapters.messaging.rabbitmq.topology import EXCHANGE, STATUS_KEY

REPLY_TO = "amq.rabbitmq.reply-to"
"""RabbitMQ's direct reply-to: answers come straight to the requesting channel."""
ANSWER_SECONDS = 2.0
"""How long a status request waits for the workers' answers."""
MAX_ANSWER_BYTES = 64 * 1024
"""The largest answer read: a worker's holdings take a few dozen bytes a subscription."""


@attrs.frozen
class Holding:
    """What one or more consumers of a subscription hold unacknowledged."""

    in_flight: int
    oldest_written_at: float | None

    def __add__(self, other: Holding) -> Holding:
        times = [t for t in (self.oldest_written_at, other.oldest_written_at) if t is not None]
        return Holding(self.in_flight + other.in_flight, min(times, default=None))


NOTHING = Holding(0, None)


def holding(written: Collection[object]) -> Holding:
    """What is held of messages written at `written` (their headers', any of which may not be
    a time: it then counts, without an age)."""
    times = [at for t in written if (at := _time(t)) is not None]
    return Holding(len(written), min(times, default=None))


def _time(value: object) -> float | None:
    """`value` as a time, if it is a finite number (not a truth value)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


class Answering:
    """A worker's answers to status requests, on a channel of its own."""

    def __init__(
        self, connection: Connection, name: str, by: str, holdings: Callable[[], dict[str, Holding]]
    ) -> None:
        """`name`: the answering queue's; `by`: the process's own id, in every answer;
        `holdings`: what it holds of each subscription it listens to."""
        self.channel = wire_channel(connection)  # a request from the wire is never expanded
        self._by = by
        self._holdings = holdings
        queue = Queue(name, exclusive=True, auto_delete=True, no_declare=True)(self.channel)
        queue.queue_declare()
        queue.bind_to(EXCHANGE, routing_key=STATUS_KEY)
        self._producer = Producer(self.channel, auto_declare=False)
        self._consumer = Consumer(
            self.channel, [queue], no_ack=True, on_message=self._answer, auto_declare=False
        )
        self._consumer.consume()

    def _answer(self, message: Message) -> None:
        reply_to = message.properties.get("reply_to")
        if not isinstance(reply_to, str) or not reply_to.startswith(f"{REPLY_TO}."):
            return  # not a request as Tessera makes one
        held = {s: [h.in_flight, h.oldest_written_at] for s, h in self._holdings().items()}
        self._producer.publish(
            json.dumps({"by": self._by, "holdings": held}).encode(), exchange="",
            routing_key=reply_to, content_type="application/json", content_encoding="utf-8",
            retry=False,
        )  # fmt: skip

    def close(self) -> None:
        self.channel.close()


def ask(connection: Connection, consumers: Mapping[str, int], by: str) -> dict[str, Holding | None]:
    """What the consumers of each subscription hold, as they answer: each subscription whose
    `consumers` (the broker's count, less this process's own) did not all answer within
    `ANSWER_SECONDS` is None. Answers by `by` (this process) are left out."""
    answered: dict[str, list[Holding]] = {s: [] for s in consumers}
    if not any(consumers.values()):
        return {s: NOTHING for s in consumers}

    def complete() -> bool:
        return all(len(answered[s]) >= n for s, n in consumers.items())

    def take(message: Message) -> None:
        for subscription, held in read_answer(message.body, by).items():
            if subscription in answered:
                answered[subscription].append(held)

    channel = wire_channel(connection)  # nor an answer
    try:
        Consumer(
            channel, [Queue(REPLY_TO, no_declare=True)], no_ack=True, on_message=take,
            auto_declare=False,
        ).consume()  # fmt: skip
        Producer(channel, auto_declare=False).publish(
            b"{}", exchange=EXCHANGE, routing_key=STATUS_KEY, reply_to=REPLY_TO, retry=False
        )
        deadline = time.monotonic() + ANSWER_SECONDS
        while not complete() and (left := deadline - time.monotonic()) > 0:
            try:
                connection.drain_events(timeout=left)
            except TimeoutError:
                break
    finally:
        channel.close()
    return {
        s: sum(answered[s], NOTHING) if len(answered[s]) >= n else None
        for s, n in consumers.items()
    }


def read_answer(body: Any, by: str) -> dict[str, Holding]:
    """An answer's holdings; nothing from an answer that is not one, or is this process's."""
    if not isinstance(body, bytes | str) or len(body) > MAX_ANSWER_BYTES:
        return {}
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(answer, dict) or answer.get("by") == by:
        return {}
    holdings = answer.get("holdings")
    if not isinstance(holdings, dict):
        return {}
    found = {}
    for subscription, held in holdings.items():
        match held:
            case [int(count), oldest] if type(count) is int and count >= 0:
                if oldest is None or (oldest := _time(oldest)) is not None:
                    found[subscription] = Holding(count, oldest)
    return found
