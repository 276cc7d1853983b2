"""Ordering's tables, and the imperative mapping of its domain classes onto them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, String, Table, event
from sqlalchemy.orm import registry, relationship

from adapters.persistence.types import (
    ExactDecimal,
    IdentifierType,
    MoneyComposite,
    UtcDateTime,
    enum_values,
    restore_unmapped_state,
)
from domain.ordering.fulfilment import Fulfilment
from domain.ordering.order import CancelReason, Order, OrderLine, OrderStatus
from domain.ordering.price_list import ListedPrice
from domain.shared.identifiers import OrderId, Sku
from domain.shared.money import Money

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
)

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

_mapper_registry = registry(metadata=metadata)


def start_mappers() -> None:
    """Map ordering's classes once per process; later calls do nothing."""
    if Order in {m.class_ for m in _mapper_registry.mappers}:
        return
    _mapper_registry.map_imperatively(
        OrderLine,
        order_lines,
        properties={
            "unit_price": MoneyComposite(
                Money, order_lines.c.unit_price_amount, order_lines.c.unit_price_currency
            )
        },
    )
    _mapper_registry.map_imperatively(
        Order,
        orders,
        properties={
            "lines": relationship(
                OrderLine, cascade="all, delete-orphan", lazy="joined", order_by=order_lines.c.sku
            )
        },
        version_id_col=orders.c.version,
        version_id_generator=False,
    )
    _mapper_registry.map_imperatively(
        Fulfilment,
        fulfilments,
        version_id_col=fulfilments.c.version,
        version_id_generator=False,
    )
    _mapper_registry.map_imperatively(
        ListedPrice,
        price_list,
        properties={
            "price": MoneyComposite(Money, price_list.c.price_amount, price_list.c.price_currency)
        },
    )
    event.listen(Order, "load", restore_unmapped_state)
    event.listen(Fulfilment, "load", restore_unmapped_state)
