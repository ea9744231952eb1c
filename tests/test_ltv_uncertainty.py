"""Tests for analysis.studies.ltv_uncertainty (parameter uncertainty per customer and per
segment) and the BG/NBD predictions of analysis.studies.ltv_covariates it uses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.simulate.btyd import btyd_world
from analysis.studies import clv, ltv
from analysis.studies import ltv_covariates as lc
from analysis.studies import ltv_uncertainty as lu


@pytest.fixture(scope="module")
def cdnow(cdnow_weeks):
    s = cdnow_weeks
    return s, lc.CovariatePurchaseModel("bgnbd").fit(s), ltv.SpendModel().fit(s)


def test_predictions_equal_lifetimes(cdnow) -> None:
    s, ours, _ = cdnow
    theirs = ltv.PurchaseModel("bgnbd").fit(s)
    np.testing.assert_allclose(ours.probability_alive(s), theirs.probability_alive(s), atol=1e-5)
    np.testing.assert_allclose(
        ours.expected_purchases(s, horizon=39), theirs.expected_purchases(s, horizon=39), rtol=1e-4
    )


def test_point_values_equal_customer_value_and_intervals_hold_them(cdnow) -> None:
    s, bg, gg = cdnow
    kw = dict(horizon=52, discount_rate=0.1, freq="D", freq_multiplier=7)
    vd = lu.value_draws(s, purchases=bg, spend=gg, n_draws=100, **kw)
    ref = clv.customer_value(s, purchases=ltv.PurchaseModel("bgnbd").fit(s), spend=gg, **kw)
    for metric in lu.METRICS:
        np.testing.assert_allclose(vd.point[metric], ref[metric], rtol=1e-4, atol=1e-6)
        assert vd.customer_draws(metric).shape == (len(s), 100)
    t = vd.customer_table()
    assert t.columns.tolist() == [
        *("p_alive", "p_alive_lower", "p_alive_upper"),
        *("expected_purchases", "expected_purchases_lower", "expected_purchases_upper"),
        *("clv", "clv_lower", "clv_upper"),
    ]
    # the estimate sits inside its interval for nearly every customer, and intervals have width
    inside = (t["clv_lower"] <= t["clv"]) & (t["clv"] <= t["clv_upper"])
    assert inside.mean() > 0.95
    assert ((t["clv_upper"] - t["clv_lower"]) > 0).all()
    # the draws centre on the estimates: for 9 customers in 10 the median draw is within 2%
    # (seen: 1.1% for CLV; 4.6% when the draws' own spend is off by 5%)
    for metric in lu.METRICS:
        point = vd.point[metric].to_numpy()
        off = np.abs(np.median(vd.customer_draws(metric), axis=1) / point - 1)[point > 0]
        assert np.quantile(off, 0.9) < 0.02, metric
    # same inputs and seed, same draws
    again = lu.value_draws(s, purchases=bg, spend=gg, n_draws=100, **kw)
    np.testing.assert_array_equal(again.customer_draws("clv"), vd.customer_draws("clv"))
    # intervals computed once per pattern are those of every customer's own draws
    assert set(vd.by_pattern) == {"p_alive", "expected_purchases"}
    own = {m: vd.customer_draws(m) for m in lu.METRICS}
    per_customer = lu.ValueDraws(point=vd.point, by_pattern=own, pattern=np.arange(len(s)))
    pd.testing.assert_frame_equal(t, per_customer.customer_table())


def test_spend_covariance_equals_lifetimes_standard_errors(cdnow) -> None:
    s, _, gg = cdnow
    se = np.sqrt(np.diag(lu.spend_covariance(gg, s))) * gg.params_.to_numpy()
    np.testing.assert_allclose(se, gg.summary["std_error"], rtol=1e-3)


def _total_interval(world, n_draws=100):
    s = world.summary
    fit = lc.CovariatePurchaseModel("bgnbd").fit(s)
    vd = lu.value_draws(s, purchases=fit, horizon=26, freq="D", freq_multiplier=7, n_draws=n_draws)
    lo, hi = np.quantile(vd.customer_draws("expected_purchases").sum(axis=0), [0.025, 0.975])
    true = fit.expected_purchases(s, horizon=26, theta=np.log(list(world.base.values()))).sum()
    return lo, hi, true, vd.point["expected_purchases"].sum()


ONE = {"douyin": {"share": 1.0, "purchase": 1.0, "dropout": 1.0}}  # no channel effects


def test_interval_of_the_total_covers_the_truth() -> None:
    """Over 12 worlds drawn from BG/NBD, the 95% interval of the customers' total expected
    purchases holds the total under the true parameters in at least 10 (seen: 16 of 16 over
    seeds 0-15 at 2,000 customers)."""
    covered = 0
    for seed in range(12):
        lo, hi, true, _ = _total_interval(
            btyd_world(1500, model="bgnbd", channels=ONE, resolution=1e-9, seed=seed)
        )
        covered += lo <= true <= hi
    assert covered >= 10


def test_intervals_shrink_with_more_customers() -> None:
    """Parameter uncertainty falls as the data grow: the relative width of the interval of the
    total is about sqrt(8) smaller with 8x the customers."""
    widths = []
    for n in (1000, 8000):
        lo, hi, _, point = _total_interval(
            btyd_world(n, model="bgnbd", channels=ONE, resolution=1e-9, seed=6)
        )
        widths.append((hi - lo) / point)
    assert 1.8 < widths[0] / widths[1] < 4.5


def test_segment_table_and_errors(cdnow) -> None:
    s, bg, gg = cdnow
    vd = lu.value_draws(s, purchases=bg, horizon=10, freq="D", freq_multiplier=7, n_draws=20)
    labels = pd.Series(np.where(s["frequency"] > 0, "repeat", "one-time"), index=s.index)
    seg = vd.segment_table(labels)
    assert seg["segment"].unique().tolist() == ["one-time", "repeat"]
    assert set(seg["metric"]) == {"p_alive", "expected_purchases"}  # no spend model, no clv
    rep = seg[(seg["segment"] == "repeat") & (seg["metric"] == "expected_purchases")].iloc[0]
    assert rep["n_customers"] == (s["frequency"] > 0).sum()
    assert rep["total"] == pytest.approx(
        vd.point.loc[labels == "repeat", "expected_purchases"].sum()
    )
    assert rep["total_lower"] < rep["total"] < rep["total_upper"]
    with pytest.raises(NotImplementedError, match="BG/NBD only"):
        lu.value_draws(
            s,
            purchases=lc.CovariatePurchaseModel("pareto_nbd").fit(s),
            horizon=10,
            freq="D",
        )
    with pytest.raises(ValueError, match="need horizon > 0 and n_draws >= 2"):
        lu.value_draws(s, purchases=bg, horizon=0, freq="D")


def test_segment_totals_of_float32_draws_are_summed_in_float64() -> None:
    # 300,000 customers worth 0.1 under every draw: added row by row in float32 the total
    # drifts by percents; in float64 it is 300,000 x float32(0.1)
    n = 300_000
    point = pd.DataFrame({"clv": np.full(n, 0.1)})
    one = {"clv": np.full((1, 20), 0.1, dtype=np.float32)}
    draws = lu.ValueDraws(point, by_pattern=one, pattern=np.zeros(n, dtype=np.int64))
    got = draws.segment_table(pd.Series("all", index=point.index)).iloc[0]
    exact = n * float(np.float32(0.1))
    assert got["total_lower"] == pytest.approx(exact, rel=1e-9)
    assert got["total_upper"] == pytest.approx(exact, rel=1e-9)


def test_draws_computed_block_by_block_equal_the_whole_arrays(cdnow, monkeypatch) -> None:
    """The CLV draws are never held for all customers at once: the intervals and segment totals
    computed in blocks of 100 customers equal those of the whole (customers, draws) arrays."""
    s, bg, gg = cdnow
    kw = dict(horizon=52, discount_rate=0.1, freq="D", freq_multiplier=7, n_draws=40)
    vd = lu.value_draws(s, purchases=bg, spend=gg, **kw)
    labels = pd.Series(np.where(s["frequency"] > 1, "repeat", "few"), index=s.index)
    labels.iloc[::7] = None  # customers without a segment are left out
    whole = {m: vd.customer_draws(m) for m in lu.METRICS}
    monkeypatch.setattr(lu, "BLOCK", 100)
    assert len(vd.blocks()) == -(-len(s) // 100) > 20
    t = vd.customer_table()
    q = np.quantile(whole["clv"], [0.025, 0.975], axis=1)
    # (np.quantile's interpolation of a block may differ from the whole's in the last bit)
    np.testing.assert_allclose(t["clv_lower"], q[0], rtol=1e-14)
    np.testing.assert_allclose(t["clv_upper"], q[1], rtol=1e-14)
    seg = vd.segment_table(labels).set_index(["segment", "metric"])
    for segment in ("few", "repeat"):
        inside = (labels == segment).to_numpy()
        for metric in lu.METRICS:
            totals = whole[metric][inside].sum(axis=0, dtype=np.float64)
            row = seg.loc[(segment, metric)]
            assert row["n_customers"] == inside.sum()
            lo, hi = np.quantile(totals, [0.025, 0.975])
            assert row["total_lower"] == pytest.approx(lo, rel=1e-12)
            assert row["total_upper"] == pytest.approx(hi, rel=1e-12)
    codes = np.where(labels.isna(), -1, (labels == "repeat").astype(int)).astype(np.int64)
    both = vd.group_totals("clv", codes, 2)
    everyone = whole["clv"][codes >= 0].sum(axis=0, dtype=np.float64)
    np.testing.assert_allclose(both.sum(axis=0), everyone, rtol=1e-12)
    with pytest.raises(KeyError, match="no draws of 'spend'"):
        vd.customer_draws("spend")
