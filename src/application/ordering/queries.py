"""Questions ordering answers, and the plain views it answers with."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import attrs

from tessera.application.shared.bus import Query
from tessera.domain.ordering.order import CancelReason, Order


@attrs.frozen
class GetOrder(Query["OrderView"]):
    order_id: str


@attrs.frozen
class ListOrders(Query["list[OrderView]"]):
    """Every order (or those in one status), by id."""

    status: str | None = None


@attrs.frozen
class FindOrders(Query["OrderPage"]):
    """Orders newest first, narrowed by customer, status and when they were placed
    (`since` inclusive, `until` exclusive), at most `limit` of them (None: all)."""

    customer_id: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = 20


@attrs.frozen
class OrderPage:
    orders: list[OrderView]
    total: int
    """How many orders matched, shown or not."""

    @property
    def more(self) -> int:
        return self.total - len(self.orders)


@attrs.frozen
class CountOrders(Query[dict[str, int]]):
    """How many orders stand in each status."""


@attrs.frozen
class OrderLineView:
    sku: str
    quantity: int
    unit_price: Decimal


@attrs.frozen
class OrderView:
    number: int
    """What people call the order by."""
    id: str
    customer_id: str
    status: str
    cancel_reason: str | None
    total: Decimal
    currency: str
    lines: list[OrderLineView]
    address: str
    tracking_number: str | None
    placed_at: str | None
    """ISO 8601, UTC."""
    cancelled_at: str | None
    cancelled_by: str | None
    """The customer, or the context whose answer cancelled the order."""

    @classmethod
    def of(cls, order: Order) -> OrderView:
        total = order.total
        reason = order.cancel_reason
        return cls(
            number=order.number,
            id=order.id.value,
            customer_id=order.customer_id,
            status=order.status.value,
            cancel_reason=order.cancel_reason.value if order.cancel_reason else None,
            total=total.amount,
            currency=total.currency,
            lines=[
                OrderLineView(line.sku.value, line.quantity, line.unit_price.amount)
                for line in order.lines
            ],
            address=order.shipping_address,
            tracking_number=order.tracking_number,
            placed_at=_iso(order.placed_at),
            cancelled_at=_iso(order.cancelled_at),
            cancelled_by=None if reason is None else CANCELLED_BY[reason],
        )


CANCELLED_BY = {
    CancelReason.CUSTOMER_REQUEST: "customer",
    CancelReason.OPERATOR_REQUEST: "operator",
    CancelReason.OUT_OF_STOCK: "inventory",
    CancelReason.PRODUCT_UNAVAILABLE: "inventory",
    CancelReason.PAYMENT_DECLINED: "payments",
}
"""Who cancels an order for each reason: the customer, or the context whose answer it was."""


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).isoformat(timespec="milliseconds")
