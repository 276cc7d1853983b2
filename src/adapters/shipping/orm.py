"""Shipping's tables, and the imperative mapping of its domain classes onto them."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, event
from sqlalchemy.orm import registry

from adapters.persistence.types import IdentifierType, enum_values, restore_unmapped_state
from domain.shared.identifiers import OrderId
from domain.shipping.shipment import Shipment, ShipmentStatus

metadata = MetaData()

shipments = Table(
    "shipments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", IdentifierType(OrderId), nullable=False, unique=True),
    Column("address", String(500), nullable=False),
    Column("status", enum_values(ShipmentStatus), nullable=False),
    Column("tracking_number", String(64)),
    Column("version", Integer, nullable=False),
)

_mapper_registry = registry(metadata=metadata)


def start_mappers() -> None:
    """Map shipping's classes once per process; later calls do nothing."""
    if Shipment in {m.class_ for m in _mapper_registry.mappers}:
        return
    _mapper_registry.map_imperatively(
        Shipment, shipments, version_id_col=shipments.c.version, version_id_generator=False
    )
    event.listen(Shipment, "load", restore_unmapped_state)
