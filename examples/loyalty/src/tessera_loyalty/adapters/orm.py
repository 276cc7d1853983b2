"""Loyalty's tables, and the imperative mapping of its domain classes onto them."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, event
from sqlalchemy.orm import registry

from adapters.persistence.types import (
    ExactDecimal,
    IdentifierType,
    MoneyComposite,
    enum_values,
    restore_unmapped_state,
)
from domain.shared.identifiers import OrderId
from domain.shared.money import Money
from tessera_loyalty.domain.account import Account, KnownOrder, OrderProgress

metadata = MetaData()

accounts = Table(
    "loyalty_accounts",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("points", BigInteger, nullable=False),
    Column("orders", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

known_orders = Table(
    "loyalty_orders",
    metadata,
    Column("order_id", IdentifierType(OrderId), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("total_amount", ExactDecimal(), nullable=False),
    Column("total_currency", String(3), nullable=False),
    Column("progress", enum_values(OrderProgress), nullable=False),
    Column("version", Integer, nullable=False),
)

_mapper_registry = registry(metadata=metadata)


def start_mappers() -> None:
    """Map loyalty's classes once per process; later calls do nothing."""
    if Account in {m.class_ for m in _mapper_registry.mappers}:
        return
    _mapper_registry.map_imperatively(
        Account, accounts, version_id_col=accounts.c.version, version_id_generator=False
    )
    _mapper_registry.map_imperatively(
        KnownOrder,
        known_orders,
        properties={
            "total": MoneyComposite(
                Money, known_orders.c.total_amount, known_orders.c.total_currency
            )
        },
        version_id_col=known_orders.c.version,
        version_id_generator=False,
    )
    event.listen(Account, "load", restore_unmapped_state)
    event.listen(KnownOrder, "load", restore_unmapped_state)
