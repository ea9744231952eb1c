"""Provenance for reports: code version, parameters, input hashes, package versions.

No absolute local path is shown (a report is forwarded; the reader's machine is not ours):
files inside the data folder (the ``data_dir`` parameter) are named relative to it, the data
folder and other paths relative to the project root, or by their name when outside it.
"""

from __future__ import annotations

import hashlib
import os
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


def shown_path(path: str | Path, data_dir: str | Path | None = None) -> str:
    """``path`` as a report shows it: relative to ``data_dir`` when inside it, else relative
    to the project root, else its name alone — never an absolute local path."""
    root = project_root().resolve()
    full = (root / path).resolve()  # an absolute path stays itself
    if data_dir:
        base = (root / data_dir).resolve()
        if full != base and full.is_relative_to(base):
            return full.relative_to(base).as_posix()
    if full.is_relative_to(root):
        return full.relative_to(root).as_posix()
    return full.name


def shown_value(value: object, data_dir) -> str:
    """A parameter's value; an absolute path as the data folder's shown name (plus the part
    below it) or as :func:`shown_path` shows it."""
    if not (isinstance(value, (str, Path)) and os.path.isabs(value)):
        return repr(value)
    if data_dir:
        base = (project_root() / data_dir).resolve()
        if Path(value).resolve().is_relative_to(base) and Path(value).resolve() != base:
            return repr(f"{shown_path(data_dir)}/{shown_path(value, data_dir)}")
    return repr(shown_path(value))


def provenance(parameters: Mapping[str, object], files: Iterable[str | Path]):
    """A two-column table (item, value) for the top of every report; in the language of the
    report's ``lang`` parameter (in Chinese a :class:`~analysis.reports.ShownTable`, its
    parameter, file and package names and the parameters' values as code)."""
    table = _provenance(parameters, files)
    lang = parameters.get("lang") or "en"
    return table if lang == "en" else _in_language(table, str(lang))


#: Values longer than this are cut as pandas cuts them in the English table (its
#: ``display.max_colwidth``), so that a digest does not stretch the page.
MAX_SHOWN = 50


def _in_language(table: pd.DataFrame, lang: str):
    """The provenance table in ``lang``: its items as sentences, identifiers as code."""
    from analysis.i18n import say, tr
    from analysis.reports import ShownTable

    words = {
        "unknown": "common.provenance.unknown",
        "unknown (not a git checkout)": "common.provenance.no_git",
        "not installed": "common.provenance.not_installed",
    }

    def cut(value: str) -> str:
        return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 4] + "..."

    rows = []
    for item, value in zip(table["item"], table["value"]):
        kind, _, name = item.partition(" ")
        if item == "code commit":
            label = say("common.provenance.commit", lang)
        elif item == "code dirty":
            label = say("common.provenance.dirty", lang)
        elif kind == "parameter":
            label = say("common.provenance.parameter", lang, name=name)
        elif kind == "sha256":
            label = say("common.provenance.sha256", lang, file=name)
        else:
            label = say("common.provenance.version", lang, package=name)
        if value in ("yes", "no"):
            shown = tr(value, lang)
        elif value in words:
            shown = say(words[value], lang)
        elif value == "None":
            shown = None
        else:
            shown = f"`{cut(value)}`"
        rows.append((label, shown))
    cols = say("common.provenance.cols", lang).split("|")
    return ShownTable(pd.DataFrame(rows, columns=cols))


def _provenance(parameters: Mapping[str, object], files: Iterable[str | Path]) -> pd.DataFrame:
    data_dir = parameters.get("data_dir") or None
    rows = [(f"code {k}", v) for k, v in code_version().items()]
    rows += [(f"parameter {k}", shown_value(v, data_dir)) for k, v in parameters.items()]
    paths: list[Path] = []
    for f in files:  # an adapter's source may name several files as "a + b"
        for part in str(f).split(" + "):
            if Path(part) not in paths:
                paths.append(Path(part))
    for p in paths:
        rows.append((f"sha256 {shown_path(p, data_dir)}", sha256(p)))
    for pkg in KEY_PACKAGES:
        try:
            rows.append((f"version {pkg}", metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            rows.append((f"version {pkg}", "not installed"))
    return pd.DataFrame(rows, columns=["item", "value"])
