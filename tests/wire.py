"""A plain AMQP client (py-amqp, no Tessera) that publishes as an outsider would: any body, any
property, any routing key, to any exchange its user may write to."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

import amqp


def publish(
    broker_url: str, body: bytes, routing_key: str | bytes, exchange: str, **props: Any
) -> None:
    """One message, published with the URL's user and confirmed by the broker (a refusal
    raises); `user_id` is set to that user unless `props` names one."""
    where = urlparse(broker_url)
    connection = amqp.Connection(
        host=f"{where.hostname}:{where.port or 5672}", userid=unquote(where.username or ""),
        password=unquote(where.password or ""), virtual_host=unquote(where.path[1:]),
    )  # fmt: skip
    connection.connect()
    try:
        channel = connection.channel()
        channel.confirm_select()  # each publish waits for the broker's word
        props.setdefault("user_id", unquote(where.username or ""))  # as the broker validates
        channel.basic_publish(
            amqp.Message(body, **props), exchange=exchange, routing_key=routing_key
        )
        connection.drain_events(timeout=5)  # the broker's confirmation, or its refusal
    finally:
        connection.close()
