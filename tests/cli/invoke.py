"""Running `tessera` in-process, as the CLI tests do."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tessera.adapters.cli.main import cli


def run(data_dir: Path, *args: str, env: Mapping[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(cli, ["--data-dir", str(data_dir), *args])


def set_up(data_dir: Path, env: Mapping[str, str] | None = None) -> Path:
    """A shop in `data_dir`, prepared as a user prepares one: `tessera db setup`."""
    result = run(data_dir, "db", "setup", env=env)
    assert result.exit_code == 0, result.output
    return data_dir


def as_json(data_dir: Path, *args: str, env: Mapping[str, str] | None = None) -> Any:
    result = run(data_dir, *args, "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
