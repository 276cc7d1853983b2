"""The README's Python example runs as written and prints what it says it prints."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests import children

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.process
def test_the_readme_python_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    [example] = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    result = children.run([sys.executable, "-c", example], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "MUG-BLUE 13.00 EUR\nshipped 39.00 37 3\n"
    assert (tmp_path / "var" / "example" / "catalog.db").exists()
