"""Money is exact, and never mixes currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.domain.shared.errors import BusinessRuleViolation
from tessera.domain.shared.money import CURRENCY_DECIMALS, MAX_AMOUNT, CurrencyMismatch, Money

currencies = st.sampled_from(sorted(CURRENCY_DECIMALS))


ARITHMETIC_BOUND = Decimal(10) ** 8
"""Small enough that sums and products of a thousand stay within MAX_AMOUNT."""


@st.composite
def amounts_in(draw: st.DrawFn, currency: str, below: Decimal) -> Decimal:
    """An amount a currency can hold: its own decimals, with a size below `below`."""
    places = CURRENCY_DECIMALS[currency]
    bound = below - Decimal(1).scaleb(-places)
    amount: Decimal = draw(st.decimals(min_value=-bound, max_value=bound, places=places))
    return amount


def money(currency: str = "EUR", below: Decimal = ARITHMETIC_BOUND) -> st.SearchStrategy[Money]:
    return st.builds(Money, amounts_in(currency, below), st.just(currency))


@st.composite
def any_money(draw: st.DrawFn, below: Decimal = ARITHMETIC_BOUND) -> Money:
    return draw(money(draw(currencies), below))


@given(any_money(below=MAX_AMOUNT))
def test_an_amount_keeps_exactly_its_currencys_decimals(m: Money) -> None:
    assert m.amount.as_tuple().exponent == -CURRENCY_DECIMALS[m.currency]
    written = str(m).split(" ")[0]
    assert "E" not in written
    digits = written.partition(".")[2]
    assert len(digits) == CURRENCY_DECIMALS[m.currency]


@given(any_money(below=MAX_AMOUNT))
def test_money_printed_parses_back_to_itself(m: Money) -> None:
    text, currency = str(m).split(" ")
    assert Money.of(text, currency) == m
    assert str(Money.of(text, currency)) == str(m)


@given(any_money(), st.integers(min_value=0, max_value=1000), st.data())
def test_arithmetic_never_gains_decimals(m: Money, n: int, data: st.DataObject) -> None:
    other = data.draw(money(m.currency))
    for result in (m + other, m - other, m * n):
        assert result.amount.as_tuple().exponent == -CURRENCY_DECIMALS[m.currency]


def test_amounts_print_with_their_currencys_decimals() -> None:
    assert str(Money.of("3", "EUR")) == "3.00 EUR"
    assert str(Money(Decimal("1E+3"), "EUR")) == "1000.00 EUR"
    assert str(Money.of("1000", "JPY")) == "1000 JPY"
    assert str(Money.of("1.5", "KWD")) == "1.500 KWD"


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("12.345", "EUR"), ("0.001", "EUR"), ("5.5", "JPY"), ("0.0001", "BHD")],
)
def test_an_amount_has_at_most_its_currencys_decimals(amount: str, currency: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Money.of(amount, currency)
    assert refused.value.rule == "MoneyHasAtMostItsCurrencyDecimals"


@pytest.mark.parametrize("amount", ["1000000000000", "-1000000000000", "1" * 38])
def test_an_amount_stays_below_a_trillion(amount: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Money.of(amount, "EUR")
    assert refused.value.rule in {"MoneyAmountMustBeWithinBounds", "MoneyAmountMustBeANumber"}
    with pytest.raises(BusinessRuleViolation) as refused:
        Money(Decimal(amount), "EUR")
    assert refused.value.rule == "MoneyAmountMustBeWithinBounds"
    assert Money.of("999999999999.99", "EUR").amount == Decimal("999999999999.99")


def test_a_sum_beyond_the_bound_is_refused_not_rounded() -> None:
    near = Money.of("999999999999.99", "EUR")
    with pytest.raises(BusinessRuleViolation):
        near + Money.of("0.01", "EUR")
    with pytest.raises(BusinessRuleViolation):
        Money.of("10101010101.02", "EUR") * 99


@pytest.mark.parametrize("amount", ["1e3", "1E+3", "1e400", "1_0", "\uff15", " ", "0x10", "+-1"])
def test_money_from_text_is_plain_ascii_decimal_notation(amount: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Money.of(amount, "EUR")
    assert refused.value.rule == "MoneyAmountMustBeANumber"


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


def test_money_is_never_built_from_a_float() -> None:
    with pytest.raises(BusinessRuleViolation):
        Money.of(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(0.1, "EUR")  # type: ignore[arg-type]


def test_tenths_add_up_exactly() -> None:
    assert Money.of("0.1", "EUR") * 3 == Money.of("0.3", "EUR")


@pytest.mark.parametrize("currency", ["eur", "EURO", "", "E1R", "XYZ", None])
def test_currency_must_be_one_tessera_knows(currency: str) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        Money.of("1", currency)
    assert refused.value.rule == "CurrencyMustBeKnown"


@pytest.mark.parametrize("amount", ["abc", "", "NaN", "Infinity", None])
def test_an_amount_must_be_a_finite_number(amount: str) -> None:
    with pytest.raises(BusinessRuleViolation):
        Money.of(amount, "EUR")
