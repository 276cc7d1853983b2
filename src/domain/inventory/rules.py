"""Inventory's business rules, each named after what it protects."""

from __future__ import annotations

import attrs

from tessera.domain.shared.bounds import MAX_STOCK
from tessera.domain.shared.identifiers import Sku


@attrs.frozen
class StockMustStayWithinBounds:
    """A SKU's stock counters stay below MAX_STOCK, so that no sum of them can overflow."""

    sku: Sku
    received: int
    adding: int

    @property
    def message(self) -> str:
        return (
            f"cannot receive {self.adding} more of {self.sku}: {self.received:,} were received"
            f" already, and a SKU takes at most {MAX_STOCK:,}"
        )

    def is_broken(self) -> bool:
        return self.received + self.adding > MAX_STOCK


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
class ReleaseMustNotExceedReservedStock:
    """Only stock that is set aside can be given back or shipped against a reservation."""

    sku: Sku
    requested: int
    reserved: int

    @property
    def message(self) -> str:
        return f"cannot take {self.requested} of {self.sku} from reserved stock of {self.reserved}"

    def is_broken(self) -> bool:
        return self.requested > self.reserved


@attrs.frozen
class StockIsReceivedOnlyForSellableProducts:
    """Goods the catalog does not sell (or no longer sells) are not taken into stock."""

    sku: Sku
    listed: bool
    discontinued: bool

    @property
    def message(self) -> str:
        if not self.listed:
            return (
                f"{self.sku} is not in the catalog as inventory knows it: list it before"
                " receiving stock (a listing just made may not have reached inventory yet)"
            )
        return f"{self.sku} is discontinued; no more stock is received for it"

    def is_broken(self) -> bool:
        return not self.listed or self.discontinued
