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

import functools
import re
import sys
from pathlib import Path
from typing import Any

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
_WARNING = re.compile(r"\b\w+(?:Warning|Error)\b: |Traceback \(most recent call last\)")
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


def _reader_view(page: str, *, drop=("script", "style")):
    """The page as a reader sees it: without the ``drop`` tags and the code cells' inputs."""
    soup = _soup(page)
    for tag in soup.find_all(list(drop)):
        tag.decompose()
    for code in soup.select(".jp-CodeCell .jp-Cell-inputWrapper"):
        code.decompose()
    return soup


def page_problems(page: str, *, title: str | None = None, lang: str | None = None) -> list[str]:
    """Every problem of one exported report page (see the module docstring); [] when clean.

    ``title`` / ``lang``: the report's title and language, which the page's ``<title>`` and
    ``<html lang>`` must carry (unchecked when None)."""
    problems = []
    soup = _soup(page)
    if soup.find(attrs={"data-mime-type": "application/vnd.jupyter.stderr"}):
        problems.append("a cell wrote to stderr (its output is shown in the page)")
    visible = _reader_view(page)
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


# --- CSS trimmed to what the page uses -------------------------------------------------------
# nbconvert's "lab" page inlines all of JupyterLab's CSS (about 0.26 MB) into every report.
# trim_css keeps a rule only when every class, id, element and attribute its selector names
# occurs in the page (pseudo-classes and pseudo-elements aside), then drops the custom
# properties (--jp-…) that no kept rule uses. It keeps more than a browser would apply
# (".a .b" is kept when both classes occur anywhere), never less.

_HEAD_STYLE = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S | re.I)
_PSEUDO = re.compile(r"::?[\w-]+(?:\((?:[^()]|\([^()]*\))*\))?")
_SEL_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_SEL_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_SEL_ATTR = re.compile(r"""\[\s*([\w-]+)\s*(?:([~|^$*]?=)\s*["']?([^"'\]]*?)["']?\s*)?\]""")
_SEL_TYPE = re.compile(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)")
_VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")


class _PageIndex:
    """The classes, ids, element names and attributes that occur in a page."""

    def __init__(self, soup):
        self.classes, self.ids, self.tags, self.attrs, self.pairs = (
            set(),
            set(),
            set(),
            set(),
            set(),
        )
        for tag in soup.find_all(True):
            self.tags.add(tag.name.lower())
            for name, value in tag.attrs.items():
                self.attrs.add(name)
                values = value if isinstance(value, list) else [value]
                for v in values:
                    self.pairs.add((name, v))
                if name == "class":
                    self.classes.update(values)
                elif name == "id":
                    self.ids.add(value)
        self.tags |= {"html", "body"}

    def may_match(self, selector: str) -> bool:
        attrs, classes, ids, tags = _selector_needs(selector)
        for name, op, value in attrs:
            if name not in self.attrs or (op == "=" and (name, value) not in self.pairs):
                return False
        return classes <= self.classes and ids <= self.ids and tags <= self.tags


@functools.lru_cache(maxsize=None)
def _selector_needs(selector: str) -> tuple:
    """What a page must have for ``selector`` to match in it: its attributes (name, operator,
    value), classes, ids and element names (pseudo-classes and pseudo-elements aside). The
    same selectors come back on every page: worked out once."""
    sel = _PSEUDO.sub(" ", selector)
    attrs = tuple(_SEL_ATTR.findall(sel))
    sel = _SEL_ATTR.sub(" ", sel)
    bare = _SEL_ID.sub(" ", _SEL_CLASS.sub(" ", sel))
    return (
        attrs,
        frozenset(_SEL_CLASS.findall(sel)),
        frozenset(_SEL_ID.findall(sel)),
        frozenset(t.lower() for t in _SEL_TYPE.findall(bare)),
    )


def _split_selectors(prelude: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in prelude:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [s.strip() for s in out + [cur] if s.strip()]


class _Sheet:
    """A stylesheet parsed once (the same JupyterLab CSS heads every page), with what
    :func:`trim_css` needs of each rule worked out on first use and kept."""

    def __init__(self, css: str):
        import tinycss2

        self.rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        self._memo: dict[tuple, Any] = {}

    def _get(self, kind: str, rule, make):
        key = (kind, id(rule))
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def selectors(self, rule) -> list[str]:
        import tinycss2

        return self._get(
            "selectors", rule, lambda: _split_selectors(tinycss2.serialize(rule.prelude))
        )

    def inner(self, rule) -> list:
        import tinycss2

        return self._get(
            "inner",
            rule,
            lambda: tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True
            ),
        )

    def declarations(self, rule) -> list[tuple[str, str, bool]]:
        """(name, serialized value, important) of each declaration of a qualified rule."""
        import tinycss2

        return self._get(
            "declarations",
            rule,
            lambda: [
                (d.name, tinycss2.serialize(d.value), d.important) for d in _declarations(rule)
            ],
        )

    def text(self, kind: str, rule, make) -> str:
        """``make(rule)``, worked out once per rule."""
        return self._get(kind, rule, lambda: make(rule))


@functools.lru_cache(maxsize=4)
def _sheet(css: str) -> _Sheet:
    return _Sheet(css)


def _kept_rules(rules, index: _PageIndex, sheet: _Sheet) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if any(index.may_match(s) for s in sheet.selectors(rule)):
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports"}:
            inner = _kept_rules(sheet.inner(rule), index, sheet)
            if inner:
                kept.append((rule, inner))
        elif rule.type == "at-rule" and rule.lower_at_keyword in {"keyframes", "font-face"}:
            kept.append(rule)  # dropped below unless its name is used
        elif rule.type == "at-rule" and rule.lower_at_keyword == "page":
            kept.append(rule)  # the margins of a printed (or PDF) page
    return kept


