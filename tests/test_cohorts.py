"""Cohort retention, the essay's claims, referral / K-factor and KOCs."""

import numpy as np
import pandas as pd
import pytest

from analysis.simulate import simulate
from analysis.studies import cohorts as co

TZ = "Asia/Shanghai"


def ts(s):
    return pd.Timestamp(s, tz=TZ)


def tiny():
    contacts = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d"],
            "joined_at": [ts("2025-01-10"), ts("2025-01-20"), ts("2025-02-05"), ts("2025-02-06")],
            "channel": ["offline_event", "douyin", "offline_event", "referral"],
            "hook": ["merch", "coupon", "coupon", "trial"],
            "referrer_id": [None, None, None, "a"],
        }
    )
    ev = [
        ("a", "2025-02-10", "message", "group"),
        ("a", "2025-03-05", "message", "1v1"),
        ("b", "2025-02-15", "del_follow_user", "1v1"),
        ("c", "2025-03-10", "read", "group"),
        ("a", "2025-02-01", "invite", "1v1"),
        ("a", "2025-02-03", "invite", "1v1"),
    ]
    events = pd.DataFrame(
        {
            "user_id": [x[0] for x in ev],
            "occurred_at": [ts(x[1]) for x in ev],
            "event_type": [x[2] for x in ev],
            "value": np.nan,
            "context": [x[3] for x in ev],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "user_id": ["a", "a", "d", "b"],
            "ordered_at": [ts("2025-01-12"), ts("2025-06-01"), ts("2025-02-07"), ts("2025-01-21")],
            "amount": [100.0, 50.0, 30.0, 40.0],
            "is_refund": [False, False, False, True],
            "refund_amount": [0.0, 0.0, 0.0, 10.0],
        }
    )
    return contacts, events, orders


def test_cohort_activity_golden():
    c, e, o = tiny()
    act = co.cohort_activity(
        c,
        e,
        o,
        cutoffs=[ts("2025-02-01"), ts("2025-03-01")],
        horizon_days=28,
        observation_end=ts("2025-07-01"),
    )
    got = {
        (r.user_id, r.cutoff.strftime("%m-%d")): (r.age_months, bool(r.retained))
        for r in act.itertuples()
    }
    assert got == {
        ("a", "02-01"): (1, True),
        ("b", "02-01"): (1, False),
        ("a", "03-01"): (2, True),
        ("b", "03-01"): (2, False),
        ("c", "03-01"): (1, True),
        ("d", "03-01"): (1, False),
    }
    cur = co.retention_curves(act).set_index("age_months")
    assert cur.loc[1, "n"] == 4 and cur.loc[1, "retained"] == 2
    assert cur.loc[2, "rate"] == 0.5
    assert (cur["lo"] <= cur["rate"]).all() and (cur["rate"] <= cur["hi"]).all()
    by = co.retention_curves(act, by="channel").set_index(["channel", "age_months"])
    assert by.loc[("offline_event", 1), "retained"] == 2
    tab = co.cohort_table(act)
    assert tab.loc["2025-01", 1] == 0.5 and tab.loc["2025-02", 1] == 0.5


def test_screening_groups_golden():
    d0 = ts("2025-03-01")
    contacts = pd.DataFrame(
        {
            "user_id": [f"u{i}" for i in range(1, 6)],
            "joined_at": [d0] * 5,
            "channel": "douyin",
            "hook": "coupon",
        }
    )
    D = pd.Timedelta(days=1)
    ev = [
        ("u1", d0 + D, "message", "1v1"),
        ("u1", d0 + 5 * D, "group_join", "group"),
        ("u2", d0 + D, "group_join", "group"),
        ("u3", d0 + 5 * D, "group_join", "group"),
        ("u4", d0 + 2 * D, "message", "1v1"),
        ("u4", d0 + 40 * D, "group_join", "group"),
        ("u5", d0 + D, "message", "moments"),
        ("u5", d0 + 6 * D, "group_join", "group"),
        ("u5", d0 + 7 * D, "message", "1v1"),
    ]  # 1:1 only after the group join
    events = pd.DataFrame(
        {
            "user_id": [x[0] for x in ev],
            "occurred_at": [x[1] for x in ev],
            "event_type": [x[2] for x in ev],
            "context": [x[3] for x in ev],
        }
    )
    g = co.screening_groups(contacts, events, min_days=3, landmark_days=28).astype(str)
    assert g.to_dict() == {
        "u1": "screened",
        "u2": "straight_in",
        "u3": "held_without_1v1",
        "u4": "no_group_by_landmark",
        "u5": "held_without_1v1",
    }
    g2 = co.screening_groups(contacts, events, min_days=6, landmark_days=28).astype(str)
    assert g2["u1"] == "straight_in"


