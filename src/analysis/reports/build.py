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
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from analysis.i18n.prose import title_in
from analysis.paths import resolve
from analysis.reports import (
    FIGURE_TEXTS_ENV,
    TABLES_ENV,
    declared_parameters,
    parameter_defaults,
)
from analysis.reports.index import READING_ORDER, in_reading_order, write_index
from analysis.reports.kernels import JobKernels, kernel_manager, quiet_parameter_help

__all__ = ["READING_ORDER", "build_reports", "in_reading_order", "run_report", "write_index"]


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


def _to_ipynb(src: Path, dest: Path, *, lang: str = "en") -> None:
    """The notebook ``src`` (py:percent) as ``.ipynb``, its prose in ``lang``
    (:mod:`analysis.i18n.prose`; a cell without a translation stays English)."""
    import jupytext

    from analysis.i18n.prose import translate_notebook

    nb = jupytext.read(src, fmt="py:percent")
    translate_notebook(nb, src.stem, lang)
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


_QUOTED_ABS_PATH = re.compile(r"""(["'])((?:/|[A-Za-z]:\\)[^"'\n]*)\1""")


def _relative_injected_parameters(nb) -> None:
    """In the rendering of the cell papermill injects, show the local paths the run was given
    (``make report DATA=...`` passes absolute ones) as the provenance table does: relative to
    the data folder or the project, never the absolute local path."""
    from analysis.reports.provenance import shown_value

    data_dir = notebook_parameter(nb, "data_dir")
    for cell in nb.cells:
        if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        source, n = _QUOTED_ABS_PATH.subn(
            lambda m: m.group(1) + ast.literal_eval(shown_value(m.group(2), data_dir)) + m.group(1),
            cell.source,
        )
        if n:
            cell.source = (
                "# local paths shown relative to the project or the data folder\n" + source
            )


def _export_html(executed: Path, dest: Path, *, hide_code: bool, title: str) -> None:
    """One HTML rendering of an executed notebook: the report's title in ``<title>``, its
    language in ``<html lang>``, missing table cells as a dash, nothing fetched from another
    host (``templates/page``: JupyterLab's page without its CDN scripts) and only the CSS
    rules the page uses."""
    _export_pages(executed, [(dest, hide_code)], title=title)


_EXPORTERS = threading.local()


def _exporter(hide_code: bool):
    """This thread's HTML exporter with or without the code (built once: its templates are
    compiled on first use, a good part of an export's time)."""
    from nbconvert import HTMLExporter

    cache = _EXPORTERS.__dict__.setdefault("by_hide_code", {})
    if hide_code not in cache:
        exporter = HTMLExporter(
            template_name="page", extra_template_basedirs=[str(Path(__file__).parent / "templates")]
        )
        if hide_code:
            exporter.exclude_input = True
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
        cache[hide_code] = exporter
    return cache[hide_code]


def _export_pages(executed: Path, pages: list[tuple[Path, bool]], *, title: str) -> None:
    """The HTML renderings of an executed notebook (see :func:`_export_html`), one per
    ``(dest, hide_code)`` of ``pages``; the notebook is read and prepared once."""
    import nbformat

    from analysis.reports.pages import trim_page_css

    nb = nbformat.read(executed, as_version=4)
    nb.metadata["title"] = title
    _dash_missing_cells(nb)
    _relative_injected_parameters(nb)
    lang = notebook_parameter(nb, "lang", "en")
    for dest, hide_code in pages:
        exporter = _exporter(hide_code)
        exporter.language_code = lang
        body, _ = exporter.from_notebook_node(nb)
        dest.write_text(trim_page_css(body), encoding="utf-8")


