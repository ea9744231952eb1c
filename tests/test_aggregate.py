"""Five-value evidence, retention labels and per-period counts on hand-made frames."""

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate.activity import counts_by_period, mix, orders_by_period, table_summary
from analysis.aggregate.labels import retention_labels
from analysis.aggregate.values import value_evidence
from analysis.data.validate import validate_tables


def frames():
    contacts = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d"],
            "joined_at": ["2025-01-01", "2025-01-01", "2025-02-01", "2025-03-10"],
            "channel": ["douyin"] * 4,
            "hook": ["coupon"] * 4,
            "referrer_id": [None] * 4,
        }
    )
    events = pd.DataFrame(
        {
            "user_id": ["a", "a", "a", "b", "b", "c", "c", "a"],
            "occurred_at": [
                "2025-01-10",
                "2025-02-20",
                "2025-02-25",
                "2025-02-01",
                "2025-02-27",
                "2025-02-15",
                "2025-03-05",
                "2025-03-01",
            ],
            "event_type": [
                "share",
                "share",
                "review",
                "inquiry",
                "del_follow_user",
                "message",
                "message",
                "cocreation",
            ],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "user_id": ["a", "a", "c", "c"],
            "ordered_at": ["2025-02-10", "2025-03-02", "2025-02-20", "2025-03-15"],
            "amount": [100.0, 40.0, 60.0, 10.0],
            "is_refund": [False, False, True, False],
            "refund_amount": [0.0, 0.0, 20.0, 0.0],
        }
    )
    t = validate_tables(contacts, events, orders)
    return t.contacts, t.events, t.orders


AS_OF = "2025-03-01"  # the cocreation event at exactly 03-01 00:00 is not before it


def test_value_evidence_golden_counts():
    c, e, o = frames()
    v = value_evidence(e, o, as_of=AS_OF, lookback_days=30, users=c["user_id"])
    # window [2025-01-30, 2025-03-01): a: share 02-20, review 02-25, order 100; b: inquiry 02-01;
    # c: order 60 with 20 refunded -> 40; d: nothing
    expected = pd.DataFrame(
        {
            "experience": [0.0, 1.0, 0.0, 0.0],
            "consumption": [100.0, 0.0, 40.0, 0.0],
            "social": [1.0, 0.0, 0.0, 0.0],
            "content": [1.0, 0.0, 0.0, 0.0],
            "innovation": [0.0, 0.0, 0.0, 0.0],
        },
        index=pd.Index(["a", "b", "c", "d"], name="user_id"),
    )
    pd.testing.assert_frame_equal(v, expected)


def test_value_evidence_half_life_golden():
    c, e, o = frames()
    v = value_evidence(e, o, as_of=AS_OF, lookback_days=None, half_life_days=10)
    # a's shares: 01-10 (50 days before: 0.5**5) and 02-20 (9 days: 0.5**0.9)
    assert v.loc["a", "social"] == pytest.approx(0.5**5 + 0.5**0.9)
    assert v.loc["a", "consumption"] == pytest.approx(100 * 0.5 ** (19 / 10))
    assert "d" not in v.index  # no users= given: only users with evidence


def test_value_evidence_ignores_the_future_and_input_unchanged():
    c, e, o = frames()
    e0, o0 = e.copy(), o.copy()
    base = value_evidence(e, o, as_of=AS_OF, lookback_days=90, users=c["user_id"])
    later = e["occurred_at"] >= pd.Timestamp(AS_OF, tz="Asia/Shanghai")
    moved = e.copy()
    moved.loc[later, "occurred_at"] += pd.Timedelta(days=400)
    extra = pd.DataFrame(
        {
            "user_id": ["d"] * 3,
            "occurred_at": [pd.Timestamp("2025-03-02", tz="Asia/Shanghai")] * 3,
            "event_type": ["post"] * 3,
            "value": np.nan,
            "context": None,
        }
    )
    moved = pd.concat([moved, extra], ignore_index=True)
    pd.testing.assert_frame_equal(
        value_evidence(moved, o, as_of=AS_OF, lookback_days=90, users=c["user_id"]), base
    )
    shuffled = value_evidence(
        e.sample(frac=1, random_state=0),
        o.sample(frac=1, random_state=0),
        as_of=AS_OF,
        lookback_days=90,
        users=c["user_id"],
    )
    pd.testing.assert_frame_equal(shuffled, base)
    pd.testing.assert_frame_equal(e, e0)
    pd.testing.assert_frame_equal(o, o0)


