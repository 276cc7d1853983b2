"""The message-queue port, as a worker uses it: durable, at-least-once, one subscription per
consuming context. Its adapters: the queue file (`sqlite_queue`), memory (`memory_queue`) and
RabbitMQ (`rabbitmq`); what an operator asks of them is `operations`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Protocol

import attrs

from tessera.adapters.messaging.operations import QueueOperations
from tessera.application.shared.envelope import OutgoingMessage

__all__ = ["Delivery", "Listener", "MessageQueue", "OutgoingMessage", "Queue"]


@attrs.frozen
class Delivery:
    """One message handed to one subscription. `attempts` counts the tries of its handler,
    this one included; a hand-out lost with its consumer counts too where the queue has no
    limit of its own on hand-outs (the queue file, memory), and not where it has (a broker's
    delivery limit)."""

    subscription: str
    delivery_id: int
    message_id: str
    type: str
    body: str
    attempts: int
    unreadable: str | None = None
    """Why the queue could not read it off the wire (its encoding, its headers, its size, a
    publisher it cannot vouch for): the consumer dead-letters it at once, with this reason."""
    publisher: str | None = None
    """The context the transport vouches published it (a broker's validated user); None
    where it cannot tell (the queue file, memory, a broker user shared by every context)."""


class Listener(Protocol):
    """What a worker waits on between rounds, in its own thread: a file descriptor that
    becomes readable when there may be new work (a connection's socket), and what to read
    from it once it is, so that no thread of its own need watch it."""

    def fileno(self) -> int | None:
        """The descriptor to wait on until the next round; None while there is none (a
        lost connection), and the worker waits out its interval instead."""

    def take_in(self) -> None:
        """Read, without waiting, what made the descriptor readable."""

    def close(self) -> None: ...


class MessageQueue(Protocol):
    def bind(
        self,
        subscription: str,
        sources: Collection[str],
        ignoring: Collection[str] = (),
        reacting: Collection[str] = (),
    ) -> None:
        """Deliver to `subscription` every message published by the `sources` contexts, except
        those of the `ignoring` event types: types its consumer knows and does not react to.

        A queue whose contexts are apart (a broker) binds only the `reacting` types, the ones
        the consumer reacts to, so that no other context's data reaches it. An embedded queue,
        one file for the whole shop, still delivers a type unknown to the consumer (a new
        event, a new version), for the consumer to dead-letter where an operator sees it. When
        several consumers bind one subscription, a type is left out only if every one of them
        ignores it (or, on a broker, none reacts to it).
        """

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Store messages durably, and return only once they are. An embedded queue stores
        each once however often it is published; a broker may deliver one published twice
        twice, which the consumer's inbox makes harmless."""

    def receive(
        self, subscription: str, limit: int, lease_seconds: float, consumer: str
    ) -> list[Delivery]:
        """Lease up to `limit` ready messages; an unacknowledged lease runs out and they return."""

    def listen(
        self, subscriptions: Collection[str], wake: Callable[[], None], limit: int
    ) -> Listener | None:
        """While a worker runs: have the subscriptions' messages sent to this process as they
        become ready, at most `limit` held per subscription until `receive` takes them, so
        that the worker need not ask the queue until then. The worker waits on the listener;
        `wake` is called, from whichever thread, when some arrive otherwise (read while this
        process did something else with the queue). None where the queue cannot send (it is
        asked: polled). Closing gives back, untried, what was sent and not taken."""

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        """The messages were handled; never deliver them again."""

    def ignore(self, deliveries: Sequence[Delivery]) -> None:
        """The subscriber does not react to these messages; done with, and marked so."""

    def release(self, deliveries: Sequence[Delivery]) -> None:
        """Give back leased messages that were not tried, without counting an attempt."""

    def retry_later(self, delivery: Delivery, delay_seconds: float, error: str) -> None:
        """The handler failed; deliver the message again after the delay."""

    def dead_letter(self, delivery: Delivery, error: str) -> None:
        """Give up on the message for this subscription, keeping it and the reason."""

    def pending(self, subscriptions: Collection[str]) -> int:
        """Messages not yet handled or dead, ready now or later, leased or not."""

    def unsettled(self, correlation_id: str, subscriptions: Collection[str] | None = None) -> int:
        """Deliveries of one conversation's messages not yet handled or dead, in any
        subscription (or in those named), ready now or later, leased or not: whoever is
        working on them."""


class Queue(MessageQueue, QueueOperations, Protocol):
    """A queue as the composition root holds it: delivery, operations, and closing."""

    def close(self) -> None:
        """Let go of the connection; the queue's contents stay."""
