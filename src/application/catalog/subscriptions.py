"""What the catalog does when other contexts announce something: nothing yet."""

from __future__ import annotations

from tessera.application.catalog.unit_of_work import CatalogUnitOfWork
from tessera.application.shared.bus import Reactions


def catalog_reactions() -> Reactions[CatalogUnitOfWork]:
    return {}
