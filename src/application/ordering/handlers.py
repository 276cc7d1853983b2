"""Ordering's use cases, one handler each."""

from __future__ import annotations

from application.ordering.commands import CancelOrder, PlaceOrder
from application.ordering.queries import CountOrders, GetOrder, ListOrders, OrderView
from application.ordering.unit_of_work import OrderingUnitOfWork
from application.shared.bus import Handlers
from application.shared.outcome import Outcome
from domain.ordering.fulfilment import Fulfilment
from domain.ordering.order import CancelReason, Order, OrderStatus
from domain.shared.bounds import member_of
from domain.shared.errors import NotFound
from domain.shared.identifiers import OrderId, Sku


def place_order(command: PlaceOrder, uow: OrderingUnitOfWork) -> OrderView:
    order_id = OrderId(command.order_id) if command.order_id else OrderId.new()
    wanted = [(Sku(line.sku), line.quantity) for line in command.lines]
    with uow:
        existing = uow.orders.get(order_id) if command.order_id else None
        if existing is not None:
            return OrderView.of(existing)  # placing the same order again changes nothing
        prices = {sku: uow.prices.get(sku) for sku, _ in wanted}
        order = Order.place(order_id, command.customer_id, command.address, wanted, prices)
        uow.orders.add(order)
        uow.fulfilments.add(Fulfilment.start(order, command.card_token))
        uow.commit()
        return OrderView.of(order)


def cancel_order(command: CancelOrder, uow: OrderingUnitOfWork) -> Outcome[OrderView]:
    with uow:
        order = _existing(uow, command.order_id)
        changed = order.cancel(CancelReason.CUSTOMER_REQUEST)
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


def count_orders(query: CountOrders, uow: OrderingUnitOfWork) -> dict[str, int]:
    with uow:
        counts = uow.orders.count_by_status()
        return {status.value: counts.get(status, 0) for status in OrderStatus}


def _existing(uow: OrderingUnitOfWork, order_id: str) -> Order:
    order = uow.orders.get(OrderId(order_id))
    if order is None:
        raise NotFound(f"no order with id {order_id}")
    return order


def ordering_handlers(uow: OrderingUnitOfWork) -> Handlers:
    """Every ordering command and query, bound to ordering's unit of work."""
    return {
        PlaceOrder: lambda m: place_order(m, uow),
        CancelOrder: lambda m: cancel_order(m, uow),
        GetOrder: lambda m: get_order(m, uow),
        ListOrders: lambda m: list_orders(m, uow),
        CountOrders: lambda m: count_orders(m, uow),
    }
