"""Entry point of the `tessera` console script: the root group with every context's commands,
and those that installed distributions contribute through the entry-point group `tessera.cli`."""

from __future__ import annotations

from importlib.metadata import entry_points

import click

from tessera.adapters.cli import catalog, contracts, db, demo, inventory, messages, orders
from tessera.adapters.cli.app import cli

__all__ = ["catalog", "cli", "contracts", "db", "demo", "inventory", "messages", "orders"]

ENTRY_POINTS = "tessera.cli"


def add_installed_commands() -> None:
    for entry in entry_points(group=ENTRY_POINTS):
        command = entry.load()
        if not isinstance(command, click.Command):
            raise TypeError(f"entry point {entry.name} in {ENTRY_POINTS} is no click command")
        cli.add_command(command)


add_installed_commands()
