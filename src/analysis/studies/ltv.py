"""Customer lifetime value with buy-till-you-die models — the kit's only door to ``lifetimes``.

``lifetimes`` (0.11.3, archived) is imported here and nowhere else, lazily (not when
:mod:`analysis` is imported) and inside :func:`warnings.catch_warnings`, because importing
it — and calling some of its fitters — installs a process-wide ``FutureWarning`` filter.
We use only its fitters, which are correct; the RFM summary and the calibration/holdout
split are our own (:mod:`analysis.aggregate.transactions`), as are predictions over a
horizon, CLV, bootstrap intervals, holdout checks and plots.

Models
------
* :class:`PurchaseModel` — BG/NBD (``"bgnbd"``, default), Pareto/NBD (``"pareto_nbd"``) or
  modified BG/NBD (``"mbgnbd"``) on frequency / recency / T.
* :class:`SpendModel` — Gamma-Gamma on the mean repeat spend of repeat buyers, with its
  independence assumption checked (:func:`independence_check`).

Both fit on customers compressed to their distinct patterns, with the number of customers
of each pattern as weights (same likelihood, same parameters, much faster on large data).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import math
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
from scipy import stats

from analysis.aggregate.transactions import calibration_holdout_summary, repeat_transactions
from analysis.progress import progress

__all__ = [
    "PURCHASE_MODELS",
    "PUBLISHED_CDNOW",
    "PurchaseModel",
    "SpendModel",
    "compress_customers",
    "numerical_std_errors",
    "independence_check",
    "customer_value",
    "segment_summary",
    "holdout_predictions",
    "holdout_metrics",
    "calibration_by_frequency",
    "cumulative_transactions",
    "probability_alive_matrix",
    "expected_purchases_matrix",
    "compare_with_truth",
    "load_cdnow_sample",
    "reproduce_cdnow",
    "plot_calibration_by_frequency",
    "plot_cumulative_transactions",
    "plot_matrix",
]

#: Purchase models: our name → (lifetimes fitter class, parameter names).
PURCHASE_MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bgnbd": ("BetaGeoFitter", ("r", "alpha", "a", "b")),
    "pareto_nbd": ("ParetoNBDFitter", ("r", "alpha", "s", "beta")),
    "mbgnbd": ("ModifiedBetaGeoFitter", ("r", "alpha", "a", "b")),
}

#: Published CDNOW results (2,357-customer sample; weeks; calibration ends 1997-09-30):
#: BG/NBD and Pareto/NBD from Fader, Hardie & Lee (2005), Gamma-Gamma from Fader & Hardie
#: (2013). ``decimals`` is the reported precision.
PUBLISHED_CDNOW = pd.DataFrame(
    [
        ("bgnbd", "r", 0.243, 3),
        ("bgnbd", "alpha", 4.414, 3),
        ("bgnbd", "a", 0.793, 3),
        ("bgnbd", "b", 2.426, 3),
        ("bgnbd", "log_likelihood", -9582.4, 1),
        ("pareto_nbd", "r", 0.553, 3),
        ("pareto_nbd", "alpha", 10.578, 3),
        ("pareto_nbd", "s", 0.606, 3),
        ("pareto_nbd", "beta", 11.669, 3),
        ("gamma_gamma", "p", 6.25, 2),
        ("gamma_gamma", "q", 3.74, 2),
        ("gamma_gamma", "gamma", 15.44, 2),
    ],
    columns=["model", "parameter", "published", "decimals"],
)


# --------------------------------------------------------------------------------------
# the door to lifetimes
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Run lifetimes code without letting its warning filters escape (or its noise out)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _lifetimes() -> ModuleType:
    """Import lifetimes lazily, restoring the caller's warning filters afterwards."""
    with _quiet():
        import lifetimes
    return lifetimes


def _fitter_class(name: str) -> type:
    return getattr(_lifetimes(), name)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str = "summary") -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    for col in columns:
        if col not in frame.columns:
            raise ValueError(
                f"column {col!r} is missing from the {what} (columns: {list(frame.columns)})"
            )


def _check_rfm(
    frequency: np.ndarray, recency: np.ndarray, T: np.ndarray, cols: Sequence[str]
) -> None:
    checks = [
        (
            cols[0],
            ~((frequency >= 0) & (frequency == np.round(frequency))),
            "a non-negative integer",
        ),
        (cols[1], ~(recency >= 0), "non-negative"),
        (cols[2], ~(T >= recency), f"at least {cols[1]!r}"),
    ]
    for col, bad, must in checks:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            value = {cols[0]: frequency, cols[1]: recency, cols[2]: T}[col][i]
            raise ValueError(f"column {col!r} must be {must}; found {value!r} at position {i}")


def compress_customers(
    summary: pd.DataFrame, *, columns: Sequence[str] = ("frequency", "recency", "T")
) -> pd.DataFrame:
    """Distinct customer patterns with the number of customers sharing each.

    Returns a DataFrame with the given ``columns`` (one row per distinct combination,
    sorted) and ``weight`` (int, number of customers with that pattern).
    """
    _require(summary, columns)
    cols = list(columns)
    return summary.groupby(cols, sort=True).size().rename("weight").reset_index()


