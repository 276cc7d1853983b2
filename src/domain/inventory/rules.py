"""Inventory's business rules, each named after what it protects."""

from __future__ import annotations

import attrs

from domain.shared.identifiers import OrderId, Sku


@attrs.frozen
class QuantityMustBePositive:
    quantity: int

    @property
    def message(self) -> str:
        return f"quantity must be a positive whole number, not {self.quantity!r}"

    def is_broken(self) -> bool:
        return (
            isinstance(self.quantity, bool)
            or not isinstance(self.quantity, int)
            or self.quantity <= 0
        )


@attrs.frozen
class ReservationMustNotExceedAvailableStock:
    sku: Sku
    requested: int
    available: int

    @property
    def message(self) -> str:
        return f"cannot reserve {self.requested} of {self.sku}: only {self.available} available"

    def is_broken(self) -> bool:
        return self.requested > self.available


@attrs.frozen
class OrderHoldsOneReservationPerSku:
    sku: Sku
    order_id: OrderId
    held: int | None
    requested: int

    @property
    def message(self) -> str:
        return (
            f"order {self.order_id} already holds {self.held} of {self.sku};"
            f" it cannot reserve {self.requested} instead"
        )

    def is_broken(self) -> bool:
        return self.held is not None and self.held != self.requested


@attrs.frozen
class ReservationMustExist:
    sku: Sku
    order_id: OrderId
    held: int | None

    @property
    def message(self) -> str:
        return f"order {self.order_id} holds no reservation of {self.sku}"

    def is_broken(self) -> bool:
        return self.held is None


@attrs.frozen
class StockIsReceivedOnlyForSellableProducts:
    """Goods the catalog does not sell (or no longer sells) are not taken into stock."""

    sku: Sku
    listed: bool
    discontinued: bool

    @property
    def message(self) -> str:
        if not self.listed:
            return f"{self.sku} is not in the catalog; list it before receiving stock"
        return f"{self.sku} is discontinued; no more stock is received for it"

    def is_broken(self) -> bool:
        return not self.listed or self.discontinued
