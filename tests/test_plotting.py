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
