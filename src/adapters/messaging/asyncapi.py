"""The shop's messages as an AsyncAPI 3.0 document: a channel per publishing context on the
`tessera` topic exchange, a message per event type and version (a structured-mode CloudEvent
whose `data` is the type's JSON Schema), the headers Tessera sets, an operation per
publisher and per subscription, and their AMQP bindings."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from tessera.adapters.messaging.rabbitmq.topology import ATTEMPTS, EXCHANGE, PUBLISHER, main_queue
from tessera.application.shared.envelope import CONTENT_TYPE, ID_LENGTH, SPEC_VERSION, STRUCTURED

AMQP_BINDING = "0.3.0"


def _text(at_most: int | None = None, **more: Any) -> dict[str, Any]:
    return {"type": "string", **({"maxLength": at_most} if at_most else {}), **more}


def _envelope(event_type: str, source: str, data: dict[str, Any]) -> dict[str, Any]:
    """The structured CloudEvent carrying one event type and version."""
    return {
        "type": "object",
        "required": ["specversion", "id", "source", "type", "subject", "time", "data",
                     "correlationid"],
        "properties": {
            "specversion": {"const": SPEC_VERSION},
            "id": _text(ID_LENGTH),
            "source": {"const": source},
            "type": {"const": event_type},
            "subject": _text(120),
            "time": _text(format="date-time"),
            "datacontenttype": {"const": CONTENT_TYPE},
            "dataschema": _text(format="uri"),
            "correlationid": _text(ID_LENGTH),
            "causationid": _text(ID_LENGTH),
            "alongside": _text(description="During a rollout: the older versions of this event"
                               " published beside it, space-separated."),
            "supersededby": _text(description="During a rollout: the newer version this one"
                                  " is published beside; a consumer of that one skips this."),
            "data": data,
        },
    }  # fmt: skip


HEADERS = {
    "type": "object",
    "properties": {
        "type": _text(120, description="The CloudEvent's type, for routing without the body."),
        "source": _text(40, description="The publishing context."),
        "subject": _text(120, description="What the event is about: an order, a SKU."),
        "causation_id": _text(ID_LENGTH, description="The message this one was caused by."),
        "written_at": {"type": "number", "description": "When it was written, Unix seconds."},
        ATTEMPTS: {"type": "integer", "minimum": 0, "description": "Tries so far (retries)."},
        PUBLISHER: _text(40, description="On a copy: the context its original was from."),
    },
}


def document(
    version: str,
    schemas: Mapping[str, dict[str, Any]],
    sources: Mapping[str, str],
    readers: Mapping[str, Mapping[str, Collection[str]]],
) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the shop: `schemas` by event type, the context that
    publishes each type (`sources`), and who receives it (`readers`: each subscriber, its
    types, and the fields of each it reads, as the operation's `x-reads`)."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for event_type, data in sorted(schemas.items()):
        source = sources[event_type]
        key = event_type.removeprefix("tessera.").replace(".", "_")
        payload = {k: v for k, v in data.items() if k not in ("$schema", "$id")}
        messages[key] = {
            "name": event_type,
            "title": event_type.split(".")[2],
            "contentType": STRUCTURED,
            "headers": HEADERS,
            "payload": _envelope(event_type, source, payload),
            "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": event_type,
                                  "bindingVersion": AMQP_BINDING}},
        }  # fmt: skip
        channel = channels.setdefault(source, {
            "address": source + ".{type}",
            "description": f"What {source} publishes, routed by `{source}.<type>`.",
            "parameters": {"type": {"description": "The event type and version."}},
            "messages": {},
            "bindings": {"amqp": {
                "is": "routingKey", "bindingVersion": AMQP_BINDING,
                "exchange": {"name": EXCHANGE, "type": "topic", "durable": True,
                             "autoDelete": False},
            }},
        })  # fmt: skip
        channel["messages"][key] = {"$ref": f"#/components/messages/{key}"}
        sent = operations.setdefault(f"{source}_publishes", {
            "action": "send", "channel": {"$ref": f"#/channels/{source}"}, "messages": [],
        })  # fmt: skip
        sent["messages"].append({"$ref": f"#/channels/{source}/messages/{key}"})
        for subscriber, reads in sorted(readers.items()):
            if event_type not in reads:
                continue
            received = operations.setdefault(f"{subscriber}_receives_{source}", {
                "action": "receive", "channel": {"$ref": f"#/channels/{source}"},
                "messages": [],
                "bindings": {"amqp": {"ack": True, "bindingVersion": AMQP_BINDING}},
                "description": f"{subscriber}'s subscription, queue {main_queue(subscriber)},"
                " bound by the key of each type it receives and nothing else.",
                "x-reads": {},
            })  # fmt: skip
            received["messages"].append({"$ref": f"#/channels/{source}/messages/{key}"})
            received["x-reads"][event_type] = sorted(reads[event_type])
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Tessera shop",
            "version": version,
            "description": "The integration events the shop's contexts publish: structured"
            " CloudEvents on RabbitMQ, each type and version with its JSON Schema.",
        },
        "defaultContentType": STRUCTURED,
        "servers": {
            "rabbitmq": {"host": "localhost:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
