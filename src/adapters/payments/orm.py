"""Payments' tables, and the imperative mapping of its domain classes onto them."""

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
from domain.payments.payment import Payment, PaymentStatus
from domain.shared.identifiers import OrderId
from domain.shared.money import Money

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

_mapper_registry = registry(metadata=metadata)


def start_mappers() -> None:
    """Map payments' classes once per process; later calls do nothing."""
    if Payment in {m.class_ for m in _mapper_registry.mappers}:
        return
    _mapper_registry.map_imperatively(
        Payment,
        payments,
        properties={
            "amount": MoneyComposite(Money, payments.c.amount_value, payments.c.currency),
            "refunded": MoneyComposite(Money, payments.c.refunded_amount, payments.c.currency),
        },
        version_id_col=payments.c.version,
        version_id_generator=False,
    )
    event.listen(Payment, "load", restore_unmapped_state)
