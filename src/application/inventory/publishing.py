"""How inventory announces its changes: domain events to integration events."""

from __future__ import annotations

from collections.abc import Iterable

from application.contracts import inventory as published
from domain.inventory import events
from domain.shared.events import DomainEvent


def integration_events(event: DomainEvent) -> Iterable[object]:
    match event:
        case events.StockReserved(sku=sku, order_id=order_id, quantity=quantity):
            yield published.StockReserved(order_id.value, sku.value, quantity)
        case events.StockReleased(sku=sku, order_id=order_id, quantity=quantity):
            yield published.StockReleased(order_id.value, sku.value, quantity)
        case events.StockShipped(sku=sku, order_id=order_id, quantity=quantity):
            yield published.StockShipped(order_id.value, sku.value, quantity)
