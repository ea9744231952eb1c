"""The churn early warning as of the data's end: windows, who is on the list, honest model
choice, early-warning features, importance over users, reasons in words and next steps."""

import numpy as np
import pandas as pd
import pytest

from analysis.data.validate import validate_tables
from analysis.engine.core import fresh_index
from analysis.i18n import tr
from analysis.i18n.features import REASON_LABELS
from analysis.paths import resolve
from analysis.studies import churn as ch
from analysis.studies import churn_asof as ca
from analysis.studies import churn_asof_results as car
from analysis.studies import churn_list as cl

DEF = ch.ChurnDefinition(horizon_days=90, lost_after_days=90)


@pytest.fixture(scope="module")
def sample():
    from analysis.data.load import load_tables

    return load_tables(resolve("data/sample"))


def _as_of(sample, **kw):
    """The design on the sample as the tests run it (``kw``: other arguments)."""
    return ca.churn_as_of(
        sample.contacts,
        sample.events,
        sample.orders,
        definition=DEF,
        n_boot=20,
        n_threads=1,
        vocabulary=sample.vocabulary,
        **kw,
    )


@pytest.fixture(scope="module")
def sample_res(sample):
    return _as_of(sample)


# --------------------------------------------------------------------------- who is listed
def _population_tables():
    contacts = pd.DataFrame(
        {
            "user_id": ["active", "deleted", "readded", "silent", "recent"],
            "joined_at": ["2025-01-01"] * 4 + ["2025-06-25"],
            "channel": ["douyin"] * 5,
            "hook": ["coupon"] * 5,
            "referrer_id": [None] * 5,
        }
    )
    rows = [
        ("active", "2025-06-20", "message"),
        ("deleted", "2025-06-10", "message"),
        ("deleted", "2025-06-15", "del_follow_user"),
        ("readded", "2025-05-01", "del_follow_user"),
        ("readded", "2025-05-10", "contact_add"),
        ("readded", "2025-06-01", "read"),
        ("silent", "2025-02-01", "message"),  # 150 days before the as-of date
    ]
    events = pd.DataFrame(rows, columns=["user_id", "occurred_at", "event_type"])
    orders = pd.DataFrame(
        {
            "order_id": ["o1"],
            "user_id": ["active"],
            "ordered_at": ["2025-06-28"],
            "amount": [20.0],
            "is_refund": [False],
            "refund_amount": [0.0],
        }
    )
    t = validate_tables(contacts, events, orders)
    return t.contacts, t.events, t.orders


def test_current_population_leaves_out_who_had_left_by_the_as_of_date():
    contacts, events, orders = _population_tables()
    cur = ca.current_population(contacts, events, orders, as_of="2025-07-01", definition=DEF)
    # deleted: hard churn not undone; silent: no activity in the 90 days before the as-of date
    assert list(cur.index) == ["active", "readded", "recent"]
    assert cur.loc["active", "last_activity_at"] == pd.Timestamp("2025-06-28", tz="Asia/Shanghai")
    # without the silence rule the silent user is still a customer
    keep = ch.ChurnDefinition(horizon_days=90, lost_after_days=None)
    cur2 = ca.current_population(contacts, events, orders, as_of="2025-07-01", definition=keep)
    assert "silent" in cur2.index and "deleted" not in cur2.index


def test_windows_are_one_horizon_apart_and_end_at_the_data_end(sample, sample_res):
    w = sample_res.windows
    end = ca.data_end(sample.events, sample.orders)
    assert w.as_of == end == pd.Timestamp("2026-07-01", tz="Asia/Shanghai")
    h = pd.Timedelta(days=90)
    assert (w.test, w.validation, w.train) == (end - h, end - 2 * h, end - 3 * h)
    # the test label window is the latest the data covers; the list is scored as of the end
    assert sample_res.frames["current"].index.isin(sample_res.current_risk.index).all()


def test_the_list_never_holds_a_user_who_had_left_by_its_date(sample, sample_res):
    table, summary = cl.at_risk_as_of(sample_res, sample.contacts, sample.orders, top_n=10_000)
    listed = set(table.index)
    assert len(listed) == len(sample_res.current) == int(summary["users"].sum())
    e = sample_res.windows.as_of
    ev = sample.events.loc[sample.events["occurred_at"] < e]
    voc = sample.vocabulary
    last_del = ev.loc[ev["event_type"].isin(voc.churn_types)].groupby("user_id")["occurred_at"]
    last_add = ev.loc[ev["event_type"].isin(voc.of_stage("access"))].groupby("user_id")[
        "occurred_at"
    ]
    d, a = last_del.max(), last_add.max().reindex(last_del.max().index)
    gone_hard = set(d.index[~(a > d).to_numpy()])
    assert gone_hard and not (listed & gone_hard)
    # silent past lost_after_days: no interaction or paid order in the 90 days before e
    act = ev.loc[ev["event_type"].isin(voc.interaction_types), ["user_id", "occurred_at"]]
    paid = sample.orders.loc[
        (sample.orders["amount"] - sample.orders["refund_amount"] > 0)
        & (sample.orders["ordered_at"] < e),
        ["user_id", "ordered_at"],
    ].rename(columns={"ordered_at": "occurred_at"})
    last = pd.concat([act, paid]).groupby("user_id")["occurred_at"].max()
    old = sample.contacts.set_index("user_id")["joined_at"] < e - pd.Timedelta(days=90)
    quiet = {u for u in old.index[old] if not (last.get(u, pd.NaT) >= e - pd.Timedelta(days=90))}
    assert quiet and not (listed & quiet)


