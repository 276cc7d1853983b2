"""Inventory's own knowledge of what the catalog sells, learnt from catalog's events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from tessera.domain.shared.identifiers import Sku


@attrs.define(slots=False, eq=False)
class CataloguedProduct:
    """A SKU the catalog has listed, and whether it has since been discontinued."""

    sku: Sku
    discontinued: bool = False


class CatalogueRepository(Protocol):
    def add(self, product: CataloguedProduct) -> None: ...

    def get(self, sku: Sku) -> CataloguedProduct | None: ...

    def all(self) -> Sequence[CataloguedProduct]: ...
