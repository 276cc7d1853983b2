"""How views are shown: tables for a person at a terminal, plain lines for everything else,
and JSON (`--json`) as the contract for programs.

Nothing a user must copy is ever cut: identifiers, SKUs, event types, times and amounts keep
their full width at any terminal width (the table grows wider than the screen rather than cut
them); only free text may wrap. When stdout is not a terminal (`| cat`, a file), a listing is
a header line and one record a line, its columns separated by tabs, so that `cut` and `awk`
work; no box drawing, no colour, no width.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

import attrs
import click
from attrs import AttrsInstance
from rich.console import Console
from rich.table import Table

from tessera.application.catalog.queries import ProductView
from tessera.application.inventory.queries import StockItemView

Kind = Literal["key", "text", "number"]


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


MOMENTS = frozenset({"written_at", "delivered_at", "handled_at", "dead_at"})
"""Fields that views carry as Unix seconds, and JSON shows as ISO 8601 in UTC."""


def moment(seconds: float) -> str:
    """A Unix time as ISO 8601 in UTC, to the millisecond, as every time in JSON is."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


def _as_shown(_: type, field: attrs.Attribute[Any], value: Any) -> Any:
    if field.name in MOMENTS and isinstance(value, float):
        return moment(value)
    return value


def as_data(view: AttrsInstance) -> dict[str, Any]:
    """A view as JSON data: times in ISO 8601 (UTC); amounts are made text by `plain`."""
    return attrs.asdict(view, value_serializer=_as_shown)


def print_json(views: AttrsInstance | Sequence[AttrsInstance]) -> None:
    """Views as JSON; amounts stay exact as strings, times are ISO 8601 in UTC."""
    if isinstance(views, Sequence):
        data: Any = [as_data(v) for v in views]
    else:
        data = as_data(views)
    click.echo(json.dumps(data, default=plain, indent=2))


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@attrs.frozen
class Column:
    name: str
    kind: Kind = "key"
    """key: never cut (ids, SKUs, types, times, amounts); number: never cut, right-aligned;
    text: free text, which may wrap."""


class Listing:
    """Rows under named columns, shown as a table at a terminal and as plain lines elsewhere."""

    def __init__(self, title: str, *columns: Column | str) -> None:
        self.title = title
        self.columns = [c if isinstance(c, Column) else Column(c) for c in columns]
        self.rows: list[list[str]] = []

    def add(self, *cells: object) -> None:
        self.rows.append(["" if cell is None else str(cell) for cell in cells])

    def show(self, heading: bool = False, after: bool = False) -> None:
        """At a terminal, a table under its title; elsewhere plain lines, under the title
        too when `heading` (a report of several listings, such as the demo's), and after a
        blank line when `after` other output."""
        if stdout_is_terminal():
            self._table()
            return
        if heading:
            click.echo(f"\n{self.title}")
        elif after:
            click.echo()
        click.echo("\t".join(column.name for column in self.columns))
        for row in self.rows:
            click.echo("\t".join(row))

    def _table(self) -> None:
        table = Table(title=self.title)
        needed = 1  # the left border; each column adds its padding and its right border
        for position, column in enumerate(self.columns):
            widest = max([len(column.name)] + [len(row[position]) for row in self.rows])
            if column.kind == "text":
                least = min(widest, 12)
                table.add_column(column.name, overflow="fold", min_width=least)
            else:
                least = widest
                table.add_column(
                    column.name,
                    no_wrap=True,
                    min_width=least,
                    justify="right" if column.kind == "number" else "left",
                )
            needed += least + 3
        for row in self.rows:
            table.add_row(*row)
        # Wider than the screen rather than cut: the terminal wraps the long lines.
        console = Console()
        Console(width=max(console.width, needed)).print(table)


def products_listing(products: Sequence[ProductView]) -> Listing:
    listing = Listing(
        "Catalog", "SKU", Column("Name", "text"), Column("Price", "number"), "Currency", "Status"
    )
    for p in products:
        listing.add(p.sku, p.name, p.price, p.currency, p.status)
    return listing


def stock_listing(items: Sequence[StockItemView]) -> Listing:
    numbers = [Column(name, "number") for name in ("On hand", "Reserved", "Available", "Shipped")]
    listing = Listing("Inventory", "SKU", *numbers)
    for i in items:
        listing.add(i.sku, i.on_hand, i.reserved, i.available, i.shipped)
    return listing
