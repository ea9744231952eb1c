"""Candidate behaviours ("did E at least k times within d days") counted against retention.

This is the heavy part of the behaviours study (:mod:`analysis.studies.behaviours` holds the
statistics). A **behaviour unit** is something a user can do repeatedly:

* every event type of the vocabulary except the hard-churn types (the label reads them);
* every five value whose events are pooled (``value:experience``, ``value:social``,
  ``value:content``, ``value:innovation``: all events of the types that feed it);
* ``orders``: paid orders (net amount > 0). This is also the consumption value, whose evidence
  is orders, so there is no separate ``value:consumption`` unit.

A **behaviour** is a unit with a threshold ``k`` and a window ``d``: "at least ``k`` times in
``d`` days", counted in one of two views:

* ``"onboarding"`` — the first ``d`` days after joining, ``joined_at <= t < joined_at + d``;
  the label comes from :func:`onboarding_labels` (cut-off = join + ``window_days``, which
  must be at least the largest ``d``);
* ``"snapshot"`` — the ``d`` days before a cut-off, ``cutoff - d <= t < cutoff``; the label
  comes from :func:`analysis.aggregate.labels.retention_labels`.

Nothing at or after a row's cut-off and nothing outside the window is read.

:func:`behaviour_counts` returns, for every (group, unit, d, k), the 2×2 table against the
outcome as four counts — ``n``, ``n_retained``, ``n_did``, ``n_did_retained`` — from which
reach, PPV, NPV and phi follow. It is vectorised: events are mapped to population rows with
an index look-up, each (row, unit) pair is factorised once, and the count of every pair
within each ``d`` is one ``np.bincount``; thresholds ``k`` come from a histogram of those
counts per unit and outcome (no per-user Python loop; the only loops run over groups and
over the ``d`` grid).

Both scans of events and orders (:func:`onboarding_labels` and :func:`behaviour_counts`) also
have one SQL definition, run by DuckDB or Spark where the tables are (``engine="duckdb"`` /
``"spark"``, or the tables of a :class:`~analysis.engine.DuckTables` /
:class:`~analysis.engine.SparkTables`, which the default ``engine=None`` follows): only the
per-user flags and the counts per (group, unit, d, k) come back, the same as on pandas.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.aggregate.behaviours_sql import did_counts_sql, onboarding_flags_sql
from analysis.aggregate.labels import activity_times  # the shared definition of qualifying activity
from analysis.aggregate.rules import is_paid
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.data.errors import TooLittleData
from analysis.data.vocab import VALUES, Vocabulary, load_vocabulary
from analysis.engine.core import is_sql_engine
from analysis.engine.tables import SqlInputs, infer_engine, is_sql_table

VIEWS = ("onboarding", "snapshot")
DEFAULT_DAYS = (1, 3, 7, 14, 30)
DEFAULT_KS = (1, 2, 3, 5, 10)
ORDERS_UNIT = "orders"
_US_PER_DAY = 86_400 * 10**6
_DENSE_LIMIT = 64 * 10**6  # (row, unit) cells up to which pairs are indexed without sorting

__all__ = [
    "VIEWS",
    "DEFAULT_DAYS",
    "DEFAULT_KS",
    "ORDERS_UNIT",
    "behaviour_units",
    "onboarding_labels",
    "assign_period",
    "behaviour_counts",
]


def _to_us(times: pd.Series) -> np.ndarray:
    """tz-aware (or naive) timestamps as int64 microseconds since the epoch (UTC for
    tz-aware values)."""
    s = pd.Series(times)
    if s.dtype.kind != "M":
        s = s.astype("datetime64[us]") if getattr(s.dtype, "tz", None) is None else s
    return np.asarray(s.dt.as_unit("us").array.asi8, dtype="int64")


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of every value in ``index`` (-1 where absent). Factorises ``values`` first
    (fast on Arrow strings) and looks up only the distinct values."""
    codes, uniques = pd.factorize(pd.Series(values))
    where = np.asarray(index.get_indexer(uniques), dtype="int64")
    if codes.size == 0:
        return np.empty(0, dtype="int64")
    out = where[codes]
    out[codes < 0] = -1
    return out


