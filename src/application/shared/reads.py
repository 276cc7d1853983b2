"""What a reaction reads of the event it reacts to: the fields its first parameter's type
names. Annotated with the event's own class (or not at all: a lambda), it reads every field;
annotated with a Protocol, a reading of the event that the consuming context owns, it reads
only the members the Protocol declares, which mypy holds the reaction to.

Fields are named by path in the event's `data`: `order_id`, `lines[].sku`.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import attrs


class ReadsUnknownField(TypeError):
    """A reading names a member its event does not have."""


def fields_of(contract: type) -> set[str]:
    """Every leaf field of an event's data, by path."""
    return set(_leaves(contract, ""))


def read_by(reaction: Callable[..., Any], contract: type) -> set[str]:
    """The leaf fields of `contract` that `reaction` reads, from its first parameter's type."""
    function = reaction.func if isinstance(reaction, functools.partial) else reaction
    try:
        first = next(iter(inspect.signature(function).parameters))
        view = typing.get_type_hints(function).get(first)
    except (StopIteration, TypeError, ValueError, NameError):
        view = None
    if view is None or view is contract or not _is_protocol(view):
        return fields_of(contract)
    return set(_read(view, contract, "", contract.__name__))


def unread(contract: type, reads: Sequence[set[str]]) -> list[str]:
    """The fields of `contract` that none of `reads` covers: a field wholly unread by its
    name, else each of its unread leaves."""
    read = set().union(*reads) if reads else set()
    missing = fields_of(contract) - read
    found: list[str] = []
    for field in attrs.fields(contract):
        under = set(_leaves(typing.get_type_hints(contract)[field.name], field.name))
        if under <= missing:
            found.append(field.name)
        else:
            found += sorted(under & missing)
    return found


def _is_protocol(view: Any) -> bool:
    return isinstance(view, type) and Protocol in view.__mro__


def _members(view: type) -> Iterator[tuple[str, Any]]:
    """Each member a Protocol reads, with its type: attributes and read-only properties."""
    for klass in reversed(view.__mro__):
        if klass is view or (_is_protocol(klass) and klass is not Protocol):
            hints = typing.get_type_hints(klass)
            for name, value in vars(klass).items():
                if isinstance(value, property) and value.fget is not None:
                    yield name, typing.get_type_hints(value.fget).get("return")
            for name in getattr(klass, "__annotations__", {}):
                yield name, hints[name]


def _read(view: type, contract: type, prefix: str, where: str) -> Iterator[str]:
    hints = typing.get_type_hints(contract)
    for name, wanted in _members(view):
        if name not in hints:
            raise ReadsUnknownField(f"{view.__name__} reads {name!r}, which {where} does not have")
        path, has = f"{prefix}{name}", hints[name]
        inner_view, inner_has, suffix = _element(wanted), _element(has), "[]"
        if inner_view is None or inner_has is None:
            inner_view, inner_has, suffix = wanted, _optional(has), ""
        if _is_protocol(inner_view) and isinstance(inner_has, type) and attrs.has(inner_has):
            yield from _read(inner_view, inner_has, f"{path}{suffix}.", f"{where}.{name}")
        else:
            yield from _leaves(has, path)


def _leaves(hint: Any, path: str) -> Iterator[str]:
    element = _element(hint)
    if element is not None:
        yield from _leaves(element, f"{path}[]")
        return
    hint = _optional(hint)
    if isinstance(hint, type) and attrs.has(hint):
        hints = typing.get_type_hints(hint)
        for field in attrs.fields(hint):
            yield from _leaves(hints[field.name], f"{path}.{field.name}" if path else field.name)
        return
    yield path


def _element(hint: Any) -> Any:
    """The element type of a list or sequence, else None."""
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    return arguments[0] if origin in (list, Sequence) and len(arguments) == 1 else None


def _optional(hint: Any) -> Any:
    """The type inside `X | None`, else the hint itself."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        inner = [each for each in typing.get_args(hint) if each is not type(None)]
        if len(inner) == 1:
            return inner[0]
    return hint


class AboutAnOrder(Protocol):
    """A reading of any event about an order that needs only which order."""

    @property
    def order_id(self) -> str: ...


class AboutAProduct(Protocol):
    """A reading of any event about a product that needs only which product."""

    @property
    def sku(self) -> str: ...
