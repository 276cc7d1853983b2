"""Inventory's unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from application.shared.unit_of_work import UnitOfWork
from domain.inventory.repository import StockItemRepository


class InventoryUnitOfWork(UnitOfWork, Protocol):
    """One atomic change to inventory's own database."""

    @property
    def stock(self) -> StockItemRepository: ...
