"""The report runner: parameters are checked, filtered per notebook, and read from a file."""

import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.data.errors import DataError
from analysis.paths import resolve
from analysis.reports.build import build_reports, discover


def test_every_report_declares_its_data_dir_and_parameters_parse():
    reports = {r.name: r for r in discover()}
    for r in reports.values():
        assert r.parameters[0] == "data_dir", r.name
    assert "lang" in reports["data-overview"].parameters
    assert "truth_dir" not in reports["data-overview"].parameters


def test_unknown_parameter_is_an_error_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['lnag'\]"):
        build_reports(tmp_path, parameters={"lnag": "zh"}, show_progress=False)
    assert not any(tmp_path.iterdir())


@pytest.mark.notebook
def test_parameters_file_and_command_line(tmp_path, capsys):
    params = tmp_path / "p.yaml"
    params.write_text("freq: Q\n")
    out = tmp_path / "out"
    assert (
        main(
            [
                "report",
                "--only",
                "data-overview",
                "--out",
                str(out),
                "--quiet",
                "--data",
                "data/sample",
                "--params",
                str(params),
                "-p",
                "lang",
                "zh",
            ]
        )
        == 0
    )
    html = (out / "data-overview.html").read_text(encoding="utf-8")
    # the provenance in Chinese: the parameter's name and value as code
    assert "参数 <code>freq</code>" in html
    assert "<code>'Q'</code>" in html or "<code>&#x27;Q&#x27;</code>" in html
    assert "渠道" in html  # lang from the command line reached the notebook
    assert "index.html" in capsys.readouterr().out


def test_ledger_and_provenance_in_chinese_show_identifiers_as_code(tmp_path):
    import pandas as pd

    from analysis.reports import ShownTable, ledger_table
    from analysis.reports.pages import english_in_page
    from analysis.reports.provenance import provenance
    from analysis.reports.summary import money

    ledger = pd.DataFrame(
        {
            "table": ["contacts", "events", "orders"],
            "step": [
                "read",
                "prepare: wecom: customers read",
                "amount: full-width digits normalised",
            ],
            "rows_in": [3, 2, 1],
            "kept": [3, 2, 1],
            "dropped": [0, 0, 0],
            "repaired": [0, 0, 1],
            "detail": ["contacts.csv (encoding gbk)", "wecom_contacts.json", "０-９ → ASCII"],
        }
    )
    assert ledger_table(ledger, "en").equals(ledger)  # English: the frame as it was
    zh = ledger_table(ledger, "zh")
    assert isinstance(zh, ShownTable)
    assert zh.frame["步骤"].tolist() == [
        "读取",
        "预处理：企业微信：读取客户",
        "`amount`：全角数字转为半角",
    ]
    page = zh._repr_html_()
    assert "<code>contacts.csv</code>（编码 <code>gbk</code>）" in page
    assert english_in_page(page) == []
    params = {"data_dir": "data/sample", "freq": "M", "lang": "zh", "vocabulary": None}
    prov = provenance(params, [])
    html = prov._repr_html_()
    assert "参数 <code>data_dir</code>" in html and "<code>pandas</code> 版本" in html
    assert english_in_page(html) == [] and "—" in html  # None as a dash
    english = provenance({**params, "lang": "en"}, [])
    assert "parameter data_dir" in set(english["item"])
    assert money(663502, lang="zh") == "66.4 万元" and money(300, lang="zh") == "300 元"
    assert money(663502) == "663,502 CNY"


def test_report_inputs_reads_truth_only_where_there_is_one(tmp_path):
    from analysis.reports import report_inputs

    with_truth = report_inputs("data/sample", truth_dir="data/sample/truth")
    assert with_truth.has_truth and len(with_truth.truth_users) == len(with_truth.tables.contacts)
    assert [p.name for p in with_truth.truth_files] == ["users.csv.gz", "params.json"]
    for missing in ("", str(tmp_path)):
        assert not report_inputs("data/sample", truth_dir=missing).has_truth
    with pytest.raises(ValueError, match="lang"):
        report_inputs("data/sample", lang="fr")


