"""Every text and number the shop keeps has a stated bound, enforced by the domain."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.domain.catalog.product import Product
from tessera.domain.ordering.fulfilment import Fulfilment
from tessera.domain.ordering.order import Order
from tessera.domain.ordering.price_list import ListedPrice
from tessera.domain.payments.payment import Payment
from tessera.domain.shared.bounds import (
    PRODUCT_NAME_LENGTH,
    TextMustBePrintable,
    checked_text,
    clipped,
    is_printable,
)
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.identifiers import OrderId, Sku
from tessera.domain.shared.money import Money
from tessera.domain.shipping.shipment import Shipment

MUG = Sku("MUG-1")


def prices() -> dict[Sku, ListedPrice]:
    # Built per test: the ORM instruments mapped classes once a test opens a database.
    return {MUG: ListedPrice(MUG, Money.of("9999999.99", "EUR"))}


NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
UNPRINTABLE = ["line\nbreak", "tab\there", "escape \x1b[31mred", "nul\x00", "bidi \u202e", "\ud800"]


@given(st.text(max_size=300), st.integers(min_value=1, max_value=250))
def test_checked_text_is_non_blank_printable_and_within_its_bound(text: str, bound: int) -> None:
    kept = text.strip()
    if kept and len(kept) <= bound and is_printable(kept):
        assert checked_text("thing", text, bound) == kept
    else:
        with pytest.raises(BusinessRuleViolation) as refused:
            checked_text("thing", text, bound)
        assert "\n" not in refused.value.message


@given(st.text(max_size=500))
def test_another_systems_text_is_clipped_to_one_printable_line(text: str) -> None:
    kept = clipped(text, 200)
    assert len(kept) <= 200
    assert is_printable(kept)


@pytest.mark.parametrize("name", UNPRINTABLE)
def test_a_product_name_is_printable(name: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Product.list(MUG, name, Money.of("1.00", "EUR"))
    assert refused.value.rule == TextMustBePrintable.__name__


def test_a_product_name_fits_its_column() -> None:
    assert Product.list(MUG, "x" * PRODUCT_NAME_LENGTH, Money.of("1.00", "EUR"))
    with pytest.raises(BusinessRuleViolation, match="at most 200 characters, not 10000"):
        Product.list(MUG, "x" * 10_000, Money.of("1.00", "EUR"))


@pytest.mark.parametrize("name", [None, 42, b"Mug"])
def test_a_product_name_that_is_not_text_is_refused_like_an_empty_one(name: object) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Product.list(MUG, name, Money.of("1.00", "EUR"))  # type: ignore[arg-type]
    assert refused.value.rule == "TextMustNotBeBlank"


@pytest.mark.parametrize(
    ("customer", "address", "says"),
    [
        ("c" * 65, "1 Main St", "customer id must be at most 64 characters"),
        ("c-1", "a" * 501, "shipping address must be at most 500 characters"),
        ("c-1\n", "1 Main\nSt", "shipping address must not contain line breaks"),
        (None, "1 Main St", "customer id must be text"),
    ],
)
def test_an_orders_texts_have_bounds(customer: str, address: str, says: str) -> None:
    with pytest.raises(BusinessRuleViolation, match=says):
        Order.place(OrderId("o-1"), customer, address, [(MUG, 1)], prices(), NOW, number=1)


def test_an_order_has_at_most_a_hundred_lines() -> None:
    skus = [Sku(f"SKU-{n:03}") for n in range(101)]
    prices = {sku: ListedPrice(sku, Money.of("1.00", "EUR")) for sku in skus}
    with pytest.raises(BusinessRuleViolation, match="at most 100 lines"):
        Order.place(
            OrderId("o-1"), "c-1", "1 Main St", [(s, 1) for s in skus], prices, NOW, number=1
        )


def test_an_orders_total_stays_within_what_money_holds() -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Order.place(OrderId("o-1"), "c-1", "1 Main St", [(MUG, 1_000_000)], prices(), NOW, number=1)
    assert refused.value.rule == "OrderTotalMustStayWithinBounds"
    order = Order.place(OrderId("o-1"), "c-1", "1 Main St", [(MUG, 1_000)], prices(), NOW, number=1)
    assert order.total == Money(Decimal("9999999990.00"), "EUR")


@pytest.mark.parametrize("order_id", ["", "x" * 65, "has space", "o\x1b", "ö-1", None])
def test_an_order_id_is_short_plain_text(order_id: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        OrderId(order_id)
    assert refused.value.rule == "OrderIdMustBeWellFormed"


def test_a_card_token_is_bounded_text() -> None:
    order = Order.place(OrderId("o-1"), "c-1", "1 Main St", [(MUG, 1)], prices(), NOW, number=1)
    with pytest.raises(BusinessRuleViolation, match="card token must be at most 64"):
        Fulfilment.start(order, "t" * 65)


def test_a_shipments_address_and_tracking_number_are_bounded_whatever_sent_them() -> None:
    with pytest.raises(BusinessRuleViolation, match="shipping address"):
        Shipment.request("shp-1", OrderId("o-1"), "a\x1b" * 10)
    shipment = Shipment.request("shp-1", OrderId("o-1"), "  1 Main St ")
    assert shipment.address == "1 Main St"
    with pytest.raises(BusinessRuleViolation, match="tracking number"):
        shipment.dispatch("T" * 65)


def test_a_gateways_decline_reason_is_kept_as_one_bounded_line() -> None:
    payment = Payment.declined(OrderId("o-1"), Money.of("1.00", "EUR"), "no\nfunds" + "!" * 300)
    assert payment.decline_reason is not None
    assert payment.decline_reason.startswith("no funds")
    assert len(payment.decline_reason) == 200
