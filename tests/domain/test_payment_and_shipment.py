"""A payment is captured once and refunded at most what was captured; a parcel is dispatched
before it is delivered."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tessera.domain.payments.payment import Payment, PaymentStatus
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money
from tessera.domain.shipping.shipment import Shipment, ShipmentStatus

ORDER = OrderId("o-1")


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def test_a_refund_never_exceeds_the_capture() -> None:
    payment = Payment.captured(ORDER, eur("30.00"))
    payment.refund(eur("10.00"))
    with pytest.raises(BusinessRuleViolation) as refused:
        payment.refund(eur("20.01"))
    assert refused.value.rule == "RefundMustNotExceedCapture"
    payment.refund(eur("20.00"))
    assert (payment.status, payment.refunded) == (PaymentStatus.REFUNDED, eur("30.00"))


@pytest.mark.parametrize("status", ["declined", "voided"])
def test_nothing_is_refunded_where_nothing_was_captured(status: str) -> None:
    # Built in the test: objects made before the ORM maps their class can't be loaded.
    payment = (
        Payment.declined(ORDER, eur("5"), "no") if status == "declined" else Payment.voided(ORDER)
    )
    with pytest.raises(BusinessRuleViolation):
        payment.refund(eur("0.01"))


refunds = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("40"), places=2)


class PaymentBooks(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.payment = Payment.captured(ORDER, eur("30.00"))
        self.given_back = Decimal(0)

    @rule(amount=refunds)
    def refund(self, amount: Decimal) -> None:
        try:
            self.payment.refund(Money(amount, "EUR"))
        except BusinessRuleViolation:
            assert self.given_back + amount > Decimal("30.00")
            return
        self.given_back += amount

    @invariant()
    def refunded_never_exceeds_captured(self) -> None:
        assert self.payment.refunded == Money(self.given_back, "EUR")
        assert self.payment.refunded <= self.payment.captured_amount
        fully = self.payment.refunded == self.payment.captured_amount
        assert (self.payment.status is PaymentStatus.REFUNDED) == fully


TestPaymentBooks = PaymentBooks.TestCase


class ShipmentLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.shipment = Shipment("shp-1", ORDER, "1 Main St")
        self.seen = [self.shipment.status]

    @rule()
    def dispatch(self) -> None:
        self.shipment.dispatch("TRK-1")
        self.seen.append(self.shipment.status)

    @rule()
    def deliver(self) -> None:
        try:
            self.shipment.deliver()
        except BusinessRuleViolation:
            assert self.shipment.status is ShipmentStatus.PENDING
        self.seen.append(self.shipment.status)

    @invariant()
    def a_parcel_moves_only_forward(self) -> None:
        order = list(ShipmentStatus)
        assert self.seen == sorted(self.seen, key=order.index)
        if self.shipment.status is not ShipmentStatus.PENDING:
            assert self.shipment.tracking_number == "TRK-1"


TestShipmentLifecycle = ShipmentLifecycle.TestCase