def _param_table(estimates: pd.Series, std_errors: np.ndarray) -> pd.DataFrame:
    """Readable estimates with standard errors and normal 95% intervals."""
    table = pd.DataFrame(
        {"estimate": estimates.to_numpy(dtype=float)},
        index=pd.Index(estimates.index, name="parameter"),
    )
    table["std_error"] = np.asarray(std_errors, dtype=float)
    table["lower_95"] = table["estimate"] - 1.959964 * table["std_error"]
    table["upper_95"] = table["estimate"] + 1.959964 * table["std_error"]
    return table


def _fitter_std_errors(fitter: object, n_params: int) -> np.ndarray:
    """lifetimes' own (autograd Hessian) standard errors, NaN where it has none."""
    if getattr(fitter, "_hessian_", None) is None:
        return np.full(n_params, np.nan)
    with _quiet():
        try:
            return np.asarray(fitter.standard_errors_, dtype=float)
        except (AttributeError, ValueError, np.linalg.LinAlgError):
            return np.full(n_params, np.nan)


def numerical_std_errors(
    neg_log_likelihood, params: np.ndarray, *, step: float = 1e-4
) -> np.ndarray:
    """Standard errors from a central-difference Hessian of the total negative
    log-likelihood in log-parameters (delta method back to the parameters).

    ``neg_log_likelihood`` maps a parameter vector to the total negative log-likelihood.
    Returns NaN where the Hessian is not positive definite.
    """
    theta = np.log(np.asarray(params, dtype=float))
    k = theta.size
    f = lambda t: float(neg_log_likelihood(np.exp(t)))  # noqa: E731
    f0 = f(theta)
    hess = np.empty((k, k))
    eye = np.eye(k) * step
    for a in range(k):
        for b in range(a, k):
            if a == b:
                value = (f(theta + eye[a]) - 2 * f0 + f(theta - eye[a])) / step**2
            else:
                value = (
                    f(theta + eye[a] + eye[b])
                    - f(theta + eye[a] - eye[b])
                    - f(theta - eye[a] + eye[b])
                    + f(theta - eye[a] - eye[b])
                ) / (4 * step**2)
            hess[a, b] = hess[b, a] = value
    try:
        cov_log = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    var = np.diag(cov_log)
    return np.where(var > 0, np.exp(theta) * np.sqrt(np.abs(var)), np.nan)


def _run_fit(
    make_fitter, full: pd.DataFrame, cols: Sequence[str], *, compress: bool, kwargs: dict
) -> tuple[object, pd.DataFrame]:
    """Fit a lifetimes fitter on compressed (or full) data; returns the fitter and the data used.

    If the optimiser reports non-convergence on the compressed data (it sometimes stops
    on "precision loss" where the full data converge), the full data are tried before
    giving up with a clear error.
    """
    attempts = [compress_customers(full, columns=cols)] if compress else []
    attempts.append(full.assign(weight=1))
    convergence_error = _lifetimes().utils.ConvergenceError
    for data in attempts:
        fitter = make_fitter()
        try:
            with _quiet(), contextlib.redirect_stdout(io.StringIO()):
                fitter.fit(
                    *(data[c].to_numpy() for c in cols), weights=data["weight"].to_numpy(), **kwargs
                )
            return fitter, data
        except convergence_error:
            continue
    raise RuntimeError(
        f"{type(fitter).__name__} did not converge on {len(full):,} customers; "
        "try a small penalizer (e.g. penalizer=0.001) or check the summary for outliers"
    )


# --------------------------------------------------------------------------------------
# purchase models
# --------------------------------------------------------------------------------------