def run_report(
    report: Report,
    out_dir: str | Path,
    *,
    parameters: Mapping[str, Any] | None = None,
    timeout: int = 1800,
    kernel=None,
) -> dict:
    """Execute one report notebook and write its HTML renderings. Returns a summary dict.

    Only the ``parameters`` the notebook declares are passed to it. Safe to call from several
    threads at once (different reports, or one report into different folders): nothing
    process-wide (environment, working directory) is changed. ``kernel``: a function that
    gives the :class:`~analysis.reports.kernels.SharedKernel` to run in (made as a new
    kernel first), instead of a kernel of its own.
    """
    import papermill as pm

    quiet_parameter_help()

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
    lang = parameters.get("lang", parameter_defaults(report.source).get("lang", "en"))
    title = title_in(report.title, report.name, lang)
    figure_texts = out_dir / f"{report.name}.figure-texts.jsonl"
    figure_texts.unlink(missing_ok=True)
    _to_ipynb(report.source, src_nb, lang=lang)
    t0 = time.perf_counter()
    env = {
        TABLES_ENV: str(tables),
        FIGURE_TEXTS_ENV: str(figure_texts),
        "TQDM_DISABLE": "1",  # no progress bars inside the HTML reports
    }
    if kernel is not None:
        kernel = kernel()
        kernel.prepare(out_dir, env, report=report.name)
        where = {"km": kernel.km}
    else:  # the kernel's working directory and environment, given to the kernel alone
        # (papermill's cwd= would change this process's directory)
        where = {
            "resources": {"metadata": {"path": str(out_dir)}},
            "kernel_manager_class": kernel_manager(env),
        }
    try:
        pm.execute_notebook(
            str(src_nb),
            str(executed),
            parameters=dict(parameters or {}),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            **where,
        )
    finally:
        src_nb.unlink(missing_ok=True)
    seconds = time.perf_counter() - t0
    _export_pages(
        executed,
        [(out_dir / f"{report.name}.html", False), (out_dir / f"{report.name}.summary.html", True)],
        title=title,
    )
    head = tables / "headline.txt"
    return {
        # results this run took from the language before it (a shared kernel), not computed
        "reused": kernel.reused() if kernel is not None else 0,
        "name": report.name,
        "title": title,
        "changed": changed_parameters(report, parameters),
        "lang": lang,
        "seconds": round(seconds, 1),
        "html": f"{report.name}.html",
        "summary": f"{report.name}.summary.html",
        "headline": head.read_text(encoding="utf-8").strip() if head.is_file() else "",
        "tables": str(tables),
    }


def _same_value(a: Any, b: Any) -> bool:
    """Equal parameter values; two path strings are equal when they name the same place."""
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str) and a and b and ("/" in a or "/" in b):
        return resolve(a).resolve() == resolve(b).resolve()
    return False


def changed_parameters(report: Report, parameters: Mapping[str, Any]) -> dict[str, tuple]:
    """``{name: (value, default)}`` for each parameter passed to ``report`` that differs from
    the literal in its ``parameters`` cell."""
    defaults = parameter_defaults(report.source)
    return {
        k: (v, defaults.get(k))
        for k, v in parameters.items()
        if k in defaults and not _same_value(v, defaults[k])
    }


def _no_tables(missing: list[str], lang: str) -> str:
    from analysis.i18n import AND_SEP, say, tr

    if lang == "en":
        return f"the data has no {' and no '.join(missing)}"
    return say(
        "common.index.no_table", lang, tables=AND_SEP[lang].join(tr(t, lang) for t in missing)
    )


def _too_little(reason: str, lang: str) -> str:
    from analysis.i18n import say

    return say("common.index.too_little", lang, reason=reason)


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
        _export_html(
            executed, Path(out_dir) / f"{report.name}.html", hide_code=False, title=report.title
        )
        html_name = f"{report.name}.html"
    reason = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
    return {
        **skipped(report, ""),
        "skipped": None,
        "failed": reason,
        "html": html_name,
        "cell": getattr(exc, "exec_count", None),  # the code cell's number, as In [N]
    }


def check_parameters(parameters: Mapping[str, Any], reports: list[Report] | None = None) -> None:
    """A parameter is an error only when no report declares it, so one params file serves
    every report, also together with ``--only``."""
    known = {p for r in (reports if reports is not None else discover()) for p in r.parameters}
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; the reports take {sorted(known)}")


#: Data up to this size (the files of the data folders the reports read, in MiB) is "small":
#: ``jobs="auto"`` then runs as many reports at once as there are cores; above it, one at a
#: time, so that only one kernel holds a large data set in memory.
SMALL_DATA_MB = 32


