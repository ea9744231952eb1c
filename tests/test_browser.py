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


def test_the_report_command_checks_each_report_as_it_is_written(
    clean_page, tmp_path, monkeypatch, capsys
):
    """`analysis report --check-pages` (make report): each report's pages are opened while
    the other reports run, then the indexes; the summaries are photographed per language;
    a problem on one page fails the command and names the page."""
    import analysis.__main__ as cli
    import analysis.reports.build as build

    bad = clean_page.replace("</main>", '<img src="gone.png"></main>', 1)
    tall = clean_page.replace("</main>", '<div style="height:3000px">long</div></main>', 1)
    submitted_during_build = []

    def fake_build(out, *, langs, on_built, **_):
        out = Path(out)
        made = []
        for k, lang in enumerate(langs):
            folder = out if k == 0 else out / lang
            folder.mkdir(parents=True, exist_ok=True)
            for name in ("a", "b"):
                (folder / f"{name}.summary.html").write_text(tall, encoding="utf-8")
                page = bad if (name, lang) == ("b", "zh") else clean_page
                (folder / f"{name}.html").write_text(page, encoding="utf-8")
                r = {"name": name, "html": f"{name}.html", "summary": f"{name}.summary.html"}
                r.update(out=str(folder), seconds=0.1)
                on_built(r)
                made.append(r)
                submitted_during_build.append(len(checks_made[0].futures))
            (folder / "index.html").write_text(clean_page, encoding="utf-8")
        return made

    checks_made = []
    real = cli._PageChecks

    def recorded(*args):
        checks_made.append(real(*args))
        return checks_made[-1]

    monkeypatch.setattr(build, "build_reports", fake_build)
    monkeypatch.setattr(cli, "_PageChecks", recorded)
    out = tmp_path / "reports"
    assert cli.main(["report", "--out", str(out), "--langs", "en", "zh", "--check-pages"]) == 1
    assert submitted_during_build == [2, 4, 6, 8]  # each report's two pages, as it came
    assert len(checks_made[0].pages) == 10  # and the two indexes at the end

    def height(png: Path) -> int:  # (the PNG header's IHDR)
        return int.from_bytes(png.read_bytes()[20:24], "big")

    for shot in ("a.summary.en.png", "b.summary.en.png"):
        # the first screen, what a reader sees on opening the page (the clean page says en)
        assert height(out / "screenshots" / shot) == 900
        assert height(out / "screenshots" / "zh" / shot) == 900
    err = capsys.readouterr().err
    assert f"{out / 'zh' / 'b.html'}: broken image: gone.png" in err
    assert err.count("broken image") == 1
    checks_made.clear()
    args = ["report", "--out", str(out), "--langs", "en", "--check-pages", "--full-screenshots"]
    assert cli.main(args) == 0  # (the English pages are clean)
    assert height(out / "screenshots" / "a.summary.en.png") > 3000  # the whole page


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
