"""Retention labels at a cut-off (shared by the value-index study, churn and behaviours).

Definitions (the cut-off ``c`` and horizon ``h`` are explicit):

* **population** — contacts who joined before ``c`` and were not lost by ``c``. Lost by ``c``
  means a hard-churn event (vocabulary stage ``lost``, e.g. ``del_follow_user``) before ``c``
  that was not followed by a re-add (an ``access`` event such as ``contact_add``) before ``c``,
  or — when ``lost_after_days`` is given — no qualifying activity in the
  ``lost_after_days`` before ``c`` for a user who joined earlier than that.
* **retained** — at least one qualifying activity in ``[c, c + h)`` and no hard churn in that
  window. Features are read from ``t < c`` and labels from ``t >= c``, so no instant is in both.
* **qualifying activity** — ``"any"``: an interaction event (vocabulary
  :attr:`~analysis.data.vocab.Vocabulary.interaction_types`) or an order with positive net amount;
  ``"purchase"``: an order with positive net amount only.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate.rules import PAID_SQL, is_silent, paid_orders, tenure_days
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.data.errors import TooLittleData
from analysis.data.vocab import Vocabulary, load_vocabulary
from analysis.engine.core import is_sql_engine
from analysis.engine.dialect import sql_instant, sql_list
from analysis.engine.tables import SqlInputs, as_instants, infer_engine, is_sql_table

ACTIVITY = ("any", "purchase")

# The package's one set of label defaults: every study (``retention_labels``,
# :class:`~analysis.studies.churn.ChurnDefinition`, the validity study's ``study_frame``) and
# the report notebooks read these, so the API and the reports study the same population.
#: Days after the cut-off in which a user must be active to count as retained.
HORIZON_DAYS = 90
#: What counts as activity by default (one of :data:`ACTIVITY`).
DEFAULT_ACTIVITY = "any"
#: **The population rule**: a contact silent this many days before the cut-off has already
#: left and is not in the population (``None`` keeps every contact who has not deleted the
#: brand). 90 days = the horizon: a user who was silent for a whole horizon would be labelled
#: "not retained" had the cut-off been 90 days earlier, so keeping them would count one
#: departure twice and let any activity score "predict" users who have already gone.
LOST_AFTER_DAYS = 90
#: Days before the cut-off from which features (the five values, RFM, activity) are read.
LOOKBACK_DAYS = 180
#: All of them, by parameter name.
LABEL_DEFAULTS = {
    "horizon_days": HORIZON_DAYS,
    "activity": DEFAULT_ACTIVITY,
    "lost_after_days": LOST_AFTER_DAYS,
    "lookback_days": LOOKBACK_DAYS,
}


def _at(users: pd.Series, times: pd.Series, tz: str) -> pd.Series:
    """``times`` (indexed by user) aligned to ``users``; NaT where a user has none."""
    out = times.astype(f"datetime64[us, {tz}]").reindex(users.to_numpy())
    return pd.Series(out.array, index=users.index)  # (.array keeps the datetime type)


def activity_times(
    events: pd.DataFrame, orders: pd.DataFrame, activity: str, vocab: Vocabulary
) -> pd.DataFrame:
    """Every qualifying activity as rows ``user_id``, ``t`` (see the module docstring)."""
    if activity not in ACTIVITY:
        raise ValueError(f"activity must be one of {ACTIVITY}, got {activity!r}")
    paid = paid_orders(orders)
    paid = paid.rename(columns={"ordered_at": "t"})
    if activity == "purchase":
        return paid
    ev = events.loc[events["event_type"].isin(vocab.interaction_types), ["user_id", "occurred_at"]]
    return pd.concat([ev.rename(columns={"occurred_at": "t"}), paid], ignore_index=True)


def retention_labels(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoff,
    horizon_days: int = HORIZON_DAYS,
    activity: str = DEFAULT_ACTIVITY,
    lost_after_days: int | None = LOST_AFTER_DAYS,
    observation_end=None,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.DataFrame:
    """One row per user in the population at ``cutoff`` (sorted by user_id).

    Columns: ``user_id``, ``cutoff``, ``horizon_days``, ``retained`` (bool),
    ``churned_hard`` (bool: hard churn in the window), ``churned_at`` (time of that hard churn),
    ``first_activity_at`` (first qualifying activity in the window),
    ``last_activity_before`` (last qualifying activity before the cut-off; NaT if none),
    ``tenure_days`` (days from joining to the cut-off).

    ``lost_after_days`` (default :data:`LOST_AFTER_DAYS`) is the population rule; pass
    ``None`` to keep long-silent contacts.

    ``observation_end`` (default: the latest event or order time) must not fall before
    ``cutoff + horizon``: a label window the data does not cover is an error.

    ``engine="duckdb"`` / ``"spark"`` runs the same definition as one SQL query
    (:mod:`analysis.engine`); the tables may then be those of a
    :class:`~analysis.engine.DuckTables` / :class:`~analysis.engine.SparkTables` (read from
    disk, out of core) or pandas frames. The result is the same. ``engine=None`` (default)
    follows the inputs: the tables' engine for DuckDB / Spark tables, pandas for frames.
    """
    vocab = load_vocabulary(vocabulary)
    engine = infer_engine(engine, contacts, events, orders)
    if is_sql_engine(engine):
        with SqlInputs(engine, contacts=contacts, events=events, orders=orders) as db:
            return _retention_labels_sql(
                db,
                tz=db.tz if is_sql_table(contacts) else tz_of(contacts["joined_at"]),
                cutoffs=[cutoff],
                ends=[observation_end],
                horizon_days=horizon_days,
                activity=activity,
                lost_after_days=lost_after_days,
                vocab=vocab,
            )[0]
    tz = tz_of(contacts["joined_at"])
    c, end_c = _window(cutoff, horizon_days, tz)
    if observation_end is None:
        candidates = [s.max() for s in (events["occurred_at"], orders["ordered_at"]) if len(s)]
    else:
        candidates = None
    _check_covered(c, end_c, candidates, observation_end, tz)

    churn = events.loc[events["event_type"].isin(vocab.churn_types), ["user_id", "occurred_at"]]
    # lost by c: the last hard churn before c is not followed by a re-add before c
    last_churn = churn.loc[churn["occurred_at"] < c].groupby("user_id")["occurred_at"].max()
    access = (
        events.loc[
            events["event_type"].isin(vocab.of_stage("access")) & (events["occurred_at"] < c)
        ]
        .groupby("user_id")["occurred_at"]
        .max()
    )
    readded = access.reindex(last_churn.index) > last_churn
    churned_before = set(last_churn.index[~readded.to_numpy()])
    pop = contacts.loc[
        (contacts["joined_at"] < c) & ~contacts["user_id"].isin(churned_before),
        ["user_id", "joined_at"],
    ]

    act = activity_times(events, orders, activity, vocab)
    before = act.loc[act["t"] < c].groupby("user_id")["t"].max()
    inside = act.loc[(act["t"] >= c) & (act["t"] < end_c)].groupby("user_id")["t"].min()
    ch_in = churn.loc[(churn["occurred_at"] >= c) & (churn["occurred_at"] < end_c)]
    ch_in = ch_in.groupby("user_id")["occurred_at"].min()

    if lost_after_days is not None:
        # aligned as datetimes even when no one was active before c (an empty ``before``)
        last = before.astype(f"datetime64[us, {tz}]").reindex(pop["user_id"].to_numpy())
        last.index = pop.index
        lost = is_silent(last, pop["joined_at"], as_of=c, days=lost_after_days)
        pop = pop.loc[~lost.to_numpy()]

    ids = pd.Series(pop["user_id"].to_numpy())
    return _label_frame(
        ids,
        pop["joined_at"],
        first=_at(ids, inside, tz),
        churned=_at(ids, ch_in, tz),
        before=_at(ids, before, tz),
        c=c,
        horizon_days=horizon_days,
    )


def _window(cutoff, horizon_days, tz: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    c = as_timestamp(cutoff, tz=tz, name="cutoff")
    if horizon_days <= 0:
        raise ValueError(f"horizon_days must be positive, got {horizon_days}")
    return c, c + pd.Timedelta(days=horizon_days)


def _check_covered(c, end_c, candidates, observation_end, tz: str) -> None:
    """The label window must lie inside the observed data (see :func:`retention_labels`)."""
    if observation_end is None:
        obs_end = max(candidates) if candidates else c
        # the latest record is a lower bound of the export's end: allow one day of slack
        obs_end = obs_end + pd.Timedelta(days=1)
    else:
        obs_end = as_timestamp(observation_end, tz=tz, name="observation_end")
    if end_c > obs_end:
        raise TooLittleData(
            f"label window [{c}, {end_c}) runs past the data "
            f"(observation end {obs_end}); choose an earlier cutoff or a shorter "
            "horizon"
        )


def _label_frame(
    ids: pd.Series,
    joined_at: pd.Series,
    *,
    first: pd.Series,
    churned: pd.Series,
    before: pd.Series,
    c: pd.Timestamp,
    horizon_days,
) -> pd.DataFrame:
    """The output of both engines from per-user times aligned with ``ids`` (positionally)."""
    out = pd.DataFrame({"user_id": ids.to_numpy()})
    out["cutoff"] = c
    out["horizon_days"] = int(horizon_days)
    # .array keeps the datetime64 type: .to_numpy() of a zoned column is an object array of
    # Timestamps that the frame converts back, slowly (the cohort curves call this per cut-off)
    out["first_activity_at"] = first.array
    out["churned_at"] = churned.array
    out["churned_hard"] = out["churned_at"].notna()
    out["retained"] = out["first_activity_at"].notna() & ~out["churned_hard"]
    out["last_activity_before"] = before.array
    out["tenure_days"] = tenure_days(joined_at, as_of=c).to_numpy("float64")
    return out.sort_values("user_id", ignore_index=True)


def retention_labels_many(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoffs: Sequence,
    observation_end: Sequence | None = None,
    horizon_days: int = HORIZON_DAYS,
    activity: str = DEFAULT_ACTIVITY,
    lost_after_days: int | None = LOST_AFTER_DAYS,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> list[pd.DataFrame]:
    """:func:`retention_labels` at each of ``cutoffs`` (``observation_end``: one per cut-off,
    or None), the same tables. On DuckDB / Spark one query reads the events and the orders
    once for all cut-offs; on pandas it is a loop."""
    cutoffs = list(cutoffs)
    ends = [None] * len(cutoffs) if observation_end is None else list(observation_end)
    if len(ends) != len(cutoffs):
        raise ValueError(f"{len(cutoffs)} cut-offs but {len(ends)} observation ends")
    kw = dict(horizon_days=horizon_days, activity=activity, lost_after_days=lost_after_days)
    vocab = load_vocabulary(vocabulary)
    engine = infer_engine(engine, contacts, events, orders)
    if not is_sql_engine(engine) or not cutoffs:
        return [
            retention_labels(
                contacts,
                events,
                orders,
                cutoff=c,
                observation_end=e,
                vocabulary=vocab,
                engine=engine,
                **kw,
            )
            for c, e in zip(cutoffs, ends)
        ]
    with SqlInputs(engine, contacts=contacts, events=events, orders=orders) as db:
        tz = db.tz if is_sql_table(contacts) else tz_of(contacts["joined_at"])
        return _retention_labels_sql(db, tz=tz, cutoffs=cutoffs, ends=ends, vocab=vocab, **kw)


def _retention_labels_sql(
    db: SqlInputs,
    *,
    tz: str,
    cutoffs,
    ends,
    horizon_days,
    activity,
    lost_after_days,
    vocab: Vocabulary,
) -> list[pd.DataFrame]:
    """The SQL definition of :func:`retention_labels` for DuckDB and Spark (same population,
    windows, labels) at one or more cut-offs: one pass over the events and one over the
    orders, with each cut-off's per-user times side by side (columns ``<name>_<k>``)."""
    if activity not in ACTIVITY:
        raise ValueError(f"activity must be one of {ACTIVITY}, got {activity!r}")
    co, ev, od = db.views["contacts"], db.views["events"], db.views["orders"]
    wins = [_window(c, horizon_days, tz) for c in cutoffs]
    if any(e is None for e in ends):
        candidates = db.latest_times(tz)
    for (c, end_c), obs in zip(wins, ends):
        _check_covered(c, end_c, None if obs is not None else candidates, obs, tz)

    churn, access = sql_list(vocab.churn_types), sql_list(vocab.of_stage("access"))
    # qualifying events: interactions ("any"), none ("purchase": orders only)
    inter = sql_list(vocab.interaction_types if activity == "any" else [])
    e_cols, o_cols, p_cols, members = [], [], [], []
    for k, (c, end_c) in enumerate(wins):
        C, E = sql_instant(c), sql_instant(end_c)
        inside = f"t >= {C} AND t < {E}"
        # (aggregates of CASE expressions: DuckDB runs them faster than FILTER clauses)
        e_cols += [
            f"max(CASE WHEN ch AND t < {C} THEN t END) AS last_churn_{k}",
            f"max(CASE WHEN acc AND t < {C} THEN t END) AS last_access_{k}",
            f"min(CASE WHEN ch AND {inside} THEN t END) AS churned_at_{k}",
            f"max(CASE WHEN it AND t < {C} THEN t END) AS e_before_{k}",
            f"min(CASE WHEN it AND {inside} THEN t END) AS e_inside_{k}",
        ]
        o_cols += [
            f"max(CASE WHEN t < {C} THEN t END) AS o_before_{k}",
            f"min(CASE WHEN {inside} THEN t END) AS o_inside_{k}",
        ]
        before = f"""CASE WHEN e.e_before_{k} IS NULL THEN o.o_before_{k}
                        WHEN o.o_before_{k} IS NULL THEN e.e_before_{k}
                        ELSE greatest(e.e_before_{k}, o.o_before_{k}) END"""
        p_cols += [
            # NULL-aware: no activity of one kind leaves the other
            f"""CASE WHEN e.e_inside_{k} IS NULL THEN o.o_inside_{k}
                     WHEN o.o_inside_{k} IS NULL THEN e.e_inside_{k}
                     ELSE least(e.e_inside_{k}, o.o_inside_{k}) END AS first_activity_at_{k}""",
            f"e.churned_at_{k} AS churned_at_{k}",
            f"{before} AS last_activity_before_{k}",
        ]
        # in the population at c: joined before c; not lost by c (a hard churn before c not
        # followed by a re-add before c); with lost_after_days: not silent that long
        rule = f"""c.joined_at < {C}
              AND NOT (e.last_churn_{k} IS NOT NULL
                       AND NOT coalesce(e.last_access_{k} > e.last_churn_{k}, FALSE))"""
        if lost_after_days is not None:
            S = sql_instant(c - pd.Timedelta(days=lost_after_days))
            rule += f" AND NOT (c.joined_at < {S} AND NOT coalesce({before} >= {S}, FALSE))"
        members.append(f"coalesce({rule}, FALSE)")
    p_cols += [f"{m} AS in_{k}" for k, m in enumerate(members)]
    E_all = sql_instant(max(end_c for _, end_c in wins))
    sql = f"""
        WITH e AS (
            SELECT user_id, {", ".join(e_cols)}
            FROM (SELECT user_id, occurred_at AS t, event_type IN {churn} AS ch,
                         event_type IN {access} AS acc, event_type IN {inter} AS it
                  FROM {ev} WHERE occurred_at < {E_all}) x
            GROUP BY user_id),
        o AS (
            SELECT user_id, {", ".join(o_cols)}
            FROM (SELECT user_id, ordered_at AS t FROM {od}
                  WHERE ordered_at < {E_all} AND {PAID_SQL}) x
            GROUP BY user_id),
        p AS (
            SELECT c.user_id, c.joined_at, {", ".join(p_cols)}
            FROM {co} c LEFT JOIN e USING (user_id) LEFT JOIN o USING (user_id)
            WHERE c.joined_at < {sql_instant(max(c for c, _ in wins))})
        SELECT * FROM p WHERE {" OR ".join(f"in_{k}" for k in range(len(wins)))}"""
    got = db.df(sql)
    out = []
    for k, (c, _) in enumerate(wins):
        g = got.loc[got[f"in_{k}"].to_numpy(dtype=bool)].reset_index(drop=True)
        out.append(
            _label_frame(
                g["user_id"].astype("str"),
                as_instants(g["joined_at"], tz),
                first=as_instants(g[f"first_activity_at_{k}"], tz),
                churned=as_instants(g[f"churned_at_{k}"], tz),
                before=as_instants(g[f"last_activity_before_{k}"], tz),
                c=c,
                horizon_days=horizon_days,
            )
        )
    return out


