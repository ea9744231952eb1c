"""The touches study: golden numbers on tiny frames, and on the simulator the fatigue, flood
and care effects recovered inside their intervals while the no-effect world reports none."""

import pandas as pd
import pytest

from analysis.aggregate.touches import care_triggers, departure_panel, touch_responses
from analysis.data.errors import DataError
from analysis.data.touches import attach_touches
from analysis.data.validate import validate_tables
from analysis.simulate import simulate
from analysis.simulate.checks import touch_effects_vs_truth
from analysis.studies import touches as st

TZ = "Asia/Shanghai"


def ts(s):
    return pd.Timestamp(s, tz=TZ)


# --------------------------------------------------------------------------- tiny frames


@pytest.fixture
def tiny():
    contacts = pd.DataFrame(
        {"user_id": ["a", "b"], "joined_at": [ts("2025-01-01 10:00"), ts("2025-01-01 11:00")]}
    )
    events = pd.DataFrame(
        {
            "user_id": ["a", "b", "b"],
            "occurred_at": [ts("2025-01-06 12:00"), ts("2025-01-02 09:00"), ts("2025-01-03 09:00")],
            "event_type": ["del_follow_user", "read", "message"],
            "context": ["1v1", "group", "1v1"],
        }
    )
    orders = pd.DataFrame({"user_id": ["b"], "ordered_at": [ts("2025-01-04 10:00")]})
    touches = pd.DataFrame(
        {
            "touch_id": ["m1", "m2", "m3", "m4"],
            "sent_at": [
                ts("2025-01-02 10:00"),
                ts("2025-01-03 10:00"),
                ts("2025-01-02 08:00"),
                ts("2025-01-05 10:00"),
            ],
            "user_id": ["a", "a", "b", "b"],
            "group_id": [None] * 4,
            "channel": ["1v1"] * 4,
            "kind": ["promo", "promo", "promo", "care"],
            "content_type": ["优惠券", "图文", "图文", "文字"],
        }
    )
    return contacts, events, orders, touches


def test_panel_counts_promo_of_the_days_before_and_only_before_the_first_purchase(tiny):
    contacts, events, orders, touches = tiny
    panel = departure_panel(
        contacts, events, orders, touches, start="2025-01-01", end="2025-01-08", window_days=2
    )
    cells = panel.set_index(["dose", "pre_purchase"])[["days", "departures"]]
    # a: days 2..6 at risk (departs on the 6th); promo on the 2nd and 3rd, so the doses (the
    #    2 days before) are 0 on the 2nd, 1 on the 3rd, 2 on the 4th, 1 on the 5th, 0 on the 6th
    # b: days 2..7; first order on the 4th: pre-purchase days 2 and 3 with doses 0 and 1
    assert cells.loc[(0, True)].tolist() == [3, 1]  # a's 2nd and 6th (departs), b's 2nd
    assert cells.loc[(1, True)].tolist() == [3, 0]  # a's 3rd and 5th, b's 3rd
    assert cells.loc[(2, True)].tolist() == [1, 0]  # a's 4th
    assert cells.loc[(0, False)].tolist() == [4, 0]  # b from the 4th on
    assert int(panel["days"].sum()) == 5 + 6


def test_responses_need_an_event_after_the_touch_within_the_window(tiny):
    _, events, _, touches = tiny
    r = touch_responses(touches, events, hours=48)
    # m3 (b, 2nd 08:00) is answered by the read at 09:00; m4 (b, 5th) by nothing after it
    assert r["responded"].tolist() == [False, False, True, False]


def test_care_triggers_compare_cared_and_uncared(tiny):
    _, events, orders, touches = tiny
    trig = care_triggers(
        orders, touches, events, end="2025-03-01", trigger_days=1, silent_days=10, match_hours=24
    )
    assert trig[["cared", "silent", "repurchased"]].values.tolist() == [[True, True, False]]


def test_data_without_touches_stops_with_a_clear_message(tiny):
    contacts, events, orders, _ = tiny
    t = validate_tables(
        contacts.assign(channel="x", hook="y"),
        events,
        orders.assign(order_id="o1", amount=1.0, is_refund=False),
    )
    with pytest.raises(DataError, match="no touches table"):
        st.require_touches(t)


# --------------------------------------------------------------------------- the simulator


