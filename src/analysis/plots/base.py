"""Plot set-up shared by the reports: a CJK font so Chinese labels render as glyphs."""

from __future__ import annotations

import warnings

import numpy as np
from matplotlib.ticker import Formatter

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


def chinese_date_label(ts, *, with_year: bool, unit: str = "month") -> str:
    """A date as a Chinese reader writes it on an axis: ``1月`` / ``2026年1月`` (``unit``
    month), ``3月15日`` / ``2026年3月15日`` (day), ``2026年`` (year)."""
    import pandas as pd

    ts = pd.Timestamp(ts)
    year = f"{ts.year}年" if with_year or unit == "year" else ""
    if unit == "year":
        return year
    if unit == "month":
        return f"{year}{ts.month}月"
    return f"{year}{ts.month}月{ts.day}日"


class ChineseDateFormatter(Formatter):
    """Tick labels of a date axis in Chinese (:func:`chinese_date_label`): months as ``1月``,
    the first tick and each change of year as ``2026年1月``; days as ``3月15日``; years as
    ``2026年``. ``to_timestamp`` turns a tick position into a date (matplotlib's date numbers
    or pandas' period ordinals); ``skip``: positions left unlabelled (a minor tick under a
    major one)."""

    def __init__(self, to_timestamp, skip=(), *, years: bool = True, stacked: bool = False):
        self.to_timestamp = to_timestamp
        self.skip = np.asarray(list(skip), dtype=float)
        #: years=False: never the year (minor ticks under pandas' year ticks); stacked: the
        #: month over the year on two lines (``1月`` / ``2025年``, pandas' major ticks)
        self.years, self.stacked = years, stacked

    def __call__(self, x, pos=None):
        return self.format_ticks([x])[0]

    def format_ticks(self, values):
        shown = [v for v in values if not (self.skip.size and np.isclose(v, self.skip).any())]
        dates = [self.to_timestamp(v) for v in shown]
        if all(d.month == 1 and d.day == 1 for d in dates) and len(dates) > 1:
            unit = "year"
        elif all(d.day == 1 for d in dates):
            unit = "month"
        else:
            unit = "day"
        labels, last_year = {}, None
        for v, d in zip(shown, dates):
            if self.stacked:
                labels[v] = f"{d.month}月\n{d.year}年"
            else:
                year = self.years and d.year != last_year
                labels[v] = chinese_date_label(d, with_year=year, unit=unit)
            last_year = d.year
        return [labels.get(v, "") for v in values]


def chinese_dates(ax, axis: str = "x", lang: str = "zh"):
    """Give the date axis ``axis`` of ``ax`` Chinese tick labels (:class:`ChineseDateFormatter`):
    ``1月``, ``2026年1月`` instead of matplotlib's ``Jan`` / ``2026-01``. Works on matplotlib
    date axes (``ax.plot`` of datetimes, seaborn) and on pandas' period axes
    (``DataFrame.plot`` of a period or monthly index). Call it after drawing; with
    ``lang="en"`` (or on an axis without dates) the axis is left as it is. Returns ``ax``."""
    import matplotlib.dates as mdates
    import pandas as pd

    if lang == "en":
        return ax
    target = ax.xaxis if axis == "x" else ax.yaxis
    major = target.get_major_formatter()
    freq = getattr(major, "freq", None)
    if freq is not None and type(major).__name__.startswith("TimeSeries"):  # pandas periods

        def to_ts(x):
            return pd.Period(ordinal=int(round(x)), freq=freq).to_timestamp()

        minor = target.get_minor_formatter()
        if getattr(minor, "freq", None) is not None:  # years as major ticks, months as minor
            target.set_major_formatter(ChineseDateFormatter(to_ts, stacked=True))
            skip = target.get_majorticklocs()
            target.set_minor_formatter(ChineseDateFormatter(to_ts, skip=skip, years=False))
        else:
            target.set_major_formatter(ChineseDateFormatter(to_ts))
        return ax
    if isinstance(
        major, (mdates.AutoDateFormatter, mdates.ConciseDateFormatter, mdates.DateFormatter)
    ):

        def to_ts(x):
            return pd.Timestamp(mdates.num2date(x)).tz_localize(None)

        target.set_major_formatter(ChineseDateFormatter(to_ts))
    return ax


def chinese_numbers(ax, axis: str = "y", lang: str = "zh"):
    """Tick labels of a count or amount axis as a Chinese reader reads them: ``5,000``,
    ``1万``, ``2.5万`` (not ``25000`` or ``10^4``); on a log axis too. With ``lang="en"`` the
    axis is left as it is. Returns ``ax``."""
    from matplotlib.ticker import FuncFormatter

    if lang == "en":
        return ax
    target = ax.yaxis if axis == "y" else ax.xaxis

    def label(v, _pos=None):
        if abs(v) >= 1e4:
            return f"{v / 1e4:,.4g}万"
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}"

    target.set_major_formatter(FuncFormatter(label))
    return ax
