"""What a broker does not keep and the contexts do: the base of the RabbitMQ queues, apart
from them so that a process on the queue file never loads the broker's client."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection

import attrs

from tessera.adapters.messaging.operations import DeadLetter, TraceHop


class KeptByTheContexts(ABC):
    """What a broker does not keep and the contexts do: a conversation's history, read from
    their outboxes and inboxes (`trace_from`, which the composition root sets), with the
    broker's dead letters marked in it."""

    trace_from: Callable[[str], list[TraceHop]] | None = None

    @abstractmethod
    def dead_letters(self) -> list[DeadLetter]: ...

    @abstractmethod
    def pending(self, subscriptions: Collection[str]) -> int: ...

    @abstractmethod
    def bindings(self) -> dict[str, set[str]]: ...

    @abstractmethod
    def ignored(self) -> dict[str, set[str]]: ...

    @abstractmethod
    def declare(self, unread: Collection[str] = ()) -> None:
        """Reach the broker and declare everything bound so far (`tessera db setup`); the
        `unread` types, which no context of the shop reacts to, go where they are dropped."""

    def trace(self, identifier: str) -> list[TraceHop]:
        """What the contexts recorded of the conversation, with the broker's dead letters."""
        if self.trace_from is None:
            return []
        hops = self.trace_from(identifier)
        ids = {hop.message_id for hop in hops}
        dead = {
            (letter.message_id, letter.subscription): letter
            for letter in (self.dead_letters() if ids else [])
            if letter.message_id in ids
        }
        return [
            attrs.evolve(hop, state="dead", attempts=dead[key].attempts)
            if (key := (hop.message_id, hop.subscription or "")) in dead and hop.state != "done"
            else hop
            for hop in hops
        ]

    def unsettled(self, correlation_id: str, subscriptions: Collection[str] | None = None) -> int:
        """The conversation's messages not yet handled in a subscription that reacts to them,
        nor dead there: read from what the contexts recorded (a broker cannot count one
        conversation's messages, nor see one passing from a delay queue back to its queue).
        Without the contexts' records, everything not yet handled in the subscriptions this
        process bound counts."""
        if self.trace_from is None:
            bound = self.bindings()
            return self.pending([s for s in bound if subscriptions is None or s in subscriptions])
        if not any(hop.state == "ready" for hop in self.trace_from(correlation_id)):
            return 0
        return sum(
            hop.state == "ready" and (subscriptions is None or hop.subscription in subscriptions)
            for hop in self.trace(correlation_id)
        )

    def purge(self, handled_before: float) -> int:
        """The broker keeps nothing once it is acknowledged: the contexts purge their own."""
        return 0