def behaviour_units(
    vocabulary: Vocabulary | None = None,
    *,
    event_types: Iterable[str] | None = None,
    values: bool = True,
    orders: bool = True,
) -> pd.DataFrame:
    """The behaviour units: one row per unit, in a fixed order.

    Columns: ``unit`` (``"type:<event_type>"``, ``"value:<value>"`` or ``"orders"``),
    ``kind`` (``event_type`` / ``value`` / ``orders``), ``value`` (the five value the unit
    feeds, or None for activity-only types such as ``read``), ``members`` (tuple of the event
    types counted; empty for orders) and ``meaning`` (plain words, from the vocabulary).

    ``event_types`` restricts the event-type units (default: every type except hard-churn
    types). ``values`` / ``orders`` switch the pooled value units and the orders unit.
    """
    vocab = load_vocabulary(vocabulary)
    churn = set(vocab.churn_types)
    names = [t for t in vocab.event_types if t not in churn]
    if event_types is not None:
        wanted = list(dict.fromkeys(event_types))
        unknown = [t for t in wanted if t not in vocab.event_types]
        if unknown:
            raise ValueError(
                f"unknown event types {unknown}; the vocabulary has {list(vocab.event_types)}"
            )
        bad = [t for t in wanted if t in churn]
        if bad:
            raise ValueError(
                f"{bad} mark hard churn (the label reads them); they cannot be behaviours"
            )
        names = wanted
    rows = [
        {
            "unit": f"type:{t}",
            "kind": "event_type",
            "value": vocab.event_types[t].value,
            "members": (t,),
            "meaning": vocab.event_types[t].meaning,
        }
        for t in names
    ]
    if values:
        for v, zh in VALUES.items():
            members = tuple(t for t in vocab.of_value(v) if t not in churn)
            if not members:
                continue  # consumption: its evidence is orders (the orders unit)
            rows.append(
                {
                    "unit": f"value:{v}",
                    "kind": "value",
                    "value": v,
                    "members": members,
                    "meaning": f"any {v} event ({zh}: {', '.join(members)})",
                }
            )
    if orders:
        rows.append(
            {
                "unit": ORDERS_UNIT,
                "kind": "orders",
                "value": "consumption",
                "members": (),
                "meaning": "placed a paid order (net amount > 0)",
            }
        )
    return pd.DataFrame(rows, columns=["unit", "kind", "value", "members", "meaning"])


def resolved_observation_end(events, orders, observation_end, tz: str):
    """``observation_end`` as an instant in ``tz``, or (None) the latest event or order + 1
    day; ``events`` and ``orders`` may be SQL tables (their latest times read in SQL)."""
    if observation_end is not None:
        return as_timestamp(observation_end, tz=tz, name="observation_end")
    engine = infer_engine(None, events, orders)
    if is_sql_engine(engine):
        with SqlInputs(engine, tz=tz, events=events, orders=orders) as db:
            candidates = db.latest_times(tz)
    else:
        candidates = [s.max() for s in (events["occurred_at"], orders["ordered_at"]) if len(s)]
    if not candidates:
        raise ValueError("no events or orders: cannot tell where the observation ends")
    # as in retention_labels: the latest record is a lower bound of the export's end
    return max(candidates) + pd.Timedelta(days=1)


