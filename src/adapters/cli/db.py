"""`tessera db ...`: preparing where the shop keeps its data."""

from __future__ import annotations

import json

import click

from adapters.bootstrap import setup as setup_shop
from adapters.cli.app import Runtime, cli, pass_runtime


@cli.group()
def db() -> None:
    """The databases the contexts keep their data in."""


@db.command("setup")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: data_dir and databases.")
@pass_runtime
def setup(runtime: Runtime, as_json: bool) -> None:
    """Create the data directory and every context's database; again, it changes nothing.

    This and `tessera demo` are the only commands that create a shop: every other one
    refuses a data directory that does not exist, so that a typo never starts a new shop.
    """
    setup_shop(runtime.settings)
    data_dir = runtime.settings.data_dir
    databases = sorted(path.name for path in data_dir.glob("*.db")) if data_dir else []
    if as_json:
        click.echo(json.dumps({"data_dir": str(data_dir), "databases": databases}))
    else:
        click.echo(f"data directory {data_dir} is ready: {', '.join(databases)}")
