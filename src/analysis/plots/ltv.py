"""Plots of the lifetime-value study (:mod:`analysis.studies.ltv`, :mod:`analysis.studies.clv`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from analysis.i18n import say, tr
from analysis.plots.base import axes_or_new, percent_axis, readable


def plot_calibration_by_frequency(
    table: pd.DataFrame, *, ax=None, title: str | None = None, lang: str = "en"
):
    """Bars of actual vs predicted mean holdout purchases by calibration frequency. ``lang``
    ("en" or "zh") translates the labels and the title (:mod:`analysis.i18n`)."""

    ax = axes_or_new(ax, (8, 4))
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["actual"], width=0.4, label=tr("actual", lang))
    ax.bar(x + 0.2, table["predicted"], width=0.4, label=tr("model", lang))
    ax.set_xticks(x, table["frequency_cal"].astype(str))
    ax.set_xlabel(tr("repeat purchases in calibration", lang))
    ax.set_ylabel(tr("mean purchases per customer in holdout", lang))
    ax.set_title(tr(title or "Holdout purchases by calibration frequency", lang))
    ax.legend()
    return ax


def plot_cumulative_transactions(
    table: pd.DataFrame,
    *,
    ax=None,
    title: str | None = None,
    unit_label: str = "time units",
    lang: str = "en",
):
    """Actual vs expected cumulative repeat transactions, with the calibration end marked."""

    ax = axes_or_new(ax, (8, 4))
    ax.plot(table["t"], table["actual"], label=tr("actual", lang))
    ax.plot(table["t"], table["predicted"], linestyle="--", label=tr("model", lang))
    cal = table.loc[table["phase"] == "calibration", "t"]
    if len(cal):
        ax.axvline(cal.max(), color="grey", linestyle=":", label=tr("end of calibration", lang))
    ax.set_xlabel(say("ltv.plot.since_first", lang, unit=tr(unit_label, lang)))
    ax.set_ylabel(tr("cumulative repeat transactions", lang))
    ax.set_title(tr(title or "Cumulative repeat transactions: actual vs model", lang))
    ax.legend()
    return ax


def plot_matrix(
    matrix: pd.DataFrame, *, ax=None, title: str, colorbar_label: str, lang: str = "en"
):
    """Heat map of a recency × frequency matrix (recency increasing upwards)."""

    ax = axes_or_new(ax, (8, 4))
    image = ax.imshow(matrix.to_numpy(), origin="lower", aspect="auto", interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label=tr(colorbar_label, lang))
    ax.set_xlabel(tr("frequency (repeat purchases)", lang))
    ax.set_ylabel(tr("recency (time of last purchase)", lang))
    ax.set_title(tr(title, lang))
    return ax


def plot_segment_values(
    table: pd.DataFrame,
    *,
    by: str,
    horizon: float,
    unit_one: str,
    ax=None,
    currency: str = "CNY",
    lang: str = "en",
):
    """Mean CLV per contact (in ``currency``) by ``by`` with its interval (a
    :func:`~analysis.studies.clv.segment_summary` table: ``by``, ``mean``, ``mean_lower``,
    ``mean_upper``), lowest at the bottom; ``horizon`` and ``unit_one`` ("week") label the
    axis."""
    ax = axes_or_new(ax, (8, 4))
    t = table.sort_values("mean")
    ax.errorbar(
        t["mean"],
        [readable(v, lang) for v in t[by]],
        xerr=[t["mean"] - t["mean_lower"], t["mean_upper"] - t["mean"]],
        fmt="o",
    )
    ax.set_xlabel(
        f"{say('ltv.plot.clv_x', lang, horizon=horizon, unit_one=tr(unit_one, lang))}"
        f" ({tr(currency, lang)})"
    )
    ax.set_ylabel(tr(by, lang))
    ax.set_title(
        say(
            "common.money.in_currency",
            lang,
            text=say("ltv.plot.clv_title", lang, by=tr(by, lang)),
            currency=tr(currency, lang),
        )
    )
    return ax


def plot_holdout_by_group(
    table: pd.DataFrame, *, metric: str = "spend", currency: str = "CNY", ax=None, lang: str = "en"
):
    """Conditional expectations: mean actual against mean predicted holdout ``metric``
    (``"spend"`` or ``"purchases"``) per customer, by group of predicted value (a
    :func:`~analysis.studies.clv.holdout_revenue` table; its ``"total"`` row is left out)."""
    if metric not in ("spend", "purchases"):
        raise ValueError(f"metric must be 'spend' or 'purchases', got {metric!r}")
    ax = axes_or_new(ax, (8, 4))
    t = table[table["group"] != "total"]
    x = np.arange(len(t))
    n = t["n_customers"].to_numpy(dtype=float)
    ax.bar(x - 0.2, t[f"actual_{metric}"] / n, width=0.4, label=tr("actual", lang))
    ax.bar(x + 0.2, t[f"predicted_{metric}"] / n, width=0.4, label=tr("model", lang))
    ax.set_xticks(x, t["group"].astype(str))
    ax.set_xlabel(tr("decile of predicted value (10 = highest)", lang))
    if metric == "spend":
        ax.set_ylabel(say("ltv.plot.holdout_spend_y", lang, currency=tr(currency, lang)))
        ax.set_title(
            say(
                "common.money.in_currency",
                lang,
                text=tr("Holdout spend by decile of predicted value", lang),
                currency=tr(currency, lang),
            )
        )
    else:
        ax.set_ylabel(tr("mean purchases per customer in holdout", lang))
        ax.set_title(tr("Holdout purchases by decile of predicted value", lang))
    ax.legend()
    return ax


def plot_multipliers(table: pd.DataFrame, *, reference: str, ax=None, lang: str = "en"):
    """Covariate multipliers of the purchase and the dropout rate with their 95% intervals
    (a :meth:`~analysis.studies.ltv_covariates.CovariatePurchaseModel.multipliers` table with
    ``level``), on a log scale, one row per level; 1 (the ``reference`` level) is marked."""
    ax = axes_or_new(ax, (8, 4))
    levels = sorted(table["level"].unique())
    y = {lv: i for i, lv in enumerate(levels)}
    for offset, process in ((-0.2, "purchase"), (0.0, "dropout"), (0.2, "spend")):
        t = table[table["process"] == process]
        if t.empty:
            continue
        pos = np.array([y[lv] for lv in t["level"]]) + offset
        ax.errorbar(
            t["multiplier"],
            pos,
            xerr=[t["multiplier"] - t["lower_95"], t["upper_95"] - t["multiplier"]],
            fmt="o",
            label=tr(
                {
                    "purchase": "purchase rate",
                    "dropout": "dropout rate",
                    "spend": "spend per purchase",
                }[process],
                lang,
            ),
        )
    ax.axvline(1.0, color="grey", linestyle=":")
    ax.set_xscale("log")
    if lang != "en":  # plain numbers (0.1, 1, 10), not mathtext powers of ten
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_yticks(range(len(levels)), [tr(lv, lang) for lv in levels])
    ax.set_xlabel(say("ltv.plot.multiplier_x", lang, reference=tr(reference, lang)))
    ax.set_title(tr("Purchase and dropout rates by channel (95% CI)", lang))
    ax.legend()
    return ax


def plot_concentration(table: pd.DataFrame, *, ax=None, lang: str = "en"):
    """The concentration curve of a :func:`~analysis.studies.clv.value_concentration` table:
    share of value against share of customers (highest value first), the marked shares
    labelled, and the diagonal of equal value."""
    ax = axes_or_new(ax, (6, 4))
    ax.plot(np.r_[0, table["top_share"]], np.r_[0, table["value_share"]], label=tr("clv", lang))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label=tr("equal value", lang))
    for _, row in table[table["marked"]].iterrows():
        ax.plot(row["top_share"], row["value_share"], "o", color="C1")
        ax.annotate(
            f"{row['top_share']:.0%} → {row['value_share']:.0%}",
            (row["top_share"], row["value_share"]),
            textcoords="offset points",
            xytext=(8, -12),
        )
    ax.set_xlabel(tr("share of customers (highest value first)", lang))
    ax.set_ylabel(tr("share of total CLV", lang))
    percent_axis(percent_axis(ax, "x"), "y")
    ax.set_title(tr("How concentrated is customer value?", lang))
    ax.legend()
    return ax
