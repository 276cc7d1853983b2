"""The catalog's tables, and how its domain classes map onto them (adapters.persistence.mapping)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

from tessera.adapters.persistence.mapping import Mappings
from tessera.adapters.persistence.types import (
    ExactDecimal,
    IdentifierType,
    MoneyComposite,
    enum_values,
)
from tessera.domain.catalog.product import Product, ProductStatus
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money

metadata = MetaData()

products = Table(
    "products",
    metadata,
    Column("sku", IdentifierType(Sku), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("price_amount", ExactDecimal(), nullable=False),
    Column("price_currency", String(3), nullable=False),
    Column("status", enum_values(ProductStatus), nullable=False),
    Column("version", Integer, nullable=False),
)


def _describe(mappings: Mappings) -> None:
    price = MoneyComposite(Money, products.c.price_amount, products.c.price_currency)
    mappings.aggregate(Product, products, price=price)


start_mappers = Mappings(metadata, _describe)
"""Map the catalog's classes once per process; later calls do nothing."""
