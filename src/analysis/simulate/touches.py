"""The brand's touches, with known effects: the worlds ``touches`` and ``touches-null``.

:func:`add_touches` runs after a finished simulation of the ``effects`` world and adds what
the brand sends — group messages (with flood days), 1:1 promo and content messages, care
messages triggered by an order — drawing from **its own generator** (seeded with
``[seed, 19]``), so the base simulation's draws, and the ``effects`` and ``null`` worlds
(and the committed ``data/sample``), are untouched.

The mechanisms (day by day; a user is *on the books* from the day after joining until they
delete the brand's contact, and *alive* until their lifetime ends, which the brand cannot see)

* **Who sends.** Each contact is served by one of :data:`STAFF_PROMO_PER_DAY`'s staff, whose
  1:1 promo habits differ (0 to 0.15 messages a day): the promo dose a user gets is set by
  the staff member, not by the user, so it is unrelated to how likely they are to leave.
  1:1 content messages come at ``CONTENT_PER_DAY``.
* **Groups.** Contacts who join a group are spread over ``N_GROUPS`` groups; each group gets
  Poisson(``GROUP_MSGS_PER_DAY``) brand messages a day, and on a flood day (probability
  ``P_FLOOD``) ``FLOOD_MIN`` + Poisson(``FLOOD_EXTRA``).
* **Care.** ``CARE_DAYS`` days after each order the user is *eligible* for care ("您上次买的XX
  快用完了吧"); half of the eligible, at random, get a care message at that moment.
* **Kinds and content types** are drawn from :data:`GROUP_KINDS` and :data:`CONTENT_TYPES`.

Effects (world ``touches``; in ``touches-null`` the same draws are made and none is applied):

* **Fatigue** — on each day before their first purchase, an alive user leaves (deletes the
  contact, and quits their group) with probability ``FATIGUE_PER_PROMO`` × the promo
  touches they got in the ``FATIGUE_DAYS`` days before (a dose-response).
* **Floods** — a group member quits the group with probability ``FLOOD_QUIT_PER_DAY`` on a
  flood day and the day after.
* **Content** — every touch is read (a ``read`` event within 48 h) with probability
  :data:`READ_PROB` of its content type and answered (``message``) with :data:`REPLY_PROB`.
* **Care** — a care message is answered (``message`` within 48 h) with probability
  ``CARE_REPLY``, so a cared-for user is less likely to go silent (write nothing to the
  brand, :data:`SILENCE_TYPES`) in the next ``SILENT_DAYS`` days.

Touch-caused departures come at 21:30–24:00, after the day's touches (09:00–21:00); the
user's later events and orders are removed. The truth (``params["touches"]``) holds every
constant and the effects as the reports estimate them on the observable data: the excess
daily departure probability per promo touch and on flood days *among contacts on the books*
(the constant times the share of those contact-days on which the user was alive: the brand
also messages contacts who have silently gone), and the realised effect of care on going
silent (the touched users' silence with and without their care replies).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analysis.simulate.population import NEVER
from analysis.simulate.tables import Simulation
from analysis.simulate.world import DAY

#: Touch worlds: world name → whether the touches have effects.
TOUCH_WORLDS = {"touches": True, "touches-null": False}

N_GROUPS = 8
STAFF_PROMO_PER_DAY = (0.0, 0.02, 0.04, 0.07, 0.10, 0.15)
CONTENT_PER_DAY = 0.03
GROUP_MSGS_PER_DAY = 0.6
P_FLOOD = 0.05
FLOOD_MIN, FLOOD_EXTRA = 6, 4.0
FLOOD_THRESHOLD = 5  # messages a day from which a group day counts as a flood
CARE_DAYS = 25
CARE_SHARE = 0.5
SILENT_DAYS = 30
FATIGUE_PER_PROMO = 0.004
FATIGUE_DAYS = 3
FLOOD_QUIT_PER_DAY = 0.012
CARE_REPLY = 0.5
#: What counts as not going silent: the user writes to the brand.
SILENCE_TYPES = ("message",)

GROUP_KINDS = {
    "promo": 0.35,
    "content": 0.35,
    "greeting": 0.1,
    "event_invite": 0.1,
    "survey": 0.05,
    "other": 0.05,
}
CONTENT_TYPES = {  # kind -> content types it uses (equally likely)
    "promo": ("优惠券", "图文", "短视频"),
    "content": ("图文", "短视频", "直播", "问答", "测试"),
    "greeting": ("文字", "图文"),
    "event_invite": ("直播", "图文"),
    "survey": ("测试",),
    "other": ("文字",),
    "care": ("文字",),
}
READ_PROB = {
    "图文": 0.20,
    "短视频": 0.30,
    "直播": 0.40,
    "问答": 0.25,
    "测试": 0.35,
    "优惠券": 0.15,
    "文字": 0.10,
}
REPLY_PROB = {"问答": 0.15, "测试": 0.10}
REPLY_PROB_OTHER = 0.03
_KINDS = list(GROUP_KINDS)
_TYPES = list(READ_PROB)


def _day(t: pd.Series, s0: int) -> np.ndarray:
    """tz-aware times → day index from the period start (NaT → NEVER // DAY)."""
    sec = _seconds(t)
    return np.where(sec == NEVER, NEVER // DAY, (sec - s0) // DAY)


def _seconds(t: pd.Series) -> np.ndarray:
    local = t.dt.tz_localize(None).astype("datetime64[s]")
    out = local.to_numpy().astype("int64")
    return np.where(t.isna().to_numpy(), NEVER, out)


def _per_user(events: pd.DataFrame, etype: str, uid_pos: pd.Series, n: int, how: str):
    e = events.loc[events["event_type"] == etype]
    pos = uid_pos.loc[e["user_id"]].to_numpy()
    sec = _seconds(e["occurred_at"])
    out = np.full(n, NEVER)
    if how == "min":
        np.minimum.at(out, pos, sec)
    return out


def _content_type(rng: np.random.Generator, kinds: np.ndarray) -> np.ndarray:
    """A content type for each kind (uniform among :data:`CONTENT_TYPES` of the kind)."""
    u = rng.random(kinds.size)
    out = np.empty(kinds.size, dtype=object)
    for k, types in CONTENT_TYPES.items():
        m = kinds == k
        out[m] = np.array(types, dtype=object)[(u[m] * len(types)).astype(int)]
    return out


def add_touches(sim: Simulation, *, seed: int, effects: bool, world: str) -> Simulation:
    """``sim`` (an ``effects``-world simulation) with the brand's touches and, when
    ``effects``, their effects applied; see the module docstring."""
    rng = np.random.default_rng([seed, 19])
    tz = sim.params["tz"]
    start = pd.Timestamp(sim.params["start"]).tz_localize(None)
    end = pd.Timestamp(sim.params["observation_end"]).tz_localize(None)
    s0, s1 = int(start.timestamp()), int(end.timestamp())
    n_days = (s1 - s0) // DAY
    users = sim.contacts["user_id"].to_numpy()
    n = users.size
    pos = pd.Series(np.arange(n), index=users)
    join_day = _day(sim.contacts["joined_at"], s0)
    alive_end = _seconds(sim.users["left_at"])  # base lifetime end (NEVER: alive at the end)
    del_s = _per_user(sim.events, "del_follow_user", pos, n, "min")
    quit_s = _per_user(sim.events, "group_quit", pos, n, "min")
    gjoin_s = _per_user(sim.events, "group_join", pos, n, "min")
    first_buy = np.full(n, NEVER)
    opos = pos.loc[sim.orders["user_id"]].to_numpy()
    osec = _seconds(sim.orders["ordered_at"])
    np.minimum.at(first_buy, opos, osec)

    group = rng.integers(0, N_GROUPS, size=n)
    staff = rng.integers(0, len(STAFF_PROMO_PER_DAY), size=n)
    promo_rate = np.array(STAFF_PROMO_PER_DAY)[staff]
    flood = rng.random((N_GROUPS, n_days)) < P_FLOOD
    n_msgs = np.where(
        flood,
        FLOOD_MIN + rng.poisson(FLOOD_EXTRA, size=flood.shape),
        rng.poisson(GROUP_MSGS_PER_DAY, size=flood.shape),
    )
    care_at = osec + CARE_DAYS * DAY  # one trigger per order
    care_day = (care_at - s0) // DAY
    care_touched = rng.random(care_at.size) < CARE_SHARE

    touch_left = np.full(n, NEVER)  # when a touch made the user leave (delete + quit)
    flood_quit = np.full(n, NEVER)
    promo_hist = np.zeros((FATIGUE_DAYS, n))  # promo touches received, last days
    rows: list[tuple] = []  # (touch id, time, user pos or -1, group or -1, channel, kind, type)
    recv: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (touch row, user, time)
    cared: list[tuple[int, int]] = []  # (user, time) of care touches sent
    acc = np.zeros(4)  # Σ dose, Σ dose·alive, Σ flood, Σ flood·alive over contact-days at risk
    tid = 0
    for d in range(n_days):
        day0 = s0 + d * DAY
        gone = np.minimum(np.minimum(del_s, touch_left), NEVER)
        on_books = (join_day < d) & (gone >= day0)
        alive = on_books & (alive_end > day0) & (touch_left > day0)
        g_end = np.minimum(np.minimum(quit_s, flood_quit), gone)
        in_group = on_books & (gjoin_s < day0) & (g_end >= day0)
        departed = np.minimum(np.minimum(del_s, quit_s), np.minimum(touch_left, flood_quit))
        at_risk = on_books & (departed >= day0)  # no departure event on an earlier day
        got = np.zeros(n)
        # 1:1 promo and content
        for kind, p in (("promo", promo_rate), ("content", CONTENT_PER_DAY)):
            hit = on_books & (rng.random(n) < p)
            t = day0 + 9 * 3600 + (rng.random(n) * 12 * 3600).astype(np.int64)
            hit &= t < gone
            idx = np.flatnonzero(hit)
            ctype = _content_type(rng, np.full(idx.size, kind, dtype=object))
            for i, u in enumerate(idx):
                rows.append((tid, t[u], u, -1, "1v1", kind, ctype[i]))
                recv.append((np.array([len(rows) - 1]), np.array([u]), np.array([t[u]])))
                tid += 1
            if kind == "promo":
                got[idx] += 1
        # care, at the trigger
        today = np.flatnonzero((care_day == d) & care_touched)
        for j in today:
            u = opos[j]
            if on_books[u] and care_at[j] < gone[u]:
                cared.append((u, care_at[j]))
                rows.append((tid, care_at[j], u, -1, "1v1", "care", "文字"))
                recv.append((np.array([len(rows) - 1]), np.array([u]), np.array([care_at[j]])))
                tid += 1
        # group messages
        for g in range(N_GROUPS):
            k = int(n_msgs[g, d])
            if k == 0:
                continue
            kinds = np.array(_KINDS, dtype=object)[
                rng.choice(len(_KINDS), size=k, p=np.array(list(GROUP_KINDS.values())))
            ]
            ctype = _content_type(rng, kinds)
            times = np.sort(day0 + 9 * 3600 + (rng.random(k) * 12 * 3600).astype(np.int64))
            members = np.flatnonzero(in_group & (group == g))
            for i in range(k):
                rows.append((tid, times[i], -1, g, "group", kinds[i], ctype[i]))
                reached = members[times[i] < g_end[members]]
                recv.append(
                    (np.full(reached.size, len(rows) - 1), reached, np.full(reached.size, times[i]))
                )
                if kinds[i] == "promo":
                    got[reached] += 1
                tid += 1
        pre = first_buy >= day0 + DAY  # no purchase before or on this day
        dose = promo_hist.sum(axis=0) * pre  # promo touches of the FATIGUE_DAYS days before
        flooded = in_group & (flood[group, d] | (flood[group, d - 1] if d else False))
        acc += [
            dose[at_risk].sum(),
            dose[at_risk & alive].sum(),
            flooded[at_risk].sum(),
            (flooded & at_risk & alive).sum(),
        ]
        r = rng.random(n)
        t_leave = day0 + 21 * 3600 + 1800 + (rng.random(n) * 9000).astype(np.int64)
        if effects:
            p_f = FATIGUE_PER_PROMO * dose
            free = alive & at_risk & (departed > t_leave)  # no departure earlier that day
            leave = free & (r < p_f)
            quit_ = free & in_group & ~leave & (r < p_f + FLOOD_QUIT_PER_DAY * flooded)
            touch_left[leave] = t_leave[leave]
            flood_quit[quit_] = t_leave[quit_]
        promo_hist = np.roll(promo_hist, 1, axis=0)
        promo_hist[0] = got
    return _assemble(
        sim,
        rows=rows,
        recv=recv,
        rng=rng,
        effects=effects,
        world=world,
        touch_left=touch_left,
        flood_quit=flood_quit,
        alive_end=alive_end,
        gjoin_s=gjoin_s,
        group=group,
        staff=staff,
        cared=cared,
        s1=s1,
        acc=acc,
        tz=tz,
    )


def _ts(sec: np.ndarray, tz: str) -> pd.Series:
    return pd.Series(sec.astype("datetime64[s]").astype("datetime64[us]")).dt.tz_localize(tz)


def _assemble(sim: Simulation, *, rows, recv, rng, effects, world, touch_left, flood_quit,
              alive_end, gjoin_s, group, staff, cared, s1, acc, tz) -> Simulation:  # fmt: skip
    """The touches table, the responses, the truncated tables and the truth."""
    users = sim.contacts["user_id"].to_numpy()
    n = users.size
    pos = pd.Series(np.arange(n), index=users)
    t_rows = pd.DataFrame(rows, columns=["tid", "t", "u", "g", "channel", "kind", "ctype"])
    width = max(6, len(str(len(t_rows))))
    gid = np.array([f"g{g + 1:02d}" for g in range(N_GROUPS)], dtype=object)
    touches = pd.DataFrame(
        {
            "touch_id": pd.array([f"m{i + 1:0{width}d}" for i in t_rows["tid"]], dtype="str"),
            "sent_at": _ts(t_rows["t"].to_numpy(), tz),
            "user_id": pd.array(
                np.where(t_rows["u"] >= 0, users[np.maximum(t_rows["u"], 0)], None), dtype="str"
            ),
            "group_id": pd.array(
                np.where(t_rows["g"] >= 0, gid[np.maximum(t_rows["g"], 0)], None), dtype="str"
            ),
            "channel": pd.array(t_rows["channel"], dtype="str"),
            "kind": pd.array(t_rows["kind"], dtype="str"),
            "content_type": pd.array(t_rows["ctype"], dtype="str"),
            "sender": pd.array(
                np.where(
                    t_rows["u"] >= 0,
                    np.char.add("s", (staff[np.maximum(t_rows["u"], 0)] + 1).astype(str)),
                    "s0",
                ),
                dtype="str",
            ),
        }
    )
    # responses: every receipt draws, in both worlds; only the effects world keeps them
    r_row = np.concatenate([r[0] for r in recv]) if recv else np.zeros(0, dtype=np.int64)
    r_user = np.concatenate([r[1] for r in recv]) if recv else np.zeros(0, dtype=np.int64)
    r_time = np.concatenate([r[2] for r in recv]) if recv else np.zeros(0, dtype=np.int64)
    ctype = t_rows["ctype"].to_numpy()[r_row]
    kind = t_rows["kind"].to_numpy()[r_row]
    p_read = pd.Series(ctype).map(READ_PROB).to_numpy(dtype=float)
    p_reply = pd.Series(ctype).map(REPLY_PROB).fillna(REPLY_PROB_OTHER).to_numpy(dtype=float)
    p_reply = np.where(kind == "care", CARE_REPLY, p_reply)
    u_read, u_reply = rng.random(r_row.size), rng.random(r_row.size)
    lag_read = (rng.random(r_row.size) * 48 * 3600).astype(np.int64) + 60
    lag_reply = (rng.random(r_row.size) * 48 * 3600).astype(np.int64) + 60
    end = np.minimum(np.minimum(alive_end, touch_left), NEVER)
    alive_at = r_time < end[r_user]
    channel = t_rows["channel"].to_numpy()[r_row]
    new = []
    care_reply_mask = None
    if effects:
        for etype, hit, lag in (
            ("read", u_read < p_read, lag_read),
            ("message", u_reply < p_reply, lag_reply),
        ):
            t = r_time + lag
            ok = hit & alive_at & (t < end[r_user])
            new.append((r_user[ok], t[ok], etype, channel[ok], kind[ok] == "care"))
        care_reply_mask = new[1][4]
    # departures caused by touches
    left = touch_left < NEVER
    quit_ = flood_quit < NEVER
    in_grp = left & (gjoin_s < touch_left)
    deps = [
        (np.flatnonzero(left), touch_left[left], "del_follow_user", "1v1"),
        (np.flatnonzero(in_grp), touch_left[in_grp] - 60, "group_quit", "group"),
        (np.flatnonzero(quit_), flood_quit[quit_], "group_quit", "group"),
    ]
    ev = sim.events.copy()
    ev["event_type"] = ev["event_type"].astype("str")
    upos = pos.loc[ev["user_id"]].to_numpy()
    esec = _seconds(ev["occurred_at"])
    cut = touch_left[upos]
    keep = esec <= cut
    # a flood quitter's own later group_quit is gone (they quit already)
    keep &= ~((ev["event_type"] == "group_quit").to_numpy() & (esec > flood_quit[upos]))
    ev = ev.loc[keep]
    frames = [ev]
    for u, t, etype, ctx in deps:
        frames.append(_events(users[u], t, etype, np.full(u.size, ctx, dtype=object), tz))
    for u, t, etype, ctx, _ in new:
        frames.append(_events(users[u], t, etype, ctx, tz))
    events = pd.concat(frames, ignore_index=True)
    gcol = np.where(
        events["event_type"].isin(["group_join", "group_quit"]).to_numpy(),
        gid[group[pos.loc[events["user_id"]].to_numpy()]],
        None,
    )
    events["group_id"] = pd.array(gcol, dtype="str")
    events = events.sort_values(["occurred_at", "user_id", "event_type"], kind="stable")
    events = events.reset_index(drop=True)
    opos = pos.loc[sim.orders["user_id"]].to_numpy()
    orders = sim.orders.loc[_seconds(sim.orders["ordered_at"]) <= touch_left[opos]]
    orders = orders.reset_index(drop=True)

    truth = sim.users.copy()
    truth["left_at"] = truth["left_at"].where(~left, _ts(np.where(left, touch_left, 0), tz))
    truth["left_kind"] = truth["left_kind"].where(~left, "hard")
    truth["touch_departure"] = pd.array(
        np.where(left, "fatigue", np.where(quit_, "flood_quit", None)), dtype="str"
    )
    truth["group_id"] = pd.array(gid[group], dtype="str")
    truth["staff"] = pd.array(np.char.add("s", (staff + 1).astype(str)), dtype="str")
    care_effect = _care_truth(events, cared, care_reply_mask, new, users, s1)
    params = dict(sim.params)
    params["world"] = world
    params["touches"] = {
        "effects": effects,
        "seed_stream": [params["seed"], 19],
        "n_groups": N_GROUPS,
        "staff_promo_per_day": list(STAFF_PROMO_PER_DAY),
        "content_per_day": CONTENT_PER_DAY,
        "group_msgs_per_day": GROUP_MSGS_PER_DAY,
        "p_flood": P_FLOOD,
        "flood_threshold": FLOOD_THRESHOLD,
        "care_days": CARE_DAYS,
        "care_share": CARE_SHARE,
        "silent_days": SILENT_DAYS,
        "silence_types": list(SILENCE_TYPES),
        "fatigue_days": FATIGUE_DAYS,
        "fatigue_per_promo_per_day": FATIGUE_PER_PROMO if effects else 0.0,
        "flood_quit_per_day": FLOOD_QUIT_PER_DAY if effects else 0.0,
        "care_reply": CARE_REPLY if effects else 0.0,
        "read_prob": READ_PROB if effects else {k: 0.0 for k in READ_PROB},
        "reply_prob": {**REPLY_PROB, "other": REPLY_PROB_OTHER} if effects else {},
        # the effects as the report estimates them, among contacts on the books
        "fatigue_excess_per_promo": (FATIGUE_PER_PROMO * acc[1] / acc[0]) if effects else 0.0,
        "flood_excess_per_day": (FLOOD_QUIT_PER_DAY * acc[3] / acc[2]) if effects else 0.0,
        "care_silence_effect": care_effect,
        "n_touch_departures": int(left.sum()),
        "n_flood_quits": int(quit_.sum()),
        "n_touches": int(len(touches)),
    }
    params["n_events"], params["n_orders"] = int(len(events)), int(len(orders))
    return dataclasses.replace(
        sim, events=events, orders=orders, users=truth, params=params, touches=touches
    )


def _events(uids, times, etype: str, ctx, tz: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": pd.array(uids, dtype="str"),
            "occurred_at": _ts(np.asarray(times), tz),
            "event_type": etype,
            "value": np.nan,
            "context": pd.array(ctx, dtype="str"),
        }
    )


def _care_truth(events, cared, reply_mask, new, users, s1) -> float:
    """The realised effect of care on going silent: among care touches whose
    ``SILENT_DAYS`` window ends inside the period, the share of users silent in that window
    with their care replies minus the share silent without them (0 in the null world)."""
    if reply_mask is None or not cared:
        return 0.0
    e = events.loc[events["event_type"].isin(SILENCE_TYPES)]
    ru, rt = new[1][0][reply_mask], new[1][1][reply_mask]  # care replies
    care_pairs = pd.DataFrame({"user_id": users[ru], "t": rt, "care": True})
    all_pairs = pd.DataFrame(
        {"user_id": e["user_id"].to_numpy(), "t": _seconds(e["occurred_at"])}
    ).merge(care_pairs, on=["user_id", "t"], how="left")
    all_pairs["care"] = all_pairs["care"].astype("boolean").fillna(False).astype(bool)
    trig = pd.DataFrame(cared, columns=["u", "t0"])
    trig = trig.loc[trig["t0"] + SILENT_DAYS * DAY <= s1]
    trig = trig.assign(user_id=users[trig["u"].to_numpy()]).reset_index(names="trig")
    m = trig.merge(all_pairs, on="user_id", how="left")
    inside = (m["t"] > m["t0"]) & (m["t"] <= m["t0"] + SILENT_DAYS * DAY)
    care = m["care"].astype("boolean").fillna(False).astype(bool)
    any_with = inside.groupby(m["trig"]).any()
    any_without = (inside & ~care).groupby(m["trig"]).any()
    return float((~any_with).mean() - (~any_without).mean())
