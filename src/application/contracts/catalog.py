"""What the catalog publishes: the products for sale and their prices."""

from __future__ import annotations

from decimal import Decimal

import attrs

from tessera.application.shared.integration import integration_event

SOURCE = "catalog"
"""The name catalog publishes under, subscribes under and keeps its database under."""


@integration_event(SOURCE, "ProductListed", version=1, subject="sku")
@attrs.frozen
class ProductListed:
    sku: str
    name: str
    price: Decimal
    currency: str


@integration_event(SOURCE, "ProductPriceChanged", version=1, subject="sku")
@attrs.frozen
class ProductPriceChanged:
    sku: str
    price: Decimal
    currency: str


@integration_event(SOURCE, "ProductDiscontinued", version=1, subject="sku")
@attrs.frozen
class ProductDiscontinued:
    sku: str
