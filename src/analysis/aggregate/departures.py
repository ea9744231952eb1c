"""How and when each customer left after a landmark: hard churn or going silent.

Two ways to leave compete (the first one ends the relationship):

* **hard** — a hard-churn event (vocabulary stage ``lost``, e.g. ``del_follow_user``: the user
  deleted the brand's contact), at its time;
* **silent** — the silence rule of :func:`analysis.aggregate.rules.is_silent` becoming true:
  ``silent_days`` without qualifying activity (an interaction or a paid order, the activity
  of :func:`analysis.aggregate.labels.activity_times`). The user counts as lost at the first
  instant ``t`` after the landmark with no activity in ``[t - silent_days, t)`` — the last
  activity plus ``silent_days`` — which is the moment the population rule of
  :func:`~analysis.aggregate.labels.retention_labels` (``lost_after_days``) would first
  leave them out.

The population is that of :func:`~analysis.aggregate.labels.retention_labels` at the landmark
(customers then: not hard-churned, not silent ``silent_days``), so every departure is after
it. Users with neither departure by ``end`` are censored at ``end``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.aggregate.labels import ACTIVITY, activity_times, retention_labels
from analysis.aggregate.rules import PAID_SQL
from analysis.aggregate.stages import in_user_range, user_ranges
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.data.vocab import Vocabulary, load_vocabulary
from analysis.engine.core import is_sql_engine
from analysis.engine.dialect import sql_instant, sql_list
from analysis.engine.tables import SqlInputs, as_instants, infer_engine, is_sql_table

#: Causes of departure as the status codes of competing-risk estimators (0 = censored).
CAUSES = {"hard": 1, "silent": 2}

#: the most customers whose silences one query orders (a query per range of user ids above
#: it): the window over their activity is sorted in memory, at 5M contacts ~4 GB at once;
#: per range of 1M, 2.7 GB above the kernel's frames (churn's peak there: 8.55 GB)
DEPARTURE_QUERY_USERS = 500_000


def departures(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    since,
    end,
    silent_days: float = 90,
    activity: str = "any",
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.DataFrame:
    """One row per customer at ``since`` (sorted by ``user_id``): ``user_id``, ``left_at``
    (NaT if censored), ``cause`` (``"hard"``, ``"silent"`` or ``"censored"``), ``status``
    (:data:`CAUSES` code, 0 = censored) and ``days`` (from ``since`` to leaving or to
    ``end``). Reads nothing at or after ``end``.

    ``engine="duckdb"`` / ``"spark"``: the scans of events and orders run as SQL (the tables
    may be those of a :class:`~analysis.engine.DuckTables` read from disk); only per-user
    times come back. The table is the same. ``None`` (default) follows the inputs."""
    vocab = load_vocabulary(vocabulary)
    engine = infer_engine(engine, contacts, events, orders)
    if is_sql_table(contacts):
        contacts = contacts.to_pandas()
    tz = tz_of(contacts["joined_at"])
    t0 = as_timestamp(since, tz=tz, name="since")
    t1 = as_timestamp(end, tz=tz, name="end")
    if not t1 > t0:
        raise ValueError(f"end ({t1}) must be after since ({t0})")
    if silent_days <= 0:
        raise ValueError(f"silent_days must be positive, got {silent_days}")
    gap = pd.Timedelta(days=float(silent_days))
    lab = retention_labels(
        contacts,
        events,
        orders,
        cutoff=t0,
        horizon_days=1,
        activity=activity,
        lost_after_days=silent_days,
        observation_end=t1,
        vocabulary=vocab,
        engine=engine,
    )
    users = lab["user_id"]
    joined = contacts.set_index(contacts["user_id"].astype("str"))["joined_at"]
    idx = pd.Index(users, name="user_id")
    # (times stay zoned arrays: to_numpy() would make millions of Timestamp objects)
    j = pd.Series(joined.reindex(users).array, index=idx)
    last = pd.Series(lab["last_activity_before"].array, index=idx)
    start = last.where(last > j, j)  # the last activity before ``since``, or joining

    starts = pd.DataFrame({"user_id": users.to_numpy(), "t": start.array})
    if is_sql_engine(engine):
        quiet_from, hard_at = _leaving_sql(
            events,
            orders,
            starts,
            t0=t0,
            t1=t1,
            gap=gap,
            activity=activity,
            vocab=vocab,
            engine=engine,
            tz=tz,
        )
    else:
        act = activity_times(events, orders, activity, vocab)
        act = act.loc[(act["t"] >= t0) & (act["t"] < t1) & act["user_id"].isin(users)]
        seq = pd.concat([starts, act], ignore_index=True).sort_values(
            ["user_id", "t"], kind="mergesort"
        )
        nxt = seq.groupby("user_id", sort=False)["t"].shift(-1)
        quiet = seq.loc[nxt.isna() | (nxt - seq["t"] >= gap)]
        quiet_from = quiet.groupby("user_id")["t"].min()
        churn = events.loc[
            events["event_type"].isin(vocab.churn_types)
            & (events["occurred_at"] >= t0)
            & (events["occurred_at"] < t1),
            ["user_id", "occurred_at"],
        ]
        hard_at = churn.groupby("user_id")["occurred_at"].min()
    silent_at = (quiet_from + gap).reindex(users)
    hard_at = hard_at.reindex(users)

    s = pd.Series(silent_at.array, index=idx)
    h = pd.Series(hard_at.array, index=idx)
    s_ok = (s < t1).to_numpy()  # NaT compares False
    h_ok = h.notna().to_numpy()
    is_hard = h_ok & ~(s_ok & (s < h).to_numpy())
    is_silent = s_ok & ~is_hard
    left = h.where(is_hard, s.where(is_silent))
    out = pd.DataFrame({"user_id": users.to_numpy()})
    out["left_at"] = left.array
    out["cause"] = np.where(is_hard, "hard", np.where(is_silent, "silent", "censored"))
    out["status"] = np.where(is_hard, CAUSES["hard"], np.where(is_silent, CAUSES["silent"], 0))
    stop = out["left_at"].where(out["left_at"].notna(), t1)
    out["days"] = ((stop - t0) / pd.Timedelta(days=1)).to_numpy(dtype="float64")
    return out.sort_values("user_id", ignore_index=True)


def _leaving_sql(events, orders, starts, *, t0, t1, gap, activity, vocab, engine, tz):
    """The scans of :func:`departures` in SQL: per user, the first time of ``starts`` ∪ the
    qualifying activity in ``[t0, t1)`` after which no activity follows within ``gap``, and
    the first hard churn in ``[t0, t1)`` (both indexed by ``user_id``)."""
    if activity not in ACTIVITY:
        raise ValueError(f"activity must be one of {ACTIVITY}, got {activity!r}")
    gap_us = int(gap // pd.Timedelta(1, "us"))
    inter = sql_list(vocab.interaction_types if activity == "any" else [])
    T0, T1 = sql_instant(t0), sql_instant(t1)
    ranges = user_ranges(pd.Index(starts["user_id"].astype("str")), DEPARTURE_QUERY_USERS)
    with SqlInputs(engine, events=events, orders=orders, starts=starts) as db:
        ev, od, st = db.views["events"], db.views["orders"], db.views["starts"]
        quiet = pd.concat(
            [db.df(_quiet_sql(ev, od, st, r, inter, T0, T1, gap_us)) for r in ranges],
            ignore_index=True,
        )
        hard = db.df(f"""
            SELECT CAST(user_id AS VARCHAR) AS user_id, min(occurred_at) AS t FROM {ev}
            WHERE event_type IN {sql_list(vocab.churn_types)}
              AND occurred_at >= {T0} AND occurred_at < {T1}
            GROUP BY user_id""")

    def by_user(got: pd.DataFrame) -> pd.Series:
        return pd.Series(
            as_instants(got["t"], tz).array,
            index=pd.Index(got["user_id"].astype("str"), name="user_id"),
            name="t",
        ).sort_index()

    return by_user(quiet), by_user(hard)


def _quiet_sql(ev, od, st, user_range, inter, T0, T1, gap_us) -> str:
    """Per user of ``starts`` in ``user_range``: the first time of the start ∪ the activity
    after which nothing follows within the gap (:func:`_leaving_sql`)."""
    return f"""
            WITH s AS (
                SELECT * FROM (SELECT CAST(user_id AS VARCHAR) AS user_id, t FROM {st})
                WHERE {in_user_range("user_id", user_range)}),
            seq AS (
                SELECT user_id, t FROM s
                UNION ALL
                SELECT user_id, occurred_at AS t FROM {ev}
                WHERE event_type IN {inter} AND occurred_at >= {T0} AND occurred_at < {T1}
                  AND user_id IN (SELECT user_id FROM s)
                UNION ALL
                SELECT user_id, ordered_at AS t FROM {od}
                WHERE {PAID_SQL} AND ordered_at >= {T0} AND ordered_at < {T1}
                  AND user_id IN (SELECT user_id FROM s)),
            q AS (
                SELECT user_id, t, lead(t) OVER (PARTITION BY user_id ORDER BY t) AS nxt
                FROM seq)
            SELECT user_id, min(t) AS t FROM q
            WHERE nxt IS NULL OR epoch_us(nxt) - epoch_us(t) >= {gap_us}
            GROUP BY user_id"""