def study(world, seed=0, n=3000):
    sim = simulate(n, 12, seed=seed, world=world)
    t = attach_touches(validate_tables(sim.contacts, sim.events, sim.orders), sim.touches)
    p = sim.params
    panel = departure_panel(
        t.contacts, t.events, t.orders, t.touches, start=p["start"], end=p["observation_end"]
    )
    fatigue = st.fatigue_hazard(panel)
    care = st.care_effect(care_triggers(t.orders, t.touches, t.events, end=p["observation_end"]))
    content = st.content_response(touch_responses(t.touches, t.events))
    return sim, panel, fatigue, care, content


@pytest.fixture(scope="module")
def effects_world():
    return study("touches")


@pytest.fixture(scope="module")
def null_world():
    return study("touches-null")


def test_effects_are_recovered_inside_their_intervals(effects_world):
    sim, panel, fatigue, care, content = effects_world
    check = touch_effects_vs_truth(fatigue, care, sim.params)
    assert check["inside"].all(), check
    assert (check["truth"].abs() > 0).all() and (check["hi"] < 0).sum() == 1  # care lowers
    assert (fatigue.table.set_index("term").loc[["dose", "flood"], "lo"] > 0).all()
    assert st.dose_response(panel).first_dose() == "1"
    tab = content.table.set_index("group")
    assert tab.loc["直播", "rate"] > tab.loc["优惠券", "rate"] and tab.loc["直播", "significant"]


def test_the_no_effect_world_reports_none(null_world):
    sim, panel, fatigue, care, content = null_world
    check = touch_effects_vs_truth(fatigue, care, sim.params)
    assert (check["truth"] == 0).all() and check["inside"].all(), check
    assert st.dose_response(panel).first_dose() is None
    assert not content.table["significant"].any(), content.table
    assert "no fatigue" in fatigue.reading() and "no effect" in fatigue.reading()


def test_touch_worlds_leave_the_other_worlds_and_the_contacts_alone(effects_world):
    sim = effects_world[0]
    base = simulate(3000, 12, seed=0, world="effects")
    pd.testing.assert_frame_equal(sim.contacts, base.contacts)
    assert base.touches is None and "touches" not in base.params
    again = simulate(3000, 12, seed=0, world="touches")
    pd.testing.assert_frame_equal(again.touches, sim.touches)
    pd.testing.assert_frame_equal(again.events, sim.events)


def test_readings_in_both_languages(effects_world):
    _, panel, fatigue, care, content = effects_world
    for lang in ("en", "zh"):
        for text in (
            fatigue.reading(lang),
            care.reading(lang),
            content.reading(lang),
            st.dose_response(panel).reading(lang),
        ):
            assert text and "{" not in text
    assert "promo fatigue shows" in fatigue.reading()
    assert "less silence" in care.reading()


# --------------------------------------------------------------------------- selling before trust


def test_e_value_golden_numbers():
    from analysis.studies.touches_trust import e_value

    assert e_value(2.0) == pytest.approx(2 + 2**0.5)
    assert e_value(0.5) == pytest.approx(2 + 2**0.5)  # a protective ratio is inverted
    assert e_value(1.0) == 1.0


@pytest.mark.parametrize("world", ["touches-null"])
def test_selling_before_trust_balances_and_finds_nothing_where_nothing_is(world):
    from analysis.aggregate.touches import early_promo_frame
    from analysis.studies.touches_trust import selling_before_trust

    sim = simulate(3000, 12, seed=0, world=world)
    t = attach_touches(validate_tables(sim.contacts, sim.events, sim.orders), sim.touches)
    frame = early_promo_frame(
        t.contacts, t.events, t.orders, t.touches, end=sim.params["observation_end"]
    )
    r = selling_before_trust(frame, k=3, n_boot=60)
    tab = r.table.set_index("outcome")
    assert (tab["lo"] <= 0).all() and (tab["hi"] >= 0).all(), tab
    bal = r.balance
    assert bal["smd_raw"].abs().max() > 0.3  # group members get more promo through groups
    assert bal["smd_weighted"].abs().max() < 0.15
    assert "no clear difference" in r.reading() and "negative control" in r.reading()


def test_committed_touches_sample_is_byte_identical_to_a_fresh_generation(tmp_path):
    from analysis.__main__ import main
    from analysis.paths import resolve

    out = tmp_path / "s"
    args = "simulate --users 3000 --months 12 --seed 0 --world touches --quiet --out"
    assert main([*args.split(), str(out)]) == 0
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [
        "contacts.csv",
        "events.csv.gz",
        "orders.csv",
        "touches.csv.gz",
        "truth/params.json",
        "truth/users.csv.gz",
    ]
    committed = resolve("data/sample-touches")
    for f in files:
        assert (out / f).read_bytes() == (committed / f).read_bytes(), f"{f} differs"
