"""The package's structure: folders depend downwards, no import cycles, no private names
borrowed across modules, one rule for plot axes, modules of a readable size.

The import contract itself lives in pyproject.toml ([tool.importlinter]) and is checked by
import-linter's ``lint-imports``; the planted-violation tests show that the check can fail.
"""

from __future__ import annotations

import ast
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.paths import resolve

SRC = resolve("src")
PACKAGE = SRC / "analysis"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
#: A module longer than this says why at its top (a line starting "Why this module is long").
MAX_LINES = 600


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    """Run import-linter with the project's contracts on the package under ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(resolve("pyproject.toml"))],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_import_contracts_are_kept():
    result = lint_imports(SRC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A copy of the package in which violations can be planted."""

    def plant(module: str, line: str) -> subprocess.CompletedProcess:
        root = tmp_path_factory.mktemp("planted")
        shutil.copytree(PACKAGE, root / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
        target = root / Path(*module.split(".")).with_suffix(".py")
        target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
        return lint_imports(root)

    return plant


def test_a_planted_cycle_breaks_the_contract(planted):
    # data.read is imported by data.load; making it import data.load closes a cycle
    result = planted("analysis.data.read", "from analysis.data.load import load_tables  # noqa")
    assert result.returncode != 0
    assert "No import cycles between sibling modules or folders BROKEN" in result.stdout
    assert "analysis.data" in result.stdout


def test_a_planted_upward_import_breaks_the_layers(planted):
    result = planted("analysis.data.schema", "from analysis.studies import churn  # noqa")
    assert result.returncode != 0
    assert "analysis.data.schema" in result.stdout
    assert "is not allowed to import analysis.studies" in result.stdout


def private_imports(path: Path) -> list[str]:
    """``from analysis.x import _name`` where ``analysis.x`` is another module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = module_name(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "analysis" or node.module == own:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{module_name(path)}: from {node.module} import {alias.name}")
    return found


def test_no_private_name_is_imported_from_another_module():
    found = [f for path in modules() for f in private_imports(path)]
    assert not found, "\n".join(found)


def test_the_private_name_check_can_fail(tmp_path):
    planted = tmp_path / "analysis" / "x.py"
    planted.parent.mkdir()
    planted.write_text("from analysis.data.clean import _ids\n")
    global SRC
    saved, SRC = SRC, tmp_path
    try:
        assert private_imports(planted) == ["analysis.x: from analysis.data.clean import _ids"]
    finally:
        SRC = saved


def plot_functions():
    import importlib

    for path in sorted((PACKAGE / "plots").glob("*.py")):
        mod = importlib.import_module(module_name(path))
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if name.startswith("plot_") and fn.__module__ == mod.__name__:
                yield f"{mod.__name__}.{name}", fn


def test_every_plot_function_takes_ax_none_and_never_draws_on_the_current_axes():
    seen = 0
    for name, fn in plot_functions():
        seen += 1
        ax = inspect.signature(fn).parameters.get("ax")
        assert ax is not None and ax.kind is ax.KEYWORD_ONLY and ax.default is None, name
        source = inspect.getsource(fn)
        assert "plt.gca()" not in source and "plt.sca(" not in source, name
        assert "axes_or_new(ax" in source, f"{name}: create a figure only when ax is None"
    assert seen >= 20


def test_long_modules_say_why():
    long = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        n = text.count("\n")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if n > MAX_LINES and "Why this module is long" not in doc:
            long.append(f"{path.relative_to(SRC)}: {n} lines")
    assert not long, "\n".join(long)
