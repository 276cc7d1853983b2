"""The published language as JSON Schema (2020-12): one schema per event type and version,
generated from its contract class, and what a change to a schema breaks.

A consumer ignores fields it does not know, so a new optional field is compatible. Anything
else that changes an existing version (a field removed or renamed, its type or nullability
changed, a field that becomes required or stops being required, a new required field, a
version no longer published) breaks either the consumers of the old version or, during a
rollout, a new consumer reading an old publisher: such a change is a new version.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs

from tessera.application.shared.envelope import schema_of

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
"""How an amount travels: a decimal number as text, exact."""
_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    float: {"type": "number"},
    Decimal: {"type": "string", "pattern": DECIMAL},
}


def schema(event_type: str, contract: type) -> dict[str, Any]:
    """The JSON Schema of an event's `data`, as its contract class publishes it."""
    return {
        "$schema": DIALECT,
        "$id": schema_of(event_type),
        "title": event_type,
        **_object(contract),
    }


def _object(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    return {
        "type": "object",
        "properties": {f.name: _of(hints[f.name], f"{cls.__name__}.{f.name}") for f in fields},
        "required": [f.name for f in fields if f.default is attrs.NOTHING],
    }


def _of(hint: Any, where: str) -> dict[str, Any]:
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin is list and len(arguments) == 1:
        return {"type": "array", "items": _of(arguments[0], f"{where}[]")}
    if origin in (types.UnionType, typing.Union) and type(None) in arguments:
        [inner] = [argument for argument in arguments if argument is not type(None)]
        return {"anyOf": [_of(inner, where), {"type": "null"}]}
    if isinstance(hint, type) and attrs.has(hint):
        return _object(hint)
    raise TypeError(
        f"{where}: {hint!r} has no JSON Schema in the published language; use str, int, bool,"
        " float, Decimal, lists, optional values and attrs classes"
    )


def breaks(event_type: str, published: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What the code's schema `now` breaks of the schema `published`, one line each."""
    return [f"{event_type}: {each}" for each in _breaks("data", published, now)]


def _breaks(path: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    if old.get("type") == new.get("type") == "object":
        before, after = old.get("properties", {}), new.get("properties", {})
        was, now = set(old.get("required", ())), set(new.get("required", ()))
        for name in sorted(before):
            field = f"{path}.{name}"
            if name not in after:
                yield f"{field} was removed (or renamed)"
                continue
            if (name in was) != (name in now):
                yield f"{field} {'became required' if name in now else 'is no longer required'}"
            yield from _breaks(field, before[name], after[name])
        for name in sorted(set(after) - set(before)):
            if name in now:
                yield f"{path}.{name} was added as required (a new field must be optional)"
    elif old.get("type") == new.get("type") == "array":
        yield from _breaks(f"{path}[]", old.get("items", {}), new.get("items", {}))
    elif _shape(old) != _shape(new):
        yield f"{path} changed from {_shape(old)} to {_shape(new)}"


def _shape(schema: dict[str, Any]) -> str:
    """A schema's type as a person reads it: `integer`, `decimal or null`, `object`."""
    if "anyOf" in schema:
        return " or ".join(_shape(each) for each in schema["anyOf"])
    if schema.get("pattern") == DECIMAL:
        return "decimal"
    if schema.get("type") == "array":
        return f"array of {_shape(schema.get('items', {}))}"
    return str(schema.get("type", "anything"))
