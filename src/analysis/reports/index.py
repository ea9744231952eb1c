"""The index page of a report build (``reports/index.html``): the reports in reading order
with their headlines, the data (its folder and date range) and the parameters that differ
from the defaults, in the language of the reports. :mod:`analysis.reports.build` writes it
after the reports ran."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Mapping

#: The order a reader takes the reports in: who is there and where the data comes from;
#: what the brand does to its users (touches); how they move through the stages; which
#: behaviours go with staying; whether the five-value index predicts it; who is about to
#: leave; what customers are worth. Reports not named here follow in name order.
READING_ORDER = (
    "data-overview",
    "touches",
    "segments-and-flow",
    "behaviours-retention",
    "value-index-retention",
    "churn",
    "ltv",
)


def in_reading_order(items, *, key=lambda r: r.name):
    """``items`` (reports, or result dicts with ``key=lambda r: r["name"]``) sorted by
    :data:`READING_ORDER`, unknown names last in name order."""
    rank = {name: i for i, name in enumerate(READING_ORDER)}
    return sorted(items, key=lambda r: (rank.get(key(r), len(rank)), key(r)))


def _data_rows(results: list[dict]) -> list[list[str]]:
    """Table, rows, users and first / last day of each input table, from the data overview's
    saved ``table_summary.csv`` when it ran in this build ([] otherwise)."""
    import pandas as pd

    overview = next((r for r in results if r["name"] == "data-overview"), None)
    path = (
        Path(overview["tables"]) / "table_summary.csv"
        if overview and overview.get("tables")
        else None
    )
    if path is None or not path.is_file():
        return []
    table = pd.read_csv(path, dtype=str)

    def day(value) -> str:  # a table with no rows has no first or last time
        return value[:10] if isinstance(value, str) else "—"

    return [
        [r["table"], f"{int(r['rows']):,}", f"{int(r['users']):,}", day(r["first"]), day(r["last"])]
        for _, r in table.iterrows()
    ]


def _index_row(r: dict, lang: str = "en") -> str:
    from analysis.i18n import say

    esc = html.escape
    head = (
        f"<td><b>{esc(r['title'])}</b><br>"
        f'<span lang="{esc(r.get("lang", "en"))}">{esc(r.get("headline", ""))}'
        "</span></td>"
    )
    if r.get("skipped"):
        reason = say("common.index.skipped", lang, reason=r["skipped"])
        return f"<tr>{head}<td colspan=3>{esc(reason)}</td></tr>"
    if r.get("failed"):
        where = say("common.index.where", lang)
        link = f' (<a href="{esc(r["html"])}">{esc(where)}</a>)' if r.get("html") else ""
        reason = say("common.index.failed", lang, reason=r["failed"])
        return f"<tr>{head}<td colspan=3>{esc(reason)}{link}</td></tr>"
    return (
        f'<tr>{head}<td><a href="{esc(r["summary"])}">{esc(say("common.index.summary", lang))}'
        f'</a></td><td><a href="{esc(r["html"])}">{esc(say("common.index.full", lang))}</a></td>'
        f"<td>{esc(say('common.index.seconds', lang, s=r['seconds']))}</td></tr>"
    )


def _header_row(key: str, lang: str) -> str:
    from analysis.i18n import say

    return (
        "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in say(key, lang).split("|")) + "</tr>"
    )


def write_index(
    results: list[dict], out_dir: str | Path, *, parameters: Mapping[str, Any] | None = None
) -> Path:
    """``out_dir/index.html``: the reports in reading order with their headlines, the data
    (its folder, relative, and date range) and the parameters that differ from the defaults,
    in the language of the reports (``lang``, English by default).
    """
    from analysis.i18n import LIST_SEP, say, tr
    from analysis.reports.provenance import shown_path, shown_value

    out_dir = Path(out_dir)
    esc = html.escape
    parameters = dict(parameters or {})
    lang = parameters.get("lang") or "en"
    results = in_reading_order(results, key=lambda r: r["name"])
    data_dir = parameters.get("data_dir") or "data/sample"
    rows = "\n".join(_index_row(r, lang) for r in results)
    data = _data_rows(results)
    data_table = (
        "<table>"
        + _header_row("common.index.data_cols", lang)
        + "\n"
        + "\n".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in [tr(row[0], lang), *row[1:]]) + "</tr>"
            for row in data
        )
        + "</table>"
        if data
        else f"<p>{esc(say('common.index.no_overview', lang))}</p>"
    )
    span = (
        say(
            "common.index.span",
            lang,
            first=min(r[3] for r in data),
            last=max(r[4] for r in data),
        )
        if data
        else ""
    )
    changed: dict[tuple, list[str]] = {}
    for r in results:
        for name, (value, default) in r.get("changed", {}).items():
            key = (name, shown_value(value, data_dir), shown_value(default, data_dir))
            changed.setdefault(key, []).append(re.split("[:：]", r["title"])[0])
    params = (
        "<table>"
        + _header_row("common.index.params_cols", lang)
        + "\n"
        + "\n".join(
            f"<tr><td><code>{esc(n)}</code></td><td><code>{esc(v)}</code></td>"
            f"<td><code>{esc(d)}</code></td>"
            f"<td>{esc(LIST_SEP[lang].join(names))}</td></tr>"
            for (n, v, d), names in changed.items()
        )
        + "</table>"
        if changed
        else f"<p>{esc(say('common.index.all_default', lang))}</p>"
    )
    source = f"<code>{esc(shown_path(data_dir))}</code>"
    heads = "".join(
        f"<th>{esc(say(key, lang))}</th>"
        for key in (
            "common.index.col_report",
            "common.index.col_summary",
            "common.index.col_full",
            "common.index.col_time",
        )
    )
    title = esc(say("common.index.title", lang))
    page = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
td,th{{padding:.3em 1em;text-align:left;vertical-align:top}}
table{{border-collapse:collapse}} tr+tr td{{border-top:1px solid #ddd}}</style></head><body>
<h1>{title}</h1>
<p>{esc(say("common.index.intro", lang))}</p>
<table><tr>{heads}</tr>
{rows}
</table>
<h2>{esc(say("common.index.data", lang))}</h2>
<p>{say("common.index.source", lang, source=source, span=esc(span))}</p>
{data_table}
<h2>{esc(say("common.index.params", lang))}</h2>
{params}
</body></html>
"""
    path = out_dir / "index.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
