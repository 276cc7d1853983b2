"""Commands the catalog accepts: what a user or another system asks it to do."""

from __future__ import annotations

from decimal import Decimal

import attrs

from tessera.application.catalog.queries import ProductView
from tessera.application.shared.bus import Command
from tessera.application.shared.outcome import Outcome


@attrs.frozen
class ListProduct(Command[ProductView]):
    sku: str
    name: str
    price: Decimal | str
    currency: str = "EUR"


@attrs.frozen
class RepriceProduct(Command[ProductView]):
    sku: str
    price: Decimal | str
    currency: str | None = None
    """The new price's currency; the current one when not given."""


@attrs.frozen
class DiscontinueProduct(Command[Outcome[ProductView]]):
    sku: str