def onboarding_labels(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    window_days: float,
    horizon_days: int = 90,
    activity: str = "any",
    observation_end=None,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.DataFrame:
    """Retention measured from each user's own join (the onboarding view's label).

    :func:`~analysis.aggregate.labels.retention_labels` takes one calendar cut-off for
    everybody; here each user has their own, ``cutoff = joined_at + window_days``, with the
    same definitions: qualifying activity (vocabulary interaction types and paid orders, or
    paid orders only with ``activity="purchase"``) and hard churn (vocabulary churn types).

    * **population** — contacts not hard-churned before their cut-off whose label window
      ``[cutoff, cutoff + horizon)`` ends on or before ``observation_end`` (default: the
      latest event or order + 1 day, as in ``retention_labels``);
    * **retained** — qualifying activity in ``[cutoff, cutoff + horizon)`` and no hard churn
      there.

    One row per user, sorted by ``user_id``: ``user_id``, ``joined_at``, ``cutoff``,
    ``horizon_days``, ``retained``, ``churned_hard``, ``tenure_days`` (= ``window_days``).

    ``engine="duckdb"`` / ``"spark"`` (or SQL tables, which ``engine=None`` follows) scans
    events and orders in SQL (:func:`~analysis.aggregate.behaviours_sql.onboarding_flags_sql`);
    the result is the same.
    """
    vocab = load_vocabulary(vocabulary)
    if window_days <= 0 or horizon_days <= 0:
        raise ValueError("window_days and horizon_days must be positive")
    engine = infer_engine(engine, contacts, events, orders)
    if is_sql_table(contacts):
        contacts = contacts.to_pandas()
    tz = tz_of(contacts["joined_at"])
    obs_end = resolved_observation_end(events, orders, observation_end, tz)
    win = pd.Timedelta(days=float(window_days))
    hor = pd.Timedelta(days=int(horizon_days))
    pop = contacts.loc[contacts["joined_at"] + win + hor <= obs_end, ["user_id", "joined_at"]]
    ids = pd.Index(pop["user_id"])
    if ids.has_duplicates:
        raise ValueError("contacts has duplicate user_id values")
    cut_us = _to_us(pop["joined_at"] + win)
    end_us = cut_us + int(horizon_days) * _US_PER_DAY
    if is_sql_engine(engine):
        churned_before, churn_in, active_in = onboarding_flags_sql(
            events, orders, ids, cut_us, end_us, activity=activity, vocab=vocab, engine=engine
        )
        return _onboarding_frame(
            pop, churned_before, churn_in, active_in, window_days, horizon_days=horizon_days
        )

    def _rows(frame: pd.DataFrame, col: str):
        pos = _positions(frame["user_id"], ids)
        ok = pos >= 0
        return pos[ok], _to_us(frame[col])[ok]

    churn = events.loc[events["event_type"].isin(vocab.churn_types), ["user_id", "occurred_at"]]
    cpos, ct = _rows(churn, "occurred_at")
    churned_before = np.zeros(len(pop), dtype=bool)
    churned_before[cpos[ct < cut_us[cpos]]] = True
    churn_in = np.zeros(len(pop), dtype=bool)
    m = (ct >= cut_us[cpos]) & (ct < end_us[cpos])
    churn_in[cpos[m]] = True

    act = activity_times(events, orders, activity, vocab)
    apos, at = _rows(act, "t")
    active_in = np.zeros(len(pop), dtype=bool)
    m = (at >= cut_us[apos]) & (at < end_us[apos])
    active_in[apos[m]] = True

    return _onboarding_frame(
        pop, churned_before, churn_in, active_in, window_days, horizon_days=horizon_days
    )


def _onboarding_frame(pop, churned_before, churn_in, active_in, window_days, *, horizon_days):
    """The output of :func:`onboarding_labels` from the per-user flags (aligned with ``pop``),
    on both engines."""
    keep = ~churned_before
    out = pop.loc[keep, ["user_id", "joined_at"]].reset_index(drop=True)
    out["cutoff"] = out["joined_at"] + pd.Timedelta(days=float(window_days))
    out["horizon_days"] = int(horizon_days)
    out["retained"] = active_in[keep] & ~churn_in[keep]
    out["churned_hard"] = churn_in[keep]
    out["tenure_days"] = float(window_days)
    return out.sort_values("user_id", ignore_index=True)


def assign_period(
    population: pd.DataFrame,
    *,
    split_at,
    time_col: str = "joined_at",
    labels: Sequence[str] = ("discovery", "confirmation"),
) -> pd.DataFrame:
    """A copy of ``population`` with a ``period`` column: ``labels[0]`` for rows whose
    ``time_col`` is before ``split_at`` (the earlier cohorts, for discovery), ``labels[1]``
    for the rest (the later cohorts, for confirmation)."""
    tz = tz_of(population[time_col])
    at = as_timestamp(split_at, tz=tz, name="split_at")
    out = population.copy()
    out["period"] = np.where(population[time_col] < at, labels[0], labels[1])
    return out


def _unit_rows(events: pd.DataFrame, orders: pd.DataFrame, units: pd.DataFrame, index: pd.Index):
    """(position of the user in ``index``, time in µs, unit code) for every occurrence of
    every unit by a user of ``index``."""
    type_units: dict[str, list[int]] = {}
    for code, members in enumerate(units["members"]):
        for t in members:
            type_units.setdefault(t, []).append(code)
    users, times, codes = [], [], []
    if type_units:
        tcodes, tnames = pd.factorize(events["event_type"])
        relevant = np.isin(tcodes, [i for i, t in enumerate(tnames) if t in type_units])
        # no copy of the frame: look up every row, then keep the relevant ones
        eu = _positions(events["user_id"], index)
        relevant &= eu >= 0
        eu, tc = eu[relevant], tcodes[relevant]
        es = _to_us(events["occurred_at"])[relevant]
        # an event can feed several units (its type and its value): one copy per unit
        depth = max(len(c) for c in type_units.values())
        for level in range(depth):
            lookup = np.array(
                [
                    type_units.get(t, [])[level] if len(type_units.get(t, [])) > level else -1
                    for t in tnames
                ],
                dtype="int64",
            )
            code = lookup[tc]
            ok = code >= 0
            users.append(eu[ok])
            times.append(es[ok])
            codes.append(code[ok])
    if (units["kind"] == "orders").any():
        code = int(np.flatnonzero(units["kind"].to_numpy() == "orders")[0])
        paid = orders.loc[is_paid(orders), ["user_id", "ordered_at"]]
        ou = _positions(paid["user_id"], index)
        ok = ou >= 0
        users.append(ou[ok])
        times.append(_to_us(paid["ordered_at"])[ok])
        codes.append(np.full(int(ok.sum()), code, dtype="int64"))
    if not users:
        return (np.empty(0, dtype="int64"),) * 3
    return np.concatenate(users), np.concatenate(times), np.concatenate(codes)


def behaviour_counts(
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    population: pd.DataFrame,
    view: str,
    days: Sequence[float] = DEFAULT_DAYS,
    ks: Sequence[int] = DEFAULT_KS,
    units: pd.DataFrame | None = None,
    outcome: str = "retained",
    group: str | None = None,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.DataFrame:
    """The 2×2 table of every behaviour against the outcome, as counts (tidy, long).

    ``population`` holds one row per user and group with ``user_id``, the boolean
    ``outcome`` column, ``cutoff`` and (onboarding view) ``joined_at`` — the output of
    :func:`onboarding_labels` or of ``retention_labels``, optionally with a ``group`` column
    (e.g. ``period`` from :func:`assign_period`, or several cut-offs stacked). Within a group
    a user appears at most once.

    ``view="onboarding"`` counts in ``[joined_at, joined_at + d)`` and requires
    ``joined_at + max(days) <= cutoff`` for every row (behaviour and label never overlap);
    ``view="snapshot"`` counts in ``[cutoff - d, cutoff)``.

    Returns one row per (group, unit, d, k) with ``group`` (None without ``group``),
    ``unit``, ``kind``, ``value``, ``d``, ``k``, ``n`` (users), ``n_retained``, ``n_did``
    (users with at least ``k`` occurrences in ``d`` days) and ``n_did_retained``.
    Inputs are not modified.

    ``engine="duckdb"`` / ``"spark"`` (or SQL tables for ``events`` / ``orders``, which
    ``engine=None`` follows) counts the occurrences in SQL
    (:func:`~analysis.aggregate.behaviours_sql.did_counts_sql`; the population is registered
    beside the tables) and returns the same table.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    days = sorted({float(d) for d in days})
    ks = sorted({int(k) for k in ks})
    if not days or days[0] <= 0:
        raise ValueError("days must be positive")
    if not ks or ks[0] < 1:
        raise ValueError("ks must be whole numbers >= 1 ('at least 0 times' is everybody)")
    if units is None:
        units = behaviour_units(vocabulary)
    units = units.reset_index(drop=True)
    need = {"user_id", outcome, "cutoff"} | ({"joined_at"} if view == "onboarding" else set())
    need |= {group} if group is not None else set()
    missing = need - set(population.columns)
    if missing:
        raise ValueError(f"population lacks columns {sorted(missing)}")
    y_all = population[outcome]
    if y_all.isna().any() or y_all.dtype.kind not in "biu":
        raise ValueError(f"population[{outcome!r}] must be boolean without missing values")

    cut_all = _to_us(population["cutoff"])
    if view == "onboarding":
        anchor_all = _to_us(population["joined_at"])
        if np.any(anchor_all + int(round(days[-1] * _US_PER_DAY)) > cut_all):
            raise ValueError(
                f"onboarding window of {days[-1]:g} days runs past the label "
                "cut-off for some users: use window_days >= max(days) in "
                "onboarding_labels"
            )
    else:
        anchor_all = cut_all

    if len(population) == 0:
        raise TooLittleData(
            "the population is empty: no user was observed long enough before a cut-off "
            "and after it to count behaviours against staying"
        )
    user_index = pd.Index(pd.unique(population["user_id"]))
    pop_code = _positions(population["user_id"], user_index)
    d_us = np.array([int(round(d * _US_PER_DAY)) for d in days], dtype="int64")
    n_units, n_k = len(units), len(ks)
    ks_arr = np.array(ks)

    groups = (
        [(None, np.arange(len(population)))]
        if group is None
        else [
            (g, np.flatnonzero((population[group] == g).to_numpy()))
            for g in pd.unique(population[group])
        ]
    )
    for g, rows in groups:
        if np.unique(pop_code[rows]).size != len(rows):
            raise ValueError(f"group {g!r}: a user appears more than once")
    engine = infer_engine(engine, events, orders)
    if is_sql_engine(engine):
        did_all, did_ret_all = did_counts_sql(
            events,
            orders,
            population=population,
            groups=groups,
            anchor=anchor_all,
            y=y_all.to_numpy().astype(bool),
            units=units,
            view=view,
            d_us=d_us,
            ks=ks,
            engine=engine,
        )
        blocks = [
            _block(
                g,
                days[di],
                ks_arr,
                len(rows),
                int(y_all.to_numpy()[rows].astype(bool).sum()),
                did_all[gi, di],
                did_ret_all[gi, di],
            )
            for gi, (g, rows) in enumerate(groups)
            for di in range(len(days))
        ]
        return _counts_frame(blocks, units, view)
    ev_user, ev_t, ev_unit = _unit_rows(events, orders, units, user_index)
    blocks = []
    for g, rows in groups:
        row_of = np.full(len(user_index), -1, dtype="int64")
        row_of[pop_code[rows]] = np.arange(len(rows))
        y = y_all.to_numpy()[rows].astype(bool)
        anchor = anchor_all[rows]
        pos = row_of[ev_user]
        ok = pos >= 0
        pos, t, unit = pos[ok], ev_t[ok], ev_unit[ok]
        if view == "onboarding":
            off = t - anchor[pos]  # time since joining
            inside = (off >= 0) & (off < d_us[-1])
        else:
            off = anchor[pos] - t  # time before the cut-off
            inside = (off > 0) & (off <= d_us[-1])
        pos, unit, off = pos[inside], unit[inside], off[inside]
        key = pos.astype("int64") * n_units + unit
        n_cells = len(rows) * n_units
        if n_cells <= _DENSE_LIMIT:  # no sort: mark the (row, unit) cells that occur
            present = np.zeros(n_cells, dtype=bool)
            present[key] = True
            ukey = np.flatnonzero(present)
            slot = np.cumsum(present, dtype="int64") - 1
            del present
            inv = slot[key]
            del slot
        else:
            ukey, inv = np.unique(key, return_inverse=True)
        key_unit = ukey % n_units
        key_y = y[ukey // n_units].astype("int64")
        n_tot, n_ret = int(len(rows)), int(y.sum())
        for di, dd in enumerate(d_us):
            sel = off < dd if view == "onboarding" else off <= dd
            cnt = np.bincount(inv[sel], minlength=ukey.size)
            level = np.searchsorted(ks_arr, cnt, side="right")  # how many thresholds reached
            hist = np.bincount(
                (key_unit * (n_k + 1) + level) * 2 + key_y, minlength=n_units * (n_k + 1) * 2
            ).reshape(n_units, n_k + 1, 2)
            # users reaching threshold j: levels > j (reverse cumulative sum over levels)
            at_least = np.cumsum(hist[:, ::-1, :], axis=1)[:, ::-1, :][:, 1:, :]
            did = at_least.sum(axis=2)
            did_ret = at_least[:, :, 1]
            blocks.append(_block(g, days[di], ks_arr, n_tot, n_ret, did, did_ret))
    return _counts_frame(blocks, units, view)


def _block(g, d, ks_arr, n_tot, n_ret, did, did_ret) -> pd.DataFrame:
    """The counts of one group and window ``d``: ``did`` / ``did_ret`` are (unit, k) arrays."""
    n_units, n_k = did.shape
    return pd.DataFrame(
        {
            "group": g,
            "unit_code": np.repeat(np.arange(n_units), n_k),
            "d": d,
            "k": np.tile(ks_arr, n_units),
            "n": n_tot,
            "n_retained": n_ret,
            "n_did": did.ravel().astype("int64"),
            "n_did_retained": did_ret.ravel().astype("int64"),
        }
    )


def _counts_frame(blocks, units: pd.DataFrame, view: str) -> pd.DataFrame:
    """The output of :func:`behaviour_counts` from its blocks (both engines)."""
    out = pd.concat(blocks, ignore_index=True)
    gcode = pd.factorize(out["group"], use_na_sentinel=False)[0]
    order = np.lexsort(
        (out["k"].to_numpy(), out["d"].to_numpy(), out["unit_code"].to_numpy(), gcode)
    )
    out = out.iloc[order].reset_index(drop=True)
    meta = units[["unit", "kind", "value"]].iloc[out["unit_code"].to_numpy()]
    out = pd.concat(
        [out[["group"]], meta.reset_index(drop=True), out.drop(columns=["group", "unit_code"])],
        axis=1,
    )
    out.attrs["view"] = view
    return out
