"""What the catalog publishes: the products for sale and their prices."""

from __future__ import annotations

from decimal import Decimal

import attrs

from application.shared.integration import integration_event


@integration_event("catalog", "ProductListed", version=1, subject="sku")
@attrs.frozen
class ProductListed:
    sku: str
    name: str
    price: Decimal
    currency: str


@integration_event("catalog", "ProductPriceChanged", version=1, subject="sku")
@attrs.frozen
class ProductPriceChanged:
    sku: str
    price: Decimal
    currency: str


@integration_event("catalog", "ProductDiscontinued", version=1, subject="sku")
@attrs.frozen
class ProductDiscontinued:
    sku: str
