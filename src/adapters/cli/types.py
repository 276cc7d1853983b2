"""Parameter types: malformed values are usage errors (exit 2) before any use case runs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click


class DecimalAmount(click.ParamType[Decimal]):
    name = "amount"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{value!r} is not an amount (write it like 12.50)", param, ctx)
        if not amount.is_finite():
            self.fail(f"{value!r} is not an amount (write it like 12.50)", param, ctx)
        return amount


AMOUNT = DecimalAmount()
