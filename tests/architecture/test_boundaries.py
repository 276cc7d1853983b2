"""The boundaries are machine-checked: lint-imports keeps every contract, and breaks when
code crosses one."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import children

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = configparser.ConfigParser()
CONFIG.read(ROOT / "importlinter.ini")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "site")}
    return children.run(
        [str(LINT_IMPORTS), "--no-cache", "importlinter.ini"], cwd=tree, env=env, timeout=120
    )


def contract(name: str) -> configparser.SectionProxy:
    return CONFIG[f"importlinter:contract:{name}"]


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def contexts() -> list[str]:
    """The bounded contexts: the independent siblings of the `contexts` layers contract."""
    siblings = [layer for layer in lines(contract("contexts")["layers"]) if "|" in layer]
    assert len(siblings) == 1, "the contexts are the one layer of independent siblings"
    return [name.strip() for name in siblings[0].split("|")]


def test_every_contract_is_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_context_may_reach_the_others_only_through_their_contracts() -> None:
    for name in contexts():
        isolation = contract(f"{name}-isolation")
        assert lines(isolation["source_modules"]) == [f"tessera.*.{name}"]
        others = {f"tessera.*.{other}" for other in contexts() if other != name}
        assert set(lines(isolation["forbidden_modules"])) == others
    published = set(lines(contract("published-language")["forbidden_modules"]))
    assert published == {f"tessera.*.{name}" for name in contexts()}


def test_every_context_has_the_same_three_layers() -> None:
    for name in contexts():
        for layer in ("domain", "application", "adapters"):
            assert (ROOT / "src" / layer / name / "__init__.py").is_file(), f"{layer}.{name}"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the project's sources and rules, to break on purpose: the package `tessera`
    that the copy's path finds before the installed one."""
    ignored = shutil.ignore_patterns("*.egg-info", "__pycache__")
    shutil.copytree(ROOT / "src", tmp_path / "site" / "tessera", ignore=ignored)
    shutil.copy(ROOT / "importlinter.ini", tmp_path)
    return tmp_path


def add_import(tree: Path, module: str, statement: str) -> None:
    path = tree / "site" / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    path.write_text(path.read_text() + f"\n{statement}\n")


@pytest.mark.parametrize(
    ("module", "statement", "broken"),
    [
        ("tessera.domain.catalog.product", "import sqlalchemy", "The domain is pure Python"),
        ("tessera.domain.shared.money", "import injector", "The domain is pure Python"),
        (
            "tessera.application.catalog.handlers",
            "import tessera.domain.inventory.stock_item",
            "Catalog reaches",
        ),
        (
            "tessera.application.inventory.handlers",
            "import tessera.application.catalog.commands",
            "Inventory reaches",
        ),
        (
            "tessera.adapters.catalog.orm",
            "import tessera.adapters.inventory.orm",
            "Catalog reaches",
        ),
        (
            "tessera.application.catalog.handlers",
            "import sqlalchemy.orm",
            "reaches the outside world",
        ),
        (
            "tessera.domain.inventory.stock_item",
            "import tessera.application.shared.bus",
            "Dependencies point inward",
        ),
        (
            "tessera.application.contracts",
            "import tessera.domain.catalog.product",
            "published language",
        ),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tree: Path, module: str, statement: str, broken: str
) -> None:
    assert lint_imports(tree).returncode == 0, "the untouched copy keeps every contract"
    add_import(tree, module, statement)
    result = lint_imports(tree)
    assert result.returncode != 0
    assert any(broken in line and "BROKEN" in line for line in result.stdout.splitlines())


def test_a_context_folder_that_no_contract_names_breaks_the_rules(tree: Path) -> None:
    (tree / "site" / "tessera" / "domain" / "billing").mkdir()
    (tree / "site" / "tessera" / "domain" / "billing" / "__init__.py").write_text("")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "tessera.domain.billing" in result.stdout
