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
        "f": "active",  # its referral g bought, but f never did: the purchase gate
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
    # the ungated ladder: a referrer who never bought is an ambassador
    lad4 = Ladder(purchase_gated=())
    got4 = states(assign_stages(c, e, o, snapshots=SNAPS, ladder=lad4), lad4)
    assert got4.loc["f", SNAPS[0]] == "ambassador"
    with pytest.raises(ValueError, match="pass purchase_gated=()"):
        Ladder(stages=("seen", "join", "buy"), join_stage="join")


def test_purchase_gate_effect_counts_the_held_back():
    from analysis.studies.flow import purchase_gate_effect

    c, e, o = tiny()
    # b (a repeat buyer) shares: an advocate with or without the gate, not held back
    share = e.iloc[:1].assign(user_id="b", occurred_at=ts("2025-01-26"), event_type="share")
    e = pd.concat([e, share], ignore_index=True)
    got = purchase_gate_effect(c, e, o, as_of=SNAPS[0]).set_index("stage")
    cols = ["users_gated", "users_ungated", "held_back"]
    # f is an ambassador only without the gate (its referral bought, it never did)
    assert got.loc["ambassador", cols].tolist() == [0, 1, 1]
    assert got.loc["advocate", cols].tolist() == [1, 1, 0]
    assert got["population"].tolist() == [8, 8]
    assert got.loc["ambassador", "share_ungated"] == pytest.approx(1 / 8)
    with pytest.raises(ValueError, match="no purchase-gated stage"):
        purchase_gate_effect(c, e, o, as_of=SNAPS[0], ladder=Ladder(purchase_gated=()))
    # one stage query for both ladders on DuckDB: the same table, and the off-ladder users
    # read from the same codes
    pytest.importorskip("duckdb")
    from analysis.studies.flow import codes_at, off_ladder_at

    at = codes_at(c, e, o, as_of=SNAPS[0], engine="duckdb")
    assert (at["gated"] != at["ungated"]).sum() == 1  # f
    pd.testing.assert_frame_equal(
        purchase_gate_effect(c, e, o, as_of=SNAPS[0], codes=at).set_index("stage"), got
    )
    users = pd.Index(c["user_id"])
    pd.testing.assert_series_equal(
        off_ladder_at(c, e, o, as_of=SNAPS[0], users=users, codes=at),
        off_ladder_at(c, e, o, as_of=SNAPS[0], users=users),
    )


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_codes_at_with_the_snapshots_from_one_query(engine):
    from analysis.studies.flow import codes_at

    pytest.importorskip("duckdb")
    c, e, o = tiny()
    for cut in (SNAPS[0] - pd.Timedelta(days=9), SNAPS[-1]):  # between / at the snapshots
        codes, at = codes_at(c, e, o, as_of=cut, snapshots=SNAPS, engine=engine)
        pd.testing.assert_frame_equal(codes, assign_stages(c, e, o, snapshots=SNAPS))
        pd.testing.assert_frame_equal(at, codes_at(c, e, o, as_of=cut))
        plain = assign_stages(c, e, o, snapshots=[cut], ladder=Ladder(purchase_gated=()))
        assert (at["ungated"].to_numpy() == plain.iloc[:, 0].to_numpy()).all()


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


# --- stage_codes at the edges of each rule (numpy path), on a six-stage ladder ---------------
T = ts("2025-03-01")
DAY, US = pd.Timedelta(days=1), pd.Timedelta(microseconds=1)
LADDER = dict(
    stages=["seen", "join", "talk", "buy", "rebuy", "refer"],  # 6 = silent, 7 = lost
    type_stage={"look": "seen", "hi": "seen", "msg": "talk", "vip": "refer"},
    interaction_types=["msg", "hi"],
    churn_types=["gone"],
    lookback_days=10,
    silent_days=5,
    lost_days=20,
    join_stage="join",
    first_purchase_stage="buy",
    repeat_stage="rebuy",
    repeat_min_orders=2,
    referral_stage="refer",
    group_join_types=["gj"],
    group_quit_types=["gq"],
    purchase_gated=(),
    gate_fallback_stage=None,
)


