"""The alluvial diagram of the user flow (notebooks/segments-and-flow.py): who moves between
the stages from one snapshot to the next, every state of every column labelled with its count,
the largest moves emphasised, a legend; English or Chinese (``lang``). Re-exported by
:mod:`analysis.plots.flow`."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from analysis.i18n import say, tr
from analysis.plots.base import axes_or_new, bold, readable

__all__ = ["plot_alluvial", "STATE_COLORS", "JOINED_COLOR", "FAINT_ALPHA"]


def STATE_COLORS(states: Sequence[str]) -> dict[str, tuple]:
    """A colour per state: ladder stages along a sequential map, silent grey, lost dark."""
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    ladder = [s for s in states if s not in ("silent", "lost")]
    out = {s: cmap(0.1 + 0.85 * i / max(len(ladder) - 1, 1)) for i, s in enumerate(ladder)}
    out["silent"] = (0.7, 0.7, 0.7, 1.0)
    out["lost"] = (0.35, 0.2, 0.2, 1.0)
    return out


#: The stubs of the users who joined between two snapshots of the alluvial chart.
JOINED_COLOR = "#c8c8c8"
#: The opacity of the flows that are not among the largest moves.
FAINT_ALPHA = 0.18


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
