"""Ordering's use cases, one handler each."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from tessera.application.ordering.commands import CancelOrder, PlaceOrder
from tessera.application.ordering.queries import (
    CountOrders,
    FindOrders,
    GetOrder,
    ListOrders,
    OrderPage,
    OrderView,
)
from tessera.application.ordering.unit_of_work import OrderingUnitOfWork
from tessera.application.shared.bus import Handlers, use_cases
from tessera.application.shared.clock import Clock, utc_now
from tessera.application.shared.errors import ApplicationError
from tessera.application.shared.outcome import Outcome
from tessera.domain.ordering.fulfilment import Fulfilment
from tessera.domain.ordering.order import CancelReason, Order, OrderStatus
from tessera.domain.ordering.repository import OrderCriteria
from tessera.domain.shared.bounds import MAX_ORDER_NUMBER, member_of, quoted
from tessera.domain.shared.errors import BusinessRuleViolation, NotFound
from tessera.domain.shared.identifiers import OrderId, Sku

SHORTEST_PREFIX = 8
"""An order may be named by the first characters of its id, as long as they are this many."""

MAX_LISTED = 100_000


class AmbiguousOrderId(ApplicationError):
    """The beginning of an id that more than one order's id begins with."""


def place_order(command: PlaceOrder, uow: OrderingUnitOfWork, clock: Clock) -> Outcome[OrderView]:
    order_id = OrderId(command.order_id) if command.order_id else OrderId.new()
    wanted = [(Sku(line.sku), line.quantity) for line in command.lines]
    with uow:
        existing = uow.orders.get(order_id) if command.order_id else None
        if existing is not None:
            return Outcome(OrderView.of(existing), changed=False)  # placed already: nothing new
        prices = {sku: uow.prices.get(sku) for sku, _ in wanted}
        number = uow.orders.next_number()
        at = clock()  # after the number: a later number is never placed earlier
        order = Order.place(
            order_id, command.customer_id, command.address, wanted, prices, at, number=number
        )
        uow.orders.add(order)
        uow.fulfilments.add(Fulfilment.start(order, command.card_token))
        uow.commit()
        return Outcome(OrderView.of(order), changed=True)


def cancel_order(command: CancelOrder, uow: OrderingUnitOfWork, clock: Clock) -> Outcome[OrderView]:
    with uow:
        order = _existing(uow, command.order_id)
        reason = (
            CancelReason.OPERATOR_REQUEST if command.by_operator else CancelReason.CUSTOMER_REQUEST
        )
        changed = order.cancel(reason, at=clock())
        uow.commit()
        return Outcome(OrderView.of(order), changed)


def get_order(query: GetOrder, uow: OrderingUnitOfWork) -> OrderView:
    with uow:
        return OrderView.of(_existing(uow, query.order_id))


def list_orders(query: ListOrders, uow: OrderingUnitOfWork) -> list[OrderView]:
    status = member_of(OrderStatus, query.status) if query.status is not None else None
    with uow:
        orders = [o for o in uow.orders.all() if status is None or o.status is status]
        return [OrderView.of(o) for o in sorted(orders, key=lambda o: o.id)]


def find_orders(query: FindOrders, uow: OrderingUnitOfWork) -> OrderPage:
    limit = query.limit
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LISTED
    ):
        raise BusinessRuleViolation(
            "ListingLimitMustBeWithinBounds",
            f"a listing shows from 1 to {MAX_LISTED:,} orders, not {quoted(limit)}",
        )
    criteria = OrderCriteria(
        customer_id=query.customer_id,
        status=member_of(OrderStatus, query.status) if query.status is not None else None,
        since=_moment("since", query.since),
        until=_moment("until", query.until),
    )
    with uow:
        found, total = uow.orders.find(criteria, limit)
        return OrderPage([OrderView.of(order) for order in found], total)


def _moment(what: str, at: object) -> datetime | None:
    """A moment to compare with; one without a time zone is taken to be in UTC."""
    if at is None:
        return None
    if not isinstance(at, datetime):
        raise BusinessRuleViolation("MomentMustBeADatetime", f"{what} must be a moment in time")
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def count_orders(query: CountOrders, uow: OrderingUnitOfWork) -> dict[str, int]:
    with uow:
        counts = uow.orders.count_by_status()
        return {status.value: counts.get(status, 0) for status in OrderStatus}


def _existing(uow: OrderingUnitOfWork, order_id: str) -> Order:
    """The order with this id; else the order with this number; else the one order whose id
    begins with it (8 characters or more), as a person copies the beginning of a long id."""
    order = uow.orders.get(OrderId(order_id))
    number = as_order_number(order_id)
    if order is None and number is not None:
        numbered = uow.orders.id_numbered(number)
        order = uow.orders.get(numbered) if numbered is not None else None
    if order is None and len(order_id) >= SHORTEST_PREFIX:
        matches = uow.orders.ids_starting_with(order_id, 11)
        if len(matches) > 1:
            shown = ", ".join(str(match) for match in matches[:10])
            more = " and more" if len(matches) > 10 else ""
            raise AmbiguousOrderId(
                f"{len(matches) if not more else 'over 10'} orders begin with {order_id}:"
                f" {shown}{more}; give more of the id"
            )
        order = uow.orders.get(matches[0]) if matches else None
    if order is None:
        raise NotFound(f"no order with id or number {order_id}")
    return order


def as_order_number(name: str) -> int | None:
    """The order number a name is, if it is one: digits, not starting with 0, within bounds."""
    longest = len(str(MAX_ORDER_NUMBER))
    if not name.isascii() or not name.isdigit() or name.startswith("0") or len(name) > longest:
        return None
    number = int(name)
    return number if number <= MAX_ORDER_NUMBER else None


def ordering_handlers(uow: OrderingUnitOfWork, clock: Clock = utc_now) -> Handlers:
    """Every ordering command and query, bound to ordering's unit of work."""
    return use_cases(
        uow,
        functools.partial(place_order, clock=clock),
        functools.partial(cancel_order, clock=clock),
        get_order,
        list_orders,
        find_orders,
        count_orders,
    )