def test_retention_labels_golden():
    c, e, o = frames()
    lab = retention_labels(c, e, o, cutoff=AS_OF, horizon_days=30, observation_end="2025-04-01")
    # b deleted the contact on 02-27 -> not in the population; d joined after the cut-off
    assert lab["user_id"].tolist() == ["a", "c"]
    # a: cocreation at exactly the cut-off counts as in-window activity; c: message 03-05
    assert lab["retained"].tolist() == [True, True]
    purchase = retention_labels(
        c, e, o, cutoff=AS_OF, horizon_days=10, activity="purchase", observation_end="2025-04-01"
    )
    # a bought on 03-02 (inside 10 days); c bought on 03-15 (outside)
    assert purchase["retained"].tolist() == [True, False]
    assert lab.loc[0, "tenure_days"] == pytest.approx(59.0)


def test_retention_labels_hard_churn_in_window_is_not_retained():
    c, e, o = frames()
    lab = retention_labels(
        c, e, o, cutoff="2025-02-10", horizon_days=30, observation_end="2025-04-01"
    )
    b = lab.set_index("user_id").loc["b"]
    assert bool(b["churned_hard"]) and not bool(b["retained"])


def test_retention_labels_refuse_a_window_past_the_data():
    c, e, o = frames()
    with pytest.raises(ValueError, match="runs past the data"):
        retention_labels(c, e, o, cutoff="2025-03-10", horizon_days=90)


def test_lost_after_days_removes_long_silent_users():
    c, e, o = frames()
    lab = retention_labels(
        c, e, o, cutoff=AS_OF, horizon_days=30, lost_after_days=10, observation_end="2025-04-01"
    )
    # a was last active 02-25 (4 days before); c last active 02-20 order is refunded in part
    # (net 40 > 0) -> 9 days: both stay
    assert lab["user_id"].tolist() == ["a", "c"]
    lab = retention_labels(
        c, e, o, cutoff=AS_OF, horizon_days=30, lost_after_days=5, observation_end="2025-04-01"
    )
    assert lab["user_id"].tolist() == ["a"]


def test_counts_and_orders_by_period_golden():
    c, e, o = frames()
    per = orders_by_period(o, freq="M")
    assert per["period"].dt.strftime("%Y-%m").tolist() == ["2025-02", "2025-03"]
    assert per["net"].tolist() == [140.0, 50.0]
    assert per["refunded"].tolist() == [20.0, 0.0]
    ev = counts_by_period(e, time_col="occurred_at", by="event_type", freq="M")
    assert ev["rows"].sum() == len(e)
    feb = ev[ev["period"] == pd.Timestamp("2025-02-01")].set_index("event_type")["rows"]
    assert feb.to_dict() == {
        "del_follow_user": 1,
        "inquiry": 1,
        "message": 1,
        "review": 1,
        "share": 1,
    }
    m = mix(c, rows="channel", cols="hook")
    assert m["share"].sum() == pytest.approx(1.0)
    s = table_summary(c, e, o).set_index("table")
    assert s.loc["orders", "users"] == 2 and s.loc["events", "rows"] == 8


def test_a_user_re_added_after_deleting_is_back_in_the_population():
    c, e, o = frames()
    readd = pd.DataFrame(
        {
            "user_id": ["b"],
            "occurred_at": [pd.Timestamp("2025-02-28 12:00", tz="Asia/Shanghai")],
            "event_type": ["contact_add"],
            "value": np.nan,
            "context": "1v1",
        }
    )
    e2 = pd.concat([e, readd], ignore_index=True)
    lab = retention_labels(c, e2, o, cutoff=AS_OF, horizon_days=30, observation_end="2025-04-01")
    assert lab["user_id"].tolist() == ["a", "b", "c"]
    assert not lab.set_index("user_id").loc["b", "retained"]  # nothing after the re-add


