"""How ordering announces its changes: the order lifecycle and the saga's requests."""

from __future__ import annotations

from collections.abc import Iterable

from tessera.application.contracts import ordering as published
from tessera.domain.ordering import fulfilment, order
from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import Sku


def _lines(lines: tuple[tuple[Sku, int], ...]) -> list[published.OrderedLine]:
    return [published.OrderedLine(sku.value, quantity) for sku, quantity in lines]


def integration_events(event: DomainEvent) -> Iterable[object]:
    match event:
        case order.OrderPlaced(
            order_id=order_id, number=number, customer_id=customer, lines=lines, total=total
        ):
            ordered = _lines(lines)
            yield published.OrderPlaced(
                order_id.value, customer, ordered, total.amount, total.currency
            )
            yield published.OrderPlacedV1(
                order_id.value, customer, ordered, total.amount, total.currency, number
            )
        case order.OrderCancelled(order_id=order_id, reason=reason):
            yield published.OrderCancelled(order_id.value)
            yield published.OrderCancelledV1(order_id.value, reason.value)
        case order.OrderCompleted(order_id=order_id):
            yield published.OrderCompleted(order_id.value)
        case fulfilment.PaymentRequested(order_id=order_id, amount=amount, card_token=token):
            yield published.PaymentRequested(order_id.value, amount.amount, amount.currency, token)
        case fulfilment.ShipmentRequested(order_id=order_id, address=address, lines=lines):
            yield published.ShipmentRequested(order_id.value, address)
            yield published.ShipmentRequestedV1(order_id.value, address, _lines(lines))
