"""Parameter types: malformed values are usage errors (exit 2) before any use case runs.

Numbers on the command line are plain ASCII: no other scripts' digits, no digit separators,
no exponents. Whether a well-formed number is allowed (above zero, within its bound) is the
domain's business, so that it says the same on every path.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import click

from tessera.domain.shared.bounds import quoted

_WHOLE = re.compile(r"-?[0-9]{1,60}")
_AMOUNT = re.compile(r"-?[0-9]{1,60}(\.[0-9]{1,60})?")


def whole_number(text: str) -> int | None:
    """The whole number `text` plainly writes, or None."""
    return int(text) if _WHOLE.fullmatch(text) else None


class WholeNumber(click.ParamType[int]):
    """A whole number; with a range, one outside it is a usage error too."""

    name = "number"

    def __init__(self, least: int | None = None, most: int | None = None) -> None:
        self.range = None if least is None or most is None else range(least, most + 1)

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        number = value if isinstance(value, int) else whole_number(str(value))
        if number is None or isinstance(number, bool):
            self.fail(f"{quoted(value)} is not a whole number (write it like 12)", param, ctx)
        if self.range is not None and number not in self.range:
            low, high = self.range[0], self.range[-1]
            self.fail(f"{number} is not from {low:,} to {high:,}", param, ctx)
        return number


class DecimalAmount(click.ParamType[Decimal]):
    name = "amount"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        if isinstance(value, Decimal):
            return value
        if not _AMOUNT.fullmatch(str(value)):
            self.fail(f"{quoted(value)} is not an amount (write it like 12.50)", param, ctx)
        return Decimal(str(value))


class Moment(click.ParamType[datetime]):
    """A date or a date and time in ISO 8601 (`2026-11-25`, `2026-11-25T14:30`,
    `2026-11-25T14:30:00+01:00`); without a time zone, UTC."""

    name = "when"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value)
        try:
            if not text.isascii():
                raise ValueError(text)
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{quoted(value)} is not a date or time (write it like 2026-11-25T14:30)")
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


AMOUNT = DecimalAmount()
MOMENT = Moment()
WHOLE_NUMBER = WholeNumber()