def test_list_columns_tiers_and_summary(sample, sample_res):
    table, summary = cl.at_risk_as_of(sample_res, sample.contacts, sample.orders, top_n=50)
    assert list(table.columns[:12]) == [
        "pseudo_id",
        "rank",
        "risk_pct",
        "risk_tier",
        "channel",
        "hook",
        "value_tier",
        "owner",
        "days_since_last_interaction",
        "last_order_date",
        "last_order_amount",
        "already_leaving",
    ]
    assert {"reason_1", "next_step_1", "reason_2", "next_step_2"} <= set(table.columns)
    assert table["pseudo_id"].str.match(r"^p[0-9a-f]{12}$").all()
    assert not table["pseudo_id"].isin(sample.contacts["user_id"]).any()
    assert table["risk_pct"].between(0, 100).all()
    assert list(summary["risk_tier"]) == list(cl.RISK_TIERS)
    # expected churners per tier are the sums of the risks
    risk = sample_res.current_risk
    assert summary["expected_churners"].sum() == pytest.approx(risk.sum(), abs=0.2)
    assert int(summary["on_list"].sum()) == 50
    # the last order is the last paid order before the as-of date
    u = table.index[table["last_order_date"] != ""][0]
    o = sample.orders.loc[
        (sample.orders["user_id"] == u)
        & (sample.orders["ordered_at"] < sample_res.windows.as_of)
        & (sample.orders["amount"] > sample.orders["refund_amount"])
    ]
    assert table.loc[u, "last_order_date"] == o["ordered_at"].max().date().isoformat()


def test_risk_tiers_golden():
    t = cl.risk_tier([0.0, 0.19, 0.2, 0.49, 0.5, 1.0], cuts=(0.2, 0.5))
    assert list(t) == ["low risk", "low risk", "medium risk", "medium risk", "high risk"] + [
        "high risk"
    ]
    with pytest.raises(ValueError, match="risk cuts"):
        cl.risk_tier([0.1], cuts=(0.5, 0.2))


# --------------------------------------------------------------------------- honest choice
def test_model_choice_never_reads_the_test_window(sample, sample_res):
    """Flip the test labels (drop every interaction and order in the test label window for
    half the users, keep the data's end): the chosen model, its validation scores and its
    calibration do not move; the test scores do."""
    w = sample_res.windows
    ev, od = sample.events, sample.orders
    rng = np.random.default_rng(1)
    users = sample.contacts["user_id"]
    half = set(users[rng.random(len(users)) < 0.5])
    in_test = (ev["occurred_at"] >= w.test) & ev["user_id"].isin(half)
    keep_end = ev["occurred_at"] == ev["occurred_at"].max()  # the data's end stays put
    ev2 = ev.loc[~in_test | keep_end]
    od2 = od.loc[~((od["ordered_at"] >= w.test) & od["user_id"].isin(half))]
    res2 = ca.churn_as_of(
        sample.contacts,
        ev2,
        od2,
        as_of=w.as_of,
        definition=DEF,
        n_boot=20,
        n_threads=1,
        vocabulary=sample.vocabulary,
    )
    assert not res2.frames["test"]["churned"].equals(sample_res.frames["test"]["churned"])
    assert res2.choice.chosen == sample_res.choice.chosen
    pd.testing.assert_frame_equal(
        res2.choice.validation_metrics, sample_res.choice.validation_metrics
    )
    val = sample_res.frames["validation"][ch.EARLY_FEATURES]
    np.testing.assert_array_equal(
        res2.choice.calibrated.predict_proba(val), sample_res.choice.calibrated.predict_proba(val)
    )
    a = res2.test_metrics.set_index(["score", "metric"])["estimate"]
    b = sample_res.test_metrics.set_index(["score", "metric"])["estimate"]
    assert not np.isclose(a[(res2.choice.chosen, "roc_auc")], b[(res2.choice.chosen, "roc_auc")])


