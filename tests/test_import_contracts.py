"""The layer contracts in pyproject.toml hold, and each one fails when an import breaks it.

Each breach is made in a copy of the source tree (Python files only), so the real tree is never
touched; ``lint-imports`` then runs on the copy exactly as .ci/run runs it on the real one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "ui", "pages")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = {c["id"]: c for c in CONFIG["contracts"]}
LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))


def _python_only(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__" or (not n.endswith(".py") and not Path(directory, n).is_dir())}


def _tree_copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    # The copy must shadow the real packages: run from it, with it first on the path.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    run = _lint(_tree_copy(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in run.stdout


# (contract id, file in the copy, the import that breaks the contract)
BREACHES = [
    ("pages-use-services", "pages/usage.py", "import core.llm.gateway"),
    ("pages-use-services", "ui/charts.py", "from core.strategy import validation"),
    ("core-without-streamlit", "core/strategy/valid.py", "import streamlit"),
    ("llm-below-use-cases", "core/llm/retry.py", "from core.market import data"),
    ("core-acyclic", "core/strategy/limits.py", "import core.services.strategy_library"),
    ("core-acyclic", "ui/plain_text.py", "import ui.errors"),
]


@pytest.mark.parametrize(("contract", "path", "line"), BREACHES, ids=[f"{c}:{p}" for c, p, _ in BREACHES])
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, contract: str, path: str, line: str) -> None:
    tree = _tree_copy(tmp_path)
    target = tree / path
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    run = _lint(tree)
    assert run.returncode != 0
    shown = " ".join(run.stdout.split())  # long contract names wrap in the report
    assert f"{CONTRACTS[contract]['name']} BROKEN" in shown, run.stdout


def test_pages_contract_names_every_part_of_core_but_services_and_errors() -> None:
    """A new part of core is closed to the pages until someone decides otherwise."""
    parts = {
        f"core.{p.stem}" for p in (ROOT / "core").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and not p.stem.startswith("__"))
    }
    forbidden = set(CONTRACTS["pages-use-services"]["forbidden_modules"])
    assert parts - forbidden == {"core.services", "core.errors"}
