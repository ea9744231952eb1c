"""Every report notebook runs end to end on the sample parameters and writes its HTML."""

import re
from pathlib import Path

import nbformat
import pytest

from analysis.reports.build import (
    build_reports,
    discover,
    in_reading_order,
    run_report,
    write_index,
)
from analysis.reports.pages import page_problems

REPORTS = discover()
REPORTS_READ = in_reading_order(REPORTS)
RAW_ID = re.compile(r"\bu\d{7}\b")  # the sample's raw user ids look like u0001234


def test_there_are_report_notebooks_and_they_follow_the_rules():
    assert "data-overview" in {r.name for r in REPORTS}
    for rep in REPORTS:
        text = rep.source.read_text(encoding="utf-8")
        assert '# %% tags=["parameters"]' in text, f"{rep.name}: no parameters cell"
        assert not re.search(r"^\s*(def|class) ", text, re.M), f"{rep.name}: defines code"
        assert "provenance(" in text, f"{rep.name}: no provenance cell"


_FIRST_RUNS: dict[str, tuple] = {}


def first_run(report, tmp_path_factory):
    """Execute a report once per test session (shared by the tests below)."""
    if report.name not in _FIRST_RUNS:
        out = tmp_path_factory.mktemp(report.name)
        _FIRST_RUNS[report.name] = (out, run_report(report, out))
    return _FIRST_RUNS[report.name]


