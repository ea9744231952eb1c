"""stage_codes (the flow model's stage evidence, issue 9) gives the pandas engine's codes on
DuckDB and Spark: on the committed sample with the flow ladder's real arguments, and on
hand-made edge cases.

Tests taking ``eng`` run once on DuckDB and once on Spark (local mode); the variations of the
rules run on DuckDB only (Spark runs the same SQL text, and every Spark query costs seconds).
"""

from unittest import mock

import numpy as np
import pandas as pd
import pytest
from conftest import from_folder

from analysis.aggregate.stages import stage_codes
from analysis.engine.tables import DuckTables
from analysis.paths import resolve
from analysis.studies.flow import Ladder, assign_stages, monthly_snapshots

pytest.importorskip("duckdb")

TZ = "Asia/Shanghai"


@pytest.fixture(scope="module")
def sql_sample(eng):
    with from_folder(eng, resolve("data/sample")) as tables:
        yield tables


def flow_kwargs(ladder: Ladder, snapshots) -> dict:
    """The keyword arguments :func:`analysis.studies.flow.assign_stages` passes to ``stage_codes``
    (captured from the real call, so the test follows the flow model's configuration)."""
    seen = {}

    def spy(contacts, events, orders, **kwargs):
        seen.update(kwargs)

    with mock.patch("analysis.studies.flow.stage_codes", spy):
        assign_stages(None, None, None, snapshots=snapshots, ladder=ladder)
    seen.pop("engine", None)  # passed on by assign_stages(engine=...); set per test here
    seen.pop("with_ungated", None)  # likewise (assign_stages(ungated=...))
    return seen


def check_codes(codes: pd.DataFrame, n_users: int, n_snaps: int) -> None:
    assert codes.shape == (n_users, n_snaps)
    assert (codes.dtypes == np.int8).all()


# --- the committed sample ---------------------------------------------------------------------

# 18 month starts on DuckDB; 6 (every third) on Spark, where each query costs seconds
SAMPLE_SNAPS = monthly_snapshots("2025-01-01", "2026-06-01")


def sample_snaps(eng: str):
    return SAMPLE_SNAPS if eng == "duckdb" else SAMPLE_SNAPS[::3]


@pytest.fixture(scope="module")
def sample_expected(sample_tables):
    t = sample_tables
    kw = flow_kwargs(Ladder(), SAMPLE_SNAPS)
    return stage_codes(t.contacts, t.events, t.orders, **kw)


def test_sample_same_on_sql_engines(sample_tables, sample_expected, sql_sample, eng):
    t = sample_tables
    snaps = sample_snaps(eng)
    kw = flow_kwargs(Ladder(), snaps)
    got = stage_codes(sql_sample.contacts, sql_sample.events, sql_sample.orders, engine=eng, **kw)
    expected = sample_expected[snaps]
    check_codes(expected, len(t.contacts), len(snaps))
    # the sample exercises the ladder: many states at the late snapshots, -1 early on
    assert expected.iloc[:, -1].nunique() >= 8 and (expected.iloc[:, 0] == -1).any()
    pd.testing.assert_frame_equal(expected, got)


def test_sample_from_pandas_frames_and_mixed_inputs_duckdb(sample_tables, sample_expected):
    t = sample_tables
    before = [f.copy() for f in (t.contacts, t.events, t.orders)]
    kw = flow_kwargs(Ladder(), SAMPLE_SNAPS)
    got = stage_codes(t.contacts, t.events, t.orders, engine="duckdb", **kw)
    pd.testing.assert_frame_equal(sample_expected, got)
    for a, b in zip(before, (t.contacts, t.events, t.orders)):
        pd.testing.assert_frame_equal(a, b)
    # contacts as a frame (its row order is kept), events and orders read from the files
    with DuckTables.from_folder(resolve("data/sample"), memory_limit="1GB") as duck:
        shuffled = t.contacts.sample(frac=1.0, random_state=7)
        got = stage_codes(shuffled, duck.events, duck.orders, engine="duckdb", **kw)
    pd.testing.assert_frame_equal(stage_codes(shuffled, t.events, t.orders, **kw), got)


