"""How sure are the lifetime values? Parameter uncertainty carried into every customer's
P(alive), expected purchases and CLV, and into segment totals.

The fitted parameters are uncertain: their sampling distribution is approximately normal with
the inverse observed information as covariance (on the log scale for the base parameters).
:func:`value_draws` draws parameter sets from it — BG/NBD from
:class:`~analysis.studies.ltv_covariates.CovariatePurchaseModel` (with or without
covariates), Gamma-Gamma from the numerical Hessian of its likelihood
(:func:`spend_covariance`) — and recomputes each customer's values under every draw. The
percentiles of those values are the customer's interval; the percentiles of a segment's summed
values are the segment's. (The bootstrap over customers in
:func:`analysis.studies.clv.segment_summary` answers another question — which customers happen
to be in the data — and is reported beside it.)

Customers sharing a (frequency, recency, T, covariate cell) pattern share their purchase
predictions, so those are computed once per pattern and draw. Under each draw a customer's CLV
is their expected purchases over the horizon under that draw, times their discount factor
(discounted over undiscounted expected purchases) at the estimate, times their expected spend
under the spend draw: the discount factor depends on when in the horizon the purchases fall,
which the parameters barely move, and computing it per draw would cost one pass per time unit
of the horizon. (The expected purchases under a draw are those held per pattern, in
float32.) At the estimates the values are exactly those of
:func:`analysis.studies.clv.customer_value`. The per-customer CLV draws are computed a block
of customers at a time, for the intervals and the segment sums, and never held all at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from analysis.aggregate.periods import units_per_year as derive_units_per_year
from analysis.studies.clv import discounted_purchases
from analysis.studies.ltv import (
    SpendModel,
    gamma_gamma_spend,
    numerical_hessian,
    require_columns_of,
)
from analysis.studies.ltv_covariates import (
    CovariatePurchaseModel,
    bgnbd_conditional_expected,
    bgnbd_probability_alive,
)
from analysis.studies.ltv_pareto import distinct_rows

METRICS = ("p_alive", "expected_purchases", "clv")


def gamma_gamma_log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Gamma-Gamma log-likelihood of each repeat buyer's mean spend ``m`` over ``x`` repeat
    purchases (Fader & Hardie 2013), ``params = (p, q, gamma)``."""
    p, q, g = params
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(g)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(g + m * x)
    )


def spend_covariance(
    spend: SpendModel,
    summary: pd.DataFrame,
    *,
    frequency_col: str = "frequency",
    monetary_col: str = "monetary_value",
    step: float = 1e-4,
) -> np.ndarray:
    """Covariance of the Gamma-Gamma log-parameters ``log (p, q, gamma)``: the inverse of the
    observed information (central-difference Hessian of the total log-likelihood of the repeat
    buyers with positive spend in ``summary``, the data the model was fitted on)."""
    require_columns_of(summary, (frequency_col, monetary_col))
    keep = (summary[frequency_col] > 0) & (summary[monetary_col] > 0)
    x = summary.loc[keep, frequency_col].to_numpy(dtype=float)
    m = summary.loc[keep, monetary_col].to_numpy(dtype=float)
    theta = np.log(spend.params_.to_numpy())

    def f(t: np.ndarray) -> float:
        return float(gamma_gamma_log_likelihood(np.exp(t), x, m).sum())

    return np.linalg.inv(-numerical_hessian(f, theta, step=step))


#: customers per block when per-customer draws are computed (a block's draws are ~13 MB)
BLOCK = 16_384


