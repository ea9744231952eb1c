"""Buy-till-you-die models with time-invariant covariates (channel, hook, first-order value,
anything known per customer), fitted by maximum likelihood on compressed patterns.

The form is Fader & Hardie's note on time-invariant covariates (2007, "Incorporating
time-invariant covariates into the Pareto/NBD and BG/NBD models") as CLVTools parameterises
it, with a covariate row ``x_i`` per customer:

* **purchase process** (both models): ``alpha_i = alpha_0 * exp(-gamma_purchase . x_i)``, so
  the mean purchase rate ``r / alpha_i`` is multiplied by ``exp(gamma_purchase . x_i)``;
* **dropout, Pareto/NBD**: ``beta_i = beta_0 * exp(-gamma_dropout . x_i)``, so the mean
  dropout rate ``s / beta_i`` is multiplied by ``exp(gamma_dropout . x_i)``;
* **dropout, BG/NBD**: ``a_i = a_0 * exp(gamma_dropout . x_i)`` and
  ``b_i = b_0 * exp(gamma_dropout . x_i)`` (CLVTools' form: the beta distribution of the
  dropout probability has no scale parameter, so both shapes move together; its mean
  ``a / (a + b)`` stays, its spread narrows as ``exp(gamma . x)`` grows).

A reported **multiplier** is ``exp(gamma)`` per covariate, with a Wald 95% interval from the
observed information (the Hessian of the log-likelihood at the estimate).

Why it is fast: customers are compressed to distinct (frequency, recency, T, covariate row)
patterns with counts. Every customer's log-likelihood depends on the parameters only through
four numbers of its own, ``eta_i = (log r, log alpha_i, log a_i | log s, log b_i | log
beta_i)``, which are linear in the parameters. The gradient and the observed information are
therefore sums over patterns of the derivatives in ``eta`` (central differences, vectorised
over all patterns at once: 9 evaluations for a gradient, 33 for the Hessian, however many
covariates there are) mapped through the design matrix — no autograd, no per-parameter
finite differences. The likelihoods are written here with :mod:`scipy.special` (this module
does not import lifetimes); without covariates they equal lifetimes' (tested on CDNOW).

Why this module is long: the two likelihoods, the exact BG/NBD gradient, the mapping of
per-cell derivatives to the parameters, the fitting strategy (base parameters, then whitened
coordinates), the BG/NBD predictions under any parameter draw and the likelihood-ratio test
all read the same ``eta`` layout; split, each part would have to restate it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from analysis.studies.ltv import require_columns_of
from analysis.studies.ltv_pareto import distinct_rows

#: Parameter names of each model, in order, and the signs with which the purchase and dropout
#: covariates enter ``eta`` (see the module docstring).
_MODELS = {
    "bgnbd": {
        "params": ("r", "alpha", "a", "b"),
        "purchase_sign": np.array([0.0, -1.0, 0.0, 0.0]),
        "dropout_sign": np.array([0.0, 0.0, 1.0, 1.0]),
    },
    "pareto_nbd": {
        "params": ("r", "alpha", "s", "beta"),
        "purchase_sign": np.array([0.0, -1.0, 0.0, 0.0]),
        "dropout_sign": np.array([0.0, 0.0, 0.0, -1.0]),
    },
}

_Z95 = stats.norm.ppf(0.975)


# ---- per-pattern log-likelihoods -----------------------------------------------------------
# ``eta`` holds one row of log-parameters per covariate cell; ``d`` the patterns: ``cell``
# (index into ``eta``), ``x``, ``t_x``, ``T`` and the distinct (cell, x) pairs ``pair_cell``,
# ``pair_x`` with ``pair`` (each pattern's pair), on which the gamma and beta functions are
# computed once instead of once per pattern; likewise Pareto/NBD's hypergeometric terms on the
# distinct (cell, x, t_x) and (cell, x, T) rows (``rec_first``/``rec_inverse``,
# ``age_first``/``age_inverse``: :func:`~analysis.studies.ltv_pareto.distinct_rows`).


def _pairs(cell: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    key = cell.astype(np.int64) * (int(x.max()) + 1 if len(x) else 1) + x.astype(np.int64)
    keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return {"pair_cell": cell[first], "pair_x": x[first], "pair": inverse.ravel()}


def _bgnbd_ll(eta: np.ndarray, d: dict, *, gradient: bool = False):
    """BG/NBD log-likelihood of each pattern (Fader, Hardie & Lee 2005, eq. 6), with
    ``eta = (log r, log alpha, log a, log b)`` per cell; with ``gradient``, also its exact
    derivatives in ``eta`` (``(patterns, 4)``)."""
    pc, px, pair = d["pair_cell"], d["pair_x"], d["pair"]
    r, a, b = np.exp(eta[pc, 0]), np.exp(eta[pc, 2]), np.exp(eta[pc, 3])
    beta_ab = special.betaln(a, b)
    gam = (special.gammaln(r + px) - special.gammaln(r))[pair]
    keep = (special.betaln(a, b + px) - beta_ab)[pair]
    repeat = px > 0
    drop_pair = np.full(px.shape, -np.inf)
    drop_pair[repeat] = special.betaln(a[repeat] + 1, b[repeat] + px[repeat] - 1) - beta_ab[repeat]
    cell, x = d["cell"], d["x"]
    r_row, log_alpha = np.exp(eta[cell, 0]), eta[cell, 1]
    alpha = np.exp(log_alpha)
    rx = r_row + x
    log_at, log_aT = np.log(alpha + d["t_x"]), np.log(alpha + d["T"])
    survive = keep + rx * (log_at - log_aT)
    both = np.logaddexp(survive, drop_pair[pair])
    value = gam + r_row * log_alpha - rx * log_at + both
    if not gradient:
        return value
    w_keep = np.exp(survive - both)  # the weight of "still alive" in the mixture
    w_drop = 1.0 - w_keep
    psi = special.digamma
    ab, abx = psi(a + b), psi(a + b + px)
    d_keep_a, d_keep_b = ab - abx, psi(b + px) - psi(b) + ab - abx
    with np.errstate(invalid="ignore"):
        d_drop_a = np.where(repeat, psi(a + 1) - psi(a) + ab - abx, 0.0)
        d_drop_b = np.where(repeat, psi(np.where(repeat, b + px - 1, 1.0)) - psi(b) + ab - abx, 0.0)
    d_gam = (psi(r + px) - psi(r))[pair]
    share_t = alpha / (alpha + d["t_x"])
    share_T = alpha / (alpha + d["T"])
    grad = np.column_stack(
        [
            r_row * (d_gam + log_alpha - log_at + w_keep * (log_at - log_aT)),
            r_row - rx * share_t + w_keep * rx * (share_t - share_T),
            np.exp(eta[cell, 2]) * (w_keep * d_keep_a[pair] + w_drop * d_drop_a[pair]),
            np.exp(eta[cell, 3]) * (w_keep * d_keep_b[pair] + w_drop * d_drop_b[pair]),
        ]
    )
    return value, grad


def _pareto_nbd_ll(eta: np.ndarray, d: dict) -> np.ndarray:
    """Pareto/NBD log-likelihood of each pattern (Fader & Hardie 2005 note, eqs. 18-20),
    with ``eta = (log r, log alpha, log s, log beta)`` per cell. Each term is computed on the
    fewest rows it depends on — cells, (cell, x) pairs, (cell, x, t_x) or (cell, x, T) rows —
    and gathered: every pattern's value is the one computed pattern by pattern, bit for bit."""
    pc, px, pair = d["pair_cell"], d["pair_x"], d["pair"]
    cell, x, t_x, T = d["cell"], d["x"], d["t_x"], d["T"]
    params = np.exp(eta)  # (cells, 4): r, alpha, s, beta
    r_pair, s_pair = params[pc, 0], params[pc, 2]
    gam = special.gammaln(r_pair + px) - special.gammaln(r_pair)
    head = (gam + (params[:, 0] * eta[:, 1])[pc] + (params[:, 2] * eta[:, 3])[pc])[pair]

    def rows(first: np.ndarray) -> tuple[np.ndarray, ...]:
        return (*params[cell[first]].T, x[first])

    def log_term(first: np.ndarray, time: np.ndarray) -> np.ndarray:
        # log(F(q) / q**rsx) once per distinct (cell, x, time): the hypergeometric function
        # is most of the cost
        r, alpha, s, beta, x_ = rows(first)
        rsx = r + s + x_
        alpha_larger = alpha >= beta
        big = np.where(alpha_larger, alpha, beta)
        second = np.where(alpha_larger, s + 1, r + x_)
        q = big + time[first]
        hyp = special.hyp2f1(rsx, second, rsx + 1, np.abs(alpha - beta) / q)
        return np.log(hyp) - rsx * np.log(q)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # log(F(q1) / q1**rsx - F(q2) / q2**rsx), the first term the larger
        u = log_term(d["rec_first"], t_x)[d["rec_inverse"]]
        v = log_term(d["age_first"], T)[d["age_inverse"]]
        log_a0 = u + np.log1p(-np.exp(v - u))
        r, alpha, s, beta, x_ = rows(d["age_first"])
        alive = -(r + x_) * np.log(alpha + T[d["age_first"]]) - s * np.log(beta + T[d["age_first"]])
        tail = np.logaddexp(
            alive[d["age_inverse"]],
            np.log(params[:, 2])[cell] + log_a0 - np.log(r_pair + s_pair + px)[pair],
        )
    return head + tail


