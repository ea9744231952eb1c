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
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from analysis.i18n import say, tr
from analysis.plots.base import (
    MIN_N,
    SMALL_GROUP_COLOR,
    axes_or_new,
    bold,
    error_bars,
    percent_axis,
    readable,
    text_color,
)

__all__ = [
    "plot_transition_heatmap",
    "plot_alluvial",
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

#: The stubs of the users who joined between two snapshots of the alluvial chart.
JOINED_COLOR = "#c8c8c8"
#: The opacity of the flows that are not among the largest moves.
FAINT_ALPHA = 0.18


def STATE_COLORS(states: Sequence[str]) -> dict[str, tuple]:
    """A colour per state: ladder stages along a sequential map, silent grey, lost dark."""
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    ladder = [s for s in states if s not in ("silent", "lost")]
    out = {s: cmap(0.1 + 0.85 * i / max(len(ladder) - 1, 1)) for i, s in enumerate(ladder)}
    out["silent"] = (0.7, 0.7, 0.7, 1.0)
    out["lost"] = (0.35, 0.2, 0.2, 1.0)
    return out


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


def _band(ax, x0, x1, y0a, y0b, y1a, y1b, color, alpha=0.35, zorder=1):
    xm = (x0 + x1) / 2
    verts = [
        (x0, y0a),
        (xm, y0a),
        (xm, y1a),
        (x1, y1a),
        (x1, y1b),
        (xm, y1b),
        (xm, y0b),
        (x0, y0b),
        (x0, y0a),
    ]
    codes = [
        Path.MOVETO,
        Path.CURVE4,
        Path.CURVE4,
        Path.CURVE4,
        Path.LINETO,
        Path.CURVE4,
        Path.CURVE4,
        Path.CURVE4,
        Path.CLOSEPOLY,
    ]
    patch = PathPatch(
        Path(verts, codes), facecolor=color, edgecolor="none", alpha=alpha, zorder=zorder
    )
    ax.add_patch(patch)
    return patch


def _spread(wanted: Sequence[float], sep: float, lo: float, hi: float) -> list[float]:
    """Label positions as close to ``wanted`` (ascending) as possible, at least ``sep`` apart
    and within ``[lo, hi]`` where there is room."""
    out: list[float] = []
    for w in wanted:
        out.append(max(w, lo) if not out else max(w, out[-1] + sep))
    if out and out[-1] > hi:  # pushed past the bottom: push back up, keeping the spacing
        out[-1] = hi
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - sep)
    return out


def _stage_order(states: Sequence[str]) -> list[int]:
    """Stacking order, top to bottom: the ladder from its highest stage, then silent, lost."""
    off = [i for i, s in enumerate(states) if s in ("silent", "lost")]
    ladder = [i for i in range(len(states)) if i not in off]
    return ladder[::-1] + off


