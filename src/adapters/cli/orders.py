"""`tessera orders ...`, `tessera shipping ...` and `tessera contexts map`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from tessera.adapters.cli.app import PENDING, Runtime, fail, pass_runtime
from tessera.adapters.cli.render import Column, Listing, as_data, plain, print_json
from tessera.adapters.cli.types import MOMENT, WholeNumber, whole_number
from tessera.application.ordering.commands import CancelOrder, OrderLineRequest, PlaceOrder
from tessera.application.ordering.handlers import MAX_LISTED
from tessera.application.ordering.queries import FindOrders, GetOrder, OrderPage, OrderView
from tessera.application.payments.queries import GetPayment, PaymentView
from tessera.application.shared.integration import short_name
from tessera.application.shared.outcome import Outcome
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import GetShipmentOfOrder, ListShipments, ShipmentView
from tessera.domain.ordering.order import OrderStatus
from tessera.domain.shared.bounds import quoted
from tessera.domain.shared.errors import NotFound
from tessera.domain.shipping.shipment import ShipmentStatus

if TYPE_CHECKING:
    from tessera.adapters.bootstrap import ContextMapEntry

SCREENFUL = 20


class OrderLineParam(click.ParamType[OrderLineRequest]):
    """`SKU:QTY`, such as `MUG-BLUE:2`."""

    name = "SKU:QTY"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> OrderLineRequest:
        if isinstance(value, OrderLineRequest):
            return value
        sku, colon, quantity = str(value).rpartition(":")
        if not colon or not sku:
            self.fail(f"{quoted(value)} is not SKU:QTY (for example MUG-BLUE:2)", param, ctx)
        number = whole_number(quantity)
        if number is None:
            self.fail(f"{quoted(value)}: the quantity is not a whole number", param, ctx)
        return OrderLineRequest(sku, number)


@click.group()
def orders() -> None:
    """Place, follow and cancel orders."""


@orders.command("place", context_settings={"ignore_unknown_options": True})
@click.option("--customer", required=True, help="Who is buying.")
@click.option(
    "--line", "lines", required=True, multiple=True, type=OrderLineParam(), help="SKU:QTY."
)
@click.option(
    "--card",
    required=True,
    help="A card token, for the payment gateway to judge (the test gateway takes tok_visa,"
    " tok_chargeDeclined and tok_gatewayError).",
)
@click.option("--address", required=True, help="Where to ship.")
@click.option(
    "--order-id",
    default=None,
    help="The order's id, chosen by you: placing it again with the same id changes nothing,"
    " so a retry is safe. Default: a new one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: id and status.")
@pass_runtime
def place(
    runtime: Runtime,
    customer: str,
    lines: tuple[OrderLineRequest, ...],
    card: str,
    address: str,
    order_id: str | None,
    as_json: bool,
) -> None:
    """Place an order; in the monolith it is fulfilled as far as it can go before this returns,
    and a card the gateway refuses is reported with the gateway's reason. If the order was
    stored and its messages could not be sent, it says so and exits with 3: retry with
    --order-id and the id it gives, which places nothing twice."""
    from tessera.adapters.bootstrap import DeliveryPending

    try:
        placed: Outcome[OrderView] = runtime.handle(
            PlaceOrder(customer, lines, card, address, order_id)
        )
    except DeliveryPending as pending:
        stored: OrderView = pending.result.view
        fail(
            f"order {stored.number} ({stored.id}) is stored; its delivery is pending"
            f" ({pending.why}); a worker or the next command sends it, and"
            f" 'orders place ... --order-id {stored.id}' places nothing twice",
            PENDING,
        )
    order: OrderView = runtime.handle(GetOrder(placed.view.id))
    declined = None
    if order.cancel_reason == "payment_declined":
        payment: PaymentView | None = _answer(runtime, GetPayment(order.id))
        declined = payment.decline_reason if payment else None
    waiting = _waiting(runtime, order.id)
    if as_json:
        shown = {"number": order.number, "id": order.id, "status": order.status}
        extra = {"declined": declined, "placed_before": placed.already, "waiting": waiting}
        click.echo(json.dumps(shown | extra))
    else:
        reason = f" ({order.cancel_reason})" if order.cancel_reason else ""
        why = f": the gateway said {declined}" if declined else ""
        before = ", placed before (nothing changed)" if placed.already else ""
        click.echo(f"order {order.number} ({order.id}){before}: {order.status}{reason}{why}")
        if waiting:
            click.echo(
                f"still under way: {', '.join(waiting)} (to be retried; a worker or the next"
                " command delivers it)"
            )


def _waiting(runtime: Runtime, order_id: str) -> list[str]:
    """What of the order's messages this command left undelivered (a reaction that failed
    and waits for its retry); a split deployment's workers deliver everything."""
    if not runtime.settings.delivers_inline:
        return []
    hops = runtime.tessera.operations.trace(order_id)
    return [f"{short_name(h.type)} to {h.subscription}" for h in hops if h.state == "ready"]


