"""What inventory does when other contexts announce something.

Each reaction runs inside the consumer's unit of work, which records the message in the
inbox and commits; reactions tolerate redelivery and messages arriving out of order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tessera.application.contracts.catalog import (
    ProductDiscontinued,
    ProductListed,
    ProductListedV1,
)
from tessera.application.contracts.ordering import (
    OrderCancelled,
    OrderCancelledV1,
    OrderPlaced,
    OrderPlacedV1,
)
from tessera.application.contracts.shipping import ShipmentDispatched, ShipmentDispatchedV1
from tessera.application.inventory.unit_of_work import InventoryUnitOfWork
from tessera.application.shared.bus import Reactions
from tessera.application.shared.reads import AboutAnOrder, AboutAProduct
from tessera.domain.inventory.allocation import Allocation
from tessera.domain.inventory.catalogue import CataloguedProduct
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.identifiers import OrderId, Sku


class WantedLine(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def quantity(self) -> int: ...


class OrderToAllocate(Protocol):
    """What inventory reads of OrderPlaced: which order, and the lines to set aside."""

    @property
    def order_id(self) -> str: ...
    @property
    def lines(self) -> Sequence[WantedLine]: ...


def on_product_listed(event: AboutAProduct, uow: InventoryUnitOfWork) -> None:
    sku = Sku(event.sku)
    if uow.catalogue.get(sku) is None:
        uow.catalogue.add(CataloguedProduct(sku))


def on_product_discontinued(event: AboutAProduct, uow: InventoryUnitOfWork) -> None:
    sku = Sku(event.sku)
    known = uow.catalogue.get(sku)
    if known is None:  # the discontinuation overtook the listing
        uow.catalogue.add(CataloguedProduct(sku, discontinued=True))
    else:
        known.discontinued = True


def on_order_placed(event: OrderToAllocate, uow: InventoryUnitOfWork) -> None:
    order_id = OrderId(event.order_id)
    if uow.allocations.get(order_id) is not None:
        return  # already reserved or rejected, or cancelled before it arrived
    wanted = [(Sku(line.sku), line.quantity) for line in event.lines]
    skus = {sku for sku, _ in wanted}
    stock = {sku: uow.stock.get(sku) for sku in skus}
    catalogue = {sku: uow.catalogue.get(sku) for sku in skus}
    uow.allocations.add(Allocation.allocate(order_id, wanted, stock, catalogue))


def on_order_cancelled(event: AboutAnOrder, uow: InventoryUnitOfWork) -> None:
    order_id = OrderId(event.order_id)
    held = uow.allocations.get(order_id)
    if held is None:
        uow.allocations.add(Allocation.withdrawn(order_id))
        return
    held.release(_stock_of(held, uow))


def on_shipment_dispatched(event: AboutAnOrder, uow: InventoryUnitOfWork) -> None:
    held = uow.allocations.get(OrderId(event.order_id))
    if held is None:
        raise LookupError(f"order {event.order_id} shipped, but inventory holds nothing for it")
    held.ship(_stock_of(held, uow))


def _stock_of(held: Allocation, uow: InventoryUnitOfWork) -> dict[Sku, StockItem | None]:
    return {line.sku: uow.stock.get(line.sku) for line in held.lines}


def inventory_reactions() -> Reactions[InventoryUnitOfWork]:
    """Each version 1 is read too while publishers on the older code send it alone."""
    return {
        ProductListed: on_product_listed,
        ProductListedV1: on_product_listed,
        ProductDiscontinued: on_product_discontinued,
        OrderPlaced: on_order_placed,
        OrderPlacedV1: on_order_placed,
        OrderCancelled: on_order_cancelled,
        OrderCancelledV1: on_order_cancelled,
        ShipmentDispatched: on_shipment_dispatched,
        ShipmentDispatchedV1: on_shipment_dispatched,
    }
