"""The segments-and-flow report's results (analysis.studies.flow_results and the truth check
in analysis.simulate.checks): each reading says what its hand-made table holds, in every
branch, in English and Chinese; each figure is drawn on a new or a given axes."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from analysis.simulate import checks, simulate
from analysis.studies import cohorts as co
from analysis.studies import flow
from analysis.studies import flow_results as fr
from analysis.studies import segments as sg

TZ = "Asia/Shanghai"


def _new_figure_and_given_axes(result, **kw):
    plt.close("all")
    ax = result.plot(lang="en", **kw)
    assert isinstance(ax, Axes) and len(plt.get_fignums()) == 1
    assert ax.get_title()
    _, given = plt.subplots()
    assert result.plot(ax=given, lang="en", **kw) is given
    assert given.has_data() or given.images
    plt.close("all")


def group_table(index, users, retention, spend, name="segment"):
    r = np.array(retention)
    out = pd.DataFrame(
        {
            "users": users,
            "share": np.array(users) / sum(users),
            "retention_n": users,
            "retention": r,
            "retention_lo": r - 0.05,
            "retention_hi": r + 0.05,
            "mean_spend": spend,
        },
        index=pd.Index(index, name=name),
    )
    return out


# ---- segments ---------------------------------------------------------------------------


def rfm_table(retention=(0.2, 0.8, 0.5, 0.3), users=(50, 20, 25, 5)):
    return group_table(
        ["champions", "loyal", "at_risk", "no_purchase"], list(users), list(retention), [1.0] * 4
    )


def test_rfm_segments_reading_best_worst_and_largest_buyers():
    r = fr.RfmSegments(rfm_table(), as_of="2026-04-01", horizon_days=90)
    assert r.reading("en") == (
        "100 users are in the population at 2026-04-01; 5% have not bought yet. Among buyers the "
        "largest RFM segment is *champions* (50% of all users). Retention is highest for *loyal* "
        "(80%, 95% CI 75%–85%) and lowest for *champions* (20%, 15%–25%)."
    )
    assert r.reading("zh").startswith(
        "截至 2026-04-01，总体共有 100 位用户，其中 5% 还没买过。买过的用户中人数最多的 RFM 分群"
        "是*重要价值客户*"
    )
    # users without a purchase are never the largest, the best or the worst buyers' segment
    no_buyers_first = fr.RfmSegments(
        rfm_table(retention=(0.2, 0.8, 0.5, 0.95), users=(10, 20, 25, 45)), as_of="x"
    )
    text = no_buyers_first.reading("en")
    assert "largest RFM segment is *at_risk* (25%" in text
    assert "highest for *loyal*" in text and "lowest for *champions*" in text
    _new_figure_and_given_axes(r)
    assert r.plot(lang="en").get_title() == (
        "Retention in the 90 days after 2026-04-01 by RFM segment"
    )
    plt.close("all")


def test_rfm_segment_summary_groups_the_users():
    seg = pd.Series(
        pd.Categorical(["loyal", "loyal", "no_purchase"], categories=["loyal", "no_purchase"]),
        index=["a", "b", "c"],
    )
    r = fr.rfm_segment_summary(
        seg,
        retained=pd.Series([True, False, True], index=["a", "b", "c"]),
        as_of="2026-04-01",
        horizon_days=90,
    )
    assert list(r.table["users"]) == [2, 1] and list(r.table["retention"]) == [0.5, 1.0]
    assert (r.as_of, r.horizon_days) == ("2026-04-01", 90)


def tier_table(vip=0.9, ordinary=0.4):
    return group_table(
        ["core_vip", "high", "growing", "ordinary", "silent"],
        [2, 8, 30, 40, 20],
        [vip, 0.8, 0.6, ordinary, 0.1],
        [900.0, 300.0, 100.0, 20.0, 5.0],
        name="tier",
    )


def test_value_tiers_reading():
    r = fr.ValueTiers(tier_table(), as_of="2026-04-01", horizon_days=90)
    assert r.reading("en") == (
        "Core VIPs (2 users) retain at 90% (85%–95%) against 40% (35%–45%) for ordinary users, "
        "and spent 900 vs 20 CNY on average before the cut-off. The silent tier holds 20% of "
        "the population and retains at 10%. Whether the index predicts better than spend alone "
        "is the question of the value-index report."
    )
    assert r.reading("zh").startswith(
        "核心VIP（2 人）的留存率是 90%（85%–95%），普通层是 40%（35%–45%）"
    )
    low = fr.ValueTiers(tier_table(vip=0.3, ordinary=0.5)).reading("en")
    assert low.startswith("Core VIPs (2 users) retain at 30% (25%–35%) against 50%")
    _new_figure_and_given_axes(r)


def test_tier_summary_keeps_every_tier():
    tiers = sg.value_tiers(pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd")))["tier"]
    r = fr.tier_summary(
        tiers, retained=pd.Series(True, index=list("abcd")), as_of="2026-04-01", horizon_days=9
    )
    assert list(r.table.index) == list(sg.TIERS) and r.table["users"].sum() == 4


def persona_table():
    t = group_table([0, 1, 2], [50, 30, 20], [0.5, 0.7, 0.2], [100.0, 400.0, 10.0], "persona")
    t.insert(0, "name", ["P1 average", "P2 high social", "P3 quiet (low on all)"])
    return t


def centroids():
    return pd.DataFrame(
        {"name": ["P1 average", "P2 high social", "P3 quiet (low on all)"]}
        | {v: [0.1, 1.2, -0.8] for v in ("experience", "consumption", "social")}
    )


def test_personas_reading():
    r = fr.Personas(persona_table(), k=3, criterion="silhouette", centroids=centroids())
    assert r.reading("en") == (
        "3 personas (silhouette criterion). The largest is *P1 average* (50%). Retention ranges "
        "from 20% (*P3 quiet (low on all)*) to 70% (*P2 high social*); mean spend from 10 to "
        "400 CNY."
    )
    assert r.reading("zh") == (
        "按轮廓系数选出 3 个画像。人数最多的是*P1 一般*（50%）。留存率从 "
        "20%（*P3 沉寂（各项都低）*）到 70%（*P2 高社交价值*）不等；人均消费从 10 元到 400 元。"
    )
    swapped = persona_table().assign(users=[20, 30, 50], share=[0.2, 0.3, 0.5])
    assert "The largest is *P3 quiet (low on all)* (50%)" in fr.Personas(swapped, k=3).reading()
    _new_figure_and_given_axes(r)
    plt.close("all")
    ax = r.plot_centroids()
    assert isinstance(ax, Axes) and ax.get_title() == "What makes each persona distinct"
    plt.close("all")


def test_persona_summary_from_fitted_personas():
    rng = np.random.default_rng(0)
    values = pd.DataFrame(
        rng.gamma(1.0, 1.0, size=(60, 5)),
        columns=["experience", "consumption", "social", "content", "innovation"],
        index=pd.Index([f"u{i}" for i in range(60)], name="user_id"),
    )
    p = sg.FiveValuePersonas(k=2, random_state=0).fit(values)
    r = fr.persona_summary(p, values, retained=pd.Series(True, index=values.index))
    assert r.k == 2 and r.table["users"].sum() == 60 and list(r.table["name"]) == p.names_
    assert r.centroids.equals(p.summary)


# ---- the flow -------------------------------------------------------------------------------


STATES = flow.Ladder().states


def sizes_table(last_active=30):
    snaps = pd.DatetimeIndex(["2026-05-01", "2026-06-01"], name="snapshot").tz_localize(TZ)
    rows = [dict.fromkeys(STATES, 0), dict.fromkeys(STATES, 0)]
    rows[1] |= {"access": 20, "active": last_active, "act": 10, "silent": 25, "lost": 15}
    return pd.DataFrame(rows, index=snaps, columns=STATES)


def test_stage_sizes_reading_describes_the_last_snapshot():
    r = fr.StageSizes(sizes_table())
    assert r.reading("en") == (
        "At the last snapshot (2026-06-01) 100 users are in the population: 15% lost, 25% "
        "silent, and the largest ladder stage is *active* (30%)."
    )
    assert r.reading("zh") == (
        "最后一个快照（2026-06-01）总体共 100 位用户：15% 已流失，25% 沉默；阶梯上人数最多的"
        "阶段是*互动*（30%）。"
    )
    # silent users outnumber every stage, but only ladder stages compete
    few = fr.StageSizes(sizes_table(last_active=5)).reading("en")
    assert "the largest ladder stage is *access* (27%)" in few
    _new_figure_and_given_axes(r)


def transitions_table():
    rows = [*STATES, flow.NEW]
    cols = [*STATES, flow.OUT]
    t = pd.DataFrame(0, index=pd.Index(rows, name="from"), columns=pd.Index(cols, name="to"))
    t.loc["silent", ["silent", "lost", "active"]] = [50, 30, 20]
    t.loc["lost", ["lost", "active"]] = [90, 10]
    t.loc[flow.NEW, ["access", "lost"]] = [95, 5]
    t.loc["active", ["active", "silent"]] = [60, 40]
    return t


def test_transitions_reading_follows_silent_lost_and_new_users():
    r = fr.Transitions(transitions_table())
    assert r.rates.loc["silent", "lost"] == pytest.approx(0.3)
    assert r.reading("en") == (
        "30% of silent users are lost one snapshot later and 20% come back onto the ladder; 90% "
        "of lost users stay lost. Of new users, 5% are already lost at their first snapshot."
    )
    assert r.reading("zh") == (
        "沉默用户到下一个快照时有 30% 流失，20% 回到阶梯上；流失用户有 90% 仍是流失。新用户中有 "
        "5% 在第一个快照时就已经流失。"
    )
    _new_figure_and_given_axes(r)


def conversion_tables(rate_active=0.1):
    conv = pd.DataFrame(
        {
            "stage": ["appeal", "access", "active", "ask"],
            "zh": ["种草吸引", "进入私域", "活跃互动", "咨询"],
            "n": [100, 200, 300, 80],
            "forward_rate": [0.01, 0.3, rate_active, np.nan],
            "lo": [0.0, 0.25, rate_active - 0.02, np.nan],
            "hi": [0.05, 0.35, rate_active + 0.02, np.nan],
            "stay_rate": [0.5, 0.4, 0.6, 0.7],
        }
    )
    tis = pd.DataFrame(
        {
            "state": ["appeal", "access", "active", "ask"],
            "mean_days_completed": [10.0, 45.0, 61.0, 20.0],
        }
    )
    return conv, tis


def test_forward_conversion_reading_names_the_bottleneck_from_access_up():
    conv, tis = conversion_tables()
    r = fr.ForwardConversion(conv, time_in_stage=tis)
    assert r.bottleneck["stage"] == "active"  # appeal is lower but below access
    assert r.reading("en") == (
        "The bottleneck is *active* (活跃互动): only 10.0% (95% CI 8.0%–12.0%) of its 300 "
        "user-months move up, while 60% stay. Completed spells at that stage last 61 days on "
        "average (snapshot resolution: one month)."
    )
    assert r.reading("zh") == (
        "瓶颈在*活跃互动*：这一阶段的 300 个用户月里，下个月升到更高阶段的只有 10.0%（95% 区间 "
        "8.0%–12.0%），60% 原地不动。在这一阶段已结束的停留平均持续 61 天"
        "（快照按月，精度为一个月）。"
    )
    other = fr.ForwardConversion(conversion_tables(0.5)[0], time_in_stage=tis)
    assert other.reading("en").startswith("The bottleneck is *access*")
    assert "last 45 days" in other.reading("en")
    _new_figure_and_given_axes(r)
    ax = r.plot()
    colors = [p.get_facecolor()[:3] for p in ax.patches]
    assert colors.count(colors[2]) == 1  # the bottleneck (third bar) stands out
    plt.close("all")


def test_off_ladder_at_marks_silent_and_lost_users():
    contacts = pd.DataFrame(
        {
            "user_id": ["a", "b", "c"],
            "joined_at": pd.to_datetime(["2025-01-01", "2025-05-20", "2025-01-01"]).tz_localize(TZ),
            "channel": ["douyin"] * 3,
            "hook": ["coupon"] * 3,
            "referrer_id": [None] * 3,
        }
    )
    events = pd.DataFrame(
        {
            "user_id": ["c"],
            "occurred_at": pd.to_datetime(["2025-05-25"]).tz_localize(TZ),
            "event_type": ["message"],
            "value": [np.nan],
            "context": ["group"],
        }
    )
    orders = pd.DataFrame(
        columns=["order_id", "user_id", "ordered_at", "amount", "is_refund", "refund_amount"]
    ).astype({"ordered_at": f"datetime64[ns, {TZ}]", "amount": float, "refund_amount": float})
    users = pd.Index(["a", "b", "c", "x"], name="user_id")
    off = flow.off_ladder_at(contacts, events, orders, as_of="2025-06-01", users=users)
    # a: nothing since joining in January (silent or lost); b joined 12 days ago; c was active;
    # x is not a contact
    assert off.to_dict() == {"a": True, "b": False, "c": False, "x": False}


# ---- cohorts: channels, the essay's claims, referral -------------------------------------------


def curves(by, rates):
    """Ages 2, 3 and 4; ``rates`` at age 3, the reverse order of the levels at 2 and 4."""
    n, r = len(rates), list(rates.values())
    other = [1 - v for v in r]
    return pd.DataFrame(
        {
            by: list(rates) * 3,
            "age_months": [2] * n + [3] * n + [4] * n,
            "n": 100,
            "rate": other + r + other,
            "lo": [v - 0.1 for v in other + r + other],
            "hi": [v + 0.1 for v in other + r + other],
        }
    )


def test_acquisition_retention_reading_at_the_age():
    r = fr.AcquisitionRetention(
        curves("channel", {"douyin": 0.3, "referral": 0.6, "partner": 0.4}),
        hooks=curves("hook", {"coupon": 0.2, "trial": 0.5}),
        age_months=3,
    )
    assert r.reading("en") == (
        "3 months after joining, *referral* users are the most active (60%, 50%–70%) and "
        "*douyin* users the least (30%, 20%–40%). By hook, *trial* leads (50%) and *coupon* "
        "trails (20%)."
    )
    assert r.reading("zh") == (
        "加入 3 个月后，*老带新*来的用户最活跃（60%，50%–70%），*抖音*来的用户最不活跃"
        "（30%，20%–40%）。"
        "按钩子看，*试用*领先（50%），*优惠券*垫底（20%）。"
    )
    flipped = fr.AcquisitionRetention(
        curves("channel", {"douyin": 0.7, "referral": 0.6, "partner": 0.4}),
        hooks=curves("hook", {"coupon": 0.6, "trial": 0.5}),
        age_months=3,
    )
    text = flipped.reading("en")
    assert "*douyin* users are the most active" in text and "*partner* users the least" in text
    assert "*coupon* leads (60%) and *trial* trails (50%)" in text
    for by in ("channel", "hook"):
        _new_figure_and_given_axes(r, by=by)
    with pytest.raises(ValueError, match="by"):
        r.plot(by="cohort")
    plt.close("all")


def test_acquisition_retention_from_activity():
    activity = pd.DataFrame(
        {
            "user_id": list("abcd"),
            "channel": ["douyin", "douyin", "partner", "partner"],
            "hook": ["coupon", "trial", "coupon", "trial"],
            "age_months": [3, 3, 3, 3],
            "retained": [True, False, True, True],
        }
    )
    r = fr.acquisition_retention(activity, age_months=3, min_n=1)
    assert list(r.table["rate"]) == [0.5, 1.0] and list(r.hooks["rate"]) == [1.0, 0.5]
    assert r.reading("en").startswith("3 months after joining, *partner* users")


def claims_table(give=-0.08, give_lo=-0.12, give_hi=-0.04, screened=0.05, give_verdict="supported"):
    rows = [
        ("giveaway users retain less", "retained at month 3", "giveaway", "others"),
        ("giveaway users spend less", "net spend in first 180 days (CNY)", "giveaway", "others"),
        ("screened in 1:1 retain better", "retained at month 3", "screened", "straight_in"),
    ]
    effects = [(give, give_lo, give_hi), (-20.0, -30.0, -10.0), (screened, -0.01, 0.11)]
    verdicts = [give_verdict, "supported", "inconclusive"]
    return pd.DataFrame(
        [
            {
                "claim": c,
                "metric": m,
                "group_a": a,
                "n_a": 100,
                "value_a": 0.3,
                "group_b": b,
                "n_b": 900,
                "value_b": 0.38,
                "effect": e,
                "lo": lo,
                "hi": hi,
                "verdict": v,
            }
            for (c, m, a, b), (e, lo, hi), v in zip(rows, effects, verdicts)
        ]
    )


def test_essay_claims_reading_verdicts_and_headline():
    r = fr.EssayClaims(claims_table(), age_months=3, spend_days=180)
    lines = r.reading("en").split("\n")
    assert len(lines) == 3
    assert lines[0] == (
        "- *giveaway users retain less* — giveaway 0.3 (n=100) vs others 0.38 (n=900) on retained "
        "at month 3: difference -0.08 (95% CI -0.12 to -0.04); the claim is **supported** on "
        "these data."
    )
    assert lines[2].endswith("the claim is **inconclusive** on these data.")
    zh = r.reading("zh").split("\n")
    assert zh[0] == (  # a share in %, its difference in percentage points
        "- *赠品活动用户留存更低*：第 3 个月留存，赠品活动用户 30%（100 人），其他用户 38%"
        "（900 人），相差 −8 个百分点（95% 区间 −12 至 −4 个百分点）；在这份数据上，这一论断"
        "**得到支持**。"
    )
    assert "相差 −20 元（95% 区间 −30 至 −10 元）" in zh[1]  # an amount in 元
    assert r.verdicts("en") == (
        "giveaway users retain less — supported; giveaway users spend less — supported; "
        "screened in 1:1 retain better — inconclusive"
    )
    neck = pd.Series({"stage": "active", "forward_rate": 0.123})
    assert r.headline("en", bottleneck=neck) == (
        "The weakest forward step of the flow is active (12.3% move up per month); "
        "giveaway-event users retain 8 percentage points less at month 3 (supported), "
        "1:1-screened users +5 percentage points (inconclusive)."
    )
    assert r.headline("zh", bottleneck=neck).startswith("用户流转最卡的一步在互动（每月只有 12.3%")
    against = fr.EssayClaims(
        claims_table(0.06, 0.02, 0.1, screened=-0.03, give_verdict="contradicted")
    )
    assert against.headline("en", bottleneck=neck).endswith(
        "retain -6 percentage points less at month 3 (contradicted), 1:1-screened users -3 "
        "percentage points (inconclusive)."
    )
    for kind in ("retention", "spend"):
        _new_figure_and_given_axes(r, kind=kind)
    ticks = [t.get_text() for t in r.plot(kind="retention").get_yticklabels()]
    assert ticks == [
        "giveaway users retain less\n(retained at month 3)",
        "screened in 1:1 retain better\n(retained at month 3)",
    ]
    ticks = [t.get_text() for t in r.plot(kind="spend").get_yticklabels()]
    assert ticks == ["giveaway users spend less\n(net spend in first 180 days (CNY))"]
    assert r.plot(kind="spend").get_xlabel() == (
        "difference in mean net spend, first 180 days (CNY)"
    )
    with pytest.raises(ValueError, match="kind"):
        r.plot(kind="both")
    plt.close("all")


def test_referral_reading():
    per = pd.DataFrame(
        {
            "period": pd.DatetimeIndex(["2025-02-01", "2025-03-01", "2025-04-01"]).tz_localize(TZ),
            "k_factor": [0.02, np.nan, 0.005],
            "k_lo": [0.01, np.nan, 0.001],
            "k_hi": [0.03, np.nan, 0.01],
        }
    )
    overall = {
        "contacts": 1000,
        "referred": 30,
        "k_factor": 0.03,
        "invitations": 120,
        "invite_conversion": 0.25,
    }
    r = fr.Referral(per, overall=overall)
    assert r.k_factor == 0.03
    assert r.reading("en") == (
        "Over the whole period 30 of 1,000 contacts came through a referral: a realised K-factor "
        "of 0.030. 120 invitations were sent, so 25% of invitations became a contact. The "
        "monthly K ranged from 0.005 to 0.020 — far below 1, so referrals add to, but do not "
        "replace, paid acquisition."
    )
    assert r.reading("zh").startswith(
        "整个时期 1,000 位联系人中有 30 位来自推荐：实际 K 因子为 0.030。"
    )
    _new_figure_and_given_axes(r)


# ---- against the simulator's truth --------------------------------------------------------------


def truth_table(lo=(0.1, -0.3, -0.5), true=(0.2, -0.2, -0.1)):
    return pd.DataFrame(
        {
            "channel": ["offline_event", "referral", "douyin"],
            "log_hr": [0.3, -0.2, -0.4],
            "lo": list(lo),
            "hi": [0.5, -0.1, -0.3],
            "log_hr_marginal_true": list(true),
            "gamma_structural": [0.25, -0.3, 0.0],
        }
    )


def truth_check(table):
    return checks.FlowTruthCheck(
        table,
        screening=pd.DataFrame(),
        k=0.0312,
        k_true=0.0309,
        hunters_give=0.4,
        hunters_other=0.1,
        gamma_hunter=0.5,
        gamma_screened=-0.3,
        claims=fr.EssayClaims(claims_table()),
    )


def test_flow_truth_check_reading():
    r = truth_check(truth_table())
    assert list(r.inside) == [True, True, False] and not r.same_order
    assert r.reading("en") == (
        "The K-factor from the data is 0.0312; the simulator's realised K is 0.0309. The channel "
        "effects' 95% intervals contain the true marginal effect for 2 of 3 channels, and the "
        "order of the channels is different from the truth's. Coupon hunters are 40% of giveaway "
        "users vs 10% of the others (true hunter effect on the log hazard: +0.50); the true "
        "effect of screening is -0.30 on the log hazard; the data's verdicts on the claims are: "
        "giveaway users retain less — supported; giveaway users spend less — supported; "
        "screened in 1:1 retain better — inconclusive."
    )
    assert "渠道的排序与真实排序不同" in r.reading("zh")
    assert (
        "判断：“赠品活动用户留存更低”：得到支持；“赠品活动用户消费更少”：得到支持；"
        in r.reading("zh")
    )
    same = truth_check(truth_table(true=(0.2, -0.2, -0.35)))
    assert list(same.inside) == [True, True, True] and same.same_order
    assert "for 3 of 3 channels, and the order of the channels is the same as" in same.reading()
    assert "渠道的排序与真实排序相同" in same.reading("zh")
    _new_figure_and_given_axes(r)


def test_flow_truth_check_on_a_simulation():
    sim = simulate(1500, months=12, seed=11)
    c, e, o = sim.contacts, sim.events, sim.orders
    end = sim.params["observation_end"]
    act = co.cohort_activity(
        c, e, o, cutoffs=pd.date_range("2025-02-01", "2025-09-01", freq="MS", tz=TZ)
    )
    claims = fr.claims_check(c, e, o, activity=act, observation_end=end, spend_days=90, n_boot=50)
    r = checks.flow_truth_check(
        sim.users, sim.params, c, e, o, observation_end=end, claims=claims, k_factor=0.05
    )
    assert set(r.table["channel"]) == set(c["channel"]) - {"partner"}
    assert {"log_hr", "lo", "hi", "log_hr_marginal_true", "gamma_structural"} <= set(r.table)
    assert r.k_true == sim.params["referrals"]["k_factor_realised"] and r.k == 0.05
    give = co.giveaway_flag(c).to_numpy()  # the kit's one definition (aggregate.rules)
    hunters = sim.users.set_index("user_id")["coupon_hunter"].reindex(c["user_id"]).to_numpy()
    assert r.hunters_give == pytest.approx(hunters[give].mean())
    assert r.hunters_other == pytest.approx(hunters[~give].mean())
    assert r.screening.loc["screened", False] == 0  # derived screening agrees with the truth
    assert r.claims is claims and r.reading("en").startswith("The K-factor from the data is 0.05")
    scr = co.screening_groups(c, e)
    shared = checks.flow_truth_check(
        sim.users,
        sim.params,
        c,
        e,
        o,
        observation_end=end,
        claims=claims,
        k_factor=0.05,
        screening=scr.map({"screened": "straight_in", "straight_in": "screened"}),
    )  # the screening given is the one compared with the truth
    assert shared.screening.loc["straight_in", True] == r.screening.loc["screened", True]


def test_funnel_bottleneck_stops_below_the_repeat_stage():
    conv, tis = conversion_tables()
    r = fr.ForwardConversion(conv, time_in_stage=tis, repeat_stage="active")
    # steps out of access only (active is the repeat stage here): access is the weakest
    assert r.funnel_bottleneck["stage"] == "access"
    assert r.funnel_reading("en") == (
        "Within the purchase funnel alone (from joining up to *active*), the weakest step is "
        "out of *access* (进入私域): 30.0% (95% CI 25.0%–35.0%) of its 200 user-months move "
        "up a month later."
    )
    assert r.funnel_reading("zh").startswith(
        "只看购买漏斗（从入域到*互动*），最弱的一步是从*进入私域*往上走"
    )
    assert fr.ForwardConversion(conv, repeat_stage="ask").funnel_bottleneck["stage"] == "active"


def test_purchase_gate_reading():
    t = pd.DataFrame(
        {
            "stage": ["advocate", "ambassador"],
            "zh": ["拥护", "大使/共创"],
            "users_gated": [30, 5],
            "users_ungated": [50, 10],
            "share_gated": [0.3, 0.05],
            "share_ungated": [0.5, 0.1],
            "held_back": [20, 5],
            "population": [100, 100],
        }
    )
    r = fr.PurchaseGate(t, as_of="2026-04-01")
    en = r.reading("en")
    assert "At 2026-04-01, 35 of 100 users (35%) are at advocate / ambassador" in en
    assert "without the gate 60 (60%) would be, 25 of them without any purchase" in en
    assert "counts as *active*" in en
    assert "100 名用户中有 35 名（35%）处于拥护、大使/共创" in r.reading("zh")


def test_ladder_table_in_chinese_names_states_and_evidence_in_chinese():
    ladder = flow.Ladder()
    en, zh = ladder.table(), ladder.table("zh")
    assert list(en.columns) == ["code", "state", "zh", "on_ladder", "evidence"]
    assert list(zh.columns) == ["code", "state", "on_ladder", "evidence"]
    assert zh["state"].tolist() == list(ladder.names.values())
    ev = dict(zip(en["state"], zh["evidence"]))
    assert ev["appeal"] == "扫码、领取引流品"
    assert ev["access"] == "添加联系人、入群，或刚加入私域"
    assert ev["act"] == "已付款订单（累计不到 2 单）"
    assert ev["ambassador"] == "建议被采纳、共创、内测，或推荐来的联系人下了单（须先有首单）"
    assert ev["silent"] == "连续 30 天没有活动"
    assert dict(zip(en["state"], en["evidence"]))["act"] == "(paid order, < 2 paid orders so far)"