def test_early_warning_models_do_not_read_departure_features(sample_res):
    for m in [*sample_res.choice.models.values(), sample_res.deployed]:
        feats = ch.model_features(m)
        assert not set(ch.DEPARTURE_FEATURES) & set(feats)
        assert set(feats) == set(ch.EARLY_FEATURES)
    dep = car.departures_result(sample_res)
    t = dep.table.set_index(["score", "metric"])
    assert t.loc[(ca.WITH_DEPARTURES, "roc_auc"), "gap"] == pytest.approx(
        t.loc[(ca.WITH_DEPARTURES, "roc_auc"), "estimate"]
        - t.loc[(ca.EARLY, "roc_auc"), "estimate"]
    )
    assert 0 < dep.share_early <= 1.2
    assert "early warning" in dep.reading("en")


def test_test_window_scores_come_from_the_calibrated_choice(sample_res):
    test = sample_res.frames["test"]
    p = sample_res.choice.calibrated.predict_proba(test[ch.EARLY_FEATURES])[:, 1]
    np.testing.assert_array_equal(sample_res.test_predictions[sample_res.choice.chosen], p)
    tested = car.tested_result(sample_res)
    assert tested.base_rate == pytest.approx(test["churned"].mean())
    assert f"{tested.users:,} users" in tested.reading("en")


def test_each_window_is_scored_once_with_the_numbers_of_scoring_it_again(sample_res):
    """The design scores each model on each window once and reuses the scores: a model's
    probability is the expit of its decision function (both kinds), and the calibration
    learned from the decision values already computed is scikit-learn's calibration of the
    frozen model fitted on those users (the same probabilities)."""
    from scipy.special import expit
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    val, test = sample_res.frames["validation"], sample_res.frames["test"]
    for m in [*sample_res.choice.models.values(), sample_res.choice.calibrated.model]:
        X = test[ch.model_features(m)]
        np.testing.assert_array_equal(m.predict_proba(X)[:, 1], expit(m.decision_function(X)))
    early = sample_res.choice.models[sample_res.choice.chosen]
    ref = CalibratedClassifierCV(FrozenEstimator(early), method="sigmoid", ensemble=False)
    ref.fit(val[ch.EARLY_FEATURES], val["churned"].to_numpy())
    mine = ca.Calibrated(
        early, ch.churn_decision(early, val, ch.EARLY_FEATURES), val["churned"].to_numpy()
    )
    for frame in (val, test):
        X = frame[ch.EARLY_FEATURES]
        np.testing.assert_allclose(mine.predict_proba(X), ref.predict_proba(X), rtol=1e-12)
    assert sample_res.choice.calibrated.model is early
    np.testing.assert_array_equal(
        sample_res.choice.calibrated.predict_proba(test[ch.EARLY_FEATURES]),
        mine.predict_proba(test[ch.EARLY_FEATURES]),
    )
    # the departure comparison reads the same early-warning model's scores, uncalibrated
    from analysis.studies.stats import auc

    got = sample_res.departure_metrics.set_index(["score", "metric"])["estimate"]
    p_early = early.predict_proba(test[ch.EARLY_FEATURES])[:, 1]
    assert got[(ca.EARLY, "roc_auc")] == pytest.approx(auc(test["churned"], p_early), abs=1e-12)
    assert got[(ca.EARLY, "brier")] == pytest.approx(
        np.mean((p_early - test["churned"].to_numpy()) ** 2), abs=1e-12
    )


def test_frames_let_go_after_the_class_balance(sample, sample_res):
    """keep_frames: the result holds only those windows' frames; the class balance (which
    reads the validation window too) is the one of all frames, and so is everything else."""
    res = _as_of(sample, keep_frames=("train", "test", "current"))
    assert sorted(res.frames) == ["current", "test", "train"]
    assert sorted(sample_res.frames) == ["current", "test", "train", "validation"]
    full = ch.class_balance_table(
        {n: (sample_res.frames[n], getattr(sample_res.windows, n)) for n in ca.LABELLED}
    )
    assert full["users"].nunique() == 3  # three windows of different sizes
    pd.testing.assert_frame_equal(res.class_balance(), full)
    pd.testing.assert_frame_equal(sample_res.class_balance(), full)
    pd.testing.assert_series_equal(res.current_risk, sample_res.current_risk)


def test_kept_frames_hold_no_lookup_table(sample):
    """pandas keeps the lookup table of an index once a reindex or is_unique built it (for
    text ids a Python object per user, ~320 MB a window at 5M contacts); the frames a report
    keeps for its later cells come without one (``_cache`` is pandas' own, looked at here
    only), and so do the test predictions."""
    res = _as_of(sample)  # (its own: other tests look things up in the shared result)
    kept = [*res.frames.values(), res.test_predictions]
    assert len(kept) == 5 and all("_engine" not in f.index._cache for f in kept)
    test = res.frames["test"]
    test.index.get_indexer(test.index[:3])  # a lookup builds it ...
    assert "_engine" in test.index._cache
    fresh = fresh_index(test.index)  # ... and a fresh copy of the same ids has none
    assert "_engine" not in fresh._cache and fresh.name == test.index.name
    assert fresh.array._pa_array is test.index.array._pa_array  # the ids are not copied
    pd.testing.assert_index_equal(fresh, test.index)