class PurchaseModel:
    """A buy-till-you-die purchase model: BG/NBD, Pareto/NBD or modified BG/NBD.

    Parameters
    ----------
    model
        ``"bgnbd"`` (default), ``"pareto_nbd"`` or ``"mbgnbd"``.
    penalizer
        L2 penalty on the parameters (0 = plain maximum likelihood).
    compress
        Fit on distinct (frequency, recency, T) patterns weighted by their counts.
    tol
        Optimiser tolerance (Pareto/NBD uses Nelder–Mead; its lifetimes default of 1e-4
        is too loose to reproduce the published parameters, so ours is 1e-8).

    Attributes (after ``fit``)
    --------------------------
    params_ : Series of the model's parameters (time in the summary's unit)
    std_errors_ : array of their standard errors (see ``summary``)
    log_likelihood_ : total log-likelihood of the data at ``params_``
    n_customers_, n_patterns_ : customers fitted, and distinct patterns actually fitted
    fit_seconds_ : wall time of the optimisation
    fitter_ : the underlying lifetimes fitter
    """

    def __init__(
        self,
        model: str = "bgnbd",
        *,
        penalizer: float = 0.0,
        compress: bool = True,
        tol: float | None = None,
    ):
        self.model = model
        self.penalizer = penalizer
        self.compress = compress
        self.tol = tol

    # -- fitting ----------------------------------------------------------------------
    def fit(
        self,
        summary: pd.DataFrame,
        *,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
    ) -> PurchaseModel:
        """Fit on a per-customer summary (see :func:`summarize_transactions`)."""
        if self.model not in PURCHASE_MODELS:
            raise ValueError(f"model must be one of {sorted(PURCHASE_MODELS)}, got {self.model!r}")
        cols = (frequency_col, recency_col, T_col)
        _require(summary, cols)
        if len(summary) == 0:
            raise ValueError("cannot fit a purchase model on an empty summary")
        full = summary[list(cols)].astype("float64")
        _check_rfm(*(full[c].to_numpy() for c in cols), cols)
        class_name, names = PURCHASE_MODELS[self.model]
        kwargs: dict[str, object] = {}
        if self.model == "pareto_nbd":
            # deterministic start (lifetimes otherwise draws it from numpy's global RNG)
            kwargs = {
                "tol": 1e-8 if self.tol is None else self.tol,
                "initial_params": np.ones(4),
                "maxiter": 10000,
            }
        elif self.tol is not None:
            kwargs = {"tol": self.tol}
        start = time.perf_counter()
        bar = progress(total=3, desc=f"fitting {self.model}", enabled=len(full) >= 200_000)
        fitter, data = _run_fit(
            lambda: _fitter_class(class_name)(penalizer_coef=self.penalizer),
            full,
            cols,
            compress=self.compress,
            kwargs=kwargs,
        )
        bar.update(1)
        self.fit_seconds_ = time.perf_counter() - start
        self.fitter_ = fitter
        self.params_ = pd.Series(
            fitter.params_.to_numpy(), index=list(names), name=self.model, dtype=float
        )
        self.n_customers_ = int(data["weight"].sum())
        self.n_patterns_ = len(data)
        self.log_likelihood_ = self.log_likelihood(
            summary, frequency_col=frequency_col, recency_col=recency_col, T_col=T_col
        )
        bar.update(1)
        if self.model == "pareto_nbd":  # lifetimes computes no Hessian for Pareto/NBD
            arrays = [data[c].to_numpy() for c in cols]
            weights = data["weight"].to_numpy()
            self.std_errors_ = numerical_std_errors(
                lambda p: -self._total_log_likelihood(p, *arrays, weights), self.params_.to_numpy()
            )
        else:
            self.std_errors_ = _fitter_std_errors(fitter, len(names))
        bar.update(1)
        bar.close()
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; call fit() first")

    def _arrays(self, summary: pd.DataFrame, cols: Sequence[str]) -> list[np.ndarray]:
        _require(summary, cols)
        return [summary[c].to_numpy(dtype="float64") for c in cols]

    def log_likelihood(
        self,
        summary: pd.DataFrame,
        *,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
    ) -> float:
        """Total log-likelihood of ``summary`` at the fitted parameters (time unit as given)."""
        self._check_fitted()
        x, t_x, T = self._arrays(summary, (frequency_col, recency_col, T_col))
        return self._total_log_likelihood(self.params_.to_numpy(), x, t_x, T, np.ones_like(x))

    def _total_log_likelihood(
        self, params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weights: np.ndarray
    ) -> float:
        cls = type(self.fitter_)
        with _quiet():
            if self.model == "pareto_nbd":
                return float(np.sum(weights * cls._conditional_log_likelihood(params, x, t_x, T)))
            nll = cls._negative_log_likelihood(np.log(params), x, t_x, T, weights, 0.0)
            return -float(nll) * float(weights.sum())

    # -- predictions ------------------------------------------------------------------
    def expected_purchases(
        self,
        summary: pd.DataFrame,
        *,
        horizon: float | np.ndarray,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
    ) -> pd.Series:
        """Expected repeat purchases of each customer in the next ``horizon`` time units.

        ``horizon`` is a number or one value per customer. Returns a float Series aligned
        with ``summary.index`` named ``expected_purchases``.
        """
        self._check_fitted()
        x, t_x, T = self._arrays(summary, (frequency_col, recency_col, T_col))
        h = np.broadcast_to(np.asarray(horizon, dtype=float), x.shape)
        with _quiet():
            values = self._conditional(h, x, t_x, T)
        return pd.Series(values, index=summary.index, name="expected_purchases")

    def _conditional(
        self, h: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
    ) -> np.ndarray:
        out = np.empty_like(x)
        for value in np.unique(h):  # lifetimes takes a scalar horizon
            idx = h == value
            out[idx] = np.asarray(
                self.fitter_.conditional_expected_number_of_purchases_up_to_time(
                    float(value), x[idx], t_x[idx], T[idx]
                ),
                dtype=float,
            )
        return out

    def probability_alive(
        self,
        summary: pd.DataFrame,
        *,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
    ) -> pd.Series:
        """P(customer still alive at the end of observation); float Series ``p_alive``."""
        self._check_fitted()
        x, t_x, T = self._arrays(summary, (frequency_col, recency_col, T_col))
        with _quiet():
            values = np.asarray(self.fitter_.conditional_probability_alive(x, t_x, T), dtype=float)
        return pd.Series(values, index=summary.index, name="p_alive")

    def expected_purchases_new_customer(self, t: float | np.ndarray) -> np.ndarray:
        """Expected repeat purchases by time ``t`` after a random customer's first purchase."""
        self._check_fitted()
        t = np.asarray(t, dtype=float)
        with _quiet():
            return np.asarray(self.fitter_.expected_number_of_purchases_up_to_time(t), dtype=float)

    # -- presentation -----------------------------------------------------------------
    @property
    def summary(self) -> pd.DataFrame:
        """Parameters with standard errors and normal 95% intervals.

        Standard errors come from lifetimes' autograd Hessian, or for Pareto/NBD (where
        lifetimes has none) from our numerical Hessian of the log-likelihood.
        """
        self._check_fitted()
        return _param_table(self.params_, self.std_errors_)

    def __repr__(self) -> str:
        head = (
            f"PurchaseModel(model={self.model!r}, penalizer={self.penalizer}, "
            f"compress={self.compress})"
        )
        if not hasattr(self, "params_"):
            return head + " [not fitted]"
        params = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return (
            f"{head}\n  fitted on {self.n_customers_:,} customers ({self.n_patterns_:,} patterns): "
            f"{params}; log-likelihood {self.log_likelihood_:,.1f}"
        )


