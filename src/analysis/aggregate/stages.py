"""Stage evidence per user per snapshot: the heavy aggregation behind the flow model.

:func:`stage_codes` assigns every user a state at each snapshot time ``t`` from what happened
strictly before ``t``. It is fully vectorised: every input row is visited once (the
snapshots are processed in time order and each one only adds the rows since the previous
one to running per-user maxima and counts), so the cost is ``O(rows + users × snapshots ×
stages)`` and 1M users × 18 monthly snapshots run in well under a minute of numpy time.

The rules (the configuration object is :class:`analysis.studies.flow.Ladder`; this module only
needs its attributes, so it takes the evidence tables as plain arguments):

* **evidence** — an event whose type maps to a ladder stage evidences that stage at its
  time. Joining (``contacts.joined_at``) evidences ``join_stage`` (``access``). A paid order
  (net amount > 0) evidences ``repeat_stage`` (``again``) when the user has at least
  ``repeat_min_orders`` paid orders before ``t`` and ``first_purchase_stage`` (``act``)
  otherwise. A referred contact's first paid order evidences ``referral_stage``
  (``ambassador``) for the referrer (``contacts.referrer_id``) at the time of that order.
* **purchase gate** — evidence of a stage in ``purchase_gated`` (default ``advocate``,
  ``ambassador``) counts for that stage only when the user has at least one paid order before
  ``t``; otherwise it counts as evidence of ``gate_fallback_stage`` (default ``active``, below
  the first purchase; ``None``: it evidences nothing). A sharer who never bought is engaged, not
  an advocate, so the step into the first purchase is not hidden behind sharing.
* **ladder stage** — the highest stage with evidence in ``[t - lookback_days, t)``.
* **population** — users who joined before ``t``, plus users not yet joined whose
  pre-join evidence (``aware`` / ``appeal``) falls in the window. Others get code ``-1``.
* **last activity** — the latest of ``joined_at``, interaction events and paid orders
  before ``t``.
* **lost** — a churn event (``del_follow_user``) at or after the last activity; or, with
  ``left_all_groups_is_lost``, as many group quits as group joins (at least one) with the
  last quit at or after the last activity; or no activity in ``lost_days``.
* **silent** — not lost and no activity in ``silent_days``.

Codes: ``0 .. S-1`` ladder stages (lowest first), ``S`` silent, ``S + 1`` lost, ``-1`` not in
the population.

Engines. ``engine="duckdb"`` / ``"spark"`` computes the same codes as one SQL query
(:func:`_stage_codes_sql`, see :mod:`analysis.engine`): every evidence row is tagged with the
first snapshot it counts for (a ``CASE`` over the snapshot instants), collapsed to one row per
user and such bucket (per-stage last evidence, last activity, last paid order and paid-order
count, last churn, group joins / quits), then to one row per user with, for each snapshot
``k``, the maxima / counts over the buckets ``<= k`` (conditional aggregates: no users ×
snapshots grid and no window functions, which were several times slower on DuckDB), and
turned into codes by the same rules. Only the per-user codes (one column per snapshot) come
back. The tables may be :class:`~analysis.engine.SqlTable` s or pandas frames; the result is
identical. Day lengths are rounded to nanoseconds as in numpy and every bound is a
microsecond instant rounded up, so comparisons with microsecond data are exact.

Why this module is long: the same rules are written twice, as the numpy loop and as the SQL
query, and they must stay side by side so that every rule (the purchase gate included) is
changed in both at once; the tests compare the two engines' codes.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.aggregate.rules import PAID_SQL, net_amount
from analysis.aggregate.time import tz_of
from analysis.engine.core import fresh_index, is_sql_engine
from analysis.engine.dialect import sql_instant, sql_list, sql_str
from analysis.engine.tables import SqlInputs, infer_engine, is_sql_table

NOT_IN_POPULATION = -1
#: the SQL stage codes run over at most this many contacts per query (ranges of ``user_id``):
#: the per-user aggregates of every snapshot (one wide row per user) take memory in
#: proportion, and at 1M contacts and 18 snapshots one query filled DuckDB's 4 GB
STAGE_QUERY_USERS = 250_000
#: ... for this many snapshots: a query of fewer snapshots takes proportionally more users
STAGE_QUERY_SNAPSHOTS = 18
_NEG = np.iinfo(np.int64).min
DAY_NS = 86_400 * 10**9


def _ns(values) -> np.ndarray:
    """Instants as int64 nanoseconds since the epoch (UTC)."""
    s = pd.Series(values)
    if getattr(s.dtype, "tz", None) is None and not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s)
    return s.to_numpy(dtype="datetime64[ns]").view("int64")


def snapshot_ns(snapshots: Sequence, tz: str) -> np.ndarray:
    out = []
    for s in snapshots:
        ts = pd.Timestamp(s)
        ts = ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)
        out.append(ts.as_unit("ns").value)
    arr = np.asarray(out, dtype=np.int64)
    if arr.size and np.any(np.diff(arr) <= 0):
        raise ValueError("snapshots must be strictly increasing")
    return arr


def _codes(ids: pd.Series, users: pd.Index) -> np.ndarray:
    """Position of each id in ``users`` (-1 if absent). Factorising first hashes each
    distinct id once (fast for Arrow strings and categoricals)."""
    codes, uniq = pd.factorize(pd.Series(ids), sort=False)
    lut = users.get_indexer(pd.Index(uniq).astype("str"))
    lut = np.append(lut, -1).astype(np.int64)  # code -1 (missing id) maps to -1
    return lut[codes]


def _sorted(user: np.ndarray, time: np.ndarray, *extra: np.ndarray):
    keep = user >= 0
    user, time = user[keep], time[keep]
    extra = tuple(e[keep] for e in extra)
    order = np.argsort(time, kind="stable")
    return (user[order], time[order]) + tuple(e[order] for e in extra)


def stage_codes(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    snapshots: Sequence,
    stages: Sequence[str],
    type_stage: Mapping[str, str],
    interaction_types: Sequence[str],
    churn_types: Sequence[str],
    lookback_days: float,
    silent_days: float,
    lost_days: float,
    join_stage: str = "access",
    first_purchase_stage: str = "act",
    repeat_stage: str = "again",
    repeat_min_orders: int = 2,
    referral_stage: str | None = "ambassador",
    group_join_types: Sequence[str] = ("group_join",),
    group_quit_types: Sequence[str] = ("group_quit",),
    left_all_groups_is_lost: bool = True,
    purchase_gated: Sequence[str] = ("advocate", "ambassador"),
    gate_fallback_stage: str | None = "active",
    with_ungated: bool | Sequence[int] = False,
    engine=None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """State codes per user (rows, ``contacts.user_id`` order) and snapshot (columns).

    Returns an ``int8`` frame indexed by ``user_id`` with one column per snapshot time (the
    tz-aware snapshot instants). See the module docstring for the rules. Inputs are not
    modified; rows at or after a snapshot are not read for that snapshot.

    ``engine="duckdb"`` / ``"spark"`` runs the same rules as one SQL query (see the module
    docstring); the tables may then be those of a :class:`~analysis.engine.DuckTables` /
    :class:`~analysis.engine.SparkTables` or pandas frames. The result is the same; with
    ``contacts`` as a SQL table the rows follow the order in which the engine scans it (the
    file order for a single Parquet / CSV file, as :func:`~analysis.data.load.load_tables`
    keeps it).

    ``with_ungated=True`` returns a pair: these codes and those of the same ladder without the
    purchase gate (``purchase_gated=()``), from one query on DuckDB / Spark; a list of
    positions of ``snapshots`` gives the ungated codes at those snapshots only.
    """
    stages = list(stages)
    n_stage = len(stages)
    rank = _check_ladder(
        stages,
        join_stage=join_stage,
        first_purchase_stage=first_purchase_stage,
        repeat_stage=repeat_stage,
        referral_stage=referral_stage,
        lookback_days=lookback_days,
        silent_days=silent_days,
        lost_days=lost_days,
        purchase_gated=purchase_gated,
        gate_fallback_stage=gate_fallback_stage,
    )
    gated = sorted(rank[g] for g in purchase_gated)
    fallback = -1 if gate_fallback_stage is None else rank[gate_fallback_stage]
    engine = infer_engine(engine, contacts, events, orders)
    if with_ungated is True:
        with_ungated = range(len(snapshots))
    with_ungated = tuple(int(k) for k in with_ungated) if with_ungated is not False else ()
    if with_ungated and not is_sql_engine(engine):
        kw = {k: v for k, v in locals().items() if k in _STAGE_ARGS}
        plain = {**kw, "purchase_gated": (), "snapshots": [snapshots[k] for k in with_ungated]}
        return (
            stage_codes(contacts, events, orders, **kw),
            stage_codes(contacts, events, orders, **plain),
        )
    if is_sql_engine(engine):
        return _stage_codes_sql(
            contacts,
            events,
            orders,
            snapshots=snapshots,
            stages=stages,
            rank=rank,
            type_stage=type_stage,
            interaction_types=interaction_types,
            churn_types=churn_types,
            lookback_days=lookback_days,
            silent_days=silent_days,
            lost_days=lost_days,
            join_stage=join_stage,
            first_purchase_stage=first_purchase_stage,
            repeat_stage=repeat_stage,
            repeat_min_orders=repeat_min_orders,
            referral_stage=referral_stage,
            group_join_types=group_join_types,
            group_quit_types=group_quit_types,
            left_all_groups_is_lost=left_all_groups_is_lost,
            gated=gated,
            fallback=fallback,
            with_ungated=with_ungated,
            engine=engine,
        )
    tz = getattr(contacts["joined_at"].dtype, "tz", None)
    tz = str(tz) if tz is not None else "Asia/Shanghai"
    snaps = snapshot_ns(snapshots, tz)
    users = pd.Index(pd.Series(contacts["user_id"], dtype="str"), name="user_id")
    lookup = fresh_index(users)  # (its lookup table goes with it, not with the codes' index)
    if not lookup.is_unique:
        raise ValueError("contacts.user_id must be unique")
    n = len(users)
    joined = _ns(contacts["joined_at"])

    # ---- events: factorise types once, then look up stage ranks / roles per type
    etype_codes, etype_names = pd.factorize(events["event_type"], sort=False)
    etype_names = [str(t) for t in etype_names]
    ev_user = _codes(events["user_id"], lookup)
    ev_time = _ns(events["occurred_at"])

    def mask_of(types) -> np.ndarray:
        lut = np.array([t in set(types) for t in etype_names] + [False], dtype=bool)
        return lut[etype_codes]  # code -1 (missing) hits the trailing False

    stage_lut = np.array(
        [rank.get(type_stage.get(t, ""), -1) for t in etype_names] + [-1], dtype=np.int64
    )
    ev_rank = stage_lut[etype_codes]

    # ladder evidence: events + joining + referral purchases (orders are handled apart)
    parts_u, parts_t, parts_r = (
        [ev_user[ev_rank >= 0]],
        [ev_time[ev_rank >= 0]],
        [ev_rank[ev_rank >= 0]],
    )
    parts_u.append(np.arange(n, dtype=np.int64))
    parts_t.append(joined)
    parts_r.append(np.full(n, rank[join_stage], dtype=np.int64))

    net = net_amount(orders).to_numpy(dtype="float64")
    paid = net > 0
    po_user = _codes(orders["user_id"].loc[paid], lookup)
    po_time = _ns(orders["ordered_at"].loc[paid])
    if referral_stage is not None and "referrer_id" in contacts.columns:
        first_buy = np.full(n, np.iinfo(np.int64).max)
        ok = po_user >= 0
        np.minimum.at(first_buy, po_user[ok], po_time[ok])
        ref = _codes(contacts["referrer_id"].fillna(""), lookup)
        has = (ref >= 0) & (first_buy < np.iinfo(np.int64).max)
        parts_u.append(ref[has])
        parts_t.append(first_buy[has])
        parts_r.append(np.full(int(has.sum()), rank[referral_stage], dtype=np.int64))
    e_u, e_t, e_r = _sorted(
        np.concatenate(parts_u), np.concatenate(parts_t), np.concatenate(parts_r)
    )
    e_flat = e_r * n + e_u

    inter = mask_of(interaction_types)
    a_u, a_t = _sorted(
        np.concatenate([ev_user[inter], po_user, np.arange(n)]),
        np.concatenate([ev_time[inter], po_time, joined]),
    )
    p_u, p_t = _sorted(po_user, po_time)
    ch = mask_of(churn_types)
    c_u, c_t = _sorted(ev_user[ch], ev_time[ch])
    gj = mask_of(group_join_types)
    gq = mask_of(group_quit_types)
    gj_u, gj_t = _sorted(ev_user[gj], ev_time[gj])
    gq_u, gq_t = _sorted(ev_user[gq], ev_time[gq])

    # ---- running state
    last_ev = np.full(n_stage * n, _NEG, dtype=np.int64)
    last_act = np.full(n, _NEG, dtype=np.int64)
    last_paid = np.full(n, _NEG, dtype=np.int64)
    n_paid = np.zeros(n, dtype=np.int64)
    last_churn = np.full(n, _NEG, dtype=np.int64)
    n_gj = np.zeros(n, dtype=np.int64)
    n_gq = np.zeros(n, dtype=np.int64)
    last_gq = np.full(n, _NEG, dtype=np.int64)
    pos = dict.fromkeys(("e", "a", "p", "c", "gj", "gq"), 0)

    def advance(key: str, times: np.ndarray, t: int) -> slice:
        hi = int(np.searchsorted(times, t, side="left"))
        sl = slice(pos[key], hi)
        pos[key] = hi
        return sl

    look, silent, lost_ns = _day_ns(lookback_days, silent_days, lost_days)
    i_act, i_again = rank[first_purchase_stage], rank[repeat_stage]
    out = np.full((n, len(snaps)), NOT_IN_POPULATION, dtype=np.int8)
    for k, t in enumerate(snaps):
        sl = advance("e", e_t, t)
        np.maximum.at(last_ev, e_flat[sl], e_t[sl])
        sl = advance("a", a_t, t)
        np.maximum.at(last_act, a_u[sl], a_t[sl])
        sl = advance("p", p_t, t)
        np.maximum.at(last_paid, p_u[sl], p_t[sl])
        n_paid += np.bincount(p_u[sl], minlength=n)
        sl = advance("c", c_t, t)
        np.maximum.at(last_churn, c_u[sl], c_t[sl])
        sl = advance("gj", gj_t, t)
        n_gj += np.bincount(gj_u[sl], minlength=n)
        sl = advance("gq", gq_t, t)
        n_gq += np.bincount(gq_u[sl], minlength=n)
        np.maximum.at(last_gq, gq_u[sl], gq_t[sl])

        start = t - look
        best = np.full(n, -1, dtype=np.int64)
        recent = last_ev.reshape(n_stage, n) >= start
        buyer = n_paid > 0  # at least one paid order before t: the purchase gate
        for s in range(n_stage):  # ascending, so the highest evidenced stage wins
            if s in gated:
                best[recent[s] & buyer] = s
                best[recent[s] & ~buyer] = np.maximum(best[recent[s] & ~buyer], fallback)
            else:
                best[recent[s]] = np.maximum(best[recent[s]], s)
        buy = last_paid >= start
        buy_rank = np.where(n_paid >= repeat_min_orders, i_again, i_act)
        best = np.where(buy, np.maximum(best, buy_rank), best)

        is_joined = joined < t
        lost = last_churn >= last_act
        if left_all_groups_is_lost:
            lost |= (n_gj > 0) & (n_gq >= n_gj) & (last_gq >= last_act)
        lost |= last_act < t - lost_ns
        quiet = last_act < t - silent
        state = np.where(lost, n_stage + 1, np.where(quiet, n_stage, best))
        state = np.where(is_joined, state, best)  # not yet joined: pre-join evidence only
        state = np.where(is_joined | (best >= 0), state, NOT_IN_POPULATION)
        out[:, k] = state
    return _frame(out, users, snaps, tz)


#: the arguments of :func:`stage_codes` that define the codes (what ``with_ungated`` passes on)
_STAGE_ARGS = (
    "snapshots",
    "stages",
    "type_stage",
    "interaction_types",
    "churn_types",
    "lookback_days",
    "silent_days",
    "lost_days",
    "join_stage",
    "first_purchase_stage",
    "repeat_stage",
    "repeat_min_orders",
    "referral_stage",
    "group_join_types",
    "group_quit_types",
    "left_all_groups_is_lost",
    "purchase_gated",
    "gate_fallback_stage",
    "engine",
)


def _check_ladder(
    stages: list[str],
    *,
    join_stage,
    first_purchase_stage,
    repeat_stage,
    referral_stage,
    lookback_days,
    silent_days,
    lost_days,
    purchase_gated=(),
    gate_fallback_stage=None,
) -> dict[str, int]:
    """Stage name → rank, after checking the arguments shared by both engines."""
    rank = {s: i for i, s in enumerate(stages)}
    for name in (join_stage, first_purchase_stage, repeat_stage):
        if name not in rank:
            raise ValueError(f"stage {name!r} is not on the ladder {stages}")
    if referral_stage is not None and referral_stage not in rank:
        raise ValueError(f"referral_stage {referral_stage!r} is not on the ladder {stages}")
    if isinstance(purchase_gated, str):
        raise ValueError(f"purchase_gated must be a list of stages, got {purchase_gated!r}")
    buy = rank[first_purchase_stage]
    for name in purchase_gated:
        if rank.get(name, -1) <= buy:
            raise ValueError(
                f"purchase_gated stage {name!r} must be on the ladder {stages} above the "
                f"first purchase {first_purchase_stage!r}"
            )
    if gate_fallback_stage is not None and rank.get(gate_fallback_stage, buy) >= buy:
        raise ValueError(
            f"gate_fallback_stage {gate_fallback_stage!r} must be on the ladder {stages} below "
            f"the first purchase {first_purchase_stage!r}"
        )
    if not (0 < silent_days <= lookback_days) or lost_days <= silent_days:
        raise ValueError(
            "need 0 < silent_days <= lookback_days and lost_days > silent_days; "
            f"got silent_days={silent_days}, lookback_days={lookback_days}, "
            f"lost_days={lost_days}"
        )
    return rank


def _day_ns(*days: float) -> tuple[int, ...]:
    """Day lengths as whole nanoseconds (the same rounding on both engines)."""
    return tuple(int(round(d * DAY_NS)) for d in days)


def _frame(codes: np.ndarray, users: pd.Index, snaps: np.ndarray, tz: str) -> pd.DataFrame:
    """The result of both engines: int8 codes, users as rows, snapshot instants as columns."""
    cols = pd.DatetimeIndex(pd.to_datetime(snaps, utc=True)).tz_convert(tz)
    return pd.DataFrame(codes, index=users, columns=cols)


def _contact_ids(db: SqlInputs) -> pd.Index:
    """``contacts.user_id`` of a SQL table in scan order (the file order of one file).

    DuckDB connections of the kit run with ``preserve_insertion_order = false``; it is
    switched on for this one scan so that the rows come back in the order of the file."""
    sql = f"SELECT CAST(user_id AS VARCHAR) AS user_id FROM {db.views['contacts']}"
    con = getattr(db.tables, "con", None)
    if db.tables.engine_name == "duckdb":
        old = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
        con.execute("SET preserve_insertion_order = true")
        try:
            got = db.df(sql)
        finally:
            con.execute(f"SET preserve_insertion_order = {'true' if old else 'false'}")
    else:
        got = db.df(sql)
    return pd.Index(pd.Series(got["user_id"], dtype="str"), name="user_id")


def _instant(ns: int) -> str:
    """An instant given as nanoseconds since the epoch as a SQL bound (rounded up to the
    microsecond, so ``x < bound`` / ``x >= bound`` are exact for microsecond data)."""
    return sql_instant(pd.Timestamp(int(ns), unit="ns", tz="UTC"))


def _stage_codes_sql(
    contacts,
    events,
    orders,
    *,
    snapshots,
    stages,
    rank,
    type_stage,
    interaction_types,
    churn_types,
    lookback_days,
    silent_days,
    lost_days,
    join_stage,
    first_purchase_stage,
    repeat_stage,
    repeat_min_orders,
    referral_stage,
    group_join_types,
    group_quit_types,
    left_all_groups_is_lost,
    gated,
    fallback,
    with_ungated=(),
    engine,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """The SQL definition of :func:`stage_codes` for DuckDB and Spark (same rules, codes,
    rows and columns); see the module docstring for the plan of the query. With
    ``with_ungated`` (snapshot positions) the same query also gives the codes without the
    purchase gate at those snapshots."""
    with SqlInputs(engine, contacts=contacts, events=events, orders=orders) as db:
        tz = db.tz if is_sql_table(contacts) else tz_of(contacts["joined_at"])
        snaps = snapshot_ns(snapshots, tz)
        if is_sql_table(contacts):
            users = _contact_ids(db)
            has_referrer = "referrer_id" in db.tables.columns(db.views["contacts"])
        else:
            users = pd.Index(pd.Series(contacts["user_id"], dtype="str"), name="user_id")
            has_referrer = "referrer_id" in contacts.columns
        lookup = fresh_index(users)  # (its lookup table goes with it, not with the codes' index)
        if not lookup.is_unique:
            raise ValueError("contacts.user_id must be unique")
        n, n_snap = len(users), len(snaps)
        out = np.full((n, n_snap), NOT_IN_POPULATION, dtype=np.int8)
        if n == 0 or n_snap == 0:
            empty = _frame(out, users, snaps, tz)
            if not with_ungated:
                return empty
            return empty, empty.iloc[:, list(with_ungated)].copy()
        kw = dict(
            views=db.views,
            snaps=snaps,
            n_stage=len(stages),
            rank=rank,
            type_stage=type_stage,
            interaction_types=interaction_types,
            churn_types=churn_types,
            lookback_days=lookback_days,
            silent_days=silent_days,
            lost_days=lost_days,
            join_stage=join_stage,
            first_purchase_stage=first_purchase_stage,
            repeat_stage=repeat_stage,
            repeat_min_orders=repeat_min_orders,
            referral_stage=referral_stage if has_referrer else None,
            group_join_types=group_join_types,
            group_quit_types=group_quit_types,
            left_all_groups_is_lost=left_all_groups_is_lost,
            gated=gated,
            fallback=fallback,
            ungated=frozenset(with_ungated),
        )
        size = STAGE_QUERY_USERS * max(1, STAGE_QUERY_SNAPSHOTS // n_snap)
        got = pd.concat(
            [db.df(_stage_sql(**kw, user_range=r)) for r in user_ranges(users, size)],
            ignore_index=True,
        )
    rows = lookup.get_indexer(pd.Index(got["user_id"].astype("str")))
    del lookup
    if len(rows) and rows.min() < 0:  # pragma: no cover - the query only returns contacts
        raise AssertionError("stage codes returned for users not among the contacts")
    cols = [f"c{k}" for k in range(n_snap)]
    plain = out[:, list(with_ungated)].copy()
    out[rows] = got[cols].to_numpy(dtype=np.int8)
    if not with_ungated:
        return _frame(out, users, snaps, tz)
    plain[rows] = got[[f"u{k}" for k in with_ungated]].to_numpy(dtype=np.int8)
    return _frame(out, users, snaps, tz), _frame(plain, users, snaps[list(with_ungated)], tz)


def user_ranges(users: pd.Index, size: int) -> list[tuple[str | None, str | None]]:
    """Ranges ``[lo, hi)`` of text ids (None: open) that split the sorted ``users`` into
    parts of at most ``size``; together they cover every text (ids that are not among
    ``users`` included), so each user falls in exactly one. One open range when ``users``
    fit in one part."""
    if size <= 0 or len(users) <= size:  # (one part: no need to sort the ids)
        return [(None, None)]
    ids = np.sort(pd.unique(np.asarray(users, dtype=object)).astype(str))
    cuts = [str(x) for x in ids[size::size]]
    bounds = [None, *cuts, None]
    return list(zip(bounds[:-1], bounds[1:]))


def in_user_range(col: str, user_range) -> str:
    """``col`` inside ``user_range`` (``TRUE`` for None: every user)."""
    lo, hi = user_range if user_range is not None else (None, None)
    conds = []
    if lo is not None:
        conds.append(f"{col} >= {sql_str(lo)}")
    if hi is not None:
        conds.append(f"{col} < {sql_str(hi)}")
    return " AND ".join(conds) or "TRUE"


def _ladder_case(stages: Sequence[int], look: str) -> str:
    """The first of ``stages`` (highest first) with evidence since ``look`` (NULL: none)."""
    if not stages:
        return "CAST(NULL AS INTEGER)"
    return "CASE " + " ".join(f"WHEN e{s} >= {look} THEN {s}" for s in stages) + " END"


def _stage_sql(
    views: Mapping[str, str],
    snaps: np.ndarray,
    *,
    user_range: tuple[str | None, str | None] | None = None,
    n_stage: int,
    rank: Mapping[str, int],
    type_stage,
    interaction_types,
    churn_types,
    lookback_days,
    silent_days,
    lost_days,
    join_stage,
    first_purchase_stage,
    repeat_stage,
    repeat_min_orders,
    referral_stage,
    group_join_types,
    group_quit_types,
    left_all_groups_is_lost,
    gated=(),
    fallback=-1,
    ungated=frozenset(),
) -> str:
    """The query (DuckDB dialect, portable to Spark through :func:`~analysis.engine.spark_sql`).

    1. ``ev``: every evidence row (user, time, stage rank or NULL, roles) tagged with ``b``,
       the first snapshot it counts for (rows at or after the last snapshot dropped);
    2. ``agg``: one row per user and ``b`` (per-stage maxima, activity, paid orders, churn,
       group joins / quits);
    3. ``u``: one row per user with, for each snapshot ``k``, the aggregates over ``b <= k``
       (what happened strictly before ``t_k``), the highest ungated stage evidenced in
       ``[t_k - lookback, t_k)`` and the last evidence of each purchase-gated stage;
    4. the codes of each snapshot, by the rules of the numpy loop, for the contacts (users
       who are not contacts, e.g. an unknown referrer, drop out here).

    ``user_range`` (``[lo, hi)``, see :func:`user_ranges`) keeps the users whose id lies in
    it, from step 2 on (the evidence is aggregated for them only). ``ungated`` (snapshot
    positions) adds the codes of the same ladder without the purchase gate there (``u{k}``).
    """
    co, ev, od = views["contacts"], views["events"], views["orders"]
    look, silent, lost = _day_ns(lookback_days, silent_days, lost_days)
    t_last = _instant(snaps[-1])

    def bucket(col: str) -> str:
        whens = " ".join(f"WHEN {col} < {_instant(t)} THEN {k}" for k, t in enumerate(snaps))
        return f"CASE {whens} END"

    # event type → stage rank (types whose stage is not on the ladder evidence nothing)
    by_rank = {}
    for t, st in type_stage.items():
        if st in rank:
            by_rank.setdefault(rank[st], []).append(t)
    rank_case = (
        "CASE "
        + " ".join(
            f"WHEN event_type IN {sql_list(ts)} THEN {r}" for r, ts in sorted(by_rank.items())
        )
        + " END"
        if by_rank
        else "CAST(NULL AS INTEGER)"
    )
    roles = {
        "inter": interaction_types,
        "churn": churn_types,
        "gj": group_join_types,
        "gq": group_quit_types,
    }
    relevant = sorted(
        {t for ts in by_rank.values() for t in ts} | {t for ts in roles.values() for t in ts}
    )
    flags = ", ".join(f"event_type IN {sql_list(ts)} AS {name}" for name, ts in roles.items())
    no_flags = "FALSE AS inter, FALSE AS churn, FALSE AS gj, FALSE AS gq"
    null_rank = "CAST(NULL AS INTEGER)"
    paid = f"SELECT user_id, ordered_at FROM {od} WHERE {PAID_SQL}"
    referral = ""
    if referral_stage is not None:
        # the referrer gets referral_stage at the referred contact's first paid order
        # (referrers who are not contacts drop out at the join with the contacts in ``run``)
        referral = f"""
            UNION ALL
            SELECT coalesce(c.referrer_id, '') AS user_id, {bucket("f.first_buy")} AS b,
                   f.first_buy AS t, {rank[referral_stage]} AS r, FALSE AS paid, {no_flags}
            FROM {co} c
            JOIN (SELECT user_id, min(ordered_at) AS first_buy FROM paid GROUP BY user_id) f
              ON f.user_id = c.user_id
            WHERE f.first_buy < {t_last}"""

    # (aggregates of CASE expressions: DuckDB runs them faster than FILTER clauses)
    agg_cols = ", ".join(
        [f"max(CASE WHEN r = {s} THEN t END) AS e{s}" for s in range(n_stage)]
        + [
            "max(CASE WHEN inter THEN t END) AS last_act",
            "max(CASE WHEN paid THEN t END) AS last_paid",
            "sum(CASE WHEN paid THEN 1 END) AS n_paid",
            "max(CASE WHEN churn THEN t END) AS last_churn",
            "sum(CASE WHEN gj THEN 1 END) AS n_gj",
            "sum(CASE WHEN gq THEN 1 END) AS n_gq",
            "max(CASE WHEN gq THEN t END) AS last_gq",
        ]
    )
    # per user and snapshot k, from the buckets b <= k (what happened strictly before t_k):
    # the highest stage with evidence in [t_k - lookback, t_k), and the maxima / counts
    per_k, codes = [], []
    for k, t in enumerate(snaps):
        look_k = _instant(t - look)
        free = [s for s in reversed(range(n_stage)) if s not in gated]
        ladder = _ladder_case(free, look_k)
        per_k += [f"max(CASE WHEN b <= {k} THEN {ladder} END) AS ladder{k}"]
        if k in ungated:  # every stage without the gate
            every = _ladder_case(list(reversed(range(n_stage))), look_k)
            per_k += [f"max(CASE WHEN b <= {k} THEN {every} END) AS uladder{k}"]
        per_k += [f"max(CASE WHEN b <= {k} THEN e{s} END) AS g{s}_{k}" for s in gated]
        per_k += [
            f"{fn}(CASE WHEN b <= {k} THEN {col} END) AS {name}{k}"
            for fn, col, name in (
                ("max", "last_act", "act"),
                ("max", "last_paid", "paid"),
                ("sum", "n_paid", "npaid"),
                ("max", "last_churn", "churn"),
                ("sum", "n_gj", "ngj"),
                ("sum", "n_gq", "ngq"),
                ("max", "last_gq", "gq"),
            )
        ]
        # a paid order in the window evidences repeat_stage or first_purchase_stage by the
        # number of paid orders before t_k
        buy = (
            f"CASE WHEN paid{k} >= {look_k} THEN CASE WHEN npaid{k} >= "
            f"{int(repeat_min_orders)} THEN {rank[repeat_stage]} "
            f"ELSE {rank[first_purchase_stage]} END ELSE -1 END"
        )
        # a purchase-gated stage needs a paid order before t_k, else it counts as the fallback
        gates = [
            f"CASE WHEN g{s}_{k} >= {look_k} THEN CASE WHEN coalesce(npaid{k}, 0) > 0 "
            f"THEN {s} ELSE {fallback} END ELSE -1 END"
            for s in gated
        ]
        best = f"greatest({', '.join([f'coalesce(ladder{k}, -1)', buy, *gates])})"
        # no activity at all (only for a contact without joined_at) is the earliest time
        lost_rule = [f"act{k} IS NULL", f"churn{k} >= act{k}"]
        if left_all_groups_is_lost:
            lost_rule.append(f"(ngj{k} > 0 AND ngq{k} >= ngj{k} AND gq{k} >= act{k})")
        lost_rule.append(f"act{k} < {_instant(t - lost)}")

        head = (
            f"CASE WHEN NOT (c.joined_at IS NULL OR c.joined_at < {_instant(t)}) THEN {{best}} "
            f"WHEN {' OR '.join(f'coalesce({r}, FALSE)' for r in lost_rule)} "
            f"THEN {n_stage + 1} "
            f"WHEN act{k} < {_instant(t - silent)} THEN {n_stage} "
            f"ELSE {{best}} END AS {{name}}{k}"
        )
        codes.append(head.format(best=best, name="c"))
        if k in ungated:
            plain = f"greatest(coalesce(uladder{k}, -1), {buy})"
            codes.append(head.format(best=plain, name="u"))
    return f"""
        WITH paid AS ({paid}),
        ev AS (
            SELECT user_id, {bucket("occurred_at")} AS b, occurred_at AS t, {rank_case} AS r,
                   FALSE AS paid, {flags}
            FROM {ev}
            WHERE occurred_at < {t_last} AND event_type IN {sql_list(relevant)}
            UNION ALL
            SELECT user_id, {bucket("joined_at")} AS b, joined_at AS t,
                   {rank[join_stage]} AS r, FALSE AS paid, TRUE AS inter, FALSE AS churn,
                   FALSE AS gj, FALSE AS gq
            FROM {co} WHERE joined_at < {t_last}
            UNION ALL
            SELECT user_id, {bucket("ordered_at")} AS b, ordered_at AS t, {null_rank} AS r,
                   TRUE AS paid, TRUE AS inter, FALSE AS churn, FALSE AS gj, FALSE AS gq
            FROM paid WHERE ordered_at < {t_last}{referral}),
        agg AS (SELECT user_id, b, {agg_cols} FROM ev
                WHERE {in_user_range("user_id", user_range)} GROUP BY user_id, b),
        u AS (SELECT user_id, {", ".join(per_k)} FROM agg GROUP BY user_id)
        SELECT c.user_id, {", ".join(codes)}
        FROM {co} c LEFT JOIN u ON u.user_id = c.user_id
        WHERE (u.user_id IS NOT NULL OR c.joined_at IS NULL)
          AND {in_user_range("c.user_id", user_range)}"""
