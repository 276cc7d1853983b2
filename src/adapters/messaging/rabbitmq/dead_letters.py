"""An operator's tools on a RabbitMQ subscription's dead letters: list, replay, discard.

A dead-letter queue is a classic queue: its messages are read with `basic.get` and not
acknowledged, so that whatever is not moved goes back, in its place, when the channel closes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

from kombu.connection import Connection
from kombu.entity import Queue
from kombu.message import Message

from tessera.adapters.messaging.operations import DeadLetter
from tessera.adapters.messaging.rabbitmq.consumer import (
    Vouching,
    body_of,
    carried_headers,
    header_count,
    shown,
    wire_channel,
)
from tessera.adapters.messaging.rabbitmq.frames import UNREADABLE
from tessera.adapters.messaging.rabbitmq.publisher import ConfirmedPublisher, Outgoing
from tessera.adapters.messaging.rabbitmq.topology import ATTEMPTS, PUBLISHER, dead_queue

LIMIT_REACHED = "handed out too often: the broker's delivery limit was reached"


@contextmanager
def browsing(connection: Connection, queue: str) -> Iterator[list[Message]]:
    """Every message of a classic queue, taken unacknowledged on a channel of its own."""
    channel = wire_channel(connection)
    try:
        found = []
        bound = Queue(queue, no_declare=True)(channel)
        while (message := bound.get(no_ack=False)) is not None:
            found.append(message)
        yield found
    finally:
        channel.close()


def dead_letters(connection: Connection, subscriptions: Collection[str]) -> list[DeadLetter]:
    letters = []
    for subscription in sorted(subscriptions):
        with browsing(connection, dead_queue(subscription)) as found:
            for message in found:
                headers = message.headers
                dead_at = headers.get("dead_at")
                letters.append(DeadLetter(
                    subscription, shown(message.properties.get("message_id") or ""),
                    shown(headers.get("type", "")),
                    shown(
                        headers.get("error")
                        or message.properties.get(UNREADABLE, LIMIT_REACHED),
                        1000,
                    ),
                    header_count(headers.get("attempts", headers.get(ATTEMPTS))),
                    dead_at if isinstance(dead_at, float) else 0.0,
                    shown(headers.get("subject", "")),
                ))  # fmt: skip
    return sorted(letters, key=lambda letter: letter.dead_at)


def replayed(headers: dict[str, Any]) -> dict[str, Any]:
    """A dead letter's headers as it goes back to its queue: its tries counted afresh."""
    kept = {k: v for k, v in headers.items() if k not in ("error", "dead_at", "attempts")}
    return kept | {ATTEMPTS: 0, "replays": header_count(headers.get("replays")) + 1}


def move_dead(
    connection: Connection,
    publisher: ConfirmedPublisher,
    vouching: Vouching,
    message_id: str,
    subscriptions: Collection[str],
    to: Callable[[str], str],
    headers: Callable[[dict[str, Any]], dict[str, Any]],
) -> int:
    """Move a dead letter, in each of `subscriptions` it died in, to the queue
    `to(subscription)` (a copy confirmed, then the original acknowledged), its headers as
    `headers` makes them; how many moved."""
    moved = 0
    for subscription in sorted(subscriptions):
        with browsing(connection, dead_queue(subscription)) as found:
            for message in found:
                if message.properties.get("message_id") != message_id:
                    continue
                own = carried_headers(message.headers)
                # One the broker dead-lettered itself is as its publisher sent it.
                vouched = vouching.speaks_for(message.properties.get("user_id"))
                if PUBLISHER not in own and vouched is not None:
                    own[PUBLISHER] = vouched
                correlation_id = message.properties.get("correlation_id")
                publisher.send([Outgoing(
                    "", to(subscription), body_of(message), message_id,
                    correlation_id if isinstance(correlation_id, str) else None, headers(own),
                )])  # fmt: skip
                message.ack()
                moved += 1
    return moved
