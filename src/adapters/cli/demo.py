"""`tessera demo`: the main job, run by `make demo` on the embedded SQLite default."""

from __future__ import annotations

import click

from adapters.cli.app import Runtime, cli, fail, pass_runtime
from adapters.cli.render import products_table, show, stock_table
from application.catalog.commands import DiscontinueProduct, ListProduct
from application.catalog.queries import ListProducts
from application.inventory.commands import ReceiveStock
from application.inventory.queries import ListStockItems

CATALOG = (
    ("MUG-BLUE", "Blue enamel mug", "12.50"),
    ("MUG-RED", "Red enamel mug", "12.50"),
    ("TEE-M", "Logo T-shirt, size M", "24.00"),
    ("TEE-L", "Logo T-shirt, size L", "24.00"),
    ("POSTER-A2", "Mountain poster, A2", "18.90"),
    ("CAP-OLD", "Last season's cap", "9.99"),
)
DELIVERIES = (("MUG-BLUE", 120), ("MUG-RED", 80), ("TEE-M", 40), ("TEE-L", 35), ("POSTER-A2", 60))


@cli.command()
@pass_runtime
def demo(runtime: Runtime) -> None:
    """List a small catalog and receive stock into a fresh data directory, then show both."""
    data_dir = runtime.settings.data_dir
    if data_dir is not None and data_dir.exists() and any(data_dir.iterdir()):
        fail(f"the demo needs a fresh data directory, and {data_dir} is not empty")
    for sku, name, price in CATALOG:
        runtime.handle(ListProduct(sku=sku, name=name, price=price, currency="EUR"))
    runtime.handle(DiscontinueProduct(sku="CAP-OLD"))
    for sku, quantity in DELIVERIES:
        runtime.handle(ReceiveStock(sku=sku, quantity=quantity))
    show(products_table(runtime.handle(ListProducts())))
    show(stock_table(runtime.handle(ListStockItems())))
    click.echo(f"data kept in {data_dir}" if data_dir else "data kept in memory")
