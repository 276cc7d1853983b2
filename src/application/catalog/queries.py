"""Questions the catalog answers, and the plain views it answers with."""

from __future__ import annotations

from decimal import Decimal

import attrs

from tessera.application.shared.bus import Query
from tessera.domain.catalog.product import Product


@attrs.frozen
class GetProduct(Query["ProductView"]):
    sku: str


@attrs.frozen
class ListProducts(Query["list[ProductView]"]):
    pass


@attrs.frozen
class ProductView:
    sku: str
    name: str
    price: Decimal
    currency: str
    status: str

    @classmethod
    def of(cls, product: Product) -> ProductView:
        return cls(
            sku=product.sku.value,
            name=product.name,
            price=product.price.amount,
            currency=product.price.currency,
            status=product.status.value,
        )
