"""The validity study: golden numbers on tiny frames, no look-ahead, and the simulator's truth
recovered in the effects world and in the null world."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.data.vocab import VALUES
from analysis.plots import validity as P
from analysis.simulate import checks, simulate
from analysis.studies import validity as V
from analysis.studies.scores import FiveValueScorer
from analysis.studies.stats import expected_auc

TZ = "Asia/Shanghai"
CUT = pd.Timestamp("2025-07-01", tz=TZ)
FEATURES = [
    "user_id",
    "tenure_days",
    "days_since_activity",
    "activity_count",
    "channel",
    *VALUES,
    "recency_days",
    "frequency",
    "monetary",
]


def _frame(rows, cols):
    df = pd.DataFrame(rows, columns=cols)
    for c in df.columns:
        if c.endswith("_at"):
            df[c] = pd.to_datetime(df[c]).dt.tz_localize(TZ)
        elif c in ("user_id", "channel", "hook", "order_id"):
            df[c] = df[c].astype("str")
    return df


def tiny():
    """a: share before the cut-off, message after (retained), two paid orders;
    b: a fully refunded order, deletes the contact 9 days after the cut-off;
    c: active only after the 30-day horizon; e: joins after the cut-off."""
    contacts = _frame(
        [
            ("a", "2025-01-01", "douyin", "coupon"),
            ("b", "2025-01-01", "partner", "trial"),
            ("c", "2025-03-01", "douyin", "coupon"),
            ("e", "2025-08-01", "partner", "trial"),
        ],
        ["user_id", "joined_at", "channel", "hook"],
    )
    events = _frame(
        [
            ("a", "2025-06-01", "share"),
            ("a", "2025-07-05", "message"),
            ("b", "2025-07-10", "del_follow_user"),
            ("c", "2025-08-15", "message"),
            ("e", "2025-08-02", "message"),
        ],
        ["user_id", "occurred_at", "event_type"],
    )
    orders = _frame(
        [
            ("o1", "a", "2025-03-01", 100.0, False, 0.0),
            ("o2", "a", "2025-06-21", 50.0, False, 0.0),
            ("o3", "b", "2025-01-10", 40.0, True, 40.0),
        ],
        ["order_id", "user_id", "ordered_at", "amount", "is_refund", "refund_amount"],
    )
    return contacts, events, orders


def test_study_frame_golden():
    contacts, events, orders = tiny()
    c0, e0, o0 = contacts.copy(), events.copy(), orders.copy()
    fr = V.study_frame(
        contacts,
        events,
        orders,
        cutoff="2025-07-01",
        horizon_days=30,
        followup_days=0,
        lost_after_days=None,
    )
    pd.testing.assert_frame_equal(contacts, c0)
    pd.testing.assert_frame_equal(events, e0)
    pd.testing.assert_frame_equal(orders, o0)
    assert list(fr["user_id"]) == ["a", "b", "c"]
    assert list(fr["retained"]) == [True, False, False]
    assert list(fr["no_hard_churn"]) == [True, False, True]
    assert list(fr["tenure_days"]) == [181.0, 181.0, 122.0]
    assert list(fr["social"]) == [1.0, 0.0, 0.0]
    assert list(fr["consumption"]) == [150.0, 0.0, 0.0]
    np.testing.assert_array_equal(fr["recency_days"], [10.0, np.nan, np.nan])
    assert list(fr["frequency"]) == [2.0, 0.0, 0.0]
    assert list(fr["monetary"]) == [150.0, 0.0, 0.0]
    # a: last activity the order of 06-21 (the share of 06-01 is earlier); b, c: never
    # active before the cut-off, so days since joining
    assert list(fr["days_since_activity"]) == [10.0, 181.0, 122.0]
    assert list(fr["activity_count"]) == [3.0, 0.0, 0.0]  # share + two paid orders
    # follow-up to the last record + 1 day: 2025-08-16 − 2025-07-01 = 46 days
    assert list(fr["churn_event"]) == [False, True, False]
    assert list(fr["time_days"]) == [46.0, 9.0, 46.0]
    scored = V.add_scores(fr, scorer=FiveValueScorer().fit(fr[list(VALUES)]))
    # RFM quintiles by mid-rank: a ranks top on R, F, M (5 each); b and c tie at the bottom
    # (mid-rank 1.5 of 3 -> percentile 1/3 -> quintile 2)
    assert list(scored["rfm_score"]) == [15.0, 6.0, 6.0]
    assert list(scored["spend"]) == [150.0, 0.0, 0.0]


def test_features_do_not_read_after_the_cutoff():
    contacts, events, orders = tiny()
    kw = dict(cutoff=CUT, horizon_days=30, lost_after_days=None)
    base = V.study_frame(contacts, events, orders, **kw)
    ev2 = events.copy()
    late = ev2["occurred_at"] >= CUT
    ev2.loc[late, "occurred_at"] += pd.Timedelta(days=3)
    extra = _frame(
        [
            ("a", "2025-07-01", "post"),
            ("c", "2025-07-02", "cocreation"),
            ("c", "2025-07-03", "share"),
        ],
        ["user_id", "occurred_at", "event_type"],
    )
    ev2 = pd.concat([ev2, extra], ignore_index=True)
    or2 = pd.concat(
        [orders, _frame([("o9", "c", "2025-07-01", 999.0, False, 0.0)], list(orders.columns))],
        ignore_index=True,
    )
    moved = V.study_frame(contacts, ev2, or2, **kw)
    pd.testing.assert_frame_equal(moved[FEATURES], base[FEATURES])
    assert moved["retained"].tolist() != base["retained"].tolist()  # labels did read them


def test_study_frame_row_order_irrelevant(sample_tables):
    t = sample_tables
    kw = dict(cutoff="2026-01-01", horizon_days=90)
    a = V.study_frame(t.contacts, t.events, t.orders, **kw)
    b = V.study_frame(
        t.contacts.sample(frac=1, random_state=1),
        t.events.sample(frac=1, random_state=2),
        t.orders.sample(frac=1, random_state=3),
        **kw,
    )
    pd.testing.assert_frame_equal(a, b)


def test_retention_by_decile_golden_and_ties():
    fr = pd.DataFrame(
        {
            "index": np.arange(1.0, 21.0),
            "retained": [False, False, True, False, True, True] + [True] * 14,
        }
    )
    d = V.retention_by_decile(fr, n_bins=10)
    assert list(d["bin"]) == list(range(1, 11))
    assert list(d["n"]) == [2] * 10
    assert list(d["rate"]) == [0.0, 0.5, 1.0] + [1.0] * 7
    assert d.loc[0, "lo"] == 0.0 and 0 < d.loc[0, "hi"] < 1
    m = V.monotonicity(d)
    assert m["monotonic_increasing"] and m["n_decreases"] == 0
    # ties share a bin: six zeros have mid-rank 3.5 -> bin floor(5 * 3 / 10) + 1 = 2
    tied = pd.DataFrame({"index": [0.0] * 6 + [1, 2, 3, 4], "retained": [False] * 5 + [True] * 5})
    d2 = V.retention_by_decile(tied, n_bins=5)
    assert list(d2["bin"]) == [2, 4, 5] and list(d2["n"]) == [6, 2, 2]
    shuffled = tied.sample(frac=1, random_state=0)
    pd.testing.assert_frame_equal(V.retention_by_decile(shuffled, n_bins=5), d2)


def test_cochran_armitage_golden():
    d = pd.DataFrame({"bin": [1, 2], "n": [10, 10], "n_outcome": [2, 6], "rate": [0.2, 0.6]})
    m = V.monotonicity(d)
    # T = 1(2-4) + 2(6-4) = 2; Var = .4*.6*(10 + 40 - 30^2/20) = 1.2
    assert m["trend_z"] == pytest.approx(2 / np.sqrt(1.2))


def test_survival_golden():
    fr = pd.DataFrame(
        {
            "index": [1.0, 1.0, 1.0, 1.0, 2.0, 2.0],
            "time_days": [1.0, 2.0, 3.0, 4.0, 5.0, 5.0],
            "churn_event": [True, False, True, False, False, False],
        }
    )
    km = V.survival_by_group(fr, n_groups=2)
    g1 = km.loc[km["group"] == 1].set_index("days")["survival"]
    # Kaplan–Meier: S(1) = 3/4, S(3) = 3/4 * 1/2
    assert g1[0.0] == 1.0 and g1[1.0] == 0.75 and g1[2.0] == 0.75 and g1[3.0] == 0.375
    g2 = km.loc[km["group"] == 2, "survival"]
    assert (g2 == 1.0).all()


def test_true_outcome_probability_golden():
    fr = pd.DataFrame({"user_id": ["x", "y", "z"], "cutoff": CUT})
    truth = pd.DataFrame(
        {
            "user_id": ["z", "x", "y"],
            "churn_hazard_per_day": [0.02, 0.01, 0.0],
            "left_at": [pd.Timestamp("2025-06-01", tz=TZ), pd.NaT, pd.NaT],
        }
    )
    p = checks.true_outcome_probability(fr, truth, p_hard=0.5, horizon_days=90)
    np.testing.assert_allclose(p, [1 - 0.5 * (1 - np.exp(-0.9)), 1.0, 1.0])


def test_verdict_is_computed_from_the_tables():
    a = pd.DataFrame([{"auc": 0.713, "lo": 0.69, "hi": 0.731, "ci": 0.95, "n": 4000}])
    b = pd.DataFrame(
        {
            "score": ["index", "spend", "learned"],
            "auc": [0.713, 0.63, 0.72],
            "lo": [0.69, 0.61, 0.70],
            "hi": [0.731, 0.65, 0.74],
            "diff": [0.0, 0.083, -0.007],
            "diff_lo": [0.0, 0.06, -0.02],
            "diff_hi": [0.0, 0.10, 0.004],
            "n": 4000,
        }
    )
    text = V.verdict(a, b, horizon_days=90)
    assert text.startswith("The preset index predicts 90-day retention. (AUC 0.71 [0.69, 0.73]")
    assert "Against the strongest simple baseline, spend alone, the index is better." in text
    assert "Learned weights do no better than the preset." in text
    null = V.verdict(pd.DataFrame([{"auc": 0.49, "lo": 0.48, "hi": 0.52, "ci": 0.95}]))
    assert null.startswith("The preset index does not predict retention.")
    inv = V.verdict(pd.DataFrame([{"auc": 0.45, "lo": 0.43, "hi": 0.46, "ci": 0.95}]))
    assert "opposite direction" in inv


# --- the simulator's truth ------------------------------------------------------------
@pytest.fixture(scope="module")
def worlds():
    out = {}
    for world, seed in (("effects", 11), ("null", 0), ("null", 3)):
        sim = simulate(8000, 18, seed, world=world)
        fr = V.study_frame(
            sim.contacts,
            sim.events,
            sim.orders,
            cutoff="2026-01-01",
            horizon_days=90,
            lost_after_days=60,
            followup_days=0,
        )
        fr = V.add_scores(fr, scorer=FiveValueScorer().fit(fr[list(VALUES)]))
        out[(world, seed)] = (sim, fr)
    return out


def test_effects_world_index_predicts_with_the_true_auc_inside_the_interval(worlds):
    sim, fr = worlds[("effects", 11)]
    a = V.index_auc(fr, n_boot=400)
    assert a.loc[0, "lo"] > 0.5
    assert V.verdict(a, horizon_days=90).startswith("The preset index predicts")
    # truth: each user's true probability of no hard churn in 90 days (see
    # true_outcome_probability); the index's expected AUC under it is the true effect
    q = checks.true_outcome_probability(
        fr, sim.users, p_hard=sim.params["churn"]["p_hard"], horizon_days=90
    )
    true_auc = expected_auc(q, fr["index"].to_numpy())
    h = V.index_auc(fr, outcome="no_hard_churn", n_boot=400).iloc[0]
    assert true_auc > 0.55
    assert h["lo"] <= true_auc <= h["hi"]
    # and for the headline's outcome, retained: the interval of the headline AUC holds it
    q_ret = checks.true_retention_probability(fr, sim.users, sim.params, horizon_days=90)
    truth = V.truth_result(fr, q_ret, n_boot=400).table.iloc[0]
    assert truth["outcome"] == "retained" and truth["auc"] == a.loc[0, "auc"]
    assert truth["inside"] and truth["true_auc"] > 0.55
    hr = V.hazard_ratio(fr).iloc[0]
    assert hr["hi"] < 1  # a higher index means a lower hazard of hard churn
    inc = V.incremental_validity(fr, n_boot=200).iloc[0]
    assert inc["lr_p"] < 1e-3 and inc["or_lo"] > 1


@pytest.mark.parametrize("seed", [0, 3])
def test_null_world_index_does_not_predict(worlds, seed):
    sim, fr = worlds[("null", seed)]
    a = V.index_auc(fr, n_boot=400)
    assert a.loc[0, "lo"] <= 0.5
    head = V.verdict_table(a).iloc[0]
    assert head["decision"] in ("equivalent", "inconclusive")  # never "predicts"
    # the truth: everyone has the same probability, so the true AUC is exactly 0.5
    q = checks.true_outcome_probability(
        fr, sim.users, p_hard=sim.params["churn"]["p_hard"], horizon_days=90
    )
    assert np.ptp(q) == 0
    h = V.index_auc(fr, outcome="no_hard_churn", n_boot=400).iloc[0]
    assert h["lo"] <= 0.5 <= h["hi"]
    # no baseline finds anything material either (each 95% interval alone excludes 0.5 in
    # about 1 of 20 null worlds, so with 11 scores the check is on the size of the AUC)
    b = V.baseline_comparison(fr, n_boot=200).set_index("score")
    assert (b["auc"] - 0.5).abs().max() < 0.05
    hr = V.hazard_ratio(fr).iloc[0]
    assert hr["lo"] <= 1 <= hr["hi"]


def test_baseline_comparison_and_sensitivity_shapes(worlds):
    _, fr = worlds[("effects", 11)]
    b = V.baseline_comparison(fr, n_boot=100)
    expected = {"index", "spend", "rfm", "equal", "learned", *(f"only_{v}" for v in VALUES)}
    expected |= {"recency", "activity", "tenure", "behaviour"}
    assert set(b["score"]) == expected
    idx = b.set_index("score").loc["index"]
    assert idx["diff"] == 0 and idx["diff_lo"] == 0
    assert (b["lo"] <= b["auc"]).all() and (b["auc"] <= b["hi"]).all()
    assert b.set_index("score").loc["spend", "diff_lo"] > 0  # the index beats spend here
    ws = V.weight_sensitivity(fr, n_weights=50, random_state=1)
    assert len(ws) == 52 and set(ws["draw"]) == {"random", "expansion", "equal"}
    np.testing.assert_allclose(ws[list(VALUES)].sum(axis=1), 1.0)
    pre = ws.set_index("draw").loc["expansion"]
    from analysis.studies.stats import auc

    # the histogram AUC (2^16 steps) is within 1e-4 of the exact one; exact when levels=None
    assert pre["auc"] == pytest.approx(auc(fr["retained"], fr["index"]), abs=1e-4)
    exact = V.weight_sensitivity(fr, n_weights=5, levels=None, random_state=1)
    assert exact.set_index("draw").loc["expansion", "auc"] == pytest.approx(
        auc(fr["retained"], fr["index"]), abs=1e-12
    )
    coarse = V.weight_sensitivity(fr, n_weights=5, random_state=1)
    np.testing.assert_allclose(coarse["auc"], exact["auc"], atol=1e-4)
    s = V.sensitivity_summary(ws)
    assert s["draw"].iloc[-1] == "best draw"
    assert s["auc"].iloc[-1] == ws.loc[ws["draw"] == "random", "auc"].max()


def test_rolling_origin_uses_a_fixed_calibration(sample_tables):
    t = sample_tables
    cuts = ["2025-10-01", "2026-01-01"]
    ro = V.rolling_origin(
        t.contacts, t.events, t.orders, cutoffs=cuts, n_boot=50, lost_after_days=60
    )
    assert len(ro) == 2 * 4 and ro["cutoff"].nunique() == 2
    calib = V.study_frame(t.contacts, t.events, t.orders, cutoff=cuts[0], lost_after_days=60)
    scorer = FiveValueScorer().fit(calib[list(VALUES)])
    second = V.add_scores(
        V.study_frame(t.contacts, t.events, t.orders, cutoff=cuts[1], lost_after_days=60),
        scorer=scorer,
    )
    from analysis.studies.stats import auc

    got = ro.loc[(ro["score"] == "index") & (ro["cutoff"] == ro["cutoff"].max()), "auc"].item()
    assert got == pytest.approx(auc(second["retained"], second["index"]))
    # frames already built are used instead of new reads (a changed one shows it is used)
    given = V.study_frame(t.contacts, t.events, t.orders, cutoff=cuts[1], lost_after_days=60)
    kw = dict(cutoffs=cuts, n_boot=50, lost_after_days=60)
    same = V.rolling_origin(t.contacts, t.events, t.orders, frames=[given], **kw)
    pd.testing.assert_frame_equal(same, ro)
    given["retained"] = ~given["retained"]
    flipped = V.rolling_origin(t.contacts, t.events, t.orders, frames=[given], **kw)
    last = flipped.loc[flipped["cutoff"] == flipped["cutoff"].max(), "auc"].to_numpy()
    np.testing.assert_allclose(last, 1 - ro.loc[ro["cutoff"] == ro["cutoff"].max(), "auc"])


def test_plots_draw_on_the_given_axes(worlds):
    _, fr = worlds[("effects", 11)]
    fig, axes = plt.subplots(3, 3)
    ax = axes.ravel()
    assert P.plot_deciles(V.retention_by_decile(fr), ax=ax[0]) is ax[0]
    assert P.plot_roc(V.roc_table(fr, scores=["index", "spend"]), ax=ax[1]) is ax[1]
    assert P.plot_auc_comparison(V.baseline_comparison(fr, n_boot=20), ax=ax[2]) is ax[2]
    assert P.plot_incremental(V.incremental_validity(fr, n_boot=20), ax=ax[3]) is ax[3]
    assert P.plot_weight_sensitivity(V.weight_sensitivity(fr, n_weights=30), ax=ax[4]) is ax[4]
    ro = pd.DataFrame(
        {
            "cutoff": pd.to_datetime(["2025-10-01", "2026-01-01"] * 2),
            "score": ["index", "index", "spend", "spend"],
            "auc": [0.6, 0.7, 0.55, 0.6],
            "lo": [0.55, 0.65, 0.5, 0.55],
            "hi": [0.65, 0.75, 0.6, 0.65],
        }
    )
    assert P.plot_rolling(ro, ax=ax[5]) is ax[5]
    assert P.plot_survival(V.survival_by_group(fr), ax=ax[6]) is ax[6]
    assert P.plot_weight_region(V.weight_sensitivity(fr, n_weights=30), ax=ax[7]) is ax[7]
    for a in ax[:8]:
        assert a.get_title() and a.get_xlabel() and a.get_ylabel()
    assert not ax[8].has_data()
    plt.close(fig)


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_study_frame_same_on_every_engine(sample_tables, engine):
    """The value-index study frame from tables on disk (out of core) equals the pandas one
    exactly: labels, rounded evidence sums, RFM and the follow-up to the end of the data."""
    from conftest import require_spark

    from analysis.engine.tables import DuckTables, SparkTables
    from analysis.paths import resolve

    if engine == "spark":
        require_spark()
    t = sample_tables
    kw = dict(
        cutoff="2026-01-01", horizon_days=90, lost_after_days=90, half_life_days=45, followup_days=0
    )
    expected = V.study_frame(t.contacts, t.events, t.orders, **kw)
    assert len(expected) > 1000 and expected["monetary"].gt(0).sum() > 100
    cls = DuckTables if engine == "duckdb" else SparkTables
    with cls.from_folder(resolve("data/sample")) as disk:
        got = V.study_frame(disk.contacts, disk.events, disk.orders, engine=engine, **kw)
    pd.testing.assert_frame_equal(expected, got)
    if engine == "duckdb":  # pandas frames on the SQL engine give the same
        pd.testing.assert_frame_equal(
            expected, V.study_frame(t.contacts, t.events, t.orders, engine=engine, **kw)
        )


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_study_frames_with_a_population_rule_equal_the_study_frame(sample_tables, engine):
    """One build of every outcome's frame with no population rule, then the rule in pandas,
    gives exactly the frame of study_frame with that rule (what the label sensitivity
    relies on to read the tables once)."""
    from analysis.engine.tables import DuckTables
    from analysis.paths import resolve

    t = sample_tables
    kw = dict(cutoff="2026-01-01", horizon_days=90, lookback_days=120)
    with DuckTables.from_folder(resolve("data/sample")) as disk:
        src = (
            (t.contacts, t.events, t.orders)
            if engine == "pandas"
            else (disk.contacts, disk.events, disk.orders)
        )
        wide = V.study_frames(*src, activities=("any", "purchase"), **kw)
        assert set(wide) == {"any", "purchase"}
        for activity, days in [("any", 30), ("purchase", 60), ("any", None), ("purchase", 90)]:
            got = V.population(wide[activity], days)
            expected = V.study_frame(*src, activity=activity, lost_after_days=days, **kw)
            pd.testing.assert_frame_equal(got, expected)
    assert len(V.population(wide["any"], 30)) < len(V.population(wide["any"], None))


# --- the verdict, branch by branch on hand-made tables ------------------------------------
@pytest.mark.parametrize(
    ("lo", "hi", "null", "expected"),
    [
        (0.04, 0.1, 0.0, "above"),
        (0.03, 0.1, 0.0, "inconclusive"),  # touching the margin does not clear it
        (-0.1, -0.04, 0.0, "below"),
        (-0.1, -0.03, 0.0, "inconclusive"),
        (-0.02, 0.02, 0.0, "equivalent"),
        (-0.03, 0.02, 0.0, "inconclusive"),  # both ends must lie strictly inside
        (-0.02, 0.03, 0.0, "inconclusive"),
        (-0.02, 0.05, 0.0, "inconclusive"),  # one end inside is not enough (and, not or)
        (-0.05, 0.02, 0.0, "inconclusive"),
        (-0.05, 0.05, 0.0, "inconclusive"),
        (0.54, 0.6, 0.5, "above"),
        (0.48, 0.52, 0.5, "equivalent"),
        (0.46, 0.5, 0.5, "inconclusive"),
        (0.3, 0.46, 0.5, "below"),
    ],
)
def test_decide_every_branch_at_the_margin(lo, hi, null, expected):
    assert V.decide(lo, hi, margin=0.03, null=null) == expected


def test_decide_rejects_bad_input_and_margin_zero_is_a_plain_test():
    with pytest.raises(ValueError, match="lower end above"):
        V.decide(0.2, 0.1)
    with pytest.raises(ValueError, match="margin"):
        V.decide(0.1, 0.2, margin=-0.01)
    assert V.decide(0.001, 0.2, margin=0.0) == "above"
    assert V.decide(-0.001, 0.2, margin=0.0) == "inconclusive"
    assert V.AUC_MARGIN == 0.03


def test_users_to_decide_golden():
    # half-width 0.02, 0.01 from the margin: (0.02 / 0.01)² = 4 times the users
    assert V.users_to_decide(0.04, 0.02, 0.06, 1000, margin=0.03) == 4000
    # inside the margin: 0.01 from it, half-width 0.03: 9 times
    assert V.users_to_decide(0.02, -0.01, 0.05, 1000, margin=0.03) == 9000
    assert V.users_to_decide(0.56, 0.52, 0.6, 500, margin=0.03, null=0.5) == 889  # 500·(4/3)²
    assert V.users_to_decide(0.1, 0.05, 0.15, 1000, margin=0.03) == 1000  # decided
    assert V.users_to_decide(0.03, 0.0, 0.06, 1000, margin=0.03) == float("inf")
    assert np.isnan(V.users_to_decide(0.04, 0.02, 0.06, float("nan")))


def _auc(lo, hi, auc=0.6, n=1000):
    return pd.DataFrame([{"auc": auc, "lo": lo, "hi": hi, "ci": 0.9, "n": n}])


def _baselines(**diff_ivals):
    """The index row and one row per baseline with the given (diff_lo, diff_hi)."""
    rows = [dict(score="index", auc=0.7, lo=0.68, hi=0.72, diff=0.0, diff_lo=0.0, diff_hi=0.0)]
    for name, (dlo, dhi) in diff_ivals.items():
        rows.append(
            dict(
                score=name,
                auc=0.6,
                lo=0.58,
                hi=0.62,
                diff=(dlo + dhi) / 2,
                diff_lo=dlo,
                diff_hi=dhi,
            )
        )
    return pd.DataFrame(rows).assign(n=1000)


def _incremental(diff_lo, diff_hi, lr_p=0.01):
    return pd.DataFrame(
        [
            {
                "lr_p": lr_p,
                "odds_ratio_per_sd": 1.234,
                "or_lo": 1.1,
                "or_hi": 1.4,
                "auc_without": 0.61,
                "auc_with": 0.66,
                "auc_diff": (diff_lo + diff_hi) / 2,
                "diff_lo": diff_lo,
                "diff_hi": diff_hi,
                "n": 1000,
            }
        ]
    )


@pytest.mark.parametrize(
    ("lo", "hi", "head"),
    [
        (0.54, 0.7, "The preset index predicts retention. (AUC 0.60 [0.54, 0.70], 90% bootstrap"),
        (0.53, 0.7, "Whether the preset index predicts retention is inconclusive — more data"),
        (0.48, 0.52, "The preset index does not predict retention. (AUC 0.60 [0.48, 0.52]: the"),
        (0.47, 0.52, "Whether the preset index predicts retention is inconclusive"),
        (0.3, 0.46, "The preset index ranks users in the opposite direction to retention."),
        (0.3, 0.47, "Whether the preset index predicts retention is inconclusive"),
    ],
)
def test_verdict_head_follows_the_auc_interval_against_the_margin(lo, hi, head):
    assert V.verdict(_auc(lo, hi)).startswith(head)


def test_verdict_says_how_many_users_would_decide():
    text = V.verdict(_auc(0.52, 0.6, auc=0.56, n=1000))  # half-width 0.04, 0.03 from 0.53
    assert "About 1,778 users (now 1,000) would decide it." in text
    on_margin = V.verdict(_auc(0.5, 0.56, auc=0.53, n=1000))
    assert "Even a hundred times the 1,000 users might not decide it" in on_margin
    assert "would decide" not in V.verdict(_auc(0.55, 0.7, n=1000))


@pytest.mark.parametrize(
    ("dlo", "dhi", "rel"),
    [
        (0.04, 0.2, "the index is better"),
        (0.03, 0.2, "inconclusive — more data needed"),
        (-0.02, 0.02, "the index is no different within the margin"),
        (-0.02, 0.05, "inconclusive — more data needed"),
        (-0.2, -0.03, "inconclusive — more data needed"),
        (-0.2, -0.04, "the index is worse"),
    ],
)
def test_verdict_compares_with_the_strongest_baseline_three_ways(dlo, dhi, rel):
    text = V.verdict(_auc(0.55, 0.65), _baselines(recency=(dlo, dhi)))
    assert f"Against the strongest simple baseline, days since the last activity, {rel}." in text
    assert f"days since the last activity: {rel} (AUC 0.60" in text


def test_strongest_baseline_is_the_best_simple_one():
    b = _baselines(spend=(0, 0.1), recency=(0, 0.1), learned=(0, 0.1), only_social=(0, 0.1))
    b["auc"] = [0.6, 0.62, 0.7, 0.9, 0.95]
    assert V.strongest_baseline(b) == "recency"  # learned weights and single values are not
    b.loc[b["score"] == "spend", "auc"] = 0.75
    assert V.strongest_baseline(b) == "spend"
    assert V.strongest_baseline(b.loc[b["score"].isin(["index", "learned"])]) is None
    assert set(V.SIMPLE_BASELINES) == {"spend", "rfm", "recency", "activity", "tenure", "behaviour"}


@pytest.mark.parametrize(
    ("dlo", "dhi", "sentence"),
    [
        (-0.08, -0.04, "Learned weights beat the preset: **the preset's weights are wrong**"),
        (-0.08, -0.03, "Whether learned weights beat the preset is inconclusive"),
        (-0.02, 0.02, "Learned weights do no better than the preset."),
        (0.04, 0.08, "The preset beats weights learned from the data."),
        (0.03, 0.08, "Whether learned weights beat the preset is inconclusive"),
    ],
)
def test_verdict_says_when_learned_weights_show_the_preset_wrong(dlo, dhi, sentence):
    text = V.verdict(_auc(0.55, 0.65), _baselines(learned=(dlo, dhi)))
    assert sentence in text
    gain = f"(Learned − preset = {-(dlo + dhi) / 2:.2f}".replace("-", "−")
    assert gain.replace("−0.00", "0.00") in text  # no negative zero


@pytest.mark.parametrize(
    ("dlo", "dhi", "adds"),
    [
        (0.04, 0.08, "the index adds information."),
        (0.03, 0.08, "the index may or may not add — inconclusive, more data needed."),
        (-0.01, 0.02, "the index adds nothing that matters."),
        (-0.01, 0.04, "the index may or may not add — inconclusive"),
        (-0.08, -0.04, "the index adds nothing (the model does worse with it)."),
    ],
)
def test_verdict_incremental_three_ways(dlo, dhi, adds):
    text = V.verdict(_auc(0.55, 0.65), incremental=_incremental(dlo, dhi, lr_p=1e-9))
    head = "Beyond what the brand already knows (RFM, days since the last activity, activity "
    assert head + "count, tenure and channel) " + adds in text


def test_verdict_golden_sentence_with_every_part():
    b = _baselines(spend=(0.05, 0.15), equal=(-0.02, 0.02), learned=(-0.08, -0.04))
    singles = pd.DataFrame(
        {
            "score": ["only_social", "only_content"],
            "auc": [0.58, 0.64],
            "lo": [0.5, 0.6],
            "hi": [0.6, 0.7],
            "diff": [0.1, 0.1],
            "diff_lo": [0.0, 0.0],
            "diff_hi": [0.2, 0.2],
            "n": 1000,
        }
    )
    text = V.verdict(
        _auc(0.55, 0.65, auc=0.604),
        pd.concat([b, singles], ignore_index=True),
        _incremental(0.01, 0.02, lr_p=0.0123),
        horizon_days=30,
        label="my index",
    )
    assert text == (
        "My index predicts 30-day retention. (AUC 0.60 [0.55, 0.65], 90% bootstrap interval, "
        "clear of chance by more than the margin: above 0.53.) "
        "Against the strongest simple baseline, spend alone, the index is better. (Its AUC "
        "0.60 [0.58, 0.62]; index − it = 0.10 [0.05, 0.15], margin ±0.03.) "
        "On the same users: spend alone: the index is better (AUC 0.60; index − it = 0.10 "
        "[0.05, 0.15]); equal weights: the index is no different within the margin (AUC 0.60; "
        "index − it = 0.00 [−0.02, 0.02]); the best single value is content with AUC 0.64. "
        "Learned weights beat the preset: **the preset's weights are wrong** for these users. "
        "(Learned − preset = 0.06 [0.04, 0.08] AUC, out of fold.) "
        "Beyond what the brand already knows (RFM, days since the last activity, activity "
        "count, tenure and channel) the index adds nothing that matters. (Out-of-fold AUC "
        "0.61 → 0.66, difference +0.015 [+0.010, +0.020]; likelihood-ratio p = 0.012; odds "
        "ratio per SD 1.23 [1.10, 1.40].) "
        "The smallest AUC difference that matters is taken as 0.03: smaller differences "
        "count as none."
    )
    # the margin is a parameter: at 0.005 the same incremental interval "adds"
    assert "the index adds information." in V.verdict(
        _auc(0.55, 0.65), incremental=_incremental(0.01, 0.02), margin=0.005
    )


def test_verdict_in_chinese_keeps_the_label_and_the_parts():
    text = V.verdict(
        _auc(0.48, 0.52),
        _baselines(rfm=(-0.3, -0.1)),
        _incremental(-0.01, 0.01, lr_p=0.5),
        horizon_days=90,
        lang="zh",
    )
    assert text == (
        "预设指数不能预测用户 90 天后是否留存："
        "AUC 0.60（区间 [0.48, 0.52]）"
        "整个落在 0.47–0.53 之内，离随机水平的距离小于任何有意义的差距。"
        "与最强的简单基准——RFM 评分——相比，指数不如它："
        "它的 AUC 为 0.60（区间 [0.58, 0.62]），"
        "指数减去它的 AUC 为 −0.20（区间 [−0.30, −0.10]），"
        "最小有意义差距为 ±0.03。在同一批用户上逐一比较——RFM 评分："
        "指数不如它（它的 AUC 为 0.60，指数减去它为 −0.20，"
        "区间 [−0.30, −0.10]）。"
        "在品牌已掌握的信息（RFM、距上次活跃天数、活跃次数、加入时长和渠道）之外，"
        "指数没有提供有意义的额外信息：在没参与训练的用户上，"
        "AUC 从 0.61 变为 0.66，"
        "差值 +0.000（区间 -0.010 至 +0.010）；"
        "似然比检验 p = 0.5；指数每高一个标准差，"
        "留存几率变为 1.23 倍（区间 [1.10, 1.40]）。"
        "最小有意义的 AUC 差距取 0.03：更小的差距视为没有差别。"
    )


def test_verdict_skips_missing_baselines_and_empty_tables():
    tail = " The smallest AUC difference that matters is taken as 0.03"
    head = V.verdict(_auc(0.55, 0.65))
    assert head.startswith("The preset index predicts") and tail in head
    text = V.verdict(_auc(0.55, 0.65), _baselines(learned=(0.01, 0.02)))
    assert "strongest simple baseline" not in text  # learned weights are not a simple one
    assert "the RFM score" not in text
    # no baseline but the index itself, and empty tables: only the head
    assert V.verdict(_auc(0.55, 0.65), _baselines()) == head
    assert V.verdict(_auc(0.55, 0.65), _baselines().iloc[:0], _incremental(0, 0)[:0]) == head


def test_verdict_table_holds_every_claim():
    t = V.verdict_table(
        _auc(0.55, 0.65),
        _baselines(spend=(0.05, 0.1), learned=(-0.1, -0.05)),
        _incremental(0, 0.02),
    )
    assert t["claim"].tolist() == [
        "predicts",
        "strongest",
        "vs_spend",
        "vs_learned",
        "learned",
        "incremental",
    ]
    assert t["decision"].tolist() == ["above", "above", "above", "below", "below", "equivalent"]
    assert t.loc[0, "null"] == 0.5 and (t["null"].iloc[1:] == 0).all()


# --- deciles, trend and the weight-sensitivity summary on hand-made tables ------------------
def test_monotonicity_golden_with_one_decrease():
    # bins given out of order; rates .2, .5, .4 (one decrease)
    d = pd.DataFrame({"bin": [3, 1, 2], "n": [10, 10, 10], "n_outcome": [4, 2, 5]})
    d["rate"] = d["n_outcome"] / d["n"]
    m = V.monotonicity(d)
    # Spearman: ranks (1, 2, 3) against (1, 3, 2): 1 - 6 * 2 / (3 * 8) = 0.5
    assert m["spearman_rho"] == pytest.approx(0.5)
    assert m["n_decreases"] == 1 and not m["monotonic_increasing"]
    # Cochran–Armitage: pbar = 11/30, T = 1(2 - 11/3) + 2(5 - 11/3) + 3(4 - 11/3) = 2,
    # Var = pbar (1 - pbar) (10 (1 + 4 + 9) - 60^2 / 30) = 209/900 * 20
    z = 2 / np.sqrt(209 / 900 * 20)
    assert m["trend_z"] == pytest.approx(z)
    from scipy.stats import norm

    assert m["trend_p"] == pytest.approx(2 * norm.sf(z))
    assert (m["rate_lowest"], m["rate_highest"]) == (0.2, 0.4)
    assert m.index.tolist() == [
        *("spearman_rho", "n_decreases", "monotonic_increasing", "trend_z", "trend_p"),
        *("rate_lowest", "rate_highest"),
    ]


def test_monotonicity_decreasing_two_bins_and_no_variation():
    d = pd.DataFrame({"bin": [1, 2], "n": [10, 10], "n_outcome": [6, 2], "rate": [0.6, 0.2]})
    m = V.monotonicity(d)
    assert np.isnan(m["spearman_rho"])  # two bins: no rank correlation
    assert m["n_decreases"] == 1 and m["trend_z"] == pytest.approx(-2 / np.sqrt(1.2))
    flat = pd.DataFrame({"bin": [1, 2], "n": [5, 5], "n_outcome": [0, 0], "rate": [0.0, 0.0]})
    m = V.monotonicity(flat)
    assert np.isnan(m["trend_z"]) and np.isnan(m["trend_p"])  # no outcome: no trend test
    assert m["n_decreases"] == 0 and m["monotonic_increasing"]
    equal = pd.DataFrame({"bin": [1, 2], "n": [4, 4], "n_outcome": [2, 2], "rate": [0.5, 0.5]})
    m = V.monotonicity(equal)
    assert m["trend_z"] == 0.0 and m["trend_p"] == 1.0
    # a small variance (below 1) is still a variance: pbar = 1/4, Var = 3/16 (10 - 36/4)
    small = pd.DataFrame({"bin": [1, 2], "n": [2, 2], "n_outcome": [0, 1], "rate": [0.0, 0.5]})
    assert V.monotonicity(small)["trend_z"] == pytest.approx(0.5 / np.sqrt(3 / 16))


def test_retention_by_decile_columns_interval_and_errors():
    fr = pd.DataFrame({"s": [5.0, 1.0, 3.0, 2.0, 4.0, 6.0], "y": [1, 0, 1, 0, 0, 1]})
    d = V.retention_by_decile(fr, score="s", outcome="y", n_bins=3, ci=0.9)
    assert d.columns.tolist() == [
        *("score", "outcome", "bin", "n", "n_outcome", "rate", "lo", "hi"),
        *("score_min", "score_max", "score_mean"),
    ]
    assert (d["score"] == "s").all() and (d["outcome"] == "y").all()
    # scores 1-2 | 3-4 | 5-6; outcomes 0,0 | 1,0 | 1,1
    assert d["n_outcome"].tolist() == [0, 1, 2] and d["rate"].tolist() == [0.0, 0.5, 1.0]
    assert d["score_min"].tolist() == [1.0, 3.0, 5.0]
    assert d["score_max"].tolist() == [2.0, 4.0, 6.0]
    assert d["score_mean"].tolist() == [1.5, 3.5, 5.5]
    from analysis.studies.stats import wilson_interval

    lo, hi = wilson_interval([0, 1, 2], [2, 2, 2], ci=0.9)
    np.testing.assert_allclose(d["lo"], lo)
    np.testing.assert_allclose(d["hi"], hi)
    with pytest.raises(ValueError, match="n_bins must be at least 2"):
        V.retention_by_decile(fr, score="s", outcome="y", n_bins=1)
    assert V.retention_by_decile(fr, score="s", outcome="y", n_bins=2)["n"].tolist() == [3, 3]
    assert [d[c].dtype.kind for c in ("bin", "n", "n_outcome")] == ["i", "i", "i"]
    twenty = pd.DataFrame({"index": np.arange(20.0), "retained": [True, False] * 10})
    assert V.retention_by_decile(twenty)["n"].tolist() == [2] * 10  # deciles by default
    one = V.retention_by_decile(fr.iloc[:1], score="s", outcome="y", n_bins=4)
    assert one[["bin", "n", "n_outcome"]].to_numpy().tolist() == [[3, 1, 1]]  # mid-rank 1/2
    with pytest.raises(ValueError, match="^the frame is empty$"):
        V.retention_by_decile(fr.iloc[:0], score="s", outcome="y")
    with pytest.raises(ValueError, match="outcome column 'z' not in the frame"):
        V.retention_by_decile(fr, score="s", outcome="z")


def _draws(aucs, presets):
    """A weight_sensitivity-like table: random draws with the given AUCs (weights one-hot on
    the draw's position mod 5), then presets as (name, auc, percentile)."""
    rows = []
    for i, a in enumerate(aucs):
        w = [1.0 if j == i % 5 else 0.0 for j in range(5)]
        rows.append(["random", *w, a, np.nan])
    for name, a, pct in presets:
        rows.append([name, 0.2, 0.2, 0.2, 0.2, 0.2, a, pct])
    return pd.DataFrame(rows, columns=["draw", *VALUES, "auc", "percentile"]).assign(n=100)


def test_sensitivity_summary_golden():
    aucs = [0.60, 0.70, 0.65, 0.55, 0.50, 0.62, 0.58, 0.52, 0.66, 0.54]
    table = _draws(aucs, [("expansion", 0.64, 0.7), ("equal", 0.61, 0.5)])
    s = V.sensitivity_summary(table, top_share=0.2)
    assert s.columns.tolist() == [
        *("draw", *VALUES, "auc", "percentile"),
        *("auc_random_median", "auc_random_min", "auc_random_max"),
    ]
    assert s.index.tolist() == [0, 1, 2, 3]
    assert s["draw"].tolist() == [
        *("expansion", "equal", "best region (top 20% mean)", "best draw")
    ]
    assert s["auc"].tolist() == pytest.approx([0.64, 0.61, (0.70 + 0.66) / 2, 0.70])
    assert s["percentile"].iloc[:2].tolist() == [0.7, 0.5] and np.isnan(s["percentile"].iloc[2])
    # the top 2 of 10 draws are draws 1 and 8: weight on values 1 and 3, half each
    region = s.iloc[2][list(VALUES)].tolist()
    assert region == [0.0, 0.5, 0.0, 0.5, 0.0]
    assert s.iloc[3][list(VALUES)].tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    np.testing.assert_allclose(s["auc_random_median"], np.median(aucs))
    assert (s["auc_random_min"] == 0.50).all() and (s["auc_random_max"] == 0.70).all()
    # the top share rounds to at least one draw
    one = V.sensitivity_summary(table, top_share=0.01)
    assert one["draw"].iloc[2] == "best region (top 1% mean)"
    assert one["auc"].iloc[2] == 0.70
    assert V.sensitivity_summary(table)["auc"].iloc[2] == 0.70  # default 5% of 10: one draw
    three = V.sensitivity_summary(table, top_share=0.25)  # 2.5 draws round to 2
    assert three["auc"].iloc[2] == pytest.approx((0.70 + 0.66) / 2)


def test_incremental_validity_reports_the_two_logits_and_the_paired_auc():
    """On a small synthetic frame: the table's numbers are those of the two statsmodels
    logits (controls; controls + standardised score) and of the paired bootstrap."""
    import statsmodels.api as sm
    from scipy.stats import chi2

    from analysis.studies.validity.frame import control_matrix

    rng = np.random.default_rng(3)
    n = 240
    fr = pd.DataFrame(
        {
            "recency_days": np.where(rng.random(n) < 0.3, np.nan, rng.uniform(1, 90, n)),
            "frequency": rng.integers(0, 5, n).astype(float),
            "monetary": rng.gamma(2.0, 50.0, n),
            "tenure_days": rng.uniform(10, 400, n),
            "channel": rng.choice(["douyin", "partner", "referral"], n),
            "index": rng.normal(size=n),
        }
    )
    fr["retained"] = rng.random(n) < 1 / (1 + np.exp(-(0.8 * fr["index"] - 0.2)))
    got = V.incremental_validity(fr, n_boot=30, ci=0.9, random_state=1).iloc[0]
    X = control_matrix(fr).to_numpy()
    z = (fr["index"] - fr["index"].mean()) / fr["index"].std(ddof=0)
    y = fr["retained"].astype(float)
    base = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton")
    full = sm.Logit(y, np.column_stack([np.ones(n), X, z])).fit(disp=0, method="newton")
    lr = 2 * (full.llf - base.llf)
    assert got["lr_stat"] == pytest.approx(lr) and got["lr_df"] == 1
    assert got["lr_p"] == pytest.approx(chi2.sf(lr, 1))
    beta = np.asarray(full.params)[-1]
    lo, hi = np.asarray(full.conf_int(alpha=0.1))[-1]
    assert got["odds_ratio_per_sd"] == pytest.approx(np.exp(beta))
    assert (got["or_lo"], got["or_hi"]) == pytest.approx((np.exp(lo), np.exp(hi)))
    assert got["or_lo"] < got["odds_ratio_per_sd"] < got["or_hi"]
    assert got["controls"] == ", ".join(control_matrix(fr).columns)
    assert got["controls"].endswith("channel_partner, channel_referral")
    assert (got["score"], got["outcome"], got["n"], got["n_boot"], got["ci"]) == (
        *("index", "retained", n, 30, 0.9),
    )
    # the AUC difference is with − without, as the paired bootstrap reads it
    assert got["auc_diff"] == pytest.approx(got["auc_with"] - got["auc_without"])
    assert got["diff_lo"] <= got["auc_diff"] <= got["diff_hi"]
    assert got["auc_with"] > got["auc_without"]
    assert got["lr_p"] < 0.01 and got["or_lo"] > 1
    # a narrower interval at a lower level
    half = V.incremental_validity(fr, n_boot=30, ci=0.5, random_state=1).iloc[0]
    assert got["or_lo"] < half["or_lo"] < half["or_hi"] < got["or_hi"]
    assert half["diff_hi"] - half["diff_lo"] < got["diff_hi"] - got["diff_lo"]
    assert half["lr_stat"] == got["lr_stat"]
    # the folds and the bootstrap follow random_state; n_boot replicates are drawn
    again = V.incremental_validity(fr, n_boot=30, ci=0.9, random_state=1).iloc[0]
    pd.testing.assert_series_equal(again, got)
    one = V.incremental_validity(fr, n_boot=1, random_state=1).iloc[0]
    assert one["diff_lo"] == one["diff_hi"] and one["ci"] == 0.95
    assert (one["auc_with"], one["auc_without"]) == (got["auc_with"], got["auc_without"])


def test_verdict_in_chinese_every_sentence():
    b = _baselines(equal=(0.01, 0.03), learned=(-0.08, -0.04))
    text = V.verdict(_auc(0.55, 0.65), b, lang="zh")
    assert text == (
        "预设指数能预测用户是否留存："
        "AUC 0.60（90% 区间 [0.55, 0.65]），"
        "整个区间都高于 0.53，比随机水平高出的幅度超过了最小有意义差距。"
        "在同一批用户上逐一比较——等权重：尚无定论——"
        "需要更多数据（它的 AUC 为 0.60，指数减去它为 0.02，"
        "区间 [0.01, 0.03]）。从数据学出的权重胜过预设："
        "**预设权重不适合这批用户**（学出的权重减预设权重 = 0.06 AUC，"
        "区间 [0.04, 0.08]，在没参与训练的用户上检验）。"
        "最小有意义的 AUC 差距取 0.03：更小的差距视为没有差别。"
    )
    assert V.verdict(_auc(0.3, 0.45), horizon_days=30, lang="zh").startswith(
        "预设指数的排序与用户 30 天后是否留存方向相反：AUC 0.60（区间 [0.30, 0.45]），低于 0.47。"
    )
    assert "约需 1,778 位用户（现有 1,000 位）才能定论。" in V.verdict(
        _auc(0.52, 0.6, auc=0.56), lang="zh"
    )


def test_out_of_fold_models_are_fitted_on_the_stated_sample(worlds):
    _, fr = worlds[("effects", 11)]
    n = len(fr)
    full = V.baseline_scores(fr, cv=5, random_state=0)
    same = V.baseline_scores(fr, cv=5, random_state=0, fit_sample=n)  # no fold is larger
    small = V.baseline_scores(fr, cv=5, random_state=0, fit_sample=500)
    assert same["learned"].equals(full["learned"])
    # every user still scored out of fold, by a model that saw 500 users: not the same scores
    for c in ("learned", "behaviour"):
        assert np.isfinite(small[c]).all()
        assert not np.allclose(small[c], full[c])
        assert np.corrcoef(small[c], full[c])[0, 1] > 0.8
    r = V.baseline_result(fr, n_boot=20, cv=5, random_state=4, fit_sample=500)
    s = r.fit_sample
    assert (s.n_fit, s.seed, s.sampled) == (500, 4, True) and 0.79 * n < s.n_all < 0.81 * n
    assert f"fitted on 500 of {s.n_all:,} users, drawn at random with seed 4" in r.reading("en")
    assert f"从 {s.n_all:,} 位用户中随机抽取 500 人拟合（随机种子 4）" in r.reading("zh")
    inc = V.incremental_result(fr, n_boot=20, cv=5, random_state=4, fit_sample=500)
    assert "drawn at random with seed 4" in inc.reading("en")
    assert "drawn at random" not in V.incremental_result(fr, n_boot=20).reading("en")


def test_control_matrix_drops_repeated_columns():
    from analysis.studies.validity.frame import control_matrix

    rng = np.random.default_rng(5)
    n = 300
    fr = pd.DataFrame(
        {
            "recency_days": np.where(rng.random(n) < 0.4, np.nan, rng.uniform(1, 90, n)),
            "frequency": rng.integers(0, 5, n).astype(float),
            "monetary": rng.gamma(2.0, 50.0, n),
            "tenure_days": rng.uniform(10, 400, n),
            "days_since_activity": rng.integers(0, 60, n).astype(float),
            "channel": rng.choice(["douyin", "partner", "referral"], n),
        }
    )
    fr["activity_count"] = fr["frequency"]  # as with activity="purchase": a repeat
    X = control_matrix(fr)
    assert list(X.columns) == [
        "log_recency",
        "never_bought",
        "log_frequency",
        "log_monetary",
        "log_tenure",
        "log_days_since_activity",
        "channel_partner",
        "channel_referral",
    ]
    full = control_matrix(fr.assign(activity_count=fr["frequency"] + 1))
    assert "log_activity_count" in full.columns
