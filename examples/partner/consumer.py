"""A consumer of Tessera's events written as another team would write it, with nothing of
Tessera's code: plain kombu on RabbitMQ, the CloudEvents JSON read by hand. It binds a queue
of its own to the shop's exchange for the event types it wants, reads each message as a
structured CloudEvent, and acknowledges it once handled. See docs/contracts/README.md."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from kombu import Connection, Exchange, Queue

EXCHANGE = Exchange("tessera", type="topic", durable=True, passive=True)  # Tessera declares it
STRUCTURED = "application/cloudevents+json"


def routing_key(event_type: str) -> str:
    """`tessera.ordering.OrderPlaced.v2` is published with the key `ordering.<type>`."""
    return f"{event_type.split('.')[1]}.{event_type}"


def consume(
    broker_url: str,
    queue_name: str,
    event_types: Sequence[str],
    handle: Callable[[dict[str, Any]], None],
    wanted: int,
    timeout: float = 30.0,
) -> int:
    """Handle `wanted` events of the given types (then stop), each acknowledged after
    `handle` returns; a message that is not a CloudEvent of those types is rejected (the
    broker drops it, or dead-letters it if the queue says where). Of two versions of one
    event published together, the older names the newer in `supersededby`: with both bound,
    the older is acknowledged and passed over. The number handled."""
    bindings = [EXCHANGE.binding(routing_key=routing_key(t)) for t in event_types]
    queue = Queue(queue_name, exchange=EXCHANGE, bindings=bindings, durable=True)
    handled = 0

    def on_message(body: Any, message: Any) -> None:
        nonlocal handled
        event = json.loads(message.body)
        readable = (
            message.content_type == STRUCTURED
            and event.get("specversion") == "1.0"
            and event.get("type") in event_types
        )
        if not readable:
            message.reject()
            return
        if event.get("supersededby") in event_types:
            message.ack()  # the same event, in the newer version this consumer also reads
            return
        handle(event)  # the event's id is unique: a redelivered one can be recognised by it
        message.ack()
        handled += 1

    connection = Connection(broker_url, connect_timeout=10)
    with connection, connection.Consumer([queue], callbacks=[on_message], accept=[STRUCTURED]):
        while handled < wanted:
            connection.drain_events(timeout=timeout)
    return handled
