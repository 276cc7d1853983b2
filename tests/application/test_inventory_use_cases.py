"""Inventory use cases, driven through the message bus on a fake unit of work."""

from __future__ import annotations

import pytest

from tessera.application.inventory.commands import ReceiveStock
from tessera.application.inventory.handlers import inventory_handlers
from tessera.application.inventory.queries import GetStockItem, ListStockItems, StockItemView
from tessera.application.shared.bus import MessageBus
from tessera.domain.inventory.catalogue import CataloguedProduct
from tessera.domain.inventory.stock_item import StockItem
from tessera.domain.shared.bounds import MAX_STOCK
from tessera.domain.shared.errors import BusinessRuleViolation, NotFound
from tessera.domain.shared.identifiers import Sku
from tests.fakes import FakeInventoryUnitOfWork


@pytest.fixture
def uow() -> FakeInventoryUnitOfWork:
    return FakeInventoryUnitOfWork()


@pytest.fixture
def bus(uow: FakeInventoryUnitOfWork) -> MessageBus:
    with uow:  # what inventory has learnt from catalog's events
        uow.catalogue.add(CataloguedProduct(Sku("MUG-1")))
        uow.catalogue.add(CataloguedProduct(Sku("OLD-1"), discontinued=True))
        uow.commit()
    uow.commits = 0
    return MessageBus(inventory_handlers(uow))


def test_receiving_stock_for_a_new_sku_starts_its_stock_item(bus: MessageBus) -> None:
    bus.handle(ReceiveStock(sku="MUG-1", quantity=5))
    bus.handle(ReceiveStock(sku="MUG-1", quantity=3))
    assert bus.handle(GetStockItem("MUG-1")) == StockItemView("MUG-1", 8, 0, 8, 8, 0)


def test_a_refused_delivery_leaves_no_stock_item_behind(
    bus: MessageBus, uow: FakeInventoryUnitOfWork
) -> None:
    with pytest.raises(BusinessRuleViolation):
        bus.handle(ReceiveStock(sku="MUG-1", quantity=0))
    assert uow.stock.all() == []
    assert uow.commits == 0


def test_stock_of_an_unknown_sku_is_reported(bus: MessageBus) -> None:
    with pytest.raises(NotFound, match="NOPE-1"):
        bus.handle(GetStockItem("NOPE-1"))


def test_stock_is_received_only_for_products_the_catalog_lists(bus: MessageBus) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        bus.handle(ReceiveStock(sku="NEW-1", quantity=5))
    assert refused.value.rule == "StockIsReceivedOnlyForSellableProducts"
    assert "not in the catalog" in refused.value.message


def test_no_stock_is_received_for_a_discontinued_product(bus: MessageBus) -> None:
    with pytest.raises(BusinessRuleViolation, match="discontinued"):
        bus.handle(ReceiveStock(sku="OLD-1", quantity=5))
    assert bus.handle(GetStockItem("OLD-1")).received == 0


def test_a_product_listed_but_never_received_shows_with_nothing_on_hand(bus: MessageBus) -> None:
    nothing = StockItemView("MUG-1", on_hand=0, reserved=0, available=0, received=0, shipped=0)
    assert bus.handle(GetStockItem("MUG-1")) == nothing
    assert nothing in bus.handle(ListStockItems())


@pytest.mark.parametrize("quantity", [0, -1, 1_000_001, True, "5", 2.0])
def test_a_delivery_is_a_whole_number_of_units_within_its_bound(
    bus: MessageBus, quantity: object
) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        bus.handle(ReceiveStock(sku="MUG-1", quantity=quantity))  # type: ignore[arg-type]
    assert refused.value.rule == "QuantityMustBeWithinBounds"
    assert "from 1 to 1,000,000" in refused.value.message


def test_a_skus_stock_never_outgrows_its_counters(
    bus: MessageBus, uow: FakeInventoryUnitOfWork
) -> None:
    with uow:  # nearly two billion units received over the years
        uow.stock.add(StockItem(Sku("MUG-1"), received=MAX_STOCK - 1_000_000))
        uow.commit()
    bus.handle(ReceiveStock(sku="MUG-1", quantity=1_000_000))
    with pytest.raises(BusinessRuleViolation) as refused:
        bus.handle(ReceiveStock(sku="MUG-1", quantity=1))
    assert refused.value.rule == "StockMustStayWithinBounds"
    assert bus.handle(GetStockItem("MUG-1")).on_hand == 2_000_000_000
