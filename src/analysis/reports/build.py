"""Build the HTML reports: execute every report notebook with papermill, export HTML.

Report notebooks live in ``notebooks/`` as jupytext percent-format ``.py`` files; each has
one cell tagged ``parameters``. :func:`build_reports` writes, per notebook ``NAME``:

* ``reports/NAME.ipynb`` — the executed notebook,
* ``reports/NAME.html`` — full report with code (for reviewers),
* ``reports/NAME.summary.html`` — code hidden (for managers),
* ``reports/tables/NAME/*.csv`` — every table the report saved,

and ``reports/index.html`` linking them with each report's headline finding.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from analysis.paths import resolve
from analysis.reports import TABLES_ENV, declared_parameters


@dataclass(frozen=True)
class Report:
    name: str
    source: Path
    title: str
    #: tables the report cannot run without (a ``# requires: orders, events`` line in the
    #: notebook); on data where one is empty the report is skipped, with the reason
    requires: tuple[str, ...] = ()

    @property
    def parameters(self) -> list[str]:
        """Names assigned in the notebook's ``parameters`` cell."""
        return declared_parameters(self.source)


def discover(folder: str | Path = "notebooks") -> list[Report]:
    """Report notebooks (``notebooks/*.py``), in name order; ``00-``-style prefixes sort."""
    out = []
    for src in sorted(resolve(folder).glob("*.py")):
        title, requires = None, ()
        for line in src.read_text(encoding="utf-8").splitlines():
            if line.startswith("# # ") and title is None:
                title = line[4:].strip()
            elif line.startswith("# requires:"):  # "# requires: events, orders  (why)"
                names = re.split(r"[(#]", line.split(":", 1)[1])[0]
                requires = tuple(t.strip() for t in names.split(",") if t.strip())
        out.append(Report(src.stem, src, title or src.stem, requires))
    return out


def table_rows(data_dir: str | Path) -> dict[str, int | None]:
    """Rows per table of a data folder: exact for a prepared store (its ``prepare.json``);
    elsewhere None (unknown) for a table that has a file and 0 for one that has none."""
    from analysis.data.store import read_manifest

    folder = resolve(data_dir)
    manifest = read_manifest(folder)
    if manifest is not None:
        return {t: int(v["rows"]) for t, v in manifest.get("tables", {}).items()}
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    return {
        t: None if any(n.startswith(t) for n in names) else 0
        for t in ("contacts", "events", "orders", "touches")
    }


def missing_tables(report: Report, rows: Mapping[str, int | None]) -> list[str]:
    """The tables ``report`` requires that the data does not have (no rows or no file)."""
    return [t for t in report.requires if rows.get(t, 0) == 0]


def _to_ipynb(src: Path, dest: Path) -> None:
    import jupytext

    nb = jupytext.read(src, fmt="py:percent")
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    jupytext.write(nb, dest, fmt="ipynb")


def _export_html(executed: Path, dest: Path, *, hide_code: bool) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(template_name="lab")
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    dest.write_text(body, encoding="utf-8")


