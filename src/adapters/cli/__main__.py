"""`python -m tessera.adapters.cli`: the same as the `tessera` console script."""

from tessera.adapters.cli.main import cli

cli(prog_name="tessera")
