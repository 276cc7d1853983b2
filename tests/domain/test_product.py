"""A product is listed at a positive price, repriced while on sale, and discontinued for good."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tessera.domain.catalog.events import ProductDiscontinued, ProductListed, ProductRepriced
from tessera.domain.catalog.product import Product, ProductStatus
from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.identifiers import Sku
from tessera.domain.shared.money import Money


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def listed(price: str = "10.00") -> Product:
    return Product.list(Sku("MUG-1"), "Mug", eur(price))


def test_listing_a_product_records_that_it_was_listed() -> None:
    product = listed("12.50")
    assert product.status is ProductStatus.LISTED
    assert product.pull_events() == [ProductListed(Sku("MUG-1"), "Mug", eur("12.50"))]


@pytest.mark.parametrize("price", ["0", "-0.01", "-5"])
def test_a_product_cannot_be_listed_without_a_positive_price(price: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        listed(price)
    assert refused.value.rule == "PriceMustBePositive"


def test_a_product_needs_a_name() -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Product.list(Sku("MUG-1"), "   ", eur("1"))
    assert refused.value.rule == "TextMustNotBeBlank"


@pytest.mark.parametrize("sku", ["AB", "a-lowercase", "X" * 33, "HAS SPACE", "UNDER_SCORE"])
def test_a_sku_is_three_to_thirty_two_of_capitals_digits_and_dashes(sku: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Sku(sku)
    assert refused.value.rule == "SkuMustBeWellFormed"


def test_repricing_records_old_and_new_price() -> None:
    product = listed("10.00")
    product.pull_events()
    product.reprice(eur("11.00"))
    assert product.price == eur("11.00")
    assert product.pull_events() == [ProductRepriced(Sku("MUG-1"), eur("10.00"), eur("11.00"))]


def test_repricing_to_the_same_price_changes_nothing() -> None:
    product = listed("10.00")
    product.pull_events()
    product.reprice(eur("10.0"))
    assert product.pull_events() == []


def test_a_discontinued_product_cannot_be_repriced() -> None:
    product = listed()
    product.discontinue()
    with pytest.raises(BusinessRuleViolation) as refused:
        product.reprice(eur("99"))
    assert refused.value.rule == "DiscontinuedProductCannotBeRepriced"
    assert product.price == eur("10.00")


def test_discontinuing_twice_is_recorded_once() -> None:
    product = listed()
    product.discontinue()
    product.discontinue()
    assert [e for e in product.pull_events() if isinstance(e, ProductDiscontinued)] == [
        ProductDiscontinued(Sku("MUG-1"))
    ]


prices = st.decimals(min_value=Decimal("-5"), max_value=Decimal("100"), places=2).map(
    lambda d: Money(d, "EUR")
)


class ProductLifecycle(RuleBasedStateMachine):
    """For any sequence of reprices and discontinuations, the product's invariants hold."""

    def __init__(self) -> None:
        super().__init__()
        self.product = listed("10.00")
        self.expected_price = eur("10.00")
        self.discontinued = False
        self.changes = 1

    @rule(price=prices)
    def reprice(self, price: Money) -> None:
        try:
            self.product.reprice(price)
        except BusinessRuleViolation:
            assert self.discontinued or not price.is_positive
            return
        assert not self.discontinued
        assert price.is_positive
        if price != self.expected_price:
            self.changes += 1
        self.expected_price = price

    @rule()
    def discontinue(self) -> None:
        self.product.discontinue()
        if not self.discontinued:
            self.changes += 1
        self.discontinued = True

    @invariant()
    def price_is_always_positive_and_as_last_accepted(self) -> None:
        assert self.product.price.is_positive
        assert self.product.price == self.expected_price

    @invariant()
    def status_follows_discontinuation(self) -> None:
        assert self.product.is_discontinued == self.discontinued

    @invariant()
    def version_counts_every_change(self) -> None:
        assert self.product.version == self.changes


TestProductLifecycle = ProductLifecycle.TestCase
