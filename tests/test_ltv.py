"""Tests for analysis.studies.ltv: the lifetimes door, published CDNOW numbers, and our own
predictions, CLV, bootstrap and holdout tools."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln

from analysis.aggregate.transactions import (
    calibration_holdout_summary,
    calibration_part,
    summarize_transactions,
)
from analysis.simulate import cdnow as cdnow_ref
from analysis.simulate import checks
from analysis.studies import clv, ltv

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"


# ---- one door, no leaks ---------------------------------------------------------------


def test_only_ltv_imports_lifetimes() -> None:
    importers = [
        p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*.py")
        if any(
            line.lstrip().startswith(("import lifetimes", "from lifetimes"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert importers == ["studies/ltv.py"]


def test_no_warning_filter_leak_and_lazy_import() -> None:
    code = textwrap.dedent(
        """
        import sys, warnings
        # their own filters, if any:
        import numpy, pandas, scipy.stats, scipy.optimize, scipy.special
        before = list(warnings.filters)
        import analysis, analysis.studies.ltv, analysis.simulate.cdnow
        assert "lifetimes" not in sys.modules, "lifetimes imported at import time"
        from analysis.studies.ltv import PurchaseModel, SpendModel
        from analysis.aggregate.transactions import summarize_transactions
        s = summarize_transactions(analysis.simulate.cdnow.load_cdnow_sample(),
                                   customer_col="customer_id", time_col="date",
                                   amount_col="dollars", observation_end="1997-09-30",
                                   freq="D", freq_multiplier=7)
        m = PurchaseModel().fit(s)
        m.summary; m.expected_purchases(s, horizon=4); m.probability_alive(s)
        PurchaseModel("mbgnbd").fit(s)
        SpendModel().fit(s).summary
        assert "lifetimes" in sys.modules
        after = list(warnings.filters)
        assert after == before, [f for f in after if f not in before]
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# ---- published CDNOW numbers ----------------------------------------------------------


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return cdnow_ref.load_cdnow_sample()


@pytest.fixture(scope="module")
def cdnow_holdout(cdnow) -> pd.DataFrame:
    return calibration_holdout_summary(
        cdnow,
        customer_col="customer_id",
        time_col="date",
        amount_col="dollars",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        freq="D",
        freq_multiplier=7,
    )


@pytest.fixture(scope="module")
def bgnbd(cdnow_weeks) -> ltv.PurchaseModel:
    return ltv.PurchaseModel().fit(cdnow_weeks)


def test_cdnow_sample_shape(cdnow, cdnow_weeks) -> None:
    assert cdnow["customer_id"].nunique() == 2357
    assert len(cdnow_weeks) == 2357
    assert int((cdnow_weeks["frequency"] > 0).sum()) == 946


def test_published_cdnow_parameters(cdnow_weeks) -> None:
    table = cdnow_ref.reproduce_cdnow(cdnow_weeks)
    assert len(table) == len(cdnow_ref.PUBLISHED_CDNOW)
    mismatches = table.loc[~table["match"], ["model", "parameter", "published", "ours"]]
    assert mismatches.empty, mismatches.to_string()
    # and the check itself can fail: a wrong summary (calendar weeks) does not match
    wrong = summarize_transactions(
        cdnow_ref.load_cdnow_sample(),
        customer_col="customer_id",
        time_col="date",
        amount_col="dollars",
        observation_end="1997-09-30",
        freq="W",
    )
    assert not cdnow_ref.reproduce_cdnow(wrong)["match"].all()


def test_bgnbd_log_likelihood_matches_hand_formula(bgnbd, cdnow_weeks) -> None:
    r, alpha, a, b = bgnbd.params_
    x, t_x, T = (cdnow_weeks[c].to_numpy() for c in ("frequency", "recency", "T"))
    ln_a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    ln_a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = (alpha + T) ** -(r + x)
    a4 = np.where(x > 0, a / (b + x - 1) * (alpha + t_x) ** -(r + x), 0.0)
    ll = np.sum(ln_a1 + ln_a2 + np.log(a3 + a4))
    assert bgnbd.log_likelihood_ == pytest.approx(ll, rel=1e-10)
    assert round(bgnbd.log_likelihood_, 1) == -9582.4


