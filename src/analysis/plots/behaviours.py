"""Plots of the behaviours study: phi over the k × d grid, confirmed effects with intervals,
discovery against confirmation.

Each function takes a tidy table from :mod:`analysis.studies.behaviours`, draws on ``ax`` (a new
figure when None) and returns the axes. ``lang`` ("en" or "zh") translates titles, axis and
legend labels and the behaviour names (:mod:`analysis.i18n`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.i18n import say, tr
from analysis.plots.base import axes_or_new, error_bars, text_color


def _label(row, lang: str = "en") -> str:
    return say(
        "behaviours.plot.label",
        lang,
        unit=tr(row["unit"], lang),
        k=int(row["k"]),
        d=f"{row['d']:g}",
    )


def plot_phi_heatmap(
    metrics: pd.DataFrame,
    *,
    unit: str,
    ax=None,
    vmax: float | None = None,
    title: str | None = None,
    lang: str = "en",
):
    """Phi of "``unit`` at least k times in d days" over the grid (rows k, columns d), from
    :func:`analysis.studies.behaviours.behaviour_metrics` (one group). Cells significant after FDR
    control carry a ``*``; untested cells are blank."""
    ax = axes_or_new(ax, (6, 4))
    t = metrics.loc[metrics["unit"] == unit]
    if t.empty:
        raise ValueError(f"no rows for unit {unit!r}")
    phi = t.pivot_table(index="k", columns="d", values="phi", aggfunc="first", dropna=False)
    tested = t.pivot_table(index="k", columns="d", values="tested", aggfunc="first")
    sig = t.pivot_table(index="k", columns="d", values="significant", aggfunc="first")
    shown = phi.where(tested.astype(bool))
    lim = (
        vmax
        if vmax is not None
        else max(
            0.05, float(np.nanmax(np.abs(shown.to_numpy()))) if shown.notna().any().any() else 0.05
        )
    )
    im = ax.imshow(
        shown.to_numpy(dtype=float), cmap="RdBu", vmin=-lim, vmax=lim, aspect="auto", origin="lower"
    )
    for i, k in enumerate(shown.index):
        for j, d in enumerate(shown.columns):
            v = shown.loc[k, d]
            if pd.notna(v):
                ax.text(
                    j,
                    i,
                    f"{v:.2f}{'*' if sig.loc[k, d] else ''}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=text_color(im.cmap(im.norm(v))),
                )
    ax.set_xticks(range(len(shown.columns)), [f"{d:g}" for d in shown.columns])
    ax.set_yticks(range(len(shown.index)), [str(k) for k in shown.index])
    ax.set_xlabel(tr("window d (days)", lang))
    ax.set_ylabel(tr("at least k times", lang))
    ax.set_title(title or say("behaviours.plot.phi_title", lang, unit=tr(unit, lang)))
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label=tr("phi", lang))
    return ax


def plot_confirmed_intervals(
    confirmed: pd.DataFrame,
    *,
    n: int = 15,
    ax=None,
    title: str = "Confirmed behaviours: retention difference",
    lang: str = "en",
):
    """Forest plot: the retention difference (did − did not) on the confirmation period with
    its 95% interval, for the ``n`` strongest behaviours that hold (from
    :func:`analysis.studies.behaviours.confirm_out_of_time`); the discovery estimate is a hollow
    marker."""
    t = confirmed.loc[confirmed["holds"]].sort_values("phi_conf", ascending=False).head(n)
    ax = axes_or_new(ax, (7, max(2.5, 0.35 * len(t) + 1)))
    y = np.arange(len(t))[::-1]
    ax.errorbar(
        t["diff_conf"] * 100,
        y,
        xerr=np.vstack(
            [(t["diff_conf"] - t["diff_lo_conf"]) * 100, (t["diff_hi_conf"] - t["diff_conf"]) * 100]
        ),
        fmt="o",
        capsize=2,
        label=tr("confirmation (95% CI)", lang),
    )
    ax.scatter(
        t["diff_disc"] * 100,
        y,
        facecolors="none",
        edgecolors="grey",
        label=tr("discovery", lang),
        zorder=3,
    )
    ax.axvline(0, color="grey", lw=1, ls="--")
    ax.set_yticks(y, [_label(r, lang) for _, r in t.iterrows()], fontsize=8)
    ax.set_xlabel(tr("retention of doers − non-doers (percentage points)", lang))
    ax.set_ylabel(tr("behaviour", lang))
    ax.set_title(tr(title, lang))
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize="small", frameon=False
    )
    return ax


def plot_discovery_vs_confirmation(
    confirmed: pd.DataFrame, *, ax=None, title: str = "Discovery vs confirmation", lang: str = "en"
):
    """Each discovered behaviour's retention difference on the earlier period (x) against
    the later period (y), with the later 95% interval; points below the diagonal shrank.
    Colour: holds or not."""
    ax = axes_or_new(ax, (6, 5))
    for holds, colour, name in ((True, "tab:blue", "holds"), (False, "tab:red", "does not hold")):
        t = confirmed.loc[confirmed["holds"] == holds]
        if t.empty:
            continue
        ax.errorbar(
            t["diff_disc"] * 100,
            t["diff_conf"] * 100,
            yerr=error_bars(t["diff_conf"], t["diff_lo_conf"], t["diff_hi_conf"], scale=100),
            fmt="o",
            ms=4,
            alpha=0.7,
            color=colour,
            capsize=0,
            lw=0.6,
            label=tr(name, lang),
        )
    both = pd.concat([confirmed["diff_disc"], confirmed["diff_conf"]]) * 100
    lo, hi = (float(both.min()), float(both.max())) if len(both) else (-1.0, 1.0)
    pad = 0.05 * (hi - lo or 1)
    ax.plot(
        [lo - pad, hi + pad],
        [lo - pad, hi + pad],
        ls="--",
        color="grey",
        lw=1,
        label=tr("no shrinkage", lang),
    )
    ax.axhline(0, color="black", lw=0.5)
    ax.axvline(0, color="black", lw=0.5)
    ax.set_xlabel(tr("difference on discovery period (points)", lang))
    ax.set_ylabel(tr("difference on confirmation period (points)", lang))
    ax.set_title(tr(title, lang))
    ax.legend(loc="upper left", fontsize="small")
    return ax
