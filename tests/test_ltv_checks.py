"""Tests for analysis.studies.ltv_checks and the checks it reads from analysis.studies.clv."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.studies import clv
from analysis.studies import ltv_checks as lc


def per_contact(seed: int = 0) -> pd.DataFrame:
    """Four channels: douyin clearly higher, three equal; hooks unrelated to value."""
    rng = np.random.default_rng(seed)
    n = 400
    channel = np.repeat(["douyin", "partner", "referral", "xiaohongshu"], n)
    clv_ = rng.gamma(2.0, 10.0, 4 * n) * np.where(channel == "douyin", 1.5, 1.0)
    return pd.DataFrame(
        {"channel": channel, "hook": np.tile(["coupon", "trial"], 2 * n), "clv": clv_}
    )


def test_segment_comparisons_welch_and_holm():
    data = per_contact()
    t = clv.segment_comparisons(data)
    assert t[["by", "segment"]].values.tolist() == [
        ["channel", "douyin"],
        ["channel", "partner"],
        ["channel", "referral"],
        ["channel", "xiaohongshu"],
        ["hook", "coupon"],
        ["hook", "trial"],
    ]
    d = t.iloc[0]
    inside = data["channel"] == "douyin"
    assert d["n"] == 400 and d["n_rest"] == 1200
    assert d["mean"] == pytest.approx(data.loc[inside, "clv"].mean())
    assert d["difference"] == pytest.approx(d["mean"] - data.loc[~inside, "clv"].mean())
    welch = stats.ttest_ind(data.loc[inside, "clv"], data.loc[~inside, "clv"], equal_var=False)
    assert d["p_value"] == pytest.approx(welch.pvalue)
    # Holm by hand: sorted p times (m - rank), running maximum, capped at 1
    p = t["p_value"].to_numpy()
    order = np.argsort(p)
    holm = np.minimum(1, np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p)))))
    expected = np.empty_like(p)
    expected[order] = holm
    np.testing.assert_allclose(t["p_holm"], expected)
    assert (t["p_holm"] >= t["p_value"]).all()
    # douyin is higher than the rest (and so each other channel is lower than a rest that
    # holds douyin); the hooks, unrelated to value, are not significant
    assert t.loc[0, "significant"] and t.loc[0, "difference"] > 0
    assert not t.loc[t["by"] == "hook", "significant"].any()


def test_holm_removes_what_chance_gives_many_comparisons():
    """Twenty equal segments: each alone has a 5% chance of p < 0.05; after Holm's adjustment
    none survive (on this seed two of them are below 0.05 unadjusted)."""
    rng = np.random.default_rng(1)
    data = pd.DataFrame(
        {"channel": np.repeat([f"c{i:02d}" for i in range(20)], 200), "clv": rng.gamma(2, 10, 4000)}
    )
    t = clv.segment_comparisons(data, by=["channel"])
    assert (t["p_value"] < 0.05).sum() >= 1
    assert not t["significant"].any()
    r = lc.SegmentTests(t)
    assert "stay significant after Holm's adjustment for making 20 comparisons at once: none" in (
        r.reading("en")
    )


def test_segment_tests_reading():
    r = lc.segment_tests(per_contact())
    text = r.reading("en")
    assert text.startswith("6 comparisons of mean CLV (each channel and each hook against all")
    held = int(r.table["significant"].sum())
    assert f"{held} stay significant" in text and "douyin higher (" in text
    assert "经霍尔姆多重比较校正" in r.reading("zh")
    with pytest.raises(ValueError, match="column 'clv' is missing from the per-contact values"):
        clv.segment_comparisons(per_contact().drop(columns="clv"))


# ---- revenue in the holdout ------------------------------------------------------------------


@pytest.fixture(scope="module")
def cdnow_revenue():
    from analysis.aggregate.transactions import calibration_holdout_summary, calibration_part
    from analysis.simulate.cdnow import load_cdnow_sample
    from analysis.studies import ltv

    raw = load_cdnow_sample()
    both = calibration_holdout_summary(
        raw,
        customer_col="customer_id",
        time_col="date",
        amount_col="dollars",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        freq="D",
        freq_multiplier=7,
    )
    cal = calibration_part(both)
    bg, gg = ltv.PurchaseModel("bgnbd").fit(cal), ltv.SpendModel().fit(cal)
    return raw, both, bg, gg


def test_holdout_revenue_against_the_raw_transactions(cdnow_revenue):
    raw, both, bg, gg = cdnow_revenue
    t = clv.holdout_revenue(both, purchases=bg, spend=gg)
    assert t["group"].tolist() == [str(i) for i in range(1, 11)] + ["total"]
    total = t.set_index("group").loc["total"]
    body = t[t["group"] != "total"]
    assert body["n_customers"].sum() == total["n_customers"] == len(both)
    assert body["n_customers"].max() - body["n_customers"].min() <= 1
    # actual holdout spend: every dollar the calibration customers spent after the end
    later = raw["date"].between("1997-10-01", "1998-06-30") & raw["customer_id"].isin(both.index)
    assert total["actual_spend"] == pytest.approx(raw.loc[later, "dollars"].sum())
    assert total["actual_purchases"] == both["frequency_holdout"].sum()
    # predicted purchases as in the purchase check; spend = purchases x Gamma-Gamma spend
    assert total["predicted_purchases"] == pytest.approx(
        clv.holdout_metrics(both, model=bg)["predicted_total"].iloc[0]
    )
    per = bg.expected_purchases(
        both,
        horizon=both["duration_holdout"].to_numpy(),
        frequency_col="frequency_cal",
        recency_col="recency_cal",
        T_col="T_cal",
    ) * gg.expected_spend(both, frequency_col="frequency_cal", monetary_col="monetary_value_cal")
    assert total["predicted_spend"] == pytest.approx(per.sum())
    assert body["predicted_spend"].sum() == pytest.approx(per.sum())
    # deciles are ordered by predicted value: per-customer predictions rise
    mean_pred = body["predicted_spend"] / body["n_customers"]
    assert mean_pred.is_monotonic_increasing
    assert body["actual_spend"].iloc[-1] > body["actual_spend"].iloc[0]
    for what in ("purchases", "spend"):
        err = t[f"predicted_{what}"] - t[f"actual_{what}"]
        np.testing.assert_allclose(t[f"{what}_error"], err)
        ok = t[f"actual_{what}"] > 0
        np.testing.assert_allclose(
            t.loc[ok, f"{what}_error_pct"], 100 * err[ok] / t.loc[ok, f"actual_{what}"]
        )
        assert t.loc[~ok, f"{what}_error_pct"].isna().all()
    with pytest.raises(ValueError, match="monetary_value_cal"):
        clv.holdout_revenue(both.drop(columns="monetary_value_cal"), purchases=bg, spend=gg)


def test_revenue_holdout_reading_and_plots(cdnow_revenue):
    import matplotlib.pyplot as plt

    _, both, bg, gg = cdnow_revenue
    r = lc.revenue_holdout(both, purchases=bg, spend=gg, unit="weeks", currency="USD")
    total = r.table.set_index("group").loc["total"]
    text = r.reading("en")
    assert text.startswith("Over the holdout (39.0 weeks) the models fitted on the calibration")
    assert f"predicted USD {total['predicted_spend']:,.0f} of spend against USD " in text
    assert f"({total['spend_error']:+,.0f}, {total['spend_error_pct']:+.1f}%)" in text
    assert "检验期" in r.reading("zh")
    fig, axes = plt.subplots(1, 2)
    for ax, metric in zip(axes, ("spend", "purchases")):
        assert r.plot(ax=ax, metric=metric) is ax
        assert len(ax.patches) == 20
    assert "USD" in axes[0].get_ylabel()
    plt.close(fig)


# ---- covariate effects ---------------------------------------------------------------------


def test_covariate_effects_reading_and_plot():
    import matplotlib.pyplot as plt

    from analysis.simulate.btyd import btyd_world

    world = btyd_world(4000, model="pareto_nbd", seed=4)
    summary = world.summary.drop(columns="channel").rename_axis("user_id")
    contacts = world.summary["channel"].rename_axis("user_id").reset_index()
    r = lc.covariate_effects(summary, contacts=contacts, reference="douyin")
    assert r.table["level"].tolist() == ["offline_event", "referral", "xiaohongshu"] * 2
    truth = world.truth.set_index(["process", "covariate"])["multiplier"]
    got = r.table.set_index(["process", "covariate"])
    inside = (got["lower_95"] <= truth) & (truth <= got["upper_95"])
    assert inside.all()
    text = r.reading("en")
    assert text.startswith("The channel changes how often customers buy and how soon they leave")
    # the strongest dropout effect of the world: offline events leave at 1.8x
    worst = r.table[r.table["process"] == "dropout"].set_index("level").loc["offline_event"]
    assert f"in dropout rate offline_event ({worst['multiplier']:.2f}×, 95% CI " in text
    assert "似然比卡方" in r.reading("zh")
    null = lc.CovariateEffects(
        r.table, test=r.test.assign(p_value=0.4), covariate="channel", reference="douyin"
    )
    assert null.reading("en").startswith("The data do not show that the channel changes")
    fig, ax = plt.subplots()
    assert r.plot(ax=ax) is ax and ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "offline_event",
        "referral",
        "xiaohongshu",
    ]
    plt.close(fig)
    with pytest.raises(ValueError, match="1 customers of the summary have no 'channel'"):
        lc.covariate_effects(summary, contacts=contacts.iloc[1:])


def test_covariate_effects_are_fitted_on_the_stated_sample():
    from analysis.simulate.btyd import btyd_world

    world = btyd_world(2000, model="pareto_nbd", seed=4)
    summary = world.summary.drop(columns="channel").rename_axis("user_id")
    contacts = world.summary["channel"].rename_axis("user_id").reset_index()
    r = lc.covariate_effects(
        summary, contacts=contacts, reference="douyin", fit_sample=800, random_state=3
    )
    s = r.fit_sample
    assert (s.n_fit, s.n_all, s.seed, s.sampled) == (800, 2000, 3, True)
    # the sample is what the models saw: the test's likelihoods are sums over 800 customers
    full = lc.covariate_effects(summary, contacts=contacts, reference="douyin")
    assert not full.fit_sample.sampled and "drawn at random" not in full.reading("en")
    ratio = r.test["log_likelihood_full"].iloc[0] / full.test["log_likelihood_full"].iloc[0]
    assert 0.3 < ratio < 0.5  # 800 of 2,000 customers
    assert r.reading("en").endswith(
        "The covariate models (purchase, dropout and spend): fitted on 800 of 2,000 users, "
        "drawn at random with seed 3."
    )
    assert "从 2,000 位用户中随机抽取 800 人拟合（随机种子 3）" in r.reading("zh")


# ---- per-customer intervals -------------------------------------------------------------------


def test_customer_intervals_pseudonymous_table_and_reading(cdnow_revenue):
    from analysis.aggregate.transactions import calibration_part
    from analysis.studies import ltv

    raw, both, _, _ = cdnow_revenue
    summary = calibration_part(both).rename_axis("user_id")
    contacts = pd.DataFrame(
        {"user_id": summary.index, "channel": np.where(summary["frequency"] > 2, "a", "b")}
    )
    spend = ltv.SpendModel().fit(summary)
    r = lc.customer_intervals(
        summary,
        contacts=contacts,
        spend=spend,
        horizon=26,
        discount_rate=0.1,
        freq="D",
        freq_multiplier=7,
        currency="USD",
        n_draws=50,
    )
    t = r.table
    assert len(t) == len(summary) and t["pseudo_id"].is_unique
    assert not set(t["pseudo_id"]) & set(summary.index.astype(str))  # no raw id
    assert t["pseudo_id"].str.fullmatch(r"p[0-9a-f]{12}").all()
    assert t.columns[:2].tolist() == ["pseudo_id", "channel"]
    assert (t["clv_lower"] <= t["clv_upper"]).all()
    seg = r.segments[r.segments["metric"] == "clv"].set_index("channel")
    assert seg["total"].sum() == pytest.approx(t["clv"].sum())
    assert r.total[1] < r.total[0] < r.total[2]
    text = r.reading("en")
    assert text.startswith(f"Carrying the models' parameter uncertainty into the {len(t):,} buyers")
    assert f"26-week CLV totals USD {t['clv'].sum():,.0f} (95% interval USD " in text
    assert "参数估计的不确定性" in r.reading("zh")


def test_narrow_interval_widths_keep_their_decimals() -> None:
    # at 5M buyers a typical interval is a fraction of a percent wide: not "0%"
    assert [lc.narrow_share(x) for x in (0.2, 0.0034, 0.0004, 0.0)] == [
        "20%",
        "0.3%",
        "<0.1%",
        "0%",
    ]


# ---- concentration and P(alive) in words ------------------------------------------------------


def test_value_concentration_golden():
    values = pd.Series([50.0, 20.0, 10.0, 10.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0])  # total 100
    t = clv.value_concentration(values)
    marked = t[t["marked"]].set_index("top_share")["value_share"]
    assert marked.to_dict() == {0.1: 0.5, 0.2: 0.7}  # the top 1 and top 2 of 10 customers
    assert t["top_share"].is_monotonic_increasing and t["value_share"].is_monotonic_increasing
    assert t["value_share"].iloc[-1] == pytest.approx(1.0)
    r = lc.Concentration(t, total=100.0, horizon=26, unit="weeks", currency="CNY")
    assert r.reading("en") == (
        "Value is concentrated: the 10% of buyers with the highest 26-week CLV hold 50% of the "
        "total (CNY 50 of CNY 100), the top 20% hold 70%."
    )
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert r.plot(ax=ax) is ax
    plt.close(fig)
    with pytest.raises(ValueError, match="positive total"):
        clv.value_concentration(pd.Series([0.0, 0.0]))


def test_alive_explained_from_the_maps(cdnow_revenue):
    from analysis.aggregate.transactions import calibration_part
    from analysis.studies import ltv_results as lr

    _, both, bg, _ = cdnow_revenue
    maps = lr.recency_frequency_maps(bg, summary=calibration_part(both), horizon=26, unit="weeks")
    r = lc.alive_explained(maps)
    t = r.table.set_index("case")
    assert t.loc["one_time", "p_alive"] == 1.0  # BG/NBD: no repeat purchase, never seen to leave
    assert t.loc["heavy_quiet", "p_alive"] == pytest.approx(
        maps.table.iloc[len(maps.table) // 2, -1]
    )
    text = r.reading("en")
    f = int(t.loc["heavy_quiet", "frequency"])
    assert text.startswith(f"Why P(alive) can look harsh: a customer with {f} repeat purchases")
    assert "one-time buyers count as alive (P(alive) = 1.00)" in text
    assert "一次性购买者被视为存活" in r.reading("zh")


def test_covariate_effects_add_spend_when_the_summary_has_it():
    from analysis.simulate.btyd import btyd_world

    world = btyd_world(3000, model="pareto_nbd", seed=4)
    rng = np.random.default_rng(0)
    spend = np.where(world.summary["channel"] == "offline_event", 50.0, 100.0)
    summary = world.summary.drop(columns="channel").rename_axis("user_id")
    summary["monetary_value"] = np.where(
        summary["frequency"] > 0, rng.gamma(20.0, spend / 20.0), 0.0
    )
    contacts = world.summary["channel"].rename_axis("user_id").reset_index()
    r = lc.covariate_effects(summary, contacts=contacts, reference="douyin")
    assert r.table["process"].unique().tolist() == ["purchase", "dropout", "spend"]
    s = r.table[r.table["process"] == "spend"].set_index("level")
    assert s.loc["offline_event", "lower_95"] < 0.5 < s.loc["offline_event", "upper_95"]
    assert (
        "Spend per purchase (Gamma-Gamma with the same covariate) differs most for offline_event"
        in (r.reading("en"))
    )


def test_spend_sentence_when_no_interval_excludes_one():
    table = pd.DataFrame(
        {
            "process": ["purchase", "dropout", "spend"],
            "covariate": ["channel=a"] * 3,
            "level": ["a"] * 3,
            "multiplier": [1.5, 0.5, 1.03],
            "lower_95": [1.2, 0.3, 0.97],
            "upper_95": [1.8, 0.8, 1.1],
        }
    )
    test = pd.DataFrame([{"statistic": 20.0, "df": 2, "p_value": 1e-5}])
    text = lc.CovariateEffects(table, test=test, reference="b").reading("en")
    assert text.endswith(
        "Spend per purchase (Gamma-Gamma with the same covariate) does not differ clearly by "
        "this covariate: every interval includes 1 (the largest estimate: a (1.03×, 95% CI "
        "0.97–1.10))."
    )
