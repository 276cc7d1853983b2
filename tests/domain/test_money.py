"""Money is exact, and never mixes currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.shared.errors import BusinessRuleViolation
from domain.shared.money import CurrencyMismatch, Money

amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
currencies = st.sampled_from(["EUR", "USD", "GBP", "JPY"])


def money(currency: str = "EUR") -> st.SearchStrategy[Money]:
    return st.builds(Money, amounts, st.just(currency))


@given(money(), money(), money())
def test_addition_is_associative_and_exact(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)


@given(money(), money())
def test_subtracting_what_was_added_gives_the_original(a: Money, b: Money) -> None:
    assert (a + b) - b == a


@given(money(), st.integers(min_value=0, max_value=1000))
def test_multiplying_by_a_quantity_is_repeated_addition(a: Money, n: int) -> None:
    total = Money.zero("EUR")
    for _ in range(n):
        total += a
    assert a * n == total == n * a


@given(money("EUR"), money("USD"))
def test_amounts_in_different_currencies_never_combine(eur: Money, usd: Money) -> None:
    with pytest.raises(CurrencyMismatch):
        eur + usd
    with pytest.raises(CurrencyMismatch):
        _ = eur < usd


@given(amounts, currencies)
def test_money_written_as_text_parses_to_the_same_amount(amount: Decimal, currency: str) -> None:
    assert Money.of(str(amount), currency) == Money(amount, currency)


def test_money_is_never_built_from_a_float() -> None:
    with pytest.raises(TypeError):
        Money.of(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(0.1, "EUR")  # type: ignore[arg-type]


def test_tenths_add_up_exactly() -> None:
    assert Money.of("0.1", "EUR") * 3 == Money.of("0.3", "EUR")


@pytest.mark.parametrize("currency", ["eur", "EURO", "", "E1R"])
def test_currency_must_be_a_three_letter_code(currency: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Money.of("1", currency)
    assert refused.value.rule == "CurrencyMustBeIsoCode"


@pytest.mark.parametrize("amount", ["abc", "", "NaN", "Infinity"])
def test_an_amount_must_be_a_finite_number(amount: str) -> None:
    with pytest.raises(BusinessRuleViolation):
        Money.of(amount, "EUR")