@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd", "mbgnbd"])
def test_compressed_fit_gives_same_parameters(cdnow_weeks, model: str) -> None:
    full = ltv.PurchaseModel(model, compress=False).fit(cdnow_weeks)
    compressed = ltv.PurchaseModel(model).fit(cdnow_weeks)
    assert compressed.n_patterns_ < full.n_patterns_ == 2357
    np.testing.assert_allclose(compressed.params_, full.params_, rtol=1e-5)
    assert compressed.log_likelihood_ == pytest.approx(full.log_likelihood_, abs=1e-4)


def test_spend_model_and_independence(cdnow_weeks) -> None:
    gg = ltv.SpendModel().fit(cdnow_weeks)
    full = ltv.SpendModel(compress=False).fit(cdnow_weeks)
    np.testing.assert_allclose(gg.params_, full.params_, rtol=1e-5)
    assert gg.n_customers_ == 946
    check = gg.independence_.iloc[0]
    rep = cdnow_weeks[cdnow_weeks["frequency"] > 0]
    assert check["pearson_r"] == pytest.approx(
        np.corrcoef(rep["frequency"], rep["monetary_value"])[0, 1]
    )
    assert check["pearson_lower_95"] < check["pearson_r"] < check["pearson_upper_95"]
    # non-repeaters get the population mean spend p * gamma / (q - 1)
    p, q, g = gg.params_
    new = pd.DataFrame({"frequency": [0.0], "monetary_value": [0.0]})
    assert gg.expected_spend(new).iloc[0] == pytest.approx(p * g / (q - 1))
    assert "946 repeat buyers" in repr(gg)


# ---- estimator conventions ------------------------------------------------------------


def test_estimator_conventions(cdnow_weeks) -> None:
    model = ltv.PurchaseModel("mbgnbd", penalizer=0.0)
    assert vars(model) == {"model": "mbgnbd", "penalizer": 0.0, "compress": True, "tol": None}
    assert "not fitted" in repr(model)
    with pytest.raises(RuntimeError, match="not fitted"):
        model.probability_alive(cdnow_weeks)
    assert model.fit(cdnow_weeks) is model
    assert list(model.summary.columns) == ["estimate", "std_error", "lower_95", "upper_95"]
    assert "2,357 customers" in repr(model)
    with pytest.raises(ValueError, match="model must be one of"):
        ltv.PurchaseModel("bg").fit(cdnow_weeks)
    with pytest.raises(ValueError, match="'recency' is missing"):
        ltv.PurchaseModel().fit(cdnow_weeks.drop(columns="recency"))
    with pytest.raises(ValueError, match="'T' must be at least 'recency'"):
        ltv.PurchaseModel().fit(cdnow_weeks.assign(T=0.5))


def test_fit_does_not_mutate(cdnow_weeks) -> None:
    before = cdnow_weeks.copy(deep=True)
    ltv.PurchaseModel().fit(cdnow_weeks)
    ltv.SpendModel().fit(cdnow_weeks)
    pd.testing.assert_frame_equal(cdnow_weeks, before)


# ---- predictions and value ------------------------------------------------------------


