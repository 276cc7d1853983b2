"""What inventory publishes: stock set aside for orders, or refused."""

from __future__ import annotations

import attrs

from tessera.application.contracts import ROLLOUT_ENDS
from tessera.application.shared.integration import integration_event, publish_alongside

SOURCE = "inventory"
"""The name inventory publishes under, subscribes under and keeps its database under."""


@attrs.frozen
class StockLine:
    sku: str
    quantity: int


@integration_event(SOURCE, "StockReserved", version=2, subject="order_id")
@attrs.frozen
class StockReserved:
    """Every line of the order is set aside."""

    order_id: str


@integration_event(SOURCE, "StockReservationRejected", version=2, subject="order_id")
@attrs.frozen
class StockReservationRejected:
    """Nothing was set aside; `reason` is `out_of_stock` or `product_unavailable`."""

    order_id: str
    reason: str


@integration_event(SOURCE, "StockReserved", version=1, subject="order_id")
@attrs.frozen
class StockReservedV1:
    """Published beside version 2 until the rollout ends; `lines` is read by no one."""

    order_id: str
    lines: list[StockLine]


@integration_event(SOURCE, "StockReservationRejected", version=1, subject="order_id")
@attrs.frozen
class StockReservationRejectedV1:
    """Published beside version 2 until the rollout ends; `detail` is read by no one."""

    order_id: str
    reason: str
    detail: str


publish_alongside(StockReserved, StockReservedV1, until=ROLLOUT_ENDS)
publish_alongside(StockReservationRejected, StockReservationRejectedV1, until=ROLLOUT_ENDS)
