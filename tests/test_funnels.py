"""Funnels per channel and hook, time to first purchase / repurchase, the population table
(issue 20, item 5): golden values on hand-made frames."""

import numpy as np
import pandas as pd
import pytest

from analysis.studies import funnels as fu

TZ = "Asia/Shanghai"


def ts(s):
    return pd.Timestamp(s, tz=TZ)


def frames():
    contacts = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "e", "f"],
            "joined_at": [ts(x) for x in ["2025-01-01"] * 4 + ["2025-01-11", "2025-06-01"]],
            "channel": ["douyin", "douyin", "douyin", "partner", "partner", "partner"],
            "hook": "coupon",
        }
    )
    ev = [
        ("a", "2025-01-02", "group_join"),
        ("b", "2025-01-03", "group_join"),
        ("d", "2025-05-02", "group_join"),  # after the cut-off: not read
        ("e", "2025-01-12", "message"),
    ]
    events = pd.DataFrame(ev, columns=["user_id", "occurred_at", "event_type"])
    events["occurred_at"] = events["occurred_at"].map(ts)
    od = [
        ("a", "2025-01-11", 10.0, 0.0),  # 10 days after joining
        ("a", "2025-01-31", 10.0, 0.0),  # repurchase after 20 days
        ("b", "2025-01-21", 10.0, 10.0),  # refunded: no purchase
        ("c", "2025-01-21", 10.0, 0.0),  # bought without joining a group, 20 days
        ("d", "2025-05-02", 10.0, 0.0),  # after the cut-off
        ("e", "2025-01-21", 10.0, 0.0),  # 10 days
        ("e", "2025-01-22", 10.0, 0.0),  # repurchase after 1 day
    ]
    orders = pd.DataFrame(od, columns=["user_id", "ordered_at", "amount", "refund_amount"])
    orders["ordered_at"] = orders["ordered_at"].map(ts)
    orders.insert(0, "order_id", [f"o{i}" for i in range(len(orders))])
    orders["is_refund"] = orders["refund_amount"] > 0
    return contacts, events, orders


AS_OF = "2025-05-01"


def test_funnel_golden_all_and_by_channel():
    c, e, o = frames()
    got = fu.milestone_funnel(c, e, o, as_of=AS_OF).set_index("step")
    # f joins after the cut-off; 5 contacts: a, b in groups; a, c, e bought; a, e repeat
    assert got["users"].tolist() == [5, 2, 3, 2]
    assert got["share"].tolist() == pytest.approx([1, 0.4, 0.6, 0.4])
    # step rates: of the 2 in groups, 1 (a) bought; of the 3 buyers, 2 repeat
    assert np.isnan(got.loc["contact added", "step_rate"])
    assert got.loc["joined a group", "step_rate"] == pytest.approx(0.4)
    assert got.loc["first order", "step_rate"] == pytest.approx(0.5)
    assert got.loc["repeat order", "step_rate"] == pytest.approx(2 / 3)
    assert (got["share_lo"] <= got["share"]).all() and (got["share"] <= got["share_hi"]).all()
    assert got.loc["first order", "step_lo"] < 0.5 < got.loc["first order", "step_hi"]
    by = fu.milestone_funnel(c, e, o, as_of=AS_OF, by="channel").set_index(["group", "step"])
    assert by.loc["douyin", "users"].tolist() == [3, 2, 2, 1]
    assert by.loc["partner", "users"].tolist() == [2, 0, 1, 1]
    assert np.isnan(by.loc[("partner", "first order"), "step_rate"])  # nobody in a group
    # repeat needs 3 paid orders: nobody
    three = fu.milestone_funnel(c, e, o, as_of=AS_OF, repeat_min_orders=3)
    assert three["users"].tolist() == [5, 2, 3, 0]
    with pytest.raises(ValueError, match="no column 'city'"):
        fu.milestone_funnel(c, e, o, as_of=AS_OF, by="city")
    with pytest.raises(ValueError, match="at least 2"):
        fu.milestone_funnel(c, e, o, as_of=AS_OF, repeat_min_orders=1)
    # the three tables from one read are the three tables read one by one
    many = fu.milestone_funnels(c, e, o, as_of=AS_OF, by=["hook", None, "channel"])
    for b, table in zip(["hook", None, "channel"], many):
        pd.testing.assert_frame_equal(table, fu.milestone_funnel(c, e, o, as_of=AS_OF, by=b))


