"""Integration events: the facts a context publishes for others, named and versioned.

An integration event class is a frozen attrs class registered with `integration_event`, which
gives it its CloudEvents type `tessera.<context>.<Name>.v<N>` and says which field is the
subject (the id of the aggregate it is about).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, Protocol, TypeVar

import attrs

_TYPE = re.compile(r"^tessera\.(?P<context>[a-z]+)\.(?P<name>[A-Za-z]+)\.v(?P<version>\d+)$")


class IntegrationEvent(Protocol):
    event_type: ClassVar[str]
    source: ClassVar[str]
    subject_field: ClassVar[str]


class UnknownEventType(Exception):
    """No context publishes an event of this type."""


class UnsupportedEventVersion(UnknownEventType):
    """The event is known, but not in this version."""


_REGISTRY: dict[str, type[Any]] = {}

Event = TypeVar("Event")


def integration_event(
    context: str, name: str, version: int, subject: str
) -> Callable[[type[Event]], type[Event]]:
    """Register a frozen attrs class as version `version` of `context`'s event `name`."""

    def register(cls: type[Event]) -> type[Event]:
        if not attrs.has(cls):
            raise TypeError(f"{cls.__name__} must be an attrs class")
        if subject not in attrs.fields_dict(cls):
            raise TypeError(f"{cls.__name__} has no field {subject!r} to use as subject")
        event_type = f"tessera.{context}.{name}.v{version}"
        if _REGISTRY.setdefault(event_type, cls) is not cls:
            raise TypeError(f"{event_type} is registered twice")
        setattr(cls, "event_type", event_type)  # noqa: B010 - set on a class we do not own the type of
        setattr(cls, "source", context)  # noqa: B010
        setattr(cls, "subject_field", subject)  # noqa: B010
        setattr(cls, "event_name", name)  # noqa: B010
        return cls

    return register


def event_class(event_type: str) -> type[Any]:
    """The class of a registered event type; says whether the type or its version is unknown."""
    try:
        return _REGISTRY[event_type]
    except KeyError:
        pass
    match = _TYPE.match(event_type)
    if match:
        stem = f"tessera.{match['context']}.{match['name']}.v"
        known = sorted(int(t[len(stem) :]) for t in _REGISTRY if t.startswith(stem))
        if known:
            raise UnsupportedEventVersion(
                f"{event_type}: version {match['version']} is not supported"
                f" (known: {', '.join(f'v{v}' for v in known)})"
            )
    raise UnknownEventType(f"{event_type}: no context publishes this event type")


def short_name(event_type: str) -> str:
    """What a person calls an event: `OrderPlaced`, from the published language; a type no
    context publishes (a dead letter's, say) keeps its name and version as they came."""
    registered = _REGISTRY.get(event_type)
    if registered is not None:
        name: str = registered.event_name
        return name
    match = _TYPE.match(event_type)
    return f"{match['name']}.v{match['version']}" if match else event_type


def registered_events() -> dict[str, type[Any]]:
    """Every integration event type known to this process, by CloudEvents type."""
    return dict(_REGISTRY)


def type_of(event: object) -> str:
    event_type = getattr(type(event), "event_type", None)
    if not isinstance(event_type, str):
        raise TypeError(f"{type(event).__name__} is not a registered integration event")
    return event_type


def subject_of(event: object) -> str:
    return str(getattr(event, type(event).subject_field))  # type: ignore[attr-defined]
