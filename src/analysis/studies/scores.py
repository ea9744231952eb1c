"""Five-value scores and the weighted five-value index (五个价值加权指数).

The raw evidence per user — event counts per value and net order amount, in a look-back
window before a cut-off, optionally decayed with a half-life — comes from
:func:`analysis.aggregate.values.value_evidence`. This module turns it into comparable
scores and an index:

1. :class:`FiveValueScorer` learns a normalisation of each value on a **calibration**
   snapshot (``fit``) and applies it unchanged to any later snapshot (``transform``), so no
   information from the scored population leaks into its own scale. Normalisations:

   * ``"percentile"`` (default) — the mid-rank percentile of the value in the calibration
     distribution: ``(#below + ½·#equal) / n``, in [0, 1]. Robust to the heavy tails of counts
     and spend; users with no evidence share one (low) score.
   * ``"log_minmax"`` — ``log1p(max(x, 0))`` scaled by the calibration minimum and maximum to
     [0, 1]; values outside the calibration range are clipped to [0, 1].
   * ``"zscore"`` — ``(x − mean) / sd`` of the calibration snapshot (sd 0 → score 0).

2. The index is the weighted sum of the five normalised scores. Weights are a preset name —
   ``"expansion"`` (the essay's brand-expansion weights: experience 0.1, consumption 0.2,
   social 0.3, content 0.3, innovation 0.1) or ``"equal"`` (0.2 each) — or any mapping of
   the five values to non-negative weights summing to 1 (:func:`validate_weights`).

Example::

    from analysis.aggregate.values import value_evidence
    from analysis.studies.scores import FiveValueScorer

    calib = value_evidence(events, orders, as_of="2025-10-01", users=contacts.user_id)
    scorer = FiveValueScorer(weights="expansion").fit(calib)
    later = value_evidence(events, orders, as_of="2026-01-01", users=contacts.user_id)
    scores = scorer.transform(later)        # five normalised columns + "index"
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError

from analysis.aggregate.values import value_evidence
from analysis.data.vocab import VALUES

__all__ = [
    "PRESETS",
    "NORMALIZATIONS",
    "validate_weights",
    "five_value_index",
    "FiveValueScorer",
    "five_value_scores",
]

#: Named weight presets. ``expansion`` is the essay's weighting for a brand in its expansion
#: period; ``equal`` gives every value the same weight.
PRESETS: dict[str, dict[str, float]] = {
    "expansion": {
        "experience": 0.1,
        "consumption": 0.2,
        "social": 0.3,
        "content": 0.3,
        "innovation": 0.1,
    },
    "equal": {v: 0.2 for v in VALUES},
}

NORMALIZATIONS = ("percentile", "log_minmax", "zscore")
_TOL = 1e-6


def validate_weights(weights: str | Mapping[str, float] | pd.Series) -> dict[str, float]:
    """Check and return five-value weights as a dict in the order of :data:`VALUES`.

    ``weights`` is a preset name (see :data:`PRESETS`) or a mapping with exactly the five
    keys ``experience, consumption, social, content, innovation``, finite, non-negative and
    summing to 1 (within 1e-6). Anything else raises ``ValueError`` naming the problem.
    """
    if isinstance(weights, str):
        if weights not in PRESETS:
            raise ValueError(
                f"unknown weight preset {weights!r}; presets are "
                f"{sorted(PRESETS)}, or pass a mapping of the five values"
            )
        return dict(PRESETS[weights])
    if isinstance(weights, pd.Series):
        weights = weights.to_dict()
    if not isinstance(weights, Mapping):
        raise ValueError(
            f"weights must be a preset name or a mapping of the five values, "
            f"got {type(weights).__name__}"
        )
    keys = set(map(str, weights))
    missing = [v for v in VALUES if v not in keys]
    extra = sorted(keys - set(VALUES))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unknown {extra}")
        raise ValueError(
            f"weights must have exactly the five values {list(VALUES)}: " + "; ".join(parts)
        )
    out = {}
    for v in VALUES:
        try:
            w = float(weights[v])
        except (TypeError, ValueError):
            raise ValueError(f"weight of {v!r} is not a number: {weights[v]!r}") from None
        if not math.isfinite(w):
            raise ValueError(f"weight of {v!r} is not finite: {w}")
        if w < 0:
            raise ValueError(f"weight of {v!r} is negative: {w}; weights must be non-negative")
        out[v] = w
    total = sum(out.values())
    if abs(total - 1) > _TOL:
        raise ValueError(
            f"weights must sum to 1, they sum to {total:.6g} "
            f"({', '.join(f'{k}={w:g}' for k, w in out.items())})"
        )
    return out


def five_value_index(scores: pd.DataFrame, *, weights="expansion") -> pd.Series:
    """The weighted sum of the five normalised value columns of ``scores`` (a Series named
    ``index`` with the same row index)."""
    w = validate_weights(weights)
    _require_values(scores)
    vals = scores[list(VALUES)].to_numpy(dtype="float64")
    # rounded to 12 decimals so that users with equal scores tie exactly whatever the
    # floating-point summation order (matrix products may round identical rows differently)
    idx = np.round(vals @ np.array([w[v] for v in VALUES]), 12)
    return pd.Series(idx, index=scores.index, name="index")


def _require_values(frame) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"expected a DataFrame with the columns {list(VALUES)}, got {type(frame).__name__}"
        )
    missing = [v for v in VALUES if v not in frame.columns]
    if missing:
        raise ValueError(
            f"missing value columns {missing}; expected {list(VALUES)} "
            "(the output of analysis.aggregate.values.value_evidence)"
        )


class FiveValueScorer(TransformerMixin, BaseEstimator):
    """Normalise the five values on a calibration snapshot and build the weighted index.

    Parameters
    ----------
    normalization : ``"percentile"`` (default), ``"log_minmax"`` or ``"zscore"`` (see the
        module docstring).
    weights : preset name (``"expansion"``, ``"equal"``) or a mapping of the five values.

    ``fit(X)`` takes raw evidence (a DataFrame with the five value columns, e.g. from
    :func:`~analysis.aggregate.values.value_evidence`) and learns, per value, the reference
    distribution (``reference_``: sorted calibration values, percentile), or ``min_``/``max_``
    (log_minmax), or ``mean_``/``scale_`` (zscore). ``transform(X)`` returns a new frame with
    the same row index: the five normalised columns followed by ``index``. Inputs are never
    modified.
    """

    def __init__(self, normalization: str = "percentile", weights="expansion"):
        self.normalization = normalization
        self.weights = weights

    # -- learning -----------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y=None):
        if self.normalization not in NORMALIZATIONS:
            raise ValueError(
                f"normalization must be one of {NORMALIZATIONS}, got {self.normalization!r}"
            )
        self.weights_ = validate_weights(self.weights)
        _require_values(X)
        vals = X[list(VALUES)].to_numpy(dtype="float64")
        if vals.shape[0] == 0:
            raise ValueError("cannot fit on an empty calibration snapshot")
        if np.isnan(vals).any():
            raise ValueError("the calibration evidence contains missing values")
        self.n_calibration_ = int(vals.shape[0])
        self.feature_names_in_ = np.array(list(VALUES), dtype=object)
        self.n_features_in_ = len(VALUES)
        if self.normalization == "percentile":
            self.reference_ = {v: np.sort(vals[:, i]) for i, v in enumerate(VALUES)}
        elif self.normalization == "log_minmax":
            lv = np.log1p(np.maximum(vals, 0.0))
            self.min_ = dict(zip(VALUES, lv.min(axis=0)))
            self.max_ = dict(zip(VALUES, lv.max(axis=0)))
        else:
            self.mean_ = dict(zip(VALUES, vals.mean(axis=0)))
            self.scale_ = dict(zip(VALUES, vals.std(axis=0)))
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise NotFittedError("FiveValueScorer is not fitted: call fit(calibration) first")

    # -- applying -----------------------------------------------------------------------
    def normalize(self, X: pd.DataFrame) -> pd.DataFrame:
        """The five normalised value columns (same row index as ``X``)."""
        self._check_fitted()
        _require_values(X)
        vals = X[list(VALUES)].to_numpy(dtype="float64")
        if np.isnan(vals).any():
            raise ValueError("the evidence contains missing values")
        out = np.empty_like(vals)
        for i, v in enumerate(VALUES):
            x = vals[:, i]
            if self.normalization == "percentile":
                ref = self.reference_[v]
                below = np.searchsorted(ref, x, side="left")
                upto = np.searchsorted(ref, x, side="right")
                out[:, i] = (below + 0.5 * (upto - below)) / ref.size
            elif self.normalization == "log_minmax":
                lo, hi = self.min_[v], self.max_[v]
                lx = np.log1p(np.maximum(x, 0.0))
                out[:, i] = np.clip((lx - lo) / (hi - lo), 0.0, 1.0) if hi > lo else 0.0
            else:
                sd = self.scale_[v]
                out[:, i] = (x - self.mean_[v]) / sd if sd > 0 else 0.0
        return pd.DataFrame(out, index=X.index, columns=list(VALUES))

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Five normalised value columns and the weighted ``index`` (same row index as X)."""
        norm = self.normalize(X)
        norm["index"] = five_value_index(norm, weights=self.weights_)
        return norm

    def index(self, X: pd.DataFrame, *, weights=None) -> pd.Series:
        """The weighted index of ``X`` (with the fitted weights, or other ``weights``)."""
        return five_value_index(
            self.normalize(X), weights=self.weights_ if weights is None else weights
        )

    def get_feature_names_out(self, input_features=None):
        return np.array([*VALUES, "index"], dtype=object)

    # -- reporting ----------------------------------------------------------------------
    @property
    def summary(self) -> pd.DataFrame:
        """One row per value: weight and the learned normalisation parameters."""
        self._check_fitted()
        rows = []
        for v in VALUES:
            row = {"value": v, "value_zh": VALUES[v], "weight": self.weights_[v]}
            if self.normalization == "percentile":
                ref = self.reference_[v]
                row |= {
                    "calib_median": float(np.median(ref)),
                    "calib_p90": float(np.quantile(ref, 0.9)),
                    "share_zero": float((ref == 0).mean()),
                }
            elif self.normalization == "log_minmax":
                row |= {"log1p_min": self.min_[v], "log1p_max": self.max_[v]}
            else:
                row |= {"mean": self.mean_[v], "sd": self.scale_[v]}
            rows.append(row)
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        w = self.weights if isinstance(self.weights, str) else "custom"
        head = f"FiveValueScorer(normalization={self.normalization!r}, weights={w!r})"
        if hasattr(self, "weights_"):
            return f"{head}: fitted on {self.n_calibration_:,} users"
        return f"{head}: not fitted"


