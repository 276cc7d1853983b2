"""Payments' and shipping's reactions, one by one, on fakes and adapters of the test's own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tessera.application.contracts.ordering import (
    OrderCancelled,
    PaymentRequested,
    ShipmentRequested,
)
from tessera.application.payments.gateway import ChargeResult, GatewayUnavailable
from tessera.application.payments.subscriptions import on_order_cancelled, on_payment_requested
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.handlers import shipping_handlers
from tessera.application.shipping.subscriptions import on_shipment_requested
from tessera.domain.payments.payment import PaymentStatus
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money
from tests.fakes import FakePaymentsUnitOfWork, FakeShippingUnitOfWork


class Gateway:
    def __init__(self, approve: bool = True, fail: bool = False) -> None:
        self.approve, self.fail = approve, fail
        self.charges: list[str] = []
        self.refunds: list[tuple[str, Money]] = []

    def charge(self, idempotency_key: str, card_token: str, amount: Money) -> ChargeResult:
        if self.fail:
            raise GatewayUnavailable("timed out")
        self.charges.append(idempotency_key)
        return ChargeResult(self.approve, "" if self.approve else "insufficient funds")

    def refund(self, idempotency_key: str, amount: Money) -> None:
        self.refunds.append((idempotency_key, amount))


REQUEST = PaymentRequested("o-1", Decimal("25.00"), "EUR", "tok_visa")


def requested(uow: FakePaymentsUnitOfWork, gateway: Gateway) -> None:
    with uow:
        on_payment_requested(REQUEST, uow, gateway)
        uow.commit()


def cancelled(uow: FakePaymentsUnitOfWork, gateway: Gateway) -> None:
    with uow:
        on_order_cancelled(OrderCancelled("o-1"), uow, gateway)
        uow.commit()


def test_a_requested_payment_is_captured_once() -> None:
    uow, gateway = FakePaymentsUnitOfWork(), Gateway()
    requested(uow, gateway)
    requested(uow, gateway)  # a redelivery
    with uow:
        payment = uow.payments.get(OrderId("o-1"))
    assert payment is not None
    assert (payment.status, payment.amount) == (PaymentStatus.CAPTURED, Money.of("25", "EUR"))
    assert gateway.charges == ["charge-o-1"]


def test_a_declined_payment_keeps_the_gateways_reason() -> None:
    uow = FakePaymentsUnitOfWork()
    requested(uow, Gateway(approve=False))
    with uow:
        payment = uow.payments.get(OrderId("o-1"))
    assert payment is not None
    assert (payment.status, payment.decline_reason) == (
        PaymentStatus.DECLINED,
        "insufficient funds",
    )


def test_a_gateway_that_does_not_answer_leaves_nothing_behind_to_be_retried() -> None:
    uow = FakePaymentsUnitOfWork()
    with pytest.raises(GatewayUnavailable):
        requested(uow, Gateway(fail=True))
    with uow:
        assert uow.payments.get(OrderId("o-1")) is None


def test_a_cancellation_refunds_a_capture_and_voids_a_payment_not_yet_taken() -> None:
    uow, gateway = FakePaymentsUnitOfWork(), Gateway()
    requested(uow, gateway)
    cancelled(uow, gateway)
    cancelled(uow, gateway)
    assert gateway.refunds == [("refund-o-1", Money.of("25.00", "EUR"))]

    early, untouched = FakePaymentsUnitOfWork(), Gateway()
    cancelled(early, untouched)
    requested(early, untouched)  # the request arrives after the cancellation
    with early:
        payment = early.payments.get(OrderId("o-1"))
    assert payment is not None
    assert payment.status is PaymentStatus.VOIDED
    assert untouched.charges == []


class Carrier:
    def dispatch(self, shipment_id: str, address: str) -> str:
        return f"TRK-{address[:3]}"


def test_a_requested_shipment_is_one_parcel_dispatched_and_then_delivered() -> None:
    uow = FakeShippingUnitOfWork()
    event = ShipmentRequested("o-1", "1 Main St")
    for _ in range(2):
        with uow:
            on_shipment_requested(event, uow, Carrier())
            uow.commit()
    with uow:
        [shipment] = uow.shipments.all()
    assert (shipment.status.value, shipment.tracking_number) == ("dispatched", "TRK-1 M")
    deliver = shipping_handlers(uow)[DeliverShipment]
    assert deliver(DeliverShipment(shipment.id)).changed
    assert deliver(DeliverShipment(shipment.id)).already
