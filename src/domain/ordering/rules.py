"""Ordering's business rules, each named after what it protects."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from domain.shared.identifiers import Sku


@attrs.frozen
class OrderMustHaveLines:
    count: int

    @property
    def message(self) -> str:
        return "an order needs at least one line"

    def is_broken(self) -> bool:
        return self.count == 0


@attrs.frozen
class LineQuantityMustBePositive:
    sku: Sku
    quantity: int

    @property
    def message(self) -> str:
        return f"quantity of {self.sku} must be a positive whole number, not {self.quantity!r}"

    def is_broken(self) -> bool:
        return (
            isinstance(self.quantity, bool)
            or not isinstance(self.quantity, int)
            or (self.quantity <= 0)
        )


@attrs.frozen
class SkuAppearsOncePerOrder:
    skus: Sequence[Sku]

    @property
    def message(self) -> str:
        twice = sorted({str(s) for s in self.skus if self.skus.count(s) > 1})
        return f"each SKU goes on one line; repeated: {', '.join(twice)}"

    def is_broken(self) -> bool:
        return len(set(self.skus)) != len(self.skus)


@attrs.frozen
class ProductMustBeOnSale:
    sku: Sku
    known: bool
    on_sale: bool

    @property
    def message(self) -> str:
        if not self.known:
            return f"{self.sku} is not in the catalog"
        return f"{self.sku} is no longer for sale"

    def is_broken(self) -> bool:
        return not (self.known and self.on_sale)


@attrs.frozen
class OrderIsInOneCurrency:
    currencies: frozenset[str]

    @property
    def message(self) -> str:
        return f"an order is paid in one currency, not {', '.join(sorted(self.currencies))}"

    def is_broken(self) -> bool:
        return len(self.currencies) > 1


@attrs.frozen
class MustNotBeBlank:
    what: str
    value: str

    @property
    def message(self) -> str:
        return f"{self.what} must not be empty"

    def is_broken(self) -> bool:
        return not self.value.strip()


@attrs.frozen
class OrderCanBeCancelledUntilShipmentIsRequested:
    order_id: str
    status: str

    @property
    def message(self) -> str:
        return f"order {self.order_id} is {self.status}; it can no longer be cancelled"

    def is_broken(self) -> bool:
        return self.status in {"paid", "shipped", "completed"}
