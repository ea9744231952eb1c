"""Behaviours against retention: counting (aggregate.behaviours) and statistics (behaviours)."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.aggregate.behaviours import (
    assign_period,
    behaviour_counts,
    behaviour_units,
    onboarding_labels,
)
from analysis.aggregate.labels import retention_labels
from analysis.simulate import simulate
from analysis.studies.behaviours import (
    behaviour_metrics,
    best_behaviours,
    confirm_out_of_time,
    fdr_statement,
    threshold_reading,
    value_alignment,
)

TZ = "Asia/Shanghai"
J = pd.Timestamp("2025-01-01 00:00", tz=TZ)
DAY = pd.Timedelta(days=1)


def ts(offset_days: float, base=J):
    return base + pd.Timedelta(days=offset_days)


def _events(rows):
    return pd.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "occurred_at": pd.Series([r[1] for r in rows], dtype=f"datetime64[us, {TZ}]"),
            "event_type": [r[2] for r in rows],
            "value": np.nan,
            "context": "group",
        }
    )


def _orders(rows):
    return pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(rows))],
            "user_id": [r[0] for r in rows],
            "ordered_at": pd.Series([r[1] for r in rows], dtype=f"datetime64[us, {TZ}]"),
            "amount": [r[2] for r in rows],
            "is_refund": [r[3] > 0 for r in rows],
            "refund_amount": [r[3] for r in rows],
        }
    )


# hand-made onboarding frame: five users joined at J, label cut-off J + 7 days
POP = pd.DataFrame(
    {
        "user_id": ["a", "b", "c", "d", "e"],
        "joined_at": pd.Series([J] * 5, dtype=f"datetime64[us, {TZ}]"),
        "retained": [True, True, False, False, True],
    }
)
POP["cutoff"] = POP["joined_at"] + 7 * DAY
EVENTS = _events(
    [
        ("a", ts(0.5), "share"),
        ("a", ts(2), "share"),
        ("b", ts(3), "share"),
        ("c", ts(0.2), "share"),
        ("c", ts(6.9), "share"),
        ("c", ts(7), "share"),  # at the cut-off: outside every window
        ("c", ts(-1), "share"),  # before joining: outside
        ("e", ts(8), "share"),  # after the window
        ("d", ts(1), "read"),  # another unit
    ]
)
ORDERS = _orders(
    [
        ("a", ts(1), 50.0, 0.0),  # exactly one day after joining: in d=7, not in d=1
        ("b", ts(2), 30.0, 30.0),  # fully refunded: not a paid order
        ("e", ts(0.5), 20.0, 5.0),  # partly refunded: still paid
    ]
)
UNITS = behaviour_units(event_types=["share"], values=False, orders=True)


def _cell(table, unit, d, k, col="n_did"):
    row = table.loc[(table["unit"] == unit) & (table["d"] == d) & (table["k"] == k)]
    assert len(row) == 1
    return row.iloc[0][col]


def test_units_cover_types_values_and_orders_but_not_churn():
    u = behaviour_units()
    assert "type:del_follow_user" not in set(u["unit"])
    assert {
        "value:social",
        "value:content",
        "value:experience",
        "value:innovation",
        "orders",
    } <= set(u["unit"])
    assert "value:consumption" not in set(u["unit"])  # orders are the consumption value
    assert u.set_index("unit").loc["orders", "value"] == "consumption"
    assert set(u.set_index("unit").loc["value:social", "members"]) == {
        "share",
        "invite",
        "referral_join",
        "helpful_reply",
    }
    with pytest.raises(ValueError, match="hard churn"):
        behaviour_units(event_types=["del_follow_user"])


def test_onboarding_counts_golden():
    c = behaviour_counts(
        EVENTS, ORDERS, population=POP, view="onboarding", days=(1, 7), ks=(1, 2), units=UNITS
    )
    assert len(c) == 2 * 2 * 2
    assert (c["n"] == 5).all() and (c["n_retained"] == 3).all()
    # share within 7 days: a (2), b (1), c (2: the events at +7d and -1d are outside)
    assert _cell(c, "type:share", 7, 1) == 3 and _cell(c, "type:share", 7, 1, "n_did_retained") == 2
    assert _cell(c, "type:share", 7, 2) == 2 and _cell(c, "type:share", 7, 2, "n_did_retained") == 1
    assert _cell(c, "type:share", 1, 1) == 2 and _cell(c, "type:share", 1, 2) == 0
    # paid orders: e at +0.5d; a's at exactly +1d is only in the 7-day window; b refunded
    assert _cell(c, "orders", 1, 1) == 1 and _cell(c, "orders", 1, 1, "n_did_retained") == 1
    assert _cell(c, "orders", 7, 1) == 2 and _cell(c, "orders", 7, 1, "n_did_retained") == 2


def test_value_unit_pools_its_event_types():
    ev = _events(
        [
            ("a", ts(1), "share"),
            ("a", ts(2), "helpful_reply"),
            ("b", ts(1), "invite"),
            ("c", ts(1), "post"),
        ]
    )
    units = behaviour_units(event_types=["share"], values=True, orders=False)
    c = behaviour_counts(
        ev, ORDERS.iloc[:0], population=POP, view="onboarding", days=(7,), ks=(1, 2), units=units
    )
    assert _cell(c, "value:social", 7, 1) == 2  # a and b
    assert _cell(c, "value:social", 7, 2) == 1  # a: share + helpful_reply
    assert _cell(c, "type:share", 7, 1) == 1
    assert _cell(c, "value:content", 7, 1) == 1  # c's post


def test_snapshot_window_is_before_the_cutoff_only():
    cut = ts(30)
    pop = pd.DataFrame(
        {
            "user_id": ["a", "b", "c"],
            "retained": [True, False, True],
            "cutoff": pd.Series([cut] * 3, dtype=f"datetime64[us, {TZ}]"),
        }
    )
    ev = _events(
        [
            ("a", cut - DAY, "share"),  # exactly d=1 before: inside
            ("b", cut - DAY - pd.Timedelta(seconds=1), "share"),  # just outside d=1, inside d=7
            ("c", cut, "share"),  # at the cut-off: never read
            ("c", cut + DAY, "share"),  # after: never read
        ]
    )
    c = behaviour_counts(
        ev, ORDERS.iloc[:0], population=pop, view="snapshot", days=(1, 7), ks=(1,), units=UNITS
    )
    assert _cell(c, "type:share", 1, 1) == 1
    assert _cell(c, "type:share", 7, 1) == 2
    assert _cell(c, "type:share", 7, 1, "n_did_retained") == 1


def test_events_after_the_cutoff_or_outside_the_window_change_nothing():
    base = behaviour_counts(
        EVENTS, ORDERS, population=POP, view="onboarding", days=(1, 7), ks=(1, 2), units=UNITS
    )
    extra = _events(
        [(u, ts(7 + i), "share") for i, u in enumerate("abcde")]
        + [(u, ts(-3), "share") for u in "abcde"]
    )
    more_orders = _orders([("d", ts(7), 10.0, 0.0), ("c", ts(9), 10.0, 0.0)])
    moved = behaviour_counts(
        pd.concat([EVENTS, extra], ignore_index=True),
        pd.concat([ORDERS, more_orders], ignore_index=True),
        population=POP,
        view="onboarding",
        days=(1, 7),
        ks=(1, 2),
        units=UNITS,
    )
    pd.testing.assert_frame_equal(base, moved)


def test_row_order_irrelevant_and_inputs_unchanged():
    ev, od, pop = EVENTS.copy(), ORDERS.copy(), POP.copy()
    base = behaviour_counts(
        EVENTS, ORDERS, population=POP, view="onboarding", days=(1, 7), ks=(1, 2), units=UNITS
    )
    rng = np.random.default_rng(0)
    shuffled = behaviour_counts(
        EVENTS.sample(frac=1, random_state=1),
        ORDERS.iloc[rng.permutation(len(ORDERS))],
        population=POP.iloc[::-1],
        view="onboarding",
        days=(7, 1),
        ks=(2, 1),
        units=UNITS,
    )
    pd.testing.assert_frame_equal(base, shuffled)
    pd.testing.assert_frame_equal(ev, EVENTS)
    pd.testing.assert_frame_equal(od, ORDERS)
    pd.testing.assert_frame_equal(pop, POP)


def test_onboarding_window_may_not_reach_the_label():
    with pytest.raises(ValueError, match="runs past the label"):
        behaviour_counts(EVENTS, ORDERS, population=POP, view="onboarding", days=(14,), units=UNITS)
    with pytest.raises(ValueError, match="view"):
        behaviour_counts(EVENTS, ORDERS, population=POP, view="later", units=UNITS)


def test_a_user_twice_in_one_group_is_an_error():
    pop = pd.concat([POP, POP.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="more than once"):
        behaviour_counts(EVENTS, ORDERS, population=pop, view="onboarding", days=(7,), units=UNITS)


def test_groups_are_counted_separately():
    pop = pd.concat(
        [POP.assign(period="x"), POP.assign(period="y", retained=~POP["retained"])],
        ignore_index=True,
    )
    c = behaviour_counts(
        EVENTS,
        ORDERS,
        population=pop,
        view="onboarding",
        days=(7,),
        ks=(1,),
        units=UNITS,
        group="period",
    )
    x = c.loc[c["group"] == "x"]
    y = c.loc[c["group"] == "y"]
    assert _cell(x, "type:share", 7, 1, "n_did_retained") == 2
    assert _cell(y, "type:share", 7, 1, "n_did_retained") == 1
    assert (y["n_retained"] == 2).all()


def _five_contacts() -> pd.DataFrame:
    """a-d join at J, e 100 days later (the onboarding label tests)."""
    return pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "e"],
            "joined_at": pd.Series([J, J, J, J, ts(100)], dtype=f"datetime64[us, {TZ}]"),
            "channel": "douyin",
            "hook": "coupon",
            "referrer_id": None,
        }
    )


def test_onboarding_labels_golden():
    contacts = _five_contacts()
    ev = _events(
        [
            ("a", ts(10), "message"),  # retained: activity in [J+7, J+37)
            ("b", ts(5), "del_follow_user"),  # hard churn before the cut-off: not in population
            ("c", ts(10), "message"),
            ("c", ts(20), "del_follow_user"),  # churned in window
            ("d", ts(3), "message"),
            ("d", ts(37), "read"),  # activity only at the window end
            ("d", ts(40), "qr_scan"),  # not an interaction type
        ]
    )
    od = _orders([("d", ts(36.5), 10.0, 10.0)])  # refunded: no qualifying activity
    lab = onboarding_labels(
        contacts, ev, od, window_days=7, horizon_days=30, observation_end=ts(60)
    )
    assert list(lab["user_id"]) == ["a", "c", "d"]  # b churned before; e's window not observed
    assert list(lab["retained"]) == [True, False, False]
    assert list(lab["churned_hard"]) == [False, True, False]
    assert (lab["cutoff"] == J + 7 * DAY).all()
    od2 = _orders([("d", ts(36.5), 10.0, 0.0)])  # a paid order in the window retains d
    lab2 = onboarding_labels(
        contacts, ev, od2, window_days=7, horizon_days=30, observation_end=ts(60)
    )
    assert lab2.set_index("user_id").loc["d", "retained"]


def test_assign_period():
    out = assign_period(POP.assign(joined_at=[ts(i) for i in range(5)]), split_at=ts(2))
    assert list(out["period"]) == ["discovery"] * 2 + ["confirmation"] * 3
    assert "period" not in POP


# ---------------------------------------------------------------- statistics


def _counts(n, r, a, a1, **extra):
    return pd.DataFrame(
        {
            "group": None,
            "unit": "type:share",
            "kind": "event_type",
            "value": "social",
            "d": 7.0,
            "k": 1,
            "n": n,
            "n_retained": r,
            "n_did": a,
            "n_did_retained": a1,
            **extra,
        }
    )


def test_metrics_golden():
    # 100 users, 40 retained; 20 did it, 15 of whom retained
    m = behaviour_metrics(_counts([100], [40], [20], [15])).iloc[0]
    assert m["reach"] == pytest.approx(0.20)
    assert m["ppv"] == pytest.approx(0.75) and m["retention_did"] == pytest.approx(0.75)
    assert m["retention_not"] == pytest.approx(25 / 80)
    assert m["npv"] == pytest.approx(55 / 80)
    assert m["phi"] == pytest.approx(700 / np.sqrt(20 * 80 * 40 * 60))
    assert m["diff"] == pytest.approx(0.75 - 0.3125)
    # phi is the Pearson correlation of the two indicators
    did = np.r_[np.ones(20), np.zeros(80)]
    ret = np.r_[np.ones(15), np.zeros(5), np.ones(25), np.zeros(55)]
    assert m["phi"] == pytest.approx(np.corrcoef(did, ret)[0, 1])
    chi2, p, _, _ = chi2_contingency([[15, 5], [25, 55]], correction=False)
    assert m["p_value"] == pytest.approx(p)
    lo, hi = confint_proportions_2indep(15, 20, 25, 80, method="newcomb", compare="diff")
    assert (m["diff_lo"], m["diff_hi"]) == pytest.approx((lo, hi))


def test_tiny_frame_metrics_from_counts():
    c = behaviour_counts(
        EVENTS, ORDERS, population=POP, view="onboarding", days=(7,), ks=(1,), units=UNITS
    )
    m = behaviour_metrics(c, min_expected=0).set_index("unit").loc["type:share"]
    assert m["reach"] == pytest.approx(3 / 5)
    assert m["ppv"] == pytest.approx(2 / 3)
    assert m["npv"] == pytest.approx(1 / 2)  # d not retained, e retained
    assert m["phi"] == pytest.approx((2 * 1 - 1 * 1) / np.sqrt(3 * 2 * 3 * 2))


def test_untestable_behaviours_are_not_declared_and_bh_is_applied():
    c = _counts([100, 100, 100, 100], [40, 40, 40, 40], [0, 100, 3, 50], [0, 40, 3, 40])
    c["k"] = [1, 2, 3, 5]
    m = behaviour_metrics(c)
    assert list(m["tested"]) == [False, False, False, True]  # empty group, all did, tiny cell
    assert np.isnan(m["phi"].iloc[0]) and np.isnan(m["phi"].iloc[1])
    assert m["significant"].tolist() == [False, False, False, True]
    # BH across the family: with two tested behaviours the smaller p is doubled
    c2 = _counts([100, 100], [40, 40], [50, 50], [30, 24])
    c2["k"] = [1, 2]
    m2 = behaviour_metrics(c2)
    p = m2["p_value"].to_numpy()
    assert m2["q_value"].min() == pytest.approx(min(2 * p.min(), p.max()))
    assert "Benjamini–Hochberg" in fdr_statement(m2)
    with pytest.raises(ValueError, match="inconsistent"):
        behaviour_metrics(_counts([10], [4], [5], [6]))


def _metric_rows(diffs, sig, phis, units=None):
    n = len(diffs)
    return pd.DataFrame(
        {
            "unit": units or [f"type:t{i}" for i in range(n)],
            "kind": "event_type",
            "value": "social",
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
            "p_value": [0.001] * n,
            "significant": sig,
        }
    )


def test_confirm_out_of_time_golden():
    disc = _metric_rows([0.2, 0.1, -0.1, 0.3], [True, True, True, False], [0.2, 0.1, -0.1, 0.3])
    conf = _metric_rows([0.1, 0.1, 0.05, 0.3], [True] * 4, [0.1, 0.1, 0.05, 0.3])
    conf["p_value"] = [0.001, 0.2, 0.001, 0.001]
    out = confirm_out_of_time(disc, conf).set_index("unit")
    assert set(out.index) == {"type:t0", "type:t1", "type:t2"}  # t3 was not discovered
    assert out.loc["type:t0", "holds"]  # significant, same sign
    assert not out.loc["type:t1", "holds"]  # not significant on later data
    assert not out.loc["type:t2", "holds"]  # sign flipped
    assert out.loc["type:t0", "shrinkage"] == pytest.approx(0.5)
    # BH over the 3 re-tested: two p of 0.001 at ranks 1-2 -> 0.001 * 3 / 2
    assert out.loc["type:t0", "q_conf"] == pytest.approx(0.0015)
    best = best_behaviours(confirm_out_of_time(disc, conf))
    assert list(best["unit"]) == ["type:t0"]
    worst = best_behaviours(confirm_out_of_time(disc, conf.assign(p_value=0.001)), positive=False)
    assert list(worst["unit"]) == []  # t2 flipped sign, so it does not hold
    text = threshold_reading(best.iloc[0], view="onboarding")
    assert "at least once in their first 7 days" in text and "50% vs 40%" in text
    assert "50% of it did not come back" in text


def test_value_alignment_ranks_weights_and_evidence():
    t = _metric_rows(
        [0.2, 0.1, 0.1],
        [True, True, True],
        [0.30, 0.10, 0.20],
        units=["value:social", "type:post", "value:innovation"],
    )
    t["value"] = ["social", "content", "innovation"]
    al = value_alignment(t, weights="expansion", by="phi").set_index("value")
    assert al.loc["social", "weight"] == 0.3 and al.loc["social", "weight_rank"] == 1
    assert al.loc["consumption", "weight_rank"] == 3
    assert al.loc["social", "evidence_rank"] == 1
    assert al.loc["innovation", "evidence_rank"] == 2
    assert al.loc["content", "evidence_rank"] == 3
    assert al.loc["experience", "n_confirmed"] == 0 and np.isnan(al.loc["experience", "best_phi"])


# ---------------------------------------------------------------- simulated truth


def _onboarding_metrics(sim, units=None):
    lab = onboarding_labels(sim.contacts, sim.events, sim.orders, window_days=30, horizon_days=90)
    counts = behaviour_counts(
        sim.events, sim.orders, population=lab, view="onboarding", units=units
    )
    return behaviour_metrics(counts)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_null_world_declares_at_most_the_nominal_share(seed):
    m = _onboarding_metrics(simulate(8000, 18, seed=seed, world="null"))
    tested = m.loc[m["tested"]]
    assert len(tested) > 100
    assert m["significant"].sum() <= 0.05 * len(tested)
    # the p-values are calibrated: about 5% fall below 0.05 before any correction
    assert 0.0 < (tested["p_value"] < 0.05).mean() < 0.15


def test_null_world_snapshot_view_and_periods():
    sim = simulate(8000, 18, seed=3, world="null")
    frames = [
        retention_labels(sim.contacts, sim.events, sim.orders, cutoff=c, horizon_days=90).assign(
            period=p
        )
        for c, p in (("2025-11-01", "discovery"), ("2026-02-01", "confirmation"))
    ]
    pop = pd.concat(frames, ignore_index=True)
    m = behaviour_metrics(
        behaviour_counts(sim.events, sim.orders, population=pop, view="snapshot", group="period")
    )
    for _, g in m.groupby("group"):
        assert g["significant"].sum() <= 0.05 * g["tested"].sum()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_effects_world_strongest_value_ranks_at_the_top(seed):
    # the truly strongest value (social: beta -0.35) has a behaviour among the top two values
    m = _onboarding_metrics(
        simulate(8000, 18, seed=seed, world="effects"), units=behaviour_units(event_types=[])
    )
    al = value_alignment(m, by="phi").set_index("value")
    assert al.loc["social", "evidence_rank"] <= 2
    assert al.loc["social", "n_confirmed"] > 0


def test_plots_draw_on_the_given_axes():
    import matplotlib.pyplot as plt

    from analysis.plots.behaviours import (
        plot_confirmed_intervals,
        plot_discovery_vs_confirmation,
        plot_phi_heatmap,
    )

    c = behaviour_counts(
        EVENTS, ORDERS, population=POP, view="onboarding", days=(1, 7), ks=(1, 2), units=UNITS
    )
    m = behaviour_metrics(c, min_expected=0)
    fig, axes = plt.subplots(1, 3)
    assert plot_phi_heatmap(m, unit="type:share", ax=axes[0]) is axes[0]
    assert axes[0].get_xlabel() and axes[0].get_title()
    disc = _metric_rows([0.2, 0.1], [True, True], [0.2, 0.1])
    conf = confirm_out_of_time(disc, _metric_rows([0.15, -0.05], [True, True], [0.15, -0.05]))
    assert plot_discovery_vs_confirmation(conf, ax=axes[1]) is axes[1]
    assert plot_confirmed_intervals(conf, ax=axes[2]) is axes[2]
    with pytest.raises(ValueError, match="no rows"):
        plot_phi_heatmap(m, unit="type:nothing", ax=axes[0])
    plt.close(fig)


# ---------------------------------------------------------------- the SQL definitions


def _sql_same(eng, **kw):
    """behaviour_counts on pandas and, from the same frames, on SQL engine ``eng``."""
    expected = behaviour_counts(**kw)
    got = behaviour_counts(**kw, engine=eng)
    pd.testing.assert_frame_equal(expected, got, check_exact=True)
    return got


def test_counts_in_sql_are_the_pandas_counts(eng):
    """Window edges (at +1 d, at the cut-off, before joining), refunds, pooled values,
    groups and the snapshot view: the SQL definition counts what the pandas one counts."""
    extra = _events([("a", ts(1), "helpful_reply"), ("b", ts(2), "invite"), ("zz", ts(1), "share")])
    events = pd.concat([EVENTS, extra], ignore_index=True)
    units = behaviour_units(event_types=["share", "read"], values=True, orders=True)
    got = _sql_same(
        eng,
        events=events,
        orders=ORDERS,
        population=pd.concat(
            [POP.assign(period="x"), POP.iloc[1:].assign(period="y", retained=~POP["retained"])],
            ignore_index=True,
        ),
        view="onboarding",
        days=(1, 7),
        ks=(1, 2, 3),
        units=units,
        group="period",
    )
    assert _cell(got.loc[got["group"] == "x"], "type:share", 7, 2) == 2
    cut = ts(30)
    snap = POP.assign(cutoff=pd.Series([cut] * 5, dtype=f"datetime64[us, {TZ}]"))
    ev = _events(
        [
            ("a", cut - DAY, "share"),  # exactly d=1 before: inside
            ("b", cut - DAY - pd.Timedelta(seconds=1), "share"),
            ("c", cut, "share"),  # at the cut-off: never read
            ("d", cut - 3 * DAY, "read"),
        ]
    )
    od = _orders([("e", cut - 2 * DAY, 10.0, 0.0), ("a", cut - DAY, 5.0, 5.0)])
    got = _sql_same(
        eng,
        events=ev,
        orders=od,
        population=snap,
        view="snapshot",
        days=(1, 7),
        ks=(1,),
        units=units,
    )
    assert _cell(got, "type:share", 1, 1) == 1 and _cell(got, "orders", 7, 1) == 1


def test_onboarding_labels_in_sql_are_the_pandas_labels(eng):
    contacts = _five_contacts()
    ev = _events(
        [
            ("a", ts(10), "message"),
            ("b", ts(5), "del_follow_user"),
            ("c", ts(10), "message"),
            ("c", ts(20), "del_follow_user"),
            ("d", ts(3), "message"),
            ("d", ts(37), "read"),  # at the window's end: outside
            ("d", ts(40), "qr_scan"),
            ("a", ts(7), "del_follow_user"),  # at the cut-off: in the label window
        ]
    )
    od = _orders([("d", ts(36.5), 10.0, 10.0), ("e", ts(101), 10.0, 0.0)])
    for activity in ("any", "purchase"):
        kw = dict(window_days=7, horizon_days=30, activity=activity, observation_end=ts(60))
        expected = onboarding_labels(contacts, ev, od, **kw)
        got = onboarding_labels(contacts, ev, od, engine=eng, **kw)
        pd.testing.assert_frame_equal(expected, got, check_exact=True)
    assert list(got["user_id"]) == ["a", "c", "d"] and got["churned_hard"].tolist()[0]
