"""What the catalog publishes: the products for sale and their prices."""

from __future__ import annotations

from decimal import Decimal

import attrs

from tessera.application.contracts import ROLLOUT_ENDS
from tessera.application.shared.integration import integration_event, publish_alongside

SOURCE = "catalog"
"""The name catalog publishes under, subscribes under and keeps its database under."""


@integration_event(SOURCE, "ProductListed", version=2, subject="sku")
@attrs.frozen
class ProductListed:
    sku: str
    price: Decimal
    currency: str


@integration_event(SOURCE, "ProductListed", version=1, subject="sku")
@attrs.frozen
class ProductListedV1:
    """Published beside version 2 until the rollout ends; `name` is read by no one."""

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


publish_alongside(ProductListed, ProductListedV1, until=ROLLOUT_ENDS)