_LOG_LIKELIHOOD = {"bgnbd": _bgnbd_ll, "pareto_nbd": _pareto_nbd_ll}


def bgnbd_probability_alive(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """BG/NBD P(alive) of each customer with its own ``params`` rows ``(r, alpha, a, b)``
    (Fader, Hardie & Lee 2005, eq. 11)."""
    r, alpha, a, b = np.asarray(params, dtype=float).T
    repeat = x > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        odds = np.where(
            repeat,
            np.exp(
                np.log(a)
                - np.log(np.where(repeat, b + x - 1, 1.0))
                + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
            ),
            0.0,
        )
    return 1.0 / (1.0 + odds)


def bgnbd_conditional_expected(
    params: np.ndarray,
    t: float | np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    *,
    distinct: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """BG/NBD expected purchases of each customer in the next ``t`` time units given
    ``(x, t_x, T)``, with its own ``params`` rows ``(r, alpha, a, b)`` (Fader, Hardie & Lee
    2005, eq. 10). ``distinct`` (first rows and each row's group of the distinct
    ``(params, t, x, T)`` rows, as :func:`~analysis.studies.ltv_pareto.distinct_rows` gives)
    computes the hypergeometric function, most of the cost, once per distinct row."""
    r, alpha, a, b = np.asarray(params, dtype=float).T
    t = np.broadcast_to(np.asarray(t, dtype=float), np.shape(x))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if distinct is None:
            hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        else:
            i, group = distinct
            r_, alpha_, a_, b_, t_, x_ = (
                np.broadcast_to(v, np.shape(x))[i] for v in (r, alpha, a, b, t, x)
            )
            hyp = special.hyp2f1(r_ + x_, b_ + x_, a_ + b_ + x_ - 1, t_ / (alpha_ + T[i] + t_))[
                group
            ]
        inner = 1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp
        value = (a + b + x - 1) / (a - 1) * inner
    return value * bgnbd_probability_alive(params, x, t_x, T)


#: Log-likelihoods with exact gradients in ``eta`` (the others are differenced).
_EXACT_GRADIENT = {"bgnbd"}


def _cell_derivatives(
    model: str, eta: np.ndarray, d: dict, *, hessian: bool
) -> tuple[float, np.ndarray, np.ndarray | None]:
    """The weighted total log-likelihood, its gradient in each cell's ``eta`` (``(cells, 4)``)
    and, with ``hessian``, each cell's Hessian in ``eta`` (``(cells, 4, 4)``).

    Each pattern depends only on its own cell's ``eta``, so one evaluation with every cell's
    ``eta_j`` moved gives all cells' derivatives at once (summed per cell). The gradient is
    exact for BG/NBD and a central difference otherwise; the Hessian is a central difference
    of the gradient."""
    ll = _LOG_LIKELIHOOD[model]
    w, cell, n_cells = d["w"], d["cell"], eta.shape[0]

    def per_cell(values: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=w * values, minlength=n_cells)

    def value_and_gradient(at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if model in _EXACT_GRADIENT:
            f, g = ll(at, d, gradient=True)
        else:
            f, h = ll(at, d), 1e-5
            g = np.empty((len(f), 4))
            for j in range(4):
                e = np.zeros(4)
                e[j] = h
                g[:, j] = (ll(at + e, d) - ll(at - e, d)) / (2 * h)
        return f, np.column_stack([per_cell(g[:, j]) for j in range(4)])

    f0, grad = value_and_gradient(eta)
    if not np.isfinite(f0).all():
        return -np.inf, np.zeros_like(eta), None
    if not hessian:
        return float(w @ f0), grad, None
    h = 1e-4
    hess = np.empty((n_cells, 4, 4))
    for j in range(4):
        e = np.zeros(4)
        e[j] = h
        hess[:, j, :] = (value_and_gradient(eta + e)[1] - value_and_gradient(eta - e)[1]) / (2 * h)
    return float(w @ f0), grad, (hess + hess.transpose(0, 2, 1)) / 2


def _pad(objective, head: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """``objective`` of the first parameters only, the others held at 0."""
    f, g = objective(np.r_[head, np.zeros(k - len(head))])
    return f, g[: len(head)]


# ---- the estimator -------------------------------------------------------------------------


class CovariatePurchaseModel:
    """BG/NBD or Pareto/NBD with time-invariant covariates on the purchase and the dropout
    process (the module docstring gives the form), fitted by maximum likelihood.

    Parameters
    ----------
    model
        ``"bgnbd"`` (default) or ``"pareto_nbd"``.
    tol, maxiter
        Stopping rule of the optimiser (L-BFGS-B on log-parameters and coefficients).

    Attributes (after ``fit``)
    --------------------------
    params_ : Series of the base parameters (``r``, ``alpha``, ``a``, ``b`` or ``r``,
        ``alpha``, ``s``, ``beta``: a customer whose covariates are all 0) and the
        coefficients ``purchase:<col>`` and ``dropout:<col>``
    covariance_ : DataFrame, inverse observed information of (log base parameters,
        coefficients)
    log_likelihood_ : total log-likelihood at the estimate
    n_customers_, n_patterns_ : customers fitted and distinct patterns fitted
    fit_seconds_ : wall time of the optimisation (compression, fit and Hessian)
    converged_ : whether the optimiser reports convergence
    """

    def __init__(self, model: str = "bgnbd", *, tol: float = 1e-10, maxiter: int = 2000):
        self.model = model
        self.tol = tol
        self.maxiter = maxiter

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        covariates: pd.DataFrame | None = None,
        purchase: Sequence[str] | None = None,
        dropout: Sequence[str] | None = None,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
        start: np.ndarray | None = None,
    ) -> CovariatePurchaseModel:
        """Fit on a per-customer summary and numeric ``covariates`` (indexed like the
        summary; e.g. :func:`covariate_dummies`). ``purchase`` / ``dropout`` name the columns
        acting on each process (default: every column on both; ``[]`` for none)."""
        if self.model not in _MODELS:
            raise ValueError(f"model must be one of {sorted(_MODELS)}, got {self.model!r}")
        started = time.perf_counter()
        cols = [frequency_col, recency_col, T_col]
        require_columns_of(summary, cols)
        if len(summary) == 0:
            raise ValueError("cannot fit a purchase model on an empty summary")
        if covariates is None:
            covariates = pd.DataFrame(index=summary.index)
        purchase = list(covariates.columns) if purchase is None else list(purchase)
        dropout = list(covariates.columns) if dropout is None else list(dropout)
        require_columns_of(covariates, sorted(set(purchase) | set(dropout)), what="covariates")
        if not covariates.index.equals(summary.index):
            missing = summary.index.difference(covariates.index)
            if len(missing):
                raise ValueError(
                    f"covariates have no row for {len(missing):,} customers of the summary "
                    f"(e.g. {missing[0]!r})"
                )
            covariates = covariates.reindex(summary.index)
        used = list(dict.fromkeys([*purchase, *dropout]))
        values = covariates[used].astype("float64")
        if not np.isfinite(values.to_numpy()).all():
            bad = values.columns[~np.isfinite(values.to_numpy()).all(axis=0)][0]
            raise ValueError(f"covariate {bad!r} has missing or infinite values")
        self._spec = {"purchase": purchase, "dropout": dropout, "used": used}
        data = self._design(summary[cols].astype("float64"), values)
        names = _MODELS[self.model]["params"]
        k = 4 + len(purchase) + len(dropout)
        theta0 = np.zeros(k)
        theta0[:4] = np.log(np.ones(4)) if start is None else np.log(np.asarray(start)[:4])
        if start is not None and len(start) == k:
            theta0[4:] = np.asarray(start)[4:]
        total = float(data["w"].sum())

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            f, g = self._value_and_gradient(theta, data)
            return -f / total, -g / total

        def minimise(fun, x0: np.ndarray, lower: float = -15.0):
            return optimize.minimize(
                fun,
                x0,
                jac=True,
                method="L-BFGS-B",
                bounds=[(lower, 15.0)] * len(x0),
                options={"maxiter": self.maxiter, "ftol": self.tol, "gtol": 1e-9},
            )

        if k > 4 and start is None:
            # 1) the base parameters with every coefficient at 0 (4 parameters: quick);
            # 2) the observed information there; 3) all parameters in coordinates whitened by
            # it, where the problem is near-spherical and L-BFGS needs few steps
            base = minimise(lambda t: _pad(objective, t, k), theta0[:4])
            theta0[:4] = base.x
            # the model without covariates on the same customers, for the likelihood-ratio
            # test (:meth:`restricted_model`)
            self._restricted = (base.x.copy(), self._total(theta0, data), bool(base.success))
            info = -self._hessian(theta0, data) / total
            try:
                chol = np.linalg.cholesky(info)
            except np.linalg.LinAlgError:
                chol = None
            if chol is not None:
                inv = np.linalg.inv(chol.T)

                def whitened(z: np.ndarray) -> tuple[float, np.ndarray]:
                    f, g = objective(theta0 + inv @ z)
                    return f, inv.T @ g

                result = minimise(whitened, np.zeros(k), lower=-np.inf)
                result.x = theta0 + inv @ result.x
            else:
                result = minimise(objective, theta0)
        else:
            self._restricted = None
            result = minimise(objective, theta0)
        theta = result.x
        self.converged_ = bool(result.success)
        self.theta_ = theta
        self.log_likelihood_ = self._total(theta, data)
        info = -self._hessian(theta, data)
        labels = (
            [f"log_{p}" for p in names]
            + [f"purchase:{c}" for c in purchase]
            + [f"dropout:{c}" for c in dropout]
        )
        try:
            cov = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            cov = np.full_like(info, np.nan)
        self.covariance_ = pd.DataFrame(cov, index=labels, columns=labels)
        self.params_ = pd.Series(
            np.r_[np.exp(theta[:4]), theta[4:]],
            index=[*names, *labels[4:]],
            name=self.model,
        )
        self.n_customers_ = int(data["w"].sum())
        self.n_patterns_ = len(data["w"])
        self.fit_seconds_ = time.perf_counter() - started
        return self

    # -- internals ---------------------------------------------------------------------------
    def _design(self, rfm: pd.DataFrame, values: pd.DataFrame) -> dict:
        """Customers compressed to distinct (frequency, recency, T, covariate cell) patterns,
        as arrays; a cell is a distinct row of the covariates (hashed, not sorted)."""
        spec = self._spec
        if spec["used"]:
            codes = values.groupby(spec["used"], sort=False).ngroup().to_numpy()
            first = np.unique(codes, return_index=True)[1]
            cells = values.iloc[first].reset_index(drop=True)
        else:
            codes = np.zeros(len(rfm), dtype=np.int64)
            cells = pd.DataFrame(index=range(1))
        frame = pd.DataFrame(
            {
                "x": rfm.iloc[:, 0].to_numpy(),
                "t_x": rfm.iloc[:, 1].to_numpy(),
                "T": rfm.iloc[:, 2].to_numpy(),
                "cell": codes,
            }
        )
        patterns = frame.groupby(["cell", "x", "t_x", "T"], sort=True).size().reset_index()
        cell = patterns["cell"].to_numpy(dtype=np.int64)
        x, t_x, T = (patterns[c].to_numpy() for c in ("x", "t_x", "T"))
        return {
            "x": x,
            "t_x": t_x,
            "T": T,
            "w": patterns[0].to_numpy(dtype=float),
            "cell": cell,
            "Xp": cells[spec["purchase"]].to_numpy(dtype=float),
            "Xd": cells[spec["dropout"]].to_numpy(dtype=float),
            **_pairs(cell, x),
            **dict(zip(("rec_first", "rec_inverse"), distinct_rows(cell, x, t_x))),
            **dict(zip(("age_first", "age_inverse"), distinct_rows(cell, x, T))),
        }

    def _eta(self, theta: np.ndarray, data: dict) -> np.ndarray:
        """Log-parameters of each covariate cell."""
        m = _MODELS[self.model]
        kp = data["Xp"].shape[1]
        lin_p = data["Xp"] @ theta[4 : 4 + kp]
        lin_d = data["Xd"] @ theta[4 + kp :]
        return (
            theta[:4][None, :]
            + lin_p[:, None] * m["purchase_sign"][None, :]
            + lin_d[:, None] * m["dropout_sign"][None, :]
        )

    def _blocks(self, data: dict) -> tuple[np.ndarray, list[np.ndarray]]:
        """The cells' design ``[1, Xp, Xd]`` and ``B_j`` (d eta_j / d theta = design @ B_j)."""
        m = _MODELS[self.model]
        kp, kd = data["Xp"].shape[1], data["Xd"].shape[1]
        design = np.column_stack([np.ones(len(data["Xp"])), data["Xp"], data["Xd"]])
        blocks = []
        for j in range(4):
            b = np.zeros((1 + kp + kd, 4 + kp + kd))
            b[0, j] = 1.0
            b[1 : 1 + kp, 4 : 4 + kp] = m["purchase_sign"][j] * np.eye(kp)
            b[1 + kp :, 4 + kp :] = m["dropout_sign"][j] * np.eye(kd)
            blocks.append(b)
        return design, blocks

    def _total(self, theta: np.ndarray, data: dict) -> float:
        """The weighted total log-likelihood (-inf where a pattern's is not finite), as
        :meth:`_value_and_gradient` gives it, without the gradient."""
        f = _LOG_LIKELIHOOD[self.model](self._eta(theta, data), data)
        return float(data["w"] @ f) if np.isfinite(f).all() else -np.inf

    def _value_and_gradient(self, theta: np.ndarray, data: dict) -> tuple[float, np.ndarray]:
        f, g, _ = _cell_derivatives(self.model, self._eta(theta, data), data, hessian=False)
        design, blocks = self._blocks(data)
        return f, sum(b.T @ (design.T @ g[:, j]) for j, b in enumerate(blocks))

    def _hessian(self, theta: np.ndarray, data: dict) -> np.ndarray:
        _, _, h = _cell_derivatives(self.model, self._eta(theta, data), data, hessian=True)
        design, blocks = self._blocks(data)
        out = np.zeros((len(theta), len(theta)))
        if h is None:
            return out * np.nan
        for j in range(4):
            for k in range(4):
                out += blocks[j].T @ (design.T @ (design * h[:, j, k][:, None])) @ blocks[k]
        return (out + out.T) / 2

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; call fit() first")

    def restricted_model(self) -> CovariatePurchaseModel:
        """The same model without covariates, fitted on the same customers: the first stage of
        :meth:`fit` (the base parameters with every coefficient at 0, the same maximum
        likelihood problem as a fit without covariates), for :func:`likelihood_ratio_test`
        without a second fit. It has no covariance (NaN); fit the model without covariates
        for its standard errors."""
        self._check_fitted()
        if self._restricted is None:
            raise ValueError(
                "this model was fitted without the first stage (no covariates, or a start); "
                "fit the model without covariates instead"
            )
        theta, log_likelihood, converged = self._restricted
        names = list(_MODELS[self.model]["params"])
        labels = [f"log_{p}" for p in names]
        out = CovariatePurchaseModel(self.model, tol=self.tol, maxiter=self.maxiter)
        out._spec = {"purchase": [], "dropout": [], "used": []}
        out.converged_, out.theta_, out.log_likelihood_ = converged, theta, log_likelihood
        out.covariance_ = pd.DataFrame(np.full((4, 4), np.nan), index=labels, columns=labels)
        out.params_ = pd.Series(np.exp(theta), index=names, name=self.model)
        out.n_customers_, out.n_patterns_ = self.n_customers_, self.n_patterns_
        out.fit_seconds_ = 0.0
        return out

    # -- predictions -------------------------------------------------------------------------
    def customer_params(
        self, covariates: pd.DataFrame | None = None, *, theta: np.ndarray | None = None
    ) -> np.ndarray:
        """Each customer's ``(r, alpha, a, b)`` (BG/NBD) rows under ``theta`` (default: the
        estimate), from its ``covariates`` (the fitted columns; None without covariates)."""
        self._check_fitted()
        theta = self.theta_ if theta is None else np.asarray(theta, dtype=float)
        spec = self._spec
        n = 1 if covariates is None else len(covariates)
        if spec["used"] and covariates is None:
            raise ValueError(f"this model needs covariates {spec['used']}")
        data = {
            "Xp": np.zeros((n, 0))
            if covariates is None
            else covariates[spec["purchase"]].to_numpy(float),
            "Xd": np.zeros((n, 0))
            if covariates is None
            else covariates[spec["dropout"]].to_numpy(float),
        }
        return np.exp(self._eta(theta, data))

    def _rows(self, summary: pd.DataFrame, covariates, theta, cols) -> tuple:
        require_columns_of(summary, cols)
        if self.model != "bgnbd":
            raise NotImplementedError("predictions are implemented for BG/NBD only")
        params = self.customer_params(covariates, theta=theta)
        params = np.broadcast_to(params, (len(summary), 4))
        return params, *(summary[c].to_numpy(dtype=float) for c in cols)

    def probability_alive(
        self,
        summary: pd.DataFrame,
        *,
        covariates: pd.DataFrame | None = None,
        theta: np.ndarray | None = None,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
    ) -> pd.Series:
        """P(alive) of each customer (BG/NBD), indexed like ``summary``."""
        params, x, t_x, T = self._rows(
            summary, covariates, theta, [frequency_col, recency_col, T_col]
        )
        return pd.Series(
            bgnbd_probability_alive(params, x, t_x, T), index=summary.index, name="p_alive"
        )

    def expected_purchases(
        self,
        summary: pd.DataFrame,
        *,
        horizon: float,
        covariates: pd.DataFrame | None = None,
        theta: np.ndarray | None = None,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
    ) -> pd.Series:
        """Expected purchases of each customer in the next ``horizon`` units (BG/NBD)."""
        params, x, t_x, T = self._rows(
            summary, covariates, theta, [frequency_col, recency_col, T_col]
        )
        return pd.Series(
            bgnbd_conditional_expected(params, horizon, x, t_x, T),
            index=summary.index,
            name="expected_purchases",
        )

    # -- results -----------------------------------------------------------------------------
    @property
    def summary(self) -> pd.DataFrame:
        """Base parameters and coefficients with standard errors and Wald 95% intervals (base
        parameters on the log scale, transformed back)."""
        self._check_fitted()
        se = np.sqrt(np.clip(np.diag(self.covariance_.to_numpy()), 0, None))
        theta = self.theta_
        lo, hi = theta - _Z95 * se, theta + _Z95 * se
        is_base = np.arange(len(theta)) < 4
        table = pd.DataFrame(
            {
                "estimate": self.params_.to_numpy(),
                "std_error": np.where(is_base, np.exp(theta) * se, se),
                "lower_95": np.where(is_base, np.exp(lo), lo),
                "upper_95": np.where(is_base, np.exp(hi), hi),
            },
            index=pd.Index(self.params_.index, name="parameter"),
        )
        return table

    def multipliers(self) -> pd.DataFrame:
        """Each covariate's effect as a multiplier ``exp(gamma)`` with its Wald 95% interval:
        ``process`` (``purchase``: of the mean purchase rate; ``dropout``: of the mean dropout
        rate for Pareto/NBD, of both beta shapes for BG/NBD), ``covariate``, ``multiplier``,
        ``lower_95``, ``upper_95``, ``coefficient``, ``std_error``, ``p_value`` (Wald)."""
        self._check_fitted()
        s = self.summary.iloc[4:]
        process, covariate = zip(*(name.split(":", 1) for name in s.index)) if len(s) else ((), ())
        z = s["estimate"] / s["std_error"]
        return pd.DataFrame(
            {
                "process": list(process),
                "covariate": list(covariate),
                "multiplier": np.exp(s["estimate"]).to_numpy(),
                "lower_95": np.exp(s["lower_95"]).to_numpy(),
                "upper_95": np.exp(s["upper_95"]).to_numpy(),
                "coefficient": s["estimate"].to_numpy(),
                "std_error": s["std_error"].to_numpy(),
                "p_value": 2 * stats.norm.sf(np.abs(z.to_numpy())),
            }
        )

    def __repr__(self) -> str:
        head = f"CovariatePurchaseModel(model={self.model!r})"
        if not hasattr(self, "params_"):
            return head + " [not fitted]"
        base = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.iloc[:4].items())
        return (
            f"{head}\n  fitted on {self.n_customers_:,} customers ({self.n_patterns_:,} "
            f"patterns), {len(self.params_) - 4} coefficients: {base}; log-likelihood "
            f"{self.log_likelihood_:,.1f}"
        )


def covariate_dummies(
    values: pd.Series, *, reference: str | None = None, prefix: str | None = None
) -> pd.DataFrame:
    """0/1 columns for each level of a categorical ``values`` except ``reference`` (default:
    the most frequent level), named ``<prefix>=<level>``; indexed like ``values``. A
    multiplier of such a column compares its level with the reference level."""
    if values.isna().any():
        raise ValueError(
            f"covariate {values.name!r} has missing values (row {values[values.isna()].index[0]!r})"
        )
    levels = sorted(values.astype(str).unique())
    if reference is None:
        reference = values.astype(str).value_counts().sort_index().idxmax()
    if reference not in levels:
        raise ValueError(f"reference {reference!r} is not a level of {values.name!r}: {levels}")
    prefix = prefix or str(values.name)
    text = values.astype(str)
    return pd.DataFrame(
        {f"{prefix}={lv}": (text == lv).astype("float64") for lv in levels if lv != reference},
        index=values.index,
    )


def likelihood_ratio_test(full: CovariatePurchaseModel, base) -> pd.DataFrame:
    """Likelihood-ratio test of ``full`` (with covariates) against ``base`` (the same model
    without them, fitted on the same customers: a :class:`CovariatePurchaseModel` or
    :class:`~analysis.studies.ltv.PurchaseModel`). Returns one row: ``log_likelihood_full``,
    ``log_likelihood_base``, ``statistic`` (2 × difference), ``df`` (number of coefficients)
    and ``p_value`` (chi-squared)."""
    full._check_fitted()
    if base.n_customers_ != full.n_customers_:
        raise ValueError(
            f"the models were fitted on different customers ({full.n_customers_:,} vs "
            f"{base.n_customers_:,})"
        )
    df = len(full.params_) - 4 - (len(base.params_) - 4 if hasattr(base, "theta_") else 0)
    statistic = max(0.0, 2 * (full.log_likelihood_ - base.log_likelihood_))
    return pd.DataFrame(
        [
            {
                "log_likelihood_full": full.log_likelihood_,
                "log_likelihood_base": base.log_likelihood_,
                "statistic": statistic,
                "df": df,
                "p_value": float(stats.chi2.sf(statistic, df)) if df > 0 else np.nan,
            }
        ]
    )
