"""The stated bounds of every number and text the shop keeps.

Each bound is below what every column used for it holds (SQLite, and PostgreSQL, where
INTEGER is 32 bits and VARCHAR(n) counts characters), so that no path — the command line,
the Python API or a message from another context — can store what a database would refuse.
"""

from __future__ import annotations

import enum
import unicodedata
from typing import Final, TypeVar

import attrs

from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.rules import check_rule

E = TypeVar("E", bound=enum.Enum)

MAX_QUANTITY: Final = 1_000_000
"""The most units of one SKU on one order line, or in one delivery of stock."""

MAX_STOCK: Final = 2_000_000_000
"""The most units of one SKU ever received; it keeps every stock counter a 32-bit integer."""

MAX_ORDER_LINES: Final = 100

MAX_ORDER_NUMBER: Final = 2**63 - 1
"""The highest order number: what a 64-bit integer column holds."""

PRODUCT_NAME_LENGTH: Final = 200
CUSTOMER_ID_LENGTH: Final = 64
ADDRESS_LENGTH: Final = 500
CARD_TOKEN_LENGTH: Final = 64
TRACKING_NUMBER_LENGTH: Final = 64
REASON_LENGTH: Final = 200
SHIPMENT_ID_LENGTH: Final = 40

# Line breaks, tabs and escape codes would break every table and log line that shows the
# text; bidirectional overrides make it read differently from what is stored.
_UNPRINTABLE_CATEGORIES: Final = {"Cc", "Cs", "Zl", "Zp"}
_BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def quoted(value: object, at_most: int = 40) -> str:
    """A value as it may appear in a one-line message: escaped, and cut if very long."""
    text = repr(value)
    return text if len(text) <= at_most else f"{text[: at_most - 1]}…"


def clipped(text: str, max_length: int) -> str:
    """Another system's text made fit to keep: control characters become spaces, and what is
    beyond `max_length` characters is cut. For what Tessera does not choose, such as a
    gateway's reason; what a user types is refused instead."""
    printable = "".join(c if is_printable(c) else " " for c in str(text)).strip()
    return printable if len(printable) <= max_length else f"{printable[: max_length - 1]}…"


def is_printable(text: str) -> bool:
    return not any(
        unicodedata.category(c) in _UNPRINTABLE_CATEGORIES or c in _BIDI_CONTROLS for c in text
    )


@attrs.frozen
class TextMustNotBeBlank:
    what: str
    value: object

    @property
    def message(self) -> str:
        if not isinstance(self.value, str):
            return f"{self.what} must be text, not {type(self.value).__name__}"
        return f"{self.what} must not be empty"

    def is_broken(self) -> bool:
        return not isinstance(self.value, str) or not self.value.strip()


@attrs.frozen
class TextMustFitItsBound:
    what: str
    value: str
    max_length: int

    @property
    def message(self) -> str:
        return f"{self.what} must be at most {self.max_length} characters, not {len(self.value)}"

    def is_broken(self) -> bool:
        return len(self.value) > self.max_length


@attrs.frozen
class TextMustBePrintable:
    what: str
    value: str

    @property
    def message(self) -> str:
        return f"{self.what} must not contain line breaks, tabs or control characters"

    def is_broken(self) -> bool:
        return not is_printable(self.value)


def checked_text(what: str, value: object, max_length: int) -> str:
    """The text without surrounding blanks, once it is known to be non-blank, printable text
    of at most `max_length` characters."""
    check_rule(TextMustNotBeBlank(what, value))
    assert isinstance(value, str)  # the rule above guarantees it
    text = value.strip()
    check_rule(TextMustFitItsBound(what, text, max_length))
    check_rule(TextMustBePrintable(what, text))
    return text


def member_of(kind: type[E], value: object) -> E:
    """The member of an enumeration that `value` names, or a one-line refusal listing them."""
    for member in kind:
        if member.value == value:
            return member
    names = ", ".join(str(member.value) for member in kind)
    raise BusinessRuleViolation(
        f"{kind.__name__}MustBeKnown", f"{quoted(value)} is not one of: {names}"
    )


@attrs.frozen
class QuantityMustBeWithinBounds:
    """A quantity is a whole number from 1 to MAX_QUANTITY."""

    what: str
    quantity: object

    @property
    def message(self) -> str:
        return (
            f"{self.what} must be a whole number from 1 to {MAX_QUANTITY:,},"
            f" not {quoted(self.quantity)}"
        )

    def is_broken(self) -> bool:
        return (
            isinstance(self.quantity, bool)
            or not isinstance(self.quantity, int)
            or not 1 <= self.quantity <= MAX_QUANTITY
        )
