"""The port through which the catalog keeps its products."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tessera.domain.catalog.product import Product
from tessera.domain.shared.identifiers import Sku


class ProductRepository(Protocol):
    """All products of the catalog, by SKU."""

    def add(self, product: Product) -> None: ...

    def get(self, sku: Sku) -> Product | None: ...

    def all(self) -> Sequence[Product]: ...
