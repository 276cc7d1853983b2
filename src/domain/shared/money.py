"""Money: an exact amount in one currency. Never a float."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Final

import attrs

from tessera.domain.shared.bounds import quoted
from tessera.domain.shared.errors import BusinessRuleViolation, DomainError

# fmt: off
_TWO_DECIMALS = (
    "AED", "ARS", "AUD", "BDT", "BGN", "BRL", "CAD", "CHF", "CNY", "COP", "CZK", "DKK", "EGP",
    "EUR", "GBP", "GEL", "HKD", "HUF", "ILS", "INR", "KES", "KZT", "MAD", "MXN", "MYR", "NGN",
    "NOK", "NZD", "PEN", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "SAR", "SEK", "SGD", "THB",
    "TRY", "TWD", "UAH", "USD", "ZAR",
)
_NO_DECIMALS = (
    "CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND", "XAF", "XOF",
)
_THREE_DECIMALS = (
    "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND",
)
# fmt: on

CURRENCY_DECIMALS: Final[Mapping[str, int]] = MappingProxyType(
    dict.fromkeys(_TWO_DECIMALS, 2)
    | dict.fromkeys(_NO_DECIMALS, 0)
    | dict.fromkeys(_THREE_DECIMALS, 3)
)
"""The currencies Tessera knows, with their minor-unit decimals (ISO 4217)."""

MAX_AMOUNT: Final = Decimal(10) ** 12
"""Every amount is below a trillion units of its currency in size. With at most three
decimals that is 15 digits: exact in SQLite's text and in PostgreSQL's NUMERIC(18, 4)."""

# Plain decimal notation in ASCII digits: no exponent, no digit separators, no other scripts.
_PLAIN_AMOUNT = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?")


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies were combined."""


def _exact_amount(value: Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise TypeError(f"money amounts are Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise BusinessRuleViolation("MoneyAmountMustBeFinite", f"{value} is not an amount")
    if abs(value) >= MAX_AMOUNT:
        raise BusinessRuleViolation(
            "MoneyAmountMustBeWithinBounds",
            f"{quoted(str(value))} is beyond the largest amount Tessera handles"
            f" (below {MAX_AMOUNT:,.0f})",
        )
    return value


def _currency_code(value: str) -> str:
    if not isinstance(value, str) or value not in CURRENCY_DECIMALS:
        raise BusinessRuleViolation(
            "CurrencyMustBeKnown",
            f"currency must be an ISO 4217 code Tessera knows (EUR, USD, JPY, ...),"
            f" not {quoted(value)}",
        )
    return value


@attrs.frozen(order=False)
class Money:
    """An exact amount of one currency; arithmetic and comparison only within one currency."""

    amount: Decimal = attrs.field(converter=_exact_amount)
    currency: str = attrs.field(converter=_currency_code)

    def __attrs_post_init__(self) -> None:
        # Kept with exactly the currency's decimals: 3.00 EUR, 1000 JPY, never 3 or 1E+3.
        exponent = Decimal(1).scaleb(-CURRENCY_DECIMALS[self.currency])
        normal = self.amount.quantize(exponent)
        if normal != self.amount:
            raise BusinessRuleViolation(
                "MoneyHasAtMostItsCurrencyDecimals",
                f"{self.currency} amounts have at most {CURRENCY_DECIMALS[self.currency]}"
                f" decimals, not {quoted(str(self.amount))}",
            )
        object.__setattr__(self, "amount", normal)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse an amount written as plain decimal text (`"12.50"`), an int or a Decimal."""
        if isinstance(amount, str) and not _PLAIN_AMOUNT.fullmatch(amount.strip()):
            raise BusinessRuleViolation(
                "MoneyAmountMustBeANumber",
                f"{quoted(amount)} is not an amount of money (write it like 12.50)",
            )
        if isinstance(amount, bool) or not isinstance(amount, str | int | Decimal):
            raise BusinessRuleViolation(
                "MoneyAmountMustBeANumber",
                f"an amount of money is text, a whole number or a Decimal,"
                f" not {type(amount).__name__}",
            )
        try:
            value = Decimal(amount.strip() if isinstance(amount, str) else amount)
        except (InvalidOperation, ValueError):
            raise BusinessRuleViolation(
                "MoneyAmountMustBeANumber", f"{quoted(amount)} is not an amount of money"
            ) from None
        return cls(value, currency)

    @property
    def decimals(self) -> int:
        return CURRENCY_DECIMALS[self.currency]

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
