"""The scaled topology under faults, with real processes: a worker per context on PostgreSQL
and RabbitMQ while orders flow, and then the broker drops every connection, or cannot be
reached for a few seconds, or the workers' database connections drop, or the link is slow, or
a worker is killed mid-batch. Each ends with every order settled, stock conserved, no order
charged twice and no message lost.

The workers reach both servers through fault proxies of the test's own (tests/proxy.py): an
outage is made for this test's connections alone, never by touching a server others share."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from tessera.adapters.bootstrap import Tessera, bootstrap
from tessera.application.catalog.commands import ListProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.inventory.queries import ListStockItems
from tessera.application.ordering.commands import OrderLineRequest, PlaceOrder
from tessera.application.ordering.queries import ListOrders
from tessera.application.payments.queries import ListPayments
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import ListShipments
from tests import children
from tests.proxy import FaultProxy
from tests.servers import postgres_database, rabbitmq_vhost
from tests.system.test_split_topology import (
    CONTEXTS,
    eventually,
    split_on_servers,
    stop,
    worker_process,
)

pytestmark = [pytest.mark.server, pytest.mark.process]

FAST = {"TESSERA_RETRY_FIRST_DELAY": "0.05", "TESSERA_RETRY_MAX_ATTEMPTS": "8"}
STOCK = 60


@attrs.frozen
class Shop:
    data: Path
    app: Tessera
    """The shop as a program uses it, beside the workers, on the servers directly: commands
    only write their context's outbox (split), and queries read."""
    broker: FaultProxy
    """What stands between the workers and the broker."""
    database: FaultProxy
    """What stands between the workers and the database."""
    through_proxies: dict[str, str]
    """The workers' environment: both servers through the proxies."""


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shop]:
    """A shop on a PostgreSQL database and a RabbitMQ virtual host of the test's own, stocked,
    with a fault proxy in front of each server for the workers."""
    with (
        postgres_database() as database,
        rabbitmq_vhost() as broker,
        FaultProxy.before(database) as database_proxy,
        FaultProxy.before(broker) as broker_proxy,
    ):
        settings = split_on_servers(tmp_path, monkeypatch, database, broker, **FAST)
        proxied = {
            "TESSERA_DATABASE_URL": database_proxy.url(database),
            "TESSERA_BROKER_URL": broker_proxy.url(broker),
        }
        with bootstrap(settings) as app:
            app.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50"))
            app.deliver()
            app.handle(ReceiveStock(sku="MUG-1", quantity=STOCK))
            yield Shop(tmp_path, app, broker_proxy, database_proxy, proxied)


def place(shop: Shop, n: int) -> str:
    card = ("tok_visa", "tok_gatewayError", "tok_chargeDeclined")[n % 3]
    lines = [OrderLineRequest("MUG-1", 1 + n % 2)]
    placed = shop.app.handle(PlaceOrder(f"c-{n}", lines, card, "1 Main St"))
    return str(placed.view.id)


def flow(shop: Shop, count: int, fault: Callable[[], None], at: int) -> list[str]:
    """Place `count` orders, one at a time, with the fault after the `at`-th."""
    placed = []
    for n in range(count):
        placed.append(place(shop, n))
        time.sleep(0.05)  # a stream, not a burst: the fault falls while orders are under way
        if n == at:
            fault()
    return placed