def test_scores_in_blocks_equal_one_call(sample_res, monkeypatch):
    """Every model of the design scores users a block at a time (the memory of a block, not
    of millions of users): blocks of 97 users give the scores of one call (to the last bit,
    which SIMD rounding may move at a block's end: seen 18 of 4,098 users, 6e-16 relative)."""
    test, current = sample_res.frames["test"], sample_res.frames["current"]
    models = [sample_res.choice.calibrated, sample_res.deployed, *sample_res.choice.models.values()]
    whole = [m.predict_proba(test[ch.model_features(m)])[:, 1] for m in models]
    now = sample_res.deployed.predict_proba(current[ch.EARLY_FEATURES])[:, 1]
    monkeypatch.setattr(ch, "PREDICT_BLOCK", 97)
    assert len(test) > 10 * 97
    for m, w in zip(models, whole):
        np.testing.assert_allclose(ch.churn_probability(m, test), w, rtol=1e-13, atol=0)
    blocks = ch.churn_probability(sample_res.deployed, current, ch.EARLY_FEATURES)
    np.testing.assert_allclose(blocks, now, rtol=1e-13, atol=0)
    np.testing.assert_array_equal(sample_res.current_risk.to_numpy(), now)


# --------------------------------------------------------------------------- importance
def test_importance_over_users_intervals_and_direction(sample_res):
    imp = ca.importance_over_users(
        sample_res.choice.calibrated,
        sample_res.frames["test"],
        n_repeats=2,
        n_boot=30,
        max_samples=2000,
        n_threads=1,
    )
    assert sorted(imp["feature"]) == sorted(ch.EARLY_FEATURES)
    assert (imp["lo"] <= imp["importance"] + 1e-12).all()
    assert (imp["importance"] <= imp["hi"] + 1e-12).all()
    d = imp.set_index("feature")["direction"]
    assert np.isnan(d["channel"]) and np.isnan(d["hook"])
    # more social evidence, less risk; a longer silence, more risk (the simulator's truth)
    assert d["ev_social"] < 0 < d["days_since_last_interaction"]
    top = imp.head(5).set_index("feature")
    assert "days_since_last_interaction" in top.index
    assert top.loc["days_since_last_interaction", "lo"] > 0


def test_quartile_direction_on_a_known_logistic_model():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"up": rng.normal(size=400), "down": rng.normal(size=400)})
    y = (X["up"] - X["down"] + rng.normal(size=400) > 0).astype(int)
    m = LogisticRegression().fit(X, y)
    d = ca.quartile_direction(m, X)
    assert d["up"] > 0.1 and d["down"] < -0.1


# --------------------------------------------------------------------------- reasons and steps
def test_next_steps_table_is_complete_and_checked(tmp_path):
    steps = cl.load_next_steps()
    assert "default" in steps and all(set(v) >= {"en", "zh"} for v in steps.values())
    bad = tmp_path / "steps.yaml"
    bad.write_text("default: {en: a, zh: b}\ndays_since_lst_interaction: {en: a, zh: b}\n")
    with pytest.raises(ValueError, match="days_since_lst_interaction.*not model features"):
        cl.load_next_steps(bad)
    bad.write_text("default: {en: a}\n")
    with pytest.raises(ValueError, match="'en' and a 'zh'"):
        cl.load_next_steps(bad)


def test_every_feature_has_words_in_both_languages():
    assert set(REASON_LABELS) == set(ch.MODEL_FEATURES)
    missing = [k for k in REASON_LABELS.values() if tr(k, "zh") == k]
    assert not missing
    assert all(tr(t, "zh") != t for t in cl.RISK_TIERS)


def test_reasons_in_words_pick_the_largest_positive_push():
    rows = pd.DataFrame(
        {"days_since_last_interaction": [40.0, 2.0], "channel": ["douyin", "partner"]},
        index=pd.Index(["a", "b"], name="user_id"),
    )
    contrib = pd.DataFrame(
        {"days_since_last_interaction": [0.30, -0.1], "channel": [0.05, -0.2]}, index=rows.index
    )
    ref = {"days_since_last_interaction": 3.0, "channel": "partner"}
    steps = cl.load_next_steps()
    en = cl.reasons_in_words(contrib, rows, reference=ref, next_steps=steps, n_reasons=2)
    assert en.loc["a", "reason_1"] == "days since last interaction 40 (typical 3): +30.0 pts"
    assert en.loc["a", "reason_2"] == "acquisition channel douyin (typical partner): +5.0 pts"
    assert en.loc["a", "next_step_1"] == steps["days_since_last_interaction"]["en"]
    assert en.loc["b", "reason_1"] == "" and en.loc["b", "next_step_1"] == ""
    zh = cl.reasons_in_words(contrib, rows, reference=ref, next_steps=steps, lang="zh")
    assert zh.loc["a", "reason_1"].startswith("距上次互动天数：40（一般用户：3）")
    assert zh.loc["a", "reason_2"].startswith("获客渠道：抖音")


