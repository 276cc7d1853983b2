"""Inventory's tables, and how its domain classes map onto them (adapters.persistence.mapping)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, Table

from tessera.adapters.persistence.mapping import Children, Mappings
from tessera.adapters.persistence.types import IdentifierType, enum_values
from tessera.domain.inventory.allocation import (
    Allocation,
    AllocationLine,
    AllocationStatus,
    Rejection,
)
from tessera.domain.inventory.catalogue import CataloguedProduct
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.identifiers import OrderId, Sku

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


def _describe(mappings: Mappings) -> None:
    mappings.part(CataloguedProduct, catalogue)
    mappings.aggregate(StockItem, stock_items)
    mappings.part(AllocationLine, allocation_lines)
    mappings.aggregate(Allocation, allocations, lines=Children(AllocationLine))


start_mappers = Mappings(metadata, _describe)
"""Map inventory's classes once per process; later calls do nothing."""