def _declarations(rule) -> list:
    import tinycss2

    return [
        d
        for d in tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True
        )
        if d.type == "declaration"
    ]


def _walk(kept):
    for item in kept:
        if isinstance(item, tuple):
            yield from _walk(item[1])
        else:
            yield item


def trim_css(css: str, page: str) -> str:
    """The rules of ``css`` that ``page`` (without ``css`` itself) can use (see above), as one
    stylesheet."""
    import tinycss2

    index = _PageIndex(_soup(page))
    sheet = _sheet(css)
    kept = _kept_rules(sheet.rules, index, sheet)
    decls = {id(r): sheet.declarations(r) for r in _walk(kept) if r.type == "qualified-rule"}
    # custom properties: keep those used by a kept declaration or by the page itself
    defined = {
        name: value for ds in decls.values() for name, value, _ in ds if name.startswith("--")
    }
    plain = " ".join(
        value for ds in decls.values() for name, value, _ in ds if not name.startswith("--")
    )
    used = set(_VAR_USE.findall(plain)) | set(_VAR_USE.findall(page))
    frontier = set(used)
    while frontier:
        nxt = set()
        for name in frontier:
            nxt |= set(_VAR_USE.findall(defined.get(name, ""))) - used
        used |= nxt
        frontier = nxt
    animations = set(
        re.findall(
            r"[\w-]+",
            " ".join(
                value for ds in decls.values() for name, value, _ in ds if "animation" in name
            ),
        )
    )
    fonts = " ".join(value for ds in decls.values() for name, value, _ in ds if "font" in name)

    def render(items, indent="") -> list[str]:
        out = []
        for item in items:
            if isinstance(item, tuple):
                rule, inner = item
                body = render(inner, indent + "  ")
                if body:
                    head = sheet.text(
                        "head",
                        rule,
                        lambda r: f"@{r.at_keyword} {tinycss2.serialize(r.prelude).strip()}",
                    )
                    out.append(f"{indent}{head} {{\n" + "\n".join(body) + f"\n{indent}}}")
            elif item.type == "at-rule":
                whole = sheet.text("serialized", item, lambda r: r.serialize().strip())
                if item.lower_at_keyword == "keyframes":
                    name = sheet.text(
                        "name", item, lambda r: tinycss2.serialize(r.prelude).strip().strip("'\"")
                    )
                    if name not in animations:
                        continue
                if item.lower_at_keyword == "font-face" and not any(
                    f.strip("'\" ") in fonts for f in re.findall(r"font-family:([^;]+)", whole)
                ):
                    continue
                out.append(indent + whole)
            else:
                body = [
                    f"{name}:{value.strip()}" + (" !important" if important else "")
                    for name, value, important in decls[id(item)]
                    if not name.startswith("--") or name in used
                ]
                if body:
                    prelude = sheet.text(
                        "prelude", item, lambda r: " ".join(tinycss2.serialize(r.prelude).split())
                    )
                    out.append(f"{indent}{prelude}{{{';'.join(body)}}}")
        return out

    return "\n".join(render(kept)) + "\n"


def trim_page_css(page: str) -> str:
    """``page`` with the stylesheets of its ``<head>`` merged into one and trimmed to the rules
    it uses (:func:`trim_css`); the styles inside its body (e.g. a table's) stay as they are."""
    start, end = page.find("<head"), page.find("</head>")
    if start < 0 or end < 0:
        return page
    head = page[start:end]
    css = "\n".join(m.group(1) for m in _HEAD_STYLE.finditer(head))
    if not css.strip():
        return page
    first = _HEAD_STYLE.search(head)
    rest = _HEAD_STYLE.sub("", head[first.start() :])
    without = page[:start] + _HEAD_STYLE.sub("", head) + page[end:]
    trimmed = f'<style type="text/css">\n{trim_css(css, without)}</style>\n'
    return page[:start] + head[: first.start()] + trimmed + rest + page[end:]


#: Latin-script words a Chinese page may carry: the terms a Chinese user researcher writes as
#: they are (issue 20: AUC, CLV, RFM, KOC; also KOL, ID) and the names of file formats and
#: currencies. Everything else in Latin letters is untranslated English. Add a word only when
#: a Chinese report would write it in Latin letters too.
ZH_ALLOWED_WORDS = frozenset(
    {"AUC", "CLV", "RFM", "KOC", "KOL", "ID", "CNY", "CSV", "HTML", "YAML", "JSON", "Excel"}
)
_LATIN_WORD = re.compile(r"(?<![\w.-])[A-Za-z][A-Za-z'’-]*[A-Za-z](?![\w-])")


def english_words(text: str, allowed=ZH_ALLOWED_WORDS) -> list[str]:
    """The English words in ``text``: runs of two or more Latin letters that are not an
    identifier (no digit, underscore or dot beside them) and not in ``allowed``."""
    return [m.group(0) for m in _LATIN_WORD.finditer(text) if m.group(0) not in allowed]


def english_in_page(page: str, allowed=ZH_ALLOWED_WORDS) -> list[str]:
    """Each English word a reader of a Chinese page sees, with its context: the text outside
    the code cells, ``<code>`` spans and the page's ``<title>`` (checked on its own)."""
    text = " ".join(
        _reader_view(page, drop=("script", "style", "code", "head")).get_text(" ").split()
    )
    found = []
    for m in _LATIN_WORD.finditer(text):
        if m.group(0) not in allowed:
            found.append(f"{m.group(0)!r} in …{_around(text, m, 40)}…")
    return found
