"""Scans of the touches table (:mod:`analysis.data.touches`) with the logs: weekly volume and
mix, the contact-day panel of departures with the touches each day brought, the response to
each touch, and care triggers with and without a care touch.

Days are local calendar days counted from ``start`` (midnight); a user is *at risk* of
departing from the day after joining until the day of their first departure event
(``del_follow_user`` or ``group_quit``) or ``end``. "Before the first purchase" means before
the day of the user's first order (paid or not: the moment the user first trusted the brand
with money). Group membership comes from ``group_join`` / ``group_quit`` events with a
``group_id`` (:func:`analysis.data.touches.memberships`). pandas only for now.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.touches import memberships
from analysis.reuse import reused

DEPARTURE_TYPES = ("del_follow_user", "group_quit")
RESPONSE_TYPES = ("read", "click", "message")
DAY = pd.Timedelta(days=1)


def _days(t: pd.Series, start: pd.Timestamp) -> np.ndarray:
    """Day index of each time from ``start`` (NaT → a very large day)."""
    t = pd.to_datetime(pd.Series(t), utc=True).dt.tz_convert(start.tz)
    d = np.floor((t - start) / DAY)
    return d.fillna(1e12).to_numpy(dtype="float64").astype(np.int64)


def _as_ts(value, tz) -> pd.Timestamp:
    t = pd.Timestamp(value)
    return t.tz_localize(tz) if t.tzinfo is None else t.tz_convert(tz)


def weekly_volume(
    touches: pd.DataFrame, contacts: pd.DataFrame, events: pd.DataFrame, *, by: str = "channel"
) -> pd.DataFrame:
    """Touches per contact on the books per week, by ``by`` (``channel``, ``kind`` or
    ``content_type``): columns ``week`` (Monday, local), ``by``, ``touches`` (recipient rows),
    ``contacts`` (joined before the week ends and not deleted before it starts) and
    ``per_contact``."""
    tz = touches["sent_at"].dt.tz
    week = touches["sent_at"].dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    counts = touches.assign(week=week).groupby(["week", by], observed=True).size().rename("touches")
    weeks = pd.Index(sorted(week.unique()), name="week")
    joined = contacts["joined_at"].dt.tz_convert(tz).dt.tz_localize(None)
    dels = (
        events.loc[events["event_type"] == "del_follow_user"]
        .groupby("user_id")["occurred_at"]
        .min()
    )
    gone = contacts["user_id"].map(dels).dt.tz_convert(tz).dt.tz_localize(None)
    on_books = [int(((joined < w + pd.Timedelta(days=7)) & ~(gone < w)).sum()) for w in weeks]
    books = pd.Series(on_books, index=weeks, name="contacts")
    out = counts.reset_index().merge(books.reset_index(), on="week")
    out["per_contact"] = out["touches"] / out["contacts"].where(out["contacts"] > 0)
    return out.sort_values(["week", by]).reset_index(drop=True)


def group_brand_share(touches: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per group: brand messages (distinct group touches), members' messages in groups
    (``message`` events with context ``group`` of the group's members while members), the
    brand's share of the messages (the 刷屏 measure), days with brand messages and the most
    brand messages on one day."""
    g = touches.loc[touches["group_id"].notna()].drop_duplicates("touch_id")
    day = g["sent_at"].dt.floor("D")
    per_day = g.groupby([g["group_id"], day]).size()
    brand = pd.DataFrame(
        {
            "brand_messages": g.groupby("group_id").size(),
            "brand_days": per_day.groupby(level=0).size(),
            "max_per_day": per_day.groupby(level=0).max(),
        }
    )
    stays = memberships(events)
    msgs = events.loc[(events["event_type"] == "message") & (events["context"] == "group")]
    m = msgs[["user_id", "occurred_at"]].merge(stays, on="user_id")
    inside = (m["start"].isna() | (m["start"] <= m["occurred_at"])) & (
        m["end"].isna() | (m["occurred_at"] < m["end"])
    )
    member_msgs = m.loc[inside].groupby("group_id").size().rename("member_messages")
    members = stays.groupby("group_id")["user_id"].nunique().rename("members")
    out = brand.join(member_msgs, how="left").join(members, how="left").fillna(0)
    out = out.astype({"member_messages": "int64", "members": "int64"})
    out["brand_share"] = out["brand_messages"] / (out["brand_messages"] + out["member_messages"])
    return out.reset_index().rename(columns={"index": "group_id"})


