"""What inventory publishes: stock set aside for orders, given back, and shipped."""

from __future__ import annotations

import attrs

from application.shared.integration import integration_event


@integration_event("inventory", "StockReserved", version=1, subject="order_id")
@attrs.frozen
class StockReserved:
    order_id: str
    sku: str
    quantity: int


@integration_event("inventory", "StockReleased", version=1, subject="order_id")
@attrs.frozen
class StockReleased:
    order_id: str
    sku: str
    quantity: int


@integration_event("inventory", "StockShipped", version=1, subject="order_id")
@attrs.frozen
class StockShipped:
    order_id: str
    sku: str
    quantity: int
