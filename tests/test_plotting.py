import warnings

import matplotlib.pyplot as plt
import pytest

from analysis.data.vocab import STAGES, VALUES
from analysis.plots.base import find_cjk_font, use_cjk_font


def test_chinese_labels_render_real_glyphs(tmp_path):
    if find_cjk_font() is None:
        pytest.fail("no CJK font installed: `make env` installs fonts-wqy-microhei as root")
    use_cjk_font()
    fig, ax = plt.subplots()
    ax.bar(list(VALUES.values()), [1, 2, 3, 4, 5])
    ax.set_title("五个价值 · " + " → ".join(STAGES.values()))
    ax.set_xlabel("价值维度")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "zh.png")
    plt.close(fig)
    missing = [
        str(w.message)
        for w in caught
        if "missing from" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert not missing, missing[:3]


def test_without_a_cjk_font_the_default_font_would_show_boxes(tmp_path):
    """The check above can fail: DejaVu Sans alone lacks the glyphs."""
    import matplotlib as mpl

    with mpl.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("五个价值")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(tmp_path / "boxes.png")
        plt.close(fig)
    assert any("missing from" in str(w.message) or "Glyph" in str(w.message) for w in caught)


def _tick_texts(ax, minor=False):
    ax.figure.canvas.draw()
    ticks = ax.xaxis.get_minorticklabels() if minor else ax.xaxis.get_majorticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


def test_chinese_dates_on_matplotlib_and_pandas_date_axes():
    import pandas as pd

    from analysis.plots.base import chinese_date_label, chinese_dates

    assert chinese_date_label(pd.Timestamp("2026-01-01"), with_year=True) == "2026年1月"
    assert chinese_date_label(pd.Timestamp("2026-03-15"), with_year=False, unit="day") == "3月15日"
    months = pd.date_range("2025-01-01", "2026-06-01", freq="MS")
    # matplotlib dates (ax.plot of datetimes, seaborn)
    fig, ax = plt.subplots()
    ax.plot(months, range(len(months)))
    labels = _tick_texts(chinese_dates(ax, lang="zh"))
    assert labels[0].startswith("2025年") and "2026年1月" in labels
    assert all(label.endswith("月") for label in labels), labels
    assert not any(c.isascii() and c.isalpha() for label in labels for c in label)
    # pandas' period axis: years under January, months as minor ticks, no English
    fig2, ax2 = plt.subplots()
    pd.Series(range(len(months)), index=months).plot(ax=ax2)
    chinese_dates(ax2, lang="zh")
    texts = _tick_texts(ax2) + _tick_texts(ax2, minor=True)
    assert "1月\n2026年" in texts and "3月" in texts, texts
    assert not any(c.isascii() and c.isalpha() for t in texts for c in t), texts
    # English: the axis is left as it was
    fig3, ax3 = plt.subplots()
    ax3.plot(months, range(len(months)))
    before = ax3.xaxis.get_major_formatter()
    assert chinese_dates(ax3, lang="en").xaxis.get_major_formatter() is before
    plt.close("all")


def test_chinese_numbers_reads_ten_thousands_as_wan():
    from analysis.plots.base import chinese_numbers

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 250000])
    chinese_numbers(ax, lang="zh")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "10万" in labels and "0" in labels, labels
    plt.close(fig)
