"""Ordering's own price list: what catalog sells and at what price, learnt from its events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money


@attrs.define(slots=False, eq=False)
class ListedPrice:
    """The price a SKU sells at, and whether it is still for sale."""

    sku: Sku
    price: Money
    on_sale: bool = True


class PriceList(Protocol):
    def add(self, price: ListedPrice) -> None: ...

    def get(self, sku: Sku) -> ListedPrice | None: ...

    def all(self) -> Sequence[ListedPrice]: ...
