"""What happens to stock, as inventory records it."""

from __future__ import annotations

import attrs

from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import OrderId, Sku


@attrs.frozen
class StockReceived(DomainEvent):
    sku: Sku
    quantity: int


@attrs.frozen
class StockReserved(DomainEvent):
    sku: Sku
    order_id: OrderId
    quantity: int


@attrs.frozen
class StockReleased(DomainEvent):
    sku: Sku
    order_id: OrderId
    quantity: int


@attrs.frozen
class StockShipped(DomainEvent):
    sku: Sku
    order_id: OrderId
    quantity: int
