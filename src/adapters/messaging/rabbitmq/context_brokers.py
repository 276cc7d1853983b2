"""The queue port over one broker connection per context, each as the context's own user.

What a context publishes leaves on its own connection, as its own user, and what its
subscription receives arrives there; a consumer believes a context's events only from that
context's user (`RabbitQueue(publishers=...)`). A context this process has no URL of its own
for, and the operator's views, use the shared URL's connection (`TESSERA_BROKER_URL`), if
there is one. A process holds the credentials of the contexts it runs and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import groupby

from tessera.adapters.messaging.kept_by_the_contexts import KeptByTheContexts
from tessera.adapters.messaging.operations import DeadLetter, SubscriptionStatus
from tessera.adapters.messaging.queue import Delivery, Listener
from tessera.adapters.messaging.rabbitmq.rabbit_queue import RabbitQueue
from tessera.adapters.persistence.database import StorageUnavailable
from tessera.application.shared.envelope import OutgoingMessage


class ContextBrokers(KeptByTheContexts):
    """The queue port on a broker where every context has a user of its own."""

    def __init__(self, own: Mapping[str, RabbitQueue], shared: RabbitQueue | None) -> None:
        self._own = dict(own)
        self._shared = shared

    def __repr__(self) -> str:
        return f"ContextBrokers({', '.join(f'{c}: {q!r}' for c, q in sorted(self._own.items()))})"

    def _of(self, context: str) -> RabbitQueue:
        found = self._own.get(context, self._shared)
        if found is None:
            raise StorageUnavailable(
                f"no broker URL for {context}: set TESSERA_BROKER_URL_{context.upper()}"
            )
        return found

    @property
    def _queues(self) -> list[RabbitQueue]:
        """The shared URL's first: it declares what the contexts' users only look for."""
        every = [*([self._shared] if self._shared else []), *self._own.values()]
        return list({id(queue): queue for queue in every}.values())

    def _by_subscription(
        self, deliveries: Sequence[Delivery]
    ) -> Iterable[tuple[RabbitQueue, list[Delivery]]]:
        ordered = sorted(deliveries, key=lambda delivery: delivery.subscription)
        for subscription, group in groupby(ordered, key=lambda delivery: delivery.subscription):
            yield self._of(subscription), list(group)

    # -- delivery ---------------------------------------------------------------------------

    def bind(
        self,
        subscription: str,
        sources: Collection[str],
        ignoring: Collection[str] = (),
        reacting: Collection[str] = (),
    ) -> None:
        """On the context's connection; a context this process cannot connect as (it runs
        another) is not bound here, and using it says which URL is missing."""
        if subscription in self._own or self._shared is not None:
            self._of(subscription).bind(subscription, sources, ignoring, reacting)

    def declare(self, unread: Collection[str] = ()) -> None:
        for queue in self._queues:
            queue.declare(unread)

    def bindings(self) -> dict[str, set[str]]:
        return {s: b for queue in self._queues for s, b in queue.bindings().items()}

    def ignored(self) -> dict[str, set[str]]:
        return {s: i for queue in self._queues for s, i in queue.ignored().items()}

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        ordered = sorted(messages, key=lambda message: message.source)
        for source, group in groupby(ordered, key=lambda message: message.source):
            self._of(source).publish(list(group))

    def receive(
        self, subscription: str, limit: int, lease_seconds: float, consumer: str
    ) -> list[Delivery]:
        return self._of(subscription).receive(subscription, limit, lease_seconds, consumer)

    def listen(
        self, subscriptions: Collection[str], wake: Callable[[], None], limit: int
    ) -> Listener | None:
        """One subscription at a time (each context's connection has its own socket)."""
        [subscription] = subscriptions
        return self._of(subscription).listen([subscription], wake, limit)

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        for queue, group in self._by_subscription(deliveries):
            queue.ack(group)

    def ignore(self, deliveries: Sequence[Delivery]) -> None:
        for queue, group in self._by_subscription(deliveries):
            queue.ignore(group)

    def release(self, deliveries: Sequence[Delivery]) -> None:
        for queue, group in self._by_subscription(deliveries):
            queue.release(group)

    def retry_later(self, delivery: Delivery, delay_seconds: float, error: str) -> None:
        self._of(delivery.subscription).retry_later(delivery, delay_seconds, error)

    def dead_letter(self, delivery: Delivery, error: str) -> None:
        self._of(delivery.subscription).dead_letter(delivery, error)

    def pending(self, subscriptions: Collection[str]) -> int:
        return sum(self._of(s).pending([s]) for s in subscriptions)

    # -- operations -------------------------------------------------------------------------

    def status(self) -> list[SubscriptionStatus]:
        found = [status for queue in self._queues for status in queue.status()]
        return sorted(found, key=lambda status: status.subscription)

    def dead_letters(self) -> list[DeadLetter]:
        found = [letter for queue in self._queues for letter in queue.dead_letters()]
        return sorted(found, key=lambda letter: letter.dead_at)

    def replay(self, message_id: str, subscription: str | None = None) -> int:
        return sum(
            self._of(s).replay(message_id, s) for s in self.bindings() if subscription in (None, s)
        )

    def discard(
        self, message_id: str, reason: str, by: str, subscription: str | None = None
    ) -> int:
        return sum(
            self._of(s).discard(message_id, reason, by, s)
            for s in self.bindings()
            if subscription in (None, s)
        )

    def close(self) -> None:
        for queue in self._queues:
            queue.close()
