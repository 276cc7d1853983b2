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
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
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
        assert lines(isolation["source_modules"]) == [f"*.{name}"]
        others = {f"*.{other}" for other in contexts() if other != name}
        assert set(lines(isolation["forbidden_modules"])) == others
    published = set(lines(contract("published-language")["forbidden_modules"]))
    assert published == {f"*.{name}" for name in contexts()}


def test_every_context_has_the_same_three_layers() -> None:
    for name in contexts():
        for layer in ("domain", "application", "adapters"):
            assert (ROOT / "src" / layer / name / "__init__.py").is_file(), f"{layer}.{name}"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the project's sources and rules, to break on purpose."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    shutil.copy(ROOT / "importlinter.ini", tmp_path)
    return tmp_path


def add_import(tree: Path, module: str, statement: str) -> None:
    path = tree / "src" / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    path.write_text(path.read_text() + f"\n{statement}\n")


@pytest.mark.parametrize(
    ("module", "statement", "broken"),
    [
        ("domain.catalog.product", "import sqlalchemy", "The domain is pure Python"),
        ("domain.shared.money", "import injector", "The domain is pure Python"),
        ("application.catalog.handlers", "import domain.inventory.stock_item", "Catalog reaches"),
        (
            "application.inventory.handlers",
            "import application.catalog.commands",
            "Inventory reaches",
        ),
        ("adapters.catalog.orm", "import adapters.inventory.orm", "Catalog reaches"),
        ("application.catalog.handlers", "import sqlalchemy.orm", "reaches the outside world"),
        (
            "domain.inventory.stock_item",
            "import application.shared.bus",
            "Dependencies point inward",
        ),
        ("application.contracts", "import domain.catalog.product", "published language"),
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
    (tree / "src" / "domain" / "billing").mkdir()
    (tree / "src" / "domain" / "billing" / "__init__.py").write_text("")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "domain.billing" in result.stdout
