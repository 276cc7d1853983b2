"""Whatever a user types or sets, every command ends in success or in one line on stderr with a
non-zero exit code, never a traceback; a refused command, and any read, changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tessera.adapters.bootstrap import Settings, Tessera, bootstrap
from tessera.adapters.cli.main import cli
from tessera.application.catalog.commands import DiscontinueProduct, ListProduct, RepriceProduct
from tessera.application.catalog.queries import GetProduct, ListProducts
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.inventory.queries import GetStockItem, ListStockItems
from tessera.application.ordering.commands import CancelOrder, OrderLineRequest, PlaceOrder
from tessera.application.ordering.queries import GetOrder, ListOrders
from tessera.application.shared.errors import ApplicationError
from tessera.application.shipping.commands import DeliverShipment
from tessera.application.shipping.queries import ListShipments
from tessera.domain.shared.errors import DomainError
from tests.cli.invoke import run, set_up
from tests.snapshot import shop_state

ODD_TEXT = st.sampled_from(
    ["", " ", "0", "-1", "1e3", "1E+3", "1e400", "nan", "inf", "1_0", "\uff15", "12.345",
     "99999999999999999999", "9" * 5000, "x" * 10_000, "MUG-1", "MUG-1:2", "tok_visa",
     "tok_gatewayError", "a\nb", "tab\t", "\x1b[2J", "\u202eevil", "\x00", "--json", "-5"]
)  # fmt: skip
ANY_TEXT = st.one_of(ODD_TEXT, st.text(max_size=40), st.text(min_size=200, max_size=600))


def mostly(
    plausible: st.SearchStrategy[str], odd: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """Mostly a value a user would mean, so that runs reach the business rules too."""
    return st.one_of(plausible, plausible, plausible, odd)


TEXT = mostly(st.sampled_from(["Mug", "c-1", "1 Main St", "Ünïcødé ☕"]), ANY_TEXT)
NUMBER_TEXT = mostly(
    st.integers(min_value=1, max_value=5).map(str),
    st.one_of(
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        ODD_TEXT,
    ),
)
SKU = mostly(st.sampled_from(["MUG-1", "TEE-1", "NEW-1", "OLD-1"]), ANY_TEXT)
HOW_MANY = st.sampled_from([1, 1, 1, 1, 1, 1, 0, 2])


def option(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """An option given once (mostly), left out, or given twice."""
    return HOW_MANY.flatmap(lambda n: st.lists(values, min_size=n, max_size=n)).map(
        lambda vs: [arg for v in vs for arg in (name, v)]
    )


def flag(name: str) -> st.SearchStrategy[list[str]]:
    return st.sampled_from([[], [name]])


def command(*parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    return st.tuples(*parts).map(lambda groups: [arg for group in groups for arg in group])


def words(*fixed: str) -> st.SearchStrategy[list[str]]:
    return st.just(list(fixed))


def positional(values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return HOW_MANY.flatmap(lambda n: st.lists(values, min_size=n, max_size=n))


LINE = st.one_of(
    st.tuples(SKU, NUMBER_TEXT).map(lambda pair: f"{pair[0]}:{pair[1]}"),
    st.sampled_from(["MUG-1:1", "MUG-1:2", "OLD-1:1", "MUG-1:1000001"]),
    ANY_TEXT,
)
CARD = mostly(st.sampled_from(["tok_visa", "tok_chargeDeclined", "tok_gatewayError"]), ANY_TEXT)
STATUS = mostly(st.sampled_from(["pending", "shipped", "cancelled", "dispatched"]), ANY_TEXT)
CURRENCY = mostly(st.sampled_from(["EUR", "JPY", "KWD"]), ANY_TEXT)

COMMANDS = st.one_of(
    command(
        words("catalog", "add"), positional(SKU), option("--name", TEXT),
        option("--price", NUMBER_TEXT), option("--currency", CURRENCY),
    ),
    command(words("catalog", "reprice"), positional(SKU), positional(NUMBER_TEXT)),
    command(words("catalog", "discontinue"), positional(SKU)),
    command(words("inventory", "receive"), positional(SKU), positional(NUMBER_TEXT)),
    command(
        words("orders", "place"), option("--customer", TEXT), option("--line", LINE),
        option("--line", LINE), option("--card", CARD), option("--address", TEXT),
        flag("--json"),
    ),
    command(
        words("orders", "place", "--card", "tok_visa", "--address", "1 Main St"),
        option("--customer", TEXT), option("--line", LINE),
    ),
    command(words("orders", "cancel"), positional(TEXT)),
    command(words("shipping", "deliver"), positional(TEXT)),
    command(words("messages", "replay"), positional(TEXT)),
    command(words("worker", "--until-idle"), option("--context", TEXT)),
    command(words("demo"), option("--orders", NUMBER_TEXT), option("--seed", NUMBER_TEXT)),
    command(words("db", "setup"), flag("--json")),
)  # fmt: skip
QUERIES = st.one_of(
    command(words("catalog", "list"), flag("--json")),
    command(words("inventory", "show"), positional(SKU), flag("--json")),
    command(words("inventory", "list"), flag("--json")),
    command(words("orders", "show"), positional(TEXT), flag("--json")),
    command(words("orders", "list"), option("--status", STATUS), flag("--json")),
    command(words("shipping", "list"), option("--status", STATUS), flag("--json")),
    command(words("messages", "status"), flag("--json")),
    command(words("messages", "dead-letters"), flag("--json")),
    command(words("trace"), positional(TEXT), flag("--json")),
    command(words("contexts", "map"), option("--format", mostly(st.just("mermaid"), ANY_TEXT))),
    command(words("contexts", "broker-grants"), positional(TEXT)),
)


def setting(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    """A value an operator might set: garbage, or a number (valid ones stay quick to run)."""
    return st.one_of(NUMBER_TEXT, st.text(max_size=12), valid.map(str))


SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "TESSERA_BATCH_SIZE": setting(st.integers(1, 500)),
        "TESSERA_LEASE_SECONDS": setting(st.integers(1, 60)),
        "TESSERA_POLL_SECONDS": setting(st.sampled_from(["0.001", "0.01"])),
        "TESSERA_RETENTION_SECONDS": setting(st.integers(1, 10**6)),
        "TESSERA_RETRY_MAX_ATTEMPTS": setting(st.integers(1, 5)),
        "TESSERA_RETRY_FIRST_DELAY": setting(st.sampled_from(["0", "0.001"])),
        "TESSERA_RETRY_FACTOR": setting(st.sampled_from(["1", "2"])),
        "TESSERA_RETRY_MAX_DELAY": setting(st.sampled_from(["0", "0.01"])),
        "TESSERA_TOPOLOGY": st.one_of(st.sampled_from(["monolith", "split"]), TEXT),
    },
)


# Most runs keep the defaults, so that the arguments, not only the settings, are tried.
ENVIRONMENT: st.SearchStrategy[dict[str, str]] = st.one_of(
    st.just({}), st.just({}), st.just({}), st.just({}), st.just({}), SETTINGS
)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    data = set_up(tmp_path / "data")
    for args in (
        ["catalog", "add", "MUG-1", "--name", "Mug", "--price", "3"],
        ["catalog", "add", "OLD-1", "--name", "Old", "--price", "1"],
        ["catalog", "discontinue", "OLD-1"],
        ["inventory", "receive", "MUG-1", "20"],
    ):
        assert run(data, *args).exit_code == 0
    return data


def invoke(data_dir: Path, args: list[str], env: dict[str, str]) -> Result:
    # A process's arguments and environment cannot hold NUL: the OS ends a string there.
    args = [arg.replace("\x00", "") for arg in args]
    env = {name: value.replace("\x00", "") for name, value in env.items()}
    quick = {"TESSERA_RETRY_FIRST_DELAY": "0.001", "TESSERA_RETRY_MAX_DELAY": "0.01"}
    return CliRunner(env=quick | env).invoke(cli, ["--data-dir", str(data_dir), *args])


def assert_ended_cleanly(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output
    if result.exit_code != 0:
        assert result.exit_code in (1, 2)
        assert result.stdout == ""
        assert result.stderr.startswith("error: ")
        assert result.stderr.count("\n") == 1


ANY_INPUT = settings(
    max_examples=400,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@ANY_INPUT
@given(
    run=st.one_of(COMMANDS.map(lambda a: (a, False)), QUERIES.map(lambda a: (a, True))),
    env=ENVIRONMENT,
)
def test_any_command_succeeds_or_is_refused_in_one_line_and_a_refusal_or_read_changes_nothing(
    shop: Path, run: tuple[list[str], bool], env: dict[str, str]
) -> None:
    args, reads_only = run
    before = shop_state(shop)
    result = invoke(shop, args, env)
    event(f"{'query' if reads_only else 'command'} exit {result.exit_code}")
    assert_ended_cleanly(result)
    if result.exit_code != 0 or reads_only:
        assert shop_state(shop) == before


VALUE = st.one_of(
    TEXT, st.none(), st.integers(min_value=-(10**25), max_value=10**25),
    st.decimals(allow_nan=True, allow_infinity=True), st.floats(), st.booleans(),
)  # fmt: skip


@st.composite
def python_commands(draw: st.DrawFn) -> object:
    """Every command and query of the Python API, with generated text and values."""
    value: Callable[[], Any] = lambda: draw(VALUE)  # noqa: E731
    sku: Callable[[], Any] = lambda: draw(st.one_of(SKU, VALUE))  # noqa: E731
    lines = draw(st.lists(st.builds(OrderLineRequest, st.one_of(SKU, VALUE), VALUE), max_size=3))
    builders: list[Callable[[], object]] = [
        lambda: ListProduct(sku(), value(), value(), value()),
        lambda: RepriceProduct(sku(), value(), value()),
        lambda: DiscontinueProduct(sku()),
        lambda: ReceiveStock(sku(), value()),
        lambda: PlaceOrder(value(), lines, value(), value(), value()),
        lambda: CancelOrder(value()),
        lambda: DeliverShipment(value()),
        lambda: GetProduct(sku()),
        lambda: GetStockItem(sku()),
        lambda: GetOrder(value()),
        lambda: ListOrders(value()),
        lambda: ListShipments(value()),
    ]
    return draw(st.sampled_from(builders))()


@pytest.fixture(scope="module")
def app() -> Iterator[Tessera]:
    with bootstrap(Settings.in_memory()) as tessera:
        tessera.handle(ListProduct("MUG-1", "Mug", "3.00"))
        tessera.handle(ReceiveStock("MUG-1", 50))
        yield tessera


def everything(app: Tessera) -> tuple[Any, ...]:
    return tuple(app.handle(q) for q in (ListProducts(), ListStockItems(), ListOrders()))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(message=python_commands())
def test_the_python_api_refuses_any_value_with_a_business_error_changing_nothing(
    app: Tessera, message: object
) -> None:
    before = everything(app)
    try:
        app.handle(message)
    except (DomainError, ApplicationError) as error:
        refused: Exception | None = error
    else:
        refused = None
    if refused is not None:
        assert "\n" not in str(refused)
        assert everything(app) == before


def test_a_decimal_price_from_python_is_held_to_the_same_rules(app: Tessera) -> None:
    with pytest.raises(DomainError, match="EUR amounts have at most 2 decimals"):
        app.handle(ListProduct("CUP-1", "Cup", Decimal("1.005")))
    with pytest.raises(DomainError, match="product name must be text"):
        app.handle(ListProduct("CUP-1", None, "1.00"))  # type: ignore[arg-type]