@reused
def departure_panel(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    touches: pd.DataFrame,
    *,
    start,
    end,
    window_days: int = 3,
    flood_threshold: int = 5,
) -> pd.DataFrame:
    """The contact-day panel of departures, aggregated to cells.

    For each user and day at risk: ``dose`` — promo touches received in the ``window_days``
    days before (not that day: a contact who left in the morning got no touch in the
    afternoon, which would make touches look protective), counted only on days before the
    first purchase (0 after it); ``pre_purchase``; ``in_group`` (a member of some group at
    the start of the day);
    ``flood`` (a member of a group that got ``flood_threshold`` or more brand messages that
    day or the day before); ``departed`` (the first departure event falls on that day).
    Returns one row per distinct ``(dose, pre_purchase, in_group, flood)`` with ``days`` and
    ``departures``."""
    tz = contacts["joined_at"].dt.tz
    start = _as_ts(start, tz).normalize()
    n_days = int((_as_ts(end, tz) - start) / DAY)
    users = contacts["user_id"].to_numpy()
    n = users.size
    pos = pd.Series(np.arange(n), index=users)
    join_day = _days(contacts["joined_at"], start)
    dep = (
        events.loc[events["event_type"].isin(DEPARTURE_TYPES)]
        .groupby("user_id")["occurred_at"]
        .min()
    )
    dep_day = _days(contacts["user_id"].map(dep), start)
    first = orders.groupby("user_id")["ordered_at"].min()
    buy_day = _days(contacts["user_id"].map(first), start)

    promo = touches.loc[touches["kind"] == "promo"]
    grid = np.zeros((n, n_days + window_days), dtype=np.int32)
    pu = pos.reindex(promo["user_id"]).to_numpy()
    pd_ = _days(promo["sent_at"], start)
    ok = ~np.isnan(pu) & (pd_ >= 0) & (pd_ < n_days)
    np.add.at(grid, (pu[ok].astype(np.int64), pd_[ok] + window_days), 1)
    csum = np.concatenate([np.zeros((n, 1), dtype=np.int64), np.cumsum(grid, axis=1)], axis=1)
    # promo touches of days d-window .. d-1 (grid column c holds day c - window)
    dose_grid = csum[:, window_days : window_days + n_days] - csum[:, :n_days]

    # group membership per day, and flood days per group
    stays = memberships(events)
    g_ids = pd.Index(sorted(set(stays["group_id"]) | set(touches["group_id"].dropna())))
    gt = touches.loc[touches["group_id"].notna()].drop_duplicates("touch_id")
    gcount = np.zeros((len(g_ids), n_days + 1), dtype=np.int32)
    gd = _days(gt["sent_at"], start)
    gi = g_ids.get_indexer(gt["group_id"])
    okg = (gd >= 0) & (gd < n_days)
    np.add.at(gcount, (gi[okg], gd[okg] + 1), 1)
    flood_day = gcount >= flood_threshold  # column d+1 is day d; column 0 is "day -1"
    flood_recent = flood_day[:, 1:] | flood_day[:, :-1]
    in_group = np.zeros((n, n_days), dtype=bool)
    flood = np.zeros((n, n_days), dtype=bool)
    su = pos.reindex(stays["user_id"]).to_numpy()
    for u, g, s, e in zip(
        su,
        g_ids.get_indexer(stays["group_id"]),
        _days(stays["start"], start),
        _days(stays["end"], start),
    ):
        if np.isnan(u):
            continue
        u = int(u)
        lo = 0 if s > 10**11 else max(int(s) + 1, 0)  # a member from the day after joining
        hi = min(int(e), n_days - 1)  # still a member at the start of the day it quits
        if hi < lo:
            continue
        in_group[u, lo : hi + 1] = True
        flood[u, lo : hi + 1] |= flood_recent[g, lo : hi + 1]

    first_day = join_day + 1
    last_day = np.minimum(dep_day, n_days - 1)
    length = np.maximum(last_day - first_day + 1, 0)
    uu = np.repeat(np.arange(n), length)
    offs = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    dd = first_day[uu] + offs
    pre = dd < buy_day[uu]
    cells = pd.DataFrame(
        {
            "dose": np.where(pre, dose_grid[uu, dd], 0),
            "pre_purchase": pre,
            "in_group": in_group[uu, dd],
            "flood": flood[uu, dd],
            "departed": dd == dep_day[uu],
        }
    )
    keys = ["dose", "pre_purchase", "in_group", "flood"]
    out = cells.groupby(keys).agg(days=("departed", "size"), departures=("departed", "sum"))
    return out.reset_index().astype({"departures": "int64", "days": "int64"})


