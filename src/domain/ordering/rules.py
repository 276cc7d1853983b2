"""Ordering's business rules, each named after what it protects."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from tessera.domain.shared.bounds import MAX_ORDER_LINES, MAX_ORDER_NUMBER, quoted
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import MAX_AMOUNT, Money


@attrs.frozen
class OrderMustHaveLines:
    count: int

    @property
    def message(self) -> str:
        if self.count > MAX_ORDER_LINES:
            return f"an order has at most {MAX_ORDER_LINES} lines, not {self.count}"
        return "an order needs at least one line"

    def is_broken(self) -> bool:
        return not 1 <= self.count <= MAX_ORDER_LINES


@attrs.frozen
class OrderNumberMustBeWithinBounds:
    """An order number is a whole number from 1 to MAX_ORDER_NUMBER."""

    number: object

    @property
    def message(self) -> str:
        return (
            f"an order number is a whole number from 1 to {MAX_ORDER_NUMBER:,},"
            f" not {quoted(self.number)}"
        )

    def is_broken(self) -> bool:
        return (
            isinstance(self.number, bool)
            or not isinstance(self.number, int)
            or not 1 <= self.number <= MAX_ORDER_NUMBER
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
class OrderTotalMustStayWithinBounds:
    total: Decimal

    @property
    def message(self) -> str:
        return f"an order's total must stay below {MAX_AMOUNT:,.0f}, not {self.total:,}"

    def is_broken(self) -> bool:
        return self.total >= MAX_AMOUNT


@attrs.frozen
class OrderIsInOneCurrency:
    currencies: frozenset[str]

    @property
    def message(self) -> str:
        return f"an order is paid in one currency, not {', '.join(sorted(self.currencies))}"

    def is_broken(self) -> bool:
        return len(self.currencies) > 1


@attrs.frozen
class OrderCanBeCancelledUntilShipmentIsRequested:
    order_id: str
    status: str

    @property
    def message(self) -> str:
        return f"order {self.order_id} is {self.status}; it can no longer be cancelled"

    def is_broken(self) -> bool:
        return self.status in {"paid", "shipped", "completed"}


@attrs.frozen
class CapturedMoneyMustBeTheTotal:
    """An order moves on only when payments took exactly what it costs."""

    captured: Money
    total: Money

    @property
    def message(self) -> str:
        return f"payments captured {self.captured} for an order of {self.total}"

    def is_broken(self) -> bool:
        return self.captured != self.total
