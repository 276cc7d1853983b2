"""The range a tunable setting must lie in, checked wherever the setting comes from."""

from __future__ import annotations

import math
import re
from typing import Any

import attrs

# Plain ASCII digits: no other scripts, separators or exponents.
_WHOLE = re.compile(r"-?[0-9]{1,30}")
_DECIMAL = re.compile(r"-?[0-9]{1,30}(\.[0-9]{1,30})?")


@attrs.frozen
class Bound:
    """The range a tunable setting must lie in, and how it is written in the environment."""

    kind: type[int] | type[float]
    least: float
    most: float

    def parse(self, variable: str, text: str) -> int | float:
        pattern = _WHOLE if self.kind is int else _DECIMAL
        if not pattern.fullmatch(text.strip()):
            what = "a whole number" if self.kind is int else "a number"
            raise ValueError(f"{variable} must be {what}, not {text!r}")
        value = self.kind(text.strip())
        self.check(variable, value)
        return value

    def check(self, name: str, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number, not {value!r}")
        if self.kind is int and not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number, not {value!r}")
        if not math.isfinite(value) or value < self.least:
            raise ValueError(f"{name} must be at least {self.least:g}, not {_shown(value)}")
        if value > self.most:
            raise ValueError(f"{name} must be at most {self.most:g}, not {_shown(value)}")

    def validator(self, _: Any, attribute: attrs.Attribute[Any], value: float) -> None:
        self.check(attribute.name, value)


def _shown(value: float) -> str:
    return str(value) if isinstance(value, int) and abs(value) < 10**30 else f"{value:g}"
