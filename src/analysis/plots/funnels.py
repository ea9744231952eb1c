"""Figures of the purchase funnel (:func:`analysis.studies.funnels.milestone_funnel`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from analysis.i18n import tr
from analysis.plots.base import axes_or_new, error_bars


def plot_funnel(
    funnel: pd.DataFrame,
    *,
    ax=None,
    title: str = "Purchase funnel by channel",
    lang: str = "en",
):
    """Grouped horizontal bars: per group (row block, with its number of contacts), the share
    of its contacts at each milestone after the first (which is 100% by definition), with
    intervals; the axis runs from 0% to 100%, the legend below it."""
    ax = axes_or_new(ax, (9, 5))
    first, *steps = list(dict.fromkeys(funnel["step"]))
    groups = list(dict.fromkeys(funnel["group"]))
    height = 0.8 / max(len(steps), 1)
    y = np.arange(len(groups))
    colors = ["#4c72b0", "#55a868", "#dd8452", "#c44e52", "#8172b3"]
    for i, step in enumerate(steps):
        part = funnel.loc[funnel["step"] == step].set_index("group").reindex(groups)
        pos = y - 0.4 + height * (i + 0.5)
        ax.barh(
            pos, part["share"], height=height, color=colors[i % len(colors)], label=tr(step, lang)
        )
        ax.errorbar(
            part["share"],
            pos,
            xerr=error_bars(part["share"], part["share_lo"], part["share_hi"]),
            fmt="none",
            ecolor="black",
            capsize=2,
            lw=0.8,
        )
    users = funnel.loc[funnel["step"] == first].set_index("group")["users"].reindex(groups)
    ax.set_yticks(y, [f"{tr(g, lang)} (n={n:,})" for g, n in zip(groups, users)])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(tr("share of contacts (95% CI)", lang))
    ax.set_title(tr(title, lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(steps), fontsize=8)
    return ax
