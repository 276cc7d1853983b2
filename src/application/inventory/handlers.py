"""Inventory's use cases, one handler each."""

from __future__ import annotations

from application.inventory.commands import ReceiveStock
from application.inventory.queries import (
    AllocationView,
    GetStockItem,
    ListAllocations,
    ListStockItems,
    StockItemView,
)
from application.inventory.unit_of_work import InventoryUnitOfWork
from application.shared.bus import Handlers
from domain.inventory.rules import StockIsReceivedOnlyForSellableProducts
from domain.inventory.stock_item import StockItem
from domain.shared.errors import NotFound
from domain.shared.identifiers import Sku
from domain.shared.rules import check_rule


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
    with uow:
        return StockItemView.of(_existing(uow, query.sku))


def list_stock_items(query: ListStockItems, uow: InventoryUnitOfWork) -> list[StockItemView]:
    with uow:
        return [StockItemView.of(i) for i in sorted(uow.stock.all(), key=lambda i: i.sku)]


def list_allocations(query: ListAllocations, uow: InventoryUnitOfWork) -> list[AllocationView]:
    with uow:
        return [
            AllocationView.of(a) for a in sorted(uow.allocations.all(), key=lambda a: a.order_id)
        ]


def _existing(uow: InventoryUnitOfWork, sku: str) -> StockItem:
    item = uow.stock.get(Sku(sku))
    if item is None:
        raise NotFound(f"no stock item for SKU {sku}")
    return item


def inventory_handlers(uow: InventoryUnitOfWork) -> Handlers:
    """Every inventory command and query, bound to inventory's unit of work."""
    return {
        ReceiveStock: lambda m: receive_stock(m, uow),
        GetStockItem: lambda m: get_stock_item(m, uow),
        ListStockItems: lambda m: list_stock_items(m, uow),
        ListAllocations: lambda m: list_allocations(m, uow),
    }