def test_report_inputs_passes_observed_until_to_the_loader():
    from analysis.reports import open_tables, report_inputs

    full = report_inputs("data/sample").tables
    # the sample's last contact joins at 23:58:05 on its last day, its last event is later
    cut = report_inputs("data/sample", observed_until="2026-06-30 23:59:00").tables
    assert 0 < len(cut.events) < len(full.events) and len(cut.contacts) == len(full.contacts)
    assert cut.ledger["dropped"].sum() > 0 == full.ledger["dropped"].sum()
    with pytest.raises(ValueError, match="observed_until is for engine='pandas' only"):
        open_tables(resolve("data/sample"), engine="duckdb", observed_until="2026-06-30")


def test_sql_engines_need_canonical_tables_on_disk(tmp_path):
    from analysis.__main__ import main

    raw = tmp_path / "raw"
    assert main(["export-raw", "--data", "data/sample", "--out", str(raw)]) == 0
    from analysis.reports import open_tables

    with pytest.raises(DataError, match=r"engine=.duckdb. reads the canonical tables"):
        open_tables(raw, engine="duckdb")
    with pytest.raises(ValueError, match="engine must be one of"):
        open_tables(raw, engine="polars")
    with open_tables(resolve("data/sample"), engine="duckdb") as tables:
        loaded = open_tables(resolve("data/sample"))
        assert len(tables.contacts) == len(loaded.contacts)
        # canonical CSV files that need no repair: the ledger load_tables writes for them
        pd.testing.assert_frame_equal(tables.ledger, loaded.ledger)


def test_auto_engine_follows_the_data(tmp_path):
    """engine="auto": DuckDB on a prepared store (Parquet on disk), pandas on CSV tables and
    raw exports, and whatever the aggregations' inputs are."""
    from analysis.data.prepare import prepare
    from analysis.engine import DuckTables, infer_engine
    from analysis.reports import data_engine, open_tables

    store = tmp_path / "store"
    prepare(resolve("data/sample"), store)
    assert data_engine(store) == "duckdb"
    assert data_engine(store, "pandas") == "pandas"
    assert data_engine(store, observed_until="2026-06-30") == "pandas"
    assert data_engine("data/sample") == "pandas"  # CSV tables: checked by load_tables
    (store / "events.parquet").rename(tmp_path / "events.parquet")
    assert data_engine(store) == "pandas"
    (tmp_path / "events.parquet").rename(store / "events.parquet")
    with open_tables(store, engine="auto") as duck:
        assert isinstance(duck, DuckTables)
        pandas = open_tables(store, engine="pandas")
        assert len(duck.events) == len(pandas.events)
        # the row ledger: the store's steps, then the rows read from the Parquet files
        assert duck.ledger["step"].tolist()[:2] == ["prepare: read"] * 2
        pd.testing.assert_frame_equal(duck.ledger, pandas.ledger)
        assert infer_engine("auto", pandas.contacts, duck.events) == "duckdb"
        assert infer_engine("auto", pandas.contacts, pandas.events) == "pandas"


def test_engine_and_timeout_options_reach_the_runner(tmp_path, monkeypatch):
    import analysis.reports.build as R

    seen = []

    def fake_run(report, out_dir, *, parameters=None, timeout=1800, kernel=None):
        seen.append((report.name, dict(parameters), timeout))
        return {
            "name": report.name,
            "title": report.title,
            "html": "x.html",
            "summary": "x.summary.html",
            "headline": "",
            "seconds": 0.0,
            "tables": "",
        }

    monkeypatch.setattr(R, "run_report", fake_run)
    assert (
        main(
            [
                "report",
                "--only",
                "data-overview",
                "value-index-retention",
                "--quiet",
                "--out",
                str(tmp_path),
                "--engine",
                "duckdb",
                "--timeout",
                "7200",
            ]
        )
        == 0
    )
    assert [s[2] for s in seen] == [7200, 7200]
    # both get the engine; run_report passes each notebook only what it declares
    assert all(s[1]["engine"] == "duckdb" for s in seen)
    with pytest.raises(SystemExit):
        main(["report", "--engine", "polars", "--out", str(tmp_path)])


def test_report_parameters_come_from_the_parameters_cell(tmp_path):
    from analysis.reports import declared_parameters, report_parameters

    nb = tmp_path / "x.py"
    nb.write_text(
        '# %%\nimport os\n\n# %% tags=["parameters"]\nalpha = 1\nbeta = "b"  # a comment\n'
        "\n# %%\ngamma = 3\n"
    )
    assert declared_parameters(nb) == ["alpha", "beta"]
    assert report_parameters({"alpha": 2, "beta": "c", "gamma": 9}, notebook=nb) == {
        "alpha": 2,
        "beta": "c",
    }
    with pytest.raises(KeyError, match="beta"):
        report_parameters({"alpha": 2}, notebook=nb)
    # every report notebook declares its parameters
    for report in discover():
        assert declared_parameters(report.source), report.name


