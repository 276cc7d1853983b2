"""Commands inventory accepts."""

from __future__ import annotations

import attrs


@attrs.frozen
class ReceiveStock:
    sku: str
    quantity: int


@attrs.frozen
class ReserveStock:
    sku: str
    order_id: str
    quantity: int


@attrs.frozen
class ReleaseStock:
    sku: str
    order_id: str


@attrs.frozen
class ShipReservedStock:
    sku: str
    order_id: str
