"""Report pages carry no noise, no local path, no repr, no NaN, the right title and language,
and fetch nothing from another host: the checker finds each planted problem, and built
reports have none."""

import nbformat
import pytest

from analysis.paths import project_root
from analysis.reports.build import _export_html, discover, notebook_parameter, run_report
from analysis.reports.pages import outside_requests, page_problems

TITLE = "A small report"


def small_notebook(lang="en", *, extra_cells=(), outputs=()):
    v4 = nbformat.v4
    params = v4.new_code_cell(f'data_dir = "data/sample"\nlang = "{lang}"')
    params.metadata["tags"] = ["parameters"]
    table = v4.new_code_cell("table")
    table.outputs = [
        v4.new_output(
            "execute_result",
            data={
                "text/html": "<table><tr><th>n</th><th>rate</th></tr>"
                "<tr><td>3</td><td>NaN</td></tr><tr><td>&lt;NA&gt;</td><td>0.5</td></tr></table>",
                "text/plain": "   n  rate",
            },
            execution_count=1,
        ),
        *outputs,
    ]
    # a code cell may name a class with keywords: code is not manager text
    code = v4.new_code_cell("scorer = FiveValueScorer(weights='equal')")
    cells = [v4.new_markdown_cell(f"# {TITLE}"), params, code, table, *extra_cells]
    return v4.new_notebook(cells=cells)


def export(tmp_path, nb, *, hide_code=False):
    src, dest = tmp_path / "x.ipynb", tmp_path / "x.html"
    nbformat.write(nb, src)
    _export_html(src, dest, hide_code=hide_code, title=TITLE)
    return dest.read_text(encoding="utf-8")


@pytest.mark.parametrize("hide_code", [False, True])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_exported_page_is_clean(tmp_path, lang, hide_code):
    page = export(tmp_path, small_notebook(lang), hide_code=hide_code)
    assert page_problems(page, title=TITLE, lang=lang) == []
    assert f'<html lang="{lang}">' in page and f"<title>{TITLE}</title>" in page
    assert "<td>—</td>" in page and "NaN" not in page  # missing values as a dash
    assert "<script" not in page  # no require.js, MathJax or mermaid loader


def md(text):
    return nbformat.v4.new_markdown_cell(text)


