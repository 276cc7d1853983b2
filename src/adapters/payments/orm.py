"""Payments' tables, and how its domain classes map onto them (adapters.persistence.mapping)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

from tessera.adapters.persistence.mapping import Mappings
from tessera.adapters.persistence.types import (
    ExactDecimal,
    IdentifierType,
    MoneyComposite,
    enum_values,
)
from tessera.domain.payments.payment import Payment, PaymentStatus
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money

metadata = MetaData()

payments = Table(
    "payments",
    metadata,
    Column("order_id", IdentifierType(OrderId), primary_key=True),
    Column("amount_value", ExactDecimal(), nullable=False),
    Column("refunded_amount", ExactDecimal(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", enum_values(PaymentStatus), nullable=False),
    Column("decline_reason", String(200)),
    Column("version", Integer, nullable=False),
)


def _describe(mappings: Mappings) -> None:
    mappings.aggregate(
        Payment,
        payments,
        amount=MoneyComposite(Money, payments.c.amount_value, payments.c.currency),
        refunded=MoneyComposite(Money, payments.c.refunded_amount, payments.c.currency),
    )


start_mappers = Mappings(metadata, _describe)
"""Map payments' classes once per process; later calls do nothing."""
