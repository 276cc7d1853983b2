"""`tessera loyalty ...`: the entry point `tessera.cli` adds this group to Tessera's CLI."""

from __future__ import annotations

import json

import attrs
import click

from tessera.adapters.cli.app import Runtime, pass_runtime
from tessera_loyalty.application.queries import BalanceView, GetBalance


@click.group()
def loyalty() -> None:
    """Points customers earn with their completed orders."""


@loyalty.command("show")
@click.argument("customer_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: customer_id, points, orders.")
@pass_runtime
def show(runtime: Runtime, customer_id: str, as_json: bool) -> None:
    """A customer's points, and how many completed orders earned them."""
    balance: BalanceView = runtime.handle(GetBalance(customer_id))
    if as_json:
        click.echo(json.dumps(attrs.asdict(balance)))
    else:
        click.echo(f"{balance.customer_id}: {balance.points} points from {balance.orders} order(s)")