def _frames(users, extra_orders=()):
    """users: (id, joined, referrer, [(event type, time)], [(order time, amount, refund)])."""
    contacts = pd.DataFrame(
        {
            "user_id": [u[0] for u in users],
            "joined_at": pd.DatetimeIndex([u[1] for u in users]),
            "channel": "douyin",
            "hook": "coupon",
            "referrer_id": [u[2] for u in users],
        }
    )
    ev = [(u[0], typ, when) for u in users for typ, when in u[3]]
    events = pd.DataFrame(ev, columns=["user_id", "event_type", "occurred_at"])
    events = events.assign(value=np.nan, context="1v1")
    od = [(u[0], when, a, r) for u in users for when, a, r in u[4]] + list(extra_orders)
    orders = pd.DataFrame(od, columns=["user_id", "ordered_at", "amount", "refund_amount"])
    orders.insert(0, "order_id", [f"o{i}" for i in range(len(orders))])
    orders["is_refund"] = orders["refund_amount"] > 0
    return contacts, events, orders


def _codes(frames, snapshots, **kw):
    from analysis.aggregate.stages import stage_codes

    return stage_codes(*frames, snapshots=snapshots, **{**LADDER, **kw})


def test_stage_codes_golden_at_every_edge():
    t, day, us = T, DAY, US
    users = [
        # user, joined, referrer, events (type, time), paid orders (time, amount, refund)
        ("u00", t - 30 * day, "u19", [], [(t - 3 * day, 5.0, 0.0)]),
        ("u01", t - 30 * day, None, [("msg", t - day), ("vip", t - 10 * day)], []),
        ("u02", t - 30 * day, None, [("msg", t - day), ("vip", t - 10 * day - us)], []),
        ("u03", t - 30 * day, None, [("msg", t - day), ("vip", t)], []),
        ("u04", t, None, [], []),
        ("u05", t + 5 * day, None, [("look", t - 3 * day)], []),
        ("u06", t - 30 * day, None, [("msg", t - 2 * day), ("gone", t - 2 * day)], []),
        ("u07", t - 30 * day, None, [("msg", t - 5 * day)], []),
        ("u08", t - 30 * day, None, [("msg", t - 5 * day - us)], []),
        ("u09", t - 60 * day, None, [("msg", t - 20 * day)], []),
        ("u10", t - 60 * day, None, [("msg", t - 20 * day - us)], []),
        (
            "u11",
            t - 30 * day,
            None,
            [("msg", t - 4 * day), ("gj", t - 3 * day), ("gq", t - 2 * day)],
            [],
        ),
        (
            "u12",
            t - 30 * day,
            None,
            [("msg", t - 4 * day), ("gj", t - 4 * day), ("gj", t - 3 * day), ("gq", t - 2 * day)],
            [],
        ),
        (
            "u13",
            t - 30 * day,
            None,
            [("gj", t - 4 * day), ("gq", t - 3 * day), ("msg", t - day)],
            [],
        ),
        ("u14", t - 30 * day, None, [], [(t - 2 * day, 0.5, 0.0)]),
        ("u15", t - 60 * day, None, [], [(t - 40 * day, 10.0, 0.0), (t - 2 * day, 10.0, 0.0)]),
        ("u16", t - 30 * day, None, [], [(t - day, 10.0, 10.0)]),
        ("u17", t - 30 * day, "u15", [], [(t - 3 * day, 5.0, 0.0), (t + day, 5.0, 0.0)]),
        ("u18", t - 30 * day, "u14", [], [(t, 5.0, 0.0)]),
        ("u19", t - 60 * day, None, [], [(t - 40 * day, 10.0, 0.0), (t - 2 * day, 10.0, 0.0)]),
        ("u20", t - 30 * day, None, [("msg", t - day)], [(t - 10 * day, 10.0, 0.0)]),
        ("u22", t - 30 * day, "u00", [], [(t - 2 * day, 5.0, 0.0)]),
        ("u27", t - 30 * day, None, [("hi", t - day), ("gj", t - 2 * day)], []),
        ("u28", t - 30 * day, None, [("msg", t - 4 * day), ("gq", t - 2 * day)], []),
        (
            "u29",
            t - 30 * day,
            None,
            [("gj", t - 4 * day), ("msg", t - 3 * day), ("gq", t - 3 * day)],
            [],
        ),
        ("u21", t - 30 * day, "u13", [], []),  # last contact: referred, never bought
    ]
    # a paid order by someone who is not a contact counts for nobody
    got = _codes(_frames(users, [("zz", t - day, 5.0, 0.0)]), [t])
    expected = {
        "u00": 5,  # its referred contact u22 bought: referral
        "u01": 5,  # evidence exactly at t - lookback is in the window
        "u02": 2,  # a microsecond earlier it is not
        "u03": 2,  # evidence at t is not read
        "u04": -1,  # joins at t: not yet in the population
        "u05": 0,  # not joined, pre-join evidence: its stage, never silent
        "u06": 7,  # a churn at the time of the last activity: lost
        "u07": 2,  # last activity exactly silent_days ago: not silent
        "u08": 6,  # a microsecond earlier: silent
        "u09": 6,  # exactly lost_days ago: silent, not lost
        "u10": 7,  # a microsecond earlier: lost
        "u11": 7,  # left every group it joined, after its last activity
        "u12": 2,  # joined two groups and left one: not lost
        "u13": 2,  # left its group, then active again
        "u14": 3,  # one paid order (0.5 net): first purchase; its referral buys only at t
        "u15": 5,  # a referred contact's first paid order (u17's) evidences referral
        "u16": 7,  # a refunded order is no purchase and no activity: silent 30 days = lost
        "u17": 3,  # first purchase in the window (the later order is after t)
        "u18": 7,  # its only order is at t: not read; nothing since joining 30 days ago
        "u19": 5,  # referral by u00, the first contact (two paid orders otherwise: repeat)
        "u20": 3,  # a paid order exactly at t - lookback is a purchase in the window
        "u22": 3,
        "u27": 0,  # an event type off the ladder (gj) evidences nothing
        "u28": 2,  # quits a group it never joined: not lost
        "u29": 7,  # leaves its only group at the time of its last activity: lost
        "u21": 7,
    }
    assert got.index.tolist() == list(expected) and got.index.name == "user_id"
    assert got.columns.tolist() == [t]
    assert got.dtypes.tolist() == [np.int8]
    assert got[t].to_dict() == expected
    # the same codes from DuckDB, and from the defaults of the named stages
    pd.testing.assert_frame_equal(
        _codes(_frames(users, [("zz", t - day, 5.0, 0.0)]), [t], engine="duckdb"), got
    )


