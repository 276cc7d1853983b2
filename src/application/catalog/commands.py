"""Commands the catalog accepts: what a user or another system asks it to do."""

from __future__ import annotations

from decimal import Decimal

import attrs


@attrs.frozen
class ListProduct:
    sku: str
    name: str
    price: Decimal | str
    currency: str = "EUR"


@attrs.frozen
class RepriceProduct:
    sku: str
    price: Decimal | str
    currency: str | None = None
    """The new price's currency; the current one when not given."""


@attrs.frozen
class DiscontinueProduct:
    sku: str