def test_customer_value_discounting(bgnbd, cdnow_weeks) -> None:
    gg = ltv.SpendModel().fit(cdnow_weeks)
    flat = clv.customer_value(
        cdnow_weeks,
        purchases=bgnbd,
        spend=gg,
        horizon=52,
        discount_rate=0.0,
        freq="D",
        freq_multiplier=7,
    )
    assert list(flat.columns) == ["expected_purchases", "p_alive", "expected_spend", "clv"]
    # without discounting, CLV is expected purchases times expected spend
    np.testing.assert_allclose(
        flat["clv"], flat["expected_purchases"] * flat["expected_spend"], rtol=1e-9
    )
    discounted = clv.customer_value(
        cdnow_weeks,
        purchases=bgnbd,
        spend=gg,
        horizon=52,
        discount_rate=0.1,
        freq="D",
        freq_multiplier=7,
    )
    ratio = discounted["clv"].sum() / flat["clv"].sum()
    assert 1 / 1.1 < ratio < 1.0
    # predicted once per distinct pattern: every customer's own prediction, bit for bit
    np.testing.assert_array_equal(
        flat["expected_purchases"], bgnbd.expected_purchases(cdnow_weeks, horizon=52)
    )
    np.testing.assert_array_equal(flat["p_alive"], bgnbd.probability_alive(cdnow_weeks))
    assert (flat["p_alive"].between(0, 1)).all()
    with pytest.raises(ValueError, match="horizon > 0"):
        clv.customer_value(cdnow_weeks, purchases=bgnbd, horizon=0, freq="D")
    # the time unit is named once: units a year follow from freq and freq_multiplier ...
    stated = clv.customer_value(
        cdnow_weeks,
        purchases=bgnbd,
        spend=gg,
        horizon=52,
        discount_rate=0.1,
        freq="D",
        freq_multiplier=7,
        units_per_year=365.25 / 7,
    )
    pd.testing.assert_frame_equal(stated, discounted)
    # ... and a hand-set value that disagrees (weeks' 52.18 for a model in days) is an error
    with pytest.raises(
        ValueError, match="units_per_year=52.18 disagrees with freq='D' and freq_multiplier=1"
    ):
        clv.customer_value(
            cdnow_weeks, purchases=bgnbd, spend=gg, horizon=52, freq="D", units_per_year=52.18
        )


def test_expected_purchases_per_customer_horizon(bgnbd, cdnow_weeks) -> None:
    head = cdnow_weeks.head(50)
    one = bgnbd.expected_purchases(head, horizon=10.0)
    many = bgnbd.expected_purchases(head, horizon=np.full(50, 10.0))
    pd.testing.assert_series_equal(one, many)
    longer = bgnbd.expected_purchases(head, horizon=20.0)
    assert (longer.to_numpy() >= one.to_numpy()).all()


def test_segment_summary_golden() -> None:
    values = pd.DataFrame({"seg": ["x", "x", "x", "y", "y"], "clv": [1.0, 2.0, 3.0, 5.0, 5.0]})
    out = clv.segment_summary(
        values, by="seg", value_cols=["clv"], n_boot=400, random_state=1
    ).set_index("seg")
    assert (
        out.loc["x", "total"] == 6.0
        and out.loc["x", "mean"] == 2.0
        and out.loc["x", "n_customers"] == 3
    )
    assert 3.0 <= out.loc["x", "total_lower"] < 6.0 < out.loc["x", "total_upper"] <= 9.0
    # a constant segment has a degenerate interval
    assert out.loc["y", "total_lower"] == out.loc["y", "total_upper"] == 10.0
    again = clv.segment_summary(
        values, by="seg", value_cols=["clv"], n_boot=400, random_state=1
    ).set_index("seg")
    pd.testing.assert_frame_equal(out, again)


def test_segment_summary_columns_share_their_resamples() -> None:
    """Each column is gathered on its own, but every column sums the same resampled customers
    (the draws of the reference: one index array per batch for all columns)."""
    rng = np.random.default_rng(4)
    values = pd.DataFrame({"seg": "x", "a": rng.random(50), "b": rng.random(50)})
    out = clv.segment_summary(values, by="seg", value_cols=["a", "b"], n_boot=7, random_state=3)
    idx = np.random.default_rng(3).integers(0, 50, size=(7, 50))
    totals = values[["a", "b"]].to_numpy()[idx].sum(axis=1)
    for j, metric in enumerate(["a", "b"]):
        row = out[out["metric"] == metric].iloc[0]
        lo, hi = np.quantile(totals[:, j], [0.025, 0.975])
        np.testing.assert_allclose([row["total_lower"], row["total_upper"]], [lo, hi], rtol=1e-12)


# ---- holdout evaluation -----------------------------------------------------------------