def test_index_lists_reports_in_reading_order_with_data_and_changed_parameters(tmp_path):
    from analysis.paths import project_root
    from analysis.reports.build import READING_ORDER, changed_parameters, write_index
    from analysis.reports.pages import english_in_page, page_problems

    reports = {r.name: r for r in discover()}
    assert READING_ORDER[0] == "data-overview" and set(READING_ORDER) == set(reports)
    data = project_root() / "data" / "sample"  # the default, given as an absolute path
    params = {"data_dir": str(data), "truth_dir": str(data / "truth"), "horizon_days": 60}
    changed = changed_parameters(reports["churn"], params)
    assert changed == {"horizon_days": (60, 90)}  # the same folders are no change
    elsewhere = tmp_path / "brand-export"
    moved = changed_parameters(reports["churn"], {"data_dir": str(elsewhere)})
    assert moved == {"data_dir": (str(elsewhere), "data/sample")}

    tables = tmp_path / "tables" / "data-overview"
    tables.mkdir(parents=True)
    (tables / "table_summary.csv").write_text(
        "table,rows,users,first,last\n"
        "contacts,8067,8067,2025-01-01 02:07:22+08:00,2026-06-30 23:58:05+08:00\n"
        "events,338244,8067,2024-12-02 13:36:19+08:00,2026-06-30 23:59:21+08:00\n"
    )

    def result(name, **kw):
        return {
            "name": name,
            "title": reports[name].title,
            "summary": f"{name}.summary.html",
            "html": f"{name}.html",
            "seconds": 1.0,
            "headline": f"headline of {name}",
            "tables": str(tmp_path / "tables" / name),
            **kw,
        }

    results = [
        result("ltv", changed={"data_dir": (str(elsewhere), "data/sample")}),
        result("churn", changed={**moved, "horizon_days": (60, 90)}, lang="zh"),
        result("data-overview", changed=moved),
    ]
    page = write_index(results, tmp_path, parameters={"data_dir": str(elsewhere)}).read_text()
    order = [page.index(f'href="{n}.summary.html"') for n in ("data-overview", "churn", "ltv")]
    assert order == sorted(order)
    assert "Source: <code>brand-export</code>, 2024-12-02 to 2026-06-30." in page
    assert "<td>events</td><td>338,244</td><td>8,067</td><td>2024-12-02</td>" in page
    assert (
        "<td><code>horizon_days</code></td><td><code>60</code></td><td><code>90</code></td>"
        "<td>Churn early warning</td>"
    ) in page
    assert "<td><code>data_dir</code></td><td><code>&#x27;brand-export&#x27;</code></td>" in page
    # one row for the same change, naming the reports by their short titles
    assert "<td>Data overview, Churn early warning, Customer lifetime value</td>" in page
    assert '<span lang="zh">headline of churn</span>' in page
    assert page_problems(page, title="Private-domain research reports", lang="en") == []
    zh = write_index(results, tmp_path, parameters={"lang": "zh"}).read_text()
    assert page_problems(zh, title="私域用户研究报告", lang="zh") == []
    assert "<th>数据表</th><th>行数</th>" in zh and "<td>事件</td><td>338,244</td>" in zh
    for r in results:  # the page's own words are Chinese (the fake reports' are English)
        short = r["title"].split(":")[0]
        zh = zh.replace(r["title"], "").replace(short, "").replace(r["headline"], "")
    assert english_in_page(zh) == []
    alone = write_index(results[:1], tmp_path).read_text()
    assert "not built in this run" in alone and "default parameters" not in alone
    assert (
        "Every report ran with its default parameters"
        in write_index([result("churn")], tmp_path).read_text()
    )


def test_papermills_parameter_help_notices_are_quiet_and_other_warnings_are_not(caplog):
    """A comment with "=" on a parameter line made papermill log "Unable to parse line" for
    every run; that notice is dropped, its other warnings still show."""
    import logging

    from papermill.translators import PythonTranslator

    from analysis.reports.kernels import quiet_parameter_help

    cell = {"source": "silent_days = 30  # this long = silent\nlang = 'en'\n"}
    quiet_parameter_help()
    with caplog.at_level(logging.WARNING, logger="papermill.translators"):
        params = PythonTranslator.inspect(cell)
        logging.getLogger("papermill.translators").warning("another warning")
    assert [p.name for p in params] == ["lang"]
    assert [r.getMessage() for r in caplog.records] == ["another warning"]


