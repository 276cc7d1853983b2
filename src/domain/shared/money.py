"""Money: an exact amount in one currency. Never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import attrs

from domain.shared.errors import BusinessRuleViolation, DomainError

_CURRENCY = re.compile(r"^[A-Z]{3}$")


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies were combined."""


def _exact_amount(value: Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise TypeError(f"money amounts are Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise BusinessRuleViolation("MoneyAmountMustBeFinite", f"{value} is not an amount")
    return value


def _currency_code(value: str) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise BusinessRuleViolation(
            "CurrencyMustBeIsoCode", f"currency must be a three-letter ISO code, not {value!r}"
        )
    return value


@attrs.frozen(order=False)
class Money:
    """An exact amount of one currency; arithmetic and comparison only within one currency."""

    amount: Decimal = attrs.field(converter=_exact_amount)
    currency: str = attrs.field(converter=_currency_code)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse an amount written as text (`"12.50"`), an int or a Decimal."""
        if isinstance(amount, float):
            raise TypeError("money is never built from a float")
        try:
            value = Decimal(amount)
        except (InvalidOperation, ValueError):
            raise BusinessRuleViolation(
                "MoneyAmountMustBeANumber", f"{amount!r} is not an amount of money"
            ) from None
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same_currency(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same_currency(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same_currency(other).amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("money is multiplied by whole quantities only")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same_currency(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same_currency(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same_currency(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same_currency(other).amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
