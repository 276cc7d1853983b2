"""`tessera catalog ...`"""

from __future__ import annotations

from decimal import Decimal

import click

from tessera.adapters.cli.app import Runtime, pass_runtime
from tessera.adapters.cli.render import print_json, products_listing
from tessera.adapters.cli.types import AMOUNT
from tessera.application.catalog.commands import DiscontinueProduct, ListProduct, RepriceProduct
from tessera.application.catalog.queries import ListProducts, ProductView
from tessera.application.shared.outcome import Outcome

# A negative amount must reach the domain's rule, not be taken for an option.
_VALUES_MAY_BE_NEGATIVE = {"ignore_unknown_options": True}


@click.group()
def catalog() -> None:
    """What is for sale and at what price."""


@catalog.command("add", context_settings=_VALUES_MAY_BE_NEGATIVE)
@click.argument("sku")
@click.option("--name", required=True, help="What the customer sees.")
@click.option("--price", required=True, type=AMOUNT, help="Unit price, e.g. 12.50.")
@click.option("--currency", default="EUR", show_default=True, help="ISO 4217 code.")
@pass_runtime
def add(runtime: Runtime, sku: str, name: str, price: Decimal, currency: str) -> None:
    """List a new product."""
    product = runtime.handle(ListProduct(sku=sku, name=name, price=price, currency=currency))
    click.echo(f"listed {product.sku} at {product.price} {product.currency}")


@catalog.command("reprice", context_settings=_VALUES_MAY_BE_NEGATIVE)
@click.argument("sku")
@click.argument("price", type=AMOUNT)
@pass_runtime
def reprice(runtime: Runtime, sku: str, price: Decimal) -> None:
    """Change a product's price."""
    product = runtime.handle(RepriceProduct(sku=sku, price=price))
    click.echo(f"{product.sku} now costs {product.price} {product.currency}")


@catalog.command("discontinue")
@click.argument("sku")
@pass_runtime
def discontinue(runtime: Runtime, sku: str) -> None:
    """Take a product off sale for good."""
    outcome: Outcome[ProductView] = runtime.handle(DiscontinueProduct(sku=sku))
    was = "was already" if outcome.already else "is now"
    click.echo(f"{outcome.view.sku} {was} discontinued")


@catalog.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def list_(runtime: Runtime, as_json: bool) -> None:
    """Every product, listed or discontinued."""
    products = runtime.handle(ListProducts())
    print_json(products) if as_json else products_listing(products).show()