def test_auto_jobs_use_the_cores_on_small_data_and_one_on_large(tmp_path):
    from analysis.reports.build import auto_jobs, data_mb

    (tmp_path / "events.csv").write_bytes(b"x" * 2**20)  # 1 MiB
    assert data_mb([tmp_path, tmp_path / "missing"]) == pytest.approx(1.0)
    assert auto_jobs([tmp_path], n_cores=4, small_mb=2) == 4
    assert auto_jobs([tmp_path], n_cores=4, small_mb=0.5) == 1
    assert auto_jobs([tmp_path], n_cores=0, small_mb=2) == 1
    # the sample (and its touches world) is small
    assert auto_jobs(["data/sample", "data/sample-touches"], n_cores=2) == 2


def _fake_report(calls, barrier=None):
    import threading

    def fake_run(report, out_dir, *, parameters=None, timeout=1800, kernel=None):
        calls.append((report.name, str(out_dir), parameters.get("lang"), threading.get_ident()))
        if barrier is not None:
            barrier.wait()  # returns only when as many reports run at once
        return {
            "name": report.name,
            "title": report.title,
            "lang": parameters.get("lang", "en"),
            "html": f"{report.name}.html",
            "summary": f"{report.name}.summary.html",
            "headline": "",
            "seconds": 0.0,
            "tables": "",
        }

    return fake_run


def test_langs_build_both_languages_side_by_side(tmp_path, monkeypatch):
    import threading

    import analysis.reports.build as R

    calls = []
    # two reports in two languages, two at a time: the barrier breaks unless two run at once
    monkeypatch.setattr(R, "run_report", _fake_report(calls, threading.Barrier(2, timeout=20)))
    results = build_reports(
        tmp_path, only=["ltv", "data-overview"], langs=["en", "zh"], jobs=2, show_progress=False
    )
    # the first language into OUT, the other into OUT/zh; reading order in each
    assert [(r["name"], r["out"]) for r in results] == [
        ("data-overview", str(tmp_path)),
        ("ltv", str(tmp_path)),
        ("data-overview", str(tmp_path / "zh")),
        ("ltv", str(tmp_path / "zh")),
    ]
    # English, the notebooks' default, is not passed (no injected `lang` cell), Chinese is
    assert sorted((c[0], c[1], c[2]) for c in calls) == sorted(
        (r["name"], r["out"], None if r["out"] == str(tmp_path) else "zh") for r in results
    )
    assert len({c[3] for c in calls}) == 2  # two threads
    assert 'lang="zh"' in (tmp_path / "zh" / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in (tmp_path / "index.html").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="lang"):
        build_reports(tmp_path, parameters={"lang": "zh"}, langs=["en"], show_progress=False)


def test_one_job_runs_the_reports_one_after_another(tmp_path, monkeypatch):
    import threading

    import analysis.reports.build as R

    calls = []
    monkeypatch.setattr(R, "run_report", _fake_report(calls))
    results = build_reports(
        tmp_path, only=["ltv", "churn", "data-overview"], jobs=1, show_progress=False
    )
    assert [r["name"] for r in results] == ["data-overview", "churn", "ltv"]
    assert [c[0] for c in calls] == ["data-overview", "churn", "ltv"]
    assert {c[3] for c in calls} == {threading.get_ident()}  # in this thread