def plot_alluvial(
    codes: pd.DataFrame,
    *,
    states: Sequence[str],
    columns: Sequence | None = None,
    n_columns: int = 4,
    ax=None,
    title: str = "How users flow between stages",
    labels: Mapping[str, str] | None = None,
    min_share: float = 0.002,
    bar_width: float = 0.12,
    highlight: int = 2,
    fontsize: float = 8.5,
    lang: str = "en",
):
    """Alluvial (Sankey-style) chart of state codes at a few snapshots, made to read at a
    glance: every state of every column is labelled with its name and user count (labels
    pushed apart where bars are thin, with a leader line), the ``highlight`` largest moves
    between two different states in each interval are drawn in strong colour and labelled
    with their count, every other flow is faint, and a legend explains the colours.

    ``codes`` is :func:`analysis.studies.flow.assign_stages` output; ``columns`` picks snapshots
    (default ``n_columns`` evenly spaced). Bars are state sizes at each snapshot, stacked from
    the highest ladder stage (top) down to silent and lost (users not yet in the population
    are left out); bands are the flows between consecutive chosen snapshots, coloured by the
    origin state; the users who joined between two snapshots enter as short grey stubs.
    Flows below ``min_share`` of the users are not drawn (bars still count them).
    """
    from matplotlib.patches import Patch

    ax = axes_or_new(ax, (9.5, 6.5))
    cols = (
        list(columns)
        if columns is not None
        else list(
            codes.columns[
                np.unique(np.linspace(0, codes.shape[1] - 1, n_columns).round().astype(int))
            ]
        )
    )
    arr = codes[cols].to_numpy().astype(np.int64)
    m = len(states)
    colors = STATE_COLORS(states)
    lab = dict(labels or {})

    def name(s: int) -> str:
        return lab.get(states[s], readable(states[s], lang))

    present = (arr >= 0).sum(axis=0)
    total = max(int(present.max()), 1)
    gap = 0.012 * total
    order = _stage_order(states)
    half = bar_width / 2
    # bar positions, top (y = 0) to bottom
    tops = []
    for k in range(len(cols)):
        sizes = np.bincount(arr[:, k][arr[:, k] >= 0], minlength=m)
        y, pos = 0.0, {}
        for s in order:
            pos[s] = (y, y + sizes[s])
            y += sizes[s] + (gap if sizes[s] else 0)
        tops.append((pos, sizes))
        for s in order:
            a, b = pos[s]
            if b > a:
                ax.bar(
                    k,
                    b - a,
                    bottom=a,
                    width=bar_width,
                    color=colors[states[s]],
                    edgecolor="white",
                    linewidth=0.5,
                    zorder=3,
                )
    height = max(pos[order[-1]][1] for pos, _ in tops) + gap
    # flows between consecutive columns; the largest moves (origin != destination) stand out
    flows = []
    for k in range(len(cols) - 1):
        a, b = arr[:, k], arr[:, k + 1]
        keep = (a >= 0) & (b >= 0)
        flows.append(np.bincount(a[keep] * m + b[keep], minlength=m * m).reshape(m, m))
    strong = set()
    for k, f in enumerate(flows):
        moves = sorted(
            ((int(f[s, t]), s, t) for s in range(m) for t in range(m) if s != t and f[s, t] > 0),
            reverse=True,
        )
        strong |= {(k, s, t) for _, s, t in moves[: max(highlight, 0)]}
    for k, f in enumerate(flows):
        out_off = {s: tops[k][0][s][0] for s in range(m)}
        in_off = {s: tops[k + 1][0][s][0] for s in range(m)}
        for s in order:
            for t in order:
                n = f[s, t]
                if n == 0 or n < min_share * total:
                    out_off[s] += n
                    in_off[t] += n
                    continue
                main = (k, s, t) in strong
                _band(
                    ax,
                    k + half,
                    k + 1 - half,
                    out_off[s],
                    out_off[s] + n,
                    in_off[t],
                    in_off[t] + n,
                    colors[states[s]],
                    alpha=0.8 if main else FAINT_ALPHA,
                    zorder=2 if main else 1,
                )
                if main:
                    ax.text(
                        k + 0.5,
                        (out_off[s] + in_off[t] + n) / 2,
                        f"{n:,}",
                        ha="center",
                        va="center",
                        fontsize=fontsize,
                        fontweight=bold(),
                        zorder=5,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85),
                    )
                out_off[s] += n
                in_off[t] += n
        # users who joined since the previous column fill the rest of each bar
        for t in order:
            lo_, hi_ = in_off[t], tops[k + 1][0][t][1]
            if hi_ - lo_ > 0:
                ax.add_patch(
                    Rectangle(
                        (k + 1 - half - 0.05, lo_),
                        0.05,
                        hi_ - lo_,
                        facecolor=JOINED_COLOR,
                        edgecolor="none",
                        zorder=1,
                    )
                )
    # every state of every column labelled, pushed apart where bars are thin
    ax.set_xlim(-0.25, len(cols) - 1 + 0.75)
    ax.set_ylim(height, 0)
    bbox = ax.get_window_extent()
    sep = 1.35 * fontsize * ax.figure.dpi / 72 * height / max(bbox.height, 1.0)
    for k, (pos, sizes) in enumerate(tops):
        shown = [s for s in order if sizes[s] > 0]
        wanted = [(pos[s][0] + pos[s][1]) / 2 for s in shown]
        placed = _spread(wanted, sep, 0.0, height - sep / 2)
        x0 = k + half
        for s, w, y in zip(shown, wanted, placed):
            moved = abs(y - w) > sep / 4
            ax.annotate(
                f"{name(s)} {int(sizes[s]):,}",
                xy=(x0, w),
                xytext=(x0 + (0.09 if moved else 0.03), y),
                va="center",
                fontsize=fontsize,
                zorder=6,
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.75),
                arrowprops=(
                    dict(arrowstyle="-", color="0.4", lw=0.6, shrinkA=0, shrinkB=0)
                    if moved
                    else None
                ),
            )
    ax.set_xticks(range(len(cols)), [pd.Timestamp(c).strftime("%Y-%m-%d") for c in cols])
    ax.tick_params(axis="x", labelsize=fontsize + 0.5)
    ax.set_xlabel(tr("snapshot", lang))
    ax.set_ylabel(tr("users (stacked by state; top = highest stage)", lang))
    ax.set_title(tr(title, lang), pad=10)
    handles = [Patch(color=colors[states[s]], label=name(s)) for s in order]
    handles += [
        Patch(color="0.25", alpha=0.8, label=say("common.flow.legend_main", lang, n=highlight)),
        Patch(color="0.25", alpha=FAINT_ALPHA, label=say("common.flow.legend_other", lang)),
        Patch(color=JOINED_COLOR, label=say("common.flow.legend_joined", lang)),
    ]
    ax.legend(
        handles=handles,
        title=say("common.flow.legend_title", lang),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=4,
        fontsize=fontsize,
        title_fontsize=fontsize,
        frameon=False,
    )
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
