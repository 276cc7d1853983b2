"""A context's consumer: handles its subscription's messages once each, through its inbox.

A message is handled inside the context's own unit of work, which records its id in the inbox
in the same transaction; it is acknowledged only after that commit. A failure is retried with
backoff and then dead-lettered; a message that cannot be read is dead-lettered at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import attrs

from application.shared.bus import Reactions
from application.shared.envelope import Envelope, MalformedMessage, caused_by
from application.shared.inbox import ConsumingUnitOfWork
from application.shared.integration import UnknownEventType
from application.shared.queue import Delivery, MessageQueue
from application.shared.retry import RetryPolicy

log = logging.getLogger(__name__)


@attrs.define
class ConsumeReport:
    handled: int = 0
    duplicates: int = 0
    ignored: int = 0
    retried: int = 0
    dead_lettered: int = 0

    @property
    def work_done(self) -> int:
        return self.handled + self.duplicates + self.ignored + self.retried + self.dead_lettered

    def add(self, other: ConsumeReport) -> None:
        for field in attrs.fields(ConsumeReport):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


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
        self._retry = retry
        self._lease_seconds = lease_seconds
        self._consumer_id = consumer_id

    @property
    def sources(self) -> set[str]:
        """The contexts whose events this consumer reacts to."""
        return {cls.source for cls in self._reactions}  # type: ignore[attr-defined]

    def consume(self, limit: int, stopping: Callable[[], bool] = lambda: False) -> ConsumeReport:
        """Handle up to `limit` ready messages; stop early, giving the rest back, if asked."""
        report = ConsumeReport()
        deliveries = self._queue.receive(
            self.subscription, limit, self._lease_seconds, self._consumer_id
        )
        handled: list[Delivery] = []
        try:
            for position, delivery in enumerate(deliveries):
                if stopping():
                    self._queue.release(deliveries[position:])
                    break
                if self._process(delivery, report):
                    handled.append(delivery)
        finally:
            self._queue.ack(handled)
        return report

    def _process(self, delivery: Delivery, report: ConsumeReport) -> bool:
        """True when the delivery is done with and may be acknowledged."""
        try:
            envelope = Envelope.from_json(delivery.body)
            event = envelope.event()
        except (MalformedMessage, UnknownEventType) as unreadable:
            self._queue.dead_letter(delivery, f"unreadable: {unreadable}")
            report.dead_lettered += 1
            return False
        reaction = self._reactions.get(type(event))
        if reaction is None:
            report.ignored += 1
            return True
        try:
            with caused_by(envelope.as_cause()), self._uow as uow:
                if uow.inbox.has(envelope.id):
                    report.duplicates += 1
                    return True
                reaction(event, uow)
                uow.inbox.record(envelope.id, envelope.type)
                uow.commit()
        except Exception as failure:  # any failure of a reaction is retried, never fatal
            self._give_up_or_retry(delivery, f"{type(failure).__name__}: {failure}", report)
            return False
        report.handled += 1
        return True

    def _give_up_or_retry(self, delivery: Delivery, error: str, report: ConsumeReport) -> None:
        if self._retry.gives_up_after(delivery.attempts):
            log.warning("%s: dead-lettering %s: %s", self.subscription, delivery.message_id, error)
            self._queue.dead_letter(delivery, error)
            report.dead_lettered += 1
        else:
            delay = self._retry.delay_after(delivery.attempts)
            log.info(
                "%s: retrying %s in %.2fs: %s", self.subscription, delivery.message_id, delay, error
            )
            self._queue.retry_later(delivery, delay, error)
            report.retried += 1
