"""Data minimisation on the scaled topology: each subscription's queue is bound by the types
its context reacts to and by nothing else, so the card token reaches payments alone and the
address shipping alone; a context's broker user can bind no more and publish under no other
context's name, whatever it tries."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import amqp
import pytest
from kombu.connection import Connection

from tessera.adapters.messaging.rabbitmq.topology import EXCHANGE, IGNORED, main_queue
from tests.servers import context_users, postgres_database, rabbitmq_vhost, rabbitmqctl
from tests.system.test_split_topology import CONTEXTS, split_on_servers

pytestmark = [pytest.mark.server]

PAYMENT_REQUESTED = "ordering.tessera.ordering.PaymentRequested.v1"
SHIPMENT_REQUESTED = "ordering.tessera.ordering.ShipmentRequested.v1"


def bound_by_key(vhost: str) -> dict[str, set[str]]:
    """Each routing key bound on the shop's exchange, and the queues it routes to."""
    listed = rabbitmqctl(
        "list_bindings", "-p", vhost, "source_name", "destination_name", "routing_key",
        "--no-table-headers",
    )  # fmt: skip
    routes: dict[str, set[str]] = defaultdict(set)
    for line in listed.splitlines():
        source, destination, key = [*line.split("\t"), "", ""][:3]
        if source == EXCHANGE:
            routes[key].add(destination)
    return routes


def test_a_message_is_routed_only_to_the_contexts_that_react_to_its_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        postgres_database() as database,
        rabbitmq_vhost() as broker,
        context_users(broker, CONTEXTS) as own,
    ):
        split_on_servers(tmp_path, monkeypatch, database, broker, **own)
        routes = bound_by_key(urlsplit(broker).path[1:])

        assert routes[PAYMENT_REQUESTED] == {main_queue("payments")}
        assert routes[SHIPMENT_REQUESTED] == {main_queue("shipping")}
        assert routes[SHIPMENT_REQUESTED.replace(".v1", ".v2")] == {main_queue("shipping")}
        # what no context reacts to goes to the sink alone, and is dropped
        assert routes["ordering.tessera.ordering.OrderCompleted.v1"] == {IGNORED}
        wildcards = {key for key in routes if "#" in key or "*" in key}
        assert not wildcards, f"bound by more than a type: {wildcards}"
        by_queue: dict[str, set[str]] = defaultdict(set)
        for key, queues in routes.items():
            for queue in queues - {IGNORED}:
                by_queue[queue].add(key.split(".", 1)[1])
        assert by_queue[main_queue("payments")] == {
            "tessera.ordering.PaymentRequested.v1", "tessera.ordering.OrderCancelled.v2",
            "tessera.ordering.OrderCancelled.v1",  # until the rollout ends
        }  # fmt: skip
        assert by_queue[main_queue("shipping")] == {
            "tessera.ordering.ShipmentRequested.v2", "tessera.ordering.ShipmentRequested.v1",
        }  # fmt: skip

        as_shipping = own["TESSERA_BROKER_URL_SHIPPING"]
        for key in (PAYMENT_REQUESTED, "ordering.#", "#", "ordering.tessera.ordering.*"):
            with Connection(as_shipping) as connection:  # type: ignore[no-untyped-call]
                channel = connection.channel()
                with pytest.raises(amqp.exceptions.AccessRefused, match="access to topic"):
                    channel.queue_bind(main_queue("shipping"), EXCHANGE, routing_key=key)
        with Connection(as_shipping) as connection:  # type: ignore[no-untyped-call]
            channel = connection.channel()
            with pytest.raises(amqp.exceptions.AccessRefused):
                channel.queue_declare("tessera.listener", durable=False)
        assert bound_by_key(urlsplit(broker).path[1:]) == routes
