"""Five-value scores and the weighted index: golden numbers, weights, leakage, invariants."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.aggregate.values import value_evidence
from analysis.data.vocab import VALUES
from analysis.studies.scores import PRESETS, FiveValueScorer, five_value_index, validate_weights

TZ = "Asia/Shanghai"
AS_OF = pd.Timestamp("2025-07-01", tz=TZ)


def _ts(s):
    return pd.Timestamp(s, tz=TZ)


def tiny():
    """a: 2 shares, 1 post, 1 inquiry, an order of 100; b: 1 share, 1 suggestion, an order of
    50 with 20 refunded; c: nothing; d: only activity after the cut-off."""
    ev = [
        ("a", "2025-06-01", "share"),
        ("a", "2025-06-02", "share"),
        ("a", "2025-06-03", "post"),
        ("a", "2025-06-04", "inquiry"),
        ("a", "2025-06-05", "message"),
        ("b", "2025-05-01", "share"),
        ("b", "2025-05-02", "suggestion"),
        ("d", "2025-07-02", "post"),
        ("d", "2025-08-01", "share"),
    ]
    events = pd.DataFrame(
        {
            "user_id": pd.array([e[0] for e in ev], dtype="str"),
            "occurred_at": pd.to_datetime([e[1] for e in ev]).tz_localize(TZ),
            "event_type": [e[2] for e in ev],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3"],
            "user_id": pd.array(["a", "b", "d"], dtype="str"),
            "ordered_at": pd.to_datetime(["2025-06-10", "2025-06-11", "2025-07-05"]).tz_localize(
                TZ
            ),
            "amount": [100.0, 50.0, 200.0],
            "is_refund": [False, True, False],
            "refund_amount": [0.0, 20.0, 0.0],
        }
    )
    return events, orders


USERS = pd.Series(["a", "b", "c", "d"], dtype="str")


def evidence():
    events, orders = tiny()
    return value_evidence(events, orders, as_of=AS_OF, lookback_days=180, users=USERS)


def test_percentile_scores_and_index_golden():
    ev = evidence()
    out = FiveValueScorer().fit(ev).transform(ev)
    # mid-rank percentile (#below + ½ #equal) / 4 within the calibration snapshot
    expected = pd.DataFrame(
        {
            "experience": [0.875, 0.375, 0.375, 0.375],
            "consumption": [0.875, 0.625, 0.25, 0.25],
            "social": [0.875, 0.625, 0.25, 0.25],
            "content": [0.875, 0.375, 0.375, 0.375],
            "innovation": [0.375, 0.875, 0.375, 0.375],
        },
        index=pd.Index(["a", "b", "c", "d"], name="user_id"),
    )
    pd.testing.assert_frame_equal(out[list(VALUES)], expected)
    # expansion: .1 exp + .2 cons + .3 social + .3 content + .1 innovation
    np.testing.assert_allclose(out["index"], [0.825, 0.55, 0.3125, 0.3125])
    eq = FiveValueScorer(weights="equal").fit(ev).transform(ev)["index"]
    np.testing.assert_allclose(
        eq,
        [
            (0.875 * 4 + 0.375) / 5,
            (0.375 * 2 + 0.625 * 2 + 0.875) / 5,
            (0.375 * 3 + 0.25 * 2) / 5,
            (0.375 * 3 + 0.25 * 2) / 5,
        ],
    )


def test_log_minmax_and_zscore_golden():
    ev = evidence()
    lm = FiveValueScorer(normalization="log_minmax").fit(ev).transform(ev)
    assert lm.loc["b", "consumption"] == pytest.approx(np.log1p(30) / np.log1p(100))
    assert lm.loc["a", "consumption"] == 1.0 and lm.loc["c", "consumption"] == 0.0
    assert lm.loc["b", "social"] == pytest.approx(np.log1p(1) / np.log1p(2))
    z = FiveValueScorer(normalization="zscore").fit(ev).transform(ev)
    sd = np.sqrt(((2 - 0.75) ** 2 + (1 - 0.75) ** 2 + 2 * 0.75**2) / 4)
    assert z.loc["a", "social"] == pytest.approx(1.25 / sd)
    assert z["social"].mean() == pytest.approx(0.0)


def test_learned_on_calibration_applied_to_another_population():
    calib = evidence()
    scorer = FiveValueScorer().fit(calib)
    later = pd.DataFrame({v: [0.0, 0.0] for v in VALUES}, index=["x", "y"])
    later.loc["x", "social"] = 1.5  # between calibration values 1 and 2: 3 below, none equal
    later.loc["y", "consumption"] = 1000.0  # above the calibration range
    out = scorer.transform(later)
    assert out.loc["x", "social"] == 0.75
    assert out.loc["y", "consumption"] == 1.0
    assert out.loc["x", "experience"] == 0.375  # zero scores the calibration's zeros
    # the scale does not depend on the population it is applied to (no leakage)
    alone = scorer.transform(later.loc[["x"]])
    pd.testing.assert_frame_equal(alone, out.loc[["x"]])
    lm = FiveValueScorer(normalization="log_minmax").fit(calib).transform(later)
    assert lm.loc["y", "consumption"] == 1.0  # clipped


def test_inputs_not_mutated_and_row_order_irrelevant():
    events, orders = tiny()
    e0, o0 = events.copy(), orders.copy()
    ev = value_evidence(events, orders, as_of=AS_OF, users=USERS)
    ev0 = ev.copy()
    scorer = FiveValueScorer().fit(ev)
    out = scorer.transform(ev)
    pd.testing.assert_frame_equal(events, e0)
    pd.testing.assert_frame_equal(orders, o0)
    pd.testing.assert_frame_equal(ev, ev0)
    shuffled = ev.sample(frac=1, random_state=3)
    out2 = FiveValueScorer().fit(shuffled).transform(shuffled)
    pd.testing.assert_frame_equal(out2.loc[out.index], out)


def test_future_events_do_not_change_scores():
    events, orders = tiny()
    base = FiveValueScorer().fit(evidence()).transform(evidence())
    ev2, or2 = events.copy(), orders.copy()
    after = ev2["occurred_at"] >= AS_OF
    ev2.loc[after, "occurred_at"] += pd.Timedelta(days=40)  # move future events
    extra = pd.DataFrame(
        {
            "user_id": pd.array(["c"] * 3, dtype="str"),
            "occurred_at": [AS_OF, AS_OF + pd.Timedelta(days=1), AS_OF],
            "event_type": ["share", "post", "cocreation"],
        }
    )
    ev2 = pd.concat([ev2, extra], ignore_index=True)  # add events at and after the cut-off
    or2.loc[or2["ordered_at"] >= AS_OF, "amount"] = 5000.0
    e = value_evidence(ev2, or2, as_of=AS_OF, users=USERS)
    moved = FiveValueScorer().fit(e).transform(e)
    pd.testing.assert_frame_equal(moved, base)


def test_validate_weights():
    assert validate_weights("expansion") == {
        "experience": 0.1,
        "consumption": 0.2,
        "social": 0.3,
        "content": 0.3,
        "innovation": 0.1,
    }
    assert validate_weights("equal") == {v: 0.2 for v in VALUES}
    w = validate_weights(
        pd.Series(
            {"innovation": 0, "content": 0, "social": 0, "consumption": 0.5, "experience": 0.5}
        )
    )
    assert list(w) == list(VALUES)
    with pytest.raises(ValueError, match="unknown weight preset"):
        validate_weights("growth")
    with pytest.raises(ValueError, match=r"missing \['innovation'\]"):
        validate_weights({k: 0.25 for k in list(VALUES)[:4]})
    with pytest.raises(ValueError, match=r"unknown \['loyalty'\]"):
        validate_weights({**PRESETS["equal"], "loyalty": 0.0})
    with pytest.raises(ValueError, match="negative"):
        validate_weights({**PRESETS["equal"], "social": -0.2, "content": 0.6})
    with pytest.raises(ValueError, match="sum to 1"):
        validate_weights({**PRESETS["equal"], "social": 0.3})
    with pytest.raises(ValueError, match="not finite"):
        validate_weights({**PRESETS["equal"], "social": float("nan")})
    with pytest.raises(ValueError, match="not a number"):
        validate_weights({**PRESETS["equal"], "social": "a lot"})
    with pytest.raises(ValueError):
        validate_weights(0.2)


def test_index_with_custom_weights_and_errors():
    ev = evidence()
    scorer = FiveValueScorer(
        weights={"experience": 0, "consumption": 1, "social": 0, "content": 0, "innovation": 0}
    ).fit(ev)
    out = scorer.transform(ev)
    pd.testing.assert_series_equal(out["index"], out["consumption"], check_names=False)
    other = scorer.index(ev, weights="expansion")
    np.testing.assert_allclose(other, [0.825, 0.55, 0.3125, 0.3125])
    with pytest.raises(ValueError, match="missing value columns"):
        five_value_index(ev.drop(columns="social"), weights="equal")
    with pytest.raises(ValueError, match="sum to 1"):
        FiveValueScorer(weights={v: 1.0 for v in VALUES}).fit(ev)
    with pytest.raises(ValueError, match="normalization"):
        FiveValueScorer(normalization="rank").fit(ev)
    with pytest.raises(NotFittedError):
        FiveValueScorer().transform(ev)
    with pytest.raises(ValueError, match="empty"):
        FiveValueScorer().fit(ev.iloc[:0])


def test_estimator_conventions():
    s = FiveValueScorer(normalization="zscore", weights="equal")
    assert s.get_params() == {"normalization": "zscore", "weights": "equal"}
    c = clone(s)
    assert c.get_params() == s.get_params() and not hasattr(c, "weights_")
    assert "not fitted" in repr(s)
    s.fit(evidence())
    assert "fitted on 4 users" in repr(s)
    summ = s.summary
    assert list(summ["value"]) == list(VALUES) and summ["weight"].sum() == pytest.approx(1)
    assert list(s.get_feature_names_out()) == [*VALUES, "index"]
    assert list(FiveValueScorer().fit_transform(evidence()).columns) == [*VALUES, "index"]


def test_five_value_scores_from_logs_with_decay_and_a_calibration_scorer():
    from analysis.studies.scores import five_value_scores

    events, orders = tiny()
    plain = five_value_scores(events, orders, as_of=AS_OF, users=USERS)
    ev = evidence()
    pd.testing.assert_frame_equal(plain, FiveValueScorer().fit(ev).transform(ev))
    # half-life 30 days: a's two shares (30 and 29 days old) and b's share (61 days old)
    decayed = value_evidence(events, orders, as_of=AS_OF, half_life_days=30, users=USERS)
    assert decayed.loc["b", "social"] == pytest.approx(0.5 ** (61 / 30))
    calib = FiveValueScorer().fit(ev)
    out = five_value_scores(
        events, orders, as_of=AS_OF, half_life_days=30, users=USERS, scorer=calib
    )
    pd.testing.assert_frame_equal(out, calib.transform(decayed))
    # b's decayed social evidence (0.24) lies below the calibration's 1: 2 zeros below
    assert out.loc["b", "social"] == 0.5