@reused
def touch_responses(touches: pd.DataFrame, events: pd.DataFrame, *, hours: float = 48):
    """Each recipient row of ``touches`` with ``responded``: the user read, clicked or wrote
    (:data:`RESPONSE_TYPES`) within ``hours`` after it was sent."""
    r = events.loc[events["event_type"].isin(RESPONSE_TYPES), ["user_id", "occurred_at"]]
    r = r.sort_values("occurred_at").rename(columns={"occurred_at": "response_at"})
    t = touches.reset_index(drop=True).reset_index(names="_row").sort_values("sent_at")
    m = pd.merge_asof(
        t,
        r,
        left_on="sent_at",
        right_on="response_at",
        by="user_id",
        direction="forward",
        allow_exact_matches=False,
    )
    m["responded"] = (m["response_at"] - m["sent_at"]) <= pd.Timedelta(hours=hours)
    return m.sort_values("_row").drop(columns=["_row", "response_at"]).reset_index(drop=True)


def care_triggers(
    orders: pd.DataFrame,
    touches: pd.DataFrame,
    events: pd.DataFrame,
    *,
    end,
    trigger_days: float = 25,
    silent_days: float = 30,
    match_hours: float = 24,
    silence_types=("message",),
) -> pd.DataFrame:
    """One row per order whose care trigger (``trigger_days`` after it) and following
    ``silent_days`` fall before ``end``, for users who had not deleted the brand by the
    trigger: ``cared`` (a care touch within ``match_hours`` of the trigger), ``silent`` (no
    ``silence_types`` event in the ``silent_days`` after the trigger) and ``repurchased``
    (an order in that window)."""
    tz = orders["ordered_at"].dt.tz
    end = _as_ts(end, tz)
    o = orders[["user_id", "ordered_at"]].reset_index(drop=True)
    o["t0"] = o["ordered_at"] + pd.Timedelta(days=trigger_days)
    o = o.loc[o["t0"] + pd.Timedelta(days=silent_days) <= end]
    dels = (
        events.loc[events["event_type"] == "del_follow_user"]
        .groupby("user_id")["occurred_at"]
        .min()
    )
    o = o.loc[~(o["user_id"].map(dels) <= o["t0"])].reset_index(drop=True)
    o = o.reset_index(names="trigger")
    care = touches.loc[touches["kind"] == "care", ["user_id", "sent_at"]]
    tol = pd.Timedelta(hours=match_hours)
    win = pd.Timedelta(days=silent_days)

    def any_in(other: pd.DataFrame, col: str, lo, hi) -> pd.Series:
        m = o[["trigger", "user_id", "t0"]].merge(other, on="user_id")
        hit = (m[col] > m["t0"] + lo) & (m[col] <= m["t0"] + hi)
        return m.loc[hit].groupby("trigger").size().reindex(o["trigger"], fill_value=0) > 0

    o["cared"] = any_in(care, "sent_at", -tol, tol).to_numpy()
    spoke = events.loc[events["event_type"].isin(list(silence_types)), ["user_id", "occurred_at"]]
    o["silent"] = ~any_in(spoke, "occurred_at", pd.Timedelta(0), win).to_numpy()
    later = orders[["user_id", "ordered_at"]].rename(columns={"ordered_at": "next_at"})
    o["repurchased"] = any_in(later, "next_at", pd.Timedelta(0), win).to_numpy()
    return o[["user_id", "ordered_at", "t0", "cared", "silent", "repurchased"]]