def five_value_scores(
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    lookback_days: float | None = 180,
    half_life_days: float | None = None,
    users: pd.Series | None = None,
    scorer: FiveValueScorer | None = None,
    normalization: str = "percentile",
    weights="expansion",
    vocabulary=None,
) -> pd.DataFrame:
    """Five normalised value scores and the index per user as of ``as_of`` (indexed by
    ``user_id``), from events and orders in ``[as_of - lookback_days, as_of)``.

    The raw evidence is :func:`~analysis.aggregate.values.value_evidence` (the vocabulary
    decides which events feed which value; consumption is the net order amount; each record
    is weighted ``0.5 ** (age / half_life_days)`` when a half-life is given). With a fitted
    ``scorer`` (learned on an earlier calibration snapshot) its normalisation and weights are
    applied; without one, a new scorer with ``normalization`` and ``weights`` is fitted on
    this snapshot itself (then this snapshot *is* the calibration).
    """
    ev = value_evidence(
        events,
        orders,
        as_of=as_of,
        lookback_days=lookback_days,
        half_life_days=half_life_days,
        users=users,
        vocabulary=vocabulary,
    )
    if scorer is None:
        scorer = FiveValueScorer(normalization=normalization, weights=weights).fit(ev)
    return scorer.transform(ev)
