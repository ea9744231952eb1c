"""Churn early warning: labels, metrics, oracle, models, at-risk list and pseudonyms."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from analysis.data.validate import validate_tables
from analysis.paths import resolve
from analysis.privacy import pseudonymise
from analysis.simulate import checks, read_truth, simulate
from analysis.studies import churn as ch
from analysis.studies import churn_list

TRAIN, TEST = "2026-01-01", "2026-04-01"
DEF = ch.ChurnDefinition(horizon_days=90, lost_after_days=90)


# --------------------------------------------------------------------------- labels


def _label_tables():
    contacts = pd.DataFrame(
        {
            "user_id": ["act", "quiet", "hard", "gone", "buyer", "late"],
            "joined_at": ["2025-01-01"] * 5 + ["2025-06-10"],
            "channel": ["douyin"] * 6,
            "hook": ["coupon"] * 6,
            "referrer_id": [None] * 6,
        }
    )
    rows = [
        ("act", "2025-05-20", "message"),
        ("act", "2025-06-05", "read"),
        ("quiet", "2025-05-25", "message"),
        ("hard", "2025-05-30", "message"),
        ("hard", "2025-06-03", "read"),
        ("hard", "2025-06-10", "del_follow_user"),
        ("gone", "2025-05-01", "del_follow_user"),
        ("buyer", "2025-05-28", "message"),
        ("late", "2025-06-20", "message"),
        ("act", "2025-09-30", "message"),  # keeps the data running past the label window
    ]
    events = pd.DataFrame(rows, columns=["user_id", "occurred_at", "event_type"])
    orders = pd.DataFrame(
        {
            "order_id": ["o1"],
            "user_id": ["buyer"],
            "ordered_at": ["2025-06-15"],
            "amount": [20.0],
            "is_refund": [False],
            "refund_amount": [0.0],
        }
    )
    t = validate_tables(contacts, events, orders)
    return t.contacts, t.events, t.orders


def test_label_definitions_on_a_hand_made_frame():
    c, e, o = _label_tables()
    f = ch.churn_frame(
        c, e, o, cutoff="2025-06-01", definition=ch.ChurnDefinition(30, lost_after_days=None)
    )
    # 'gone' deleted the contact before the cut-off, 'late' joined after it
    assert list(f.index) == ["act", "buyer", "hard", "quiet"]
    assert f["churned"].to_dict() == {"act": 0, "buyer": 0, "hard": 1, "quiet": 1}
    assert f["churned_hard"].to_dict() == {"act": 0, "buyer": 0, "hard": 1, "quiet": 0}
    purchase = ch.churn_frame(
        c,
        e,
        o,
        cutoff="2025-06-01",
        definition=ch.ChurnDefinition(30, activity="purchase", lost_after_days=None),
    )
    assert purchase["churned"].to_dict() == {"act": 1, "buyer": 0, "hard": 1, "quiet": 1}
    lost = ch.churn_frame(
        c, e, o, cutoff="2025-06-01", definition=ch.ChurnDefinition(30, lost_after_days=5)
    )
    assert list(lost.index) == ["buyer", "hard"]  # 'act' was last active on May 20 (> 5 d)
    text = ch.ChurnDefinition(30, lost_after_days=5).describe()
    assert "30 days" in text and "5 days" in text


def test_time_split_refuses_overlapping_label_window(sample_tables):
    t = sample_tables
    with pytest.raises(ValueError, match="training labels would read the test period"):
        ch.evaluate_by_time(
            t.contacts,
            t.events,
            t.orders,
            train_cutoff="2026-02-01",
            test_cutoff=TEST,
            definition=DEF,
            n_boot=1,
        )


# --------------------------------------------------------------------------- metrics


def test_metrics_golden_numbers():
    y = np.array([0, 0, 1, 1])
    s = np.array([0.1, 0.4, 0.35, 0.8])
    m = ch.churn_metrics(y, {"m": s}, top_fractions=[0.5], n_boot=0).set_index("metric")
    assert m.loc["roc_auc", "estimate"] == pytest.approx(0.75)
    assert m.loc["pr_auc", "estimate"] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    assert m.loc["brier", "estimate"] == pytest.approx((0.01 + 0.16 + 0.4225 + 0.04) / 4)
    assert m.loc["gain@50%", "estimate"] == pytest.approx(0.5)
    assert m.loc["lift@50%", "estimate"] == pytest.approx(1.0)


def test_metrics_agree_with_sklearn_with_ties_and_intervals_cover():
    rng = np.random.default_rng(3)
    y = rng.random(3000) < 0.3
    s = np.round(np.clip(0.3 + 0.2 * (y - 0.3) + rng.normal(0, 0.2, y.size), 0, 1), 1)
    m = ch.churn_metrics(
        y, {"m": s, "c": np.full(y.size, 0.3)}, n_boot=100, reference="c", random_state=0
    )
    got = m.set_index(["score", "metric"])
    assert got.loc[("m", "roc_auc"), "estimate"] == pytest.approx(roc_auc_score(y, s))
    assert got.loc[("m", "pr_auc"), "estimate"] == pytest.approx(average_precision_score(y, s))
    assert got.loc[("m", "brier"), "estimate"] == pytest.approx(brier_score_loss(y, s))
    assert got.loc[("c", "roc_auc"), "estimate"] == pytest.approx(0.5)
    for (_, _), r in got.iterrows():
        assert r["lo"] <= r["estimate"] + 1e-12 and r["estimate"] <= r["hi"] + 1e-12
    assert got.loc[("m", "roc_auc"), "gap_lo"] > 0  # paired gap against the constant
    assert got.loc[("c", "roc_auc"), "gap"] == 0


def test_calibration_and_lift_tables():
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    s = np.array([0.1, 0.1, 0.2, 0.2, 0.6, 0.7, 0.8, 0.9])
    cal = ch.calibration_table(y, {"m": s}, n_bins=2)
    assert cal["n"].tolist() == [4, 4]
    assert cal["mean_predicted"].tolist() == pytest.approx([0.15, 0.75])
    assert cal["observed"].tolist() == pytest.approx([0.25, 0.75])
    assert (cal["lo"] <= cal["observed"]).all() and (cal["observed"] <= cal["hi"]).all()
    lift = ch.lift_table(y, {"m": s}, fractions=[0.25, 1.0]).set_index("fraction")
    assert lift.loc[0.25, "gain"] == pytest.approx(0.5) and lift.loc[0.25, "lift"] == 2.0
    assert lift.loc[1.0, "gain"] == pytest.approx(1.0) and lift.loc[1.0, "lift"] == 1.0


# --------------------------------------------------------------------------- oracle


def test_oracle_formula_matches_monte_carlo():
    mu, rho, p_hard, h = 0.01, 0.05, 0.4, 60.0
    truth = pd.DataFrame(
        {
            "user_id": ["a", "b"],
            "churn_hazard_per_day": [mu, mu],
            "left_at": [pd.NaT, pd.Timestamp("2025-01-01", tz="Asia/Shanghai")],
        }
    )
    p = checks.oracle_churn_probability(
        truth,
        users=["a", "b"],
        cutoff="2025-03-01",
        horizon_days=h,
        p_hard=p_hard,
        activity_rate_per_day=rho,
    )
    assert p["b"] == 1.0  # already gone at the cut-off
    rng = np.random.default_rng(0)
    n = 400_000
    life = rng.exponential(1 / mu, n)
    hard = rng.random(n) < p_hard
    first = rng.exponential(1 / rho, n)
    retained = (first < np.minimum(life, h)) & ~(hard & (life < h))
    assert p["a"] == pytest.approx(1 - retained.mean(), abs=0.004)
    first_order = checks.oracle_churn_probability(
        truth, users=["a"], cutoff="2025-03-01", horizon_days=h, p_hard=p_hard
    )
    assert first_order["a"] == pytest.approx(p_hard * (1 - np.exp(-mu * h)))


# --------------------------------------------------------------------------- models


@pytest.fixture(scope="module")
def sample_eval(sample_tables):
    t = sample_tables
    truth, params, files = read_truth(resolve("data/sample/truth"))
    assert params == json.loads(files[1].read_text())
    assert str(truth["left_at"].dt.tz) == "Asia/Shanghai"
    test_pop = ch.churn_frame(t.contacts, t.events, t.orders, cutoff=TEST, definition=DEF)
    oracle = checks.oracle_for(truth, params, test_pop, cutoff=TEST, horizon_days=DEF.horizon_days)
    return ch.evaluate_by_time(
        t.contacts,
        t.events,
        t.orders,
        train_cutoff=TRAIN,
        test_cutoff=TEST,
        definition=DEF,
        oracle=oracle,
        n_boot=50,
        random_state=0,
        n_threads=1,
    )


def test_models_beat_a_constant_baseline_and_trail_the_oracle(sample_eval):
    ev = sample_eval
    m = ev.metrics.set_index(["score", "metric"])
    y = ev.predictions["churned"].to_numpy()
    base_rate = ev.train["churned"].mean()
    constant_brier = np.mean((base_rate - y) ** 2)
    for k in ("logistic", "hgb"):
        assert m.loc[(k, "roc_auc"), "lo"] > 0.6
        assert m.loc[(k, "brier"), "hi"] < constant_brier
        assert m.loc[(k, "lift@10%"), "lo"] > 1.5
        assert m.loc[(k, "roc_auc"), "estimate"] < m.loc[("oracle", "roc_auc"), "estimate"]
    gap = ch.oracle_gap(ev.metrics)
    assert set(gap["score"]) == {"logistic", "hgb"}
    assert (gap.loc[gap["metric"] == "roc_auc", "gap"] < 0).all()
    bal = ev.class_balance()
    assert bal["users"].tolist() == [len(ev.train), len(ev.test)]
    # the oracle is calibrated on the sample: mean probability close to the churn rate
    assert ev.predictions["oracle"].mean() == pytest.approx(y.mean(), abs=0.03)


def test_null_world_models_do_not_find_signal():
    sim = simulate(6000, months=18, seed=11, world="null")
    ev = ch.evaluate_by_time(
        sim.contacts,
        sim.events,
        sim.orders,
        train_cutoff=TRAIN,
        test_cutoff=TEST,
        definition=DEF,
        n_boot=100,
        random_state=0,
        kinds=("logistic", "hgb"),
        n_threads=1,
    )
    m = ev.metrics.set_index(["score", "metric"])
    for k in ("logistic", "hgb"):
        auc = m.loc[(k, "roc_auc")]
        assert auc["estimate"] < 0.58
        assert auc["lo"] < 0.55


def test_fixed_random_state_reproduces_predictions(sample_eval):
    ev = sample_eval
    again = ch.fit_models(ev.train, random_state=0, n_threads=1)
    p1 = ch.predict_risk(ev.models, ev.test)
    p2 = ch.predict_risk(again, ev.test)
    pd.testing.assert_frame_equal(p1, p2)
    m1 = ch.churn_metrics(ev.predictions["churned"], p1, n_boot=20, random_state=5)
    m2 = ch.churn_metrics(ev.predictions["churned"], p2, n_boot=20, random_state=5)
    pd.testing.assert_frame_equal(m1, m2)


def test_permutation_importance_lists_every_feature(sample_eval):
    ev = sample_eval
    imp = ch.permutation_importance_table(
        ev.models["logistic"], ev.test, n_repeats=2, max_samples=1500, random_state=0
    )
    assert set(imp["feature"]) == set(ch.MODEL_FEATURES)
    assert imp["importance"].is_monotonic_decreasing
    assert imp["importance"].iloc[0] > 0.01


# --------------------------------------------------------------------------- at-risk list


def test_at_risk_list_ranks_by_risk_times_value_with_reasons(sample_eval, tmp_path):
    ev = sample_eval
    model = ev.models["hgb"]
    value = churn_list.value_index(ev.train, ev.test)
    assert value.between(0, 1).all() and value.index.equals(ev.test.index)
    risk = pd.Series(model.predict_proba(ev.test[ch.MODEL_FEATURES])[:, 1], index=ev.test.index)
    lst = churn_list.at_risk_list(model, ev.test, value=value, top_n=30, value_name="value_index")
    assert len(lst) == 30 and lst["rank"].tolist() == list(range(1, 31))
    assert lst["priority"].is_monotonic_decreasing
    assert lst["priority"].iloc[-1] >= (risk * value).nlargest(30).iloc[-1] - 1e-12
    assert lst["priority"].to_numpy() == pytest.approx(
        (lst["risk"] * lst["value_index"]).to_numpy()
    )
    assert (lst["reason_1"].str.len() > 0).mean() > 0.5
    assert lst["contribution_1"].dropna().gt(0).all()
    key = "test-key-not-secret"
    path = churn_list.export_at_risk(lst, tmp_path / "at_risk.csv", key=key)
    text = path.read_text(encoding="utf-8")
    assert key not in text
    assert not any(uid in text for uid in lst.index)
    out = pd.read_csv(path, dtype={"pseudo_id": "str"})
    assert out.columns[0] == "pseudo_id" and "user_id" not in out.columns
    assert out["pseudo_id"].tolist() == pseudonymise(pd.Series(lst.index), key=key).tolist()


def test_plots_draw_on_the_given_axes(sample_eval):
    import matplotlib.pyplot as plt

    from analysis.plots import churn as pc

    ev = sample_eval
    scores = {k: ev.predictions[k] for k in ("hgb", "oracle")}
    y = ev.predictions["churned"]
    fig, axes = plt.subplots(1, 4)
    tables = [
        ch.calibration_table(y, scores),
        ch.lift_table(y, scores),
        ch.lift_table(y, scores),
        pd.DataFrame(
            {
                "feature": ["a", "b"],
                "importance": [0.1, 0.0],
                "lo": [0.05, -0.01],
                "hi": [0.15, 0.01],
            }
        ),
    ]
    funcs = [pc.plot_calibration, pc.plot_gain, pc.plot_lift, pc.plot_importance]
    for f, tab, ax in zip(funcs, tables, axes):
        assert f(tab, ax=ax) is ax
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert len(fig.axes) == 4
    plt.close(fig)


def test_models_are_the_same_for_any_number_of_threads(sample_eval):
    # a training set large enough for threaded BLAS (the logistic model) and OpenMP
    # (gradient boosting) to split their work: 40 jittered copies of the sample's
    train = sample_eval.train
    rng = np.random.default_rng(0)
    big = pd.concat([train] * 40, ignore_index=True)
    num = big.select_dtypes("number").columns.drop("churned", errors="ignore")
    big[num] = big[num] + rng.normal(0, 0.01, size=(len(big), len(num)))
    fits = [ch.fit_models(big, random_state=0, n_threads=n) for n in (1, 2)]
    p1, p2 = (ch.predict_risk(m, big.head(20_000), n_threads=n) for m, n in zip(fits, (1, 2)))
    pd.testing.assert_frame_equal(p1, p2, check_exact=True)