def activity_counts(
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    users: pd.Series,
    lookback_days: float | None = LOOKBACK_DAYS,
    activity: str = DEFAULT_ACTIVITY,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.Series:
    """Qualifying activities (see the module docstring) of each of ``users`` in
    ``[as_of - lookback_days, as_of)`` (all before ``as_of`` when ``lookback_days`` is None):
    the sceptic's "how active was this user" baseline. Indexed by ``user_id`` as ``users``;
    0 for a user with none. Same count on pandas, DuckDB and Spark."""
    vocab = load_vocabulary(vocabulary)
    if activity not in ACTIVITY:
        raise ValueError(f"activity must be one of {ACTIVITY}, got {activity!r}")
    ids = pd.Index(pd.Series(users).astype("str").to_numpy(), name="user_id")
    start = None if lookback_days is None else as_of - pd.Timedelta(days=float(lookback_days))
    engine = infer_engine(engine, events, orders)
    if is_sql_engine(engine):
        with SqlInputs(engine, events=events, orders=orders) as db:
            ev, od = db.views["events"], db.views["orders"]
            lo_e = "" if start is None else f"AND occurred_at >= {sql_instant(start)}"
            lo_o = "" if start is None else f"AND ordered_at >= {sql_instant(start)}"
            inter = sql_list(vocab.interaction_types if activity == "any" else [])
            got = db.df(
                f"""SELECT user_id, count(*) AS n FROM (
                    SELECT user_id FROM {ev} WHERE event_type IN {inter}
                        AND occurred_at < {sql_instant(as_of)} {lo_e}
                    UNION ALL
                    SELECT user_id FROM {od} WHERE {PAID_SQL}
                        AND ordered_at < {sql_instant(as_of)} {lo_o}) a GROUP BY user_id"""
            )
        n = pd.Series(got["n"].to_numpy(dtype="int64"), index=got["user_id"].astype("str"))
    else:
        act = activity_times(events, orders, activity, vocab)
        keep = act["t"] < as_of
        if start is not None:
            keep &= act["t"] >= start
        n = act.loc[keep, "user_id"].astype("str").value_counts()
    return n.reindex(ids, fill_value=0).astype("int64").rename("activity_count")


#: cut-offs per query of :func:`retained_at_cutoffs` (one bit of a BIGINT mask each)
MASK_BITS = 62


def retained_at_cutoffs(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoffs,
    horizon_days: int = HORIZON_DAYS,
    activity: str = DEFAULT_ACTIVITY,
    observation_end=None,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.DataFrame:
    """``retained`` of :func:`retention_labels` (with ``lost_after_days=None``) at each of
    ``cutoffs``: a bool frame with one row per contact (``user_id``, contacts' order) and one
    column per cut-off (``False`` for a contact outside that cut-off's population). The rows
    follow the contacts on pandas and the engine's scan on DuckDB / Spark: align on the index.

    On DuckDB / Spark every cut-off comes from one query (per :data:`MASK_BITS` cut-offs):
    each event and paid order is tagged with the bit mask of the label windows
    ``[c, c + horizon)`` that contain it (a ``CASE`` over the windows' bounds) and the masks
    are OR-ed per user; who was lost by each cut-off (a hard churn not followed by a re-add)
    is read from the churn and access events of the users with a churn. The pandas engine
    runs :func:`retention_labels` per cut-off. Same result on every engine."""
    vocab = load_vocabulary(vocabulary)
    engine = infer_engine(engine, contacts, events, orders)
    kw = dict(horizon_days=horizon_days, activity=activity, observation_end=observation_end)
    if not is_sql_engine(engine):
        ids = contacts["user_id"].astype("str")
        cols = {}
        for c in cutoffs:
            lab = retention_labels(
                contacts, events, orders, cutoff=c, lost_after_days=None, vocabulary=vocab, **kw
            )
            ok = pd.Index(lab.loc[lab["retained"].to_numpy(), "user_id"].astype("str"))
            cols[lab["cutoff"].iloc[0] if len(lab) else c] = ids.isin(ok).to_numpy()
        return pd.DataFrame(cols, index=pd.Index(ids.to_numpy(), name="user_id"))
    if activity not in ACTIVITY:
        raise ValueError(f"activity must be one of {ACTIVITY}, got {activity!r}")
    with SqlInputs(engine, contacts=contacts, events=events, orders=orders) as db:
        tz = db.tz if is_sql_table(contacts) else tz_of(contacts["joined_at"])
        windows = [_window(c, horizon_days, tz) for c in cutoffs]
        candidates = db.latest_times(tz) if observation_end is None else None
        for c, end_c in windows:
            _check_covered(c, end_c, candidates, observation_end, tz)
        parts, ids, joined = [], None, None
        for lo in range(0, len(windows), MASK_BITS):
            got = db.df(_retained_sql(db.views, windows[lo : lo + MASK_BITS], activity, vocab))
            if ids is None:
                ids = got["user_id"].astype("str").to_numpy()
                joined = as_instants(got["joined_at"], tz)
            parts.append(_retained_bits(got, ids, joined, windows[lo : lo + MASK_BITS]))
    if not parts:
        return pd.DataFrame(index=pd.Index([], name="user_id", dtype="str"))
    return pd.concat(parts, axis=1)


def _retained_bits(got: pd.DataFrame, ids, joined: pd.Series, windows) -> pd.DataFrame:
    """Per-user masks of :func:`_retained_sql` (aligned on ``ids``) to one bool column per
    window."""
    got = got.set_index(got["user_id"].astype("str")).reindex(ids)
    act, ch, lost = (got[c].fillna(0).to_numpy(dtype="int64") for c in ("act", "ch", "lost"))
    cols = {}
    for k, (c, _) in enumerate(windows):
        bit = np.int64(1) << k
        member = (joined < c).to_numpy(dtype=bool)  # (NaT: not a member)
        cols[c] = member & ((lost & bit) == 0) & ((act & bit) != 0) & ((ch & bit) == 0)
    return pd.DataFrame(cols, index=pd.Index(ids, name="user_id"))


def _retained_sql(views, windows, activity: str, vocab: Vocabulary) -> str:
    """One query for up to :data:`MASK_BITS` label windows: per contact its ``joined_at``, the
    mask of windows with a qualifying activity (``act``), with a hard churn (``ch``), and of
    the cut-offs by which it was lost (``lost``)."""
    co, ev, od = views["contacts"], views["events"], views["orders"]
    bounds = sorted({t for w in windows for t in w})
    whens = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):  # elementary intervals [lo, hi)
        m = sum(1 << k for k, (c, e) in enumerate(windows) if c <= lo and hi <= e)
        whens.append(f"WHEN {{t}} < {sql_instant(hi)} THEN CAST({m} AS BIGINT)")
    mask = "CASE " + " ".join(whens) + " END"
    B0, B1 = sql_instant(bounds[0]), sql_instant(bounds[-1])
    churn, access = sql_list(vocab.churn_types), sql_list(vocab.of_stage("access"))
    inter = sql_list(vocab.interaction_types if activity == "any" else [])
    both = sql_list([*vocab.churn_types, *(vocab.interaction_types if activity == "any" else [])])
    C_last = sql_instant(max(c for c, _ in windows))
    # lost by c_k: the last hard churn before c_k is not followed by a re-add before c_k
    lost_bits = " + ".join(
        f"CASE WHEN lc{k} IS NOT NULL AND NOT coalesce(la{k} > lc{k}, FALSE) "
        f"THEN CAST({1 << k} AS BIGINT) ELSE 0 END"
        for k in range(len(windows))
    )
    lost_cols = ", ".join(
        f"max(CASE WHEN is_churn AND occurred_at < {sql_instant(c)} THEN occurred_at END) "
        f"AS lc{k}, max(CASE WHEN is_access AND occurred_at < {sql_instant(c)} "
        f"THEN occurred_at END) AS la{k}"
        for k, (c, _) in enumerate(windows)
    )
    return f"""
        WITH w AS (
            SELECT user_id, bit_or(CASE WHEN event_type IN {inter} THEN m END) AS act,
                   bit_or(CASE WHEN event_type IN {churn} THEN m END) AS ch
            FROM (SELECT user_id, event_type, {mask.format(t="occurred_at")} AS m FROM {ev}
                  WHERE occurred_at >= {B0} AND occurred_at < {B1}
                    AND event_type IN {both}) x
            GROUP BY user_id),
        o AS (
            SELECT user_id, bit_or({mask.format(t="ordered_at")}) AS act FROM {od}
            WHERE ordered_at >= {B0} AND ordered_at < {B1} AND {PAID_SQL} GROUP BY user_id),
        l AS (
            SELECT user_id, {lost_bits} AS lost FROM (
                SELECT user_id, {lost_cols} FROM (
                    SELECT user_id, occurred_at, event_type IN {churn} AS is_churn,
                           event_type IN {access} AS is_access FROM {ev}
                    WHERE occurred_at < {C_last}
                      AND (event_type IN {churn} OR event_type IN {access})
                      AND user_id IN (SELECT user_id FROM {ev}
                                      WHERE event_type IN {churn} AND occurred_at < {C_last})
                ) y GROUP BY user_id) z)
        SELECT c.user_id, c.joined_at, coalesce(w.act, 0) | coalesce(o.act, 0) AS act,
               coalesce(w.ch, 0) AS ch, coalesce(l.lost, 0) AS lost
        FROM {co} c LEFT JOIN w USING (user_id) LEFT JOIN o USING (user_id)
             LEFT JOIN l USING (user_id)"""
