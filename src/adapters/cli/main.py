"""Entry point of the `tessera` console script: the root group with every context's commands."""

from __future__ import annotations

from adapters.cli import catalog, db, demo, inventory, messages, orders
from adapters.cli.app import cli

__all__ = ["catalog", "cli", "db", "demo", "inventory", "messages", "orders"]
