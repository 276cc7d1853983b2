"""Tessera lives beside a team's own hexagonal code: a project whose own regular `domain`,
`application` and `adapters` packages (an `adapters/bootstrap.py` among them) come first on
the path imports Tessera and its own code in one interpreter, runs the README's example and
the demo's worker processes, and checks its boundaries and Tessera's with one lint-imports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests import children
from tests.test_readme import PRINTS, python_example

pytestmark = pytest.mark.process

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

TEAM = {
    "domain/__init__.py": '"""The team\'s own domain."""\n',
    "domain/loyalty.py": "POINTS_PER_ORDER = 1\n",
    "application/__init__.py": '"""The team\'s own application layer."""\n',
    "application/rewards.py": (
        "from domain.loyalty import POINTS_PER_ORDER\n"
        "from tessera.application.contracts.ordering import OrderPlaced\n\n\n"
        "def points(event: OrderPlaced) -> int:\n"
        "    return POINTS_PER_ORDER * len(event.lines)\n"
    ),
    "adapters/__init__.py": '"""The team\'s own adapters."""\n',
    "adapters/bootstrap.py": (
        "from tessera.adapters.bootstrap import Settings, bootstrap, setup\n\n"
        "TEAM_BOOTSTRAP = True\n\n\n"
        "def start(data_dir: str):\n"
        "    setup(Settings(data_dir=data_dir))\n"
        "    return bootstrap(Settings(data_dir=data_dir))\n"
    ),
    "importlinter.ini": (
        "[importlinter]\n"
        "root_packages =\n    domain\n    application\n    adapters\n    tessera\n"
        "include_external_packages = True\n\n"
        "[importlinter:contract:team-layers]\n"
        "name = The team's layers point inward\n"
        "type = layers\n"
        "layers =\n    adapters\n    application\n    domain\n\n"
        "[importlinter:contract:team-domain]\n"
        "name = The team's domain knows no adapter of Tessera's\n"
        "type = forbidden\n"
        "source_modules =\n    domain\n"
        "forbidden_modules =\n    tessera.adapters\n    sqlalchemy\n"
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in TEAM.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_readme_example_runs_unchanged_inside_a_team_s_project(project: Path) -> None:
    result = children.run([sys.executable, "-c", python_example()], cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == PRINTS


def test_the_team_s_packages_and_tessera_s_import_side_by_side(project: Path) -> None:
    script = (
        "import adapters.bootstrap, application.rewards, domain\n"
        "import tessera.adapters.bootstrap\n"
        "assert adapters.bootstrap.TEAM_BOOTSTRAP\n"
        f"assert domain.__file__.startswith({str(project)!r})\n"
        "with adapters.bootstrap.start('var/shop') as shop:\n"
        "    print(type(shop).__module__)\n"
    )
    result = children.run([sys.executable, "-c", script], cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "tessera.adapters.bootstrap.tessera\n"


def test_one_lint_imports_checks_the_team_s_contracts_beside_tessera(project: Path) -> None:
    result = children.run([str(LINT_IMPORTS), "--no-cache", "importlinter.ini"], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout
    (project / "domain" / "leak.py").write_text("import tessera.adapters.bootstrap\n")
    broken = children.run([str(LINT_IMPORTS), "--no-cache", "importlinter.ini"], cwd=project)
    assert broken.returncode != 0
    assert "The team's domain knows no adapter of Tessera's BROKEN" in broken.stdout


def test_the_demo_s_worker_processes_start_inside_a_team_s_project(project: Path) -> None:
    result = children.run(
        [*children.TESSERA, "--data-dir", "var/demo", "demo", "--orders", "3",
         "--worker-processes"],
        cwd=project, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No module named" not in result.stderr
