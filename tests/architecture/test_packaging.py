"""The distribution ships every package under the one import name `tessera`."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_in_src_is_shipped_as_part_of_tessera() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert settings["package-dir"] == {"tessera": "src"}
    on_disk = {
        ".".join(("tessera", *init.parent.relative_to(ROOT / "src").parts))
        for init in (ROOT / "src").rglob("__init__.py")
    }
    assert set(settings["packages"]) == on_disk, "list each package of src in pyproject.toml"
    assert (ROOT / "src" / "py.typed").is_file(), "the package says it is typed (PEP 561)"