def test_export_writes_pseudonyms_only(sample, sample_res, tmp_path):
    res = car.at_risk_as_of_result(sample_res, sample.contacts, sample.orders, top_n=20)
    path = res.export(tmp_path / "list.csv")
    text = path.read_text(encoding="utf-8")
    assert not any(u in text for u in res.table.index)
    assert len(pd.read_csv(path)) == 20
    assert "As of 2026-07-01" in res.reading("en")


# --------------------------------------------------------------------------- time to churn
def test_cumulative_incidence_matches_a_hand_computed_aalen_johansen():
    from analysis.studies import churn_time as ct

    # at t=1 one of 5 leaves hard: F1 = 1/5; S = 4/5. t=2 one of 4 silent: F2 = 4/5 * 1/4.
    # t=3 censored. t=4 one of 2 hard: F1 += (3/5) * 1/2. t=5 the last one silent: F2 += 3/10
    dep = pd.DataFrame({"days": [1.0, 2, 3, 4, 5], "status": [1, 2, 0, 1, 2]})
    t = ct.cumulative_incidence(dep, min_users=1)
    hard = t.loc[t["cause"] == "hard"]
    silent = t.loc[t["cause"] == "silent"]
    np.testing.assert_allclose(hard["days"], [0, 1, 2, 3, 4, 5])
    np.testing.assert_allclose(hard["cif"], [0, 0.2, 0.2, 0.2, 0.5, 0.5])
    np.testing.assert_allclose(silent["cif"], [0, 0, 0.2, 0.2, 0.2, 0.5])
    # one minus Kaplan-Meier with the other cause censored would give 0.2 + 0.8 * 1/2 = 0.6
    assert ct.cif_at(t, 4.5).set_index("cause").loc["hard", "cif"] == pytest.approx(0.5)
    assert (t["lo"] <= t["cif"]).all() and (t["cif"] <= t["hi"]).all()


def _departure_tables(extra=()):
    contacts = pd.DataFrame(
        {
            "user_id": ["a", "h", "s", "g", "back"],
            "joined_at": ["2025-01-01"] * 5,
            "channel": ["douyin"] * 5,
            "hook": ["coupon"] * 5,
            "referrer_id": [None] * 5,
        }
    )
    rows = [
        ("a", "2025-03-20", "message"),
        ("a", "2025-05-01", "message"),
        ("a", "2025-07-20", "read"),
        ("h", "2025-03-25", "message"),
        ("h", "2025-04-10", "del_follow_user"),
        ("s", "2025-03-15", "message"),
        ("s", "2025-04-01", "read"),
        ("g", "2024-12-01", "content_view"),
        ("back", "2025-03-30", "message"),
        ("back", "2025-07-15", "message"),
        ("back", "2025-07-20", "del_follow_user"),
        *extra,
    ]
    events = pd.DataFrame(rows, columns=["user_id", "occurred_at", "event_type"])
    orders = pd.DataFrame(
        {
            "order_id": ["o1"],
            "user_id": ["a"],
            "ordered_at": ["2025-06-01"],
            "amount": [10.0],
            "is_refund": [False],
            "refund_amount": [0.0],
        }
    )
    t = validate_tables(contacts, events, orders)
    return t.contacts, t.events, t.orders


def test_departures_hard_or_silent_whichever_comes_first():
    from analysis.aggregate.departures import departures

    kw = dict(since="2025-04-01", end="2025-08-01", silent_days=60)
    d = departures(*_departure_tables(), **kw).set_index("user_id")
    # g: never active, silent before the landmark -> not a customer then
    assert list(d.index) == ["a", "back", "h", "s"]
    # a: gaps 42, 31, 49 days, then the data ends before 60 quiet days -> censored (122 days)
    # back: 107 quiet days from 03-30 -> silent at 03-30 + 60 = 05-29, before its deletion
    # h: deleted on 04-10 before 60 quiet days -> hard; s: last activity 04-01 -> 05-31
    assert d["cause"].to_dict() == {"a": "censored", "back": "silent", "h": "hard", "s": "silent"}
    assert d["days"].to_dict() == {"a": 122.0, "back": 58.0, "h": 9.0, "s": 60.0}
    assert list(d["status"]) == [0, 2, 1, 2]
    # nothing at or after the end is read
    later = [("a", "2025-08-01", "del_follow_user"), ("s", "2025-08-03", "message")]
    pd.testing.assert_frame_equal(
        departures(*_departure_tables(later), **kw).set_index("user_id"), d
    )


