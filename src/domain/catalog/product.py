"""The Product aggregate."""

from __future__ import annotations

import enum

import attrs

from domain.catalog.events import ProductDiscontinued, ProductListed, ProductRepriced
from domain.catalog.rules import (
    DiscontinuedProductCannotBeRepriced,
    PriceMustBePositive,
    ProductNameMustNotBeBlank,
)
from domain.shared.aggregate import AggregateRoot
from domain.shared.identifiers import Sku
from domain.shared.money import Money
from domain.shared.rules import check_rule


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
        check_rule(ProductNameMustNotBeBlank(name))
        check_rule(PriceMustBePositive(price))
        product = cls(sku=sku, name=name.strip(), price=price)
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

    def discontinue(self) -> None:
        """Take the product off sale for good; discontinuing twice changes nothing."""
        if self.is_discontinued:
            return
        self.status = ProductStatus.DISCONTINUED
        self._record(ProductDiscontinued(self.sku))
