"""The guide to building a context quotes code that runs: every block in it is a part of
`examples/loyalty`, whose own tests run it (`make example`)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "building-a-context.md"
EXAMPLE = ROOT / "examples" / "loyalty"


def example_sources() -> dict[Path, str]:
    found = [*(EXAMPLE / "src").rglob("*.py"), *(EXAMPLE / "tests").rglob("*.py")]
    found += [EXAMPLE / "pyproject.toml", EXAMPLE / "importlinter.ini"]
    return {path: path.read_text() for path in found}


def test_every_block_of_the_guide_is_quoted_from_the_example() -> None:
    blocks = re.findall(r"```(python|toml|ini)\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 15
    sources = example_sources()
    for language, block in blocks:
        assert any(block.rstrip("\n") in text for text in sources.values()), (
            f"a {language} block of the guide is in no file of examples/loyalty:\n{block}"
        )


def test_the_guide_names_no_underscore_hook() -> None:
    text = GUIDE.read_text()
    hooks = set(re.findall(r"`[^`]*\b(_[a-z]\w*)\b[^`]*`", text)) - {"_record"}
    assert not hooks, hooks


def test_what_it_takes_is_what_the_example_takes() -> None:
    files = [p for p in (EXAMPLE / "src").rglob("*.py")]
    lines = sum(len(p.read_text().splitlines()) for p in files)
    said = re.search(r"(\d+) Python files, about (\d+) lines", GUIDE.read_text())
    assert said is not None
    assert int(said[1]) == len(files)
    assert abs(int(said[2]) - lines) <= 50, lines