@pytest.mark.notebook
@pytest.mark.parametrize("report", REPORTS, ids=[r.name for r in REPORTS])
def test_report_notebook_executes_and_exports(report, tmp_path_factory):
    tmp_path, result = first_run(report, tmp_path_factory)
    nb = nbformat.read(tmp_path / f"{report.name}.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    full = (tmp_path / result["html"]).read_text(encoding="utf-8")
    summary = (tmp_path / result["summary"]).read_text(encoding="utf-8")
    assert "<img" in full  # figures are embedded
    assert len(summary) < len(full)  # the managers' version hides the code
    assert not RAW_ID.search(summary), f"{report.name}: a raw user id appears in the report"
    for page in (full, summary):  # no noise, local path, repr, NaN or outside request
        assert page_problems(page, title=report.title, lang="en") == [], report.name
    index = write_index([result], tmp_path).read_text(encoding="utf-8")
    assert result["summary"] in index


#: what differs between two runs of the same notebook: random ids of cells and styled tables
_RANDOM_IDS = re.compile(r"(cell-id=|T_)[0-9a-f]{5,}")


_SHARED_RUNS: dict[str, list] = {}


def shared_run(report, tmp_path_factory):
    """The report in English then Chinese in a kernel shared by every report, as `make
    report` builds the sample (one kernel per job running report after report, a report's
    Chinese run reusing its English run's results); all reports in one kernel, in reading
    order, once per test session."""
    if not _SHARED_RUNS:
        out = tmp_path_factory.mktemp("all-shared")
        arrived = []
        built = build_reports(
            out,
            langs=["en", "zh"],
            share_kernel=True,
            jobs=1,
            show_progress=False,
            on_built=arrived.append,
        )
        # each entry was handed over as its report was written (make report's page checks)
        assert [r["name"] for r in arrived] == [r.name for r in REPORTS_READ for _ in "ab"]
        assert sorted(map(id, arrived)) == sorted(map(id, built))
        for r in built:
            _SHARED_RUNS.setdefault(r["name"], []).append(r)
    return _SHARED_RUNS[report.name]


@pytest.mark.notebook
@pytest.mark.parametrize("report", REPORTS, ids=[r.name for r in REPORTS])
def test_report_run_twice_gives_identical_tables(report, tmp_path_factory):
    out, first = first_run(report, tmp_path_factory)
    # another kernel, after the reports before it in reading order, computing anew
    second, _ = shared_run(report, tmp_path_factory)
    assert second["reused"] == 0
    folder = Path(second["out"])
    name = f"{report.name}.figure-texts.jsonl"  # what the figures say, and both pages
    assert (folder / name).read_bytes() == (out / name).read_bytes(), name
    for page in (first["html"], first["summary"]):
        one, two = ((f / page).read_text(encoding="utf-8") for f in (out, folder))
        assert _RANDOM_IDS.sub("", one) == _RANDOM_IDS.sub("", two), page
    a, b = Path(first["tables"]), Path(second["tables"])
    names = sorted(p.name for p in a.iterdir()) if a.is_dir() else []
    assert names, f"{report.name} saved no result tables (use analysis.reports.save_table)"
    assert "headline.txt" in names, f"{report.name} has no headline"
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs between runs"


@pytest.mark.notebook
@pytest.mark.parametrize("report", REPORTS, ids=[r.name for r in REPORTS])
def test_the_language_reusing_results_reads_as_in_a_kernel_of_its_own(report, tmp_path_factory):
    """`make report` on the sample runs a report's Chinese build in the English build's
    kernel, reusing its results, and the next report in the same kernel
    (analysis.reports.kernels): the tables, figure texts and pages are those of a Chinese
    run in a kernel of its own."""
    _, shared = shared_run(report, tmp_path_factory)
    assert shared["reused"] > 0  # results were reused, not computed again
    out = tmp_path_factory.mktemp(report.name + "-zh-alone")
    alone = run_report(report, out, parameters={"lang": "zh"})
    assert alone["reused"] == 0
    a, b = Path(shared["tables"]), Path(alone["tables"])
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"
    folder = Path(shared["out"])
    others = [f"{report.name}.figure-texts.jsonl", *(p.name for p in out.glob("*.csv"))]
    for name in others:  # what the figures say; an exported list
        assert (folder / name).read_bytes() == (out / name).read_bytes(), name
    for page in (alone["html"], alone["summary"]):
        one, two = ((f / page).read_text(encoding="utf-8") for f in (folder, out))
        assert _RANDOM_IDS.sub("", one) == _RANDOM_IDS.sub("", two), page


@pytest.mark.notebook
@pytest.mark.parametrize("report", REPORTS, ids=[r.name for r in REPORTS])
def test_report_pages_open_offline_in_a_browser_without_a_problem(report, tmp_path_factory):
    from analysis.reports.browser import check_pages, unavailable

    if unavailable():
        pytest.skip(f"no browser to open the pages: {unavailable()}")
    out, result = first_run(report, tmp_path_factory)
    checks = check_pages([out / result["summary"], out / result["html"]])
    assert [c.problems for c in checks] == [[], []], report.name


@pytest.mark.notebook
def test_overview_report_reads_raw_wecom_and_excel_exports(tmp_path, tmp_path_factory):
    """Raw exports (WeCom JSON, GBK CSV, xlsx) → canonical tables → the same report numbers."""
    from analysis.__main__ import main

    raw = tmp_path / "raw"
    assert main(["export-raw", "--data", "data/sample", "--out", str(raw)]) == 0
    assert not (raw / "contacts.csv").exists() and any(raw.glob("wecom_contacts*"))
    overview = next(r for r in REPORTS if r.name == "data-overview")
    _, canonical = first_run(overview, tmp_path_factory)
    from_raw = run_report(overview, tmp_path / "out", parameters={"data_dir": str(raw)})
    # the headline differs only in the rows dropped: the adapters merge redundant records
    assert from_raw["headline"].split("; ")[0] == canonical["headline"].split("; ")[0]
    for name in ("table_summary.csv", "orders_by_period.csv", "events_by_type.csv"):
        assert (Path(from_raw["tables"]) / name).read_bytes() == (
            Path(canonical["tables"]) / name
        ).read_bytes(), name


@pytest.mark.notebook
def test_reports_in_chinese_render_real_glyphs(tmp_path):
    """lang="zh": the readings and tables switch to Chinese and every glyph has a font."""
    cjk = re.compile("[\u4e00-\u9fff]")
    fast = {"data-overview": {}, "value-index-retention": {"n_boot": 50, "n_weights": 50}}
    for name, extra in fast.items():
        report = next(r for r in REPORTS if r.name == name)
        result = run_report(report, tmp_path / name, parameters={"lang": "zh", **extra})
        assert cjk.search(result["headline"]), result["headline"]
        summary = (tmp_path / name / result["summary"]).read_text(encoding="utf-8")
        assert len(cjk.findall(summary)) > 100, f"{name}: too little Chinese in the summary"
        nb = nbformat.read(tmp_path / name / f"{name}.ipynb", as_version=4)
        streams = "".join(
            o.get("text", "")
            for c in nb.cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "stream"
        )
        assert "missing from font" not in streams and "Glyph" not in streams, name
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert not errors, name


@pytest.mark.notebook
@pytest.mark.parametrize(
    "name",
    [
        "data-overview",
        "behaviours-retention",
        "value-index-retention",
        "segments-and-flow",
        "churn",
        "ltv",
    ],
)
def test_report_on_duckdb_gives_the_same_tables(name, tmp_path, tmp_path_factory):
    """engine="duckdb": the report's scans read the tables from disk and it saves the same
    tables."""
    report = next(r for r in REPORTS if r.name == name)
    assert "engine" in report.parameters
    _, in_memory = first_run(report, tmp_path_factory)
    on_disk = run_report(report, tmp_path, parameters={"engine": "duckdb"})
    a, b = Path(in_memory["tables"]), Path(on_disk["tables"])
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir()) and len(names) > 3
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs on duckdb"
