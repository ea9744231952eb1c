"""The prose (markdown cells) of every report notebook (notebooks/*.py) in Chinese."""

# One YAML file per report, beside the report's other text
# (``analysis/i18n/prose/<report>.yaml``), a list of ``{en: ..., zh: ...}`` pairs.
#
# The notebooks stay English in JupyterLab; :func:`translate_notebook` swaps each markdown
# cell for its ``zh`` text when a report is built with ``lang: zh``. A pair is found by the
# English text itself (trailing spaces ignored), so editing a notebook's English leaves its old
# translation unused and the cell untranslated — which ``tests/test_prose.py`` reports, cell by
# cell, until the translation is updated.

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PROSE_DIR = Path(__file__).with_name("prose")


def normalise(text: str) -> str:
    """The lookup key of a markdown cell: its lines without trailing spaces, stripped."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def prose_file(report: str) -> Path:
    return PROSE_DIR / f"{report}.yaml"


@lru_cache(maxsize=None)
def _pairs(report: str) -> tuple[tuple[str, str], ...]:
    path = prose_file(report)
    if not path.is_file():
        return ()
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"en", "zh"}:
            raise ValueError(f"{path}: entry {i + 1} must have exactly the keys en and zh")
        out.append((normalise(item["en"]), item["zh"].strip()))
    return tuple(out)


def prose_table(report: str, lang: str) -> dict[str, str]:
    """English text → its ``lang`` text, for the markdown cells of ``report``."""
    if lang == "en":
        return {}
    return dict(_pairs(report))


def translate_notebook(nb, report: str, lang: str) -> list[str]:
    """Swap every markdown cell of ``nb`` for its ``lang`` text, in place; returns the
    English of the cells that have no translation (they stay English)."""
    if lang == "en":
        return []
    table = prose_table(report, lang)
    missing = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        key = normalise(cell.source)
        if key in table:
            cell.source = table[key]
        elif key:
            missing.append(key)
    return missing


def title_in(title: str, report: str, lang: str) -> str:
    """The report's title (its first ``# `` heading) in ``lang``."""
    for en, zh in _pairs(report) if lang != "en" else ():
        lines = en.splitlines()
        if lines and lines[0] == f"# {title}":
            return zh.splitlines()[0].lstrip("# ").strip()
    return title
