"""The catalog's business rules, each named after what it protects."""

from __future__ import annotations

import attrs

from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money


@attrs.frozen
class PriceMustBePositive:
    price: Money

    @property
    def message(self) -> str:
        return f"price must be greater than zero, not {self.price}"

    def is_broken(self) -> bool:
        return not self.price.is_positive


@attrs.frozen
class DiscontinuedProductCannotBeRepriced:
    sku: Sku
    discontinued: bool

    @property
    def message(self) -> str:
        return f"product {self.sku} is discontinued and cannot be repriced"

    def is_broken(self) -> bool:
        return self.discontinued


@attrs.frozen
class SkuIsListedOnce:
    sku: Sku
    already_listed: bool

    discontinued: bool = False

    @property
    def message(self) -> str:
        if self.discontinued:
            return f"product {self.sku} was discontinued; a discontinued SKU is not listed again"
        return f"product {self.sku} is already listed"

    def is_broken(self) -> bool:
        return self.already_listed
