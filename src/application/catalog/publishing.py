"""How the catalog announces its changes: domain events to integration events."""

from __future__ import annotations

from collections.abc import Iterable

from tessera.application.contracts import catalog as published
from tessera.domain.catalog import events
from tessera.domain.shared.events import DomainEvent


def integration_events(event: DomainEvent) -> Iterable[object]:
    match event:
        case events.ProductListed(sku=sku, name=name, price=price):
            yield published.ProductListed(sku.value, price.amount, price.currency)
            yield published.ProductListedV1(sku.value, name, price.amount, price.currency)
        case events.ProductRepriced(sku=sku, new_price=price):
            yield published.ProductPriceChanged(sku.value, price.amount, price.currency)
        case events.ProductDiscontinued(sku=sku):
            yield published.ProductDiscontinued(sku.value)