def test_purchase_gate_golden_on_both_engines():
    t, day = T, DAY
    users = [
        ("g1", t - 3 * day, None, [("vip", t - day)], []),  # refers, never bought
        ("g2", t - 3 * day, None, [("vip", t - day)], [(t - 15 * day, 5.0, 0.0)]),
        ("g3", t - 3 * day, None, [("vip", t - day)], [(t, 5.0, 0.0)]),  # buys at t: unread
        ("g4", t - 3 * day, None, [("vip", t - day)], [(t - 2 * day, 5.0, 5.0)]),  # refunded
        ("g5", t - 3 * day, None, [], []),  # its referral g6 bought; g5 never did
        ("g6", t - 3 * day, "g5", [], [(t - 2 * day, 5.0, 0.0)]),
        ("g7", t - 3 * day, None, [("vip", t - day), ("msg", t - day)], []),
    ]
    gate = dict(purchase_gated=("refer",), gate_fallback_stage="talk")
    expected = {"g1": 2, "g2": 5, "g3": 2, "g4": 2, "g5": 2, "g6": 3, "g7": 2}
    for engine in (None, "duckdb"):
        got = _codes(_frames(users), [t], engine=engine, **gate)
        assert got[t].to_dict() == expected, engine
        # no fallback: gated evidence without a purchase evidences nothing (joining remains)
        got = _codes(_frames(users), [t], engine=engine, **{**gate, "gate_fallback_stage": None})
        assert got[t].to_dict() == {**expected, "g1": 1, "g3": 1, "g4": 1, "g5": 1}, engine
        # ungated: every referrer is at the top
        got = _codes(_frames(users), [t], engine=engine)
        assert got[t].to_dict() == {**expected, "g1": 5, "g3": 5, "g4": 5, "g5": 5, "g7": 5}
    for bad, match in (
        (dict(purchase_gated=("talk",)), "must be on the ladder .* above the first purchase"),
        (dict(purchase_gated=("nope",)), "must be on the ladder .* above the first purchase"),
        (dict(purchase_gated="refer"), "must be a list of stages"),
        (dict(gate_fallback_stage="rebuy"), "below the first purchase"),
    ):
        with pytest.raises(ValueError, match=match):
            _codes(_frames(users), [t], **{**gate, **bad})