# --------------------------------------------------------------------------------------
# spend model
# --------------------------------------------------------------------------------------


def independence_check(
    summary: pd.DataFrame, *, frequency_col: str = "frequency", monetary_col: str = "monetary_value"
) -> pd.DataFrame:
    """Correlation of purchase frequency and mean spend among repeat buyers.

    Gamma-Gamma assumes spend per transaction is independent of how often a customer
    buys; a clear correlation means its spend predictions are biased.

    Returns a one-row DataFrame: ``n`` (repeat buyers), ``pearson_r`` with
    ``pearson_lower_95``/``pearson_upper_95`` (Fisher z) and ``pearson_p``, ``spearman_rho``
    and ``spearman_p``.
    """
    _require(summary, (frequency_col, monetary_col))
    rep = summary.loc[summary[frequency_col] > 0, [frequency_col, monetary_col]].astype(float)
    n = len(rep)
    row = {"n": n}
    if n >= 4 and rep[frequency_col].nunique() > 1 and rep[monetary_col].nunique() > 1:
        r, p = stats.pearsonr(rep[frequency_col], rep[monetary_col])
        z, half = np.arctanh(r), 1.959964 / math.sqrt(n - 3)
        rho, rho_p = stats.spearmanr(rep[frequency_col], rep[monetary_col])
        row |= {
            "pearson_r": float(r),
            "pearson_lower_95": float(np.tanh(z - half)),
            "pearson_upper_95": float(np.tanh(z + half)),
            "pearson_p": float(p),
            "spearman_rho": float(rho),
            "spearman_p": float(rho_p),
        }
    else:
        row |= dict.fromkeys(
            [
                "pearson_r",
                "pearson_lower_95",
                "pearson_upper_95",
                "pearson_p",
                "spearman_rho",
                "spearman_p",
            ],
            np.nan,
        )
    return pd.DataFrame([row])


