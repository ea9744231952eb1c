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

import ast
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

    @property
    def parameters(self) -> list[str]:
        """Names assigned in the notebook's ``parameters`` cell."""
        return declared_parameters(self.source)


def discover(folder: str | Path = "notebooks") -> list[Report]:
    """Report notebooks (``notebooks/*.py``), in name order; ``00-``-style prefixes sort."""
    out = []
    for src in sorted(resolve(folder).glob("*.py")):
        title = src.stem
        for line in src.read_text(encoding="utf-8").splitlines():
            if line.startswith("# # "):
                title = line[4:].strip()
                break
        out.append(Report(src.stem, src, title))
    return out


def _to_ipynb(src: Path, dest: Path) -> None:
    import jupytext

    nb = jupytext.read(src, fmt="py:percent")
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    jupytext.write(nb, dest, fmt="ipynb")


_MISSING_CELL = re.compile(
    r"(<t[dh](?:\s[^>]*)?>)\s*(?:NaN|nan|&lt;NA&gt;|<NA>|NaT|None)\s*(</t[dh]>)"
)


def _dash_missing_cells(nb) -> None:
    """Show a missing value in a rendered table as a dash, not as pandas' ``NaN`` / ``<NA>``
    (in the HTML renderings only: the executed notebook and the saved tables keep them)."""
    from analysis.reports.pages import MISSING_SHOWN

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/html" in data:
                text = "".join(data["text/html"])
                data["text/html"] = _MISSING_CELL.sub(rf"\g<1>{MISSING_SHOWN}\g<2>", text)


def notebook_parameter(nb, name: str, default: Any = None) -> Any:
    """The value ``name`` had when ``nb`` ran: papermill's injected value, else the literal
    assigned in the notebook's ``parameters`` cell, else ``default``."""
    injected = nb.metadata.get("papermill", {}).get("parameters", {})
    if name in injected:
        return injected[name]
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in node.targets
                ):
                    try:
                        return ast.literal_eval(node.value)
                    except ValueError:
                        return default
    return default


def _export_html(executed: Path, dest: Path, *, hide_code: bool, title: str) -> None:
    """One HTML rendering of an executed notebook: the report's title in ``<title>``, its
    language in ``<html lang>``, missing table cells as a dash, nothing fetched from another
    host (``templates/page``: JupyterLab's page without its CDN scripts) and only the CSS
    rules the page uses."""
    import nbformat
    from nbconvert import HTMLExporter

    from analysis.reports.pages import trim_page_css

    nb = nbformat.read(executed, as_version=4)
    nb.metadata["title"] = title
    _dash_missing_cells(nb)
    exporter = HTMLExporter(
        template_name="page", extra_template_basedirs=[str(Path(__file__).parent / "templates")]
    )
    exporter.language_code = notebook_parameter(nb, "lang", "en")
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    dest.write_text(trim_page_css(body), encoding="utf-8")


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
    _export_html(executed, out_dir / f"{report.name}.html", hide_code=False, title=report.title)
    _export_html(
        executed, out_dir / f"{report.name}.summary.html", hide_code=True, title=report.title
    )
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


def write_index(
    results: list[dict], out_dir: str | Path, *, parameters: Mapping[str, Any] | None = None
) -> Path:
    out_dir = Path(out_dir)
    rows = "\n".join(
        f"<tr><td><b>{html.escape(r['title'])}</b><br>{html.escape(r.get('headline', ''))}</td>"
        f'<td><a href="{html.escape(r["summary"])}">summary</a></td>'
        f'<td><a href="{html.escape(r["html"])}">full, with code</a></td>'
        f"<td>{r['seconds']} s</td></tr>"
        for r in results
    )
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
    path.write_text(page, encoding="utf-8")
    return path


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
    known = {p for r in reports for p in r.parameters}
    unknown = sorted(set(parameters or {}) - known)
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; the reports take {sorted(known)}")
    parameters = {**dict(defaults or {}), **dict(parameters or {})}
    results = []
    bar = progress(reports, desc="reports", unit="notebook", enabled=show_progress)
    for rep in bar:
        bar.set_postfix_str(rep.name)
        results.append(run_report(rep, out_dir, parameters=parameters, timeout=timeout))
    write_index(results, out_dir, parameters=parameters)
    return results
