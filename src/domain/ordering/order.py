"""The Order aggregate: what a customer bought, at what price, and where the order stands."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

import attrs

from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.ordering.rules import (
    OrderCanBeCancelledUntilShipmentIsRequested,
    OrderIsInOneCurrency,
    OrderMustHaveLines,
    OrderNumberMustBeWithinBounds,
    OrderTotalMustStayWithinBounds,
    ProductMustBeOnSale,
    SkuAppearsOncePerOrder,
)
from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.bounds import (
    ADDRESS_LENGTH,
    CUSTOMER_ID_LENGTH,
    TRACKING_NUMBER_LENGTH,
    QuantityMustBeWithinBounds,
    checked_text,
)
from tessera.domain.shared.errors import DomainError
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money
from tessera.domain.shared.rules import check_rule


class OrderStatus(enum.Enum):
    PENDING = "pending"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CancelReason(enum.Enum):
    OUT_OF_STOCK = "out_of_stock"
    PAYMENT_DECLINED = "payment_declined"
    PRODUCT_UNAVAILABLE = "product_unavailable"
    CUSTOMER_REQUEST = "customer_request"
    OPERATOR_REQUEST = "operator_request"
    """An operator closed what the order waited on (a dead letter), and the order with it."""


class NotShippedYet(DomainError):
    """A delivery was reported for an order whose dispatch has not been heard of yet."""


@attrs.define(slots=False, eq=False)
class OrderLine:
    sku: Sku
    quantity: int
    unit_price: Money

    @property
    def subtotal(self) -> Money:
        return self.unit_price * self.quantity


@attrs.frozen
class OrderPlaced(DomainEvent):
    order_id: OrderId
    number: int
    customer_id: str
    lines: tuple[tuple[Sku, int], ...]
    total: Money


@attrs.frozen
class OrderAwaitingPayment(DomainEvent):
    order_id: OrderId


@attrs.frozen
class OrderPaid(DomainEvent):
    order_id: OrderId


@attrs.frozen
class OrderShipped(DomainEvent):
    order_id: OrderId
    tracking_number: str


@attrs.frozen
class OrderCompleted(DomainEvent):
    order_id: OrderId


@attrs.frozen
class OrderCancelled(DomainEvent):
    order_id: OrderId
    reason: CancelReason


@attrs.define(slots=False, eq=False)
class Order(AggregateRoot):
    """A customer's order. Its prices are a snapshot taken when it was placed."""

    id: OrderId
    customer_id: str
    shipping_address: str
    lines: list[OrderLine]
    status: OrderStatus = OrderStatus.PENDING
    cancel_reason: CancelReason | None = None
    tracking_number: str | None = None
    placed_at: datetime | None = None
    """None only for an order placed by a Tessera that did not yet record it."""
    cancelled_at: datetime | None = None
    number: int = attrs.field(kw_only=True)
    """What people call the order by: unique in the shop, increasing in the order orders
    were placed."""

    @classmethod
    def place(
        cls,
        order_id: OrderId,
        customer_id: str,
        shipping_address: str,
        wanted: Sequence[tuple[Sku, int]],
        prices: Mapping[Sku, ListedPrice | None],
        at: datetime,
        *,
        number: int,
    ) -> Order:
        """Place an order at today's prices from ordering's own price list, as the order
        numbered `number`."""
        check_rule(OrderNumberMustBeWithinBounds(number))
        customer_id = checked_text("customer id", customer_id, CUSTOMER_ID_LENGTH)
        shipping_address = checked_text("shipping address", shipping_address, ADDRESS_LENGTH)
        check_rule(OrderMustHaveLines(len(wanted)))
        check_rule(SkuAppearsOncePerOrder([sku for sku, _ in wanted]))
        lines = []
        for sku, quantity in wanted:
            check_rule(QuantityMustBeWithinBounds(f"quantity of {sku}", quantity))
            listed = prices.get(sku)
            check_rule(
                ProductMustBeOnSale(sku, listed is not None, bool(listed and listed.on_sale))
            )
            assert listed is not None  # the rule above guarantees it
            lines.append(OrderLine(sku, quantity, listed.price))
        check_rule(OrderIsInOneCurrency(frozenset(line.unit_price.currency for line in lines)))
        total = sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0))
        check_rule(OrderTotalMustStayWithinBounds(total))
        order = cls(order_id, customer_id, shipping_address, lines, placed_at=at, number=number)
        wanted_lines = tuple((line.sku, line.quantity) for line in lines)
        placed = OrderPlaced(order_id, number, order.customer_id, wanted_lines, order.total)
        order._record(placed)
        return order

    @property
    def total(self) -> Money:
        total = Money.zero(self.lines[0].unit_price.currency)
        for line in self.lines:
            total += line.subtotal
        return total

    @property
    def is_cancelled(self) -> bool:
        return self.status is OrderStatus.CANCELLED

    def stock_reserved(self) -> bool:
        """Inventory holds the stock; True if the order now waits for payment."""
        if self.status is not OrderStatus.PENDING:
            return False  # cancelled meanwhile, or a redelivery
        self._move(OrderStatus.AWAITING_PAYMENT, OrderAwaitingPayment(self.id))
        return True

    def paid(self) -> bool:
        """The money is taken; True if the order now waits for its shipment."""
        if self.status is not OrderStatus.AWAITING_PAYMENT:
            return False
        self._move(OrderStatus.PAID, OrderPaid(self.id))
        return True

    def shipped(self, tracking_number: str) -> None:
        if self.status is not OrderStatus.PAID:
            return  # a redelivery
        self.tracking_number = checked_text(
            "tracking number", tracking_number, TRACKING_NUMBER_LENGTH
        )
        self._move(OrderStatus.SHIPPED, OrderShipped(self.id, tracking_number))

    def delivered(self) -> None:
        if self.status is OrderStatus.PAID:
            raise NotShippedYet(f"order {self.id} was delivered before its dispatch was heard of")
        if self.status is OrderStatus.SHIPPED:
            self._move(OrderStatus.COMPLETED, OrderCompleted(self.id))

    def cancel(self, reason: CancelReason, at: datetime) -> bool:
        """Cancel until the shipment is requested; True if this call cancelled it."""
        if self.is_cancelled:
            return False
        check_rule(OrderCanBeCancelledUntilShipmentIsRequested(str(self.id), self.status.value))
        self.cancel_reason = reason
        self.cancelled_at = at
        self._move(OrderStatus.CANCELLED, OrderCancelled(self.id, reason))
        return True

    def _move(self, status: OrderStatus, event: DomainEvent) -> None:
        self.status = status
        self._record(event)