class SpendModel:
    """Gamma-Gamma model of mean spend per transaction, fitted on repeat buyers.

    Attributes (after ``fit``)
    --------------------------
    params_ : Series ``p``, ``q``, ``gamma`` (lifetimes calls the last one ``v``)
    independence_ : the :func:`independence_check` table of the fitted data
    n_customers_, n_patterns_, n_dropped_ : repeat buyers fitted, distinct patterns, and
        repeat buyers left out because their mean spend was 0
    fitter_ : the underlying lifetimes fitter
    """

    def __init__(self, *, penalizer: float = 0.0, compress: bool = True):
        self.penalizer = penalizer
        self.compress = compress

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        frequency_col: str = "frequency",
        monetary_col: str = "monetary_value",
    ) -> SpendModel:
        """Fit on customers with ``frequency > 0`` (and positive ``monetary_value``)."""
        _require(summary, (frequency_col, monetary_col))
        data = summary[[frequency_col, monetary_col]].astype("float64")
        bad = data[monetary_col] < 0
        if bad.any():
            raise ValueError(
                f"column {monetary_col!r} must be >= 0; "
                f"found {data.loc[bad, monetary_col].iloc[0]!r}"
            )
        repeat = data[data[frequency_col] > 0]
        usable = repeat[repeat[monetary_col] > 0]
        if len(usable) < 3:
            raise ValueError(
                f"need at least 3 repeat buyers with positive {monetary_col!r}, found {len(usable)}"
            )
        self.independence_ = independence_check(
            usable, frequency_col=frequency_col, monetary_col=monetary_col
        )
        fitter, usable = _run_fit(
            lambda: _fitter_class("GammaGammaFitter")(penalizer_coef=self.penalizer),
            usable,
            (frequency_col, monetary_col),
            compress=self.compress,
            kwargs={},
        )
        self.fitter_ = fitter
        self.params_ = pd.Series(
            fitter.params_.to_numpy(), index=["p", "q", "gamma"], name="gamma_gamma", dtype=float
        )
        self.n_customers_ = int(usable["weight"].sum())
        self.n_patterns_ = len(usable)
        self.n_dropped_ = int(len(repeat) - self.n_customers_)
        return self

    def expected_spend(
        self,
        summary: pd.DataFrame,
        *,
        frequency_col: str = "frequency",
        monetary_col: str = "monetary_value",
    ) -> pd.Series:
        """Expected mean spend per future transaction (population mean for non-repeaters)."""
        if not hasattr(self, "params_"):
            raise RuntimeError("this SpendModel is not fitted yet; call fit() first")
        _require(summary, (frequency_col, monetary_col))
        p, q, g = self.params_.to_numpy()
        x = summary[frequency_col].to_numpy(dtype=float)
        m = summary[monetary_col].to_numpy(dtype=float)
        weight = p * x / (p * x + q - 1)
        values = (1 - weight) * (g * p / (q - 1)) + weight * m
        return pd.Series(values, index=summary.index, name="expected_spend")

    @property
    def population_mean_spend(self) -> float:
        """Mean spend per transaction of the population, ``p * gamma / (q - 1)``."""
        p, q, g = self.params_.to_numpy()
        return float(p * g / (q - 1)) if q > 1 else float("nan")

    @property
    def summary(self) -> pd.DataFrame:
        """Parameters with standard errors and 95% intervals."""
        if not hasattr(self, "params_"):
            raise RuntimeError("this SpendModel is not fitted yet; call fit() first")
        return _param_table(self.params_, _fitter_std_errors(self.fitter_, 3))

    def __repr__(self) -> str:
        head = f"SpendModel(penalizer={self.penalizer}, compress={self.compress})"
        if not hasattr(self, "params_"):
            return head + " [not fitted]"
        params = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        r = self.independence_["pearson_r"].iloc[0]
        return (
            f"{head}\n  Gamma-Gamma on {self.n_customers_:,} repeat buyers: {params}; "
            f"corr(frequency, spend) = {r:.3f}"
        )


# --------------------------------------------------------------------------------------
# per-customer value and segment totals
# --------------------------------------------------------------------------------------


def customer_value(
    summary: pd.DataFrame,
    *,
    purchases: PurchaseModel,
    spend: SpendModel | None = None,
    horizon: float,
    discount_rate: float = 0.0,
    units_per_year: float,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_col: str = "monetary_value",
) -> pd.DataFrame:
    """Per-customer expected purchases, P(alive), expected spend and discounted CLV.

    ``horizon`` is in the summary's time unit and ``discount_rate`` is annual;
    ``units_per_year`` converts (52.18 for weeks, 365.25 for days). CLV sums, over each
    time unit ``k`` of the horizon, the expected purchases in that unit times the expected
    spend, discounted by ``(1 + discount_rate) ** (k / units_per_year)``.

    Returns a DataFrame indexed like ``summary`` with columns ``expected_purchases``,
    ``p_alive`` and, with ``spend``, ``expected_spend`` and ``clv``.
    """
    if horizon <= 0 or discount_rate < 0 or units_per_year <= 0:
        raise ValueError(
            f"need horizon > 0, discount_rate >= 0 and units_per_year > 0; "
            f"got {horizon!r}, {discount_rate!r}, {units_per_year!r}"
        )
    rfm = {"frequency_col": frequency_col, "recency_col": recency_col, "T_col": T_col}
    out = pd.DataFrame(index=summary.index)
    out["expected_purchases"] = purchases.expected_purchases(summary, horizon=horizon, **rfm)
    out["p_alive"] = purchases.probability_alive(summary, **rfm)
    if spend is None:
        return out
    out["expected_spend"] = spend.expected_spend(
        summary, frequency_col=frequency_col, monetary_col=monetary_col
    )
    steps = np.append(np.arange(1, math.ceil(horizon)), horizon).astype(float)
    steps = np.unique(steps[steps <= horizon])
    previous = np.zeros(len(summary))
    discounted = np.zeros(len(summary))
    for k in steps:
        cumulative = purchases.expected_purchases(summary, horizon=k, **rfm).to_numpy()
        discounted += (cumulative - previous) / (1 + discount_rate) ** (k / units_per_year)
        previous = cumulative
    out["clv"] = discounted * out["expected_spend"].to_numpy()
    return out


