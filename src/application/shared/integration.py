"""Integration events: the facts a context publishes for others, named and versioned.

An integration event class is a frozen attrs class registered with `integration_event`, which
gives it its CloudEvents type `tessera.<context>.<Name>.v<N>` and says which field is the
subject (the id of the aggregate it is about).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
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


@attrs.frozen
class Alongside:
    """An older version published beside a newer one during a rollout."""

    older: type[Any]
    downcast: Callable[[Any], Any]
    until: date
    """The last day both are published: every consumer runs the newer code by then."""


_ALONGSIDE: dict[type[Any], list[Alongside]] = {}


def publish_alongside(
    newer: type[Event], older: type[Any], downcast: Callable[[Event], Any], until: date
) -> None:
    """While a publisher moves an event to a new version: each time `newer` is published,
    `older` (made by `downcast`) is published beside it, until the stated day, so that a
    consumer still on the older code keeps working; a consumer on the newer code reacts to
    the newer version and ignores the older. Upgrade the publisher first, then the consumers
    within the window; then remove the older version."""
    if type_of_class(older).rsplit(".v", 1)[0] != type_of_class(newer).rsplit(".v", 1)[0]:
        raise TypeError(f"{older.__name__} is not an older version of {newer.__name__}")
    _ALONGSIDE.setdefault(newer, []).append(Alongside(older, downcast, until))


def published_forms(event: object, today: date) -> list[tuple[object, list[str]]]:
    """The versions an event is published as today: itself, with the types published beside
    it; and each older version still in its window."""
    older = [a for a in _ALONGSIDE.get(type(event), ()) if today <= a.until]
    beside = [type_of_class(a.older) for a in older]
    return [(event, beside)] + [(a.downcast(event), []) for a in older]


def type_of_class(cls: type[Any]) -> str:
    event_type = getattr(cls, "event_type", None)
    if not isinstance(event_type, str):
        raise TypeError(f"{cls.__name__} is not a registered integration event")
    return event_type


def short_name(event_type: str) -> str:
    """What a person calls an event: `OrderPlaced`, from the published language; a type no
    context publishes (a dead letter's, say) keeps its name and version as they came."""
    registered = _REGISTRY.get(event_type)
    if registered is not None:
        name: str = registered.event_name
        return name
    match = _TYPE.match(event_type)
    return f"{match['name']}.v{match['version']}" if match else event_type


def publisher_of(event_type: str) -> str:
    """The context a type of the published language belongs to: `tessera.<context>.<Name>.v<n>`
    names it, as `integration_event` writes it."""
    match = _TYPE.match(event_type)
    if match is None:
        raise UnknownEventType(f"{event_type}: not a type of Tessera's published language")
    return match["context"]


def registered_events() -> dict[str, type[Any]]:
    """Every integration event type known to this process, by CloudEvents type."""
    return dict(_REGISTRY)


def type_of(event: object) -> str:
    return type_of_class(type(event))


def subject_of(event: object) -> str:
    return str(getattr(event, type(event).subject_field))  # type: ignore[attr-defined]