def test_holdout_tools(cdnow, cdnow_holdout) -> None:
    cal = calibration_part(cdnow_holdout)
    assert list(cal.columns) == ["frequency", "recency", "T", "monetary_value"]
    model = ltv.PurchaseModel().fit(cal)
    metrics = clv.holdout_metrics(cdnow_holdout, model=model).iloc[0]
    assert metrics["actual_total"] == cdnow_holdout["frequency_holdout"].sum()
    assert abs(metrics["total_error_pct"]) < 25 and metrics["pearson_r"] > 0.5
    table = clv.calibration_by_frequency(cdnow_holdout, model=model, max_frequency=7)
    assert table["frequency_cal"].astype(str).tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["n_customers"].sum() == len(cdnow_holdout)
    assert table["actual"].is_monotonic_increasing  # CDNOW: more past purchases, more future ones
    curve = clv.cumulative_transactions(
        cdnow,
        model=model,
        customer_col="customer_id",
        time_col="date",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        freq="D",
        freq_multiplier=7,
    )
    total_repeat = cdnow_holdout["frequency_cal"].sum() + cdnow_holdout["frequency_holdout"].sum()
    assert curve["actual"].iloc[-1] == total_repeat
    assert curve["actual"].is_monotonic_increasing and curve["predicted"].is_monotonic_increasing
    assert set(curve["phase"]) == {"calibration", "holdout"}
    assert curve["predicted"].iloc[-1] == pytest.approx(total_repeat, rel=0.15)


def test_matrices(bgnbd) -> None:
    alive = clv.probability_alive_matrix(bgnbd, max_frequency=5, T=39)
    assert alive.shape == (40, 6)
    assert (alive[0] == 1.0).all()  # BG/NBD: no repeat purchase, never seen to drop out
    assert alive[3].is_monotonic_increasing
    expected = clv.expected_purchases_matrix(bgnbd, horizon=10, max_frequency=5, T=39)
    assert expected.iloc[-1].is_monotonic_increasing


def test_compare_with_truth_converts_units(bgnbd) -> None:
    truth = {"purchases": {"r": 0.25, "alpha": 31.0, "time_unit": "day"}}
    table = checks.compare_with_truth(truth, purchases=bgnbd, unit_days=7).set_index("parameter")
    assert table.loc["alpha", "true"] == pytest.approx(31.0 / 7)
    assert table.loc["r", "relative_error"] == pytest.approx(bgnbd.params_["r"] / 0.25 - 1)
    assert table.loc["r", "covered"] and table.loc["alpha", "covered"]  # CDNOW: r 0.218-0.267
    far = checks.compare_with_truth({"purchases": {"r": 0.5}}, purchases=bgnbd, unit_days=7)
    assert not far["covered"].iloc[0]


def test_recovers_simulated_bgnbd_parameters() -> None:
    rng = np.random.default_rng(7)
    n, horizon = 4000, 52.0
    true = {"r": 0.5, "alpha": 4.0, "a": 0.6, "b": 2.5}
    lam = rng.gamma(true["r"], 1 / true["alpha"], n)
    p = rng.beta(true["a"], true["b"], n)
    T = rng.uniform(20, horizon, n)
    freq, rec = np.zeros(n), np.zeros(n)
    for i in range(n):  # simulate each customer's purchases until dropout or T
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T[i]:
                break
            freq[i], rec[i] = freq[i] + 1, t
            if rng.random() < p[i]:
                break
    model = ltv.PurchaseModel().fit(pd.DataFrame({"frequency": freq, "recency": rec, "T": T}))
    table = model.summary
    for name, value in true.items():
        assert (
            table.loc[name, "lower_95"] - 2 * table.loc[name, "std_error"]
            < value
            < table.loc[name, "upper_95"] + 2 * table.loc[name, "std_error"]
        ), name


def test_numerical_std_errors_match_autograd_and_cover_pareto(bgnbd, cdnow_weeks) -> None:
    arrays = [cdnow_weeks[c].to_numpy() for c in ("frequency", "recency", "T")]
    weights = np.ones(len(cdnow_weeks))
    numeric = ltv.numerical_std_errors(
        lambda p: -bgnbd._total_log_likelihood(p, *arrays, weights), bgnbd.params_.to_numpy()
    )
    np.testing.assert_allclose(numeric, bgnbd.summary["std_error"], rtol=1e-3)
    pareto = ltv.PurchaseModel("pareto_nbd").fit(cdnow_weeks).summary
    assert (pareto["std_error"] > 0).all()
    assert (pareto["lower_95"] < pareto["estimate"]).all()
