"""What Tessera keeps on a RabbitMQ virtual host, as kombu entities, and who may use it.

All durable, in the URL's virtual host:
- `tessera`, a topic exchange; a message is published with routing key `<source>.<type>`.
  Each subscription's queue is bound to it by the key of every type its context reacts to,
  and by nothing else: a message reaches only the contexts that react to its type.
- `tessera.ignored`, a queue that keeps nothing, bound by the administrator by the key of
  each type of the shop that no context reacts to: such a message is routed there and
  dropped, rather than returned; one of a type the shop does not know is returned.
- `tessera.<subscription>`, a quorum queue with an explicit delivery limit: a message the
  broker handed out that often (consumers that died holding it) goes to the subscription's
  dead-letter queue.
- `tessera.<subscription>.retry.<ms>`, one per delay of the retry policy: a message waits
  there for its delay (message TTL) and is dead-lettered back to the subscription's queue.
- `tessera.<subscription>.dead`, the dead letters, with their reason in their headers;
  `tessera.<subscription>.discarded`, those an operator closed for good, with who, when, why.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

import attrs
from kombu.entity import Exchange, Queue

from tessera.application.shared.integration import publisher_of

EXCHANGE = "tessera"
IGNORED = "tessera.ignored"
"""The queue that keeps nothing: where a message no subscription binds is routed."""
DELIVERY_LIMIT = 20
"""How often the broker hands out one message before it dead-letters it: a consumer that
dies on a message over and over must not stop its subscription for good. Stated here, never
the broker's default."""
ATTEMPTS = "x-tessera-attempts"
"""The header counting a message's tries, carried by every copy sent on."""
STATUS_KEY = "status"
"""The key a status request is published with on the exchange, and a listening worker's
answering queue bound by (`holdings`): no event's key, which always has a dot."""
PUBLISHER = "publisher"
"""The header a copy sent on carries: the context its original was believed from."""


def routing_key(source: str, event_type: str) -> str:
    """The key a message of `event_type` is published with, and its subscriptions bound by."""
    return f"{source}.{event_type}"


def main_queue(subscription: str) -> str:
    return f"tessera.{subscription}"


def dead_queue(subscription: str) -> str:
    return f"tessera.{subscription}.dead"


def discarded_queue(subscription: str) -> str:
    return f"tessera.{subscription}.discarded"


def retry_queue(subscription: str, delay_seconds: float) -> str:
    return f"tessera.{subscription}.retry.{round(delay_seconds * 1000)}"


def retired_exchanges(subscription: str) -> tuple[str, str]:
    """How an earlier release routed a subscription: an exchange bound by every type of its
    sources, and one for the types it did not know."""
    return f"tessera.{subscription}.in", f"tessera.{subscription}.unknown"


_QUORUM = {
    "x-queue-type": "quorum",
    "x-dead-letter-strategy": "at-least-once",
    "x-overflow": "reject-publish",
    "x-dead-letter-exchange": "",
}


@attrs.frozen
class Topology:
    """The entities of a shop's virtual host. An `administrator` declares what every context
    shares (the exchange, the sink) and takes down what an earlier release left; a context's
    own user only looks for what is shared, and declares its subscriptions' queues."""

    delays: tuple[float, ...] = ()
    delivery_limit: int = DELIVERY_LIMIT
    administrator: bool = True

    def exchange(self) -> Exchange:
        return Exchange(EXCHANGE, "topic", durable=True, passive=not self.administrator)

    def subscription(self, subscription: str) -> Queue:
        """The queue a subscription's messages are consumed from."""
        arguments = _QUORUM | {
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-routing-key": dead_queue(subscription),
        }
        return Queue(main_queue(subscription), durable=True, queue_arguments=arguments)

    def retries(self, subscription: str) -> list[Queue]:
        queues = []
        for delay in self.delays:
            arguments = _QUORUM | {
                "x-message-ttl": round(delay * 1000),
                "x-dead-letter-routing-key": main_queue(subscription),
            }
            name = retry_queue(subscription, delay)
            queues.append(Queue(name, durable=True, queue_arguments=arguments))
        return queues

    @staticmethod
    def kept(subscription: str) -> list[Queue]:
        """Its dead letters and those discarded: classic queues, read without taking."""
        return [
            Queue(name, durable=True)
            for name in (dead_queue(subscription), discarded_queue(subscription))
        ]

    def declare_shared(self, channel: Any) -> None:
        """The exchange and the sink that takes what no subscription binds."""
        self.exchange()(channel).declare()
        self._sink(channel).queue_declare(passive=not self.administrator)

    @staticmethod
    def _sink(channel: Any) -> Queue:
        return Queue(IGNORED, durable=True, queue_arguments={"x-max-length": 0})(channel)

    def route_to_sink(self, channel: Any, unread: Collection[str], read: Collection[str]) -> None:
        """The sink bound by the key of each `unread` type (no context reacts to it), and by
        none of the `read` ones, nor by `#` as an earlier release bound it: a message is
        routed to the sink only where it would reach no queue, not beside its readers."""
        sink = self._sink(channel)
        for event_type in sorted(unread):
            sink.bind_to(
                self.exchange(), routing_key=routing_key(publisher_of(event_type), event_type)
            )
        for key in ["#", *(routing_key(publisher_of(t), t) for t in sorted(read))]:
            sink.unbind_from(self.exchange(), routing_key=key)

    def declare(
        self, channel: Any, subscription: str, sources: Collection[str], reacting: Collection[str]
    ) -> None:
        """A subscription's queues, its queue bound by the key of each type it reacts to (every
        version this process knows), so that the broker hands it nothing else. Bindings of
        other processes of the subscription stay: during a rollout the queue receives what
        either version reacts to, and each ignores the other's."""
        main = self.subscription(subscription)(channel)
        for queue in [main, *self.kept(subscription), *self.retries(subscription)]:
            queue(channel).queue_declare()
        for event_type in sorted(reacting):
            main.bind_to(
                self.exchange(), routing_key=routing_key(publisher_of(event_type), event_type)
            )
        for retired in retired_exchanges(subscription):
            Exchange(retired)(channel).delete()
        if self.administrator:  # a context's user may bind (and unbind) no more
            for source in sources:  # how a release before those exchanges bound the queue
                main.unbind_from(self.exchange(), routing_key=f"{source}.#")


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
    of each), so that no other message can reach it; asking and answering status requests.
    Nothing of another context's."""
    own = rf"tessera\.{re.escape(context)}(\..+)?"
    families = {routing_key(source, t.rsplit(".", 1)[0]) for t, source in reads.items()}
    keys = [rf"{re.escape(family)}\.v[0-9]+" for family in sorted(families)]
    return BrokerGrants(
        configure=f"^{own}$",
        write=rf"^({EXCHANGE}|amq\.default|{own})$",
        read=rf"^({EXCHANGE}|{own})$",
        publish=rf"^({re.escape(context)}\.|{STATUS_KEY}$)",
        bind=f"^({'|'.join([STATUS_KEY, *keys])})$",
    )
