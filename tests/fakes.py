"""In-memory repositories and units of work: fast unit tests with no database."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from tessera.domain.catalog.product import Product
from tessera.domain.inventory.allocation import Allocation
from tessera.domain.inventory.catalogue import CataloguedProduct
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.ordering.fulfilment import Fulfilment
from tessera.domain.ordering.order import Order, OrderStatus
from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.ordering.repository import OrderCriteria
from tessera.domain.payments.payment import Payment
from tessera.domain.shared.identifiers import OrderId
from tessera.domain.shipping.shipment import Shipment

Aggregate = TypeVar(
    "Aggregate",
    Product,
    StockItem,
    CataloguedProduct,
    Allocation,
    Order,
    Fulfilment,
    ListedPrice,
    Payment,
    Shipment,
)


class FakeUnitOfWork:
    """Keeps committed state apart from the working copy, so a missing commit loses the change."""

    def __init__(self) -> None:
        self.committed: dict[tuple[type, Any], object] = {}
        self._working: dict[tuple[type, Any], object] = {}
        self.commits = 0
        self.inbox = FakeInbox(self)

    def __enter__(self) -> Self:
        self._working = copy.deepcopy(self.committed)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.committed = copy.deepcopy(self._working)
        self.commits += 1

    def rollback(self) -> None:
        self._working = copy.deepcopy(self.committed)

    def preload(self, subjects: Collection[str]) -> None:
        pass  # everything is in memory already

    def record_events(self) -> None:
        """The fakes publish nothing; their tests look at state, not at messages."""


class FakeRepository(Generic[Aggregate]):
    """Aggregates of one kind, by SKU, in the unit of work's working copy."""

    def __init__(self, uow: FakeUnitOfWork, kind: type[Aggregate], identity: str = "sku") -> None:
        self._uow = uow
        self._kind: type[Aggregate] = kind
        self._identity = identity

    def add(self, aggregate: Aggregate) -> None:
        self._uow._working[(self._kind, getattr(aggregate, self._identity))] = aggregate

    def get(self, key: Any) -> Aggregate | None:
        found = self._uow._working.get((self._kind, key))
        return found if isinstance(found, self._kind) else None

    def all(self) -> Sequence[Aggregate]:
        return [a for a in self._uow._working.values() if isinstance(a, self._kind)]


class FakeInbox:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def seen(self, message_ids: Collection[str]) -> set[str]:
        return {m for m in message_ids if (FakeInbox, m) in self._uow._working}

    def record(self, message_id: str, message_type: str) -> None:
        self._uow._working[(FakeInbox, message_id)] = message_type


class FakeCatalogUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.products = FakeRepository(self, Product)


class FakeInventoryUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.stock = FakeRepository(self, StockItem)
        self.catalogue = FakeRepository(self, CataloguedProduct)
        self.allocations = FakeRepository(self, Allocation, identity="order_id")


NEVER = datetime.min.replace(tzinfo=UTC)
"""Where an order without a recorded time sorts: after every dated one."""


class FakeOrders(FakeRepository[Order]):
    def find(self, criteria: OrderCriteria, limit: int | None) -> tuple[Sequence[Order], int]:
        def meets(order: Order) -> bool:
            placed = order.placed_at
            return (
                criteria.customer_id in (None, order.customer_id)
                and criteria.status in (None, order.status)
                and (criteria.since is None or (placed is not None and placed >= criteria.since))
                and (criteria.until is None or (placed is not None and placed < criteria.until))
            )

        found = [order for order in self.all() if meets(order)]
        found.sort(key=lambda order: order.id)
        found.sort(key=lambda order: order.placed_at or NEVER, reverse=True)  # stable: ids
        return found[:limit], len(found)

    def next_number(self) -> int:
        key = (FakeOrders, "last number")  # in the working copy: a rollback gives it back
        last = self._uow._working.get(key)
        number = (last if isinstance(last, int) else 0) + 1
        self._uow._working[key] = number
        return number

    def id_numbered(self, number: int) -> OrderId | None:
        return next((order.id for order in self.all() if order.number == number), None)

    def ids_starting_with(self, prefix: str, limit: int) -> list[OrderId]:
        ids = sorted(order.id for order in self.all() if order.id.value.startswith(prefix))
        return ids[:limit]

    def count_by_status(self) -> dict[OrderStatus, int]:
        counts: dict[OrderStatus, int] = {}
        for order in self.all():
            counts[order.status] = counts.get(order.status, 0) + 1
        return counts


class FakeOrderingUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.orders = FakeOrders(self, Order, identity="id")
        self.fulfilments = FakeRepository(self, Fulfilment, identity="order_id")
        self.prices = FakeRepository(self, ListedPrice)


class FakeShipments(FakeRepository[Shipment]):
    def for_order(self, order_id: OrderId) -> Shipment | None:
        return next((s for s in self.all() if s.order_id == order_id), None)


class FakePaymentsUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.payments = FakeRepository(self, Payment, identity="order_id")


class FakeShippingUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.shipments = FakeShipments(self, Shipment, identity="id")
