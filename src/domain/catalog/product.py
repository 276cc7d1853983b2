"""The Product aggregate."""

from __future__ import annotations

import enum

import attrs

from tessera.domain.catalog.events import ProductDiscontinued, ProductListed, ProductRepriced
from tessera.domain.catalog.rules import (
    DiscontinuedProductCannotBeRepriced,
    PriceMustBePositive,
)
from tessera.domain.shared.aggregate import AggregateRoot
from tessera.domain.shared.bounds import PRODUCT_NAME_LENGTH, checked_text
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money
from tessera.domain.shared.rules import check_rule


class ProductStatus(enum.Enum):
    LISTED = "listed"
    DISCONTINUED = "discontinued"


@attrs.define(slots=False, eq=False)
class Product(AggregateRoot):
    """Something the shop sells, under one SKU, at one price."""

    sku: Sku
    name: str
    price: Money
    status: ProductStatus = ProductStatus.LISTED

    @classmethod
    def list(cls, sku: Sku, name: str, price: Money) -> Product:
        """Put a new product on sale."""
        name = checked_text("product name", name, PRODUCT_NAME_LENGTH)
        check_rule(PriceMustBePositive(price))
        product = cls(sku=sku, name=name, price=price)
        product._record(ProductListed(sku, product.name, price))
        return product

    @property
    def is_discontinued(self) -> bool:
        return self.status is ProductStatus.DISCONTINUED

    def reprice(self, new_price: Money) -> None:
        """Sell the product at a new price from now on."""
        check_rule(DiscontinuedProductCannotBeRepriced(self.sku, self.is_discontinued))
        check_rule(PriceMustBePositive(new_price))
        if new_price == self.price:
            return
        old_price, self.price = self.price, new_price
        self._record(ProductRepriced(self.sku, old_price, new_price))

    def discontinue(self) -> bool:
        """Take the product off sale for good; True if this call did it (twice changes nothing)."""
        if self.is_discontinued:
            return False
        self.status = ProductStatus.DISCONTINUED
        self._record(ProductDiscontinued(self.sku))
        return True
