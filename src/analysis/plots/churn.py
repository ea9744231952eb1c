"""Plots of the churn study: calibration (reliability), cumulative gain, feature importance.

Each function takes a tidy table from :mod:`analysis.studies.churn`, draws on ``ax`` (a new figure
when None) and returns the axes. ``lang`` ("en" or "zh") translates the labels and the
default titles (a given title is translated when :mod:`analysis.i18n` knows it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.i18n import tr
from analysis.plots.base import axes_or_new, error_bars, percent_axis


def plot_calibration(table: pd.DataFrame, *, ax=None, title: str = "Calibration", lang: str = "en"):
    """Observed churn rate (with its interval) against the mean predicted probability, one
    line per score, from :func:`analysis.studies.churn.calibration_table`. The diagonal is perfect
    calibration."""
    ax = axes_or_new(ax, (6, 5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label=tr("perfect calibration", lang))
    for name, g in table.groupby("score", sort=False):
        yerr = error_bars(g["observed"], g["lo"], g["hi"])
        ax.errorbar(
            g["mean_predicted"],
            g["observed"],
            yerr=yerr,
            marker="o",
            ms=4,
            capsize=2,
            lw=1.2,
            label=tr(str(name), lang),
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(tr("mean predicted churn probability (bin)", lang))
    ax.set_ylabel(tr("observed churn rate (bin, 95% interval)", lang))
    percent_axis(percent_axis(ax, "x"), "y")
    ax.set_title(tr(title, lang))
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_gain(table: pd.DataFrame, *, ax=None, title: str = "Cumulative gain", lang: str = "en"):
    """Share of all churners found (y) when contacting the riskiest share of users (x), one
    line per score, from :func:`analysis.studies.churn.lift_table`; the diagonal is random order."""
    ax = axes_or_new(ax, (6, 5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label=tr("random order", lang))
    for name, g in table.groupby("score", sort=False):
        ax.plot(np.r_[0, g["fraction"]], np.r_[0, g["gain"]], lw=1.5, label=tr(str(name), lang))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(tr("share of users contacted, riskiest first", lang))
    ax.set_ylabel(tr("share of all churners reached (gain)", lang))
    percent_axis(percent_axis(ax, "x"), "y")
    ax.set_title(tr(title, lang))
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_lift(
    table: pd.DataFrame,
    *,
    ax=None,
    title: str = "Lift",
    max_fraction: float = 0.5,
    lang: str = "en",
):
    """Lift (churn rate among the riskiest share over the base rate) against the share
    contacted, up to ``max_fraction``, from :func:`analysis.studies.churn.lift_table`."""
    ax = axes_or_new(ax, (6, 5))
    ax.axhline(1.0, ls="--", color="grey", lw=1, label=tr("random order", lang))
    for name, g in table.groupby("score", sort=False):
        g = g.loc[g["fraction"] <= max_fraction]
        ax.plot(g["fraction"], g["lift"], lw=1.5, label=tr(str(name), lang))
    ax.set_xlabel(tr("share of users contacted, riskiest first", lang))
    ax.set_ylabel(tr("lift over the base churn rate", lang))
    ax.set_title(tr(title, lang))
    ax.legend(loc="upper right", fontsize="small")
    percent_axis(ax, "x")
    return ax


def plot_importance(
    table: pd.DataFrame,
    *,
    ax=None,
    top: int = 15,
    title: str = "Permutation importance",
    lang: str = "en",
):
    """Horizontal bars of the ``top`` features by permutation importance with their
    intervals, from :func:`analysis.studies.churn.permutation_importance_table`. With a
    ``direction`` column (:func:`analysis.studies.churn_asof.importance_over_users`: change in
    predicted risk from the feature's lower to its upper quartile) the bars are coloured by it
    (red: more of the feature, more risk; blue: less risk; grey: no direction) and labelled
    with it in percentage points."""
    t = table.sort_values("importance", ascending=False).head(top).iloc[::-1]
    ax = axes_or_new(ax, (6, 0.35 * len(t) + 1.5))
    xerr = np.vstack([t["importance"] - t["lo"], t["hi"] - t["importance"]])
    has_dir = "direction" in t.columns
    if has_dir:
        d = t["direction"].to_numpy(dtype="float64")
        color = np.where(np.isnan(d), "tab:gray", np.where(d > 0, "tab:red", "tab:blue"))
    else:
        color = "tab:blue"
    from analysis.i18n.features import feature_label

    ax.barh(
        [feature_label(f, lang) for f in t["feature"]],
        t["importance"],
        xerr=xerr,
        color=color,
        alpha=0.8,
        error_kw={"lw": 1, "capsize": 2},
    )
    if has_dir:
        span = float(np.nanmax(t["hi"].to_numpy(dtype="float64"), initial=0.0))
        for y, (hi, di) in enumerate(zip(t["hi"], d)):
            if not np.isnan(di):
                ax.text(hi + 0.01 * span, y, f"{100 * di:+.1f}", va="center", fontsize="x-small")
        ax.set_xlim(right=1.15 * span if span > 0 else None)
        from matplotlib.patches import Patch

        ax.legend(
            handles=[
                Patch(color="tab:red", label=tr("higher value, higher risk", lang)),
                Patch(color="tab:blue", label=tr("higher value, lower risk", lang)),
                Patch(
                    color="tab:gray", label=tr("no direction (category, or equal quartiles)", lang)
                ),
            ],
            loc="lower right",
            fontsize="x-small",
            title=tr("risk change, lower to upper quartile (pts)", lang),
            title_fontsize="x-small",
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(tr("drop in ROC AUC when the feature is shuffled", lang))
    ax.set_ylabel(tr("feature", lang))
    ax.set_title(tr(title, lang))
    return ax


def plot_cumulative_incidence(
    table: pd.DataFrame,
    *,
    ax=None,
    cause: str = "hard",
    title: str = "Cumulative incidence",
    lang: str = "en",
):
    """Aalen–Johansen cumulative incidence of one ``cause`` against days, one step line per
    group with its 95% band, from :func:`analysis.studies.churn_time.cumulative_incidence`."""
    ax = axes_or_new(ax, (6, 4.5))
    t = table.loc[table["cause"] == cause]
    for name, g in t.groupby("group", sort=True):
        days, cif, lo, hi = (
            pd.to_numeric(g[c], errors="coerce").to_numpy(dtype="float64")
            for c in ("days", "cif", "lo", "hi")
        )
        line = ax.step(days, cif, where="post", lw=1.4, label=tr(str(name), lang))
        ax.fill_between(days, lo, hi, step="post", alpha=0.12, color=line[0].get_color())
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(tr("days since the landmark", lang))
    ax.set_ylabel(tr("cumulative incidence (95% interval)", lang))
    ax.set_title(tr(title, lang))
    ax.legend(loc="upper left", fontsize="x-small")
    return ax


def plot_net_value(
    table: pd.DataFrame,
    *,
    ax=None,
    best: float | None = None,
    title: str = "Net value of the outreach",
    currency: str = "CNY",
    lang: str = "en",
):
    """Net value of contacting the riskiest share of users (x), expected from the predicted
    risks and, where the table has it, realised from the outcomes, from
    :func:`analysis.studies.churn_decision.decision_curve`; ``best`` marks a share."""
    ax = axes_or_new(ax, (6, 4.5))
    t = table.sort_values("share")
    ax.plot(t["share"], t["expected_net"], lw=1.5, label=tr("expected net value", lang))
    if "realised_net" in t.columns:
        ax.plot(
            t["share"],
            t["realised_net"],
            lw=1.5,
            label=tr("realised net value (test window)", lang),
        )
    if best is not None:
        ax.axvline(best, ls=":", color="black", lw=1, label=tr("best threshold", lang))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_xlabel(tr("share of users contacted, riskiest first", lang))
    ax.set_ylabel(f"{tr('net value of the outreach', lang)} ({tr(currency, lang)})")
    percent_axis(ax, "x")
    ax.set_title(tr(title, lang))
    ax.legend(loc="lower left", fontsize="small")
    return ax