def test_cause_specific_hazards_recover_known_effects():
    from analysis.studies import churn_time as ct

    rng = np.random.default_rng(3)
    n = 4000
    x = rng.integers(0, 2, n).astype(float)
    t1 = rng.exponential(1 / (0.01 * np.exp(0.7 * x)))  # x speeds cause 1 ...
    t2 = rng.exponential(1 / (0.01 * np.ones(n)))  # ... and not cause 2
    c = rng.uniform(50, 200, n)
    days = np.minimum.reduce([t1, t2, c])
    status = np.where(days == t1, 1, np.where(days == t2, 2, 0))
    dep = pd.DataFrame({"days": days, "status": status})
    h = ct.cause_specific_hazards(dep, pd.DataFrame({"x": x})).set_index("cause")
    assert h.loc["hard", "lo"] < 0.7 < h.loc["hard", "hi"]
    assert h.loc["silent", "lo"] < 0 < h.loc["silent", "hi"]
    assert h.loc["hard", "events"] == (status == 1).sum()


def test_competing_risks_on_the_sample_recover_the_simulators_effects(sample):
    from analysis.simulate import checks, read_truth
    from analysis.studies import churn_time as ct

    users, params, _ = read_truth(resolve("data/sample/truth"))
    end = ca.data_end(sample.events, sample.orders)
    r = ct.competing_risks_at(
        sample.contacts,
        sample.events,
        sample.orders,
        since=end - pd.Timedelta(days=270),
        end=end,
        definition=DEF,
    )
    assert set(r.table["by"]) == {"all", "channel", "hook", "value_tier"}
    assert r.counts()["hard"] > 100 and r.counts()["silent"] > 100
    chk = checks.competing_risks_truth(r.departures, users, sample.contacts, params)
    assert len(chk) == 24 and chk["inside"].sum() >= 18
    z = chk.loc[chk["term"].str.startswith("z_")]
    assert (z["log_hr"] < 0).all()  # more latent value, slower to leave by either route


def test_competing_risks_from_the_models_training_frame_are_the_same(sample, sample_res):
    from analysis.studies import churn_time as ct

    kw = dict(
        since=sample_res.windows.train,
        end=sample_res.windows.as_of,
        definition=DEF,
        vocabulary=sample.vocabulary,
    )
    read = ct.competing_risks_at(sample.contacts, sample.events, sample.orders, **kw)
    given = ct.competing_risks_at(
        sample.contacts, sample.events, sample.orders, frame=sample_res.frames["train"], **kw
    )
    pd.testing.assert_frame_equal(read.table, given.table, check_exact=True)
    pd.testing.assert_frame_equal(read.hazards, given.hazards, check_exact=True)
    pd.testing.assert_frame_equal(read.departures, given.departures, check_exact=True)


def test_churn_frames_of_the_four_windows_are_churn_frame_at_each(sample, sample_res):
    from analysis.studies.churn_frames import churn_frames, ladder_stages

    w, end = sample_res.windows, ca.data_end(sample.events, sample.orders)
    cuts = {"train": w.train, "test": w.test, "current": w.as_of}
    ends = {"train": end, "test": end, "current": w.as_of + pd.Timedelta(days=90)}
    t = (sample.contacts, sample.events, sample.orders)
    got = churn_frames(
        *t,
        cutoffs=cuts,
        definition=DEF,
        observation_end=ends,
        vocabulary=sample.vocabulary,
        last_activity=["current"],
    )
    assert list(got) == ["train", "test", "current"]
    for name, c in cuts.items():
        expected = ch.churn_frame(
            *t,
            cutoff=c,
            definition=DEF,
            observation_end=ends[name],
            vocabulary=sample.vocabulary,
            last_activity=name == "current",
        )
        pd.testing.assert_frame_equal(expected, got[name], check_exact=True)
    pd.testing.assert_frame_equal(got["train"], sample_res.frames["train"], check_exact=True)
    # the stages of several cut-offs from one assignment, in any order of the cut-offs
    some = got["test"].index[::3]
    (rank_t, stage_t), (rank_0, _) = ladder_stages(
        *t, cutoffs=[w.test, w.train], users=[some, some], vocabulary=sample.vocabulary
    )
    exp_rank, exp_stage = ch.ladder_stage(
        *t, cutoff=w.test, users=some, vocabulary=sample.vocabulary
    )
    np.testing.assert_array_equal(rank_t, exp_rank)
    np.testing.assert_array_equal(stage_t, exp_stage)
    assert (rank_t != rank_0).any()


def test_churn_frames_place_the_stages_by_user_whatever_the_features_order(
    sample, sample_res, monkeypatch
):
    """The stages are assigned for the labels' users before the features are read (the
    memory peak at 5M contacts): they reach each user's row of the features however the
    feature query orders its users (here reversed)."""
    import analysis.studies.churn_frames as cf

    many = cf.churn_features_many
    monkeypatch.setattr(
        cf, "churn_features_many", lambda *a, **k: [f.iloc[::-1] for f in many(*a, **k)]
    )
    w = sample_res.windows
    got = cf.churn_frames(
        sample.contacts,
        sample.events,
        sample.orders,
        cutoffs={"train": w.train},
        definition=DEF,
        observation_end={"train": ca.data_end(sample.events, sample.orders)},
        vocabulary=sample.vocabulary,
    )["train"]
    expected = sample_res.frames["train"]
    assert (got.index != expected.index).any()  # another order ...
    pd.testing.assert_frame_equal(
        got.loc[expected.index], expected, check_exact=True
    )  # ... same rows


