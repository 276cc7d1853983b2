"""Inventory's use cases, one handler each."""

from __future__ import annotations

from tessera.application.inventory.commands import ReceiveStock
from tessera.application.inventory.queries import (
    AllocationView,
    GetStockItem,
    ListAllocations,
    ListStockItems,
    StockItemView,
)
from tessera.application.inventory.unit_of_work import InventoryUnitOfWork
from tessera.application.shared.bus import Handlers, use_cases
from tessera.domain.inventory.rules import StockIsReceivedOnlyForSellableProducts
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.errors import NotFound
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.rules import check_rule


def receive_stock(command: ReceiveStock, uow: InventoryUnitOfWork) -> StockItemView:
    sku = Sku(command.sku)
    with uow:
        product = uow.catalogue.get(sku)
        check_rule(
            StockIsReceivedOnlyForSellableProducts(
                sku, listed=product is not None, discontinued=bool(product and product.discontinued)
            )
        )
        item = uow.stock.get(sku)
        if item is None:
            item = StockItem(sku)
            uow.stock.add(item)
        item.receive(command.quantity)
        uow.commit()
        return StockItemView.of(item)


def get_stock_item(query: GetStockItem, uow: InventoryUnitOfWork) -> StockItemView:
    """A SKU's stock; a product listed but never received has none of anything yet."""
    sku = Sku(query.sku)
    with uow:
        item = uow.stock.get(sku)
        if item is None and uow.catalogue.get(sku) is not None:
            item = StockItem(sku)
        if item is None:
            raise NotFound(f"no stock item for SKU {sku}: inventory has not heard of it")
        return StockItemView.of(item)


def list_stock_items(query: ListStockItems, uow: InventoryUnitOfWork) -> list[StockItemView]:
    """Every SKU inventory knows of, received or not yet."""
    with uow:
        items = {item.sku: item for item in uow.stock.all()}
        for product in uow.catalogue.all():
            items.setdefault(product.sku, StockItem(product.sku))
        return [StockItemView.of(items[sku]) for sku in sorted(items)]


def list_allocations(query: ListAllocations, uow: InventoryUnitOfWork) -> list[AllocationView]:
    with uow:
        return [
            AllocationView.of(a) for a in sorted(uow.allocations.all(), key=lambda a: a.order_id)
        ]


def inventory_handlers(uow: InventoryUnitOfWork) -> Handlers:
    """Every inventory command and query, bound to inventory's unit of work."""
    return use_cases(uow, receive_stock, get_stock_item, list_stock_items, list_allocations)
