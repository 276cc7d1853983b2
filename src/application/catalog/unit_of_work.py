"""The catalog's unit-of-work port."""

from __future__ import annotations

from typing import Protocol

from application.shared.unit_of_work import UnitOfWork
from domain.catalog.repository import ProductRepository


class CatalogUnitOfWork(UnitOfWork, Protocol):
    """One atomic change to the catalog's own database."""

    @property
    def products(self) -> ProductRepository: ...
