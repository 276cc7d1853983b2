"""Column types that keep domain values exact: typed identifiers, Decimal amounts, Money."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import DateTime, Dialect, Enum, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

from tessera.adapters.persistence.mapping import MoneyComposite

Identifier = TypeVar("Identifier")


class IdentifierType(TypeDecorator[Identifier], Generic[Identifier]):
    """Stores a typed identifier (Sku, OrderId) as its text and rebuilds it on load."""

    impl = String(64)
    cache_ok = True

    def __init__(self, identifier: Callable[[str], Identifier]) -> None:
        super().__init__()
        self._identifier = identifier

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Identifier | None:
        return None if value is None else self._identifier(value)


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal that round-trips exactly: NUMERIC where the database has it, text on SQLite."""

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(18, 4, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in time, stored in UTC and read back as an aware datetime in UTC. SQLite
    keeps it as ISO text, which sorts as time does."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError(f"a moment is an aware datetime, not {value!r}")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def enum_values(enum_class: type[enum.Enum]) -> Enum:
    """An enum stored as its values (`"awaiting_payment"`), readable in the database as text."""
    return Enum(
        enum_class,
        native_enum=False,
        values_callable=lambda members: [m.value for m in members],
        length=40,
    )


__all__ = ["ExactDecimal", "IdentifierType", "MoneyComposite", "UtcDateTime", "enum_values"]