def _tables(contacts, events, orders):
    c = pd.DataFrame(contacts, columns=["user_id", "joined_at"])
    e = pd.DataFrame(events, columns=["user_id", "occurred_at", "event_type"])
    o = pd.DataFrame(orders, columns=["user_id", "ordered_at", "amount", "refund_amount"])
    c = c.assign(channel="douyin", hook="coupon", referrer_id=None)
    e = e.assign(value=np.nan, context="1v1")
    o.insert(0, "order_id", [f"o{i}" for i in range(len(o))])
    o.insert(4, "is_refund", o["refund_amount"] > 0)
    for df, col in ((c, "joined_at"), (e, "occurred_at"), (o, "ordered_at")):
        df[col] = (
            pd.to_datetime(df[col], format="ISO8601")
            .dt.tz_localize("Asia/Shanghai")
            .astype("datetime64[us, Asia/Shanghai]")
        )
    return c, e, o


def test_retention_labels_golden_at_the_window_edges():
    """Cut-off c = 03-01, horizon 10 days: the window is [03-01, 03-11). Instants at c are
    inside the window (never features), instants at c + 10 days are outside."""
    c, e, o = _tables(
        [
            ("a", "2025-01-01"),
            ("b", "2025-01-01"),
            ("c", "2025-03-01"),  # joins exactly at the cut-off: not in the population
            ("d", "2025-01-01"),
            ("e", "2025-02-01 12:00"),
            ("f", "2025-01-01"),
            ("g", "2025-01-01"),
            ("h", "2025-01-01"),
            ("i", "2025-01-01"),
            ("j", "2025-01-01"),
        ],
        [
            ("a", "2025-02-20", "message"),
            ("a", "2025-03-11", "message"),  # at c + horizon: outside
            ("b", "2025-02-25", "share"),
            ("b", "2025-03-01", "del_follow_user"),  # hard churn at c: inside
            ("b", "2025-03-02", "message"),
            ("d", "2025-02-10", "del_follow_user"),
            ("d", "2025-02-12", "contact_add"),  # re-added before c: back in
            ("d", "2025-03-05", "content_view"),  # not an interaction: no activity
            ("f", "2025-03-03", "inquiry"),
            ("f", "2025-03-11", "del_follow_user"),  # at c + horizon: outside
            ("f", "2025-03-20", "message"),
            ("g", "2025-02-10", "del_follow_user"),
            ("g", "2025-02-15", "message"),  # active again, but never re-added: still lost
            ("h", "2025-02-10", "del_follow_user"),
            ("h", "2025-03-01", "contact_add"),  # re-added only at c: lost by c
            ("i", "2025-02-10", "del_follow_user"),
            ("i", "2025-02-10", "contact_add"),  # at the same instant: not after it, lost
            ("j", "2025-02-20", "message"),
            ("j", "2025-03-01", "message"),  # at c: in the window, not before it
        ],
        [
            ("e", "2025-02-28 23:00", 50.0, 0.0),
            ("e", "2025-03-02", 30.0, 30.0),  # refunded in full: not a purchase
            ("e", "2025-03-10 23:59", 20.0, 5.0),
        ],
    )
    lab = retention_labels(c, e, o, cutoff="2025-03-01", horizon_days=10)
    tz = "Asia/Shanghai"
    # row order is irrelevant: the result is sorted by user_id with a fresh index
    backwards = retention_labels(
        c.iloc[::-1], e.iloc[::-1], o, cutoff="2025-03-01", horizon_days=10
    )
    pd.testing.assert_frame_equal(backwards, lab)

    def t(s):
        return pd.Timestamp(s, tz=tz) if s else pd.NaT

    cut = t("2025-03-01")
    assert lab.columns.tolist() == [
        *("user_id", "cutoff", "horizon_days", "first_activity_at", "churned_at"),
        *("churned_hard", "retained", "last_activity_before", "tenure_days"),
    ]
    assert lab["user_id"].tolist() == ["a", "b", "d", "e", "f", "j"]
    assert (lab["cutoff"] == cut).all() and (lab["horizon_days"] == 10).all()
    assert lab["first_activity_at"].tolist() == [
        *(t(""), t("2025-03-02"), t(""), t("2025-03-10 23:59"), t("2025-03-03"), cut)
    ]
    assert lab["churned_at"].tolist() == [t(""), cut, t(""), t(""), t(""), t("")]
    assert lab["churned_hard"].tolist() == [False, True, False, False, False, False]
    assert lab["retained"].tolist() == [False, False, False, True, True, True]
    assert lab["last_activity_before"].tolist() == [
        *(t("2025-02-20"), t("2025-02-25"), t("2025-02-12"), t("2025-02-28 23:00")),
        *(t(""), t("2025-02-20")),
    ]
    assert lab["tenure_days"].tolist() == [59.0, 59.0, 59.0, 27.5, 59.0, 59.0]
    # purchases only: e's paid order inside the window; the refunded one is no activity
    bought = retention_labels(c, e, o, cutoff="2025-03-01", horizon_days=10, activity="purchase")
    assert bought["retained"].tolist() == [False, False, False, True, False, False]
    assert bought["last_activity_before"].tolist() == [
        *(t(""), t(""), t(""), t("2025-02-28 23:00"), t(""), t(""))
    ]
    with pytest.raises(ValueError, match="activity must be one of"):
        retention_labels(c, e, o, cutoff="2025-03-01", horizon_days=10, activity="orders")


