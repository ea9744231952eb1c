"""The per-user feature table as of a cut-off: golden numbers and leakage invariants."""

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate.features import FEATURE_COLUMNS, churn_features, feature_dictionary
from analysis.data.validate import validate_tables

AS_OF = "2025-03-01 00:00:00"


def _tiny():
    contacts = pd.DataFrame(
        {
            "user_id": ["A", "B", "C"],
            "joined_at": ["2025-01-01 00:00:00", "2025-02-27 12:00:00", "2025-03-02 00:00:00"],
            "channel": ["douyin", "referral", "partner"],
            "hook": ["coupon", "trial", "coupon"],
            "referrer_id": [None, "A", None],
        }
    )
    events = pd.DataFrame(
        {
            "user_id": ["A", "A", "A", "A", "A", "A", "A", "A", "B", "C"],
            "occurred_at": [
                "2025-01-01 00:00:00",
                "2025-01-02 00:00:00",
                "2025-01-20 00:00:00",
                "2025-02-10 00:00:00",
                "2025-02-20 00:00:00",
                "2025-02-25 00:00:00",
                "2025-03-01 00:00:00",
                "2025-03-05 00:00:00",
                "2025-02-27 12:00:00",
                "2025-03-02 00:00:00",
            ],
            "event_type": [
                "contact_add",
                "group_join",
                "share",
                "read",
                "group_quit",
                "message",
                "review",
                "message",
                "contact_add",
                "contact_add",
            ],
            "context": [
                "1v1",
                "group",
                "moments",
                "group",
                "group",
                "group",
                "group",
                "group",
                "1v1",
                "1v1",
            ],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3"],
            "user_id": ["A", "A", "A"],
            "ordered_at": ["2025-02-01 00:00:00", "2025-02-15 00:00:00", "2025-03-02 00:00:00"],
            "amount": [100.0, 50.0, 70.0],
            "is_refund": [False, True, False],
            "refund_amount": [0.0, 50.0, 0.0],
        }
    )
    t = validate_tables(contacts, events, orders)
    return t.contacts, t.events, t.orders


def test_golden_numbers_on_a_hand_made_frame():
    c, e, o = _tiny()
    f = churn_features(c, e, o, as_of=AS_OF)
    assert list(f.index) == ["A", "B"]  # C joined after the cut-off
    assert list(f.columns) == list(FEATURE_COLUMNS)
    a, b = f.loc["A"], f.loc["B"]
    assert a["tenure_days"] == pytest.approx(59.0)  # Jan 1 -> Mar 1
    assert a["days_since_last_interaction"] == pytest.approx(4.0)  # message Feb 25
    assert a["days_since_last_order"] == pytest.approx(28.0)  # Feb 1 (Feb 15 is fully refunded)
    assert a["orders_total"] == 1 and a["net_spend_total"] == pytest.approx(100.0)
    assert a["refunds_total"] == 1
    # short (30 d): read Feb 10, message Feb 25; long (90 d): + share, group_join, contact_add
    assert a["interactions_short"] == 2 and a["interactions_long"] == 5
    assert a["interaction_rate_short"] == pytest.approx(2 / 30)
    assert a["interaction_rate_long"] == pytest.approx(5 / 59)  # exposure = tenure < 90
    assert a["interaction_trend"] == pytest.approx(2 / 30 - 5 / 59)
    assert a["orders_short"] == 1 and a["orders_long"] == 1
    assert a["order_trend"] == pytest.approx(1 / 30 - 1 / 59)
    assert a["group_events"] == 4  # group_join, read, group_quit, message (review is at as_of)
    assert a["group_quits"] == 1 and a["in_group"] == 0
    assert a["stage"] == "advocate" and a["stage_rank"] == 8
    assert a["ev_social"] == 1 and a["ev_content"] == 0  # the review at as_of is not read
    assert a["ev_consumption"] == pytest.approx(100.0)
    assert a["channel"] == "douyin" and a["referred"] == 0
    assert b["tenure_days"] == pytest.approx(1.5)
    assert b["days_since_last_interaction"] == pytest.approx(1.5)
    assert np.isnan(b["days_since_last_order"]) and b["orders_total"] == 0
    assert b["interaction_rate_short"] == pytest.approx(1 / 1.5)  # exposure = tenure
    assert b["interaction_trend"] == pytest.approx(0.0)
    assert b["stage"] == "access" and b["stage_rank"] == 3
    assert b["referred"] == 1 and b["in_group"] == 0


