"""Loyalty's tables, and the imperative mapping of its domain classes onto them."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table

from tessera.adapters.persistence.mapping import Mappings
from tessera.adapters.persistence.types import (
    ExactDecimal,
    IdentifierType,
    MoneyComposite,
    enum_values,
)
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money
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


def describe(mappings: Mappings) -> None:
    """How loyalty's classes map onto its tables."""
    mappings.aggregate(Account, accounts)
    total = MoneyComposite(Money, known_orders.c.total_amount, known_orders.c.total_currency)
    mappings.aggregate(KnownOrder, known_orders, total=total)


start_mappers = Mappings(metadata, describe)
"""Map loyalty's classes once per process; later calls do nothing."""