def cores() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def data_mb(folders) -> float:
    """Size of the files in ``folders`` (not recursive; a missing folder counts 0), in MiB."""
    total = 0
    for folder in {resolve(f) for f in folders}:
        if folder.is_dir():
            total += sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    return total / 2**20


def auto_jobs(folders, *, n_cores: int | None = None, small_mb: float = SMALL_DATA_MB) -> int:
    """How many reports run at once for ``jobs="auto"``: the cores when the data the reports
    read (``folders``) is small (at most ``small_mb`` MiB on disk), else 1 — on large data
    each kernel may hold gigabytes, so reports run one after another."""
    n_cores = cores() if n_cores is None else n_cores
    return max(1, n_cores) if data_mb(folders) <= small_mb else 1


def _report_data_dir(rep: Report, parameters: Mapping[str, Any]) -> str:
    """The data the report will read: the run's data_dir, else the notebook's own default
    (the touches report runs on data/sample-touches)."""
    return parameters.get("data_dir") or parameter_defaults(rep.source).get(
        "data_dir", "data/sample"
    )


def _run_one(rep: Report, out_dir: Path, parameters: dict, timeout: int, kernel=None) -> dict:
    """Run one report into ``out_dir``; a skip (no table, too little data) or an error in a
    cell becomes its index entry, anything else is raised. ``kernel``: a function that
    gives the shared kernel to run in (started when first needed), or None."""
    lang = parameters.get("lang", "en")
    missing = missing_tables(rep, table_rows(_report_data_dir(rep, parameters)))
    if missing:
        return skipped(rep, _no_tables(missing, lang))
    try:
        shared = {} if kernel is None else {"kernel": kernel}
        return run_report(rep, out_dir, parameters=parameters, timeout=timeout, **shared)
    except Exception as exc:  # papermill's execution error: record it, build the rest
        from papermill.exceptions import PapermillExecutionError

        if not isinstance(exc, PapermillExecutionError):
            raise
        if exc.ename == "TooLittleData":  # valid data, too short or small for this report
            return skipped(rep, _too_little(exc.evalue, lang))
        return failed(rep, out_dir, exc)


def _run_group(tasks: list, timeout: int, kernel=None) -> list[dict]:
    """Run ``tasks`` (report, folder, parameters) one after the other: each in a kernel of its
    own, or in the kernel ``kernel()`` gives (a
    :class:`~analysis.reports.kernels.SharedKernel`)."""
    return [_run_one(rep, folder, params, timeout, kernel) for rep, folder, params in tasks]


