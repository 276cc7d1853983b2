"""Inventory's unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from tessera.application.shared.inbox import ConsumingUnitOfWork
from tessera.domain.inventory.catalogue import CatalogueRepository
from tessera.domain.inventory.repository import AllocationRepository, StockItemRepository


class InventoryUnitOfWork(ConsumingUnitOfWork, Protocol):
    """One atomic change to inventory's own database."""

    @property
    def stock(self) -> StockItemRepository: ...

    @property
    def catalogue(self) -> CatalogueRepository: ...

    @property
    def allocations(self) -> AllocationRepository: ...