@dataclass(frozen=True)
class ValueDraws:
    """Each customer's values at the estimates (``point``: ``p_alive``,
    ``expected_purchases`` and, with a spend model, ``clv``; indexed like the summary) and
    under ``n_draws`` parameter draws.

    The draws are never held as one ``(customers, draws)`` array per metric (at 2.6M buyers
    and 200 draws that is 2.1 GB each): ``by_pattern`` holds each metric's draws once per
    pattern (``(patterns, draws)``, float32) and ``pattern`` each customer's row in them; CLV,
    which also depends on the customer's own spend, is computed block by block from
    ``spend`` (:class:`SpendDraws`). :meth:`customer_draws` gives any customers' draws."""

    point: pd.DataFrame
    by_pattern: dict[str, np.ndarray]
    pattern: np.ndarray
    spend: SpendDraws | None = None

    @property
    def metrics(self) -> list[str]:
        return self.point.columns.tolist()

    @property
    def n_draws(self) -> int:
        return next(iter(self.by_pattern.values())).shape[1]

    def customer_draws(self, metric: str, rows: slice = slice(None)) -> np.ndarray:
        """The ``(customers, draws)`` float32 draws of ``metric`` for the customers in
        ``rows`` (all by default: mind the memory on big data)."""
        if metric in self.by_pattern:
            return self.by_pattern[metric][self.pattern[rows]]
        if metric == "clv" and self.spend is not None:
            return self.spend.clv(self.pattern[rows], rows)
        raise KeyError(f"no draws of {metric!r}; there are {self.metrics}")

    def blocks(self) -> list[slice]:
        n = len(self.point)
        return [slice(start, start + BLOCK) for start in range(0, n, BLOCK)]

    def group_totals(self, metric: str, codes: np.ndarray, n_groups: int) -> np.ndarray:
        """``(n_groups, draws)``: the summed draws of ``metric`` over the customers of each
        group (``codes``: each customer's group 0..n_groups-1, or -1 for none), in float64
        (float32 draws added row by row drift on big groups)."""
        totals = np.zeros((n_groups, self.n_draws), dtype=np.float64)
        for rows in self.blocks():
            values, inside = self.customer_draws(metric, rows), codes[rows]
            for g in np.unique(inside[inside >= 0]):
                totals[g] += values[inside == g].sum(axis=0, dtype=np.float64)
        return totals

    def customer_table(self, *, ci: float = 0.95) -> pd.DataFrame:
        """One row per customer: each metric with ``<metric>_lower`` / ``<metric>_upper``
        (percentile interval of the draws; once per pattern where customers share them)."""
        lo, hi = (1 - ci) / 2, 1 - (1 - ci) / 2
        out = {}
        for metric in self.metrics:
            if metric in self.by_pattern:
                q = np.quantile(self.by_pattern[metric], [lo, hi], axis=1)[:, self.pattern]
            else:
                q = np.empty((2, len(self.point)))
                for rows in self.blocks():
                    q[:, rows] = np.quantile(self.customer_draws(metric, rows), [lo, hi], axis=1)
            out[metric] = self.point[metric].to_numpy()
            out[f"{metric}_lower"], out[f"{metric}_upper"] = q[0], q[1]
        return pd.DataFrame(out, index=self.point.index)

    def segment_table(self, labels: pd.Series, *, ci: float = 0.95) -> pd.DataFrame:
        """Per segment (``labels``, indexed like the customers; customers without a label are
        left out) and metric: ``n_customers``, ``total`` with ``total_lower`` /
        ``total_upper`` and ``mean`` with ``mean_lower`` / ``mean_upper`` (parameter
        uncertainty only)."""
        lo, hi = (1 - ci) / 2, 1 - (1 - ci) / 2
        labels = labels.reindex(self.point.index)
        segments = sorted(labels.dropna().unique())
        codes = pd.Categorical(labels, categories=segments).codes.astype(np.int64)
        n = np.bincount(codes[codes >= 0], minlength=len(segments))
        totals = {m: self.group_totals(m, codes, len(segments)) for m in self.metrics}
        rows = []
        for g, segment in enumerate(segments):
            for metric in self.metrics:
                t_lo, t_hi = np.quantile(totals[metric][g], [lo, hi])
                total = float(self.point[metric].to_numpy()[codes == g].sum())
                rows.append(
                    {
                        "segment": segment,
                        "metric": metric,
                        "n_customers": int(n[g]),
                        "total": total,
                        "total_lower": t_lo,
                        "total_upper": t_hi,
                        "mean": total / n[g],
                        "mean_lower": t_lo / n[g],
                        "mean_upper": t_hi / n[g],
                    }
                )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class SpendDraws:
    """What each customer's CLV under each draw is made of: the expected purchases per pattern
    and draw (``expected``, float32) times the pattern's discount factor at the estimates
    (``factor``), the customer's repeat purchases and mean spend
    (``frequency``, ``monetary``) and the Gamma-Gamma parameters of each draw (``params``:
    rows p, q, gamma)."""

    expected: np.ndarray
    factor: np.ndarray
    frequency: np.ndarray
    monetary: np.ndarray
    params: np.ndarray

    def clv(self, patterns: np.ndarray, rows: slice) -> np.ndarray:
        spent = gamma_gamma_spend(
            *self.params, self.frequency[rows, None], self.monetary[rows, None]
        )
        discounted = self.expected[patterns] * self.factor[patterns, None]
        return (discounted * spent).astype(np.float32)


