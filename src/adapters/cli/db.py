"""`tessera db ...`: preparing where the shop keeps its data."""

from __future__ import annotations

import json

import click

from tessera.adapters.cli.app import Runtime, pass_runtime
from tessera.adapters.cli.render import Listing, print_json


@click.group()
def db() -> None:
    """The databases the contexts keep their data in."""


@db.command("setup")
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: data_dir, databases and schemas."
)
@pass_runtime
def setup(runtime: Runtime, as_json: bool) -> None:
    """Create the data directory and every context's database; again, it changes nothing.

    On PostgreSQL (--database-url), run as the URL's administrator: it creates each
    context's login role and schema, lets each role use and change only its own schema,
    and revokes what PostgreSQL grants to PUBLIC.

    This and `tessera demo` are the only commands that create a shop: every other one
    refuses a data directory that does not exist, so that a typo never starts a new shop.
    """
    from tessera.adapters.bootstrap import setup as setup_shop
    from tessera.adapters.persistence import postgres

    settings = runtime.settings
    contexts = setup_shop(settings)
    data_dir = settings.data_dir
    databases = sorted(path.name for path in data_dir.glob("*.db")) if data_dir else []
    schemas = [
        {"context": name, "schema": name, "role": postgres.role_name(url, name),
         "server": postgres.shown(url)}
        for name in contexts
        if (url := settings.database_for(name)) is not None
    ]  # fmt: skip
    if as_json:
        found = {"data_dir": str(data_dir), "databases": databases, "schemas": schemas}
        click.echo(json.dumps(found))
        return
    click.echo(f"data directory {data_dir} is ready: {', '.join(databases)}")
    for schema in schemas:
        click.echo(f"schema {schema['schema']} of {schema['server']} is ready for {schema['role']}")


@db.command("upgrade")
@click.option("--context", "only", multiple=True, metavar="NAME", help="Only this context.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: context, before, after.")
@pass_runtime
def upgrade(runtime: Runtime, only: tuple[str, ...], as_json: bool) -> None:
    """Run each context's migrations to the code's head revision.

    A data directory written before Tessera had migrations is adopted, keeping every row.
    Each context is upgraded in a transaction of its own; on PostgreSQL as its own role.
    """
    from tessera.adapters.bootstrap import schemas

    done = schemas.upgrade(runtime.settings, only=only)
    if as_json:
        print_json(done)
        return
    for each in done:
        if each.before == each.after:
            click.echo(f"{each.context}: at {each.after or 'its tables'} already")
        else:
            click.echo(f"{each.context}: {each.before or 'no revision'} -> {each.after}")


@db.command("status")
@click.option("--context", "only", multiple=True, metavar="NAME", help="Only this context.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: context, database, schema, role, revision, head, up_to_date.",
)
@pass_runtime
def status(runtime: Runtime, only: tuple[str, ...], as_json: bool) -> None:
    """Each context's schema against its code: its revision and the head. Reads only."""
    from tessera.adapters.bootstrap import schemas

    found = schemas.status(runtime.settings, only=only)
    if as_json:
        print_json(found)
        return
    listing = Listing("Schemas", "Context", "Schema", "Role", "Revision", "Head", "Up to date")
    for each in found:
        behind = "no: run 'tessera db upgrade'"
        listing.add(
            each.context, each.schema or "-", each.role or "-", each.revision or "-",
            each.head or "-", "yes" if each.up_to_date else behind,
        )  # fmt: skip
    listing.show()
