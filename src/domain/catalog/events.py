"""What happens to a product, as the catalog records it."""

from __future__ import annotations

import attrs

from tessera.domain.shared.events import DomainEvent
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money


@attrs.frozen
class ProductListed(DomainEvent):
    sku: Sku
    name: str
    price: Money


@attrs.frozen
class ProductRepriced(DomainEvent):
    sku: Sku
    old_price: Money
    new_price: Money


@attrs.frozen
class ProductDiscontinued(DomainEvent):
    sku: Sku
