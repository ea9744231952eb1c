"""The per-user milestone aggregations (analysis.aggregate.milestones) and the
segments-and-flow studies built on them give the same tables on pandas, DuckDB and Spark.

Every test that takes the ``eng`` fixture runs once on DuckDB and once on Spark in local
mode."""

import pandas as pd
import pytest
from conftest import from_folder

from analysis.aggregate import milestones as ms
from analysis.aggregate.milestones import EventTime
from analysis.engine.tables import DuckTables
from analysis.paths import resolve
from analysis.studies import cohorts as co
from analysis.studies import funnels as fu

pytest.importorskip("duckdb")

TZ = "Asia/Shanghai"
SPEC = {
    "first_group_join": EventTime("min", ("group_join",)),
    "first_message": EventTime("min", ("message",), context="1v1"),
    "last_share": EventTime("max", ("share", "invite")),
}


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def small():
    """Ties, a context that is missing, a fully refunded order, an order at the moment of
    joining, an order at a cut-off."""
    contacts = pd.DataFrame(
        {
            "user_id": ["u1", "u2", "u3"],
            "joined_at": [ts("2025-01-01 10:00"), ts("2025-01-02"), ts("2025-03-01")],
            "channel": ["a", "b", "a"],
            "hook": ["x", "x", "y"],
        }
    )
    events = pd.DataFrame(
        {
            "user_id": ["u1", "u1", "u1", "u2", "u2", "u2", "u3"],
            "occurred_at": [
                ts("2025-01-03"),
                ts("2025-01-02"),
                ts("2025-01-09"),
                ts("2025-01-05"),
                ts("2025-01-04"),
                ts("2025-02-01"),
                ts("2025-03-02"),
            ],
            "event_type": [
                "group_join",
                "message",
                "group_join",
                "message",
                "message",
                "invite",
                "share",
            ],
            "context": ["group", "1v1", "group", None, "group", "1v1", "moments"],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
            "user_id": ["u1", "u1", "u1", "u2", "u3", "u3"],
            "ordered_at": [
                ts("2025-01-05"),
                ts("2025-01-05"),
                ts("2025-02-10"),
                ts("2025-01-06"),
                ts("2025-03-03"),
                ts("2025-03-01"),
            ],
            "amount": [10.0, 20.0, 0.1, 5.0, 7.25, 1.0],
            "refund_amount": [0.0, 0.0, 0.0, 5.0, 0.25, 0.0],
        }
    )
    return contacts, events, orders


def test_small_frames_by_hand():
    c, e, o = small()
    t = ms.user_event_times(e, SPEC)
    assert list(t.index) == ["u1", "u2", "u3"]
    assert t.loc["u1", "first_group_join"] == ts("2025-01-03")
    assert t.loc["u1", "first_message"] == ts("2025-01-02")
    assert pd.isna(t.loc["u2", "first_message"])  # its messages are in a group or unknown
    assert t.loc["u2", "last_share"] == ts("2025-02-01")
    p = ms.paid_order_times(o)
    assert list(p.index) == ["u1", "u3"]  # u2's order is fully refunded
    assert p.loc["u1", "n_paid"] == 3
    assert p.loc["u1", "second_paid"] == ts("2025-01-05")  # the tie counts twice
    assert p.loc["u3", "second_paid"] == ts("2025-03-03")
    early = ms.paid_order_times(o, before=ts("2025-02-10"))  # o3 at the cut-off is not before it
    assert early["n_paid"].to_dict() == {"u1": 2}
    assert pd.isna(ms.paid_order_times(o, before=ts("2025-03-02")).loc["u3", "second_paid"])
    s = ms.spend_after_join(c, o, days=30)
    assert s.to_dict() == {"u1": 30.0, "u2": 0.0, "u3": 8.0}  # o6 at the join counts
    n = ms.event_counts(
        e,
        types=["invite", "message"],
        bounds=[ts("2025-01-01"), ts("2025-01-05"), ts("2025-03-01")],
    )
    assert n.to_numpy().tolist() == [[0, 2], [1, 1]]