# --------------------------------------------------------------------------- decision view
def test_decision_curve_golden_numbers():
    from analysis.studies import churn_decision as cd

    # gain per saved churner = 0.5 * 100 = 50; cost 10; break-even risk 0.2
    kw = dict(contact_cost=10.0, saved_value=100.0, save_rate=0.5)
    assert cd.break_even(**kw) == pytest.approx(0.2)
    risk, y = [0.9, 0.1, 0.5, 0.3], [1, 0, 0, 1]
    t = cd.decision_curve(risk, y, thresholds=[1.0, 0.9, 0.5, 0.3, 0.0], **kw)
    assert list(t["contacted"]) == [0, 1, 2, 3, 4]
    # expected: 0.9*50-10 = 35; +0.5*50-10 = 50; +0.3*50-10 = 55; +0.1*50-10 = 50
    np.testing.assert_allclose(t["expected_net"], [0, 35, 50, 55, 50])
    # realised: 50-10 = 40; +0-10 = 30; +50-10 = 70; +0-10 = 60
    np.testing.assert_allclose(t["realised_net"], [0, 40, 30, 70, 60])
    assert list(t["churners_reached"]) == [0, 1, 1, 2, 2]
    tiers = cd.tier_decision(risk, ["a", "b", "a", "b"], **kw).set_index("tier")
    assert tiers.loc["a", "net_per_contact"] == pytest.approx(0.7 * 50 - 10)
    assert tiers.loc["b", "expected_net"] == pytest.approx(2 * (0.2 * 50 - 10))
    res = cd.decision_result(risk, y, risk, ["a", "b", "a", "b"], **kw)
    assert res.best["contacted"] == 3 and res.best["threshold"] == pytest.approx(0.3)
    assert "worth it in: a" in res.reading("en")
    with pytest.raises(ValueError, match="save_rate"):
        cd.break_even(contact_cost=1.0, saved_value=100.0, save_rate=0.0)


def test_list_tiers_against_churn_realised_after_the_list_date():
    """A longer simulation: the list sees the data up to end - horizon; the window after it
    is the realised outcome. Tiers order the realised churn; predictions are near it."""
    from analysis.simulate import checks, simulate

    sim = simulate(3000, months=21, seed=5)
    end = ca.data_end(sim.events, sim.orders)
    as_of = end - pd.Timedelta(days=90)
    res = ca.churn_as_of(
        sim.contacts,
        sim.events.loc[sim.events["occurred_at"] < as_of],
        sim.orders.loc[sim.orders["ordered_at"] < as_of],
        as_of=as_of,
        definition=DEF,
        n_boot=10,
        n_threads=1,
    )
    t = checks.realised_by_tier(res, sim.contacts, sim.events, sim.orders).set_index("risk_tier")
    assert list(t.index) == list(cl.RISK_TIERS)
    assert t["realised_rate"].is_monotonic_increasing
    gap = (t["predicted_rate"] - t["realised_rate"]).abs()
    assert gap["low risk"] < 0.05 and gap["medium risk"] < 0.1
    # measured over seeds 0-2 (benchmarks/bench_churn_asof.py): gaps of 1-3 points per tier
    assert gap["high risk"] < 0.1
    # the later tables must agree with what the list saw before its date
    with pytest.raises(ValueError, match="another population"):
        checks.realised_by_tier(res, sim.contacts.iloc[10:], sim.events, sim.orders)


def test_stage_feature_is_the_shared_stage_assignment():
    contacts, events, orders = _population_tables()
    cur = ca.current_population(contacts, events, orders, as_of="2025-07-01", definition=DEF)
    st = cur[["stage", "stage_rank"]].to_dict("index")
    # active: a paid order in June -> act (6); recent: joined only -> access (3; the old
    # stand-in said none: joining was no evidence); readded: a read on 06-01 00:00, the first
    # instant of the ladder's 30-day silence window -> still active (4)
    assert st["active"] == {"stage": "act", "stage_rank": 6}
    assert st["recent"] == {"stage": "access", "stage_rank": 3}
    assert st["readded"] == {"stage": "active", "stage_rank": 4}
    one_second_later = ca.current_population(
        contacts, events, orders, as_of="2025-07-01 00:00:01", definition=DEF
    )
    assert one_second_later.loc["readded", "stage"] == "silent"