def test_spend_giveaway_k_factor_golden():
    c, e, o = tiny()
    s = co.spend_after_join(c, o, days=30, observation_end=ts("2025-03-10"))
    # a: o1 (o2 is after the window); b: 40 - 10 refunded; c: nothing; d: o3
    assert s.to_dict() == {"a": 100.0, "b": 30.0, "c": 0.0, "d": 30.0}
    late = co.spend_after_join(c, o, days=30, observation_end=ts("2025-02-15"))
    assert late.isna().sum() == 3  # only a's window (to 02-09) is fully observed
    g = co.giveaway_flag(c)
    assert g.to_dict() == {"a": True, "b": False, "c": True, "d": False}
    assert co.giveaway_flag(c, hooks=["merch"]).sum() == 1
    k = co.k_factor(c, e)
    assert k["k_factor"] == 0.25 and k["invitations"] == 2 and k["invite_conversion"] == 0.5
    per = co.referral_by_period(
        c, e, o, periods=[ts("2025-01-01"), ts("2025-02-01"), ts("2025-03-01")]
    )
    assert per["referred_joins"].tolist() == [0, 1]
    assert per["referred_buyers"].tolist() == [0, 1]
    assert per["base"].tolist() == [0, 2]
    assert per["k_factor"].iloc[1] == 0.5 and per["invite_conversion"].iloc[1] == 0.5


def test_compare_golden():
    y = pd.Series([True] * 30 + [False] * 70 + [True] * 20 + [False] * 80)
    g = pd.Series(["a"] * 100 + ["b"] * 100)
    r = co.compare_proportions(y, g, a="a", b="b")
    assert r["effect"] == pytest.approx(0.10)
    assert r["lo"] == pytest.approx(-0.0202, abs=1e-3) and r["hi"] == pytest.approx(
        0.2167, abs=1e-3
    )
    assert r["verdict"] == "inconclusive" and r["ratio"] == pytest.approx(1.5)
    y2 = pd.Series([True] * 60 + [False] * 40 + [True] * 20 + [False] * 80)
    assert co.compare_proportions(y2, g, a="a", b="b")["verdict"] == "supported"
    assert co.compare_proportions(y2, g, a="a", b="b", direction=-1)["verdict"] == "contradicted"
    v = pd.Series(np.r_[np.full(50, 10.0), np.full(50, 4.0)])
    gg = pd.Series(["a"] * 50 + ["b"] * 50)
    m = co.compare_means(v, gg, a="a", b="b", n_boot=200)
    assert m["effect"] == 6.0 and m["lo"] == 6.0 and m["hi"] == 6.0
    assert m["verdict"] == "supported"


def test_koc_candidates_pseudonymous():
    c, e, o = tiny()
    ev = pd.DataFrame(
        {"social": [5.0, 0, 1, 0], "content": [3.0, 0, 0, 1]},
        index=pd.Index(["a", "b", "c", "d"], name="user_id"),
    )
    k = co.koc_candidates(c, o, ev, top_n=2, key="secret-key-for-tests")
    assert list(k["rank"]) == [1, 2]
    assert k.loc[0, "referred"] == 1 and k.loc[0, "referred_buyers"] == 1
    assert "user_id" not in k.columns
    assert not set(k["pseudo_id"]) & {"a", "b", "c", "d"}
    assert k["pseudo_id"].str.len().eq(13).all()
    assert (
        k.loc[0, "pseudo_id"]
        == co.koc_candidates(c, o, ev, top_n=1, key="secret-key-for-tests").loc[0, "pseudo_id"]
    )
    assert (
        k.loc[0, "pseudo_id"]
        != co.koc_candidates(c, o, ev, top_n=1, key="other-key-for-tests!").loc[0, "pseudo_id"]
    )


@pytest.fixture(scope="module")
def sim():
    return simulate(4000, months=12, seed=11)


