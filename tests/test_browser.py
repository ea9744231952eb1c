"""Report pages opened in headless Chromium, offline: a clean page passes, and a planted
external script, broken image, console error, script error or overflow is caught."""

import base64
import io
import time
from pathlib import Path

import nbformat
import pytest

from analysis.reports.browser import PageCheck, check_pages, main, unavailable
from analysis.reports.build import _export_html

pytestmark = pytest.mark.skipif(
    unavailable() is not None, reason=f"no browser to open the pages: {unavailable()}"
)


def png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


@pytest.fixture(scope="module")
def clean_page(tmp_path_factory):
    """A page exported the way the reports are, with a table and an embedded figure."""
    v4 = nbformat.v4
    figure = v4.new_code_cell("plot()")
    figure.outputs = [v4.new_output("display_data", data={"image/png": png(), "text/plain": ""})]
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# A page\n\nSome text."), figure])
    folder = tmp_path_factory.mktemp("page")
    nbformat.write(nb, folder / "a.ipynb")
    _export_html(folder / "a.ipynb", folder / "a.summary.html", hide_code=True, title="A page")
    return (folder / "a.summary.html").read_text(encoding="utf-8")


def test_a_clean_page_passes_and_is_photographed(clean_page, tmp_path):
    page = tmp_path / "a.summary.html"
    page.write_text(clean_page, encoding="utf-8")
    t0 = time.perf_counter()
    [check] = check_pages([page], screenshots=tmp_path / "shots")
    assert check.problems == [], check.problems
    shot = tmp_path / "shots" / "a.summary.en.png"
    assert check.screenshot == str(shot) and shot.read_bytes()[:4] == b"\x89PNG"
    assert time.perf_counter() - t0 < 60


PLANTED = {
    "external script": (
        '<script src="https://cdn.example.org/lib.js"></script>',
        lambda c: c.blocked_requests == ["https://cdn.example.org/lib.js"],
    ),
    "external image": (
        '<img src="http://img.example.org/a.png">',
        lambda c: c.blocked_requests and c.broken_images == ["http://img.example.org/a.png"],
    ),
    "broken image": (
        '<img src="missing.png" alt="gone">',
        lambda c: (
            c.broken_images == ["missing.png"]
            and any(u.endswith("/missing.png") for u in c.failed_requests)
        ),
    ),
    "broken embedded image": (
        '<img src="data:image/png;base64,AAAA">',
        lambda c: c.broken_images == ["data:image/png;base64,AAAA"],
    ),
    "console error": (
        '<script>console.error("boom")</script>',
        lambda c: c.console_errors == ["boom"],
    ),
    "script error": (
        "<script>notDefinedAnywhere()</script>",
        lambda c: any("notDefinedAnywhere" in m for m in c.console_errors),
    ),
    "overflow": (
        '<div style="width:3000px">a table too wide for the window</div>',
        lambda c: c.overflow_px > 1000,
    ),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_a_planted_problem_fails_the_page(clean_page, tmp_path, name):
    planted, seen = PLANTED[name]
    page = tmp_path / "bad.html"
    page.write_text(clean_page.replace("</main>", planted + "</main>", 1), encoding="utf-8")
    [check] = check_pages([page])
    assert isinstance(check, PageCheck) and check.problems, name
    assert seen(check), check


def test_the_command_checks_a_folder_and_fails_on_a_problem(clean_page, tmp_path, capsys):
    (tmp_path / "a.summary.html").write_text(clean_page, encoding="utf-8")
    assert main([str(tmp_path), "--screenshots", str(tmp_path / "shots")]) == 0
    assert "2 pages" not in capsys.readouterr().out  # one page
    assert (tmp_path / "shots" / "a.summary.en.png").is_file()
    bad = clean_page.replace("</main>", '<img src="gone.png"></main>', 1)
    (tmp_path / "b.html").write_text(bad, encoding="utf-8")
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "b.html: broken image: gone.png" in err and "a.summary.html" not in err


def test_trimmed_css_renders_the_page_exactly_as_the_full_css(tmp_path):
    """The page with JupyterLab's whole CSS and with the trimmed CSS give the same pixels."""
    import pandas as pd
    from nbconvert import HTMLExporter

    from analysis.reports import build
    from analysis.reports.pages import trim_page_css

    v4 = nbformat.v4
    code = v4.new_code_cell("import pandas as pd\ntable  # a comment")
    frame = pd.DataFrame({"channel": ["企微私聊", "社群"], "rate": [0.43, None]})
    code.outputs = [
        v4.new_output(
            "execute_result",
            data={"text/html": frame.to_html(), "text/plain": str(frame)},
            execution_count=1,
        ),
        v4.new_output("display_data", data={"image/png": png(), "text/plain": ""}),
        v4.new_output("stream", name="stdout", text="a line of text output\n"),
    ]
    text = "# Title\n\nA paragraph with `code`, **bold** and a list:\n\n- one\n- two\n\n> a quote"
    nb = v4.new_notebook(cells=[v4.new_markdown_cell(text), code])
    templates = str(Path(build.__file__).parent / "templates")
    full, _ = HTMLExporter(
        template_name="page", extra_template_basedirs=[templates]
    ).from_notebook_node(nb)
    trimmed = trim_page_css(full)
    assert len(trimmed) < len(full) - 200_000
    (tmp_path / "full.html").write_text(full, encoding="utf-8")
    (tmp_path / "trimmed.html").write_text(trimmed, encoding="utf-8")
    checks = check_pages(
        [tmp_path / "full.html", tmp_path / "trimmed.html"], screenshots=tmp_path / "shots"
    )
    assert [c.problems for c in checks] == [[], []]
    a, b = (Path(c.screenshot).read_bytes() for c in checks)
    assert a == b