def test_retention_labels_lost_after_days_edges():
    # c = 03-01, lost_after_days = 10: silent since 02-19 00:00 = lost, unless joined after it
    c, e, o = _tables(
        [("a", "2025-01-01"), ("b", "2025-01-01"), ("c", "2025-02-19"), ("d", "2025-02-18")],
        [("a", "2025-02-19", "message"), ("b", "2025-02-18 23:00", "message")],
        [],
    )
    lab = retention_labels(
        c,
        e,
        o,
        cutoff="2025-03-01",
        horizon_days=5,
        lost_after_days=10,
        observation_end="2025-04-01",
    )
    # a: active exactly at the start of the 10 days; c: joined exactly then; b, d: silent
    assert lab["user_id"].tolist() == ["a", "c"]


def test_retention_labels_window_must_lie_inside_the_data():
    c, e, o = _tables(
        [("a", "2025-01-01")], [("a", "2025-03-09", "message")], [("a", "2025-03-10", 5.0, 0.0)]
    )
    # without observation_end the data end a day after the last record: 03-11
    assert len(retention_labels(c, e, o, cutoff="2025-03-01", horizon_days=10)) == 1
    with pytest.raises(ValueError, match=r"^label window \[2025-03-01 00:00:01\+08:00, 2025-03-11"):
        retention_labels(c, e, o, cutoff="2025-03-01 00:00:01", horizon_days=10)
    kw = dict(cutoff="2025-03-01", horizon_days=20)
    assert len(retention_labels(c, e, o, observation_end="2025-03-21", **kw)) == 1
    with pytest.raises(ValueError, match="runs past the data"):
        retention_labels(c, e, o, observation_end="2025-03-20 23:59", **kw)
    for h in (0, -1):
        with pytest.raises(ValueError, match="horizon_days must be positive"):
            retention_labels(c, e, o, cutoff="2025-03-01", horizon_days=h)
    assert len(retention_labels(c, e, o, cutoff="2025-03-01", horizon_days=1)) == 1
    ninety = retention_labels(c, e, o, cutoff="2025-03-01", observation_end="2025-05-30")
    assert ninety["horizon_days"].tolist() == [90]  # the default horizon
    with pytest.raises(ValueError, match="runs past the data"):
        retention_labels(c, e, o, cutoff="2025-03-01", observation_end="2025-05-29")
    with pytest.raises(ValueError, match="^cutoff: cannot read 'soon' as a timestamp"):
        retention_labels(c, e, o, cutoff="soon", horizon_days=1)
    with pytest.raises(ValueError, match="^observation_end: cannot read 'later'"):
        retention_labels(c, e, o, cutoff="2025-03-01", horizon_days=1, observation_end="later")
    with pytest.raises(ValueError, match="choose an earlier cutoff or a shorter horizon$"):
        retention_labels(c, e, o, cutoff="2025-03-01", horizon_days=11)
    # no records at all: the data end a day after the cut-off
    none = retention_labels(c, e.iloc[:0], o.iloc[:0], cutoff="2025-03-01", horizon_days=1)
    assert none["retained"].tolist() == [False]
    with pytest.raises(ValueError, match="runs past the data"):
        retention_labels(c, e.iloc[:0], o.iloc[:0], cutoff="2025-03-01", horizon_days=2)