def segment_summary(
    values: pd.DataFrame,
    *,
    by: str,
    value_cols: Sequence[str],
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Totals and means of per-customer values by segment, with bootstrap intervals.

    Customers are resampled with replacement within each segment (percentile intervals).

    Returns a tidy DataFrame, one row per (segment, metric): ``by``, ``metric``,
    ``n_customers``, ``total``, ``total_lower``, ``total_upper``, ``mean``, ``mean_lower``,
    ``mean_upper``.
    """
    _require(values, [by, *value_cols], what="values")
    if not 0 < ci < 1 or n_boot < 1:
        raise ValueError(f"need 0 < ci < 1 and n_boot >= 1, got ci={ci!r}, n_boot={n_boot!r}")
    rng = np.random.default_rng(random_state)
    lo, hi = (1 - ci) / 2, 1 - (1 - ci) / 2
    rows = []
    for segment, group in values.groupby(by, sort=True, observed=True):
        data = group[list(value_cols)].to_numpy(dtype=float)
        n = len(data)
        totals = np.empty((n_boot, data.shape[1]))
        batch = max(1, 2_000_000 // max(n, 1))
        for start in range(0, n_boot, batch):
            stop = min(n_boot, start + batch)
            idx = rng.integers(0, n, size=(stop - start, n))
            totals[start:stop] = data[idx].sum(axis=1)
        for j, metric in enumerate(value_cols):
            t_lo, t_hi = np.quantile(totals[:, j], [lo, hi])
            rows.append(
                {
                    by: segment,
                    "metric": metric,
                    "n_customers": n,
                    "total": data[:, j].sum(),
                    "total_lower": t_lo,
                    "total_upper": t_hi,
                    "mean": data[:, j].mean(),
                    "mean_lower": t_lo / n,
                    "mean_upper": t_hi / n,
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# holdout evaluation
# --------------------------------------------------------------------------------------

_CAL = {"frequency_col": "frequency_cal", "recency_col": "recency_cal", "T_col": "T_cal"}


def holdout_predictions(cal_holdout: pd.DataFrame, *, model: PurchaseModel) -> pd.DataFrame:
    """Predicted vs actual holdout purchases per customer.

    ``cal_holdout`` is the output of :func:`calibration_holdout_summary`. Returns a
    DataFrame indexed like it with ``frequency_cal``, ``actual`` (holdout purchases) and
    ``predicted`` (expected purchases over ``duration_holdout`` given the calibration data).
    """
    _require(
        cal_holdout,
        ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"],
        "calibration/holdout table",
    )
    predicted = model.expected_purchases(
        cal_holdout, horizon=cal_holdout["duration_holdout"].to_numpy(), **_CAL
    )
    return pd.DataFrame(
        {
            "frequency_cal": cal_holdout["frequency_cal"],
            "actual": cal_holdout["frequency_holdout"],
            "predicted": predicted,
        }
    )


def holdout_metrics(cal_holdout: pd.DataFrame, *, model: PurchaseModel) -> pd.DataFrame:
    """Aggregate and per-customer accuracy of holdout forecasts.

    Returns a one-row DataFrame: ``n_customers``, ``actual_total``, ``predicted_total``,
    ``total_error_pct`` (predicted vs actual, %), ``pearson_r``, ``spearman_rho``, ``mae``,
    ``rmse``.
    """
    pred = holdout_predictions(cal_holdout, model=model)
    a, p = pred["actual"].to_numpy(), pred["predicted"].to_numpy()
    constant = np.ptp(a) == 0 or np.ptp(p) == 0
    return pd.DataFrame(
        [
            {
                "n_customers": len(pred),
                "actual_total": a.sum(),
                "predicted_total": p.sum(),
                "total_error_pct": 100 * (p.sum() - a.sum()) / a.sum() if a.sum() > 0 else np.nan,
                "pearson_r": np.nan if constant else float(stats.pearsonr(a, p)[0]),
                "spearman_rho": np.nan if constant else float(stats.spearmanr(a, p)[0]),
                "mae": float(np.abs(a - p).mean()),
                "rmse": float(np.sqrt(((a - p) ** 2).mean())),
            }
        ]
    )


def calibration_by_frequency(
    cal_holdout: pd.DataFrame, *, model: PurchaseModel, max_frequency: int = 7
) -> pd.DataFrame:
    """Mean predicted vs actual holdout purchases by calibration frequency.

    Frequencies at or above ``max_frequency`` are pooled into one ``"{max}+"`` group.
    Returns a DataFrame with ``frequency_cal`` (str label, ordered), ``n_customers``,
    ``actual`` and ``predicted`` (mean holdout purchases per customer).
    """
    pred = holdout_predictions(cal_holdout, model=model)
    f = pred["frequency_cal"].clip(upper=max_frequency).astype(int)
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    grouped = pred.groupby(f, sort=True).agg(
        n_customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    grouped.index = pd.CategoricalIndex(
        [labels[i] for i in grouped.index], categories=labels, ordered=True, name="frequency_cal"
    )
    return grouped.reset_index()


def cumulative_transactions(
    transactions: pd.DataFrame,
    *,
    model: PurchaseModel,
    customer_col: str,
    time_col: str,
    calibration_end: object,
    observation_end: object,
    freq: str = "D",
    freq_multiplier: float = 1,
) -> pd.DataFrame:
    """Actual vs expected cumulative repeat transactions of the calibration cohort.

    The cohort is every customer whose first purchase is on or before
    ``calibration_end``; the expectation adds, for each of them, the model's expected
    repeat purchases of a new customer since their first purchase (Fader, Hardie & Lee's
    tracking plot). Time runs in the model's unit from the cohort's first purchase period.

    Returns a DataFrame, one row per time unit: ``t`` (model units since the first
    purchase period), ``period_start`` (Timestamp), ``actual``, ``predicted``
    (cumulative repeat transactions) and ``phase`` (``"calibration"`` / ``"holdout"``).
    """
    per = repeat_transactions(
        transactions,
        customer_col=customer_col,
        time_col=time_col,
        observation_end=observation_end,
        freq=freq,
    )
    cal = calibration_holdout_summary(
        transactions,
        customer_col=customer_col,
        time_col=time_col,
        calibration_end=calibration_end,
        observation_end=observation_end,
        freq=freq,
        freq_multiplier=freq_multiplier,
    )
    per = per[per[customer_col].isin(cal.index)]
    origin = per["period_start"].min()
    unit = pd.Timedelta(1, unit={"D": "D", "W": "W", "h": "h"}[freq])
    t_of = ((per["period_start"] - origin) / unit / freq_multiplier).to_numpy()
    first_t = t_of[per["is_first"].to_numpy()]
    repeat_t = np.sort(t_of[~per["is_first"].to_numpy()])
    horizon = float(
        cal["T_cal"].iloc[0]
        + cal["duration_holdout"].iloc[0]
        + t_of[per[customer_col] == cal.index[0]].min()
    )
    grid = np.arange(0, math.floor(horizon + 1e-9) + 1, dtype=float)
    if grid[-1] < horizon - 1e-9:  # end exactly at the observation end
        grid = np.append(grid, horizon)
    starts, counts = np.unique(first_t, return_counts=True)
    ages = grid[:, None] - starts[None, :]
    expected = np.zeros_like(ages)
    positive = ages > 0
    expected[positive] = model.expected_purchases_new_customer(ages[positive])
    cal_t = horizon - cal["duration_holdout"].iloc[0]
    return pd.DataFrame(
        {
            "t": grid,
            "period_start": origin
            + pd.to_timedelta(grid * freq_multiplier, unit={"D": "D", "W": "W", "h": "h"}[freq]),
            "actual": np.searchsorted(repeat_t, grid, side="right").astype(float),
            "predicted": expected @ counts,
            "phase": np.where(grid <= cal_t + 1e-9, "calibration", "holdout"),
        }
    )


# --------------------------------------------------------------------------------------
# matrices
# --------------------------------------------------------------------------------------


def _grid(max_frequency: int, max_T: float) -> tuple[np.ndarray, np.ndarray]:
    freqs = np.arange(max_frequency + 1, dtype=float)
    recs = np.arange(math.floor(max_T) + 1, dtype=float)
    return freqs, recs


def probability_alive_matrix(model: PurchaseModel, *, max_frequency: int, T: float) -> pd.DataFrame:
    """P(alive) for a customer of age ``T`` by frequency (columns) and recency (rows)."""
    freqs, recs = _grid(max_frequency, T)
    f, r = np.meshgrid(freqs, recs)
    frame = pd.DataFrame({"frequency": f.ravel(), "recency": r.ravel(), "T": float(T)})
    values = model.probability_alive(frame).to_numpy().reshape(f.shape)
    return pd.DataFrame(
        values,
        index=pd.Index(recs, name="recency"),
        columns=pd.Index(freqs.astype(int), name="frequency"),
    )


def expected_purchases_matrix(
    model: PurchaseModel, *, horizon: float, max_frequency: int, T: float
) -> pd.DataFrame:
    """Expected purchases in the next ``horizon`` units by frequency (columns) and recency
    (rows)."""
    freqs, recs = _grid(max_frequency, T)
    f, r = np.meshgrid(freqs, recs)
    frame = pd.DataFrame({"frequency": f.ravel(), "recency": r.ravel(), "T": float(T)})
    values = model.expected_purchases(frame, horizon=horizon).to_numpy().reshape(f.shape)
    return pd.DataFrame(
        values,
        index=pd.Index(recs, name="recency"),
        columns=pd.Index(freqs.astype(int), name="frequency"),
    )


# --------------------------------------------------------------------------------------
# simulator ground truth and the CDNOW reference
# --------------------------------------------------------------------------------------


def compare_with_truth(
    truth: dict,
    *,
    purchases: PurchaseModel | None = None,
    spend: SpendModel | None = None,
    unit_days: float,
) -> pd.DataFrame:
    """Recovered parameters against a simulator's true ones.

    ``truth`` holds ``{"purchases": {"r", "alpha"[, "s", "beta"], "time_unit": "day"},
    "spend": {"p", "q", "gamma"}}``; rate parameters are converted to the model's unit
    (``unit_days`` days per unit). Returns ``model``, ``parameter``, ``true``,
    ``estimate``, ``lower_95``, ``upper_95``, ``relative_error`` and ``covered`` (the true
    value lies inside the 95% interval).
    """
    rows = []
    if purchases is not None and "purchases" in truth:
        t = truth["purchases"]
        unit = str(t.get("time_unit", "day")).lower()
        if unit not in ("day", "days", "d"):
            raise ValueError(f"truth purchases time_unit must be 'day', got {unit!r}")
        table = purchases.summary
        scale = {"alpha": unit_days, "beta": unit_days}
        for name in table.index:
            if name in t and isinstance(t[name], (int, float)):
                rows.append(
                    (
                        purchases.model,
                        name,
                        t[name] / scale.get(name, 1.0),
                        *table.loc[name, ["estimate", "lower_95", "upper_95"]],
                    )
                )
    if spend is not None and "spend" in truth:
        table = spend.summary
        for name in table.index:
            if name in truth["spend"]:
                rows.append(
                    (
                        "gamma_gamma",
                        name,
                        truth["spend"][name],
                        *table.loc[name, ["estimate", "lower_95", "upper_95"]],
                    )
                )
    out = pd.DataFrame(
        rows, columns=["model", "parameter", "true", "estimate", "lower_95", "upper_95"]
    )
    out["relative_error"] = (out["estimate"] - out["true"]) / out["true"]
    out["covered"] = (out["lower_95"] <= out["true"]) & (out["true"] <= out["upper_95"])
    return out


def _cdnow_path() -> Path:
    spec = importlib.util.find_spec("lifetimes")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the lifetimes package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "CDNOW_sample.txt"


def load_cdnow_sample() -> pd.DataFrame:
    """The raw CDNOW sample transactions shipped with lifetimes (2,357 customers).

    Read directly (``lifetimes.datasets`` imports ``pkg_resources``). Returns
    ``customer_id`` (str, the CDNOW master id), ``sample_id`` (str, 1..2357), ``date``
    (datetime), ``cds`` (int) and ``dollars`` (float), one row per transaction.
    """
    return pd.read_csv(
        _cdnow_path(),
        sep=r"\s+",
        header=None,
        names=["customer_id", "sample_id", "date", "cds", "dollars"],
        dtype={
            "customer_id": str,
            "sample_id": str,
            "date": str,
            "cds": "int64",
            "dollars": "float64",
        },
    ).assign(date=lambda d: pd.to_datetime(d["date"], format="%Y%m%d"))


def reproduce_cdnow(summary: pd.DataFrame) -> pd.DataFrame:
    """Fit BG/NBD, Pareto/NBD and Gamma-Gamma on a CDNOW calibration summary.

    ``summary`` must be in weeks with ``monetary_value`` (see the notebook / tests).
    Returns :data:`PUBLISHED_CDNOW` with ``ours`` (full precision), ``ours_rounded`` (to
    the reported precision) and ``match`` (rounded values equal).
    """
    bg = PurchaseModel("bgnbd").fit(summary)
    pareto = PurchaseModel("pareto_nbd").fit(summary)
    gg = SpendModel().fit(summary)
    ours = {("bgnbd", k): v for k, v in bg.params_.items()}
    ours[("bgnbd", "log_likelihood")] = bg.log_likelihood_
    ours |= {("pareto_nbd", k): v for k, v in pareto.params_.items()}
    ours |= {("gamma_gamma", k): v for k, v in gg.params_.items()}
    out = PUBLISHED_CDNOW.copy()
    out["ours"] = [ours[(m, p)] for m, p in zip(out["model"], out["parameter"])]
    out["ours_rounded"] = [round(v, d) for v, d in zip(out["ours"], out["decimals"])]
    out["match"] = np.isclose(out["ours_rounded"], out["published"], rtol=0, atol=1e-9)
    return out


# --------------------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------------------


def plot_calibration_by_frequency(
    table: pd.DataFrame, *, ax=None, title: str | None = None, lang: str = "en"
):
    """Bars of actual vs predicted mean holdout purchases by calibration frequency. ``lang``
    ("en" or "zh") translates the labels and the title (:mod:`analysis.i18n`)."""
    import matplotlib.pyplot as plt

    from analysis.i18n import tr

    ax = ax if ax is not None else plt.gca()
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
    import matplotlib.pyplot as plt

    from analysis.i18n import say, tr

    ax = ax if ax is not None else plt.gca()
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
    import matplotlib.pyplot as plt

    from analysis.i18n import tr

    ax = ax if ax is not None else plt.gca()
    image = ax.imshow(matrix.to_numpy(), origin="lower", aspect="auto", interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label=tr(colorbar_label, lang))
    ax.set_xlabel(tr("frequency (repeat purchases)", lang))
    ax.set_ylabel(tr("recency (time of last purchase)", lang))
    ax.set_title(tr(title, lang))
    return ax
