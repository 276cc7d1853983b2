"""The Payment aggregate: the money taken for one order, and what was given back."""

from __future__ import annotations

import enum

import attrs

from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.bounds import REASON_LENGTH, clipped
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money
from tessera.domain.shared.rules import check_rule


class PaymentStatus(enum.Enum):
    CAPTURED = "captured"
    DECLINED = "declined"
    REFUNDED = "refunded"
    VOIDED = "voided"
    """The order was cancelled before its payment was asked for: take no money for it."""


@attrs.frozen
class RefundMustNotExceedCapture:
    captured: Money
    refunded: Money
    requested: Money

    @property
    def message(self) -> str:
        return (
            f"cannot refund {self.requested}: {self.captured} was captured and"
            f" {self.refunded} already refunded"
        )

    def is_broken(self) -> bool:
        return self.refunded + self.requested > self.captured


@attrs.frozen
class PaymentCaptured(DomainEvent):
    order_id: OrderId
    amount: Money


@attrs.frozen
class PaymentDeclined(DomainEvent):
    order_id: OrderId
    reason: str


@attrs.frozen
class PaymentRefunded(DomainEvent):
    order_id: OrderId
    amount: Money


@attrs.frozen
class PaymentVoided(DomainEvent):
    order_id: OrderId


@attrs.define(slots=False, eq=False)
class Payment(AggregateRoot):
    """One payment per order: captured at most once, refunded at most what was captured."""

    order_id: OrderId
    amount: Money
    status: PaymentStatus
    refunded: Money
    decline_reason: str | None = None

    @classmethod
    def captured(cls, order_id: OrderId, amount: Money) -> Payment:
        payment = cls(order_id, amount, PaymentStatus.CAPTURED, Money.zero(amount.currency))
        payment._record(PaymentCaptured(order_id, amount))
        return payment

    @classmethod
    def declined(cls, order_id: OrderId, amount: Money, reason: str) -> Payment:
        """The gateway refused; its reason is kept as one printable line of bounded length."""
        reason = clipped(reason, REASON_LENGTH) or "declined"
        payment = cls(order_id, amount, PaymentStatus.DECLINED, Money.zero(amount.currency), reason)
        payment._record(PaymentDeclined(order_id, reason))
        return payment

    @classmethod
    def voided(cls, order_id: OrderId, currency: str = "EUR") -> Payment:
        zero = Money.zero(currency)
        payment = cls(order_id, zero, PaymentStatus.VOIDED, zero)
        payment._record(PaymentVoided(order_id))
        return payment

    @property
    def captured_amount(self) -> Money:
        if self.status in (PaymentStatus.CAPTURED, PaymentStatus.REFUNDED):
            return self.amount
        return Money.zero(self.amount.currency)

    def refund(self, amount: Money) -> None:
        check_rule(RefundMustNotExceedCapture(self.captured_amount, self.refunded, amount))
        self.refunded += amount
        if self.refunded == self.captured_amount:
            self.status = PaymentStatus.REFUNDED
        self._record(PaymentRefunded(self.order_id, amount))
