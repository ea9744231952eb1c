"""Plot set-up shared by the reports: a CJK font so Chinese labels render as glyphs."""

from __future__ import annotations

import warnings

import numpy as np

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)


class NoCJKFontWarning(UserWarning):
    """No font with Chinese glyphs was found; Chinese labels would render as boxes."""


def find_cjk_font() -> str | None:
    """The first installed font family from :data:`CJK_FONTS`, or None."""
    from matplotlib import font_manager

    for attempt in range(2):
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for name in CJK_FONTS:
            if name in installed:
                return name
        if attempt == 0:  # a font installed after matplotlib built its cache: rebuild once
            font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
    return None


def use_cjk_font() -> str | None:
    """Configure matplotlib to draw Chinese text with an installed CJK font.

    Returns the font family used; warns with :class:`NoCJKFontWarning` (naming what to
    install) when there is none.
    """
    import matplotlib as mpl

    name = find_cjk_font()
    if name is None:
        warnings.warn(
            "no CJK font found: Chinese labels will show as boxes. Install one, e.g. "
            "'apt-get install fonts-wqy-microhei' or 'fonts-noto-cjk' (make env does "
            "this when run as root), or use lang='en'",
            NoCJKFontWarning,
            stacklevel=2,
        )
        return None
    current = [f for f in mpl.rcParams["font.sans-serif"] if f != name]
    mpl.rcParams["font.sans-serif"] = [name, *current]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False
    return name


def bold() -> str:
    """``"bold"`` when the font that draws the text has a bold face, else ``"normal"``: the
    CJK fonts installed for Chinese labels often have none, and asking for it makes matplotlib
    write "findfont: Failed to find font weight bold" into the report."""
    import matplotlib as mpl
    from matplotlib import font_manager

    family = mpl.rcParams["font.sans-serif"][0]
    weights = [f.weight for f in font_manager.fontManager.ttflist if f.name == family]
    has_bold = any(w == "bold" or (isinstance(w, int) and w >= 600) for w in weights)
    return "bold" if has_bold or not weights else "normal"


def axes_or_new(ax=None, size: tuple[float, float] = (7, 4)):
    """``ax`` itself, or the axes of a new figure of ``size`` inches when it is None (the
    ``ax=None`` convention of every plot function in the kit)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def error_bars(estimate, lo, hi, *, scale: float = 1.0) -> np.ndarray:
    """``yerr`` for ``ax.errorbar``: the distances from the estimate down to ``lo`` and up to
    ``hi``, never negative (an interval computed apart from its estimate, e.g. a bootstrap or
    a rounded bound, may miss it by a hair, and matplotlib refuses negative errors)."""
    est = np.asarray(estimate, dtype="float64")
    down = np.clip(est - np.asarray(lo, dtype="float64"), 0, None)
    up = np.clip(np.asarray(hi, dtype="float64") - est, 0, None)
    return np.vstack([np.atleast_1d(down), np.atleast_1d(up)]) * scale


#: Groups smaller than this are greyed in bar charts of group rates (a rate over a handful of
#: users swings by tens of points); every such plot takes ``min_n`` to change it.
MIN_N = 30
#: The grey of a group below ``min_n``.
SMALL_GROUP_COLOR = "#bbbbbb"


def percent_axis(ax, axis: str = "y", *, decimals: int = 0):
    """Show a 0–1 share on ``axis`` as a percentage (``0.43`` → ``43%``), as a reader reads
    a rate."""
    from matplotlib.ticker import PercentFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0, decimals=decimals))
    return ax


def text_color(rgba) -> str:
    """``"black"`` or ``"white"``, whichever reads on a cell of colour ``rgba`` (by the cell's
    relative luminance, WCAG: white text on cells darker than about 0.18)."""
    r, g, b = (
        (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4) for c in np.asarray(rgba)[:3]
    )
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < 0.179 else "black"


def readable(key, lang: str = "en") -> str:
    """A category as a reader sees it: its Chinese term, or in English the identifier with
    spaces (``potential_loyalist`` → ``potential loyalist``)."""
    from analysis.i18n import tr

    return tr(key, lang) if lang != "en" else str(key).replace("_", " ")
