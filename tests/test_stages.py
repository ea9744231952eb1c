"""Stage assignment per snapshot: golden states on a hand-made frame and invariants."""

import numpy as np
import pandas as pd
import pytest

from analysis.simulate import simulate
from analysis.studies.flow import Ladder, assign_stages

TZ = "Asia/Shanghai"


def ts(s):
    return pd.Timestamp(s, tz=TZ)


def tiny():
    contacts = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
            "joined_at": [
                ts(x)
                for x in [
                    "2025-01-10",
                    "2025-01-05",
                    "2025-01-05",
                    "2025-01-05",
                    "2025-02-10",
                    "2025-01-05",
                    "2025-01-10",
                    "2025-01-05",
                    "2025-02-15",
                ]
            ],
            "channel": "douyin",
            "hook": "coupon",
            "referrer_id": [None, None, None, None, None, None, "f", None, None],
        }
    )
    ev = [
        ("a", "2025-01-10", "contact_add"),
        ("a", "2025-01-20", "message"),
        ("d", "2025-01-05", "contact_add"),
        ("d", "2025-01-20", "del_follow_user"),
        ("d", "2025-02-10", "contact_add"),  # re-added: lost is not absorbing
        ("e", "2025-01-25", "content_view"),
        ("e", "2025-02-10", "contact_add"),
        ("h", "2025-01-05", "contact_add"),
        ("h", "2025-01-06", "group_join"),
        ("h", "2025-01-10", "group_quit"),
    ]
    events = pd.DataFrame(
        {
            "user_id": [e[0] for e in ev],
            "occurred_at": [ts(e[1]) for e in ev],
            "event_type": [e[2] for e in ev],
            "value": np.nan,
            "context": "1v1",
        }
    )
    od = [
        ("o1", "b", "2025-01-15", 100.0, False, 0.0),
        ("o2", "b", "2025-01-25", 50.0, False, 0.0),
        ("o3", "c", "2025-01-15", 80.0, False, 0.0),
        ("o4", "c", "2025-01-20", 80.0, True, 80.0),
        ("o5", "g", "2025-01-20", 30.0, False, 0.0),
    ]
    orders = pd.DataFrame(
        od, columns=["order_id", "user_id", "ordered_at", "amount", "is_refund", "refund_amount"]
    )
    orders["ordered_at"] = orders["ordered_at"].map(ts)
    return contacts, events, orders


SNAPS = [ts("2025-02-01"), ts("2025-03-01")]


def states(codes, ladder):
    lab = ladder.states
    return codes.apply(lambda col: col.map(lambda c: lab[c] if c >= 0 else "-"))


def test_golden_states():
    lad = Ladder()
    c, e, o = tiny()
    got = states(assign_stages(c, e, o, snapshots=SNAPS, ladder=lad), lad)
    first = {
        "a": "active",
        "b": "again",
        "c": "act",
        "d": "lost",
        "e": "aware",
        "f": "ambassador",
        "g": "act",
        "h": "lost",
        "i": "-",
    }
    second = {
        "a": "silent",
        "b": "silent",
        "c": "silent",
        "d": "access",
        "e": "access",
        "f": "silent",
        "g": "silent",
        "h": "lost",
        "i": "access",
    }
    assert got.iloc[:, 0].to_dict() == first
    assert got.iloc[:, 1].to_dict() == second


def test_lost_after_long_silence_and_config():
    lad = Ladder(lookback_days=60, silent_days=20, lost_days=35)
    c, e, o = tiny()
    got = states(assign_stages(c, e, o, snapshots=SNAPS, ladder=lad), lad)
    assert got.loc["a"].tolist() == ["active", "lost"]  # last activity 01-20 < 03-01 - 35d
    # left-all-groups rule switched off: h is active again in the ladder, then silent
    lad2 = Ladder(left_all_groups_is_lost=False)
    got2 = states(assign_stages(c, e, o, snapshots=SNAPS, ladder=lad2), lad2)
    assert got2.loc["h", SNAPS[0]] == "access"
    # no referral rule: f falls back to access
    lad3 = Ladder(referral_stage=None)
    got3 = states(assign_stages(c, e, o, snapshots=SNAPS, ladder=lad3), lad3)
    assert got3.loc["f", SNAPS[0]] == "access"


def test_repeat_threshold_is_configurable():
    lad = Ladder(repeat_min_orders=3)
    c, e, o = tiny()
    got = states(assign_stages(c, e, o, snapshots=SNAPS, ladder=lad), lad)
    assert got.loc["b", SNAPS[0]] == "act"


def test_bad_config():
    with pytest.raises(ValueError):
        Ladder(silent_days=100, lookback_days=90)
    with pytest.raises(ValueError):
        Ladder(stages=("a", "silent"))
    c, e, o = tiny()
    with pytest.raises(ValueError):
        assign_stages(c, e, o, snapshots=SNAPS[::-1])


@pytest.fixture(scope="module")
def sim():
    return simulate(1500, months=8, seed=3)


def snaps_for(sim):
    return pd.date_range("2025-02-01", "2025-09-01", freq="MS", tz=TZ)


def test_inputs_unchanged_and_order_irrelevant(sim):
    c, e, o = sim.contacts, sim.events, sim.orders
    before = [x.copy() for x in (c, e, o)]
    snaps = snaps_for(sim)
    base = assign_stages(c, e, o, snapshots=snaps)
    for x, y in zip(before, (c, e, o)):
        pd.testing.assert_frame_equal(x, y)
    rng = np.random.default_rng(0)
    shuf = [x.iloc[rng.permutation(len(x))] for x in (c, e, o)]
    other = assign_stages(*shuf, snapshots=snaps)
    pd.testing.assert_frame_equal(base, other.loc[base.index])


def test_nothing_after_snapshot_is_read(sim):
    c, e, o = sim.contacts, sim.events, sim.orders
    snaps = snaps_for(sim)[:4]
    base = assign_stages(c, e, o, snapshots=snaps)
    last = snaps[-1]
    e2 = e.copy()
    late = e2["occurred_at"] >= last
    e2.loc[late, "occurred_at"] = e2.loc[late, "occurred_at"] + pd.Timedelta(days=40)
    o2 = o.loc[o["ordered_at"] < last]
    pd.testing.assert_frame_equal(base, assign_stages(c, e2, o2, snapshots=snaps))