STDERR = nbformat.v4.new_output("stream", name="stderr", text="progress 3/3\n")
PLANTED = {
    "stderr": (dict(outputs=[STDERR]), "wrote to stderr"),
    "warning": (dict(extra_cells=[md("x.py:21: UserWarning: beware")]), "warning"),
    "home path": (dict(extra_cells=[md("read /home/alice/export/contacts.csv")]), "absolute"),
    "windows path": (dict(extra_cells=[md(r"read C:\\Users\\alice\\x.csv")]), "absolute"),
    "project root": (dict(extra_cells=[md(f"from {project_root()}")]), "path"),
    "repr": (dict(extra_cells=[md("FiveValueScorer(normalization='rank'): fitted")]), "repr"),
    "object repr": (dict(extra_cells=[md("`<a.B object at 0x7f00aa>`")]), "repr"),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_each_planted_problem_is_found(tmp_path, name):
    kwargs, expected = PLANTED[name]
    page = export(tmp_path, small_notebook(**kwargs), hide_code=True)
    problems = page_problems(page, title=TITLE, lang="en")
    assert len(problems) >= 1 and all(expected in p for p in problems), problems


PLANTED_HTML = {
    "NaN cell": ("<td>—</td>", "<td>NaN</td>", "missing value"),
    "None cell": ("<td>—</td>", "<td> None </td>", "missing value"),
    "title": (f"<title>{TITLE}</title>", "<title>Notebook</title>", "page title"),
    "lang": ('<html lang="en">', '<html lang="zh">', "html lang"),
    "script": ("</head>", '<script src="https://cdn.example.org/a.js"></script></head>', "host"),
    "font": ("</head>", '<link rel="stylesheet" href="//fonts.example.org/a.css"></head>', "host"),
    "image": ("</main>", '<img src="http://img.example.org/a.png"></main>', "host"),
    "css url": (
        "</head>",
        "<style>p{background:url('https://x.example.org/a.png')}</style></head>",
        "host",
    ),
    "css import": (
        "</head>",
        '<style>@import "https://x.example.org/a.css";</style></head>',
        "host",
    ),
}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return export(tmp_path_factory.mktemp("clean"), small_notebook())


@pytest.mark.parametrize("name", sorted(PLANTED_HTML))
def test_each_problem_planted_in_the_html_is_found(clean, name):
    before, after, expected = PLANTED_HTML[name]
    assert before in clean
    problems = page_problems(clean.replace(before, after, 1), title=TITLE, lang="en")
    assert len(problems) == 1 and expected in problems[0], problems


def test_outside_requests_ignore_local_files_and_embedded_images():
    page = (
        '<a href="churn.summary.html">x</a><img src="data:image/png;base64,AAAA">'
        '<a href="#top">t</a><link href="style.css">'
    )
    assert outside_requests(page) == []
    assert outside_requests('<a href="https://example.org/doc">doc</a>') != []


def test_notebook_parameter_reads_injected_value_then_the_parameters_cell():
    nb = small_notebook("zh")
    assert notebook_parameter(nb, "lang") == "zh"
    assert notebook_parameter(nb, "missing", "fallback") == "fallback"
    nb.metadata["papermill"] = {"parameters": {"lang": "en"}}
    assert notebook_parameter(nb, "lang") == "en"


# data_dir as make report passes it (absolute): the injected cell must not show it
BUILT = {
    "data-overview": {"lang": "zh", "data_dir": str(project_root() / "data" / "sample")},
    "value-index-retention": {},
}


@pytest.mark.notebook
@pytest.mark.parametrize("name", sorted(BUILT))
def test_built_report_pages_have_no_problem(tmp_path, name):
    report = next(r for r in discover() if r.name == name)
    result = run_report(report, tmp_path, parameters=BUILT[name])
    lang = BUILT[name].get("lang", "en")
    for page in (result["html"], result["summary"]):
        text = (tmp_path / page).read_text(encoding="utf-8")
        assert page_problems(text, title=result["title"], lang=lang) == [], page


def test_ledger_and_provenance_name_files_relative_to_the_data_folder(tmp_path):
    import pandas as pd

    from analysis.reports import relative_ledger
    from analysis.reports.provenance import provenance

    folder = tmp_path / "export"
    (folder / "truth").mkdir(parents=True)
    for name in ("contacts.csv", "truth/params.json"):
        (folder / name).write_text("x\n")
    ledger = pd.DataFrame(
        {"table": ["contacts"], "detail": [f"{folder}/a.json + {folder}/b.json (encoding gbk)"]}
    )
    assert relative_ledger(ledger, folder)["detail"].tolist() == ["a.json + b.json (encoding gbk)"]
    assert ledger["detail"].str.contains(str(tmp_path)).all()  # the input is left as it was
    params = {"data_dir": str(folder), "truth_dir": str(folder / "truth"), "lang": "en"}
    table = provenance(params, [folder / "contacts.csv", folder / "truth" / "params.json"])
    shown = dict(zip(table["item"], table["value"]))
    assert shown["parameter data_dir"] == "'export'"
    assert shown["parameter truth_dir"] == "'export/truth'"
    assert shown["parameter lang"] == "'en'"
    assert {"sha256 contacts.csv", "sha256 truth/params.json"} <= set(shown)
    assert not table.astype(str).apply(lambda c: c.str.contains(str(tmp_path))).any().any()
    inside = provenance({"data_dir": str(project_root() / "data" / "sample")}, [])
    assert inside["value"].tolist()[2] == "'data/sample'"


def head_css(page):
    import re

    head = page[: page.index("</head>")]
    return "".join(re.findall(r"<style[^>]*>(.*?)</style>", head, re.S))


def test_css_is_trimmed_to_the_rules_the_page_uses():
    from analysis.reports.pages import trim_css

    css = """
    :root { --used: 1px; --via: var(--deep); --deep: red; --unused: 2px; }
    .jp-Cell { margin: var(--used); color: var(--via) }
    .jp-Absent, .jp-Cell > p:hover { padding: 0 }
    .jp-Absent { padding: 1px }
    body[data-theme='dark'] .jp-Cell { color: white }
    body[data-theme='light'] p::before { content: "" }
    @media print { .jp-Cell { display: block } .jp-Absent { display: none } }
    @media screen { .jp-Absent { display: none } }
    @keyframes spin { from { opacity: 0 } }
    @page { margin: 0.5in }
    @keyframes used-spin { from { opacity: 0 } }
    p { animation: used-spin 1s }
    """
    page = '<html><body data-theme="light"><div class="jp-Cell"><p>x</p></div></body></html>'
    out = trim_css(css, page)
    assert "--used:1px" in out and "--via:var(--deep)" in out and "--deep:red" in out
    assert "--unused" not in out
    assert ".jp-Cell{margin:var(--used)" in out.replace(" {", "{")
    assert ".jp-Absent, .jp-Cell > p:hover" in out  # one selector of the list can match
    assert "padding:1px" not in out  # only an absent class
    assert "white" not in out and "p::before" in out  # attribute values are compared
    assert "@media print" in out and "display:none" not in out and "@media screen" not in out
    assert "@keyframes used-spin" in out and "@keyframes spin" not in out
    assert "@page" in out  # printing keeps its margins


def test_an_exported_page_carries_only_a_few_kilobytes_of_css(clean):
    assert 0 < len(head_css(clean)) < 30_000  # JupyterLab's whole CSS is about 260,000
    assert ".jp-RenderedHTMLCommon" in head_css(clean)
