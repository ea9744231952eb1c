"""The churn early-warning list: who to contact first, with the reasons for each user's risk
in words, and its export (pseudonymised ids only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from analysis.privacy import KEY_ENV, pseudonymise
from analysis.studies.churn import CATEGORICAL, MODEL_FEATURES, ValueScores, limited_threads

#: Environment variable holding the key of the pseudonyms (see :mod:`analysis.privacy`).
PSEUDONYM_KEY_ENV = KEY_ENV


def value_index(
    calibration: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    weights="expansion",
    normalization: str = "percentile",
) -> pd.Series:
    """The five-value index of each user in ``frame`` (a :func:`churn_frame`), normalised on
    the ``calibration`` frame (e.g. the training snapshot) with the shared
    :class:`~analysis.studies.scores.FiveValueScorer`. Indexed like ``frame``; in [0, 1] with the
    percentile normalisation."""
    vs = ValueScores(normalization=normalization, weights=weights).fit(calibration)
    return pd.Series(vs.transform(frame)[:, -1], index=frame.index, name="value_index")


def _reference_row(frame: pd.DataFrame) -> dict:
    ref = {}
    for c in MODEL_FEATURES:
        s = frame[c]
        if c in CATEGORICAL:
            ref[c] = s.mode(dropna=True).iloc[0]
        else:
            ref[c] = float(np.nanmedian(s.to_numpy(dtype="float64"))) if s.notna().any() else np.nan
    return ref


def risk_reasons(
    model, rows: pd.DataFrame, *, reference: Mapping, n_reasons: int = 3
) -> pd.DataFrame:
    """The features that push each row's churn risk up most.

    For each feature, the row's risk minus its risk with that one feature set to the
    ``reference`` value (a typical user: median / most common). Returns, per row,
    ``reason_1..n`` (text such as ``days_since_last_interaction=41 (typical 3): +12.0 pts``)
    and ``contribution_1..n`` (in probability points, positive only; NaN/empty when fewer
    features raise the risk).
    """
    X = rows[MODEL_FEATURES]
    base = model.predict_proba(X)[:, 1]
    contrib = np.empty((len(X), len(MODEL_FEATURES)))
    for j, c in enumerate(MODEL_FEATURES):
        Xm = X.copy()
        Xm[c] = reference[c] if c in CATEGORICAL else np.float64(reference[c])
        contrib[:, j] = base - model.predict_proba(Xm)[:, 1]
    top = np.argsort(-contrib, axis=1, kind="stable")[:, :n_reasons]
    out = {}
    for k in range(n_reasons):
        texts, vals = [], []
        for i in range(len(X)):
            j = top[i, k]
            v = contrib[i, j]
            if not v > 0:
                texts.append("")
                vals.append(np.nan)
                continue
            f = MODEL_FEATURES[j]
            x, r = X.iat[i, j], reference[f]
            fmt = (lambda z: str(z)) if f in CATEGORICAL else (lambda z: f"{z:.3g}")
            texts.append(f"{f}={fmt(x)} (typical {fmt(r)}): +{100 * v:.1f} pts")
            vals.append(v)
        out[f"reason_{k + 1}"] = texts
        out[f"contribution_{k + 1}"] = vals
    return pd.DataFrame(out, index=rows.index)


def at_risk_list(
    model,
    frame: pd.DataFrame,
    *,
    value: pd.Series,
    top_n: int = 100,
    n_reasons: int = 3,
    value_name: str = "value",
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Users ranked by churn risk × value, with the reasons behind each risk.

    ``value`` (indexed by ``user_id``; e.g. a five-value index or expected LTV, >= 0) is
    aligned to ``frame``; users without a value get 0. Returns the ``top_n`` users (index
    ``user_id`` — export with :func:`export_at_risk`, which replaces it) with ``rank``,
    ``risk``, ``value_name``, ``priority`` (= risk × value), ``stage``,
    ``days_since_last_interaction`` and the reasons of :func:`risk_reasons`.
    """
    with limited_threads(n_threads):
        risk = model.predict_proba(frame[MODEL_FEATURES])[:, 1]
    val = pd.Series(value).reindex(frame.index).fillna(0.0).to_numpy(dtype="float64")
    if (val < 0).any():
        raise ValueError("value must be non-negative to rank by risk × value")
    pr = risk * val
    order = np.lexsort((frame.index.to_numpy(), -pr))[:top_n]  # ties by id: deterministic
    rows = frame.iloc[order]
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(order) + 1),
            "risk": risk[order],
            value_name: val[order],
            "priority": pr[order],
            "stage": rows["stage"].to_numpy(),
            "days_since_last_interaction": rows["days_since_last_interaction"].to_numpy(),
        },
        index=rows.index,
    )
    with limited_threads(n_threads):
        reasons = risk_reasons(model, rows, reference=_reference_row(frame), n_reasons=n_reasons)
    return out.join(reasons)


def export_at_risk(
    at_risk: pd.DataFrame, path: str | Path, *, key: str | bytes | None = None
) -> Path:
    """Write :func:`at_risk_list` as UTF-8 CSV with ``pseudo_id`` first and no raw ids."""
    out = at_risk.reset_index(names="user_id")
    out.insert(0, "pseudo_id", pseudonymise(out["user_id"], key=key).to_numpy())
    out = out.drop(columns=["user_id"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8")
    return path