def test_the_stage_reason_names_stages():
    rows = pd.DataFrame(
        {"stage_rank": [0, 6], "stage": ["silent", "act"]},
        index=pd.Index(["a", "b"], name="user_id"),
    )
    contrib = pd.DataFrame({"stage_rank": [0.4, 0.1]}, index=rows.index)
    steps = cl.load_next_steps()
    en = cl.reasons_in_words(contrib, rows, reference={"stage_rank": 8.0}, next_steps=steps)
    assert en["reason_1"].tolist() == [
        "ladder stage silent (typical advocate): +40.0 pts",
        "ladder stage act (typical advocate): +10.0 pts",
    ]
    zh = cl.reasons_in_words(
        contrib, rows, reference={"stage_rank": 8.0}, next_steps=steps, lang="zh"
    )
    assert zh.loc["a", "reason_1"].startswith("阶梯阶段：沉默（一般用户：拥护）")


# --------------------------------------------------------------------------- fit sample
def _scaler_rows(model) -> int:
    """Rows the logistic pipeline's scaler saw when it was fitted."""
    scale = model.named_steps["prep"].named_transformers_["num"].named_steps["scale"]
    return int(scale.n_samples_seen_)


def test_models_are_fitted_on_the_stated_sample_and_score_everyone(sample, sample_res):
    res = ca.churn_as_of(
        sample.contacts,
        sample.events,
        sample.orders,
        definition=DEF,
        kinds=("logistic",),
        n_boot=0,
        n_threads=1,
        vocabulary=sample.vocabulary,
        fit_sample=300,
        random_state=7,
    )
    n_train, n_test = len(res.frames["train"]), len(res.frames["test"])
    assert n_train > 300 and n_test > 300
    train, test = res.fit_samples
    assert (train.n_fit, train.n_all, train.seed) == (300, n_train, 7)
    assert (test.n_fit, test.n_all) == (300, n_test)
    assert _scaler_rows(res.choice.models["logistic"]) == 300  # the sample, not the window
    assert _scaler_rows(sample_res.choice.models["logistic"]) == n_train  # default: everyone
    assert not any(s.sampled for s in sample_res.fit_samples)
    # scored on all: every test user and every current customer has a risk
    assert len(res.test_predictions) == n_test
    assert res.current_risk.index.equals(res.frames["current"].index)
    # stated with the report's windows, in both languages; nothing stated without a sample
    en = car.windows_result(res).reading("en")
    assert f"fitted on 300 of {n_train:,} users, drawn at random with seed 7" in en
    assert f"从 {n_train:,} 位用户中随机抽取 300 人拟合（随机种子 7）" in car.windows_result(
        res
    ).reading("zh")
    assert "drawn at random" not in car.windows_result(sample_res).reading("en")


def test_grouped_cox_is_statsmodels_phreg_on_counts():
    from statsmodels.duration.hazard_regression import PHReg

    from analysis.studies import churn_time as ct

    rng = np.random.default_rng(1)
    n = 3000
    X = np.eye(5)[rng.integers(0, 5, n)][:, 1:]  # dummies of one grouping
    t = np.ceil(rng.exponential(100 / np.exp(X @ np.array([0.3, -0.5, 0.1, 0.8]))))
    c = np.ceil(rng.uniform(20, 300, n))
    dur, status = np.minimum(t, c), (t <= c).astype(int)  # whole days: many ties
    ref = PHReg(dur, X, status=status, ties="breslow").fit()
    b, se = ct.cox_breslow(dur, status, X)
    np.testing.assert_allclose(b, ref.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(se, ref.bse, rtol=1e-9)
    # no covariate left (one level of the grouping: a brand with one channel): nothing to
    # fit, as PHReg returns, instead of an error in the report
    none = np.zeros((n, 0))
    b0, se0 = ct.cox_breslow(dur, status, none)
    ref0 = PHReg(dur, none, status=status, ties="breslow").fit()
    assert b0.shape == se0.shape == np.asarray(ref0.params).shape == (0,)


def test_cox_per_user_is_statsmodels_phreg():
    from statsmodels.duration.hazard_regression import PHReg

    from analysis.studies import churn_time as ct

    rng = np.random.default_rng(2)
    n = 4000
    X = np.column_stack(
        [rng.normal(size=n), rng.normal(size=n) * 2, rng.integers(0, 2, n), rng.uniform(size=n)]
    )
    t = np.ceil(rng.exponential(100 / np.exp(X @ np.array([0.4, -0.3, 0.6, -1.0]))))
    c = np.ceil(rng.uniform(20, 300, n))
    dur, status = np.minimum(t, c), (t <= c).astype(int)  # whole days: many ties
    ref = PHReg(dur, X, status=status, ties="breslow").fit()
    b, se = ct.cox_breslow_users(dur, status, X)
    np.testing.assert_allclose(b, ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(se, ref.bse, rtol=1e-8)
    # a few distinct rows: the same as the fit on counts
    G = np.eye(4)[rng.integers(0, 4, n)][:, 1:]
    np.testing.assert_allclose(
        ct.cox_breslow_users(dur, status, G)[0], ct.cox_breslow(dur, status, G)[0], rtol=1e-9
    )
    assert ct.cox_breslow_users(dur, status, np.zeros((n, 0)))[0].shape == (0,)
