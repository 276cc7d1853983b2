"""What the broker sends, read by py-amqp's own frame reader, except where that would fail on a
message's text: py-amqp decodes property strings and routing keys strictly as UTF-8 inside the
connection's read, so one such message from the wire would fail the read of everything behind
it. Such a message is delivered instead without what could not be read, marked with why, for
the consumer to dead-letter alone.

The reader is handed to py-amqp's `Connection(frame_handler=...)` through kombu's
`transport_options`; py-amqp offers no other hook between the wire and its decoding.
"""

from __future__ import annotations

from collections.abc import Callable
from struct import unpack_from
from typing import Any

from amqp import spec
from amqp.exceptions import UnexpectedFrame
from amqp.method_framing import frame_handler
from amqp.serialization import dumps, loads

UNREADABLE = "tessera_unreadable"
"""A message property no message from the wire can carry: why the message cannot be read."""

ARGUMENTS = {spec.Basic.Deliver: "sLbss", spec.Basic.GetOk: "Lbssl"}
"""The arguments of the methods that hand a message over (AMQP 0-9-1, as py-amqp reads them)."""

CONTENT_HEADER = 2
"""The frame type of a message's properties."""

HEADER_FIXED = 12
"""A content header's class, weight and body size, before its property flags."""

NO_PROPERTIES = b"\x00\x00"
"""Property flags with none set."""

Frame = tuple[int, int, Any]
Dispatch = Callable[[int, tuple[int, int], Any, Any], Any]


def lenient_frames(connection: Any, callback: Dispatch) -> Callable[[Frame], Any]:
    """py-amqp's frame reader for `connection`, through which a message whose properties or
    routing key cannot be decoded arrives without them and with `UNREADABLE` set."""
    unreadable: dict[int, str] = {}
    """Per channel: why the message whose content arrives on it next cannot be read."""
    dispatched = 0

    def dispatch(channel: int, method: tuple[int, int], args: Any, content: Any) -> Any:
        nonlocal dispatched
        dispatched += 1
        if unreadable and content is not None and channel in unreadable:
            content.properties[UNREADABLE] = unreadable.pop(channel)
        if method == spec.Basic.GetOk:  # py-amqp takes the waiter before decoding: check first
            args = readable_arguments(method, args, content)
        try:
            return callback(channel, method, args, content)
        except UnicodeDecodeError:
            if method != spec.Basic.Deliver:
                raise
            readable = readable_arguments(method, args, content)
            if readable is args:
                raise  # its arguments decode: the failure was not theirs
            return callback(channel, method, readable, content)

    on_frame = frame_handler(connection, dispatch)

    def read(frame: Frame) -> Any:
        before = dispatched
        try:
            return on_frame(frame)
        except UnexpectedFrame:
            raise
        except Exception as error:
            frame_type, channel, buf = frame
            if frame_type != CONTENT_HEADER or dispatched != before:
                raise  # not the decoding of a message's properties
            unreadable[channel] = f"its properties cannot be read ({error})"
            return on_frame((frame_type, channel, bytes(buf[:HEADER_FIXED]) + NO_PROPERTIES))

    return read


def readable_arguments(method: tuple[int, int], args: Any, content: Any) -> Any:
    """A message's delivery arguments, with names that are not UTF-8 (its exchange, its routing
    key) escaped, and the message marked unreadable; as they were if they decode."""
    try:
        loads(ARGUMENTS[method], args, 4)
        return args
    except UnicodeDecodeError:
        pass
    values: list[Any] = []
    offset = 4
    for kind in ARGUMENTS[method]:
        if kind == "s":
            size = args[offset]
            name = bytes(args[offset + 1 : offset + 1 + size])
            escaped = name.decode("utf-8", "backslashreplace").encode()[:255]
            values.append(escaped.decode("utf-8", "ignore"))
            offset += 1 + size
        elif kind == "b":
            values.append(bool(args[offset] & 1))
            offset += 1
        else:
            [value] = unpack_from(">Q" if kind == "L" else ">I", args, offset)
            values.append(value)
            offset += 8 if kind == "L" else 4
    content.properties[UNREADABLE] = "its exchange or routing key is not UTF-8 text"
    return bytes(args[:4]) + dumps(ARGUMENTS[method], values)
