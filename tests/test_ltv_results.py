"""The lifetime-value report's results (analysis.studies.ltv_results, with the per-contact
values of analysis.studies.clv): each reading says what its hand-made table holds, in every
branch, in English and Chinese; each figure is drawn on a new or on a given axes."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from analysis.data.validate import validate_tables
from analysis.studies import clv
from analysis.studies import ltv_results as lr


def _new_figure_and_given_axes(result, **kw):
    plt.close("all")
    ax = result.plot(lang="en", **kw)
    assert isinstance(ax, Axes) and len(plt.get_fignums()) == 1
    _, given = plt.subplots()
    assert result.plot(ax=given, lang="en", **kw) is given
    assert given.has_data() or given.images
    plt.close("all")


# ---- models ---------------------------------------------------------------------------


def fits_table(ll=(-100.0, -90.0, -95.0)):
    return pd.DataFrame(
        {"r": [0.2, 0.3, 0.25], "log_likelihood": list(ll), "customers": [50] * 3},
        index=["bgnbd", "pareto_nbd", "mbgnbd"],
    ).astype(object)


def test_model_fits_reading_names_the_best_model():
    r = lr.ModelFits(fits_table())
    assert r.best() == "pareto_nbd"
    assert r.reading("en") == (
        "On the calibration data the highest log-likelihood is pareto_nbd (-90.0); BG/NBD, "
        "the default, reaches -100.0."
    )
    assert r.reading("zh") == (
        "在校准期数据上，对数似然最高的是帕累托/负二项模型（-90.0）；默认的贝塔几何/负二项模型为 "
        "-100.0。"
    )
    r2 = lr.ModelFits(fits_table((-80.0, -90.0, -95.0)))
    assert r2.reading("en").startswith(
        "On the calibration data the highest log-likelihood is bgnbd"
    )


class _Fitted:
    def __init__(self, ll):
        self.params_ = pd.Series({"r": 0.5, "alpha": 2.0})
        self.log_likelihood_, self.n_customers_, self.n_patterns_ = ll, 10, 4


def test_model_fits_table_from_fitted_models():
    r = lr.model_fits({"bgnbd": _Fitted(-5.0), "mbgnbd": _Fitted(-4.0)})
    assert list(r.table.index) == ["bgnbd", "mbgnbd"]
    assert list(r.table.columns) == ["r", "alpha", "log_likelihood", "customers", "patterns"]
    assert r.best() == "mbgnbd" and r.default == "bgnbd"


def independence_table(lo, hi, pearson_p=0.4, spearman_p=0.3):
    return pd.DataFrame(
        [
            {
                "n": 120,
                "pearson_r": (lo + hi) / 2,
                "pearson_lower_95": lo,
                "pearson_upper_95": hi,
                "pearson_p": pearson_p,
                "spearman_rho": 0.05,
                "spearman_p": spearman_p,
            }
        ]
    )


def test_independence_reading_in_each_branch():
    inside = lr.IndependenceCheck(independence_table(-0.1, 0.2), mean_spend=35.0)
    assert inside.independent and inside.rejected_by() == ()
    assert inside.reading("en") == (
        "Neither Pearson's nor Spearman's test rejects independence at the 5% level: no "
        "evidence against Gamma-Gamma's assumption. Among 120 repeat buyers the correlation of "
        "frequency and mean spend is Pearson r = 0.050 (95% CI -0.100 to 0.200; p = 0.4) and "
        "Spearman rho = 0.050 (p = 0.3). The model's mean spend per purchase is 35.0."
    )
    assert "都不拒绝独立性" in inside.reading("zh")
    # the sample's case: Pearson's r near 0, Spearman's rho clearly not
    spearman = lr.IndependenceCheck(
        independence_table(-0.05, 0.07, pearson_p=0.7, spearman_p=1e-6), mean_spend=35.0
    )
    assert not spearman.independent and spearman.rejected_by() == ("spearman",)
    assert spearman.reading("en").startswith(
        "**Warning:** Spearman's test rejects independence at the 5% level"
    )
    assert "p = 1e-06" in spearman.reading("en")
    assert "斯皮尔曼检验在 5% 水平上拒绝独立性" in spearman.reading("zh")
    pearson = lr.IndependenceCheck(independence_table(0.1, 0.3, pearson_p=0.001))
    assert pearson.rejected_by() == ("pearson",)
    assert pearson.reading("en").startswith("**Warning:** Pearson's test rejects")
    both = lr.IndependenceCheck(independence_table(-0.3, -0.01, 0.01, 0.02))
    assert both.rejected_by() == ("pearson", "spearman")
    assert both.reading("en").startswith("**Warning:** both Pearson's and Spearman's tests")
    assert lr.IndependenceCheck(
        independence_table(-0.3, -0.01, 0.01, 0.02), alpha=0.005
    ).independent


def test_spend_independence_carries_the_models_check():
    class Spend:
        independence_ = independence_table(-0.1, 0.1)
        population_mean_spend = 12.5

    r = lr.spend_independence(Spend())
    assert r.table is Spend.independence_ and r.mean_spend == 12.5


def recovery_table():
    return pd.DataFrame(
        {
            "model": ["pareto_nbd", "pareto_nbd", "gamma_gamma"],
            "parameter": ["r", "alpha", "p"],
            "true": [0.5, 2.0, 6.0],
            "estimate": [0.6, 3.0, 5.7],
            "lower_95": [0.4, 2.5, 5.0],
            "upper_95": [0.8, 3.5, 6.5],
            "relative_error": [0.2, 0.5, -0.05],
            "covered": [True, False, True],
        }
    )


def test_parameter_recovery_reading():
    r = lr.ParameterRecovery(recovery_table(), unit_one="week")
    assert r.mean_rate() == pytest.approx((0.2, 0.25))
    assert r.reading("en") == (
        "2 of 3 true values lie inside the estimate's 95% interval. The largest relative error "
        "is alpha (pareto_nbd): 3.000 against a true 2.000 (+50%). The mean purchase rate "
        "r/alpha is 0.200 per week against a true 0.250."
    )
    assert r.reading("zh") == (
        "3 个真实值中有 2 个落在估计的 95% 区间内。相对误差最大的是 α（帕累托/负二项模型）：估计 "
        "3.000，真实 2.000（+50%）。平均购买率 r/α 为每周 0.200，真实值为 0.250。"
    )
    # the largest error in absolute value, whatever its sign
    neg = recovery_table().assign(relative_error=[0.2, 0.5, -0.9])
    assert "The largest relative error is p (gamma_gamma)" in lr.ParameterRecovery(neg).reading()
    spend_only = lr.ParameterRecovery(recovery_table().iloc[[2]])
    assert np.isnan(spend_only.mean_rate()[0])


def test_published_reproduction_reading():
    table = pd.DataFrame({"published": [1.0, 2.0, 3.0], "match": [True, True, False]})
    summary = pd.DataFrame({"frequency": [0, 0, 1, 3]})
    r = lr.PublishedReproduction(table, summary=summary)
    assert r.reading("en") == (
        "2 of 3 published numbers are reproduced to the reported precision, on 4 customers of "
        "whom 2 are repeat buyers."
    )
    assert r.reading("zh") == (
        "3 个已发表数值中有 2 个在报告精度内得到复现；共 4 位客户，其中 2 位为复购者。"
    )


# ---- customer summary and holdout --------------------------------------------------------


def tiny_orders():
    contacts = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d"],
            "joined_at": ["2025-01-01"] * 4,
            "channel": ["douyin", "douyin", "offline_event", "offline_event"],
            "hook": ["coupon", "trial", "merch", "trial"],
            "referrer_id": [None] * 4,
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5"],
            "user_id": ["a", "a", "a", "b", "c"],
            "ordered_at": ["2025-01-05", "2025-01-20", "2025-03-01", "2025-01-10", "2025-01-12"],
            "amount": [10.0, 20.0, 30.0, 15.0, 8.0],
            "is_refund": [False, False, False, False, True],
            "refund_amount": [0.0, 0.0, 0.0, 0.0, 8.0],
        }
    )
    t = validate_tables(
        contacts, pd.DataFrame(columns=["user_id", "occurred_at", "event_type"]), orders
    )
    return t.contacts, t.orders


def test_time_unit_names():
    assert lr.time_unit("D", 7) == "weeks" == lr.time_unit("W", 1)
    assert lr.time_unit("D", 1) == "days" and lr.time_unit("h", 1) == "hours"
    assert lr.time_unit("D", 14) == "units of 14 x D"


def test_customer_summary_reading():
    contacts, orders = tiny_orders()
    r = lr.customer_summary(
        orders,
        contacts=contacts,
        calibration_end="2025-01-31",
        observation_end="2025-03-31",
        freq="D",
        freq_multiplier=7,
    )
    # c's only order is refunded in full: not a purchase; a bought again, b did not
    assert (r.orders, len(r.purchases), len(r.table), r.contacts) == (5, 4, 2, 4)
    assert r.unit == "weeks" and r.unit_one == "week"
    assert list(r.calibration.columns[:3]) == ["frequency", "recency", "T"]
    assert r.reading("en") == (
        "5 orders, of which 4 are purchases (net amount above 0), from 2 of 4 contacts (50%). "
        "1 of them bought again on a later day. The calibration period (to 2025-01-31) has 2 "
        "buyers, followed by a holdout of 8.4 weeks."
    )
    assert r.reading("zh") == (
        "5 笔订单中 4 笔为购买（净金额大于 0），来自 4 位联系人中的 2 位（50%）。其中 1 位在之后"
        "的某天再次购买。校准期（至 2025-01-31）有 2 位购买者，之后是 8.4 周的检验期。"
    )


def holdout_table():
    return pd.DataFrame(
        {
            "actual_total": [100.0, 100.0, 100.0],
            "predicted_total": [110.0, 96.0, 120.0],
            "total_error_pct": [10.0, -4.0, 20.0],
            "pearson_r": [0.61, 0.6, 0.5],
        },
        index=["bgnbd", "pareto_nbd", "mbgnbd"],
    )


def test_holdout_check_reading_names_the_smallest_absolute_error():
    r = lr.HoldoutCheck(holdout_table())
    assert r.error_pct == 10.0
    assert r.reading("en") == (
        "BG/NBD predicted 110 repeat purchases in the holdout against 100 actual (+10.0%); per "
        "customer, predictions and outcomes correlate at r = 0.61. The smallest aggregate "
        "error is pareto_nbd's (4.0%)."
    )
    assert r.reading("zh") == (
        "贝塔几何/负二项模型预测检验期复购 110 次，实际 100 次（+10.0%）；逐个客户看，预测与实际的"
        "相关系数 r = 0.61。合计误差最小的是帕累托/负二项模型（4.0%）。"
    )
    worse = holdout_table().assign(total_error_pct=[10.0, -40.0, 20.0])
    assert lr.HoldoutCheck(worse).reading("en").endswith("error is bgnbd's (10.0%).")


def test_cdnow_holdout_reading():
    r = lr.CdnowHoldoutCheck(holdout_table().iloc[[0]])
    assert r.reading("en") == (
        "On CDNOW, BG/NBD predicts 110 holdout repeat purchases against 100 actual (+10.0%)."
    )
    assert r.reading("zh") == (
        "在唱片零售数据上，贝塔几何/负二项模型预测检验期复购 110 次，实际 100 次（+10.0%）。"
    )


def test_holdout_check_and_cdnow_check_from_models():
    contacts, orders = tiny_orders()
    s = lr.customer_summary(
        orders, contacts=contacts, calibration_end="2025-01-31", observation_end="2025-03-31"
    )

    class Model:  # expects one purchase per unit of holdout time
        def expected_purchases(self, frame, *, horizon, **cols):
            return pd.Series(np.asarray(horizon, dtype=float) / 100, index=frame.index)

    r = lr.holdout_check(s.cal_holdout, models={"bgnbd": Model(), "other": Model()})
    assert list(r.table.index) == ["bgnbd", "other"]
    assert r.table.loc["bgnbd", "actual_total"] == 1.0  # a's purchase on 2025-03-01
    c = lr.cdnow_holdout_check(s.cal_holdout, model=Model())
    assert isinstance(c, lr.CdnowHoldoutCheck) and list(c.table.index) == ["bgnbd"]


def test_cumulative_check_reading_at_the_end_and_plot():
    curve = pd.DataFrame(
        {
            "t": [0.0, 1.0, 2.0, 3.0],
            "actual": [0.0, 2.0, 5.0, 8.0],
            "predicted": [0.0, 2.5, 5.0, 10.0],
            "phase": ["calibration", "calibration", "holdout", "holdout"],
        }
    )
    r = lr.CumulativeCheck(curve, unit="weeks")
    assert r.reading("en") == (
        "By the end of observation the cohort made 8 repeat purchases; the model expected 10 "
        "(+25.0%)."
    )
    assert r.reading("zh") == "到观察期结束，这批客户共复购 8 次；模型预期 10 次（+25.0%）。"
    under = lr.CumulativeCheck(curve.assign(predicted=[0.0, 2.5, 5.0, 6.0]))
    assert under.reading("en").endswith("the model expected 6 (-25.0%).")
    _new_figure_and_given_axes(r)


# ---- recency × frequency -----------------------------------------------------------------


def alive_matrix():
    # recency 0..4 (rows) × frequency 0..3 (columns)
    values = np.array(
        [
            [1.0, 0.3, 0.1, 0.05],
            [1.0, 0.5, 0.3, 0.2],
            [1.0, 0.7, 0.6, 0.5],
            [1.0, 0.85, 0.8, 0.75],
            [1.0, 0.95, 0.97, 0.99],
        ]
    )
    return pd.DataFrame(
        values,
        index=pd.Index(np.arange(5.0), name="recency"),
        columns=pd.Index(np.arange(4), name="frequency"),
    )


def test_recency_frequency_reading_and_plots():
    a = alive_matrix()
    r = lr.RecencyFrequencyMaps(a, expected=a * 2, T=4.0, horizon=26, unit="weeks")
    assert r.reading("en") == (
        "A customer with 3 repeat purchases whose last purchase was at recency 2 (half-way) has "
        "P(alive) = 0.50; the same customer whose last purchase was at the end (4) has 0.99. "
        "With 1 repeat purchase the same two customers have 0.70 and 0.95: silence means more "
        "after many purchases."
    )
    assert r.reading("zh") == (
        "复购 3 次、最后一次购买在第 2 个时间单位（观察期中点）的客户，存活概率为 0.50；同样的客户"
        "如果最后一次购买在末尾（第 4 个时间单位），存活概率为 0.99。只复购 1 次的客户，这两种情况"
        "分别为 0.70 和 0.95：买得越多的人，沉默越说明问题。"
    )
    for which in ("alive", "expected"):
        _new_figure_and_given_axes(r, which=which)
    ax = r.plot(which="expected", lang="zh")
    assert ax.get_title() == "未来 26 周内的预期购买次数"
    assert r.plot(which="alive").get_title() == "P(alive) for a customer of age 4 weeks"
    with pytest.raises(ValueError, match="which"):
        r.plot(which="both")
    plt.close("all")


def test_recency_frequency_maps_for_the_oldest_customer():
    class Model:
        def probability_alive(self, frame):
            return frame["recency"] / frame["T"]

        def expected_purchases(self, frame, *, horizon):
            return frame["frequency"] * 0 + horizon

    summary = pd.DataFrame({"frequency": [0, 1, 2, 2, 3], "T": [1.0, 2.0, 3.5, 3.0, 2.0]})
    r = lr.recency_frequency_maps(Model(), summary=summary, horizon=5, unit="weeks", quantile=0.5)
    assert r.T == 3.5 and list(r.table.columns) == [0, 1, 2] and list(r.table.index) == [0, 1, 2, 3]
    assert r.table.iloc[-1, 0] == pytest.approx(3 / 3.5) and (r.expected == 5).all().all()


# ---- CLV by segment and the giveaway claim ----------------------------------------------------


def test_per_contact_values_flags_giveaways_and_counts_non_buyers_as_zero():
    contacts, _ = tiny_orders()
    values = pd.DataFrame(
        {"expected_purchases": [2.0, 1.0], "clv": [40.0, 10.0]},
        index=pd.Index(["a", "b"], name="user_id"),
    )
    per = clv.per_contact_values(contacts, values)  # the kit's definition: merch or coupon
    assert list(per["clv"]) == [40.0, 10.0, 0.0, 0.0]
    assert list(per["giveaway_event"]) == [False, False, True, False]
    every_hook = clv.per_contact_values(contacts, values, giveaway_hooks=None)
    assert list(every_hook["giveaway_event"]) == [False, False, True, True]
    assert "user_id" not in per.columns


def segment_table(means=(12.0, 30.0, 20.0)):
    m = np.array(means)
    return pd.DataFrame(
        {
            "channel": ["douyin", "partner", "referral"],
            "metric": "clv",
            "n_customers": [10, 20, 30],
            "total": m * [10, 20, 30],
            "mean": m,
            "mean_lower": m - 2,
            "mean_upper": m + 2,
        }
    )


def test_segment_value_reading_names_top_and_bottom_channel():
    r = lr.SegmentValue(segment_table(), by="channel", horizon=26, unit="weeks")
    assert r.reading("en") == (
        "The most valuable channel per contact is partner (30.0, 95% CI 28.0–32.0), the least "
        "valuable douyin (12.0, 10.0–14.0); in total the contacts are expected to be worth "
        "1,320 over the next 26 weeks."
    )
    assert r.reading("zh") == (
        "每位联系人价值最高的渠道是合作伙伴（30.0，95% 区间 28.0–32.0），最低的是抖音（12.0，"
        "10.0–14.0）；全部联系人在未来 26 周内的预期总价值为 1,320。"
    )
    flipped = lr.SegmentValue(segment_table((30.0, 12.0, 20.0)), horizon=26)
    assert flipped.reading("en").startswith("The most valuable channel per contact is douyin")
    assert "the least valuable partner" in flipped.reading("en")
    hooks = lr.SegmentValue(segment_table().rename(columns={"channel": "hook"}), by="hook")
    with pytest.raises(NotImplementedError, match="channels"):
        hooks.reading()
    _new_figure_and_given_axes(r)
    ax = hooks.plot(lang="zh")
    assert (
        ax.get_ylabel() == "钩子" and [t.get_text() for t in ax.get_yticklabels()][-1] == "合作伙伴"
    )
    plt.close("all")


def test_segment_value_and_giveaway_value_from_per_contact_values():
    per = pd.DataFrame(
        {
            "channel": ["a", "a", "b", "b"],
            "clv": [1.0, 3.0, 10.0, 10.0],
            "expected_purchases": [0.1, 0.3, 1.0, 1.0],
            "giveaway_event": [True, True, False, False],
        }
    )
    s = lr.segment_value(per, by="channel", horizon=4, unit="weeks", n_boot=20)
    assert list(s.table["mean"]) == [2.0, 10.0] and set(s.table["metric"]) == {"clv"}
    g = lr.giveaway_value(per, horizon=4, unit="weeks", n_boot=20)
    assert list(g.table["metric"]) == ["clv", "expected_purchases"] * 2
    assert g.judgement() == "lower"


def giveaway_table(yes=(5.0, 4.0, 6.0), no=(10.0, 9.0, 11.0)):
    rows = []
    for flag, (m, lo, hi), n in ((False, no, 90), (True, yes, 10)):
        rows.append(
            {
                "giveaway_event": flag,
                "metric": "clv",
                "n_customers": n,
                "total": m * n,
                "mean": m,
                "mean_lower": lo,
                "mean_upper": hi,
            }
        )
        rows.append({**rows[-1], "metric": "expected_purchases", "mean": 99.0})
    return pd.DataFrame(rows)


def test_giveaway_reading_in_each_branch_and_the_headline():
    lower = lr.GiveawayValue(giveaway_table(), horizon=26, unit="weeks")
    assert lower.judgement() == "lower"
    assert lower.reading("en") == (
        "Contacts from offline giveaway events have a mean 26-week CLV of 5.0 (95% CI 4.0–6.0, "
        "10 contacts) against 10.0 (9.0–11.0) for all other contacts, 0.50 times as much. The "
        "intervals do not overlap: the data support the essay's claim that giveaway events "
        "bring lower-value contacts."
    )
    assert lower.reading("zh").endswith(
        "区间不重叠：数据支持文章关于赠品活动带来低价值联系人的论断。"
    )
    higher = lr.GiveawayValue(giveaway_table(yes=(15.0, 12.0, 18.0)), horizon=26)
    assert higher.judgement() == "higher"
    assert higher.reading("en").endswith(
        "giveaway contacts are worth *more*, against the essay's claim."
    )
    assert higher.reading("zh").endswith(
        "区间不重叠：赠品活动联系人的价值*更高*，与文章的论断相反。"
    )
    overlap = lr.GiveawayValue(giveaway_table(yes=(8.0, 5.0, 9.5)), horizon=26)
    assert overlap.judgement() == "overlap"
    assert overlap.reading("en").endswith(
        "The intervals overlap: these data cannot tell the two apart."
    )
    assert overlap.reading("zh").endswith("区间重叠：这些数据无法区分两者。")
    # touching intervals overlap
    touching = lr.GiveawayValue(giveaway_table(yes=(8.0, 5.0, 9.0)), horizon=26)
    assert touching.judgement() == "overlap"
    assert lower.headline("en", holdout=lr.HoldoutCheck(holdout_table())) == (
        "BG/NBD misses holdout repeat purchases by +10.0%; contacts from offline giveaway events "
        "are worth CNY 5.0 (95% CI 4.0–6.0) over 26 weeks against CNY 10.0 for the rest."
    )
    assert lower.headline("zh", holdout=lr.HoldoutCheck(holdout_table())) == (
        "贝塔几何/负二项模型对检验期复购次数的预测误差为 +10.0%；线下赠品活动带来的联系人在 26 周内"
        "人均价值 5.0 元（95% 区间 4.0–6.0），其余联系人为 10.0 元。"
    )
