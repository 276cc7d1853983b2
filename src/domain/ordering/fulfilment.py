"""The Fulfilment process manager: the saga that takes an order from placed to delivered.

It remembers what it has asked of the other contexts, so that a redelivered or reordered
message never makes it ask twice, and it moves the order on as their answers come in.
Compensation needs no request of its own: inventory and payments react to OrderCancelled by
releasing the stock and refunding a capture.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from tessera.domain.ordering.order import CancelReason, Order, OrderStatus
from tessera.domain.ordering.rules import CapturedMoneyMustBeTheTotal
from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.bounds import CARD_TOKEN_LENGTH, checked_text
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money
from tessera.domain.shared.rules import check_rule


@attrs.frozen
class PaymentRequested(DomainEvent):
    order_id: OrderId
    amount: Money
    card_token: str


@attrs.frozen
class ShipmentRequested(DomainEvent):
    order_id: OrderId
    address: str
    lines: tuple[tuple[Sku, int], ...]


@attrs.frozen
class FulfilmentStarted(DomainEvent):
    order_id: OrderId


@attrs.define(slots=False, eq=False)
class Fulfilment(AggregateRoot):
    """One order's way through inventory, payments and shipping."""

    order_id: OrderId
    card_token: str
    payment_requested: bool = False
    shipment_requested: bool = False

    @classmethod
    def start(cls, order: Order, card_token: str) -> Fulfilment:
        fulfilment = cls(order.id, checked_text("card token", card_token, CARD_TOKEN_LENGTH))
        fulfilment._record(FulfilmentStarted(order.id))
        return fulfilment

    def stock_reserved(self, order: Order) -> None:
        if order.stock_reserved() and not self.payment_requested:
            self.payment_requested = True
            self._record(PaymentRequested(order.id, order.total, self.card_token))

    def stock_rejected(self, order: Order, reason: CancelReason, at: datetime) -> None:
        if order.status is OrderStatus.PENDING:  # otherwise the answer is stale
            order.cancel(reason, at)

    def payment_captured(self, order: Order, captured: Money) -> None:
        if order.status is OrderStatus.AWAITING_PAYMENT:  # otherwise the answer is stale
            check_rule(CapturedMoneyMustBeTheTotal(captured, order.total))
        if order.paid() and not self.shipment_requested:
            self.shipment_requested = True
            lines = tuple((line.sku, line.quantity) for line in order.lines)
            self._record(ShipmentRequested(order.id, order.shipping_address, lines))

    def payment_declined(self, order: Order, at: datetime) -> None:
        if order.status is OrderStatus.AWAITING_PAYMENT:  # otherwise the answer is stale
            order.cancel(CancelReason.PAYMENT_DECLINED, at)
