"""Commands inventory accepts. Reservations are made, released and shipped only for orders,
through the events of ordering and shipping."""

from __future__ import annotations

import attrs


@attrs.frozen
class ReceiveStock:
    sku: str
    quantity: int
