"""The envelope every message travels in: a CloudEvents 1.0 structured JSON document."""

from __future__ import annotations

import contextvars
import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import cattrs

from tessera.application.shared.integration import event_class, subject_of, type_of

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
"""The data's media type (`datacontenttype`)."""
STRUCTURED = "application/cloudevents+json"
"""A message's own media type: a whole CloudEvent in JSON (structured content mode)."""


def schema_of(event_type: str) -> str:
    """The URI naming the JSON Schema of an event type and version (`dataschema`)."""
    return f"urn:tessera:schema:{event_type}"


MAX_MESSAGE_BYTES = 256 * 1024
"""The largest message a consumer reads; a larger one is dead-lettered unread."""
ID_LENGTH = 32
"""The longest message or conversation id (Tessera's are 32 hex digits)."""
TYPE_LENGTH = 120
SOURCE_LENGTH = 40
SUBJECT_LENGTH = 120
_PRINTABLE = re.compile(r"[\x21-\x7e]+\Z")
"""What an id, a type, a source or a subject is made of: printable ASCII, no spaces."""


class MalformedMessage(Exception):
    """The message is not a CloudEvents envelope Tessera can read."""


_codec = cattrs.Converter()
_codec.register_unstructure_hook(Decimal, str)
_codec.register_structure_hook(Decimal, lambda value, _: Decimal(str(value)))


@attrs.frozen
class Cause:
    """Why a message is being written: the conversation it belongs to and what caused it."""

    correlation_id: str
    causation_id: str | None = None


_cause: contextvars.ContextVar[Cause | None] = contextvars.ContextVar("cause", default=None)


def new_id() -> str:
    """A message or conversation id: 32 hex digits, laid out as a UUID version 7 (RFC 9562):
    the time in milliseconds, then 74 random bits. Ids written together sort together, so
    the indexes that hold them grow at one end instead of everywhere, and the cost of
    writing one stays flat however many a database holds."""
    milliseconds = time.time_ns() // 1_000_000
    value = (milliseconds & (1 << 48) - 1) << 80 | int.from_bytes(os.urandom(10), "big")
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 9562 variant
    return f"{value:032x}"


@contextmanager
def caused_by(cause: Cause) -> Iterator[Cause]:
    """Every message written inside the block carries this correlation and causation."""
    token = _cause.set(cause)
    try:
        yield cause
    finally:
        _cause.reset(token)


def current_cause() -> Cause:
    """The cause in force, or the start of a new conversation."""
    return _cause.get() or Cause(correlation_id=new_id())