def test_stage_codes_counts_accumulate_over_snapshots():
    t, day = T, DAY
    users = [
        # one paid order before each snapshot: a first purchase, then a repeat
        (
            "a",
            t - 30 * day,
            None,
            [("msg", t + 2 * day)],
            [(t - 5 * day, 5.0, 0.0), (t + day, 5.0, 0.0)],
        ),
        # one paid order only: a first purchase at both snapshots (counted once)
        ("b", t - 30 * day, None, [("msg", t + 2 * day)], [(t - 5 * day, 5.0, 0.0)]),
        # joins a group before t, leaves it after t: lost only at the second snapshot
        ("c", t - 30 * day, None, [("msg", t - 4 * day), ("gj", t - 4 * day), ("gq", t + day)], []),
        # a churn after t is not read at t
        ("d", t - 30 * day, None, [("msg", t - day), ("gone", t + day)], []),
    ]
    got = _codes(_frames(users), [t, t + 3 * DAY])
    assert got.to_numpy().tolist() == [[3, 4], [3, 3], [2, 7], [2, 7]]


def test_stage_codes_read_naive_snapshots_in_the_data_zone():
    berlin = "Europe/Berlin"
    users = [
        (
            "x",
            pd.Timestamp("2025-02-28 20:00", tz=berlin),
            None,
            [("msg", pd.Timestamp("2025-02-28 20:00", tz=berlin))],
            [],
        ),
        ("y", pd.Timestamp("2025-03-01 00:30", tz=berlin), None, [], []),
    ]
    got = _codes(_frames(users), ["2025-03-01"])
    assert str(got.columns[0]) == "2025-03-01 00:00:00+01:00"
    assert got.iloc[:, 0].tolist() == [2, -1]


def test_stage_codes_defaults_are_the_default_ladder_and_duckdb_agrees():
    from analysis.aggregate.stages import stage_codes

    lad = Ladder()
    c, e, o = tiny()
    expected = assign_stages(c, e, o, snapshots=SNAPS, ladder=lad)
    kw = dict(
        snapshots=SNAPS,
        stages=lad.stages,
        type_stage=lad.type_stage(),
        interaction_types=lad.vocab.interaction_types,
        churn_types=lad.vocab.churn_types,
        lookback_days=lad.lookback_days,
        silent_days=lad.silent_days,
        lost_days=lad.lost_days,
    )
    pd.testing.assert_frame_equal(stage_codes(c, e, o, **kw), expected)
    pd.testing.assert_frame_equal(stage_codes(c, e, o, engine="duckdb", **kw), expected)


def test_stage_codes_refuse_bad_ladders_snapshots_and_ids():
    frames = _frames([("a", T - DAY, None, [], [])])
    for bad, match in (
        (dict(join_stage="nope"), "stage 'nope' is not on the ladder"),
        (dict(referral_stage="nope"), "referral_stage 'nope' is not on the ladder"),
        (dict(silent_days=0), "need 0 < silent_days <= lookback_days"),
        (dict(silent_days=11), "need 0 < silent_days <= lookback_days"),
        (dict(lost_days=5), "and lost_days > silent_days; got silent_days=5"),
    ):
        with pytest.raises(ValueError, match=match):
            _codes(frames, [T], **bad)
    # the edges that are allowed
    for ok in (dict(silent_days=1), dict(silent_days=10), dict(lost_days=5.5)):
        assert _codes(frames, [T], **ok).shape == (1, 1)
    with pytest.raises(ValueError, match="snapshots must be strictly increasing"):
        _codes(frames, [T, T])
    twice = _frames([("a", T - DAY, None, [], []), ("a", T - DAY, None, [], [])])
    with pytest.raises(ValueError, match="contacts.user_id must be unique"):
        _codes(twice, [T])
