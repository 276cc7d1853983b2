"""Shipping's tables, and how its domain classes map onto them (adapters.persistence.mapping)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

from tessera.adapters.persistence.mapping import Mappings
from tessera.adapters.persistence.types import IdentifierType, enum_values
from tessera.domain.shared.bounds import SHIPMENT_ID_LENGTH
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shipping.shipment import Shipment, ShipmentStatus

metadata = MetaData()

shipments = Table(
    "shipments",
    metadata,
    Column("id", String(SHIPMENT_ID_LENGTH), primary_key=True),
    Column("order_id", IdentifierType(OrderId), nullable=False, unique=True),
    Column("address", String(500), nullable=False),
    Column("status", enum_values(ShipmentStatus), nullable=False),
    Column("tracking_number", String(64)),
    Column("version", Integer, nullable=False),
)


def _describe(mappings: Mappings) -> None:
    mappings.aggregate(Shipment, shipments)


start_mappers = Mappings(metadata, _describe)
"""Map shipping's classes once per process; later calls do nothing."""
