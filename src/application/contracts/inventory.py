"""What inventory publishes: stock set aside for orders, or refused."""

from __future__ import annotations

import attrs

from tessera.application.shared.integration import integration_event

SOURCE = "inventory"
"""The name inventory publishes under, subscribes under and keeps its database under."""


@attrs.frozen
class StockLine:
    sku: str
    quantity: int


@integration_event(SOURCE, "StockReserved", version=1, subject="order_id")
@attrs.frozen
class StockReserved:
    """Every line of the order is set aside."""

    order_id: str
    lines: list[StockLine]


@integration_event(SOURCE, "StockReservationRejected", version=1, subject="order_id")
@attrs.frozen
class StockReservationRejected:
    """Nothing was set aside; `reason` is `out_of_stock` or `product_unavailable`."""

    order_id: str
    reason: str
    detail: str
