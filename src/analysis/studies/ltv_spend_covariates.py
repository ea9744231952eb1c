"""Gamma-Gamma spend with time-invariant covariates: does a customer's channel (or any
per-customer covariate) change how much they spend per purchase?

Gamma-Gamma (Fader & Hardie 2013): each purchase of customer ``i`` is Gamma(``p``, ``nu_i``)
and ``nu_i`` is Gamma(``q``, ``gamma``) across customers, so the mean spend per purchase is
``p * gamma / (q - 1)``. With covariates ``x_i`` the scale becomes
``gamma_i = gamma_0 * exp(delta . x_i)``, so a customer's mean spend per purchase is
multiplied by ``exp(delta . x_i)`` — the **multiplier** reported, with a Wald 95% interval
from the observed information. Fitted by maximum likelihood on the repeat buyers with positive
mean spend (the data of :class:`~analysis.studies.ltv.SpendModel`), with exact gradients;
without covariates it gives the same parameters as that model (tested on CDNOW).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from analysis.data.errors import TooLittleData
from analysis.studies.ltv import require_columns_of

_Z95 = stats.norm.ppf(0.975)


def _log_likelihood(theta: np.ndarray, x: np.ndarray, m: np.ndarray, X: np.ndarray):
    """Each buyer's log-likelihood and its gradient in ``theta`` = (log p, log q, log gamma_0,
    delta...)."""
    p, q = np.exp(theta[0]), np.exp(theta[1])
    log_g = theta[2] + X @ theta[3:]
    g = np.exp(log_g)
    px = p * x
    log_gmx = np.log(g + m * x)
    value = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * log_g
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_gmx
    )
    psi_all = special.digamma(px + q)
    d_p = px * (psi_all - special.digamma(px) + np.log(m) + np.log(x) - log_gmx)
    d_q = q * (psi_all - special.digamma(q) + log_g - log_gmx)
    d_g = q - (px + q) * g / (g + m * x)
    return value, np.column_stack([d_p, d_q, d_g, X * d_g[:, None]])


class CovariateSpendModel:
    """Gamma-Gamma with covariates on the spend scale (see the module docstring).

    Attributes (after ``fit``)
    --------------------------
    params_ : Series ``p``, ``q``, ``gamma`` (of a customer whose covariates are all 0) and
        ``spend:<col>`` coefficients
    covariance_ : inverse observed information of (log p, log q, log gamma, coefficients)
    log_likelihood_, n_customers_, converged_
    """

    def __init__(self, *, tol: float = 1e-12, maxiter: int = 2000):
        self.tol = tol
        self.maxiter = maxiter

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        covariates: pd.DataFrame | None = None,
        frequency_col: str = "frequency",
        monetary_col: str = "monetary_value",
    ) -> CovariateSpendModel:
        """Fit on the repeat buyers of ``summary`` with positive ``monetary_col`` and their
        rows of ``covariates`` (numeric, indexed like the summary)."""
        require_columns_of(summary, (frequency_col, monetary_col))
        keep = (summary[frequency_col] > 0) & (summary[monetary_col] > 0)
        if keep.sum() < 3:
            raise TooLittleData(
                f"need at least 3 repeat buyers with positive {monetary_col!r}, "
                f"found {int(keep.sum())}"
            )
        used = summary.index[keep]
        if covariates is None:
            covariates = pd.DataFrame(index=summary.index)
        missing = used.difference(covariates.index)
        if len(missing):
            raise ValueError(
                f"covariates have no row for {len(missing):,} repeat buyers (e.g. {missing[0]!r})"
            )
        X = covariates.reindex(used).to_numpy(dtype=float)
        if not np.isfinite(X).all():
            raise ValueError("covariates have missing or infinite values")
        x = summary.loc[used, frequency_col].to_numpy(dtype=float)
        m = summary.loc[used, monetary_col].to_numpy(dtype=float)
        n, k = len(x), X.shape[1]

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            value, grad = _log_likelihood(theta, x, m, X)
            if not np.isfinite(value).all():
                return np.inf, np.zeros_like(theta)
            return -value.sum() / n, -grad.sum(axis=0) / n

        # start at the method-of-moments-like point p = q = 2, gamma from the mean spend
        theta0 = np.r_[np.log(2.0), np.log(2.0), np.log(np.mean(m) / 2.0), np.zeros(k)]
        result = optimize.minimize(
            objective,
            theta0,
            jac=True,
            method="L-BFGS-B",
            bounds=[(-15, 15)] * 3 + [(-10, 10)] * k,
            options={"maxiter": self.maxiter, "ftol": self.tol, "gtol": 1e-10},
        )
        theta = result.x
        # observed information: central differences of the exact gradient
        h = 1e-5
        info = np.empty((3 + k, 3 + k))
        for j in range(3 + k):
            e = np.zeros(3 + k)
            e[j] = h
            info[j] = (objective(theta + e)[1] - objective(theta - e)[1]) * n / (2 * h)
        info = (info + info.T) / 2
        try:
            cov = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            cov = np.full_like(info, np.nan)
        labels = ["log_p", "log_q", "log_gamma", *(f"spend:{c}" for c in covariates.columns)]
        self.theta_ = theta
        self.covariance_ = pd.DataFrame(cov, index=labels, columns=labels)
        self.params_ = pd.Series(
            np.r_[np.exp(theta[:3]), theta[3:]], index=["p", "q", "gamma", *labels[3:]]
        )
        self.log_likelihood_ = float(_log_likelihood(theta, x, m, X)[0].sum())
        self.n_customers_ = n
        self.converged_ = bool(result.success)
        return self

    def multipliers(self) -> pd.DataFrame:
        """Each covariate's multiplier of the mean spend per purchase, ``exp(delta)``, with
        its Wald 95% interval: ``process`` (``"spend"``), ``covariate``, ``multiplier``,
        ``lower_95``, ``upper_95``, ``coefficient``, ``std_error``, ``p_value``."""
        if not hasattr(self, "params_"):
            raise RuntimeError("this CovariateSpendModel is not fitted yet; call fit() first")
        coef = self.theta_[3:]
        se = np.sqrt(np.clip(np.diag(self.covariance_.to_numpy())[3:], 0, None))
        return pd.DataFrame(
            {
                "process": "spend",
                "covariate": [c.split(":", 1)[1] for c in self.params_.index[3:]],
                "multiplier": np.exp(coef),
                "lower_95": np.exp(coef - _Z95 * se),
                "upper_95": np.exp(coef + _Z95 * se),
                "coefficient": coef,
                "std_error": se,
                "p_value": 2 * stats.norm.sf(np.abs(coef / se)) if len(coef) else [],
            }
        )
