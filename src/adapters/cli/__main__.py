"""`python -m adapters.cli`: the same as the `tessera` console script."""

from adapters.cli.main import cli

cli()
