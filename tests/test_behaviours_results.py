"""The behaviours study's results (analysis.studies.behaviours_results): each reading says what
its tiny hand-made table says, in English and Chinese, in every branch; each plot draws on a
new figure or on the axes given."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from analysis.plots.base import use_cjk_font
from analysis.studies import behaviours_results as B
from analysis.studies.behaviours import best_behaviours, confirm_out_of_time, value_alignment

TZ = "Asia/Shanghai"


def _plots(draw):
    """``draw(ax)`` returns an Axes on a new figure when ax is None, else the ax given."""
    before = set(plt.get_fignums())
    ax = draw(None)
    assert isinstance(ax, Axes) and ax.figure.number not in before and ax.has_data()
    fig, given = plt.subplots()
    assert draw(given) is given and given.has_data()
    plt.close("all")


# --- periods -------------------------------------------------------------------------------
def test_periods_reading_counts_both_periods():
    pop = pd.DataFrame(
        {
            "period": ["confirmation"] * 2 + ["discovery"] * 4,
            "retained": [True, False, True, True, True, False],
            "churned_hard": [False, True, False, False, False, False],
            "cutoff": pd.to_datetime(
                ["2025-11-01", "2025-12-01", "2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]
            ).tz_localize(TZ),
        }
    )
    res = B.period_summary(pop, horizon_days=60)
    t = res.table
    assert list(t.index) == ["discovery", "confirmation"]
    assert t.loc["discovery", "users"] == 4 and t.loc["confirmation", "hard_churn"] == 0.5
    assert res.reading("en") == (
        "4 users discover and 2 confirm; 75.0% and 50.0% of them are retained over 60 days."
    )
    assert res.reading("zh") == (
        "4 位用户用于发现，2 位用于验证；两组在 60 天内的留存率分别为 75.0% 和 50.0%。"
    )


# --- the scan ------------------------------------------------------------------------------
def _counts():
    rows = []
    for group, a1 in (("discovery", [15, 10]), ("confirmation", [14, 10])):
        for k, did_retained in zip((1, 2), a1):
            rows.append(
                {
                    "group": group,
                    "unit": "type:share",
                    "kind": "event_type",
                    "value": "social",
                    "d": 7.0,
                    "k": k,
                    "n": 100,
                    "n_retained": 40,
                    "n_did": 20,
                    "n_did_retained": did_retained,
                }
            )
    return pd.DataFrame(rows)


def test_scan_reading_is_the_fdr_statement_and_periods_keep_the_level():
    res = B.scan_result(_counts(), alpha=0.1)
    en = res.reading("en")
    assert en.startswith("discovery: 2 candidate behaviours, 2 tested")
    assert "confirmation: 2 candidate behaviours" in en and "at 10%" in en
    assert res.reading("zh").startswith("发现期：候选行为 2 个，检验 2 个")
    disc = res.discovery
    assert disc["group"].eq("discovery").all() and list(disc.index) == [0, 1]
    assert disc.attrs["alpha"] == 0.1 and res.confirmation.attrs["method"] == "fdr_bh"
    with pytest.raises(NotImplementedError):
        res.plot()


# --- the leading event types ---------------------------------------------------------------
def _grid(unit, phis, tested=True, kind="event_type"):
    return pd.DataFrame(
        {
            "unit": unit,
            "kind": kind,
            "d": [1.0, 7.0, 1.0, 7.0],
            "k": [1, 1, 2, 2],
            "phi": phis,
            "reach": [0.5, 0.6, 0.2, 0.3],
            "tested": tested,
            "significant": [True, False, False, True],
        }
    )


def test_leading_event_types_name_the_strongest_cells():
    disc = pd.concat(
        [
            _grid("type:share", [0.10, 0.25, 0.05, 0.9], tested=[True, True, True, False]),
            _grid("type:group_quit", [-0.05, -0.40, -0.02, -0.10]),
            _grid("type:read", [0.01, 0.02, 0.01, 0.03]),
            _grid("value:social", [0.9, 0.9, 0.9, 0.9], kind="value"),  # not an event type
            _grid("type:untested", [0.99] * 4, tested=False),
        ],
        ignore_index=True,
    )
    res = B.leading_event_types(disc, n=2, view="onboarding")
    assert res.units == ("type:group_quit", "type:share")
    assert res.vmax == pytest.approx(0.40)
    en = res.reading("en")
    assert (
        "the strongest positive cell is: users who had a share event at least once in their "
        "first 7 days (phi 0.25, reach 60%)"
    ) in en
    assert "users who had a group quit event at least once in their first 7 days (phi -0.40" in en
    zh = res.reading("zh")
    assert "最强的正相关格子是：在加入后的前 7 天内至少有一次“分享”事件" in zh
    assert "（φ 系数 -0.40，覆盖率 60%）" in zh
    snap = B.leading_event_types(disc, n=1, view="snapshot")
    assert "in the 7 days before the cut-off (phi -0.40" in snap.reading("en")

    use_cjk_font()  # the new figure is laid out, which draws its Chinese titles
    before = set(plt.get_fignums())
    axes = res.plot(lang="zh")
    assert len(axes) == 2 and all(isinstance(a, Axes) for a in axes)
    assert axes[0].figure.number not in before and "退群" in axes[0].get_title()
    fig, given = plt.subplots(1, 3)
    drawn = res.plot(ax=given)
    assert list(drawn) == list(given[:2]) and given[1].has_data() and not given[2].has_data()
    with pytest.raises(ValueError, match="need 2 axes"):
        res.plot(ax=given[0])
    plt.close("all")


def test_no_leading_event_type_is_said_and_not_drawn():
    res = B.leading_event_types(_grid("type:share", [0.1] * 4, tested=False), view="onboarding")
    assert res.units == ()
    assert res.reading("en").startswith("No event type could be tested")
    assert res.reading("zh").startswith("发现期没有一个事件类型满足检验条件")
    with pytest.raises(ValueError, match="nothing to draw"):
        res.plot()


# --- confirmation ----------------------------------------------------------------------------
def _rows(diffs, phis, *, units, values, p=0.001):
    return pd.DataFrame(
        {
            "unit": units,
            "kind": ["value" if u.startswith("value:") else "event_type" for u in units],
            "value": values,
            "d": 7.0,
            "k": 1,
            "reach": 0.2,
            "retention_did": 0.5,
            "retention_not": 0.4,
            "phi": phis,
            "diff": diffs,
            "diff_lo": np.asarray(diffs) - 0.05,
            "diff_hi": np.asarray(diffs) + 0.05,
            "n_did": 100,
            "n": 1000,
            "tested": True,
            "p_value": p,
            "significant": True,
        }
    )


UNITS = ["value:social", "type:message", "value:experience", "type:group_quit"]
VALUES_OF = ["social", None, "experience", None]


def _confirmed(disc_diffs, conf_diffs, p_conf=0.001):
    disc = _rows(disc_diffs, disc_diffs, units=UNITS, values=VALUES_OF)
    conf = _rows(conf_diffs, conf_diffs, units=UNITS, values=VALUES_OF, p=p_conf)
    return confirm_out_of_time(disc, conf)


def test_confirmation_reading_shrinks_grows_or_none():
    # three hold (the quit's sign flips) and keep 50%, 60% and 90% of their effect
    shrank = B.ConfirmationResult(_confirmed([0.2, 0.1, 0.3, -0.2], [0.1, 0.06, 0.27, 0.1]))
    assert len(shrank.held) == 3
    en = shrank.reading("en")
    assert en.startswith("4 behaviours were discovered; 3 (75%) hold on the later period.")
    assert "a median 60% of the discovered one" in en
    assert "including those that failed, it is 55%." in en  # the flipped one kept -50%
    assert en.endswith("the later period shows that shrinkage here.")
    zh = shrank.reading("zh")
    assert zh.startswith("共发现 4 个行为；其中 3 个（75%）在后期成立。")
    assert zh.endswith("后期在这里显示了这种收缩。")
    grew = B.ConfirmationResult(_confirmed([0.1, 0.1, 0.1, 0.1], [0.2, 0.2, 0.2, 0.2]))
    assert "4 (100%) hold" in grew.reading("en") and "median 200%" in grew.reading("en")
    assert grew.reading("en").endswith(
        "here the later period does not show it (the effects are large against the noise)."
    )
    assert grew.reading("zh").endswith("这里后期没有显示这一点（效应相对噪声很大）。")
    none = B.ConfirmationResult(shrank.table.iloc[:0])
    assert none.reading("en") == "No behaviour was significant on the discovery period."
    assert none.reading("zh") == "发现期没有显著的行为。"
    _plots(lambda ax: shrank.plot(ax=ax))
    _plots(lambda ax: shrank.plot_intervals(ax=ax, lang="zh"))


def test_held_table_names_each_behaviour():
    res = B.ConfirmationResult(_confirmed([0.2, 0.1, 0.3, -0.2], [0.1, 0.05, 0.15, 0.1]))
    t = res.held_table("en")
    assert list(t["behaviour"]) == [
        "value:experience ≥1 in 7d",
        "value:social ≥1 in 7d",
        "type:message ≥1 in 7d",
    ]
    assert list(t.columns)[:2] == ["behaviour", "value"] and "diff_disc" in t.columns
    assert res.held_table("zh")["behaviour"].iloc[0].endswith("≥1 次（7 天内）")


# --- threshold readings ----------------------------------------------------------------------
def test_threshold_reading_numbers_the_best_or_says_there_is_none():
    confirmed = _confirmed([0.2, 0.1, 0.3, -0.2], [0.1, 0.05, 0.15, 0.1])
    res = B.threshold_result(confirmed, n=2, view="onboarding")
    pd.testing.assert_frame_equal(res.table, best_behaviours(confirmed, n=2))
    lines = res.reading("en").split("\n")
    assert len(lines) == 2
    assert lines[0].startswith("1. users who had an experience-value event at least once")
    assert lines[1].startswith("2. users who had a social-value event at least once")
    assert lines[0].endswith("(50% of it did not come back).")
    assert res.reading("zh").split("\n")[1].startswith("2. 在加入后的前 7 天内至少有一次社交")
    nothing = B.threshold_result(confirmed.assign(holds=False), view="onboarding")
    assert nothing.reading("en").startswith("No behaviour with a positive association holds")
    assert nothing.reading("zh").startswith("没有正相关的行为在后期成立")


# --- alignment -------------------------------------------------------------------------------
def test_alignment_reading_top_weighted_or_not_and_unvalued_behaviours():
    # experience (weight 0.1) has the strongest confirmed behaviour: not among the top weights
    confirmed = _confirmed([0.2, 0.1, 0.3, -0.2], [0.1, 0.05, 0.15, 0.1])
    res = B.alignment_result(confirmed, weights="expansion")
    pd.testing.assert_frame_equal(res.table, value_alignment(confirmed, weights="expansion"))
    en = res.reading("en")
    assert en.startswith("The `expansion` preset weighs social and content most.")
    assert "belongs to **experience** (value:experience ≥1 in 7d, phi 0.150), which the " in en
    assert "which the preset does not weigh most. Across the five values" in en
    assert "1 confirmed behaviours with a positive association feed no value" in en
    assert en.endswith("the strongest overall is value:experience (phi 0.150).")
    zh = res.reading("zh")
    assert "预设最看重社交价值和内容价值" in zh and "并非预设最看重的价值。" in zh
    # social strongest: among the top weights
    top = B.alignment_result(
        _confirmed([0.3, 0.1, 0.2, -0.2], [0.3, 0.05, 0.15, 0.1]), weights="expansion"
    )
    assert "belongs to **social**" in top.reading("en")
    assert "which is among the values the preset weighs most. Across" in top.reading("en")
    assert "属于预设最看重的价值。" in top.reading("zh")
    # nothing positive holds: no sentence on unvalued behaviours
    silent = B.alignment_result(confirmed.assign(holds=False), weights="expansion")
    assert "feed no value" not in silent.reading("en")
    assert "不支撑任何价值" not in silent.reading("zh")


# --- the headline ----------------------------------------------------------------------------
def test_verdict_counts_discovery_and_names_the_best():
    scan = B.scan_result(_counts(), alpha=0.1)
    confirmation = B.ConfirmationResult(_confirmed([0.2, 0.1, 0.3, -0.2], [0.1, 0.05, 0.15, 0.1]))
    en = B.verdict(scan, confirmation, view="onboarding", lang="en")
    disc = scan.discovery
    assert en.startswith(
        f"In one line: of {int(disc['tested'].sum())} behaviours tested on the discovery "
        f"period, {int(disc['significant'].sum())} were declared at a 10% false-discovery rate "
        "and 3 held on the later period; the best positive one: users who had an "
        "experience-value event"
    )
    assert B.verdict(scan, confirmation, view="onboarding", lang="zh").startswith(
        "一句话：发现期检验了 2 个行为，在 10% 的错误发现率下判定"
    )
    none = B.ConfirmationResult(confirmation.table.assign(holds=False))
    assert B.verdict(scan, none, view="onboarding").endswith("and 0 held on the later period.")
    assert B.verdict(scan, none, view="onboarding", lang="zh").endswith("其中 0 个在后期成立。")
