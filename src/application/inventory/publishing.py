"""How inventory announces its changes: an order's allocation, as integration events.

Changes to single stock items stay inside inventory, and so do an order's stock given back or
shipped: no other context reacts to them.
"""

from __future__ import annotations

from collections.abc import Iterable

from tessera.application.contracts import inventory as published
from tessera.domain.inventory import allocation
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import Sku


def _lines(lines: tuple[tuple[Sku, int], ...]) -> list[published.StockLine]:
    return [published.StockLine(sku.value, quantity) for sku, quantity in lines]


def integration_events(event: DomainEvent) -> Iterable[object]:
    match event:
        case allocation.StockAllocated(order_id=order_id, lines=lines):
            yield published.StockReserved(order_id.value)
            yield published.StockReservedV1(order_id.value, _lines(lines))
        case allocation.AllocationRejected(order_id=order_id, reason=reason, detail=detail):
            yield published.StockReservationRejected(order_id.value, reason.value)
            yield published.StockReservationRejectedV1(order_id.value, reason.value, detail)
