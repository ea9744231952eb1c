"""Tests for analysis.studies.ltv_covariates (BG/NBD and Pareto/NBD with time-invariant
covariates) and the BTYD world of analysis.simulate.btyd that checks them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate.transactions import summarize_transactions
from analysis.simulate.btyd import btyd_world
from analysis.simulate.cdnow import load_cdnow_sample
from analysis.studies import ltv
from analysis.studies import ltv_covariates as lc


def test_without_covariates_it_is_the_published_bgnbd(cdnow_weeks) -> None:
    ours = lc.CovariatePurchaseModel("bgnbd").fit(cdnow_weeks)
    theirs = ltv.PurchaseModel("bgnbd").fit(cdnow_weeks)
    assert ours.converged_ and ours.n_customers_ == 2357
    np.testing.assert_allclose(ours.params_.to_numpy(), theirs.params_.to_numpy(), rtol=1e-4)
    assert round(ours.log_likelihood_, 1) == -9582.4  # Fader, Hardie & Lee (2005)
    assert ours.params_.round(3).tolist() == [0.243, 4.414, 0.793, 2.426]
    # standard errors from the observed information equal lifetimes' autograd ones
    np.testing.assert_allclose(ours.summary["std_error"], theirs.std_errors_, rtol=1e-3)


def test_pareto_nbd_standard_errors_match_clvtools(cdnow_weeks) -> None:
    """CLVTools' published test values for Pareto/NBD on the CDNOW sample: estimates r 0.553,
    alpha 10.578, s 0.606, beta 11.669 and standard errors 0.0476, 0.843, 0.187, 6.21."""
    fit = lc.CovariatePurchaseModel("pareto_nbd").fit(cdnow_weeks)
    s = fit.summary
    assert s["estimate"].round(3).tolist() == [0.553, 10.578, 0.606, 11.669]
    se = s["std_error"].to_numpy()
    assert [round(se[0], 4), round(se[1], 3), round(se[2], 3), round(se[3], 2)] == [
        0.0476,
        0.843,
        0.187,
        6.21,
    ]


def test_exact_bgnbd_gradient_equals_differences() -> None:
    world = btyd_world(2000, model="bgnbd", seed=3)
    x = lc.covariate_dummies(world.summary["channel"], reference="douyin")
    fit = lc.CovariatePurchaseModel("bgnbd").fit(world.summary, covariates=x)
    data = fit._design(world.summary[["frequency", "recency", "T"]], x)
    eta = fit._eta(fit.theta_ + 0.1, data)
    _, exact = lc._bgnbd_ll(eta, data, gradient=True)
    for j in range(4):
        e = np.zeros(4)
        e[j] = 1e-6
        numeric = (lc._bgnbd_ll(eta + e, data) - lc._bgnbd_ll(eta - e, data)) / 2e-6
        np.testing.assert_allclose(exact[:, j], numeric, atol=1e-6)


@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd"])
def test_true_multipliers_inside_the_intervals(model: str) -> None:
    """A world where channel shifts purchase and dropout: every true multiplier lies inside
    its 95% Wald interval, the covariates are detected by the likelihood-ratio test, and the
    base parameters are those of the reference channel."""
    world = btyd_world(8000, model=model, seed=1)
    x = lc.covariate_dummies(world.summary["channel"], reference="douyin")
    fit = lc.CovariatePurchaseModel(model).fit(world.summary, covariates=x)
    assert fit.converged_ and fit.n_patterns_ < len(world.summary)
    got = fit.multipliers().merge(world.truth, on=["process", "covariate"], suffixes=("", "_true"))
    assert len(got) == 6
    inside = (got["lower_95"] <= got["multiplier_true"]) & (
        got["multiplier_true"] <= got["upper_95"]
    )
    assert inside.all(), got.to_string()
    # the purchase effects are large enough to be told from 1
    purchase = got[got["process"] == "purchase"]
    assert ((purchase["upper_95"] < 1) | (purchase["lower_95"] > 1)).all()
    # the reference channel's parameters (times are reported in whole days, so close, not exact)
    base = fit.params_.iloc[:4].to_numpy()
    np.testing.assert_allclose(base, list(world.base.values()), rtol=0.15)
    plain = lc.CovariatePurchaseModel(model).fit(world.summary)
    lr = lc.likelihood_ratio_test(fit, plain).iloc[0]
    assert lr["df"] == 6 and lr["p_value"] < 1e-20
    assert lr["statistic"] == pytest.approx(2 * (fit.log_likelihood_ - plain.log_likelihood_))


def test_no_effect_world_is_not_detected() -> None:
    flat = {
        c: {"share": 0.25, "purchase": 1.0, "dropout": 1.0}
        for c in ("douyin", "referral", "partner", "offline_event")
    }
    world = btyd_world(6000, model="bgnbd", channels=flat, seed=5)
    x = lc.covariate_dummies(world.summary["channel"], reference="douyin")
    fit = lc.CovariatePurchaseModel("bgnbd").fit(world.summary, covariates=x)
    m = fit.multipliers()
    assert (np.abs(np.log(m["multiplier"])) < 0.3).all(), m.to_string()
    # one family of six effects: the likelihood-ratio test, not any single interval, decides
    lr = lc.likelihood_ratio_test(fit, ltv.PurchaseModel("bgnbd").fit(world.summary)).iloc[0]
    assert lr["p_value"] > 0.05


def test_covariates_on_one_process_only_and_bad_input() -> None:
    world = btyd_world(3000, model="bgnbd", seed=2)
    x = lc.covariate_dummies(world.summary["channel"], reference="douyin")
    fit = lc.CovariatePurchaseModel("bgnbd").fit(
        world.summary, covariates=x, purchase=list(x.columns), dropout=[]
    )
    assert fit.multipliers()["process"].unique().tolist() == ["purchase"]
    assert "3 coefficients" in repr(fit)
    with pytest.raises(ValueError, match="covariates have no row for 1 customers"):
        lc.CovariatePurchaseModel().fit(world.summary, covariates=x.iloc[1:])
    with pytest.raises(ValueError, match="covariate 'channel=referral' has missing"):
        bad = x.copy()
        bad.iloc[4, 1] = np.nan
        lc.CovariatePurchaseModel().fit(world.summary, covariates=bad)
    with pytest.raises(ValueError, match="model must be one of"):
        lc.CovariatePurchaseModel("mbgnbd").fit(world.summary)
    with pytest.raises(RuntimeError, match="not fitted yet"):
        lc.CovariatePurchaseModel().multipliers()


def test_covariate_dummies() -> None:
    values = pd.Series(["a", "b", "b", "c"], index=list("wxyz"), name="channel")
    d = lc.covariate_dummies(values)
    assert d.columns.tolist() == ["channel=a", "channel=c"]  # b, the most frequent, is left out
    assert d.loc["w"].tolist() == [1.0, 0.0] and d.loc["x"].tolist() == [0.0, 0.0]
    assert lc.covariate_dummies(values, reference="a").columns.tolist() == [
        "channel=b",
        "channel=c",
    ]
    with pytest.raises(ValueError, match="reference 'q' is not a level of 'channel'"):
        lc.covariate_dummies(values, reference="q")
    with pytest.raises(ValueError, match="covariate 'channel' has missing values"):
        lc.covariate_dummies(values.where(values != "c"))


def test_cdnow_pareto_std_errors_table(cdnow_weeks) -> None:
    from analysis.simulate import cdnow

    table = cdnow.reproduce_pareto_std_errors(cdnow_weeks)
    assert table["parameter"].tolist() == ["r", "alpha", "s", "beta"]
    assert table["match"].all(), table.to_string()
    # and the check can fail: a summary in calendar weeks does not match
    wrong = summarize_transactions(
        load_cdnow_sample(),
        customer_col="customer_id",
        time_col="date",
        observation_end="1997-09-30",
        freq="W",
    )
    assert not cdnow.reproduce_pareto_std_errors(wrong)["match"].all()


# ---- Gamma-Gamma with covariates -------------------------------------------------------------


def test_spend_without_covariates_is_the_published_gamma_gamma(cdnow_weeks) -> None:
    from analysis.studies.ltv_spend_covariates import CovariateSpendModel

    s = cdnow_weeks
    ours = CovariateSpendModel().fit(s)
    assert ours.converged_ and ours.n_customers_ == 946
    assert ours.params_.round(2).tolist() == [6.25, 3.74, 15.44]  # Fader & Hardie (2013)
    theirs = ltv.SpendModel().fit(s)
    se = np.sqrt(np.diag(ours.covariance_)) * ours.params_.to_numpy()
    np.testing.assert_allclose(se, theirs.summary["std_error"], rtol=1e-4)


def test_true_spend_multipliers_inside_the_intervals() -> None:
    from analysis.simulate.btyd import spend_world
    from analysis.studies.ltv_spend_covariates import CovariateSpendModel

    world = spend_world(5000, seed=1)
    x = lc.covariate_dummies(world.summary["channel"], reference="douyin")
    fit = CovariateSpendModel().fit(world.summary, covariates=x)
    got = fit.multipliers().merge(world.truth, on=["process", "covariate"], suffixes=("", "_t"))
    assert len(got) == 3
    assert (
        (got["lower_95"] <= got["multiplier_t"]) & (got["multiplier_t"] <= got["upper_95"])
    ).all()
    # offline events spend 0.7x: told apart from 1; referral (1.0x) is not
    g = got.set_index("covariate")
    assert g.loc["channel=offline_event", "upper_95"] < 1
    assert g.loc["channel=referral", "lower_95"] < 1 < g.loc["channel=referral", "upper_95"]
    with pytest.raises(ValueError, match="covariates have no row for 1 repeat buyers"):
        CovariateSpendModel().fit(world.summary, covariates=x.iloc[1:])
