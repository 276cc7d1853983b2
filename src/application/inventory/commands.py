"""Commands inventory accepts. Reservations are made, released and shipped only for orders,
through the events of ordering and shipping."""

from __future__ import annotations

import attrs

from tessera.application.inventory.queries import StockItemView
from tessera.application.shared.bus import Command


@attrs.frozen
class ReceiveStock(Command[StockItemView]):
    sku: str
    quantity: int