@orders.command("show")
@click.argument("order_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def show_order(runtime: Runtime, order_id: str, as_json: bool) -> None:
    """One order: where it stands, its payment and parcel, its lines and the timeline of its
    messages. ORDER_ID is the order's number, its id, or the first 8 or more characters of
    the id."""
    order: OrderView = runtime.handle(GetOrder(order_id))
    payment = _answer(runtime, GetPayment(order.id))
    shipment = _answer(runtime, GetShipmentOfOrder(order.id))
    # Deliveries to contexts that do not react to an event are left out of an order's story.
    timeline = [h for h in runtime.tessera.operations.trace(order.id) if h.state != "ignored"]
    if as_json:
        data = as_data(order) | {
            "payment": None if payment is None else as_data(payment),
            "shipment": None if shipment is None else as_data(shipment),
            "timeline": [as_data(h) for h in timeline],
        }
        click.echo(json.dumps(data, default=plain, indent=2))
        return
    reason = f" ({order.cancel_reason})" if order.cancel_reason else ""
    click.echo(f"order {order.number} ({order.id}) for {order.customer_id}: {order.status}{reason}")
    click.echo(f"placed at {order.placed_at or 'an unrecorded time'}")
    if order.cancelled_by is not None:
        by = order.cancelled_by
        by = f"the {by}" if by in ("customer", "operator") else by
        click.echo(f"cancelled by {by} at {order.cancelled_at or 'an unrecorded time'}")
    click.echo(f"total {order.total} {order.currency}, to {order.address}")
    click.echo(f"payment: {_payment_line(payment)}")
    click.echo(f"shipment: {_shipment_line(shipment)}")
    lines = Listing(
        "Lines", "SKU", Column("Quantity", "number"), Column("Unit price", "number"), "Currency"
    )
    for line in order.lines:
        lines.add(line.sku, line.quantity, line.unit_price, order.currency)
    lines.show(after=True)
    steps = Listing("Timeline", "Context", "Event", "To", Column("Outcome", "text"))
    for hop in timeline:
        steps.add(hop.source, short_name(hop.type), hop.subscription or "-", hop.outcome)
    steps.show(after=True)


def _answer(runtime: Runtime, query: object) -> Any:
    """What another context knows of the order, or None if it has not heard of it yet."""
    try:
        return runtime.handle(query)
    except NotFound:
        return None


def _payment_line(payment: PaymentView | None) -> str:
    if payment is None:
        return "not taken yet"
    if payment.status == "declined":
        return f"declined: {payment.decline_reason}"
    if payment.status == "voided":
        return "none taken: the order was cancelled first"
    captured, refunded = (
        f"{amount} {payment.currency}" for amount in (payment.captured, payment.refunded)
    )
    return f"{payment.status}, captured {captured}, refunded {refunded}"


def _shipment_line(shipment: ShipmentView | None) -> str:
    if shipment is None:
        return "not sent yet"
    tracking = shipment.tracking_number or "no tracking number yet"
    return f"{shipment.id}, {shipment.status}, tracking {tracking}"


@orders.command("list")
@click.option("--status", type=click.Choice([s.value for s in OrderStatus]), default=None)
@click.option("--customer", help="Only this customer's orders.")
@click.option("--since", type=MOMENT, help="Placed at or after (ISO 8601; UTC unless given).")
@click.option("--until", type=MOMENT, help="Placed before (ISO 8601; UTC unless given).")
@click.option(
    "--limit",
    type=WholeNumber(1, MAX_LISTED),
    default=None,
    help=f"At most this many (default {SCREENFUL} in a table, all in JSON).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def list_orders(
    runtime: Runtime,
    status: str | None,
    customer: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """Orders, newest first: every one, or those of a status, a customer, a time."""
    shown = limit if limit is not None or as_json else SCREENFUL
    page: OrderPage = runtime.handle(FindOrders(customer, status, since, until, shown))
    if as_json:
        print_json(page.orders)
        return
    table = Listing(
        "Orders", Column("Number", "number"), "Order", "Placed", "Customer", "Status", "Reason",
        Column("Total", "number"), "Currency",
    )  # fmt: skip
    for o in page.orders:
        table.add(
            o.number, o.id, o.placed_at or "-", o.customer_id, o.status, o.cancel_reason or "-",
            o.total, o.currency,
        )  # fmt: skip
    table.show()
    if page.more:
        click.echo(f"{page.more} more order(s) not shown; see them with --limit", err=True)


@orders.command("cancel")
@click.argument("order_id")
@click.option(
    "--operator",
    "by_operator",
    is_flag=True,
    help="An operator cancels it (it waits on a message that will never come), not the customer.",
)
@pass_runtime
def cancel(runtime: Runtime, order_id: str, by_operator: bool) -> None:
    """Cancel an order whose shipment has not been requested yet. ORDER_ID is the order's
    number, its id, or the first 8 or more characters of the id."""
    outcome: Outcome[OrderView] = runtime.handle(CancelOrder(order_id, by_operator))
    order: OrderView = runtime.handle(GetOrder(outcome.view.id))
    already = "was already " if outcome.already else ""
    click.echo(f"order {order.number} ({order.id}) {already}{order.status} ({order.cancel_reason})")


@click.group()
def shipping() -> None:
    """Parcels and their delivery."""


@shipping.command("deliver")
@click.argument("shipment_id")
@pass_runtime
def deliver(runtime: Runtime, shipment_id: str) -> None:
    """Record that the carrier delivered a parcel."""
    outcome: Outcome[ShipmentView] = runtime.handle(DeliverShipment(shipment_id))
    shipment = outcome.view
    already = "was already " if outcome.already else ""
    click.echo(f"shipment {shipment.id} for order {shipment.order_id} {already}{shipment.status}")


@shipping.command("list")
@click.option("--status", type=click.Choice([s.value for s in ShipmentStatus]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def list_shipments(runtime: Runtime, status: str | None, as_json: bool) -> None:
    """Every shipment, or those in one status."""
    found = runtime.handle(ListShipments(status))
    if as_json:
        print_json(found)
        return
    table = Listing("Shipments", "Shipment", "Order", "Status", "Tracking")
    for s in found:
        table.add(s.id, s.order_id, s.status, s.tracking_number or "-")
    table.show()


@click.group()
def contexts() -> None:
    """The bounded contexts and how they talk."""


@contexts.command("map")
@click.option("--format", "style", type=click.Choice(["text", "mermaid"]), default="text")
def context_map(style: str) -> None:
    """Which context publishes which event, and who reacts to it: generated from the code."""
    from tessera.adapters.bootstrap import Settings, bootstrap

    with bootstrap(Settings.in_memory()) as app:
        entries = app.context_map()
    click.echo(render_map(entries, style))


VHOST_LENGTH = 255
"""The longest virtual host name this command writes commands for."""


@contexts.command("broker-grants")
@click.argument("vhost")
def grants(vhost: str) -> None:
    """The rabbitmqctl commands that give each context's broker user what it may do in VHOST:
    its own queues, publishing under its own name, binding only the types it reacts to."""
    import shlex

    from tessera.adapters.bootstrap import Settings, bootstrap
    from tessera.adapters.settings import broker_user

    if not 0 < len(vhost) <= VHOST_LENGTH or not vhost.isprintable():
        raise click.BadParameter(
            f"a virtual host is 1 to {VHOST_LENGTH} printable characters", param_hint="VHOST"
        )
    with bootstrap(Settings.in_memory()) as app:
        granted = app.broker_grants()
    for context, may in sorted(granted.items()):
        user = shlex.quote(broker_user(vhost, context))
        where = f"-p {shlex.quote(vhost)} {user}"
        regexes = " ".join(shlex.quote(r) for r in (may.configure, may.write, may.read))
        click.echo(f"rabbitmqctl set_permissions {where} {regexes}")
        topics = " ".join(shlex.quote(r) for r in (may.publish, may.bind))
        click.echo(f"rabbitmqctl set_topic_permissions {where} tessera {topics}")


def render_map(entries: list[ContextMapEntry], style: str) -> str:
    if style == "mermaid":
        lines = ["flowchart LR"]  # an edge per event, whichever versions carry it
        for e in entries:
            name = short_name(e.event_type)
            edges = [f"  {e.publisher} -- {name} --> {s}" for s in e.subscribers]
            lines += [edge for edge in edges if edge not in lines]
        return "\n".join(lines)
    lines = []
    for e in entries:
        to = ", ".join(e.subscribers) or "(no subscriber yet)"
        lines.append(f"{e.publisher:<10} {e.event_type:<42} -> {to}")
    return "\n".join(lines)
