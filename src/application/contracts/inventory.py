"""What inventory publishes: stock set aside for orders, refused, given back, and shipped."""

from __future__ import annotations

import attrs

from application.shared.integration import integration_event


@attrs.frozen
class StockLine:
    sku: str
    quantity: int


@integration_event("inventory", "StockReserved", version=1, subject="order_id")
@attrs.frozen
class StockReserved:
    """Every line of the order is set aside."""

    order_id: str
    lines: list[StockLine]


@integration_event("inventory", "StockReservationRejected", version=1, subject="order_id")
@attrs.frozen
class StockReservationRejected:
    """Nothing was set aside; `reason` is `out_of_stock` or `product_unavailable`."""

    order_id: str
    reason: str
    detail: str


@integration_event("inventory", "StockReleased", version=1, subject="order_id")
@attrs.frozen
class StockReleased:
    order_id: str
    lines: list[StockLine]


@integration_event("inventory", "StockShipped", version=1, subject="order_id")
@attrs.frozen
class StockShipped:
    order_id: str
    lines: list[StockLine]
