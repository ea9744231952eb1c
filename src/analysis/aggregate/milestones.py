"""Per-user milestone times and counts read from the events and orders, on pandas, DuckDB or
Spark (one SQL definition each, in DuckDB's dialect; :func:`analysis.engine.spark_sql`
translates it).

The segments-and-flow report's funnel, purchase timing, essay claims, referral and truth
checks need only these per-user (or per-period) numbers from the large tables:

* :func:`user_event_times` — per user, the first or last time of events of given types (and
  context), e.g. the first group join, the first 1:1 message, the last interaction;
* :func:`paid_order_times` — per user, the paid orders (net amount > 0) before a cut-off:
  their count and the first, second and last order time;
* :func:`spend_after_join` — per user, the net spend of all orders in the first ``days``
  after joining (rounded to ``EVIDENCE_DECIMALS``, so every engine gives the same bytes);
* :func:`event_counts` — events of given types, overall or per period ``[b_k, b_{k+1})``.

With ``engine=None`` each follows its inputs (pandas frames: pandas; the tables of a
:class:`~analysis.engine.DuckTables` / :class:`~analysis.engine.SparkTables`: SQL); only the
per-user or per-period result comes into memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.aggregate.rules import NET_AMOUNT_SQL, PAID_SQL, is_paid, net_amount
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.aggregate.values import EVIDENCE_DECIMALS
from analysis.engine import SqlInputs, as_instants, infer_engine, is_sql_engine, sql_instant
from analysis.engine.dialect import sql_list, sql_str

__all__ = [
    "EventTime",
    "user_event_times",
    "paid_order_times",
    "spend_after_join",
    "event_counts",
]

_US = pd.Timedelta(1, "us")


@dataclass(frozen=True)
class EventTime:
    """One column of :func:`user_event_times`: the ``how`` (``"min"`` / ``"max"``) of the
    times of events whose ``event_type`` is in ``types`` (and, if given, ``context`` equals
    ``context``)."""

    how: str
    types: tuple[str, ...]
    context: str | None = None

    def __post_init__(self):
        if self.how not in ("min", "max"):
            raise ValueError(f"how must be 'min' or 'max', got {self.how!r}")
        object.__setattr__(self, "types", tuple(str(t) for t in self.types))


def _index(ids) -> pd.Index:
    return pd.Index(pd.Series(ids, dtype="str").to_numpy(), name="user_id")


def _times(values, tz: str) -> pd.Series:
    """A time column as ``datetime64[us, tz]`` (NaT stays) on every engine."""
    return as_instants(pd.Series(values), tz)


# ----------------------------------------------------------------------------------------
# user_event_times
# ----------------------------------------------------------------------------------------
def user_event_times(events, spec: Mapping[str, EventTime], *, engine=None) -> pd.DataFrame:
    """Per user, one time column per entry of ``spec`` (NaT where the user has no such
    event); rows: the users with at least one event of any type in ``spec``, indexed by
    ``user_id`` (text) in sorted order; columns ``datetime64[us, tz]``."""
    if not spec:
        raise ValueError("spec names no column")
    engine = infer_engine(engine, events)
    if is_sql_engine(engine):
        return _event_times_sql(events, spec, engine=engine)
    return _event_times_pandas(events, spec)


def _event_times_pandas(events: pd.DataFrame, spec: Mapping[str, EventTime]) -> pd.DataFrame:
    tz = str(tz_of(events["occurred_at"]))
    et = events["event_type"].astype("str")
    every = sorted({t for s in spec.values() for t in s.types})
    keep = et.isin(every).to_numpy()
    ev = events.loc[keep]
    et, uid = et[keep], ev["user_id"].astype("str")
    out = pd.DataFrame(index=_index(np.sort(uid.unique())))
    for name, s in spec.items():
        m = et.isin(list(s.types))
        if s.context is not None:
            m &= (ev["context"].astype("str") == s.context) & ev["context"].notna()
        m = m.to_numpy()
        got = ev.loc[m, "occurred_at"].groupby(uid[m]).agg(s.how)
        out[name] = _times(got.reindex(out.index), tz).array
    return out


def _event_times_sql(events, spec: Mapping[str, EventTime], *, engine) -> pd.DataFrame:
    every = sorted({t for s in spec.values() for t in s.types})
    cols = []
    for name, s in spec.items():
        cond = f"event_type IN {sql_list(s.types)}"
        if s.context is not None:
            cond += f" AND context = {sql_str(s.context)}"
        cols.append(f"{s.how}(occurred_at) FILTER (WHERE {cond}) AS {name}")
    with SqlInputs(engine, events=events) as db:
        got = db.df(
            f"SELECT user_id, {', '.join(cols)} FROM {db.views['events']} "
            f"WHERE event_type IN {sql_list(every)} GROUP BY user_id"
        )
        tz = db.tz
    got["user_id"] = got["user_id"].astype("str")
    got = got.sort_values("user_id", kind="stable")
    out = pd.DataFrame(index=_index(got["user_id"]))
    for name in spec:
        out[name] = _times(got[name], tz).array
    return out


# ----------------------------------------------------------------------------------------
# paid_order_times
# ----------------------------------------------------------------------------------------
PAID_TIME_COLUMNS = ("n_paid", "first_paid", "second_paid", "last_paid")


def paid_order_times(orders, *, before=None, engine=None) -> pd.DataFrame:
    """Per user with a paid order (net amount > 0) strictly before ``before`` (all orders
    when None): ``n_paid`` (int64), ``first_paid``, ``second_paid`` (the second in time order;
    NaT with one order) and ``last_paid``; indexed by ``user_id`` (text) in sorted order."""
    engine = infer_engine(engine, orders)
    if is_sql_engine(engine):
        return _paid_sql(orders, before=before, engine=engine)
    return _paid_pandas(orders, before=before)


def _paid_pandas(orders: pd.DataFrame, *, before) -> pd.DataFrame:
    tz = str(tz_of(orders["ordered_at"]))
    keep = is_paid(orders)
    if before is not None:
        keep &= orders["ordered_at"] < as_timestamp(before, tz=tz, name="before")
    paid = orders.loc[keep.to_numpy(), ["user_id", "ordered_at"]].copy()
    paid["user_id"] = paid["user_id"].astype("str")
    paid = paid.sort_values(["user_id", "ordered_at"], kind="stable")
    g = paid.groupby("user_id", sort=True)["ordered_at"]
    nth = paid.groupby("user_id").cumcount()
    out = pd.DataFrame(index=_index(np.sort(paid["user_id"].unique())))
    out["n_paid"] = g.size().reindex(out.index).astype("int64").to_numpy()
    out["first_paid"] = _times(g.min().reindex(out.index), tz).array
    second = paid.loc[(nth == 1).to_numpy()].set_index("user_id")["ordered_at"]
    out["second_paid"] = _times(second.reindex(out.index), tz).array
    out["last_paid"] = _times(g.max().reindex(out.index), tz).array
    return out


def _paid_sql(orders, *, before, engine) -> pd.DataFrame:
    with SqlInputs(engine, orders=orders) as db:
        tz = db.tz
        cond = PAID_SQL
        if before is not None:
            cond += f" AND ordered_at < {sql_instant(as_timestamp(before, tz=tz, name='before'))}"
        got = db.df(f"""
            SELECT user_id, count(*) AS n_paid, min(ordered_at) AS first_paid,
                   min(ordered_at) FILTER (WHERE nth = 2) AS second_paid,
                   max(ordered_at) AS last_paid
            FROM (SELECT user_id, ordered_at,
                         row_number() OVER (PARTITION BY user_id ORDER BY ordered_at) AS nth
                  FROM {db.views["orders"]} WHERE {cond}) AS paid
            GROUP BY user_id""")
    got["user_id"] = got["user_id"].astype("str")
    got = got.sort_values("user_id", kind="stable")
    out = pd.DataFrame(index=_index(got["user_id"]))
    out["n_paid"] = got["n_paid"].astype("int64").to_numpy()
    for c in PAID_TIME_COLUMNS[1:]:
        out[c] = _times(got[c], tz).array
    return out


# ----------------------------------------------------------------------------------------
# spend_after_join
# ----------------------------------------------------------------------------------------
def spend_after_join(contacts, orders, *, days: float, engine=None) -> pd.Series:
    """Net spend (amount − refund_amount) of each contact's orders in ``[joined_at,
    joined_at + days)``, rounded to ``EVIDENCE_DECIMALS``: one value per contact (0.0 without
    orders), indexed by ``user_id`` (text) in the contacts' order."""
    engine = infer_engine(engine, contacts, orders)
    span = pd.Timedelta(days=float(days))
    if is_sql_engine(engine):
        with SqlInputs(engine, contacts=contacts, orders=orders) as db:
            people = db.tables.query_in_order(f"SELECT user_id FROM {db.views['contacts']}")
            got = db.df(f"""
                SELECT o.user_id, sum({NET_AMOUNT_SQL}) AS spend
                FROM {db.views["orders"]} AS o
                JOIN {db.views["contacts"]} AS c ON o.user_id = c.user_id
                WHERE o.ordered_at >= c.joined_at
                  AND epoch_us(o.ordered_at) < epoch_us(c.joined_at) + {int(span // _US)}
                GROUP BY o.user_id""")
        ids = _index(
            contacts["user_id"] if isinstance(contacts, pd.DataFrame) else people["user_id"]
        )
        total = pd.Series(got["spend"].to_numpy(dtype="float64"), index=_index(got["user_id"]))
    else:
        ids = _index(contacts["user_id"])
        joined = pd.Series(contacts["joined_at"].array, index=ids)
        o = orders[["user_id", "ordered_at", "amount", "refund_amount"]]
        ou = o["user_id"].astype("str")
        j = ou.map(joined)
        win = ((o["ordered_at"] >= j) & (o["ordered_at"] < j + span)).fillna(False).to_numpy()
        total = net_amount(o)[win].groupby(ou[win].to_numpy()).sum()
    out = total.reindex(ids, fill_value=0.0).to_numpy(dtype="float64")
    return pd.Series(np.round(out, EVIDENCE_DECIMALS) + 0.0, index=ids, name="spend")


