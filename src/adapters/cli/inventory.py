"""`tessera inventory ...`"""

from __future__ import annotations

import click

from adapters.cli.app import Runtime, cli, pass_runtime
from adapters.cli.render import print_json, show, stock_table
from adapters.cli.types import WHOLE_NUMBER
from application.inventory.commands import ReceiveStock
from application.inventory.queries import GetStockItem, ListStockItems


@cli.group()
def inventory() -> None:
    """Stock on hand and what is reserved of it."""


@inventory.command("receive", context_settings={"ignore_unknown_options": True})
@click.argument("sku")
@click.argument("quantity", type=WHOLE_NUMBER)
@pass_runtime
def receive(runtime: Runtime, sku: str, quantity: int) -> None:
    """Add delivered goods to the stock of SKU."""
    item = runtime.handle(ReceiveStock(sku=sku, quantity=quantity))
    click.echo(f"{item.sku}: {item.on_hand} on hand, {item.available} available")


@inventory.command("show")
@click.argument("sku")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def show_item(runtime: Runtime, sku: str, as_json: bool) -> None:
    """One SKU's stock."""
    item = runtime.handle(GetStockItem(sku=sku))
    print_json(item) if as_json else show(stock_table([item]))


@inventory.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def list_(runtime: Runtime, as_json: bool) -> None:
    """Every SKU's stock."""
    items = runtime.handle(ListStockItems())
    print_json(items) if as_json else show(stock_table(items))
