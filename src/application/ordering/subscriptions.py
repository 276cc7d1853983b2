"""What ordering does when other contexts announce something: it keeps its own price list,
and its fulfilment saga moves each order on.

Every reaction tolerates redelivery and reordering: an answer for an order that has moved on
(or was cancelled meanwhile) changes nothing, and the compensations are other contexts'
reactions to OrderCancelled.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Protocol

from tessera.application.contracts.catalog import (
    ProductDiscontinued,
    ProductListed,
    ProductListedV1,
    ProductPriceChanged,
)
from tessera.application.contracts.inventory import (
    StockReservationRejected,
    StockReservationRejectedV1,
    StockReserved,
    StockReservedV1,
)
from tessera.application.contracts.payments import (
    PaymentCaptured,
    PaymentDeclined,
    PaymentDeclinedV1,
)
from tessera.application.contracts.shipping import (
    ShipmentDelivered,
    ShipmentDeliveredV1,
    ShipmentDispatched,
    ShipmentDispatchedV1,
)
from tessera.application.ordering.unit_of_work import OrderingUnitOfWork
from tessera.application.shared.bus import Reactions
from tessera.application.shared.clock import Clock, utc_now
from tessera.application.shared.reads import AboutAnOrder, AboutAProduct
from tessera.domain.ordering.fulfilment import Fulfilment
from tessera.domain.ordering.order import CancelReason, Order
from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money


class PriceNews(Protocol):
    """What ordering reads of a product's listing or new price: the price list's entry."""

    @property
    def sku(self) -> str: ...
    @property
    def price(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


class Rejection(Protocol):
    @property
    def order_id(self) -> str: ...
    @property
    def reason(self) -> str: ...


class Capture(Protocol):
    """What ordering reads of a capture: which order, and the money taken for it."""

    @property
    def order_id(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


class Dispatch(Protocol):
    @property
    def order_id(self) -> str: ...
    @property
    def tracking_number(self) -> str: ...


def on_product_listed(event: PriceNews, uow: OrderingUnitOfWork) -> None:
    price = Money(event.price, event.currency)
    known = uow.prices.get(Sku(event.sku))
    if known is None:
        uow.prices.add(ListedPrice(Sku(event.sku), price))


def on_product_price_changed(event: PriceNews, uow: OrderingUnitOfWork) -> None:
    known = uow.prices.get(Sku(event.sku))
    if known is None:
        raise LookupError(f"{event.sku} was repriced before ordering heard it was listed")
    known.price = Money(event.price, event.currency)


def on_product_discontinued(event: AboutAProduct, uow: OrderingUnitOfWork) -> None:
    known = uow.prices.get(Sku(event.sku))
    if known is None:
        raise LookupError(f"{event.sku} was discontinued before ordering heard it was listed")
    known.on_sale = False


def _saga(uow: OrderingUnitOfWork, order_id: str) -> tuple[Order, Fulfilment]:
    order = uow.orders.get(OrderId(order_id))
    fulfilment = uow.fulfilments.get(OrderId(order_id))
    if order is None or fulfilment is None:
        raise LookupError(f"ordering has no order {order_id}")
    return order, fulfilment


def on_stock_reserved(event: AboutAnOrder, uow: OrderingUnitOfWork) -> None:
    order, fulfilment = _saga(uow, event.order_id)
    fulfilment.stock_reserved(order)


def on_stock_rejected(event: Rejection, uow: OrderingUnitOfWork, clock: Clock = utc_now) -> None:
    order, fulfilment = _saga(uow, event.order_id)
    fulfilment.stock_rejected(order, CancelReason(event.reason), clock())


def on_payment_captured(event: Capture, uow: OrderingUnitOfWork) -> None:
    order, fulfilment = _saga(uow, event.order_id)
    fulfilment.payment_captured(order, Money(event.amount, event.currency))


def on_payment_declined(
    event: AboutAnOrder, uow: OrderingUnitOfWork, clock: Clock = utc_now
) -> None:
    order, fulfilment = _saga(uow, event.order_id)
    fulfilment.payment_declined(order, clock())


def on_shipment_dispatched(event: Dispatch, uow: OrderingUnitOfWork) -> None:
    order, _ = _saga(uow, event.order_id)
    order.shipped(event.tracking_number)


def on_shipment_delivered(event: AboutAnOrder, uow: OrderingUnitOfWork) -> None:
    order, _ = _saga(uow, event.order_id)
    order.delivered()


def ordering_reactions(clock: Clock = utc_now) -> Reactions[OrderingUnitOfWork]:
    """Each version 1 is read too while publishers on the older code send it alone."""
    rejected = functools.partial(on_stock_rejected, clock=clock)
    declined = functools.partial(on_payment_declined, clock=clock)
    return {
        ProductListed: on_product_listed,
        ProductListedV1: on_product_listed,
        ProductPriceChanged: on_product_price_changed,
        ProductDiscontinued: on_product_discontinued,
        StockReserved: on_stock_reserved,
        StockReservedV1: on_stock_reserved,
        StockReservationRejected: rejected,
        StockReservationRejectedV1: rejected,
        PaymentCaptured: on_payment_captured,
        PaymentDeclined: declined,
        PaymentDeclinedV1: declined,
        ShipmentDispatched: on_shipment_dispatched,
        ShipmentDispatchedV1: on_shipment_dispatched,
        ShipmentDelivered: on_shipment_delivered,
        ShipmentDeliveredV1: on_shipment_delivered,
    }