def value_draws(
    summary: pd.DataFrame,
    *,
    purchases: CovariatePurchaseModel,
    spend: SpendModel | None = None,
    horizon: float,
    discount_rate: float = 0.0,
    freq: str,
    freq_multiplier: float = 1,
    covariates: pd.DataFrame | None = None,
    n_draws: int = 200,
    random_state: int | None = 0,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_col: str = "monetary_value",
) -> ValueDraws:
    """P(alive), expected purchases over ``horizon`` and (with ``spend``) discounted CLV of
    each customer at the estimates and under ``n_draws`` parameter draws (see the module
    docstring). ``purchases`` is a fitted BG/NBD
    :class:`~analysis.studies.ltv_covariates.CovariatePurchaseModel` (``covariates`` as it
    was fitted with); time units a year follow from ``freq`` and ``freq_multiplier``."""
    if purchases.model != "bgnbd":
        raise NotImplementedError("value draws are implemented for BG/NBD only")
    if horizon <= 0 or n_draws < 2:
        raise ValueError(f"need horizon > 0 and n_draws >= 2, got {horizon!r}, {n_draws!r}")
    per_year = derive_units_per_year(freq, freq_multiplier)
    cols = [frequency_col, recency_col, T_col]
    require_columns_of(summary, cols + ([monetary_col] if spend is not None else []))
    rng = np.random.default_rng(random_state)
    cov = purchases.covariance_.to_numpy()
    if not np.isfinite(cov).all():
        raise ValueError("the purchase model has no covariance (its information is singular)")
    thetas = rng.multivariate_normal(purchases.theta_, cov, size=n_draws, method="eigh")
    # distinct patterns (with the covariate cell) share their purchase predictions
    keys = summary[cols].astype(float)
    if covariates is not None:
        keys = pd.concat([keys, covariates.reindex(summary.index).astype(float)], axis=1)
    pattern = keys.groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    first = np.unique(pattern, return_index=True)[1]
    x, t_x, T = (summary[c].to_numpy(dtype=float)[first] for c in cols)
    cov_rows = None if covariates is None else covariates.reindex(summary.index).iloc[first]
    # the hypergeometric term of the expected purchases depends on (cell, x, T), not t_x
    cells = [] if cov_rows is None else [cov_rows[c].to_numpy(dtype=float) for c in cov_rows]
    distinct = distinct_rows(x, T, *cells)

    def purchase_values(theta) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        params = np.broadcast_to(purchases.customer_params(cov_rows, theta=theta), (len(x), 4))
        alive = bgnbd_probability_alive(params, x, t_x, T)
        expected = bgnbd_conditional_expected(params, horizon, x, t_x, T, distinct=distinct)
        return params, alive, expected

    params, alive, expected = purchase_values(purchases.theta_)
    point = pd.DataFrame(
        {"p_alive": alive[pattern], "expected_purchases": expected[pattern]}, index=summary.index
    )
    # float32 draws: half the memory, far more precision than the intervals have; the purchase
    # metrics are drawn once per pattern (customers gather them when asked)
    per_pattern = {
        k: np.empty((len(x), n_draws), dtype=np.float32) for k in ("p_alive", "expected_purchases")
    }
    if spend is not None:
        discounted = discounted_purchases(
            lambda k: bgnbd_conditional_expected(params, k, x, t_x, T, distinct=distinct),
            horizon=horizon,
            discount_rate=discount_rate,
            units_per_year=per_year,
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = np.where(expected > 0, discounted / expected, 1.0)
        f = summary[frequency_col].to_numpy(dtype=float)
        m = summary[monetary_col].to_numpy(dtype=float)
        point["clv"] = discounted[pattern] * gamma_gamma_spend(
            *np.exp(np.log(spend.params_.to_numpy())), f, m
        )
        spend_draws = rng.multivariate_normal(
            np.log(spend.params_.to_numpy()),
            spend_covariance(
                spend, summary, frequency_col=frequency_col, monetary_col=monetary_col
            ),
            size=n_draws,
            method="eigh",
        )
    for d in range(n_draws):
        _, a, e = purchase_values(thetas[d])
        per_pattern["p_alive"][:, d], per_pattern["expected_purchases"][:, d] = a, e
    if spend is None:
        return ValueDraws(point=point, by_pattern=per_pattern, pattern=pattern)
    spend_params = np.array([np.exp(row) for row in spend_draws]).T  # rows p, q, gamma
    expected_draws = per_pattern["expected_purchases"]
    parts = SpendDraws(expected_draws, factor=factor, frequency=f, monetary=m, params=spend_params)
    return ValueDraws(point=point, by_pattern=per_pattern, pattern=pattern, spend=parts)
