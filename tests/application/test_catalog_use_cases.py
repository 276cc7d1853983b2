"""Catalog use cases, driven through the message bus on a fake unit of work."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tessera.application.catalog.commands import DiscontinueProduct, ListProduct, RepriceProduct
from tessera.application.catalog.handlers import catalog_handlers
from tessera.application.catalog.queries import GetProduct, ListProducts, ProductView
from tessera.application.shared.bus import MessageBus
from tessera.application.shared.errors import UnknownMessage
from tessera.domain.shared.errors import BusinessRuleViolation, NotFound
from tests.fakes import FakeCatalogUnitOfWork


@pytest.fixture
def uow() -> FakeCatalogUnitOfWork:
    return FakeCatalogUnitOfWork()


@pytest.fixture
def bus(uow: FakeCatalogUnitOfWork) -> MessageBus:
    return MessageBus(catalog_handlers(uow))


def test_a_listed_product_can_be_read_back(bus: MessageBus, uow: FakeCatalogUnitOfWork) -> None:
    bus.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50", currency="EUR"))
    assert bus.handle(GetProduct("MUG-1")) == ProductView(
        "MUG-1", "Mug", Decimal("12.50"), "EUR", "listed"
    )
    assert uow.commits == 1


def test_a_sku_is_listed_once(bus: MessageBus, uow: FakeCatalogUnitOfWork) -> None:
    bus.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50"))
    with pytest.raises(BusinessRuleViolation) as refused:
        bus.handle(ListProduct(sku="MUG-1", name="Other mug", price="1.00"))
    assert refused.value.rule == "SkuIsListedOnce"
    assert bus.handle(GetProduct("MUG-1")).name == "Mug"
    assert uow.commits == 1


def test_repricing_keeps_the_currency_unless_told(bus: MessageBus) -> None:
    bus.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50", currency="GBP"))
    view = bus.handle(RepriceProduct(sku="MUG-1", price="13.00"))
    assert (view.price, view.currency) == (Decimal("13.00"), "GBP")


def test_a_refused_reprice_changes_nothing(bus: MessageBus, uow: FakeCatalogUnitOfWork) -> None:
    bus.handle(ListProduct(sku="MUG-1", name="Mug", price="12.50"))
    with pytest.raises(BusinessRuleViolation):
        bus.handle(RepriceProduct(sku="MUG-1", price="-1"))
    assert bus.handle(GetProduct("MUG-1")).price == Decimal("12.50")
    assert uow.commits == 1


def test_discontinued_products_stay_in_the_list(bus: MessageBus) -> None:
    bus.handle(ListProduct(sku="MUG-2", name="Mug 2", price="1"))
    bus.handle(ListProduct(sku="MUG-1", name="Mug 1", price="1"))
    bus.handle(DiscontinueProduct(sku="MUG-2"))
    assert [(p.sku, p.status) for p in bus.handle(ListProducts())] == [
        ("MUG-1", "listed"),
        ("MUG-2", "discontinued"),
    ]


@pytest.mark.parametrize(
    "command",
    [
        RepriceProduct(sku="NOPE-1", price="1"),
        DiscontinueProduct(sku="NOPE-1"),
        GetProduct("NOPE-1"),
    ],
)
def test_an_unknown_sku_is_reported(bus: MessageBus, command: object) -> None:
    with pytest.raises(NotFound, match="NOPE-1"):
        bus.handle(command)


def test_a_message_without_a_handler_is_refused(bus: MessageBus) -> None:
    with pytest.raises(UnknownMessage):
        bus.handle(object())