def test_purchase_timing_km_medians():
    c, e, o = frames()
    got = fu.purchase_timing(c, o, as_of=AS_OF, by=None).set_index("interval")
    first, rep = got.loc["first purchase"], got.loc["repurchase"]
    # first purchase: a 10, e 10, c 20 days; b, d censored at the cut-off (~120 days)
    assert (first["users"], first["events"]) == (5, 3)
    assert first["median_days"] == pytest.approx(20.0)  # S(10) = 3/5, S(20) = 2/5
    assert first["lo"] <= 20.0 and (np.isnan(first["hi"]) or first["hi"] >= 20.0)
    # repurchase among the 3 buyers: a 20 days, e 1 day, c censored
    assert (rep["users"], rep["events"]) == (3, 2)
    assert rep["median_days"] == pytest.approx(20.0)  # S(1) = 2/3, S(20) = 0
    by = fu.purchase_timing(c, o, as_of=AS_OF).set_index(["group", "interval"])
    assert by.loc[("partner", "first purchase"), "median_days"] == pytest.approx(10.0)
    assert by.loc[("douyin", "repurchase"), "events"] == 1
    # nobody bought: no median
    none = fu.purchase_timing(c, o.iloc[:0], as_of=AS_OF, by=None)
    assert none["median_days"].isna().all() and none["users"].tolist() == [5, 0]


def test_population_table_and_its_errors():
    got = fu.population_table(
        [("contacts", pd.Index(list("abcdef"))), ("joined", pd.Index(list("abcde"))), ("x", [])]
    )
    assert got["users"].tolist() == [6, 5, 0]
    assert got["dropped"].tolist() == [0, 1, 5]
    assert got["share"].tolist() == pytest.approx([1, 5 / 6, 0])
    with pytest.raises(ValueError, match="'late' is not within the step before: 1 users are new"):
        fu.population_table([("all", pd.Index(["a"])), ("late", pd.Index(["a", "z"]))])
    with pytest.raises(ValueError, match="lists a user twice"):
        fu.population_table([("all", pd.Index(["a", "a"]))])


def test_result_readings_en_and_zh():
    c, e, o = frames()
    funnel = fu.Funnel(
        fu.milestone_funnel(c, e, o, as_of=AS_OF),
        channels=fu.milestone_funnel(c, e, o, as_of=AS_OF, by="channel"),
        hooks=fu.milestone_funnel(c, e, o, as_of=AS_OF, by="hook"),
        as_of=AS_OF,
    )
    en = funnel.reading("en")
    assert en.startswith(
        "Of the 5 contacts who joined before 2025-05-01, 40% joined a group, 60% placed a first "
        "order and 40% ordered again. The weakest step is *joined a group*: 40%"
    )
    assert "runs from 50% (*partner*) to 67% (*douyin*)" in en
    assert "最弱的一步是*进入社群*" in funnel.reading("zh")
    timing = fu.PurchaseTiming(
        fu.purchase_timing(c, o, as_of=AS_OF, by=None),
        channels=fu.purchase_timing(c, o, as_of=AS_OF),
    )
    en = timing.reading("en")
    assert en.startswith("Half of the contacts have placed a first order 20 days after joining")
    assert "order again within 20 days" in en
    assert "*partner* contacts buy fastest (median 10 days), *douyin* contacts slowest (20" in en
    assert "一半的联系人在加入后 20 天内完成首单" in timing.reading("zh")
    none = fu.PurchaseTiming(
        fu.purchase_timing(c, o.iloc[:0], as_of=AS_OF, by=None),
        channels=fu.purchase_timing(c, o.iloc[:0], as_of=AS_OF),
    )
    assert none.reading("en").startswith("Only 0 of 5 contacts have bought")
    pop = fu.Population(
        fu.population_table(
            [
                ("contacts in the data", pd.Index(list("abcdef"))),
                ("joined before the cut-off", pd.Index(list("abcde"))),
            ]
        )
    )
    assert pop.reading("en") == (
        "The overview counts 6 contacts; 5 joined before the cut-off (1 fewer)."
    )
    assert pop.reading("zh") == "数据概览共有 6 个联系人；截止日前加入：5 人（减少 1 人）。"


def test_funnel_plot_draws_on_the_given_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c, e, o = frames()
    funnel = fu.Funnel(
        fu.milestone_funnel(c, e, o, as_of=AS_OF),
        channels=fu.milestone_funnel(c, e, o, as_of=AS_OF, by="channel"),
        hooks=fu.milestone_funnel(c, e, o, as_of=AS_OF, by="hook"),
    )
    fig, ax = plt.subplots()
    assert funnel.plot(ax=ax) is ax
    assert len(ax.patches) == 2 * 3  # two channels x three milestones after "contact added"
    assert ax.get_xlim() == (0, 1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["douyin (n=3)", "partner (n=2)"]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted([2 / 3, 2 / 3, 1 / 3, 0, 0.5, 0.5]))
    zh = funnel.plot(lang="zh", by="hook")
    assert zh.get_title() == "各钩子的购买漏斗"
    with pytest.raises(ValueError, match="by must be"):
        funnel.plot(by="city")
    plt.close("all")
