"""The catalog's unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.domain.catalog.repository import ProductRepository


class CatalogUnitOfWork(ConsumingUnitOfWork, Protocol):
    """One atomic change to the catalog's own database."""

    @property
    def products(self) -> ProductRepository: ...
