"""Typed identifiers, so that an order id can never be passed where a SKU is meant."""

from __future__ import annotations

import os
import re
import threading
import time
import uuid

import attrs

from tessera.domain.shared.bounds import quoted
from tessera.domain.shared.rules import check_rule

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
        """A new, time-ordered id (UUID version 7, as hex): ids made later sort later."""
        return cls(uuid7().hex)

    def __str__(self) -> str:
        return self.value


_last = [0, 0]
"""The millisecond and the counter of the last UUID made in this process."""
_making = threading.Lock()


def uuid7() -> uuid.UUID:
    """A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits, of
    which the first 12 count up within a millisecond (method 1), so that the UUIDs one process
    makes are strictly increasing; across processes they are ordered to the millisecond."""
    with _making:
        now = time.time_ns() // 1_000_000
        millisecond, counter = _last
        if now > millisecond:
            millisecond, counter = now, int.from_bytes(os.urandom(2)) & 0x7FF  # room to count
        elif counter < 0xFFF:
            counter += 1
        else:  # 4,096 in one millisecond: borrow the next one
            millisecond, counter = millisecond + 1, 0
        _last[:] = [millisecond, counter]
    random = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
    value = (millisecond & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | random
    return uuid.UUID(int=value)
