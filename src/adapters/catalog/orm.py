"""The catalog's tables, and the imperative mapping of its domain classes onto them."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, event
from sqlalchemy.orm import registry

from adapters.persistence.types import (
    ExactDecimal,
    IdentifierType,
    MoneyComposite,
    enum_values,
    restore_unmapped_state,
)
from domain.catalog.product import Product, ProductStatus
from domain.shared.identifiers import Sku
from domain.shared.money import Money

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

_mapper_registry = registry(metadata=metadata)


def start_mappers() -> None:
    """Map the catalog's classes once per process; later calls do nothing."""
    if Product in {m.class_ for m in _mapper_registry.mappers}:
        return
    _mapper_registry.map_imperatively(
        Product,
        products,
        properties={
            "price": MoneyComposite(Money, products.c.price_amount, products.c.price_currency)
        },
        version_id_col=products.c.version,
        version_id_generator=False,
    )
    event.listen(Product, "load", restore_unmapped_state)
