"""Questions ordering answers, and the plain views it answers with."""

from __future__ import annotations

from decimal import Decimal

import attrs

from application.shared.bus import Query
from domain.ordering.order import Order


@attrs.frozen
class GetOrder(Query):
    order_id: str


@attrs.frozen
class ListOrders(Query):
    status: str | None = None


@attrs.frozen
class CountOrders(Query):
    """How many orders stand in each status."""


@attrs.frozen
class OrderLineView:
    sku: str
    quantity: int
    unit_price: Decimal


@attrs.frozen
class OrderView:
    id: str
    customer_id: str
    status: str
    cancel_reason: str | None
    total: Decimal
    currency: str
    lines: list[OrderLineView]
    address: str
    tracking_number: str | None

    @classmethod
    def of(cls, order: Order) -> OrderView:
        total = order.total
        return cls(
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
        )
