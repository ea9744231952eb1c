"""Plots of the validity study (:mod:`analysis.studies.validity`). Each takes the tidy table
the study
function returned, draws on ``ax`` (a new one if None) and returns it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.vocab import VALUES
from analysis.i18n import say, tr
from analysis.plots.base import axes_or_new, error_bars, percent_axis

__all__ = [
    "plot_deciles",
    "plot_roc",
    "plot_auc_comparison",
    "plot_incremental",
    "plot_weight_sensitivity",
    "plot_weight_region",
    "plot_rolling",
    "plot_survival",
]


def plot_deciles(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """Outcome rate by score bin with its interval (from ``retention_by_decile``)."""
    ax = axes_or_new(ax, (7, 4))
    t = table.sort_values("bin")
    err = error_bars(t["rate"], t["lo"], t["hi"])
    ax.errorbar(t["bin"], t["rate"], yerr=err, fmt="o-", capsize=3)
    ax.set_xticks(t["bin"])
    ax.set_ylim(0, 1)
    percent_axis(ax)
    score, outcome = tr(t["score"].iloc[0], lang), tr(t["outcome"].iloc[0], lang)
    ax.set_title(say("validity.plot.deciles_title", lang, outcome=outcome, score=score))
    ax.set_xlabel(say("validity.plot.deciles_x", lang, score=score))
    ax.set_ylabel(say("validity.plot.deciles_y", lang, outcome=outcome))
    return ax


def plot_roc(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """ROC curves (from ``roc_table``) with the chance diagonal."""
    ax = axes_or_new(ax, (7, 4))
    for name, g in table.groupby("score", sort=False):
        ax.plot(g["fpr"], g["tpr"], label=tr(name, lang))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label=tr("chance", lang))
    ax.set_title(tr("ROC curves", lang))
    ax.set_xlabel(tr("false positive rate", lang))
    ax.set_ylabel(tr("true positive rate", lang))
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_auc_comparison(
    table: pd.DataFrame, *, ax=None, reference: str = "index", lang: str = "en"
):
    """AUC of each score with its interval (from ``baseline_comparison`` /
    ``paired_bootstrap_auc``), highest first, the reference highlighted; 0.5 = chance."""
    ax = axes_or_new(ax, (7, 4))
    t = table.sort_values("auc")
    y = np.arange(len(t))
    colors = ["C3" if s == reference else "C0" for s in t["score"]]
    ax.hlines(y, t["lo"], t["hi"], colors=colors)
    ax.scatter(t["auc"], y, c=colors, zorder=3)
    ax.axvline(0.5, ls="--", color="grey", lw=1)
    ax.set_yticks(y, [tr(s, lang) for s in t["score"]])
    ax.set_title(tr("AUC of the index and the baselines (same users)", lang))
    ax.set_xlabel(tr("AUC (95% bootstrap interval; 0.5 = chance)", lang))
    ax.set_ylabel(tr("score", lang))
    return ax


def plot_incremental(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """Out-of-fold AUC of the control model without and with the index (from
    ``incremental_validity``)."""
    ax = axes_or_new(ax, (7, 4))
    r = table.iloc[0]
    vals = [r["auc_without"], r["auc_with"]]
    ax.bar([tr("RFM + tenure + channel", lang), tr("… + index", lang)], vals, color=["C0", "C3"])
    ax.errorbar(
        [1],
        [r["auc_with"]],
        yerr=error_bars(r["auc_diff"], r["diff_lo"], r["diff_hi"]),
        fmt="none",
        color="black",
        capsize=4,
    )
    # from zero, as every bar chart: a cut axis would make a small gain look large
    ax.set_ylim(0, 1)
    ax.axhline(0.5, ls="--", color="grey", lw=1)
    for x, v in enumerate(vals):
        ax.text(x, v / 2, f"{v:.3f}", ha="center", va="center", color="white", fontsize=9)
    ax.set_title(
        say(
            "validity.plot.incremental_title",
            lang,
            score=tr(r["score"], lang),
            odds_ratio=r["odds_ratio_per_sd"],
        )
    )
    ax.set_xlabel(tr("model (logistic regression, out-of-fold)", lang))
    ax.set_ylabel(tr("AUC (bar: interval of the difference)", lang))
    return ax


def plot_weight_sensitivity(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """Histogram of the AUC over random weight vectors with the presets marked (from
    ``weight_sensitivity``)."""
    ax = axes_or_new(ax, (7, 4))
    rand = table.loc[table["draw"] == "random", "auc"]
    ax.hist(
        rand,
        bins=min(40, max(5, len(rand) // 10)),
        color="C0",
        alpha=0.7,
        label=tr("random weights", lang),
    )
    for i, (_, r) in enumerate(table.loc[table["draw"] != "random"].iterrows()):
        ax.axvline(
            r["auc"],
            color=f"C{i + 1}",
            lw=2,
            label=say(
                "validity.plot.preset_line",
                lang,
                draw=tr(r["draw"], lang),
                percentile=r["percentile"],
            ),
        )
    ax.set_title(tr("AUC over weights drawn uniformly on the simplex", lang))
    ax.set_xlabel(tr("AUC of the weighted index", lang))
    ax.set_ylabel(tr("number of weight vectors", lang))
    ax.legend(fontsize="small")
    return ax


def plot_weight_region(table: pd.DataFrame, *, ax=None, top_share: float = 0.05, lang: str = "en"):
    """Mean weight of each value among the best ``top_share`` of random draws versus all
    draws and the expansion preset."""
    ax = axes_or_new(ax, (7, 4))
    rand = table.loc[table["draw"] == "random"]
    k = max(1, int(round(top_share * len(rand))))
    top = rand.nlargest(k, "auc")[list(VALUES)].mean()
    x = np.arange(len(VALUES))
    ax.bar(x - 0.2, top, width=0.4, label=say("validity.plot.top_draws", lang, share=top_share))
    pre = table.loc[table["draw"] == "expansion", list(VALUES)]
    if len(pre):
        ax.bar(x + 0.2, pre.iloc[0], width=0.4, label=tr("expansion", lang))
    ax.axhline(0.2, ls="--", color="grey", lw=1, label=tr("equal (0.2)", lang))
    ax.set_xticks(x, [tr(v, lang) for v in VALUES], rotation=20)
    ax.set_title(tr("Where the best weights lie", lang))
    ax.set_xlabel(tr("value", lang))
    ax.set_ylabel(tr("weight", lang))
    ax.legend(fontsize="small")
    return ax


def plot_rolling(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """AUC with intervals by cut-off, one line per score (from ``rolling_origin``)."""
    ax = axes_or_new(ax, (7, 4))
    for i, (name, g) in enumerate(table.groupby("score", sort=False)):
        g = g.sort_values("cutoff")
        x = pd.to_datetime(g["cutoff"])
        ax.plot(x, g["auc"], "o-", color=f"C{i}", label=tr(name, lang))
        ax.fill_between(x, g["lo"], g["hi"], color=f"C{i}", alpha=0.15)
    ax.axhline(0.5, ls="--", color="grey", lw=1)
    ax.set_title(tr("AUC at successive cut-offs (rolling origin)", lang))
    ax.set_xlabel(tr("cut-off", lang))
    ax.set_ylabel(tr("AUC (95% bootstrap interval)", lang))
    ax.legend(fontsize="small")
    ax.tick_params(axis="x", labelrotation=30)
    return ax


def plot_survival(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """Kaplan–Meier curves with pointwise intervals by score group (from
    ``survival_by_group``)."""
    ax = axes_or_new(ax, (7, 4))
    for i, (k, g) in enumerate(table.groupby("group")):
        ax.step(
            g["days"],
            g["survival"],
            where="post",
            color=f"C{i}",
            label=say("validity.plot.quartile", lang, k=k, n=g["n"].iloc[0]),
        )
        ax.fill_between(g["days"], g["lo"], g["hi"], step="post", color=f"C{i}", alpha=0.15)
    ax.set_title(say("validity.plot.survival_title", lang, score=tr(table["score"].iloc[0], lang)))
    ax.set_xlabel(tr("days after the cut-off", lang))
    ax.set_ylabel(tr("share without hard churn", lang))
    ax.legend(fontsize="small")
    return ax