def test_sample_in_parts_of_users_same_duckdb(sample_tables, sample_expected, monkeypatch):
    """Past STAGE_QUERY_USERS contacts the query runs per range of user ids: the same codes
    (with the referral stage, whose evidence is the referred contact's order)."""
    from analysis.aggregate import stages

    t = sample_tables
    kw = flow_kwargs(Ladder(), SAMPLE_SNAPS)
    monkeypatch.setattr(stages, "STAGE_QUERY_USERS", len(t.contacts) // 3)
    seen = []
    real = stages._stage_sql
    monkeypatch.setattr(stages, "_stage_sql", lambda **k: seen.append(k) or real(**k))
    with DuckTables.from_folder(resolve("data/sample"), memory_limit="1GB") as duck:
        got = stage_codes(t.contacts, duck.events, duck.orders, engine="duckdb", **kw)
    assert len(seen) in (3, 4)  # three full parts (and the rest)
    pd.testing.assert_frame_equal(sample_expected, got)


def test_sample_with_and_without_the_gate_from_one_query(sample_tables, sql_sample, eng):
    """with_ungated: the codes of both ladders from one query, each equal to the pandas
    engine's codes of that ladder (fewer snapshots: more users per query); positions give
    the ungated codes at those snapshots only."""
    t = sample_tables
    snaps = SAMPLE_SNAPS[::4]
    kw = flow_kwargs(Ladder(), snaps)
    s = sql_sample
    gated, plain = stage_codes(s.contacts, s.events, s.orders, engine=eng, with_ungated=True, **kw)
    pd.testing.assert_frame_equal(stage_codes(t.contacts, t.events, t.orders, **kw), gated)
    expected = stage_codes(t.contacts, t.events, t.orders, **{**kw, "purchase_gated": ()})
    assert (expected != gated).to_numpy().sum() > 10  # the gate matters on the sample
    pd.testing.assert_frame_equal(expected, plain)
    _, some = stage_codes(s.contacts, s.events, s.orders, engine=eng, with_ungated=[1, 3], **kw)
    pd.testing.assert_frame_equal(expected.iloc[:, [1, 3]], some)


def test_user_ranges_cover_every_id_once():
    from analysis.aggregate.stages import user_ranges

    ids = pd.Index(["b", "a", "d", "c", "e", "007"])
    assert user_ranges(ids, 10) == [(None, None)]
    parts = user_ranges(ids, 2)
    assert parts == [(None, "b"), ("b", "d"), ("d", None)]  # 007 a | b c | d e
    for x in ["", "0", "007", "a", "aa", "c", "zz"]:  # ids that are not contacts fall somewhere
        inside = [(lo is None or x >= lo) and (hi is None or x < hi) for lo, hi in parts]
        assert sum(inside) == 1, x


# --- hand-made edge cases ---------------------------------------------------------------------
# Snapshots S0..S2 = 2025-02-01, 03-01, 04-01 (00:00 +08:00). Each user exercises one rule.

SNAPS = [pd.Timestamp(s, tz=TZ) for s in ("2025-02-01", "2025-03-01", "2025-04-01")]


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


CONTACTS = [  # user_id, joined_at, referrer_id
    ("at_snap", "2025-01-05", None),  # a message and an order exactly at S1
    ("ref_ghost", "2025-01-05", "ghost"),  # referrer not among the contacts
    ("referrer", "2024-12-01", None),  # gets ambassador when "referred" buys
    ("referred", "2025-01-06", "referrer"),
    ("pre_join", "2025-03-15", None),  # joins after S1, pre-join evidence before
    ("never", "2025-05-01", None),  # joins after every snapshot, no evidence
    ("old_pre", "2025-05-01", None),  # pre-join evidence older than the look-back
    ("groups_out", "2025-01-05", None),  # quits == joins, last quit after the activity
    ("groups_in", "2025-01-05", None),  # quits < joins
    ("groups_back", "2025-01-05", None),  # quits == joins, then active again
    ("refund", "2024-12-20", None),  # a fully refunded order is no purchase
    ("partial", "2024-12-20", None),  # a partly refunded order is one
    ("repeat", "2024-12-20", None),  # 2 paid orders before S1, a third exactly at S2
    ("churn_tie", "2025-01-05", None),  # churn at the same instant as a message
    ("tie_stages", "2025-01-05", None),  # two stages at the same instant
    ("quiet", "2024-09-01", None),  # silent, then lost by inactivity
]
EVENTS = [  # user_id, occurred_at, event_type
    ("at_snap", "2025-03-01 00:00:00", "message"),
    ("at_snap", "2025-03-01 00:00:00", "inquiry"),
    ("referrer", "2025-02-20", "message"),
    ("pre_join", "2025-01-20", "qr_scan"),
    ("pre_join", "2025-02-20", "content_view"),
    ("old_pre", "2024-09-01", "qr_scan"),
    ("groups_out", "2025-01-06", "group_join"),
    ("groups_out", "2025-01-07", "group_join"),
    ("groups_out", "2025-01-20", "message"),
    ("groups_out", "2025-01-21", "group_quit"),
    ("groups_out", "2025-01-22", "group_quit"),
    ("groups_in", "2025-01-06", "group_join"),
    ("groups_in", "2025-01-07", "group_join"),
    ("groups_in", "2025-01-21", "group_quit"),
    ("groups_back", "2025-01-06", "group_join"),
    ("groups_back", "2025-01-21", "group_quit"),
    ("groups_back", "2025-02-10", "message"),
    ("churn_tie", "2025-01-20 12:00:00", "message"),
    ("churn_tie", "2025-01-20 12:00:00", "del_follow_user"),
    ("tie_stages", "2025-01-20 12:00:00", "share"),
    ("tie_stages", "2025-01-20 12:00:00", "read"),
    ("stranger", "2025-01-20", "share"),  # not a contact: ignored
]
ORDERS = [  # order_id, user_id, ordered_at, amount, refund_amount
    ("o1", "at_snap", "2025-03-01 00:00:00", 99.0, 0.0),
    ("o2", "ref_ghost", "2025-01-10", 50.0, 0.0),
    ("o3", "referred", "2025-02-10", 80.0, 0.0),
    ("o4", "referred", "2025-03-10", 80.0, 0.0),
    ("o5", "refund", "2025-01-15", 60.0, 60.0),
    ("o6", "partial", "2025-01-15", 60.0, 20.0),
    ("o7", "repeat", "2025-01-10", 30.0, 0.0),
    ("o8", "repeat", "2025-02-10", 30.0, 0.0),
    ("o9", "repeat", "2025-04-01 00:00:00", 30.0, 0.0),
    ("o10", "stranger", "2025-01-10", 30.0, 0.0),
]


def edge_tables():
    contacts = pd.DataFrame(
        {
            "user_id": [c[0] for c in CONTACTS],
            "joined_at": pd.DatetimeIndex([ts(c[1]) for c in CONTACTS]).as_unit("us"),
            "channel": "douyin",
            "hook": "coupon",
            "referrer_id": pd.Series([c[2] for c in CONTACTS], dtype="str"),
        }
    )
    events = pd.DataFrame(
        {
            "user_id": [e[0] for e in EVENTS],
            "occurred_at": pd.DatetimeIndex([ts(e[1]) for e in EVENTS]).as_unit("us"),
            "event_type": [e[2] for e in EVENTS],
            "value": np.nan,
            "context": "1v1",
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": [o[0] for o in ORDERS],
            "user_id": [o[1] for o in ORDERS],
            "ordered_at": pd.DatetimeIndex([ts(o[2]) for o in ORDERS]).as_unit("us"),
            "amount": [o[3] for o in ORDERS],
            "refund_amount": [o[4] for o in ORDERS],
        }
    )
    orders["is_refund"] = orders["refund_amount"] > 0
    return contacts, events, orders


def states(codes: pd.DataFrame, ladder: Ladder) -> pd.DataFrame:
    lab = ladder.states
    return codes.apply(lambda col: col.map(lambda c: lab[c] if c >= 0 else "-"))


def test_edge_cases_golden_pandas():
    """The edge data do exercise the rules they are meant to (pandas engine)."""
    lad = Ladder()
    got = states(stage_codes(*edge_tables(), **flow_kwargs(lad, SNAPS)), lad)
    s0, s1, s2 = (got[s] for s in SNAPS)
    # the message, inquiry and order exactly at S1 are not read for S1 (else "act")
    assert (s0["at_snap"], s1["at_snap"]) == ("access", "silent")
    # the referrer's referral bought, but the referrer never did: gated down to active
    assert (s0["referrer"], s1["referrer"]) == ("silent", "active")
    ungated = Ladder(purchase_gated=())
    plain = states(stage_codes(*edge_tables(), **flow_kwargs(ungated, SNAPS)), ungated)
    assert plain.loc["referrer", SNAPS[1]] == "ambassador"
    assert (s1["referred"], s2["referred"]) == ("act", "again")
    assert s0["ref_ghost"] == "act"
    assert (s0["pre_join"], s1["pre_join"], s2["pre_join"]) == ("appeal", "appeal", "access")
    assert got.loc["never"].tolist() == ["-"] * 3 and got.loc["old_pre"].tolist() == ["-"] * 3
    assert s0["groups_out"] == "lost" and s0["groups_in"] == "access"
    assert (s0["groups_back"], s1["groups_back"]) == ("lost", "active")
    assert (s0["refund"], s0["partial"]) == ("silent", "act")
    # the third order, exactly at S2, is not read for S2
    assert (s0["repeat"], s1["repeat"], s2["repeat"]) == ("act", "again", "silent")
    # tie_stages: advocate evidence without a purchase is gated down to active
    assert s0["churn_tie"] == "lost" and s0["tie_stages"] == "active"
    assert plain.loc["tie_stages", SNAPS[0]] == "advocate"
    assert (s0["quiet"], s2["quiet"]) == ("silent", "lost")
    assert "stranger" not in got.index and "ghost" not in got.index


def test_edge_cases_same_on_sql_engines(eng):
    c, e, o = edge_tables()
    kw = flow_kwargs(Ladder(), SNAPS)
    expected = stage_codes(c, e, o, **kw)
    got = stage_codes(c, e, o, engine=eng, **kw)
    check_codes(got, len(c), len(SNAPS))
    pd.testing.assert_frame_equal(expected, got)


def _no_referrer(c, e, o):
    return c.drop(columns="referrer_id"), e, o


def _empty_events_orders(c, e, o):
    return c, e.iloc[:0], o.iloc[:0]


def _shuffled(c, e, o):
    rng = np.random.default_rng(1)
    return tuple(x.iloc[rng.permutation(len(x))] for x in (c, e, o))


def _utc_times(c, e, o):  # the same instants, other offsets
    c, e, o = c.copy(), e.copy(), o.copy()
    c["joined_at"] = c["joined_at"].dt.tz_convert("UTC")
    e["occurred_at"] = e["occurred_at"].dt.tz_convert("UTC")
    o["ordered_at"] = o["ordered_at"].dt.tz_convert("UTC")
    return c, e, o


EDGE_CONFIGS = {
    "no_referral_stage": (Ladder(referral_stage=None), None),
    "ungated": (Ladder(purchase_gated=()), None),
    "gate_without_fallback": (Ladder(gate_fallback_stage=None), None),
    "groups_not_lost": (Ladder(left_all_groups_is_lost=False), None),
    "fractional_days": (
        Ladder(lookback_days=45.5, silent_days=10.25, lost_days=20.75, repeat_min_orders=3),
        None,
    ),
    "no_referrer_column": (Ladder(), _no_referrer),
    "empty_events_orders": (Ladder(), _empty_events_orders),
    "shuffled_rows": (Ladder(), _shuffled),
    "utc_offsets": (Ladder(), _utc_times),
}


@pytest.mark.parametrize("name", list(EDGE_CONFIGS))
def test_edge_case_variants_duckdb(name):
    ladder, transform = EDGE_CONFIGS[name]
    tables = edge_tables()
    if transform is not None:
        tables = transform(*tables)
    for snaps in (SNAPS, [SNAPS[1]], [ts("2025-03-01 00:00:00.000001")]):
        kw = flow_kwargs(ladder, snaps)
        expected = stage_codes(*tables, **kw)
        got = stage_codes(*tables, engine="duckdb", **kw)
        pd.testing.assert_frame_equal(expected, got)


def test_no_snapshots_and_bad_arguments_duckdb():
    c, e, o = edge_tables()
    kw = flow_kwargs(Ladder(), [])
    pd.testing.assert_frame_equal(
        stage_codes(c, e, o, **kw), stage_codes(c, e, o, engine="duckdb", **kw)
    )
    with pytest.raises(ValueError, match="strictly increasing"):
        stage_codes(c, e, o, engine="duckdb", **flow_kwargs(Ladder(), SNAPS[::-1]))
    with pytest.raises(ValueError, match="unique"):
        stage_codes(
            pd.concat([c, c.iloc[:1]]), e, o, engine="duckdb", **flow_kwargs(Ladder(), SNAPS)
        )
    with pytest.raises(ValueError, match="not on the ladder"):
        stage_codes(
            c, e, o, engine="duckdb", **{**flow_kwargs(Ladder(), SNAPS), "repeat_stage": "nope"}
        )