@reused
def early_promo_frame(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    touches: pd.DataFrame,
    *,
    end,
    window_days: float = 14,
    horizon_days: float = 90,
    interaction_types=None,
) -> pd.DataFrame:
    """One row per contact still there, with no purchase, ``window_days`` after joining, and
    whose ``horizon_days`` after that fall before ``end``: ``early_promo`` (promo touches in
    the window), the covariates ``channel``, ``hook``, ``join_month``, ``in_group`` (joined a
    group in the window) and ``engagement`` (interaction events in the window), the outcomes
    ``departed`` (a group quit or deletion in the horizon) and ``purchased`` (a first order
    in the horizon), and the negative-control outcome ``pre_join_views`` (``content_view``
    events before joining, which no later touch can cause)."""
    tz = contacts["joined_at"].dt.tz
    end = _as_ts(end, tz)
    w, h = pd.Timedelta(days=window_days), pd.Timedelta(days=horizon_days)
    c = contacts[["user_id", "joined_at", "channel", "hook"]].copy()
    c["t1"] = c["joined_at"] + w
    c = c.loc[c["t1"] + h <= end]
    dep = (
        events.loc[events["event_type"].isin(DEPARTURE_TYPES)]
        .groupby("user_id")["occurred_at"]
        .min()
    )
    first = orders.groupby("user_id")["ordered_at"].min()
    c["dep_at"] = c["user_id"].map(dep)
    c["buy_at"] = c["user_id"].map(first)
    c = c.loc[~(c["dep_at"] < c["t1"]) & ~(c["buy_at"] < c["t1"])].reset_index(drop=True)

    def count(frame: pd.DataFrame, col: str, lo: str, hi: str) -> pd.Series:
        m = c[["user_id", lo, hi]].merge(frame[["user_id", col]], on="user_id")
        hit = (m[col] >= m[lo]) & (m[col] < m[hi])
        return m.loc[hit].groupby("user_id").size().reindex(c["user_id"], fill_value=0)

    promo = touches.loc[touches["kind"] == "promo"]
    c["early_promo"] = count(promo, "sent_at", "joined_at", "t1").to_numpy()
    inter = events["event_type"].isin(
        list(interaction_types) if interaction_types is not None else list(RESPONSE_TYPES)
    )
    c["engagement"] = count(events.loc[inter], "occurred_at", "joined_at", "t1").to_numpy()
    joins = events.loc[events["event_type"] == "group_join"]
    c["in_group"] = count(joins, "occurred_at", "joined_at", "t1").to_numpy() > 0
    c["join_month"] = c["joined_at"].dt.strftime("%Y-%m")
    c["departed"] = (c["dep_at"] >= c["t1"]) & (c["dep_at"] < c["t1"] + h)
    c["purchased"] = (c["buy_at"] >= c["t1"]) & (c["buy_at"] < c["t1"] + h)
    views = events.loc[events["event_type"] == "content_view"]
    c = c.assign(t_min=pd.Timestamp("2000-01-01", tz=tz))
    c["pre_join_views"] = count(views, "occurred_at", "t_min", "joined_at").to_numpy()
    cols = ["user_id", "channel", "hook", "join_month", "in_group", "engagement", "early_promo"]
    return c[cols + ["departed", "purchased", "pre_join_views"]]
