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
Pareto/NBD's likelihood is lifetimes' computed once per distinct value of each term
(:mod:`analysis.studies.ltv_pareto`): the same values bit for bit, so the same fit.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import time
import warnings
from collections.abc import Iterator, Sequence
from types import ModuleType

import numpy as np
import pandas as pd
from scipy import stats

from analysis.data.errors import TooLittleData
from analysis.progress import progress
from analysis.reuse import reused
from analysis.studies.ltv_pareto import PatternIndex, conditional_log_likelihood, pareto_fitter

#: Purchase models: our name → (lifetimes fitter class, parameter names).
PURCHASE_MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bgnbd": ("BetaGeoFitter", ("r", "alpha", "a", "b")),
    "pareto_nbd": ("ParetoNBDFitter", ("r", "alpha", "s", "beta")),
    "mbgnbd": ("ModifiedBetaGeoFitter", ("r", "alpha", "a", "b")),
}


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


@functools.cache
def _fitter_class(name: str) -> type:
    base = getattr(_lifetimes(), name)
    return pareto_fitter(base) if name == "ParetoNBDFitter" else base


def require_columns_of(frame: pd.DataFrame, columns: Sequence[str], what: str = "summary") -> None:
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
    require_columns_of(summary, columns)
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


def numerical_hessian(f, theta: np.ndarray, *, step: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of the scalar function ``f`` at ``theta``."""
    theta = np.asarray(theta, dtype=float)
    k = theta.size
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
    return hess


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
    hess = numerical_hessian(lambda t: float(neg_log_likelihood(np.exp(t))), theta, step=step)
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
    @reused(fits=True)
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
        require_columns_of(summary, cols)
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
            weights, index = data["weight"].to_numpy(), PatternIndex.of(*arrays)
            self.std_errors_ = numerical_std_errors(
                lambda p: -self._total_log_likelihood(p, *arrays, weights, index=index),
                self.params_.to_numpy(),
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
        require_columns_of(summary, cols)
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
        self,
        params: np.ndarray,
        x: np.ndarray,
        t_x: np.ndarray,
        T: np.ndarray,
        weights: np.ndarray,
        *,
        index: PatternIndex | None = None,
    ) -> float:
        cls = type(self.fitter_)
        with _quiet():
            if self.model == "pareto_nbd":
                ll = conditional_log_likelihood(params, x, t_x, T, index)
                return float(np.sum(weights * ll))
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
    require_columns_of(summary, (frequency_col, monetary_col))
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


def gamma_gamma_spend(p, q, g, frequency, monetary):
    """Gamma-Gamma expected mean spend of customers with ``frequency`` repeat purchases of
    mean ``monetary`` under parameters ``(p, q, g)`` (scalars, or arrays that broadcast)."""
    weight = p * frequency / (p * frequency + q - 1)
    return (1 - weight) * (g * p / (q - 1)) + weight * monetary


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

    @reused(fits=True)
    def fit(
        self,
        summary: pd.DataFrame,
        *,
        frequency_col: str = "frequency",
        monetary_col: str = "monetary_value",
    ) -> SpendModel:
        """Fit on customers with ``frequency > 0`` (and positive ``monetary_value``)."""
        require_columns_of(summary, (frequency_col, monetary_col))
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
            raise TooLittleData(
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
        require_columns_of(summary, (frequency_col, monetary_col))
        x = summary[frequency_col].to_numpy(dtype=float)
        m = summary[monetary_col].to_numpy(dtype=float)
        values = gamma_gamma_spend(*self.params_.to_numpy(), x, m)
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
