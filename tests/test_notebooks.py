"""Every report notebook runs end to end on the sample parameters and writes its HTML."""

import re

import nbformat
import pytest

from analysis.reports import discover, run_report, write_index

REPORTS = discover()
RAW_ID = re.compile(r"\bu\d{7}\b")  # the sample's raw user ids look like u0001234


def test_there_are_report_notebooks_and_they_follow_the_rules():
    assert "data-overview" in {r.name for r in REPORTS}
    for rep in REPORTS:
        text = rep.source.read_text(encoding="utf-8")
        assert '# %% tags=["parameters"]' in text, f"{rep.name}: no parameters cell"
        assert not re.search(r"^\s*(def|class) ", text, re.M), f"{rep.name}: defines code"
        assert "provenance(" in text, f"{rep.name}: no provenance cell"


@pytest.mark.notebook
@pytest.mark.parametrize("report", REPORTS, ids=[r.name for r in REPORTS])
def test_report_notebook_executes_and_exports(report, tmp_path):
    result = run_report(report, tmp_path)
    nb = nbformat.read(tmp_path / f"{report.name}.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    full = (tmp_path / result["html"]).read_text(encoding="utf-8")
    summary = (tmp_path / result["summary"]).read_text(encoding="utf-8")
    assert "<img" in full  # figures are embedded
    assert len(summary) < len(full)  # the managers' version hides the code
    assert not RAW_ID.search(summary), f"{report.name}: a raw user id appears in the report"
    index = write_index([result], tmp_path).read_text(encoding="utf-8")
    assert result["summary"] in index
