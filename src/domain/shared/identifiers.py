"""Typed identifiers, so that an order id can never be passed where a SKU is meant."""

from __future__ import annotations

import re
import uuid

import attrs

from domain.shared.bounds import quoted
from domain.shared.rules import check_rule

_SKU = re.compile(r"[A-Z0-9-]{3,32}")
_ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@attrs.frozen
class SkuMustBeWellFormed:
    """A SKU is 3 to 32 characters of A-Z, 0-9 and '-'."""

    value: str

    @property
    def message(self) -> str:
        return f"SKU {quoted(self.value)} must be 3-32 characters of A-Z, 0-9 and '-'"

    def is_broken(self) -> bool:
        return not isinstance(self.value, str) or _SKU.fullmatch(self.value) is None


@attrs.frozen
class OrderIdMustBeWellFormed:
    """An order id is 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'."""

    value: str

    @property
    def message(self) -> str:
        return f"order id {quoted(self.value)} must be 1-64 characters of A-Z, a-z, 0-9, '-', '_'"

    def is_broken(self) -> bool:
        return not isinstance(self.value, str) or _ORDER_ID.fullmatch(self.value) is None


@attrs.frozen(order=True)
class Sku:
    """A stock-keeping unit: the one name every context uses for a thing that is sold."""

    value: str

    def __attrs_post_init__(self) -> None:
        check_rule(SkuMustBeWellFormed(self.value))

    def __str__(self) -> str:
        return self.value


@attrs.frozen(order=True)
class OrderId:
    """Identity of an order, shared by every context that works on it."""

    value: str

    def __attrs_post_init__(self) -> None:
        check_rule(OrderIdMustBeWellFormed(self.value))

    @classmethod
    def new(cls) -> OrderId:
        return cls(uuid.uuid4().hex)

    def __str__(self) -> str:
        return self.value