def run_report(
    report: Report,
    out_dir: str | Path,
    *,
    parameters: Mapping[str, Any] | None = None,
    timeout: int = 1800,
) -> dict:
    """Execute one report notebook and write its HTML renderings. Returns a summary dict.

    Only the ``parameters`` the notebook declares are passed to it.
    """
    import papermill as pm

    declared = set(report.parameters)
    parameters = {k: v for k, v in dict(parameters or {}).items() if k in declared}

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src_nb = out_dir / f"{report.name}.source.ipynb"
    executed = out_dir / f"{report.name}.ipynb"
    tables = out_dir / "tables" / report.name
    if tables.exists():
        for old in tables.iterdir():
            old.unlink()
    _to_ipynb(report.source, src_nb)
    t0 = time.perf_counter()
    previous = {k: os.environ.get(k) for k in (TABLES_ENV, "TQDM_DISABLE")}
    os.environ[TABLES_ENV] = str(tables)
    os.environ["TQDM_DISABLE"] = "1"  # no progress bars inside the HTML reports
    try:
        pm.execute_notebook(
            str(src_nb),
            str(executed),
            parameters=dict(parameters or {}),
            kernel_name="python3",
            cwd=str(out_dir),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
    finally:
        src_nb.unlink(missing_ok=True)
        for k, v in previous.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    seconds = time.perf_counter() - t0
    _export_html(executed, out_dir / f"{report.name}.html", hide_code=False)
    _export_html(executed, out_dir / f"{report.name}.summary.html", hide_code=True)
    head = tables / "headline.txt"
    return {
        "name": report.name,
        "title": report.title,
        "seconds": round(seconds, 1),
        "html": f"{report.name}.html",
        "summary": f"{report.name}.summary.html",
        "headline": head.read_text(encoding="utf-8").strip() if head.is_file() else "",
        "tables": str(tables),
    }


def skipped(report: Report, reason: str) -> dict:
    """The index entry of a report that was not run."""
    return {
        "name": report.name,
        "title": report.title,
        "seconds": 0,
        "html": None,
        "summary": None,
        "headline": "",
        "skipped": reason,
    }


def failed(report: Report, out_dir: Path, exc: Exception) -> dict:
    """The index entry of a report whose notebook stopped with an error; its executed
    notebook (up to the error) is exported as HTML so the reader sees where."""
    executed = Path(out_dir) / f"{report.name}.ipynb"
    html_name = None
    if executed.is_file():
        _export_html(executed, Path(out_dir) / f"{report.name}.html", hide_code=False)
        html_name = f"{report.name}.html"
    reason = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
    return {**skipped(report, ""), "skipped": None, "failed": reason, "html": html_name}


def _index_row(r: dict) -> str:
    head = f"<td><b>{html.escape(r['title'])}</b><br>{html.escape(r.get('headline', ''))}</td>"
    if r.get("skipped"):
        return f"<tr>{head}<td colspan=3>skipped: {html.escape(r['skipped'])}</td></tr>"
    if r.get("failed"):
        link = f' (<a href="{html.escape(r["html"])}">where</a>)' if r.get("html") else ""
        return f"<tr>{head}<td colspan=3>failed: {html.escape(r['failed'])}{link}</td></tr>"
    return (
        f'<tr>{head}<td><a href="{html.escape(r["summary"])}">summary</a></td>'
        f'<td><a href="{html.escape(r["html"])}">full, with code</a></td>'
        f"<td>{r['seconds']} s</td></tr>"
    )


def write_index(
    results: list[dict], out_dir: str | Path, *, parameters: Mapping[str, Any] | None = None
) -> Path:
    out_dir = Path(out_dir)
    rows = "\n".join(_index_row(r) for r in results)
    params = html.escape(json.dumps(dict(parameters or {}), ensure_ascii=False))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Private-domain research reports</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
td,th{{padding:.3em 1em;text-align:left}}</style></head><body>
<h1>Private-domain research reports</h1>
<p>Parameters for this run: <code>{params}</code></p>
<table><tr><th>report and headline finding</th><th>for managers</th><th>for reviewers</th>
<th>run time</th></tr>
{rows}
</table></body></html>
"""
    path = out_dir / "index.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def check_parameters(parameters: Mapping[str, Any], reports: list[Report] | None = None) -> None:
    """A parameter is an error only when no report declares it, so one params file serves
    every report, also together with ``--only``."""
    known = {p for r in (reports if reports is not None else discover()) for p in r.parameters}
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; the reports take {sorted(known)}")


def build_reports(
    out_dir: str | Path = "reports",
    *,
    only: list[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    show_progress: bool = True,
    timeout: int = 1800,
) -> list[dict]:
    """Run every report notebook (or those named in ``only``) and write the index.

    ``parameters`` must each be known to at least one of the reports run; ``defaults``
    (e.g. a ``truth_dir`` derived from the data folder) are passed where declared, unchecked.
    ``timeout``: seconds one notebook cell may run before the report fails (large data may
    need more than the default half hour).
    """
    from analysis.progress import progress

    out_dir = resolve(out_dir)
    reports = discover()
    if only:
        unknown = sorted(set(only) - {r.name for r in reports})
        if unknown:
            raise ValueError(f"unknown report(s) {unknown}; known: {[r.name for r in reports]}")
        reports = [r for r in reports if r.name in only]
    check_parameters(parameters or {})
    parameters = {**dict(defaults or {}), **dict(parameters or {})}
    rows = table_rows(parameters.get("data_dir", "data/sample"))
    results = []
    bar = progress(reports, desc="reports", unit="notebook", enabled=show_progress)
    for rep in bar:
        bar.set_postfix_str(rep.name)
        missing = missing_tables(rep, rows)
        if missing:
            results.append(skipped(rep, f"the data has no {' and no '.join(missing)}"))
            continue
        try:
            results.append(run_report(rep, out_dir, parameters=parameters, timeout=timeout))
        except Exception as exc:  # papermill's execution error: record it, build the rest
            from papermill.exceptions import PapermillExecutionError

            if not isinstance(exc, PapermillExecutionError):
                raise
            results.append(failed(rep, out_dir, exc))
    write_index(results, out_dir, parameters=parameters)
    return results
