"""Ordering's tables, and how its domain classes map onto them (adapters.persistence.mapping)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Integer, MetaData, String, Table

from tessera.adapters.persistence.mapping import Children, Mappings
from tessera.adapters.persistence.types import (
    ExactDecimal,
    IdentifierType,
    MoneyComposite,
    UtcDateTime,
    enum_values,
)
from tessera.domain.ordering.fulfilment import Fulfilment
from tessera.domain.ordering.order import CancelReason, Order, OrderLine, OrderStatus
from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money

metadata = MetaData()

orders = Table(
    "orders",
    metadata,
    Column("id", IdentifierType(OrderId), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("shipping_address", String(500), nullable=False),
    Column("status", enum_values(OrderStatus), nullable=False, index=True),
    Column("cancel_reason", enum_values(CancelReason)),
    Column("tracking_number", String(64)),
    Column("version", Integer, nullable=False),
    Column("placed_at", UtcDateTime(), index=True),
    Column("cancelled_at", UtcDateTime()),
    Column("number", BigInteger, nullable=False, index=True, unique=True),
)

order_numbers = Table(
    "order_numbers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last", BigInteger, nullable=False),
)
"""One row (id 1): the last order number given."""

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", IdentifierType(OrderId), ForeignKey("orders.id"), primary_key=True),
    Column("sku", IdentifierType(Sku), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_amount", ExactDecimal(), nullable=False),
    Column("unit_price_currency", String(3), nullable=False),
)

fulfilments = Table(
    "fulfilments",
    metadata,
    Column("order_id", IdentifierType(OrderId), primary_key=True),
    Column("card_token", String(64), nullable=False),
    Column("payment_requested", Boolean, nullable=False),
    Column("shipment_requested", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)

price_list = Table(
    "price_list",
    metadata,
    Column("sku", IdentifierType(Sku), primary_key=True),
    Column("price_amount", ExactDecimal(), nullable=False),
    Column("price_currency", String(3), nullable=False),
    Column("on_sale", Boolean, nullable=False),
)


def _describe(mappings: Mappings) -> None:
    unit_price = MoneyComposite(
        Money, order_lines.c.unit_price_amount, order_lines.c.unit_price_currency
    )
    mappings.part(OrderLine, order_lines, unit_price=unit_price)
    mappings.aggregate(Order, orders, lines=Children(OrderLine, order_by=order_lines.c.sku))
    mappings.aggregate(Fulfilment, fulfilments)
    price = MoneyComposite(Money, price_list.c.price_amount, price_list.c.price_currency)
    mappings.part(ListedPrice, price_list, price=price)


start_mappers = Mappings(metadata, _describe)
"""Map ordering's classes once per process; later calls do nothing."""
