"""Questions the catalog answers, and the plain views it answers with."""

from __future__ import annotations

from decimal import Decimal

import attrs

from domain.catalog.product import Product


@attrs.frozen
class GetProduct:
    sku: str


@attrs.frozen
class ListProducts:
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