def build_reports(
    out_dir: str | Path = "reports",
    *,
    only: list[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    show_progress: bool = True,
    timeout: int = 1800,
    jobs: int | str = 1,
    langs: list[str] | None = None,
    share_kernel: bool | None = None,
    on_built=None,
) -> list[dict]:
    """Run every report notebook (or those named in ``only``) and write the index.

    ``parameters`` must each be known to at least one of the reports run; ``defaults``
    (e.g. a ``truth_dir`` derived from the data folder) are passed where declared, unchecked.
    ``timeout``: seconds one notebook cell may run before the report fails (large data may
    need more than the default half hour).
    ``jobs``: how many reports run at once (each in its own kernel); ``"auto"``: see
    :func:`auto_jobs`.
    ``langs``: build the reports in each of these languages (``lang`` parameter), the first
    into ``out_dir``, each other one into ``out_dir/<lang>`` with its own index; a report's
    languages run one after the other, so they share the same jobs. None: one build, in the
    ``lang`` of ``parameters`` (English by default).
    ``share_kernel``: run the reports in one kernel per job, one after the other, a report's
    later languages reusing the first's results (:mod:`analysis.reports.kernels`); None:
    when there are several languages and the data is small (as for ``jobs="auto"``), where
    holding the results twice costs little memory.
    ``on_built``: called with each entry as soon as its report is written (in this thread;
    e.g. to check its pages in a browser while the other reports run).

    Returns one entry per report and language, in reading order (languages in the order of
    ``langs``); each names the folder it was written to (``out``).
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from analysis.progress import progress

    out_dir = resolve(out_dir)
    reports = discover()
    if only:
        unknown = sorted(set(only) - {r.name for r in reports})
        if unknown:
            raise ValueError(f"unknown report(s) {unknown}; known: {[r.name for r in reports]}")
        reports = [r for r in reports if r.name in only]
    check_parameters(parameters or {})
    if langs and "lang" in (parameters or {}):
        raise ValueError("give the language either as the lang parameter or as langs, not both")
    parameters = {**dict(defaults or {}), **dict(parameters or {})}
    builds = [(out_dir, parameters)]
    if langs:
        from analysis.i18n import check_lang

        builds = [
            (out_dir if i == 0 else out_dir / lang, {**parameters, "lang": check_lang(lang)})
            for i, lang in enumerate(langs)
        ]
    reports = in_reading_order(reports)

    def given(rep: Report, params: dict) -> dict:
        # a language the notebook has by default is not passed (as without langs): its page
        # shows no injected `lang = ...` cell
        if langs and params["lang"] == parameter_defaults(rep.source).get("lang"):
            return {k: v for k, v in params.items() if k != "lang"}
        return params

    # a report in every language, then the next report: a report's pages are built together
    tasks = [(rep, folder, given(rep, params)) for rep in reports for folder, params in builds]
    folders_read = {_report_data_dir(rep, params) for rep, _, params in tasks}
    if jobs == "auto":
        jobs = auto_jobs(folders_read)
    if share_kernel is None:
        share_kernel = len(builds) > 1 and data_mb(folders_read) <= SMALL_DATA_MB
    # a group: a report's languages (in one kernel when shared), else one notebook
    n = len(builds) if share_kernel else 1
    groups = [list(range(g, g + n)) for g in range(0, len(tasks), n)]
    jobs = max(1, min(int(jobs), len(groups) or 1))
    if jobs > 1:  # the longest notebooks first, so the last to finish is a short one
        groups.sort(key=lambda g: -tasks[g[0]][0].source.stat().st_size)
    quiet_parameter_help()

    def label(g: list[int]) -> str:
        rep, folder, _ = tasks[g[0]]
        if len(builds) == 1:
            return rep.name
        return f"{rep.name} ({', '.join(langs[folders.index(tasks[i][1])] for i in g)})"

    kernels = JobKernels(out_dir, {"TQDM_DISABLE": "1"})

    def run(g: list[int]) -> list[dict]:
        return _run_group([tasks[i] for i in g], timeout, kernels.get if share_kernel else None)

    folders = [folder for folder, _ in builds]

    results: dict[int, dict] = {}

    def arrived(g: list[int], built: list[dict]) -> None:
        for i, r in zip(g, built):
            r["out"] = str(tasks[i][1])
            results[i] = r
            if on_built is not None:
                on_built(r)
        bar.update(len(g))

    bar = progress(total=len(tasks), desc="reports", unit="notebook", enabled=show_progress)
    try:
        if jobs == 1:
            for g in groups:
                bar.set_postfix_str(label(g))
                arrived(g, run(g))
        else:
            with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report") as pool:
                running = {pool.submit(run, g): k for k, g in enumerate(groups)}
                try:
                    shown = None
                    while running:
                        now = ", ".join(
                            label(groups[k])
                            for k, f in sorted((k, f) for f, k in running.items() if f.running())
                        )
                        if now != shown:  # the reports running now
                            bar.set_postfix_str(now)
                            shown = now
                        done, _ = wait(running, timeout=0.5, return_when=FIRST_COMPLETED)
                        for future in done:
                            arrived(groups[running.pop(future)], future.result())
                except BaseException:  # an unexpected error or ^C: start no other report
                    for future in running:
                        future.cancel()
                    raise
    finally:
        bar.close()
        kernels.shutdown()
    ordered = [results[i] for i in sorted(results)]
    for folder, params in builds:
        mine = [r for (_, f, _), r in zip(tasks, ordered) if f == folder]
        write_index(mine, folder, parameters=params)
    if langs:  # the order of langs, then reading order
        rank = {folder: k for k, (folder, _) in enumerate(builds)}
        ordered.sort(key=lambda r: rank[Path(r["out"])])
    return ordered
