"""Tests for analysis.studies.ltv_pareto (Pareto/NBD's likelihood with its costly terms once per
distinct value) and the other once-per-distinct-row computations of the LTV models: each must
equal the per-pattern computation bit for bit, so the fits and the report's tables do not move."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.simulate.btyd import btyd_world
from analysis.studies import ltv
from analysis.studies import ltv_covariates as lc
from analysis.studies import ltv_pareto as lp


def _rfm(summary: pd.DataFrame) -> list[np.ndarray]:
    return [summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T")]


def test_distinct_rows() -> None:
    first, inverse = lp.distinct_rows(np.array([1, 2, 1, 1]), np.array([5.0, 5.0, 5.0, 6.0]))
    assert first.tolist() == [0, 1, 3]
    assert inverse.tolist() == [0, 1, 0, 2]


@pytest.mark.parametrize(
    "params", [[0.55, 10.6, 0.61, 11.7], [0.55, 10.6, 0.61, 2.0], [1.0, 1.0, 1.0, 1.0]]
)
def test_likelihood_is_lifetimes_bit_for_bit(cdnow_weeks, params) -> None:
    """alpha < beta, alpha > beta and alpha == beta (lifetimes' two branches)."""
    base = ltv._lifetimes().ParetoNBDFitter
    x, t_x, T = _rfm(cdnow_weeks)
    theirs = base._conditional_log_likelihood(np.array(params), x, t_x, T)
    ours = lp.conditional_log_likelihood(np.array(params), x, t_x, T)
    np.testing.assert_array_equal(ours, theirs)


def test_log_difference_falls_back_to_scipy() -> None:
    from scipy.special import logsumexp

    u, v = np.array([2.0, 1.0, 3.0, 0.5]), np.array([1.0, 1.0, 4.0, -7.0])
    ones = np.ones(4)
    with np.errstate(invalid="ignore", divide="ignore"):
        theirs = logsumexp([u, v], axis=0, b=[ones, -ones])
        ours = lp._log_difference(u, v)
    np.testing.assert_array_equal(ours, theirs)  # NaN and -inf where u <= v, as scipy


def test_fit_is_lifetimes_fit(cdnow_weeks) -> None:
    """The fast fitter takes Nelder-Mead down the same path: the same parameters, exactly."""
    data = ltv.compress_customers(cdnow_weeks)
    arrays = [data[c].to_numpy() for c in ("frequency", "recency", "T")]
    kwargs = {"tol": 1e-8, "initial_params": np.ones(4), "maxiter": 10000}
    fitted = []
    for cls in (ltv._lifetimes().ParetoNBDFitter, ltv._fitter_class("ParetoNBDFitter")):
        with ltv._quiet():
            fitter = cls().fit(*arrays, weights=data["weight"].to_numpy(), **kwargs)
        fitted.append(fitter.params_.to_numpy())
    assert ltv._fitter_class("ParetoNBDFitter") is not ltv._lifetimes().ParetoNBDFitter
    np.testing.assert_array_equal(fitted[0], fitted[1])


def _pareto_ll_pattern_by_pattern(eta: np.ndarray, d: dict) -> np.ndarray:
    """The covariate Pareto/NBD log-likelihood computed pattern by pattern (the reference)."""
    from scipy import special

    cell, x, t_x, T = d["cell"], d["x"], d["t_x"], d["T"]
    r, alpha, s, beta = np.exp(eta[cell]).T
    rsx = r + s + x
    gam = special.gammaln(r + x) - special.gammaln(r)
    head = gam + r * eta[cell, 1] + s * eta[cell, 3]
    alpha_larger = alpha >= beta
    big = np.where(alpha_larger, alpha, beta)
    second = np.where(alpha_larger, s + 1, r + x)
    gap = np.abs(alpha - beta)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q1, q2 = big + t_x, big + T
        u = np.log(special.hyp2f1(rsx, second, rsx + 1, gap / q1)) - rsx * np.log(q1)
        v = np.log(special.hyp2f1(rsx, second, rsx + 1, gap / q2)) - rsx * np.log(q2)
        log_a0 = u + np.log1p(-np.exp(v - u))
        tail = np.logaddexp(
            -(r + x) * np.log(alpha + T) - s * np.log(beta + T),
            np.log(s) + log_a0 - np.log(rsx),
        )
    return head + tail


def test_covariate_pareto_likelihood_once_per_distinct_row() -> None:
    world = btyd_world(1500, model="pareto_nbd", seed=5)
    x = lc.covariate_dummies(world.summary["channel"], reference="douyin")
    fit = lc.CovariatePurchaseModel("pareto_nbd").fit(world.summary, covariates=x)
    data = fit._design(world.summary[["frequency", "recency", "T"]], x)
    assert len(data["rec_first"]) < len(data["x"])
    for shift in (0.0, 0.3, -0.2, 1.5):
        eta = fit._eta(fit.theta_ + shift, data)
        np.testing.assert_array_equal(
            lc._pareto_nbd_ll(eta, data), _pareto_ll_pattern_by_pattern(eta, data)
        )


def test_bgnbd_expected_once_per_distinct_row() -> None:
    world = btyd_world(1500, model="bgnbd", seed=2)
    x, t_x, T = _rfm(world.summary)
    params = np.broadcast_to([0.6, 5.0, 0.4, 3.0], (len(x), 4))
    distinct = lp.distinct_rows(x, T)
    assert len(distinct[0]) < len(x)
    for t in (1.0, 26.0):
        np.testing.assert_array_equal(
            lc.bgnbd_conditional_expected(params, t, x, t_x, T, distinct=distinct),
            lc.bgnbd_conditional_expected(params, t, x, t_x, T),
        )


@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd"])
def test_restricted_model_is_the_fit_without_covariates(model) -> None:
    """The first stage of a covariate fit is the fit without covariates: the likelihood-ratio
    test needs no second fit."""
    world = btyd_world(1500, model=model, seed=7)
    x = lc.covariate_dummies(world.summary["channel"], reference="douyin")
    full = lc.CovariatePurchaseModel(model).fit(world.summary, covariates=x)
    restricted = full.restricted_model()
    plain = lc.CovariatePurchaseModel(model).fit(world.summary)
    np.testing.assert_allclose(restricted.params_, plain.params_, rtol=1e-5)
    assert restricted.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-9)
    assert restricted.n_customers_ == plain.n_customers_ and restricted.converged_
    pd.testing.assert_frame_equal(
        lc.likelihood_ratio_test(full, restricted),
        lc.likelihood_ratio_test(full, plain),
        rtol=1e-6,
    )
    with pytest.raises(ValueError, match="without the first stage"):
        plain.restricted_model()