# ----------------------------------------------------------------------------------------
# event_counts
# ----------------------------------------------------------------------------------------
def event_counts(events, *, types: Sequence[str], bounds=None, engine=None) -> pd.DataFrame:
    """Events of each of ``types`` (one int64 column per type): one row of all events when
    ``bounds`` is None, else one row per period ``[bounds[k], bounds[k + 1])`` indexed by its
    start (``period``)."""
    types = [str(t) for t in types]
    engine = infer_engine(engine, events)
    sql = is_sql_engine(engine)
    if sql:
        db = SqlInputs(engine, events=events)
        tz = db.tz
    else:
        tz = str(tz_of(events["occurred_at"]))
    cuts = None if bounds is None else [as_timestamp(b, tz=tz, name="bound") for b in bounds]
    windows = [(None, None)] if cuts is None else list(zip(cuts[:-1], cuts[1:]))
    if sql:
        try:
            cols = []
            for k, (lo, hi) in enumerate(windows):
                for j, t in enumerate(types):
                    cond = f"event_type = {sql_str(t)}"
                    if lo is not None:
                        cond += f" AND occurred_at >= {sql_instant(lo)}"
                        cond += f" AND occurred_at < {sql_instant(hi)}"
                    cols.append(f"count(*) FILTER (WHERE {cond}) AS n_{k}_{j}")
            row = db.row(f"SELECT {', '.join(cols)} FROM {db.views['events']}")
        finally:
            db.close()
        values = np.array([int(v or 0) for v in row], dtype="int64").reshape(len(windows), -1)
    else:
        et = events["event_type"].astype("str")
        t = events["occurred_at"]
        rows = []
        for lo, hi in windows:
            inside = np.ones(len(events), dtype=bool)
            if lo is not None:
                inside = ((t >= lo) & (t < hi)).to_numpy()
            rows.append([int(((et == ty).to_numpy() & inside).sum()) for ty in types])
        values = np.array(rows, dtype="int64").reshape(len(windows), len(types))
    out = pd.DataFrame(values, columns=types)
    if cuts is not None:
        out.index = pd.Index([lo for lo, _ in windows], name="period")
    return out
