"""Time to leaving by index group: Kaplan-Meier curves with intervals, and the hazard ratio
per standard deviation of the index (Cox).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.studies.validity.frame import control_matrix


# ---------------------------------------------------------------------------------------
# 7. survival
# ---------------------------------------------------------------------------------------
def _groups(s: np.ndarray, n_groups: int) -> np.ndarray:
    r = sps.rankdata(s, method="average")
    return np.clip(np.floor(n_groups * (r - 0.5) / s.size).astype(int), 0, n_groups - 1) + 1


def survival_by_group(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    n_groups: int = 4,
    time: str = "time_days",
    event: str = "churn_event",
    grid_days: float = 1.0,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Kaplan–Meier survival (no hard churn) by score group (quartiles by default; 1 = lowest),
    via ``statsmodels.duration.survfunc.SurvfuncRight``, evaluated on a grid of
    ``grid_days``. Tidy: ``group``, ``days``, ``survival``, ``lo``, ``hi`` (pointwise
    log-log interval), ``n``, ``events``."""
    from statsmodels.duration.survfunc import SurvfuncRight

    for col in (time, event):
        if col not in frame.columns:
            raise ValueError(f"column {col!r} missing: build the frame with followup_days")
    t = frame[time].to_numpy(dtype="float64")
    e = frame[event].to_numpy(dtype=bool)
    g = _groups(frame[score].to_numpy(dtype="float64"), n_groups)
    grid = np.arange(0.0, float(t.max()) + grid_days, grid_days)
    parts = []
    for k in np.unique(g):
        m = g == k
        sf = SurvfuncRight(t[m], e[m].astype(float))
        st = np.asarray(sf.surv_times)
        sp = np.asarray(sf.surv_prob)
        if st.size:
            lo, hi = _km_interval(sf, ci)
        pos = np.searchsorted(st, grid, side="right") - 1
        surv = np.where(pos >= 0, sp[np.maximum(pos, 0)], 1.0) if st.size else np.ones_like(grid)
        if st.size:
            lo_g = np.where(pos >= 0, lo[np.maximum(pos, 0)], 1.0)
            hi_g = np.where(pos >= 0, hi[np.maximum(pos, 0)], 1.0)
        else:
            lo_g = hi_g = np.ones_like(grid)
        parts.append(
            pd.DataFrame(
                {
                    "group": int(k),
                    "days": grid,
                    "survival": surv,
                    "lo": lo_g,
                    "hi": hi_g,
                    "n": int(m.sum()),
                    "events": int(e[m].sum()),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "score", score)
    return out


def _km_interval(sf, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log(-log) interval of a fitted ``SurvfuncRight`` (NaN-safe)."""
    sp = np.asarray(sf.surv_prob)
    se = np.asarray(sf.surv_prob_se)
    zq = sps.norm.ppf(0.5 + ci / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = np.log(-np.log(sp))
        se_ll = se / (sp * np.abs(np.log(sp)))
        lo = np.exp(-np.exp(ll + zq * se_ll))
        hi = np.exp(-np.exp(ll - zq * se_ll))
    lo = np.where(np.isfinite(lo), lo, sp)
    hi = np.where(np.isfinite(hi), hi, sp)
    return lo, hi


def hazard_ratio(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    time: str = "time_days",
    event: str = "churn_event",
    controls: bool = False,
    ci: float = 0.95,
    time_resolution_days: float | None = 1.0,
) -> pd.DataFrame:
    """Cox proportional-hazards ratio of hard churn per SD of ``score`` (statsmodels
    ``PHReg``, Breslow ties); with ``controls`` the RFM/tenure/channel covariates of
    :func:`incremental_validity` are added. One row: ``hazard_ratio_per_sd``, ``lo``, ``hi``,
    ``p``, ``n``, ``events``.

    Times are counted in whole ``time_resolution_days`` (rounded up: an event 3 hours after
    the cut-off is on day 1), the resolution of daily data; this keeps the number of distinct
    event times small, which is what PHReg's cost grows with (``None`` keeps exact times)."""
    from statsmodels.duration.hazard_regression import PHReg

    t = frame[time].to_numpy(dtype="float64")
    if time_resolution_days is not None:
        t = np.maximum(np.ceil(t / time_resolution_days), 1.0) * time_resolution_days
    e = frame[event].to_numpy(dtype=float)
    s = frame[score].to_numpy(dtype="float64")
    sd = s.std()
    z = (s - s.mean()) / sd if sd > 0 else np.zeros_like(s)
    X = z[:, None] if not controls else np.column_stack([z, control_matrix(frame).to_numpy()])
    fit = PHReg(t, X, status=e, ties="breslow").fit()
    beta = float(np.asarray(fit.params)[0])
    se = float(np.asarray(fit.bse)[0])
    zq = sps.norm.ppf(0.5 + ci / 2)
    return pd.DataFrame(
        [
            {
                "score": score,
                "controls": bool(controls),
                "hazard_ratio_per_sd": float(np.exp(beta)),
                "lo": float(np.exp(beta - zq * se)),
                "hi": float(np.exp(beta + zq * se)),
                "p": float(2 * sps.norm.sf(abs(beta / se))),
                "n": int(t.size),
                "events": int(e.sum()),
            }
        ]
    )