def test_retention_labels_same_on_duckdb_and_with_a_brand_vocabulary():
    """The tiny edge cases give the same table on DuckDB; a brand's own churn type counts."""
    c, e, o = _tables(
        [("a", "2025-01-01"), ("b", "2025-01-01"), ("c", "2025-02-25")],
        [
            ("a", "2025-02-20", "message"),
            ("a", "2025-03-01", "message"),
            ("b", "2025-02-26", "message"),
            ("b", "2025-03-05", "unsubscribe"),
        ],
        [
            ("c", "2025-03-02", 10.0, 0.0),
            ("c", "2025-02-26", 10.0, 10.0),
            ("b", "2025-02-27", 5.0, 0.0),
        ],
    )
    vocab = {"event_types": {"unsubscribe": {"stage": "lost", "meaning": "left the account"}}}
    kw = dict(cutoff="2025-03-01", horizon_days=10, vocabulary=vocab, observation_end="2025-04-01")
    lab = retention_labels(c, e, o, **kw)
    assert lab["churned_hard"].tolist() == [False, True, False]
    assert lab["retained"].tolist() == [True, False, True]
    for activity, lost_after_days in (("any", None), ("purchase", 3)):
        args = dict(kw, activity=activity, lost_after_days=lost_after_days)
        pd.testing.assert_frame_equal(
            retention_labels(c, e, o, engine="duckdb", **args), retention_labels(c, e, o, **args)
        )


def test_retention_labels_lost_after_days_without_any_activity_before_the_cutoff():
    c, e, o = _tables([("a", "2025-01-01")], [], [("a", "2025-03-05", 10.0, 0.0)])
    kw = dict(cutoff="2025-03-01", horizon_days=10, observation_end="2025-04-01")
    # a joined two months before the cut-off and did nothing since: lost (as on DuckDB)
    lab = retention_labels(c, e, o, lost_after_days=30, **kw)
    assert lab.empty


def test_one_set_of_label_defaults_is_used_by_the_api_and_the_report():
    import inspect

    from analysis.aggregate import labels as L
    from analysis.reports import declared_parameters
    from analysis.studies.churn import ChurnDefinition
    from analysis.studies.validity import rolling_origin, study_frame

    assert L.LOST_AFTER_DAYS is not None  # the population rule drops the long-silent
    for fn in (L.retention_labels, study_frame, rolling_origin):
        sig = inspect.signature(fn).parameters
        for name, value in L.LABEL_DEFAULTS.items():
            if name in sig:
                assert sig[name].default == value, (fn.__name__, name)
    d = ChurnDefinition()
    for name, value in L.LABEL_DEFAULTS.items():
        assert getattr(d, name) == value, name
    # the report reads the same defaults (its parameters cell names them, never a number)
    nb = "notebooks/value-index-retention.py"
    from analysis.paths import resolve

    text = resolve(nb).read_text(encoding="utf-8")
    for name in L.LABEL_DEFAULTS:
        assert name in declared_parameters(nb)
        assert f'{name} = LABEL_DEFAULTS["{name}"]' in text, name
