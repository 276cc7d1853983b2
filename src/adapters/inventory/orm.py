"""Inventory's tables, and the imperative mapping of its domain classes onto them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, Table, event
from sqlalchemy.orm import registry, relationship

from adapters.persistence.types import IdentifierType, enum_values, restore_unmapped_state
from domain.inventory.allocation import Allocation, AllocationLine, AllocationStatus, Rejection
from domain.inventory.catalogue import CataloguedProduct
from domain.inventory.stock_item import StockItem
from domain.shared.identifiers import OrderId, Sku

metadata = MetaData()

stock_items = Table(
    "stock_items",
    metadata,
    Column("sku", IdentifierType(Sku), primary_key=True),
    Column("received", Integer, nullable=False),
    Column("shipped", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

catalogue = Table(
    "catalogue",
    metadata,
    Column("sku", IdentifierType(Sku), primary_key=True),
    Column("discontinued", Boolean, nullable=False),
)

allocations = Table(
    "allocations",
    metadata,
    Column("order_id", IdentifierType(OrderId), primary_key=True),
    Column("status", enum_values(AllocationStatus), nullable=False),
    Column("rejection", enum_values(Rejection)),
    Column("version", Integer, nullable=False),
)

allocation_lines = Table(
    "allocation_lines",
    metadata,
    Column(
        "order_id", IdentifierType(OrderId), ForeignKey("allocations.order_id"), primary_key=True
    ),
    Column("sku", IdentifierType(Sku), primary_key=True),
    Column("quantity", Integer, nullable=False),
)

_mapper_registry = registry(metadata=metadata)


def start_mappers() -> None:
    """Map inventory's classes once per process; later calls do nothing."""
    if StockItem in {m.class_ for m in _mapper_registry.mappers}:
        return
    _mapper_registry.map_imperatively(CataloguedProduct, catalogue)
    _mapper_registry.map_imperatively(
        StockItem,
        stock_items,
        version_id_col=stock_items.c.version,
        version_id_generator=False,
    )
    _mapper_registry.map_imperatively(AllocationLine, allocation_lines)
    _mapper_registry.map_imperatively(
        Allocation,
        allocations,
        properties={
            "lines": relationship(AllocationLine, cascade="all, delete-orphan", lazy="joined")
        },
        version_id_col=allocations.c.version,
        version_id_generator=False,
    )
    event.listen(StockItem, "load", restore_unmapped_state)
    event.listen(Allocation, "load", restore_unmapped_state)
