"""Integration events: the facts a context publishes for others, named and versioned.

An integration event class is a frozen attrs class registered with `integration_event`, which
gives it its CloudEvents type `tessera.<context>.<Name>.v<N>` and says which field is the
subject (the id of the aggregate it is about).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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


def version_of(event_type: str) -> tuple[str, int] | None:
    """A type of the published language as its event and its version
    (`tessera.ordering.OrderPlaced`, 2); None for any other type."""
    match = _TYPE.match(event_type)
    return None if match is None else (event_type.rpartition(".v")[0], int(match["version"]))


def supersedes(newer: str, older: str) -> bool:
    """`newer` is a later version of the same event as `older`."""
    new, old = version_of(newer), version_of(older)
    return new is not None and old is not None and new[0] == old[0] and new[1] > old[1]


_BESIDE: dict[type[Any], list[tuple[type[Any], date]]] = {}
"""For each newer version, the older ones published beside it, each with its last day."""


def publish_alongside(newer: type[Any], older: type[Any], until: date) -> None:
    """While a publisher moves an event to a new version, its translation yields both
    versions of each event, and both are published until the stated day, so that a consumer
    still on the older code keeps working; after it, only the newer. A consumer on the newer
    code reacts to both versions (an older publisher sends only the older) and passes over
    an older one published beside a newer. Contexts upgrade in any order within the window;
    then the older version is removed."""
    if not supersedes(type_of_class(newer), type_of_class(older)):
        raise TypeError(f"{older.__name__} is not an older version of {newer.__name__}")
    _BESIDE.setdefault(newer, []).append((older, until))


@attrs.frozen
class PublishedForm:
    """One version an event is published as, marked for consumers that know several."""

    event: object
    alongside: tuple[str, ...] = ()
    """The older versions published beside this one."""
    superseded_by: str | None = None
    """The newer version this older one is published beside: a consumer reacting to that
    one passes this one over."""


def published_forms(events: Sequence[object], today: date) -> list[PublishedForm]:
    """What one change is published as today: the events its translation yielded, an older
    version beside its newer marked with it (and left out once its window has passed), the
    newer marked with the older versions beside it."""
    kinds = {type(event) for event in events}
    superseded: dict[type[Any], str | None] = {}  # None: its window has passed, left out
    beside: dict[type[Any], tuple[str, ...]] = {}
    for newer in kinds:
        for older, until in _BESIDE.get(newer, ()):
            if today > until:
                superseded[older] = None
                continue
            if older not in kinds:
                raise TypeError(
                    f"{older.__name__} is published beside {newer.__name__} until {until}:"
                    f" the translation must yield both"
                )
            superseded[older] = type_of_class(newer)
            beside[newer] = (*beside.get(newer, ()), type_of_class(older))
    return [
        PublishedForm(event, superseded_by=superseded[type(event)])
        if type(event) in superseded
        else PublishedForm(event, alongside=beside.get(type(event), ()))
        for event in events
        if superseded.get(type(event), "") is not None
    ]


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
