"""How views are shown: rich tables for people, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
import click
from attrs import AttrsInstance
from rich.console import Console
from rich.table import Table

from application.catalog.queries import ProductView
from application.inventory.queries import StockItemView


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


def print_json(views: AttrsInstance | Sequence[AttrsInstance]) -> None:
    """Views as JSON; amounts stay exact as strings."""
    if isinstance(views, Sequence):
        data: Any = [attrs.asdict(v) for v in views]
    else:
        data = attrs.asdict(views)
    click.echo(json.dumps(data, default=plain, indent=2))


def products_table(products: Sequence[ProductView]) -> Table:
    table = Table(title="Catalog")
    for column in ("SKU", "Name", "Price", "Status"):
        table.add_column(column, justify="right" if column == "Price" else "left")
    for p in products:
        table.add_row(p.sku, p.name, f"{p.price} {p.currency}", p.status)
    return table


def stock_table(items: Sequence[StockItemView]) -> Table:
    table = Table(title="Inventory")
    table.add_column("SKU")
    for column in ("On hand", "Reserved", "Available", "Shipped"):
        table.add_column(column, justify="right")
    for i in items:
        table.add_row(i.sku, str(i.on_hand), str(i.reserved), str(i.available), str(i.shipped))
    return table


def show(table: Table) -> None:
    Console().print(table)
