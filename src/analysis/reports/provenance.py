"""Provenance for reports: code version, parameters, input hashes, package versions."""

from __future__ import annotations

import hashlib
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from analysis.paths import project_root

KEY_PACKAGES = (
    "analysis",
    "pandas",
    "numpy",
    "scipy",
    "scikit-learn",
    "statsmodels",
    "lifetimes",
    "matplotlib",
    "seaborn",
    "pyarrow",
)


def sha256(path: str | Path, *, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def code_version() -> dict[str, str]:
    """The git commit of the kit and whether the work tree had uncommitted changes."""
    root = project_root()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        return {"commit": commit, "dirty": "yes" if dirty else "no"}
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown (not a git checkout)", "dirty": "unknown"}


def provenance(parameters: Mapping[str, object], files: Iterable[str | Path]) -> pd.DataFrame:
    """A two-column table (item, value) for the top of every report."""
    rows = [(f"code {k}", v) for k, v in code_version().items()]
    rows += [(f"parameter {k}", repr(v)) for k, v in parameters.items()]
    root = project_root()
    paths: list[Path] = []
    for f in files:  # an adapter's source may name several files as "a + b"
        for part in str(f).split(" + "):
            if Path(part) not in paths:
                paths.append(Path(part))
    for p in paths:
        try:
            shown = str(p.resolve().relative_to(root))
        except ValueError:
            shown = p.name
        rows.append((f"sha256 {shown}", sha256(p)))
    for pkg in KEY_PACKAGES:
        try:
            rows.append((f"version {pkg}", metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            rows.append((f"version {pkg}", "not installed"))
    return pd.DataFrame(rows, columns=["item", "value"])
