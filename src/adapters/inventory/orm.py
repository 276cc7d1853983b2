"""Inventory's tables, and the imperative mapping of its domain classes onto them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, Table, event
from sqlalchemy.orm import registry, relationship

from adapters.persistence.types import IdentifierType
from domain.inventory.catalogue import CataloguedProduct
from domain.inventory.stock_item import Reservation, StockItem
from domain.shared.identifiers import OrderId, Sku

metadata = MetaData()

stock_items = Table(
    "stock_items",
    metadata,
    Column("sku", IdentifierType(Sku), primary_key=True),
    Column("received", Integer, nullable=False),
    Column("shipped", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

reservations = Table(
    "reservations",
    metadata,
    Column("sku", IdentifierType(Sku), ForeignKey("stock_items.sku"), primary_key=True),
    Column("order_id", IdentifierType(OrderId), primary_key=True),
    Column("quantity", Integer, nullable=False),
)

catalogue = Table(
    "catalogue",
    metadata,
    Column("sku", IdentifierType(Sku), primary_key=True),
    Column("discontinued", Boolean, nullable=False),
)

_mapper_registry = registry(metadata=metadata)


def _restore_unmapped_state(item: StockItem, _: Any) -> None:
    item._pending_events = []


def start_mappers() -> None:
    """Map inventory's classes once per process; later calls do nothing."""
    if StockItem in {m.class_ for m in _mapper_registry.mappers}:
        return
    _mapper_registry.map_imperatively(CataloguedProduct, catalogue)
    _mapper_registry.map_imperatively(Reservation, reservations)
    _mapper_registry.map_imperatively(
        StockItem,
        stock_items,
        properties={
            "reservations": relationship(
                Reservation,
                cascade="all, delete-orphan",
                lazy="selectin",
                order_by=reservations.c.order_id,
            )
        },
        version_id_col=stock_items.c.version,
        version_id_generator=False,
    )
    event.listen(StockItem, "load", _restore_unmapped_state)