@attrs.frozen
class Envelope:
    """One integration event with its CloudEvents attributes."""

    id: str
    source: str
    type: str
    subject: str
    time: datetime
    data: dict[str, Any]
    correlationid: str
    causationid: str | None = None
    alongside: tuple[str, ...] = ()
    """The older versions of this event published beside it during a rollout (extension
    `alongside`): a consumer that does not know this version reads one of those instead."""
    supersededby: str | None = None
    """The newer version this one is published beside during a rollout (extension
    `supersededby`): a consumer that reacts to that version passes this one over."""

    @classmethod
    def wrap(
        cls,
        event: object,
        cause: Cause | None = None,
        alongside: Sequence[str] = (),
        superseded_by: str | None = None,
    ) -> Envelope:
        """Put an integration event in a new envelope, caused by `cause` or the one in force."""
        cause = cause or current_cause()
        return cls(
            id=new_id(),
            source=type(event).source,  # type: ignore[attr-defined]
            type=type_of(event),
            subject=subject_of(event),
            time=datetime.now(UTC),
            data=_codec.unstructure(event),
            correlationid=cause.correlation_id,
            causationid=cause.causation_id,
            alongside=tuple(alongside),
            supersededby=superseded_by,
        )

    def event(self) -> Any:
        """The integration event inside; raises if its type or version is unknown."""
        cls = event_class(self.type)
        try:
            return _codec.structure(self.data, cls)
        except Exception as error:
            found = "; ".join(cattrs.transform_error(error, path="data")[:3])
            raise MalformedMessage(f"{self.type} {self.id}: data does not fit: {found}") from None

    def as_cause(self) -> Cause:
        """What messages written while handling this one are caused by."""
        return Cause(correlation_id=self.correlationid, causation_id=self.id)

    def to_json(self) -> str:
        document: dict[str, Any] = {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "datacontenttype": CONTENT_TYPE,
            "dataschema": schema_of(self.type),
            "data": self.data,
            "correlationid": self.correlationid,
        }
        if self.causationid is not None:
            document["causationid"] = self.causationid
        if self.alongside:
            document["alongside"] = " ".join(self.alongside)
        if self.supersededby is not None:
            document["supersededby"] = self.supersededby
        return json.dumps(document, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Envelope:
        """The envelope a message holds; MalformedMessage names what does not fit its bounds."""
        if len(text) > MAX_MESSAGE_BYTES:
            raise MalformedMessage(f"larger than {MAX_MESSAGE_BYTES:,} bytes")
        try:
            document = json.loads(text)
        except (ValueError, UnicodeDecodeError) as error:
            raise MalformedMessage(f"not JSON: {error}") from None
        if not isinstance(document, dict):
            raise MalformedMessage("not a JSON object")
        if "\\u0000" in (text if isinstance(text, str) else text.decode("utf-8", "replace")):
            raise MalformedMessage(f"{_nul_at(document, '') or 'a name'} holds a NUL character")
        if document.get("specversion") != SPEC_VERSION:
            raise MalformedMessage(f"specversion must be {SPEC_VERSION}")
        try:
            return cls(
                id=_name(document, "id", ID_LENGTH),
                source=_name(document, "source", SOURCE_LENGTH),
                type=_name(document, "type", TYPE_LENGTH),
                subject=_name(document, "subject", SUBJECT_LENGTH),
                time=datetime.fromisoformat(_text(document, "time").replace("Z", "+00:00")),
                data=_object(document, "data"),
                correlationid=_name(document, "correlationid", ID_LENGTH),
                causationid=(
                    None
                    if document.get("causationid") is None
                    else _name(document, "causationid", ID_LENGTH)
                ),
                alongside=tuple(
                    _bounded("alongside", each, TYPE_LENGTH)
                    for each in str(document.get("alongside") or "").split()[:8]
                ),
                supersededby=(
                    None
                    if document.get("supersededby") is None
                    else _bounded("supersededby", str(document["supersededby"]), TYPE_LENGTH)
                ),
            )
        except ValueError as error:
            raise MalformedMessage(str(error)) from None


def _text(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedMessage(f"attribute {key!r} is missing or not text")
    return value


def _nul_at(value: Any, path: str) -> str | None:
    """Where in a JSON value a NUL character is (`data.lines[0].sku`), or None."""
    if isinstance(value, str):
        return path if "\0" in value else None
    if isinstance(value, dict):
        inside = [(f"{path}.{key}".lstrip("."), key, item) for key, item in value.items()]
    elif isinstance(value, list):
        inside = [(f"{path}[{n}]", "", item) for n, item in enumerate(value)]
    else:
        return None
    for where, key, item in inside:
        if "\0" in key:
            return where
        if (found := _nul_at(item, where)) is not None:
            return found
    return None


def _name(document: dict[str, Any], key: str, at_most: int) -> str:
    return _bounded(key, _text(document, key), at_most)


def _bounded(key: str, value: str, at_most: int) -> str:
    """A name (an id, a type) within its length, of printable ASCII without spaces."""
    if len(value) > at_most:
        raise MalformedMessage(f"attribute {key!r} is longer than {at_most} characters")
    if not _PRINTABLE.match(value):
        raise MalformedMessage(
            f"attribute {key!r} holds a space or a character not printable ASCII"
        )
    return value


def _object(document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise MalformedMessage(f"attribute {key!r} is missing or not an object")
    return value


@attrs.frozen
class OutgoingMessage:
    """A message as the queue stores it: the envelope's JSON and the attributes it routes on."""

    id: str
    type: str
    source: str
    subject: str
    correlation_id: str
    causation_id: str | None
    body: str
    written_at: float

    @classmethod
    def of(cls, envelope: Envelope) -> OutgoingMessage:
        return cls(
            id=envelope.id,
            type=envelope.type,
            source=envelope.source,
            subject=envelope.subject,
            correlation_id=envelope.correlationid,
            causation_id=envelope.causationid,
            body=envelope.to_json(),
            written_at=envelope.time.timestamp(),
        )