def settle_and_check(shop: Shop, placed: list[str]) -> None:
    """Every order settled and delivered; stock conserved; money kept exactly once."""
    app = shop.app

    def orders() -> dict[str, Any]:
        return {order.id: order for order in app.handle(ListOrders())}

    statuses: Counter[str] = Counter()

    def settled() -> bool:
        found = orders()
        statuses.clear()
        statuses.update(found[o].status for o in placed)
        return set(statuses) <= {"shipped", "cancelled"}

    try:
        eventually(settled, 120)
    except AssertionError:
        raise AssertionError(f"the orders never settled: {dict(statuses)}") from None
    for shipment in app.handle(ListShipments("dispatched")):
        app.handle(DeliverShipment(shipment.id))
    eventually(lambda: all(orders()[o].status in {"completed", "cancelled"} for o in placed))

    def stock() -> Any:
        [mug] = app.handle(ListStockItems())
        return mug if mug.reserved == 0 else None

    mug = eventually(stock)
    assert mug.received == mug.on_hand + mug.shipped == STOCK
    found = orders()
    completed = [found[o] for o in placed if found[o].status == "completed"]
    assert mug.shipped == sum(line.quantity for order in completed for line in order.lines)
    assert app.operations.dead_letters() == []

    payments = {payment.order_id: payment for payment in app.handle(ListPayments())}
    for order in found.values():
        payment = payments.get(order.id)
        if order.status == "completed":
            assert payment is not None
            assert (payment.captured, payment.refunded) == (order.total, Decimal(0))  # once
        elif payment is not None:
            assert payment.captured == payment.refunded


@pytest.fixture
def workers(shop: Shop) -> Iterator[list[subprocess.Popen[str]]]:
    running: list[subprocess.Popen[str]] = []
    try:
        for context in CONTEXTS:
            running.append(worker_process(shop.data, context, env=shop.through_proxies))
        yield running
    finally:
        stop(*[process for process in running if not children.exited(process)])


def test_the_broker_closing_every_connection_while_orders_flow_loses_nothing(
    shop: Shop, workers: list[subprocess.Popen[str]]
) -> None:
    closed: list[int] = []
    placed = flow(shop, 24, lambda: closed.append(shop.broker.close_connections()), at=8)
    settle_and_check(shop, placed)
    assert closed[0] >= len(CONTEXTS)  # every worker's connection was cut
    assert shop.broker.accepted > closed[0]  # and the workers connected again


def test_the_broker_out_of_reach_for_seconds_while_orders_flow_loses_nothing(
    shop: Shop, workers: list[subprocess.Popen[str]]
) -> None:
    placed = [place(shop, n) for n in range(8)]
    with shop.broker.cut() as closed:
        # Commands only write their context's outbox: they succeed with the broker away.
        placed += [place(shop, n) for n in range(8, 16)]
        time.sleep(3)
    placed += [place(shop, n) for n in range(16, 20)]
    settle_and_check(shop, placed)
    assert closed >= 1  # the workers' connections were cut
    assert shop.broker.accepted > closed  # and they connected again


def test_the_workers_database_connections_dropping_while_orders_flow_loses_nothing(
    shop: Shop, workers: list[subprocess.Popen[str]]
) -> None:
    closed: list[int] = []
    placed = flow(shop, 24, lambda: closed.append(shop.database.close_connections()), at=8)
    settle_and_check(shop, placed)
    assert closed[0] >= len(CONTEXTS)  # at least each worker's listening connection


def test_a_slow_link_to_both_servers_delays_orders_and_loses_nothing(
    shop: Shop, workers: list[subprocess.Popen[str]]
) -> None:
    shop.broker.slow(20)
    shop.database.slow(5)
    placed = flow(shop, 12, lambda: None, at=0)
    settle_and_check(shop, placed)


def test_a_worker_killed_mid_batch_loses_nothing_and_charges_no_one_twice(
    shop: Shop, workers: list[subprocess.Popen[str]]
) -> None:
    payments = workers[CONTEXTS.index("payments")]

    def kill_payments() -> None:
        os.kill(payments.pid, signal.SIGKILL)
        assert children.exited(payments, wait=10)

    placed = flow(shop, 24, kill_payments, at=10)
    children.end(payments)
    workers[CONTEXTS.index("payments")] = worker_process(
        shop.data, "payments", env=shop.through_proxies
    )
    settle_and_check(shop, placed)
    assert payments.returncode == -signal.SIGKILL
