"""RabbitMQ behind the queue port, through kombu: topology, publisher, consumer, dead letters."""

from tessera.adapters.messaging.rabbitmq.context_brokers import ContextBrokers
from tessera.adapters.messaging.rabbitmq.publisher import Unroutable
from tessera.adapters.messaging.rabbitmq.rabbit_queue import RabbitQueue, Refused
from tessera.adapters.messaging.rabbitmq.topology import BrokerGrants, broker_grants

__all__ = [
    "BrokerGrants",
    "ContextBrokers",
    "RabbitQueue",
    "Refused",
    "Unroutable",
    "broker_grants",
]
