"""The demo's report: what became of every order, of the money and of the stock, and one
order's journey through the contexts."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
import click

from tessera.adapters.cli.render import Column, Listing, products_listing, stock_listing
from tessera.application.catalog.queries import ListProducts
from tessera.application.inventory.queries import ListStockItems
from tessera.application.ordering.queries import ListOrders, OrderView
from tessera.application.payments.queries import ListPayments
from tessera.application.shared.integration import short_name

if TYPE_CHECKING:
    from tessera.adapters.bootstrap import Tessera

PAID = {"shipped", "completed"}


@attrs.define
class Outcome:
    cancellations_refused: int = 0
    placed_at: dict[str, float] = attrs.Factory(dict)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def report(app: Tessera, outcome: Outcome, count: int, elapsed: float) -> None:
    orders: list[OrderView] = app.handle(ListOrders())
    by_outcome = Counter((o.status, o.cancel_reason or "") for o in orders)
    table = Listing(f"{count} orders", "Status", "Reason", Column("Orders", "number"))
    for (status, reason), n in sorted(by_outcome.items()):
        table.add(status, reason or "-", n)
    table.show(heading=True)
    if outcome.cancellations_refused:
        click.echo(f"{outcome.cancellations_refused} cancellations came too late and were refused")

    payments = app.handle(ListPayments())
    captured = sum((p.captured for p in payments), Decimal(0))
    refunded = sum((p.refunded for p in payments), Decimal(0))
    kept = captured - refunded
    paid = sum((o.total for o in orders if o.status in PAID), Decimal(0))
    refunds = sum(p.refunded > 0 for p in payments)
    click.echo(
        f"money captured {captured} EUR, refunded {refunded} EUR ({refunds} payments),"
        f" kept {kept} EUR"
    )
    click.echo(
        "money conservation (captured - refunded = kept = totals of the orders paid and not"
        f" refunded) holds: {kept == paid}"
    )

    items = app.handle(ListStockItems())
    stock_listing(items).show(heading=True)
    balanced = all(i.received == i.on_hand + i.shipped for i in items)
    click.echo(f"stock conservation (received = on hand + shipped) holds for every SKU: {balanced}")
    products_listing(app.handle(ListProducts())).show(heading=True)

    latencies = shipped_latencies(app, orders, outcome)
    click.echo(
        f"{count} orders placed and settled in {elapsed:.1f} s ({count / elapsed:,.0f} orders/s);"
        " placed -> shipped latency"
        f" p50 {percentile(latencies, 0.5) * 1000:.0f} ms,"
        f" p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
    )
    completed = next((o for o in orders if o.status == "completed"), None)
    if completed is not None:
        trace_table(app, completed.id)


def shipped_latencies(app: Tessera, orders: list[OrderView], outcome: Outcome) -> list[float]:
    latencies = []
    for order in orders:
        for hop in app.operations.trace(order.id):
            dispatched = short_name(hop.type) == "ShipmentDispatched" and hop.state == "done"
            if dispatched and hop.subscription == "ordering" and hop.handled_at is not None:
                latencies.append(hop.handled_at - outcome.placed_at[order.id])
    return latencies


def trace_table(app: Tessera, order_id: str) -> None:
    hops = app.operations.trace(order_id)
    start = hops[0].written_at
    table = Listing(
        f"Trace of order {order_id} through the contexts", Column("+ms", "number"),
        "Published by", "Event", "Handled by", Column("+ms handled", "number"),
    )  # fmt: skip
    for hop in (h for h in hops if h.state != "ignored"):
        handled = f"{(hop.handled_at - start) * 1000:.0f}" if hop.handled_at else "-"
        table.add(
            f"{(hop.written_at - start) * 1000:.0f}", hop.source, short_name(hop.type),
            hop.subscription or "-", handled,
        )  # fmt: skip
    table.show(heading=True)
