"""Issue 20 item 8: with ``lang: zh`` a report is Chinese through and through — its prose
(``analysis/i18n/prose/<report>.yaml``), its computed readings and tables, its figures."""

import json
import re
from pathlib import Path

import jupytext
import pytest

from analysis.i18n.prose import _pairs, normalise, prose_file, title_in, translate_notebook
from analysis.reports.build import discover, run_report
from analysis.reports.pages import english_in_page, english_words, page_problems

REPORTS = discover()
IDS = [r.name for r in REPORTS]
CJK = re.compile("[\u4e00-\u9fff]")
#: The quick settings of each report in zh (the full runs are tested in English).
FAST = {
    "value-index-retention": {"n_boot": 50, "n_weights": 50},
    "churn": {"n_boot": 50, "importance_boot": 20},
}


def markdown_cells(report):
    nb = jupytext.read(report.source, fmt="py:percent")
    return [normalise(c.source) for c in nb.cells if c.cell_type == "markdown"]


def test_english_words_finds_words_and_spares_identifiers_and_allowed_terms():
    assert english_words("留存 AUC 0.74，CLV 为 CNY 300") == []
    assert english_words("用户 u0001234、group_quits=1、v1.2、n = 30") == []
    assert english_words("the index is 更好") == ["the", "index", "is"]
    page = (
        "<html><body><div class='jp-Cell jp-CodeCell'><div class='jp-Cell-inputWrapper'>"
        "print('hello world')</div><div class='jp-OutputArea'>结果 <code>lost_after_days</code>"
        "</div></div><p>留存 <b>drops</b></p></body></html>"
    )
    found = english_in_page(page)
    assert len(found) == 1 and found[0].startswith("'drops'")


@pytest.mark.parametrize("report", REPORTS, ids=IDS)
def test_every_markdown_cell_has_a_chinese_text_and_no_translation_is_stale(report):
    cells = markdown_cells(report)
    table = dict(_pairs(report.name))
    missing = [c[:70] for c in cells if c not in table]
    assert not missing, f"{prose_file(report.name).name}: no zh text for {missing}"
    stale = [en[:70] for en in table if en not in cells]
    assert not stale, f"{prose_file(report.name).name}: translations of no cell: {stale}"
    for en, zh in table.items():
        assert CJK.search(zh), f"{report.name}: not Chinese: {zh[:60]}"
        heads = [
            len(line) - len(line.lstrip("#")) for line in en.splitlines() if line.startswith("#")
        ]
        zh_heads = [
            len(line) - len(line.lstrip("#")) for line in zh.splitlines() if line.startswith("#")
        ]
        assert heads == zh_heads, f"{report.name}: headings differ in {en[:60]!r}"
        assert english_words(re.sub(r"`[^`]*`", "", zh)) == [], f"{report.name}: {zh[:80]}"


def test_translating_swaps_the_prose_and_reports_what_is_missing():
    report = next(r for r in REPORTS if r.name == "data-overview")
    nb = jupytext.read(report.source, fmt="py:percent")
    nb.cells[0].source = "# A heading nobody translated"
    missing = translate_notebook(nb, report.name, "zh")
    assert missing == ["# A heading nobody translated"]
    md = [c.source for c in nb.cells if c.cell_type == "markdown"][1:]
    assert md and all(CJK.search(s) for s in md)
    assert CJK.search(title_in(report.title, report.name, "zh"))
    assert title_in(report.title, report.name, "en") == report.title


@pytest.mark.notebook
@pytest.mark.parametrize("report", REPORTS, ids=IDS)
def test_report_in_chinese_has_no_english_word_in_page_or_figure(report, tmp_path):
    result = run_report(report, tmp_path, parameters={"lang": "zh", **FAST.get(report.name, {})})
    assert CJK.search(result["headline"]), result["headline"]
    assert CJK.search(result["title"]) and result["title"] != report.title
    summary = (tmp_path / result["summary"]).read_text(encoding="utf-8")
    assert page_problems(summary, title=result["title"], lang="zh") == []
    words = english_in_page(summary)
    assert not words, f"{report.name}: {len(words)} English words, e.g. {words[:8]}"
    lines = (tmp_path / f"{report.name}.figure-texts.jsonl").read_text(encoding="utf-8")
    figures = [json.loads(line) for line in lines.splitlines()]
    assert figures, f"{report.name}: no figure recorded"
    english = [(i, t) for i, texts in enumerate(figures) for t in texts if english_words(t)]
    assert not english, f"{report.name}: English in figures: {english[:10]}"
    streams = Path(tmp_path / f"{report.name}.ipynb").read_text(encoding="utf-8")
    assert "missing from font" not in streams and "Glyph" not in streams


def test_bold_in_chinese_text_renders_without_stray_asterisks():
    """CommonMark does not close ``**解读：**上层…`` (a closing ``**`` after CJK punctuation and
    before a character): the page showed the asterisks. Every Chinese sentence and prose
    cell must render its bold as bold in the pages' Markdown renderer."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from analysis.i18n import SENTENCES

    texts = [(k, v["zh"]) for k, v in SENTENCES.items() if "**" in v["zh"]]
    texts += [
        (f"{r.name}: {en[:30]}", zh) for r in REPORTS for en, zh in _pairs(r.name) if "**" in zh
    ]
    assert len(texts) > 20
    # a placeholder stands for a value in words (a channel, a model): fill it with one
    filled = [(k, re.sub(r"\{[^{}]*\}", "值", zh)) for k, zh in texts]
    stray = [k for k, zh in filled if "**" in markdown2html_mistune(zh)]
    assert not stray, stray[:10]
