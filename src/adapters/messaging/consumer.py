"""A context's consumer: handles its subscription's messages once each, through its inbox.

A message is handled inside the context's own unit of work, which records its id in the inbox
in the same transaction; it is acknowledged only after that commit. A leased batch is handled
in one transaction; if any of it fails, the batch is rolled back and its messages handled one
by one, so that one bad message is retried alone. A failure is retried with backoff and then
dead-lettered; a message that cannot be read is dead-lettered at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from sqlalchemy.exc import DataError

from tessera.adapters.messaging.queue import Delivery, MessageQueue
from tessera.application.shared.bus import Reaction, Reactions
from tessera.application.shared.envelope import Envelope, MalformedMessage, caused_by
from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.application.shared.integration import (
    UnknownEventType,
    event_class,
    registered_events,
    supersedes,
    type_of_class,
)
from tessera.application.shared.reads import read_by
from tessera.application.shared.retry import RetryPolicy
from tessera.domain.shared.errors import BusinessRuleViolation

log = logging.getLogger(__name__)


@attrs.define
class ConsumeReport:
    handled: int = 0
    duplicates: int = 0
    ignored: int = 0
    retried: int = 0
    dead_lettered: int = 0
    retried_conversations: set[str] = attrs.field(factory=set)
    """The conversations a message of which waits for a retry after this batch."""

    @property
    def work_done(self) -> int:
        return self.handled + self.duplicates + self.ignored + self.retried + self.dead_lettered

    def add(self, other: ConsumeReport) -> None:
        """The counts added (the conversations are each batch's own)."""
        for name in ("handled", "duplicates", "ignored", "retried", "dead_lettered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@attrs.frozen
class _Readable:
    delivery: Delivery
    envelope: Envelope
    event: Any
    reaction: Reaction[ConsumingUnitOfWork]


class Consumer:
    def __init__(
        self,
        subscription: str,
        queue: MessageQueue,
        uow: ConsumingUnitOfWork,
        reactions: Reactions[ConsumingUnitOfWork],
        retry: RetryPolicy,
        lease_seconds: float,
        consumer_id: str,
    ) -> None:
        self.subscription = subscription
        self._queue = queue
        self._uow = uow
        self._reactions = reactions
        self._types = {type_of_class(cls) for cls in reactions}
        self._retry = retry
        self._lease_seconds = lease_seconds
        self._consumer_id = consumer_id

    @property
    def reacts_to(self) -> set[type]:
        """The integration events this consumer's context reacts to."""
        return set(self._reactions)

    def reads(self) -> dict[str, set[str]]:
        """What its reactions read of each event type they react to, field by field."""
        return {cls.event_type: read_by(reaction, cls) for cls, reaction in self._reactions.items()}  # type: ignore[attr-defined]

    @property
    def ignores(self) -> set[str]:
        """The event types of those contexts that this process knows and does not react to."""
        sources = self.sources
        return {
            event_type
            for event_type, cls in registered_events().items()
            if cls.source in sources and cls not in self._reactions
        }

    @property
    def sources(self) -> set[str]:
        """The contexts whose events this consumer reacts to."""
        return {cls.source for cls in self._reactions}  # type: ignore[attr-defined]

    def consume(self, limit: int, stopping: Callable[[], bool] = lambda: False) -> ConsumeReport:
        """Handle up to `limit` ready messages; when asked to stop, give back what is untried."""
        began = time.perf_counter()
        report = self._consume(limit, stopping)
        if report.work_done and log.isEnabledFor(logging.INFO):
            took = (time.perf_counter() - began) * 1000
            log.info(
                "handled %d, ignored %d, duplicates %d, retried %d, dead-lettered %d in %.1f ms",
                report.handled, report.ignored, report.duplicates, report.retried,
                report.dead_lettered, took,
                extra=logged(self.subscription, "batch", **attrs.asdict(report), ms=round(took, 1)),
            )  # fmt: skip
        return report

    def _consume(self, limit: int, stopping: Callable[[], bool]) -> ConsumeReport:
        report = ConsumeReport()
        deliveries = self._queue.receive(
            self.subscription, limit, self._lease_seconds, self._consumer_id
        )
        done: list[Delivery] = []
        ignored: list[Delivery] = []
        readable: list[_Readable] = []
        for delivery in deliveries:
            item = self._read(delivery, report)
            if isinstance(item, _Readable):
                readable.append(item)
            elif item:
                ignored.append(delivery)
        self._queue.ignore(ignored)
        try:
            if self._handle_together(readable, report):
                done += [item.delivery for item in readable]
            else:
                for position, item in enumerate(readable):
                    if stopping():
                        self._queue.release([i.delivery for i in readable[position:]])
                        break
                    if self._handle_alone(item, report):
                        done.append(item.delivery)
        finally:
            self._queue.ack(done)
        return report

    def _read(self, delivery: Delivery, report: ConsumeReport) -> _Readable | bool:
        """The message to handle; True if this context does not react to it, False if it was
        dead-lettered as unreadable."""
        if (why := delivery.unreadable) is not None:
            reason = why if why.startswith("forged:") else f"unreadable: {why}"
            self._dead_letter(delivery, reason, report)
            return False
        try:
            envelope = Envelope.from_json(delivery.body)
            reaction = self._reactions.get(event_class(envelope.type))
            if reaction is None or self._reads_the_newer(envelope):
                report.ignored += 1  # not reacted to, or it reacts to the newer version beside
                return True
            event = envelope.event()
        except UnknownEventType as unknown:
            if any(older in registered_events() for older in envelope.alongside):
                report.ignored += 1  # a version it knows is published beside this one
                return True
            self._dead_letter(delivery, f"unreadable: {unknown}", report)
            return False
        except MalformedMessage as unreadable:
            self._dead_letter(delivery, f"unreadable: {unreadable}", report)
            return False
        owner = type(event).source
        if owner != envelope.source or delivery.publisher not in (None, owner):
            by = delivery.publisher or envelope.source
            self._dead_letter(
                delivery, f"forged: {envelope.type} is {owner}'s, sent by {by}", report
            )
            return False
        return _Readable(delivery, envelope, event, reaction)

    def _reads_the_newer(self, envelope: Envelope) -> bool:
        """The message is an older version published beside a newer one of the same event,
        which this subscription reacts to (a mark naming another event is not believed)."""
        newer = envelope.supersededby
        return newer in self._types and supersedes(str(newer), envelope.type)

    def _handle_together(self, batch: Sequence[_Readable], report: ConsumeReport) -> bool:
        """Handle the whole batch in one transaction; False (and nothing written) if any fails."""
        if len(batch) < 2:
            return False
        try:
            with self._uow as uow:
                # Asked for first, to be read with the inbox (one round trip, on a server);
                # a duplicate's is loaded for nothing, and duplicates are rare.
                uow.preload({item.envelope.subject for item in batch})
                seen = uow.inbox.seen([item.envelope.id for item in batch])
                fresh = [item for item in batch if item.envelope.id not in seen]
                for item in fresh:
                    self._apply(item, uow)
                uow.commit()
        except Exception as failure:  # the batch is rolled back; each message is tried alone
            log.info(
                "a batch of %d failed; handling them one by one: %s", len(batch), failure,
                extra=logged(self.subscription, "batch_failed", size=len(batch)),
            )  # fmt: skip
            return False
        report.handled += len(fresh)
        report.duplicates += len(batch) - len(fresh)
        return True

    def _handle_alone(self, item: _Readable, report: ConsumeReport) -> bool:
        try:
            with self._uow as uow:
                uow.preload({item.envelope.subject})
                if uow.inbox.seen([item.envelope.id]):
                    report.duplicates += 1
                    return True
                self._apply(item, uow)
                uow.commit()
        except PERMANENT as refused:  # the same message would fail the same way: no retry
            self._dead_letter(item.delivery, f"refused: {_reason(refused)}", report)
            return False
        except Exception as failure:  # any other failure of a reaction is retried, never fatal
            self._give_up_or_retry(item.delivery, f"{type(failure).__name__}: {failure}", report)
            if not self._retry.gives_up_after(item.delivery.attempts):
                report.retried_conversations.add(item.envelope.correlationid)
            return False
        report.handled += 1
        return True

    @staticmethod
    def _apply(item: _Readable, uow: ConsumingUnitOfWork) -> None:
        with caused_by(item.envelope.as_cause()):
            item.reaction(item.event, uow)
            uow.record_events()
        uow.inbox.record(item.envelope.id, item.envelope.type)

    def _give_up_or_retry(self, delivery: Delivery, error: str, report: ConsumeReport) -> None:
        if self._retry.gives_up_after(delivery.attempts):
            self._dead_letter(delivery, error, report)
        else:
            delay = self._retry.delay_after(delivery.attempts)
            log.warning(
                "retrying %s (%s) after attempt %d in %.2f s: %s",
                delivery.message_id, delivery.type, delivery.attempts, delay, error,
                extra=logged(
                    self.subscription, "retry", message_id=delivery.message_id,
                    type=delivery.type, attempt=delivery.attempts, delay=delay, error=error,
                ),
            )  # fmt: skip
            self._queue.retry_later(delivery, delay, error)
            report.retried += 1

    def _dead_letter(self, delivery: Delivery, error: str, report: ConsumeReport) -> None:
        log.error(
            "dead-lettered %s (%s) after %d attempt(s): %s",
            delivery.message_id, delivery.type, delivery.attempts, error,
            extra=logged(
                self.subscription, "dead_letter", message_id=delivery.message_id,
                type=delivery.type, attempts=delivery.attempts, error=error,
            ),
        )  # fmt: skip
        self._queue.dead_letter(delivery, error)
        report.dead_lettered += 1


PERMANENT = (BusinessRuleViolation, MalformedMessage, DataError)
"""Failures a message causes by what it holds, whatever the state: a value a domain rule or
the database refuses for its size or characters. Retrying cannot help."""


def _reason(failure: Exception) -> str:
    """A refusal in one line: a database's own words, without the statement it refused."""
    if isinstance(failure, DataError):
        return f"the database refused a value: {str(failure.orig).splitlines()[0]}"
    return f"{type(failure).__name__}: {failure}"


def logged(context: str, event: str, **fields: Any) -> dict[str, Any]:
    """What a log record carries beside its message: the context, the event and its fields,
    for a log collector to read (`tessera worker --log-format json`)."""
    return {"context": context, "event": event, "fields": fields}
