"""The README's Python example runs as written and prints what it says it prints."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests import children

ROOT = Path(__file__).resolve().parents[1]


PRINTS = "MUG-BLUE 13.00 EUR\nshipped 39.00 37 3\n"
"""What the README says its Python example prints."""


def python_example() -> str:
    """The README's one Python example, as written."""
    found: list[str] = re.findall(
        r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL
    )
    [example] = found
    return example


@pytest.mark.process
def test_the_readme_python_example_runs(tmp_path: Path) -> None:
    result = children.run([sys.executable, "-c", python_example()], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == PRINTS
    assert (tmp_path / "var" / "example" / "catalog.db").exists()