def test_repeat_buyer_is_at_stage_again():
    c, e, o = _tiny()
    f = churn_features(c, e, o, as_of="2025-03-03")  # o3 on Mar 2 is a second paid order
    assert f.loc["A", "stage_rank"] == 8  # advocate (share) is still higher than again
    e2 = e.loc[~e["event_type"].isin(["share", "review"])]
    f2 = churn_features(c, e2, o, as_of="2025-03-03")
    assert f2.loc["A", "stage"] == "again"


def _move_future(events, orders, cut, shift_days=400):
    """Future rows moved further into the future and some deleted, one added."""
    ce = events["occurred_at"] >= cut
    e2 = events.copy()
    e2.loc[ce, "occurred_at"] = e2.loc[ce, "occurred_at"] + pd.Timedelta(days=shift_days)
    e2 = e2.drop(index=e2.index[ce][::3])
    extra = e2.iloc[:5].copy()
    extra["occurred_at"] = cut
    e2 = pd.concat([e2, extra], ignore_index=True)  # events exactly at the cut-off
    co = orders["ordered_at"] >= cut
    o2 = orders.copy()
    o2.loc[co, "amount"] = o2.loc[co, "amount"] * 10
    o2.loc[co, "refund_amount"] = 0.0
    o2 = o2.drop(index=o2.index[co][::2])
    return e2, o2


def test_moving_future_events_does_not_change_features(sample_tables):
    t = sample_tables
    cut = pd.Timestamp("2026-01-01", tz="Asia/Shanghai")
    before = churn_features(t.contacts, t.events, t.orders, as_of=cut)
    e2, o2 = _move_future(t.events, t.orders, cut)
    after = churn_features(t.contacts, e2, o2, as_of=cut)
    pd.testing.assert_frame_equal(before, after)
    # ... and moving a past event does change them (the test can fail)
    e3 = t.events.copy()
    i = e3.index[(e3["occurred_at"] < cut) & (e3["event_type"] == "message")][-1]
    e3.loc[i, "occurred_at"] = cut - pd.Timedelta(hours=1)
    changed = churn_features(t.contacts, e3, t.orders, as_of=cut)
    assert not changed.equals(before)


def test_inputs_unchanged_and_row_order_irrelevant(sample_tables):
    t = sample_tables
    copies = [x.copy() for x in (t.contacts, t.events, t.orders)]
    base = churn_features(t.contacts, t.events, t.orders, as_of="2025-10-01")
    for x, y in zip(copies, (t.contacts, t.events, t.orders)):
        pd.testing.assert_frame_equal(x, y)
    rng = np.random.default_rng(1)
    shuffled = [x.iloc[rng.permutation(len(x))] for x in copies]
    again = churn_features(*shuffled, as_of="2025-10-01")
    pd.testing.assert_frame_equal(base, again, check_exact=False, rtol=1e-12)
    assert base.index.is_unique and base.index.is_monotonic_increasing


def test_users_argument_and_errors():
    c, e, o = _tiny()
    f = churn_features(c, e, o, as_of=AS_OF, users=pd.Series(["B", "C", "B"]))
    assert list(f.index) == ["B", "C"]
    assert f.loc["C", "tenure_days"] < 0  # listed explicitly, joined after the cut-off
    with pytest.raises(ValueError, match="not found in contacts"):
        churn_features(c, e, o, as_of=AS_OF, users=pd.Series(["Z"]))
    with pytest.raises(ValueError, match="short_days"):
        churn_features(c, e, o, as_of=AS_OF, short_days=90, long_days=30)
    with pytest.raises(ValueError, match="as_of"):
        churn_features(c, e, o, as_of=None)


def test_feature_dictionary_documents_every_column():
    d = feature_dictionary()
    assert list(d["feature"]) == list(FEATURE_COLUMNS)
    assert d["meaning"].str.len().min() > 10
