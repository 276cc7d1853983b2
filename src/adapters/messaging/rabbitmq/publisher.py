"""Publishing to RabbitMQ through kombu's Producer: persistent, mandatory and confirmed.

`send` returns only once the broker has every message of a batch; the batch is published,
then its confirmations awaited together (one wait a batch, not one a message, which kombu's
own confirmed publishing would cost). A message that reaches no queue, not even the sink,
is an error (`Unroutable`), and so is one the broker refuses: the caller sends it again.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import attrs
from kombu.connection import Connection
from kombu.messaging import Producer

from tessera.adapters.persistence.database import StorageUnavailable
from tessera.application.shared.envelope import STRUCTURED

CONFIRM_SECONDS = 30.0
"""How long the broker has to confirm what it was sent, before the relay tries again."""


class Unroutable(StorageUnavailable):
    """The broker could route a message to no queue, not even the sink: its type is new to the
    broker's set-up."""


@attrs.frozen
class Outgoing:
    """One message as it goes on the wire: to `exchange` by `routing_key` ("" and a queue's
    name: straight to that queue)."""

    exchange: str
    routing_key: str
    body: str | bytes
    message_id: str
    correlation_id: str | None
    headers: dict[str, Any]


class ConfirmedPublisher:
    """A kombu Producer on a channel in confirm mode. Made with a connection's channel, and
    revived with another when kombu reconnects (`Connection.ensure`)."""

    def __init__(self, connection: Connection, user: str, shown: str) -> None:
        self._connection = connection
        self._user = user
        self._shown = shown
        self._published = 0
        """Messages published on the channel so far: the broker confirms them by this count."""
        self._unconfirmed: set[int] = set()
        self._refused: list[str] = []
        self._returned: list[str] = []
        self._producer = Producer(connection.default_channel, auto_declare=False,
                                  on_return=self._on_return)  # fmt: skip
        self._confirming(self._producer.channel)

    def revive(self, channel: Any) -> None:
        """Publish on `channel` from now on: the connection was opened again."""
        self._producer.revive(channel)
        self._confirming(channel)

    def _confirming(self, channel: Any) -> None:
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._published = 0
        self._unconfirmed.clear()

    def send(self, batch: Sequence[Outgoing]) -> None:
        """Every message of `batch`, confirmed by the broker before this returns."""
        self._returned.clear()
        self._refused.clear()
        for message in batch:
            self._producer.publish(
                message.body, exchange=message.exchange, routing_key=message.routing_key,
                mandatory=True, delivery_mode=2, content_type=STRUCTURED,
                content_encoding="utf-8", headers=message.headers, retry=False,
                message_id=message.message_id, correlation_id=message.correlation_id,
                user_id=self._user,
            )  # fmt: skip
            self._published += 1
            self._unconfirmed.add(self._published)
        self._await_confirmations()
        if self._returned:
            raise Unroutable(
                f"the broker routed {self._returned[0]} to no queue: no context reacts to its"
                " type and the sink is not bound by it ('tessera db setup' with the"
                " administrator's broker URL routes every type of the shop)"
            )
        if self._refused:
            raise StorageUnavailable(f"{self._refused[0]}; it will be sent again")

    def _await_confirmations(self) -> None:
        deadline = time.monotonic() + CONFIRM_SECONDS
        while self._unconfirmed:
            left = deadline - time.monotonic()
            if left <= 0:
                raise StorageUnavailable(
                    f"the broker {self._shown} did not confirm {len(self._unconfirmed)}"
                    f" message(s) in {CONFIRM_SECONDS:.0f} s; they will be sent again"
                )
            try:
                self._connection.drain_events(timeout=left)
            except TimeoutError:
                continue

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
