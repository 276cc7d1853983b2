"""Entry point of the `tessera` console script: the root group, whose commands are Tessera's
own and those installed distributions add through the entry-point group `tessera.cli`, each
loaded when it is used."""

from __future__ import annotations

from tessera.adapters.cli.app import cli

__all__ = ["cli"]
