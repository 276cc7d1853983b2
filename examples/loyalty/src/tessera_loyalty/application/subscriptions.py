"""What loyalty does when ordering announces something. It learns who ordered what from
OrderPlaced, and rewards the order when it is completed; a cancelled order earns nothing.
Each message is handled once (the inbox), and an order is rewarded once whatever arrives."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Protocol

from tessera.application.contracts.ordering import (
    OrderCancelled,
    OrderCancelledV1,
    OrderCompleted,
    OrderPlaced,
    OrderPlacedV1,
)
from tessera.application.shared.bus import Reactions
from tessera.application.shared.reads import AboutAnOrder
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shared.money import Money
from tessera_loyalty.application.notifier import Notifier
from tessera_loyalty.application.unit_of_work import LoyaltyUnitOfWork
from tessera_loyalty.domain.account import Account, KnownOrder


class PlacedBy(Protocol):
    """What loyalty reads of OrderPlaced: who ordered, and for how much."""

    @property
    def order_id(self) -> str: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


def on_order_placed(event: PlacedBy, uow: LoyaltyUnitOfWork) -> None:
    order_id = OrderId(event.order_id)
    if uow.orders.get(order_id) is None:
        total = Money(event.total, event.currency)
        uow.orders.add(KnownOrder.placed(order_id, event.customer_id, total))


def on_order_completed(event: AboutAnOrder, uow: LoyaltyUnitOfWork, notifier: Notifier) -> None:
    order = uow.orders.get(OrderId(event.order_id))
    if order is None:
        raise LookupError(f"order {event.order_id} completed before loyalty heard it was placed")
    account = uow.accounts.get(order.customer_id)
    if account is None:
        account = Account(order.customer_id)
        uow.accounts.add(account)
    earned = account.points
    if order.reward(account):
        notifier.points_awarded(account.customer_id, account.points - earned, account.points)


def on_order_cancelled(event: AboutAnOrder, uow: LoyaltyUnitOfWork) -> None:
    order = uow.orders.get(OrderId(event.order_id))
    if order is not None:  # an order cancelled before loyalty heard of it earns nothing anyway
        order.cancel()


def loyalty_reactions(notifier: Notifier) -> Reactions[LoyaltyUnitOfWork]:
    """Version 1 of OrderPlaced and OrderCancelled is read too while an ordering on the older
    code sends it alone (Tessera publishes it beside version 2 until its rollout ends)."""
    return {
        OrderPlaced: on_order_placed,
        OrderPlacedV1: on_order_placed,
        OrderCompleted: functools.partial(on_order_completed, notifier=notifier),
        OrderCancelled: on_order_cancelled,
        OrderCancelledV1: on_order_cancelled,
    }