def test_a_failing_report_is_listed_with_its_cell_while_the_others_build(
    tmp_path, monkeypatch, capsys
):
    from papermill.exceptions import PapermillExecutionError

    import analysis.reports.build as R

    ok = _fake_report([])

    def fake_run(report, out_dir, *, parameters=None, timeout=1800, kernel=None):
        if report.name == "churn":
            raise PapermillExecutionError(12, 7, "1/0", "ZeroDivisionError", "division by zero", [])
        return ok(report, out_dir, parameters=parameters, timeout=timeout)

    monkeypatch.setattr(R, "run_report", fake_run)
    args = ["report", "--only", "churn", "ltv", "data-overview", "--jobs", "2", "--quiet"]
    assert main([*args, "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "churn: FAILED in cell [7] (ZeroDivisionError: division by zero)" in err
    assert "ltv: 0.0 s" in out and "data-overview: 0.0 s" in out
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "ZeroDivisionError: division by zero" in index
    with pytest.raises(SystemExit):
        main(["report", "--jobs", "0", "--out", str(tmp_path)])


def test_report_kernels_talk_over_unix_sockets_and_start_without_a_warning(tmp_path, capfd):
    """ipykernel warned "Kernel is running over TCP without encryption" on stderr for every
    report of `make report`; the kernels now use ipc transport, and the warning is gone."""
    import nbformat
    import papermill as pm

    from analysis.reports.kernels import kernel_manager

    manager = kernel_manager({"REPORT_TEST_VALUE": "42"})
    assert manager().transport == "ipc"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import os; print(os.environ['REPORT_TEST_VALUE'])"),
        nbformat.v4.new_code_cell("print(os.getcwd())"),
    ]
    elsewhere = tmp_path / "report-folder"
    elsewhere.mkdir()
    nbformat.write(nb, tmp_path / "in.ipynb")
    pm.execute_notebook(
        str(tmp_path / "in.ipynb"),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        kernel_manager_class=manager,
        # as run_report does: the kernel starts in the report's folder, not the runner's
        resources={"metadata": {"path": str(elsewhere)}},
    )
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    assert out[0].outputs[0]["text"] == "42\n"
    assert out[1].outputs[0]["text"] == f"{elsewhere}\n"
    assert "running over TCP" not in capfd.readouterr().err


def test_a_shared_kernel_is_made_new_before_each_run(tmp_path, monkeypatch):
    """A kernel that runs report after report (make report on the sample) puts back what a
    report changed for the whole kernel: the BLAS / OpenMP thread limits (the LTV and value
    index reports call threadpool_limits(limits=1)), and, for a new report, the results kept
    for reuse."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from analysis import reuse
    from analysis.reports import kernels

    monkeypatch.setattr(kernels, "_START", {})  # this process as a kernel's first run
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(reuse, "_results", {})

    def sizes():
        return sorted((lib["filepath"], lib["num_threads"]) for lib in threadpool_info())

    kernels.fresh_run(str(tmp_path), {}, forget=True)
    start = sizes()
    assert any(n > 1 for _, n in start), "needs a thread pool of more than one thread"
    threadpool_limits(limits=1)  # as a report does: for the rest of the kernel
    assert sizes() != start
    reuse._results["kept"] = b"x"
    kernels.fresh_run(str(tmp_path), {})  # the same report's next language
    assert sizes() == start
    assert "kept" in reuse._results
    kernels.fresh_run(str(tmp_path), {}, forget=True)  # the next report
    assert reuse._results == {}


def test_a_shared_kernel_that_died_is_replaced_before_the_next_run(tmp_path):
    """A report that kills its kernel (e.g. out of memory) does not fail the reports the job
    runs after it: the next run gets a new kernel."""
    import os
    import signal
    import time

    from analysis.reports.kernels import SharedKernel, kernel_manager, shared_env

    kernel = SharedKernel(kernel_manager(shared_env({})), tmp_path)
    try:
        kernel.prepare(tmp_path, {}, report="a")
        first = kernel.km.provisioner.process.pid
        os.kill(first, signal.SIGKILL)
        time.sleep(0.5)
        kernel.prepare(tmp_path, {}, report="b")
        assert kernel.km.provisioner.process.pid != first
        assert kernel.reused() == 0
    finally:
        kernel.shutdown()


def test_a_shared_kernel_keeps_results_within_a_report_and_drops_them_for_the_next(tmp_path):
    """A report's second language reuses its first's results; the next report the job runs
    in the same kernel starts with nothing kept (its English run computes everything)."""
    from analysis.reports.kernels import SharedKernel, kernel_manager, shared_env

    kept = "len(__import__('analysis.reuse').reuse._results)"
    kernel = SharedKernel(kernel_manager(shared_env({})), tmp_path)
    try:
        kernel.prepare(tmp_path, {}, report="a")
        kernel._execute("__import__('analysis.reuse').reuse._results['x'] = b''")
        (tmp_path / "zh").mkdir()
        kernel.prepare(tmp_path / "zh", {}, report="a")  # the same report, another language
        assert kernel._execute("", n=kept) == "1"
        kernel.prepare(tmp_path, {}, report="b")
        assert kernel._execute("", n=kept) == "0"
    finally:
        kernel.shutdown()