def test_recovers_simulated_truth(sim):
    c, e, o = sim.contacts, sim.events, sim.orders
    assert co.k_factor(c)["k_factor"] == pytest.approx(
        sim.params["referrals"]["k_factor_realised"], abs=1e-6
    )
    scr = co.screening_groups(c, e)
    truth = sim.users.set_index("user_id")["screened"]
    tab = co.agreement(scr.astype(str), truth)
    assert tab.loc["screened", False] == 0 and tab.loc["straight_in", True] == 0
    end = sim.params["observation_end"]
    hr = co.hazard_ratios(c, e, o, observation_end=end, reference="partner").set_index("channel")
    # the truth: offline_event raises the hazard most, referral / offline_store lower it
    assert hr.loc["offline_event", "lo"] > 0
    assert hr.loc["offline_store", "hi"] < hr.loc["offline_event", "lo"]
    assert hr["log_hr"].idxmax() == "offline_event"
    cut = pd.date_range("2025-02-01", "2025-09-01", freq="MS", tz=TZ)
    act = co.cohort_activity(c, e, o, cutoffs=cut)
    claims = co.essay_claims(
        c, e, o, activity=act, observation_end=end, spend_days=90, n_boot=300
    ).set_index("claim")
    assert (claims["verdict"] == "supported").all()
    # the screening computed once (the report shares it with the truth check) is read as is
    kw = dict(activity=act, observation_end=end, spend_days=90, n_boot=300)
    shared = co.essay_claims(c, e, o, screening=scr, **kw).set_index("claim")
    pd.testing.assert_frame_equal(shared, claims)
    flipped = scr.map({"screened": "straight_in", "straight_in": "screened"})
    other = co.essay_claims(c, e, o, screening=flipped, **kw).set_index("claim")
    assert other.loc["screened in 1:1 retain better", "effect"] == pytest.approx(
        -claims.loc["screened in 1:1 retain better", "effect"]
    )


def test_inputs_unchanged(sim):
    c, e, o = sim.contacts, sim.events, sim.orders
    before = [x.copy() for x in (c, e, o)]
    co.cohort_activity(c, e, o, cutoffs=[ts("2025-06-01")])
    co.screening_groups(c, e)
    co.referral_by_period(c, e, o, periods=[ts("2025-03-01"), ts("2025-06-01")])
    for x, y in zip(before, (c, e, o)):
        pd.testing.assert_frame_equal(x, y)


def test_cohort_activity_same_on_duckdb_tables_from_disk(sample_tables):
    from analysis.engine.tables import DuckTables
    from analysis.paths import resolve

    t = sample_tables
    kw = dict(cutoffs=["2025-07-01", "2025-10-01", "2026-01-01"], horizon_days=60)
    expected = co.cohort_activity(t.contacts, t.events, t.orders, **kw)
    assert len(expected) > 5000 and 0 < expected["retained"].mean() < 1
    with DuckTables.from_folder(resolve("data/sample")) as disk:
        got = co.cohort_activity(disk.contacts, disk.events, disk.orders, engine="duckdb", **kw)
    pd.testing.assert_frame_equal(expected, got)


def test_one_giveaway_definition_for_every_report():
    """Giveaway users are defined once (aggregate.rules); the lifetime-value and the
    segments-and-flow studies and the truth check all default to it."""
    import inspect

    from analysis.aggregate import rules
    from analysis.simulate import checks
    from analysis.studies import clv

    c, _, _ = tiny()
    assert co.giveaway_flag is rules.giveaway_flag
    # offline events with merch (a) or a coupon (c); a douyin coupon (b) is no giveaway
    assert rules.giveaway_flag(c).to_dict() == {"a": True, "b": False, "c": True, "d": False}
    events_only = c.assign(hook=["offline_group", "coupon", "coupon", "trial"])
    assert rules.giveaway_flag(events_only).to_dict()["a"] is False
    assert rules.giveaway_flag(events_only, hooks=None).to_dict()["a"] is True
    for fn, names in (
        (co.essay_claims, ("giveaway_channels", "giveaway_hooks")),
        (clv.per_contact_values, ("giveaway_channels", "giveaway_hooks")),
        (checks.flow_truth_check, ("giveaway_channels", "giveaway_hooks")),
    ):
        sig = inspect.signature(fn).parameters
        assert sig[names[0]].default == rules.GIVEAWAY_CHANNELS, fn.__name__
        assert sig[names[1]].default == rules.GIVEAWAY_HOOKS, fn.__name__
    with pytest.raises(ValueError, match="column 'hook' is missing from the contacts"):
        rules.giveaway_flag(c.drop(columns="hook"))


def test_hazard_ratios_are_statsmodels_phreg(sim, monkeypatch):
    """hazard_ratios fits its Cox model on counts (churn_time.cox_breslow); with statsmodels'
    PHReg (Breslow ties, every user) in its place the table is the same."""
    from statsmodels.duration.hazard_regression import PHReg

    import analysis.studies.churn_time as ct

    c, e, o = sim.contacts, sim.events, sim.orders
    end = sim.params["observation_end"]
    ours = co.hazard_ratios(c, e, o, observation_end=end, reference="partner")

    def phreg(dur, status, X):
        res = PHReg(dur, X, status=status.astype(int), ties="breslow").fit()
        return res.params, res.bse

    monkeypatch.setattr(ct, "cox_breslow", phreg)
    theirs = co.hazard_ratios(c, e, o, observation_end=end, reference="partner")
    pd.testing.assert_frame_equal(ours, theirs, rtol=1e-8)
    assert ours["n"].sum() < len(c)  # the reference level is not a row
