"""Plots of the validity study (:mod:`analysis.validity`). Each takes the tidy table the study
function returned, draws on ``ax`` (a new one if None) and returns it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .vocab import VALUES

__all__ = ["plot_deciles", "plot_roc", "plot_auc_comparison", "plot_incremental",
           "plot_weight_sensitivity", "plot_weight_region", "plot_rolling", "plot_survival"]


def _ax(ax):
    return plt.subplots(figsize=(7, 4))[1] if ax is None else ax


def plot_deciles(table: pd.DataFrame, *, ax=None):
    """Outcome rate by score bin with its interval (from ``retention_by_decile``)."""
    ax = _ax(ax)
    t = table.sort_values("bin")
    err = np.vstack([t["rate"] - t["lo"], t["hi"] - t["rate"]])
    ax.errorbar(t["bin"], t["rate"], yerr=err, fmt="o-", capsize=3)
    ax.set_xticks(t["bin"])
    ax.set_ylim(0, 1)
    ax.set_title(f"{t['outcome'].iloc[0]} rate by {t['score'].iloc[0]} decile")
    ax.set_xlabel(f"{t['score'].iloc[0]} decile (1 = lowest)")
    ax.set_ylabel(f"share {t['outcome'].iloc[0]} (95% Wilson interval)")
    return ax


def plot_roc(table: pd.DataFrame, *, ax=None):
    """ROC curves (from ``roc_table``) with the chance diagonal."""
    ax = _ax(ax)
    for name, g in table.groupby("score", sort=False):
        ax.plot(g["fpr"], g["tpr"], label=name)
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="chance")
    ax.set_title("ROC curves")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_auc_comparison(table: pd.DataFrame, *, ax=None, reference: str = "index"):
    """AUC of each score with its interval (from ``baseline_comparison`` /
    ``paired_bootstrap_auc``), highest first, the reference highlighted; 0.5 = chance."""
    ax = _ax(ax)
    t = table.sort_values("auc")
    y = np.arange(len(t))
    colors = ["C3" if s == reference else "C0" for s in t["score"]]
    ax.hlines(y, t["lo"], t["hi"], colors=colors)
    ax.scatter(t["auc"], y, c=colors, zorder=3)
    ax.axvline(0.5, ls="--", color="grey", lw=1)
    ax.set_yticks(y, t["score"])
    ax.set_title("AUC of the index and the baselines (same users)")
    ax.set_xlabel("AUC (95% bootstrap interval; 0.5 = chance)")
    ax.set_ylabel("score")
    return ax


def plot_incremental(table: pd.DataFrame, *, ax=None):
    """Out-of-fold AUC of the control model without and with the index (from
    ``incremental_validity``)."""
    ax = _ax(ax)
    r = table.iloc[0]
    vals = [r["auc_without"], r["auc_with"]]
    ax.bar(["RFM + tenure + channel", "… + index"], vals, color=["C0", "C3"])
    ax.errorbar([1], [r["auc_with"]], yerr=[[r["auc_diff"] - r["diff_lo"]],
                                             [r["diff_hi"] - r["auc_diff"]]],
                fmt="none", color="black", capsize=4)
    lo = max(0.0, min(vals) - 0.1)
    ax.set_ylim(lo, min(1.0, max(vals) + 0.05))
    ax.set_title(f"Incremental validity of the {r['score']} "
                 f"(OR per SD {r['odds_ratio_per_sd']:.2f})")
    ax.set_xlabel("model (logistic regression, out-of-fold)")
    ax.set_ylabel("AUC (bar: interval of the difference)")
    return ax


def plot_weight_sensitivity(table: pd.DataFrame, *, ax=None):
    """Histogram of the AUC over random weight vectors with the presets marked (from
    ``weight_sensitivity``)."""
    ax = _ax(ax)
    rand = table.loc[table["draw"] == "random", "auc"]
    ax.hist(rand, bins=min(40, max(5, len(rand) // 10)), color="C0", alpha=0.7,
            label="random weights")
    for i, (_, r) in enumerate(table.loc[table["draw"] != "random"].iterrows()):
        ax.axvline(r["auc"], color=f"C{i + 1}", lw=2,
                   label=f"{r['draw']} ({r['percentile']:.0%} of draws below)")
    ax.set_title("AUC over weights drawn uniformly on the simplex")
    ax.set_xlabel("AUC of the weighted index")
    ax.set_ylabel("number of weight vectors")
    ax.legend(fontsize="small")
    return ax


def plot_weight_region(table: pd.DataFrame, *, ax=None, top_share: float = 0.05):
    """Mean weight of each value among the best ``top_share`` of random draws versus all
    draws and the expansion preset."""
    ax = _ax(ax)
    rand = table.loc[table["draw"] == "random"]
    k = max(1, int(round(top_share * len(rand))))
    top = rand.nlargest(k, "auc")[list(VALUES)].mean()
    x = np.arange(len(VALUES))
    ax.bar(x - 0.2, top, width=0.4, label=f"top {top_share:.0%} of draws")
    pre = table.loc[table["draw"] == "expansion", list(VALUES)]
    if len(pre):
        ax.bar(x + 0.2, pre.iloc[0], width=0.4, label="expansion preset")
    ax.axhline(0.2, ls="--", color="grey", lw=1, label="equal (0.2)")
    ax.set_xticks(x, list(VALUES), rotation=20)
    ax.set_title("Where the best weights lie")
    ax.set_xlabel("value")
    ax.set_ylabel("weight")
    ax.legend(fontsize="small")
    return ax


def plot_rolling(table: pd.DataFrame, *, ax=None):
    """AUC with intervals by cut-off, one line per score (from ``rolling_origin``)."""
    ax = _ax(ax)
    for i, (name, g) in enumerate(table.groupby("score", sort=False)):
        g = g.sort_values("cutoff")
        x = pd.to_datetime(g["cutoff"])
        ax.plot(x, g["auc"], "o-", color=f"C{i}", label=name)
        ax.fill_between(x, g["lo"], g["hi"], color=f"C{i}", alpha=0.15)
    ax.axhline(0.5, ls="--", color="grey", lw=1)
    ax.set_title("AUC at successive cut-offs (rolling origin)")
    ax.set_xlabel("cut-off")
    ax.set_ylabel("AUC (95% bootstrap interval)")
    ax.legend(fontsize="small")
    ax.tick_params(axis="x", labelrotation=30)
    return ax


def plot_survival(table: pd.DataFrame, *, ax=None):
    """Kaplan–Meier curves with pointwise intervals by score group (from
    ``survival_by_group``)."""
    ax = _ax(ax)
    for i, (k, g) in enumerate(table.groupby("group")):
        ax.step(g["days"], g["survival"], where="post", color=f"C{i}",
                label=f"quartile {k} (n={g['n'].iloc[0]:,})")
        ax.fill_between(g["days"], g["lo"], g["hi"], step="post", color=f"C{i}", alpha=0.15)
    ax.set_title(f"Time to hard churn by {table['score'].iloc[0]} group (Kaplan–Meier)")
    ax.set_xlabel("days after the cut-off")
    ax.set_ylabel("share without hard churn")
    ax.legend(fontsize="small")
    return ax
