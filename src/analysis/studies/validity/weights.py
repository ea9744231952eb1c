"""Weight sensitivity of the five-value index: its AUC over random weight vectors on the
simplex, where the presets rank among them, and the best region (section 5 of the study; the
rest of the comparisons are in :mod:`~analysis.studies.validity.compare`).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from analysis.data.vocab import VALUES
from analysis.studies.scores import PRESETS, validate_weights
from analysis.studies.stats import AucRanker, vdot
from analysis.studies.validity.compare import outcome_array
from analysis.studies.validity.frame import SCORE_COLS


# ---------------------------------------------------------------------------------------
# 5. weight sensitivity
# ---------------------------------------------------------------------------------------
def weight_sensitivity(
    frame: pd.DataFrame,
    *,
    outcome: str = "retained",
    n_weights: int = 1000,
    max_users: int | None = 200_000,
    presets: Mapping[str, object] | None = None,
    levels: int | None = 1 << 16,
    random_state=0,
) -> pd.DataFrame:
    """AUC of the index for ``n_weights`` weight vectors drawn uniformly on the simplex
    (Dirichlet(1,…,1)), plus the presets (``presets``: name → weights; default both presets).

    On frames larger than ``max_users`` a random subsample of that many users is used (the
    same one for all weights). To avoid one sort per weight vector, each index is rounded
    to ``levels`` equal steps between its minimum and maximum and the AUC is counted from
    the two histograms (O(n)); index values closer than one step count as ties, which moves
    an AUC by about 1e-5 at the default (``levels=None`` sorts exactly).
    Columns: ``draw`` (preset name or ``random``), the five weights, ``auc``, ``percentile``
    (share of random draws with a lower AUC), ``n``.
    """
    rng = np.random.default_rng(random_state)
    y = outcome_array(frame, outcome)
    X = frame[SCORE_COLS].to_numpy(dtype="float64")
    if max_users is not None and y.size > max_users:
        keep = np.sort(rng.choice(y.size, size=max_users, replace=False))
        X, y = X[keep], y[keep]
    W = rng.dirichlet(np.ones(5), size=n_weights)
    presets = {k: k for k in PRESETS} if presets is None else presets
    names = ["random"] * n_weights
    rows = [W]
    for name, w in presets.items():
        vw = validate_weights(w)
        rows.append(np.array([[vw[v] for v in VALUES]]))
        names.append(str(name))
    W = np.vstack(rows)
    Xp, Xn = X[y], X[~y]
    aucs = np.empty(len(W))
    for start in range(0, len(W), 32):
        chunk = W[start : start + 32]
        sp, sn = np.round(Xp @ chunk.T, 12), np.round(Xn @ chunk.T, 12)  # see five_value_index
        for j in range(chunk.shape[0]):
            aucs[start + j] = _histogram_auc(sp[:, j], sn[:, j], levels)
    tab = pd.DataFrame(W, columns=list(VALUES))
    tab.insert(0, "draw", names)
    tab["auc"] = aucs
    rand = np.sort(aucs[:n_weights])
    tab["percentile"] = np.searchsorted(rand, aucs, side="left") / max(n_weights, 1)
    tab["n"] = int(y.size)
    return tab


def _histogram_auc(sp: np.ndarray, sn: np.ndarray, levels: int | None) -> float:
    """AUC of positives' scores ``sp`` against negatives' ``sn``; scores rounded to
    ``levels`` steps (None: exact, by sorting)."""
    if sp.size == 0 or sn.size == 0:
        return float("nan")
    if levels is None:
        y = np.r_[np.ones(sp.size, bool), np.zeros(sn.size, bool)]
        return AucRanker(y, np.r_[sp, sn]).auc()
    lo = min(sp.min(), sn.min())
    span = max(sp.max(), sn.max()) - lo
    if span <= 0:
        return 0.5
    scale = (levels - 1) / span
    p = np.bincount(((sp - lo) * scale).astype(np.intp), minlength=levels).astype("float64")
    q = np.bincount(((sn - lo) * scale).astype(np.intp), minlength=levels).astype("float64")
    return vdot(p, np.cumsum(q) - 0.5 * q) / (sp.size * sn.size)


def sensitivity_summary(table: pd.DataFrame, *, top_share: float = 0.05) -> pd.DataFrame:
    """Where each preset ranks among the random weights, and the best region: the mean
    weights of the top ``top_share`` of random draws (one row per preset plus ``best region``
    and ``best draw``)."""
    rand = table.loc[table["draw"] == "random"]
    k = max(1, int(round(top_share * len(rand))))
    top = rand.nlargest(k, "auc")
    rows = [table.loc[table["draw"] != "random", ["draw", *VALUES, "auc", "percentile"]]]
    best_region = {
        "draw": f"best region (top {top_share:.0%} mean)",
        **top[list(VALUES)].mean().to_dict(),
        "auc": float(top["auc"].mean()),
        "percentile": np.nan,
    }
    best = rand.loc[rand["auc"].idxmax(), ["draw", *VALUES, "auc", "percentile"]].to_dict()
    best["draw"] = "best draw"
    out = pd.concat([rows[0], pd.DataFrame([best_region, best])], ignore_index=True)
    out["auc_random_median"] = float(rand["auc"].median())
    out["auc_random_min"] = float(rand["auc"].min())
    out["auc_random_max"] = float(rand["auc"].max())
    return out
