"""`tessera inventory ...`"""

from __future__ import annotations

import click

from tessera.adapters.cli.app import Runtime, fail, pass_runtime
from tessera.adapters.cli.render import print_json, stock_listing
from tessera.adapters.cli.types import WHOLE_NUMBER
from tessera.application.catalog.queries import GetProduct
from tessera.application.inventory.commands import ReceiveStock
from tessera.application.inventory.queries import GetStockItem, ListStockItems
from tessera.domain.inventory.rules import StockIsReceivedOnlyForSellableProducts
from tessera.domain.shared.errors import BusinessRuleViolation, NotFound


@click.group()
def inventory() -> None:
    """Stock on hand and what is reserved of it."""


@inventory.command("receive", context_settings={"ignore_unknown_options": True})
@click.argument("sku")
@click.argument("quantity", type=WHOLE_NUMBER)
@pass_runtime
def receive(runtime: Runtime, sku: str, quantity: int) -> None:
    """Add delivered goods to the stock of SKU."""
    try:
        item = runtime.handle(ReceiveStock(sku=sku, quantity=quantity))
    except BusinessRuleViolation as refused:
        if refused.rule == StockIsReceivedOnlyForSellableProducts.__name__:
            _explain_unknown_sku(runtime, sku)
        raise
    click.echo(f"{item.sku}: {item.on_hand} on hand, {item.available} available")


def _explain_unknown_sku(runtime: Runtime, sku: str) -> None:
    """Inventory learns the catalog from its events: a listing may not have reached it yet."""
    try:
        product = runtime.handle(GetProduct(sku))
    except NotFound:
        return
    if product.status == "listed":
        fail(
            f"{sku} is listed in the catalog, but inventory has not heard of it yet: the"
            " catalog's message is still on its way (in the split topology, `tessera worker`"
            " delivers it)"
        )


@inventory.command("show")
@click.argument("sku")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def show_item(runtime: Runtime, sku: str, as_json: bool) -> None:
    """One SKU's stock."""
    item = runtime.handle(GetStockItem(sku=sku))
    print_json(item) if as_json else stock_listing([item]).show()


@inventory.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def list_(runtime: Runtime, as_json: bool) -> None:
    """Every SKU's stock."""
    items = runtime.handle(ListStockItems())
    print_json(items) if as_json else stock_listing(items).show()