@pytest.mark.parametrize("frames", [True, False], ids=["frames", "duck-views"])
def test_small_frames_same_on_duckdb(frames):
    c, e, o = small()
    with DuckTables.from_frames(c, e, o) as duck:
        de, do, dc = (e, o, c) if frames else (duck.events, duck.orders, duck.contacts)
        kw = {"engine": "duckdb"}
        pd.testing.assert_frame_equal(
            ms.user_event_times(e, SPEC), ms.user_event_times(de, SPEC, **kw)
        )
        for before in (None, ts("2025-02-10"), ts("2025-03-02")):
            pd.testing.assert_frame_equal(
                ms.paid_order_times(o, before=before), ms.paid_order_times(do, before=before, **kw)
            )
        pd.testing.assert_series_equal(
            ms.spend_after_join(c, o, days=30), ms.spend_after_join(dc, do, days=30, **kw)
        )
        b = [ts("2025-01-01"), ts("2025-01-05"), ts("2025-03-01")]
        for bounds in (None, b):
            pd.testing.assert_frame_equal(
                ms.event_counts(e, types=["invite", "message"], bounds=bounds),
                ms.event_counts(de, types=["invite", "message"], bounds=bounds, **kw),
            )


def test_nothing_to_find_keeps_the_columns_and_types():
    c, e, o = small()
    t = ms.user_event_times(e.iloc[:0], SPEC)
    p = ms.paid_order_times(o, before=ts("2024-01-01"))
    assert (
        t.empty
        and list(t.columns) == list(SPEC)
        and str(t["last_share"].dtype).startswith("datetime64[us")
    )
    assert p.empty and list(p.columns) == list(ms.PAID_TIME_COLUMNS)
    with DuckTables.from_frames(c, e, o) as duck:
        got = ms.paid_order_times(duck.orders, before=ts("2024-01-01"))
    pd.testing.assert_frame_equal(p, got)


# --- the committed sample: pandas (load_tables) vs the SQL engine reading the files ---------


@pytest.fixture(scope="module")
def duck_sample(eng):
    with from_folder(eng, resolve("data/sample")) as duck:
        yield duck


def test_aggregations_sample_same_on_both_engines(sample_tables, duck_sample, eng):
    t, d = sample_tables, duck_sample
    vocab = t.vocabulary
    spec = {
        **SPEC,
        "last_interaction": EventTime("max", tuple(vocab.interaction_types)),
        "first_churn": EventTime("min", tuple(vocab.churn_types)),
    }
    expected = ms.user_event_times(t.events, spec)
    assert len(expected) > 500 and expected["first_message"].notna().sum() > 50
    pd.testing.assert_frame_equal(expected, ms.user_event_times(d.events, spec))
    for before in (None, "2026-01-01"):
        expected = ms.paid_order_times(t.orders, before=before)
        assert (expected["n_paid"] >= 2).sum() > 50
        pd.testing.assert_frame_equal(expected, ms.paid_order_times(d.orders, before=before))
    expected = ms.spend_after_join(t.contacts, t.orders, days=180)
    assert (expected > 0).sum() > 100
    pd.testing.assert_series_equal(expected, ms.spend_after_join(t.contacts, d.orders, days=180))
    b = pd.date_range("2025-02-01", "2026-07-01", freq="MS", tz=t.tz)
    expected = ms.event_counts(t.events, types=["invite", "referral_join"], bounds=b)
    assert expected["invite"].sum() > 0
    pd.testing.assert_frame_equal(
        expected, ms.event_counts(d.events, types=["invite", "referral_join"], bounds=b)
    )


def test_segments_and_flow_studies_sample_same_on_both_engines(sample_tables, duck_sample, eng):
    t, d = sample_tables, duck_sample
    c = t.contacts
    for by in (None, "channel"):
        pd.testing.assert_frame_equal(
            fu.milestone_funnel(c, t.events, t.orders, as_of="2026-04-01", by=by),
            fu.milestone_funnel(c, d.events, d.orders, as_of="2026-04-01", by=by),
        )
        pd.testing.assert_frame_equal(
            fu.purchase_timing(c, t.orders, as_of="2026-04-01", by=by),
            fu.purchase_timing(c, d.orders, as_of="2026-04-01", by=by),
        )
    pd.testing.assert_series_equal(
        co.screening_groups(c, t.events), co.screening_groups(c, d.events)
    )
    end = "2026-07-01"
    pd.testing.assert_series_equal(
        co.spend_after_join(c, t.orders, observation_end=end),
        co.spend_after_join(c, d.orders, observation_end=end),
    )
    assert co.k_factor(c, t.events) == co.k_factor(c, d.events)
    periods = pd.date_range("2025-02-01", end, freq="MS", tz=t.tz)
    pd.testing.assert_frame_equal(
        co.referral_by_period(c, t.events, t.orders, periods=periods),
        co.referral_by_period(c, d.events, d.orders, periods=periods),
    )
    pd.testing.assert_frame_equal(
        co.hazard_ratios(c, t.events, t.orders, observation_end=end, reference="partner"),
        co.hazard_ratios(c, d.events, d.orders, observation_end=end, reference="partner"),
    )
