"""Plots of the touches study: departure rate by promo dose, response by content type, weekly
touch volume.

Each function takes a tidy table from :mod:`analysis.studies.touches` or
:mod:`analysis.aggregate.touches`, draws on ``ax`` (a new figure when None) and returns the
axes; ``lang`` translates titles and labels (:mod:`analysis.i18n.touches`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.i18n import tr
from analysis.plots.base import axes_or_new, chinese_dates


def plot_dose_response(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """Daily departures per 1,000 contacts by promo dose before the first purchase, with
    intervals (:class:`analysis.studies.touches.DoseResponse`)."""
    ax = axes_or_new(ax, (6, 4))
    x = np.arange(len(table))
    rate = 1000 * table["rate"].to_numpy(dtype=float)
    err = np.vstack([rate - 1000 * table["lo"], 1000 * table["hi"] - rate])
    ax.errorbar(x, rate, yerr=err, fmt="o-", capsize=4)
    ax.set_xticks(x, table["dose"].astype(str))
    ax.set_xlabel(tr("promo touches in the days before", lang))
    ax.set_ylabel(tr("departures per 1,000 contacts a day", lang))
    ax.set_title(tr("Fatigue: departures by promo dose before the first purchase", lang))
    ax.set_ylim(bottom=0)
    return ax


def plot_content_response(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """Response rate by content type with intervals; significant ones (BH) filled."""
    ax = axes_or_new(ax, (6, 4))
    t = table.sort_values("rate")
    y = np.arange(len(t))
    rate = 100 * t["rate"].to_numpy(dtype=float)
    err = np.vstack([rate - 100 * t["lo"], 100 * t["hi"] - rate])
    sig = t["significant"].to_numpy(dtype=bool)
    ax.errorbar(rate, y, xerr=err, fmt="none", ecolor="grey", capsize=3)
    ax.scatter(rate[sig], y[sig], color="C3", zorder=3, label=tr("differs from the rest", lang))
    ax.scatter(rate[~sig], y[~sig], facecolor="white", edgecolor="C0", zorder=3)
    ax.set_yticks(y, [tr(str(g), lang) for g in t["group"]])
    ax.set_xlabel(tr("% of touches answered within 48 h", lang))
    ax.set_title(tr("Response by content type (group messages)", lang))
    if sig.any():
        ax.legend(loc="lower right")
    return ax


def plot_weekly_volume(volume: pd.DataFrame, *, by: str = "channel", ax=None, lang: str = "en"):
    """Touches per contact per week, one line per value of ``by``
    (:func:`analysis.aggregate.touches.weekly_volume`)."""
    ax = axes_or_new(ax, (7, 4))
    wide = volume.pivot_table(index="week", columns=by, values="per_contact", aggfunc="sum")
    for col in wide.columns:
        ax.plot(wide.index, wide[col], label=tr(str(col), lang))
    ax.set_ylabel(tr("touches per contact per week", lang))
    ax.set_title(tr("What the brand sends, per contact and week", lang))
    ax.legend(loc="upper left", fontsize="small")
    chinese_dates(ax, lang=lang)
    return ax
