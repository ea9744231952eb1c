"""What a report page may not contain, checked on the exported HTML.

:func:`page_problems` lists every problem of one page, each as a sentence naming what was
found (an empty list: the page is clean):

* **noise** — stderr output or a Python warning / traceback in a rendered cell;
* **leaks** — an absolute local path (``/home/…``, ``/work/…``, ``C:\\…``, the project root,
  the Python environment), anywhere outside the embedded images;
* **code in manager text** — a Python ``repr`` (``Name(arg=…)``, ``<… object at 0x…>``)
  outside the code cells;
* **missing values** printed as ``NaN`` / ``<NA>`` / ``None`` / ``NaT`` instead of a dash;
* **the wrong page** — a ``<title>`` other than the report's, a ``<html lang>`` other than
  the report's language;
* **outside requests** — any ``src=`` / ``href=`` / CSS ``url()`` / ``@import`` that points at
  another host: a forwarded report must open offline and behind a corporate firewall.

tests/test_pages.py runs it on every page of a built report and on pages with a planted
problem of each kind.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from analysis.paths import project_root

#: Text of a table cell that is a missing value printed by pandas / Python.
MISSING_CELLS = frozenset({"NaN", "nan", "<NA>", "NaT", "None"})
#: What a missing value is shown as in every rendering.
MISSING_SHOWN = "—"

_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
_ABS_PATH = re.compile(
    r"(?<![\w.~:/-])(?:/(?:home|root|Users|tmp|work|var|opt|usr|mnt|srv|private|Volumes)/"
    r"|[A-Za-z]:\\\\?[\w.-])"
)
_WARNING = re.compile(r"\b\w*(?:Warning|Error)\b: |Traceback \(most recent call last\)")
_REPR = re.compile(r"\b[A-Z]\w*\((?:[a-z_]\w*=)|<[\w.]+ object at 0x[0-9a-fA-F]+>")
_OUTSIDE = re.compile(r"^\s*(?:[a-zA-Z][\w+.-]*:)?//", re.I)
_CSS_URL = re.compile(r"""url\(\s*['"]?\s*((?:[a-zA-Z][\w+.-]*:)?//[^'")\s]+)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?((?:[a-zA-Z][\w+.-]*:)?//[^'")\s;]+)""")


def _soup(page: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(page, "html.parser")


def _local_prefixes() -> list[str]:
    """This machine's own absolute paths that must not appear in a page."""
    out = {str(project_root()), sys.prefix, str(Path.home())}
    return sorted(p for p in out if len(p) > 1)


def outside_requests(page: str) -> list[str]:
    """Every address in ``page`` that a browser would fetch from (or send to) another host."""
    soup = _soup(page)
    found = []
    for tag in soup.find_all(True):
        for attr in ("src", "href", "srcset", "data", "poster", "action", "formaction"):
            value = tag.get(attr)
            if isinstance(value, str) and _OUTSIDE.match(value):
                found.append(f"<{tag.name} {attr}={value!r}>")
    css = " ".join(s.get_text() for s in soup.find_all("style"))
    css += " ".join(t["style"] for t in soup.find_all(style=True))
    found += [f"CSS url({u})" for u in _CSS_URL.findall(css)]
    found += [f"CSS @import {u}" for u in _CSS_IMPORT.findall(css)]
    return found


def page_problems(page: str, *, title: str | None = None, lang: str | None = None) -> list[str]:
    """Every problem of one exported report page (see the module docstring); [] when clean.

    ``title`` / ``lang``: the report's title and language, which the page's ``<title>`` and
    ``<html lang>`` must carry (unchecked when None)."""
    problems = []
    soup = _soup(page)
    if soup.find(attrs={"data-mime-type": "application/vnd.jupyter.stderr"}):
        problems.append("a cell wrote to stderr (its output is shown in the page)")
    # what a reader sees outside the code cells
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    visible = _soup(str(soup))
    for code in visible.select(".jp-CodeCell .jp-Cell-inputWrapper"):
        code.decompose()
    text = visible.get_text(" ")
    for m in _WARNING.finditer(text):
        problems.append(f"a warning or traceback in the page: {_around(text, m)}")
    for m in _REPR.finditer(text):
        problems.append(f"a Python repr in the text: {_around(text, m)}")
    cells = [c.get_text().strip() for c in visible.find_all(["td", "th"])]
    missing = sorted({c for c in cells if c in MISSING_CELLS})
    if missing:
        n = sum(c in MISSING_CELLS for c in cells)
        problems.append(f"{n} table cell(s) print a missing value as {missing}")
    # absolute local paths anywhere but inside the embedded images
    raw = _DATA_URI.sub("data:", page)
    for m in _ABS_PATH.finditer(raw):
        problems.append(f"an absolute local path: {_around(raw, m)}")
    for prefix in _local_prefixes():
        if prefix in raw:
            problems.append(f"this machine's path {prefix!r} appears in the page")
    head = soup.find("title")
    shown = head.get_text().strip() if head else ""
    if not shown or shown == "Notebook" or (title is not None and shown != title):
        problems.append(f"the page title is {shown!r}, not the report's {title!r}")
    html_tag = soup.find("html")
    page_lang = html_tag.get("lang") if html_tag else None
    if lang is not None and page_lang != lang:
        problems.append(f'<html lang="{page_lang}"> but the report is in {lang!r}')
    problems += [f"a request to another host: {r}" for r in outside_requests(page)]
    return problems


def _around(text: str, m: re.Match, width: int = 60) -> str:
    a, b = max(0, m.start() - width // 2), min(len(text), m.end() + width)
    return " ".join(text[a:b].split())
