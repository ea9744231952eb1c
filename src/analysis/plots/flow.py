"""Plots of segments and the user flow. Every function takes ``ax=None``, draws only on that
axes and returns it. ``lang`` ("en" or "zh") translates titles, axis labels and state names
through :mod:`analysis.i18n` (stage names come from :data:`analysis.data.vocab.STAGES`); an explicit
``labels`` mapping still wins for the states. For "zh" configure a CJK font first
(:func:`analysis.plots.base.use_cjk_font`).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.i18n import say, tr
from analysis.plots.alluvial import STATE_COLORS, plot_alluvial
from analysis.plots.base import (
    MIN_N,
    SMALL_GROUP_COLOR,
    axes_or_new,
    error_bars,
    percent_axis,
    readable,
    text_color,
)

__all__ = [
    "plot_transition_heatmap",
    "plot_alluvial",  # in analysis.plots.alluvial, re-exported here
    "plot_stage_sizes",
    "plot_forward_conversion",
    "plot_retention_curves",
    "plot_cohort_heatmap",
    "plot_effects",
    "plot_k_factor",
    "plot_persona_centroids",
    "plot_persona_bars",
    "plot_effects_vs_truth",
    "STATE_COLORS",
]


def plot_transition_heatmap(
    rates: pd.DataFrame,
    *,
    counts: pd.DataFrame | None = None,
    ax=None,
    title: str = "Where users go between snapshots",
    labels: Mapping[str, str] | None = None,
    fmt: str = "{:.0%}",
    lang: str = "en",
):
    """Annotated heatmap of a row-normalised transition table (from rows to columns)."""
    ax = axes_or_new(ax, (8, 4.5))
    r = rates.fillna(0.0)
    im = ax.imshow(r.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    lab = dict(labels or {})
    ax.set_xticks(
        range(r.shape[1]), [lab.get(c, tr(c, lang)) for c in r.columns], rotation=45, ha="right"
    )
    ax.set_yticks(range(r.shape[0]), [lab.get(c, tr(c, lang)) for c in r.index])
    for i in range(r.shape[0]):
        for j in range(r.shape[1]):
            v = r.iat[i, j]
            if v >= 0.005:
                ax.text(
                    j,
                    i,
                    fmt.format(v),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if v > 0.6 else "black",
                )
    if counts is not None:
        n = counts.sum(axis=1)
        ax.set_yticks(
            range(r.shape[0]), [f"{lab.get(c, tr(c, lang))} (n={int(n[c]):,})" for c in r.index]
        )
    ax.set_xlabel(tr("state at the next snapshot", lang))
    ax.set_ylabel(tr("state at a snapshot", lang))
    ax.set_title(tr(title, lang))
    ax.figure.colorbar(im, ax=ax, fraction=0.04, label=tr("share of the row", lang))
    return ax


def plot_stage_sizes(
    sizes: pd.DataFrame,
    *,
    ax=None,
    share: bool = False,
    title: str = "Users in each state over time",
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
):
    """Stacked area chart of state sizes per snapshot (``share=True``: as shares)."""
    ax = axes_or_new(ax, (8, 4.5))
    data = sizes.div(sizes.sum(axis=1), axis=0) if share else sizes
    colors = STATE_COLORS(list(sizes.columns))
    lab = dict(labels or {})
    x = pd.DatetimeIndex(sizes.index).tz_localize(None)
    ax.stackplot(
        x,
        data.T.to_numpy(),
        labels=[lab.get(c, tr(c, lang)) for c in sizes.columns],
        colors=[colors[c] for c in sizes.columns],
        alpha=0.9,
    )
    ax.set_xlabel(tr("snapshot", lang))
    ax.set_ylabel(tr("share of users" if share else "users", lang))
    ax.set_title(tr(title, lang))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles[::-1], labels[::-1], fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1)
    )
    return ax


def plot_forward_conversion(
    conversion: pd.DataFrame,
    *,
    bottleneck: str | None = None,
    ax=None,
    title: str = "Forward conversion per stage (next snapshot)",
    lang: str = "en",
):
    """Bars of the share moving up the ladder from each stage, with intervals; the
    bottleneck stage is highlighted."""
    ax = axes_or_new(ax, (8, 4.5))
    c = conversion.dropna(subset=["forward_rate"]).reset_index(drop=True)
    colors = ["tab:red" if s == bottleneck else "tab:blue" for s in c["stage"]]
    x = np.arange(len(c))
    ax.bar(x, c["forward_rate"], color=colors)
    ax.errorbar(
        x,
        c["forward_rate"],
        yerr=error_bars(c["forward_rate"], c["lo"], c["hi"]),
        fmt="none",
        ecolor="black",
        capsize=3,
    )
    ax.set_xticks(x, [f"{tr(s, lang)}\n(n={n:,})" for s, n in zip(c["stage"], c["n"])], fontsize=7)
    ax.set_ylim(0, 1)
    ax.set_xlabel(tr("stage at a snapshot", lang))
    ax.set_ylabel(tr("share at a higher stage one snapshot later", lang))
    ax.set_title(tr(title, lang))
    return ax


def plot_retention_curves(
    curves: pd.DataFrame,
    *,
    by: str | None = None,
    ax=None,
    title: str = "Retention by months since joining",
    groups: Sequence | None = None,
    lang: str = "en",
):
    """Lines of retention by age with shaded intervals, one per ``by`` group."""
    ax = axes_or_new(ax, (8, 4.5))
    if by is None:
        sets = [("all", curves)]
    else:
        keys = groups if groups is not None else sorted(curves[by].unique())
        sets = [(k, curves.loc[curves[by] == k]) for k in keys]
    for name, d in sets:
        (line,) = ax.plot(d["age_months"], d["rate"], marker="o", ms=3, label=tr(str(name), lang))
        ax.fill_between(d["age_months"], d["lo"], d["hi"], color=line.get_color(), alpha=0.15)
    ax.set_ylim(0, 1)
    ax.set_xlabel(tr("months since the join month", lang))
    ax.set_ylabel(tr("share active in the month (95% CI)", lang))
    ax.set_title(tr(title, lang))
    ax.legend(title=tr(by, lang) if by else None, fontsize="small")
    return ax


def plot_cohort_heatmap(
    table: pd.DataFrame,
    *,
    ax=None,
    title: str = "Retention by join cohort and month since joining",
    lang: str = "en",
):
    """Cohort triangle heatmap (rows: join month; columns: months since joining)."""
    ax = axes_or_new(ax, (8, 4.5))
    im = ax.imshow(table.to_numpy(dtype=float), cmap="YlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(table.shape[1]), table.columns)
    ax.set_yticks(range(table.shape[0]), table.index)
    ax.set_xlabel(tr("months since the join month", lang))
    ax.set_ylabel(tr("join cohort", lang))
    ax.set_title(tr(title, lang))
    ax.figure.colorbar(im, ax=ax, fraction=0.04, label=tr("share active", lang))
    return ax


def plot_effects(
    table: pd.DataFrame,
    *,
    label_col: str = "claim",
    scale: float = 1.0,
    unit: str = "effect",
    ax=None,
    title: str = "Effects with 95% intervals",
    lang: str = "en",
):
    """Forest plot of ``effect`` with ``lo``/``hi`` (times ``scale``), one row per table row."""
    ax = axes_or_new(ax, (8, 4.5))
    t = table.reset_index(drop=True)
    y = np.arange(len(t))[::-1]
    eff = t["effect"] * scale
    err = [(eff - t["lo"] * scale).clip(lower=0), (t["hi"] * scale - eff).clip(lower=0)]
    ax.errorbar(eff, y, xerr=err, fmt="o", color="black", capsize=4)
    ax.axvline(0, color="grey", linestyle="--")
    ax.set_yticks(
        y,
        [
            f"{tr(a, lang)}\n({tr(m, lang)})" if "metric" in t else tr(a, lang)
            for a, m in zip(t[label_col], t.get("metric", t[label_col]))
        ],
        fontsize=8,
    )
    ax.set_xlabel(tr(unit, lang))
    ax.set_ylabel(tr("comparison", lang))
    ax.set_title(tr(title, lang))
    return ax


def plot_k_factor(
    per: pd.DataFrame,
    *,
    ax=None,
    truth: float | None = None,
    title: str = "Referral K-factor per month",
    lang: str = "en",
):
    """Monthly K-factor with Wilson band; optional horizontal line for a true value."""
    ax = axes_or_new(ax, (8, 4.5))
    d = per.dropna(subset=["k_factor"])
    x = pd.DatetimeIndex(d["period"]).tz_localize(None)
    ax.plot(x, d["k_factor"], marker="o", label=tr("K per month (referred joins / base)", lang))
    ax.fill_between(x, d["k_lo"], d["k_hi"], alpha=0.2)
    if truth is not None:
        ax.axhline(
            truth,
            color="tab:red",
            linestyle="--",
            label=say("flow.plot.k_reference", lang, k=truth),
        )
    ax.set_xlabel(tr("month", lang))
    ax.set_ylabel(tr("K-factor", lang))
    ax.set_title(tr(title, lang))
    ax.legend(fontsize="small")
    return ax


def plot_persona_centroids(
    summary: pd.DataFrame,
    *,
    ax=None,
    title: str = "What makes each persona distinct",
    lang: str = "en",
):
    """Heatmap of persona centroids (standardised units) — ``FiveValuePersonas.summary``."""
    ax = axes_or_new(ax, (8, 4.5))
    vals = summary.drop(columns=["name"])
    lim = float(np.nanmax(np.abs(vals.to_numpy()))) or 1.0
    im = ax.imshow(vals.to_numpy(dtype=float), cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    ax.set_xticks(range(vals.shape[1]), [tr(c, lang) for c in vals.columns])
    ax.set_yticks(range(vals.shape[0]), [tr(n, lang) for n in summary["name"]])
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            v = vals.iat[i, j]
            color = text_color(im.cmap(im.norm(v))) if np.isfinite(v) else "black"
            ax.text(j, i, f"{v:+.1f}", ha="center", va="center", fontsize=8, color=color)
    ax.set_xlabel(tr("value (log1p, standardised)", lang))
    ax.set_ylabel(tr("persona", lang))
    ax.set_title(tr(title, lang))
    ax.figure.colorbar(im, ax=ax, fraction=0.04, label=tr("SD from the mean", lang))
    return ax


def plot_persona_bars(
    profile: pd.DataFrame,
    *,
    column: str = "retention",
    ax=None,
    title: str = "Retention by persona",
    ylabel: str | None = None,
    xlabel: str = "persona",
    lang: str = "en",
    min_n: int = MIN_N,
):
    """Bars of a group profile column (personas, RFM segments or value tiers; with Wilson
    intervals for ``retention``, drawn as a percentage from 0); ``xlabel`` names the kind of
    group. Empty groups are left out; groups of fewer than ``min_n`` users are greyed (and
    say so in the legend): their rate is too noisy to read."""
    profile = profile[profile["users"] > 0].reset_index(drop=True)
    ax = axes_or_new(ax, (8, 4.5))
    names = profile["name"] if "name" in profile else profile.index.astype(str)
    x = np.arange(len(profile))
    small = (profile["users"] < min_n).to_numpy()
    colors = [SMALL_GROUP_COLOR if s else "C0" for s in small]
    bars = ax.bar(x, profile[column], color=colors)
    if small.any():
        bars[int(np.flatnonzero(small)[0])].set_label(say("common.plot.small_n", lang, n=min_n))
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if column == "retention":
        err = error_bars(profile[column], profile["retention_lo"], profile["retention_hi"])
        ax.errorbar(x, profile[column], yerr=err, fmt="none", ecolor="black", capsize=3)
        ax.set_ylim(0, 1)
        percent_axis(ax)
    ax.set_xticks(
        x,
        [f"{readable(n, lang)}\n(n={u:,})" for n, u in zip(names, profile["users"])],
        fontsize=8,
        rotation=30,
        ha="right",
    )
    ax.set_xlabel(tr(xlabel, lang))
    ax.set_ylabel(tr(ylabel or column, lang))
    ax.set_title(tr(title, lang))
    return ax


def plot_effects_vs_truth(
    table: pd.DataFrame,
    *,
    est: str = "log_hr",
    truths: Sequence[str] = ("log_hr_marginal_true", "gamma_structural"),
    label: str = "channel",
    ax=None,
    title: str = "Recovered vs true channel effects on leaving",
    lang: str = "en",
):
    """Estimated effects (with ``lo``/``hi``) against one or more true columns; the diagonal
    marks perfect recovery."""
    ax = axes_or_new(ax, (8, 4.5))
    markers = ["o", "s", "^"]
    for i, tcol in enumerate(truths):
        ax.errorbar(
            table[tcol],
            table[est],
            yerr=error_bars(table[est], table["lo"], table["hi"]),
            fmt=markers[i % 3],
            capsize=3,
            label=f"{tr('vs', lang)} {tr(tcol, lang)}",
        )
    for _, r in table.iterrows():
        ax.annotate(
            tr(str(r[label]), lang),
            (r[truths[0]], r[est]),
            fontsize=7,
            xytext=(4, 4),
            textcoords="offset points",
        )
    lo = float(np.nanmin(table[[est, "lo", *truths]].to_numpy())) - 0.1
    hi = float(np.nanmax(table[[est, "hi", *truths]].to_numpy())) + 0.1
    ax.plot([lo, hi], [lo, hi], color="grey", linestyle="--", label=tr("perfect recovery", lang))
    ax.set_xlabel(tr("true log hazard ratio vs reference", lang))
    ax.set_ylabel(tr("estimated log hazard ratio (95% CI)", lang))
    ax.set_title(tr(title, lang))
    ax.legend(fontsize="small")
    return ax
