"""The SQL definitions of the behaviours study's scans (:mod:`analysis.aggregate.behaviours`).

Written once in DuckDB's dialect (Spark runs the same text through
:func:`analysis.engine.spark_sql`); the population is registered beside the tables, the
events and orders are read where they are, and only per-user flags or the counts per (group,
unit, d, k) come back. :func:`~analysis.aggregate.behaviours.onboarding_labels` and
:func:`~analysis.aggregate.behaviours.behaviour_counts` call them for ``engine="duckdb"`` /
``"spark"`` (or SQL tables) and build the same frames as on pandas from them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.aggregate.rules import PAID_SQL
from analysis.engine.dialect import sql_list
from analysis.engine.tables import SqlInputs

__all__ = ["onboarding_flags_sql", "did_counts_sql"]


def onboarding_flags_sql(events, orders, ids, cut_us, end_us, *, activity, vocab, engine):
    """The SQL definition of the scans of
    :func:`~analysis.aggregate.behaviours.onboarding_labels`: per user of ``ids``
    (cut-off ``cut_us``, label end ``end_us``, µs since the epoch) whether a hard churn fell
    before the cut-off, a hard churn inside ``[cut, end)``, and a qualifying activity (an
    interaction event with ``activity="any"``, a paid order) inside it. Returns three boolean
    arrays aligned with ``ids``."""
    from analysis.aggregate.labels import ACTIVITY

    if activity not in ACTIVITY:
        raise ValueError(f"activity must be one of {ACTIVITY}, got {activity!r}")
    pop = pd.DataFrame(
        {
            "user_id": np.asarray(ids, dtype=object).astype(str),
            "cut_us": np.asarray(cut_us, dtype="int64"),
            "end_us": np.asarray(end_us, dtype="int64"),
        }
    )
    churn = sql_list(vocab.churn_types)
    inter = sql_list(vocab.interaction_types if activity == "any" else [])
    with SqlInputs(engine, events=events, orders=orders, pop=pop) as db:
        ev, od, p = db.views["events"], db.views["orders"], db.views["pop"]
        sql = f"""
            WITH ch AS (
                SELECT p.user_id,
                    max(CASE WHEN epoch_us(e.occurred_at) < p.cut_us THEN 1 ELSE 0 END)
                        AS before_cut,
                    max(CASE WHEN epoch_us(e.occurred_at) >= p.cut_us
                              AND epoch_us(e.occurred_at) < p.end_us THEN 1 ELSE 0 END)
                        AS inside
                FROM {ev} e JOIN {p} p ON e.user_id = p.user_id
                WHERE e.event_type IN {churn}
                GROUP BY p.user_id),
            act AS (
                SELECT user_id, occurred_at AS t FROM {ev} WHERE event_type IN {inter}
                UNION ALL
                SELECT user_id, ordered_at AS t FROM {od} WHERE {PAID_SQL}),
            ac AS (
                SELECT DISTINCT p.user_id FROM act a JOIN {p} p ON a.user_id = p.user_id
                WHERE epoch_us(a.t) >= p.cut_us AND epoch_us(a.t) < p.end_us)
            SELECT ch.user_id, ch.before_cut, ch.inside, 0 AS active FROM ch
            UNION ALL
            SELECT ac.user_id, 0 AS before_cut, 0 AS inside, 1 AS active FROM ac"""
        got = db.df(sql)
    flags = got.groupby(got["user_id"].astype("str"))[["before_cut", "inside", "active"]].max()
    flags = flags.reindex(pd.Index(pop["user_id"]), fill_value=0)
    return tuple(flags[c].to_numpy().astype(bool) for c in ("before_cut", "inside", "active"))


def did_counts_sql(
    events, orders, *, population, groups, anchor, y, units, view, d_us, ks, engine
) -> tuple[np.ndarray, np.ndarray]:
    """The SQL definition of the counting in
    :func:`~analysis.aggregate.behaviours.behaviour_counts`: for each group, window
    and unit, the users with at least ``k`` occurrences (``did``) and those of them retained
    (``did_ret``), as arrays of shape (group, d, unit, k).

    Every occurrence of a unit (an event of one of its types, or a paid order) by a user of
    a group is placed by its offset from the row's anchor in µs (onboarding: after joining,
    ``0 <= off < d``; snapshot: before the cut-off, ``0 < off <= d``); the occurrences are
    counted per (row, unit) for every ``d``, and the users reaching each ``k`` per (group,
    unit)."""
    n_units, n_k, n_d = len(units), len(ks), len(d_us)
    frames = []
    for gi, (_, rows) in enumerate(groups):
        frames.append(
            pd.DataFrame(
                {
                    "grp": np.full(len(rows), gi, dtype="int64"),
                    "row_id": np.arange(len(rows), dtype="int64"),
                    "user_id": population["user_id"].to_numpy()[rows].astype(str),
                    "y": y[rows].astype("int64"),
                    "anchor_us": anchor[rows].astype("int64"),
                }
            )
        )
    pop = pd.concat(frames, ignore_index=True)
    umap = pd.DataFrame(
        [(t, code) for code, members in enumerate(units["members"]) for t in members],
        columns=["event_type", "unit_code"],
    ).astype({"event_type": "str", "unit_code": "int64"})
    kinds = units["kind"].to_numpy()
    orders_code = int(np.flatnonzero(kinds == "orders")[0]) if (kinds == "orders").any() else None
    with SqlInputs(engine, events=events, orders=orders, pop=pop, units=umap) as db:
        ev, od, p, um = (db.views[k] for k in ("events", "orders", "pop", "units"))
        occ = [
            f"SELECT e.user_id, epoch_us(e.occurred_at) AS t, m.unit_code FROM {ev} e "
            f"JOIN {um} m ON e.event_type = m.event_type"
        ]
        if orders_code is not None:
            occ.append(
                f"SELECT user_id, epoch_us(ordered_at) AS t, {orders_code} AS unit_code "
                f"FROM {od} WHERE {PAID_SQL}"
            )
        d_max = int(d_us[-1])
        if view == "onboarding":
            off, inside, within = "o.t - p.anchor_us", f"off >= 0 AND off < {d_max}", "off < {}"
        else:
            off, inside, within = "p.anchor_us - o.t", f"off > 0 AND off <= {d_max}", "off <= {}"
        per_d = ", ".join(
            f"sum(CASE WHEN {within.format(int(d))} THEN 1 ELSE 0 END) AS c{di}"
            for di, d in enumerate(d_us)
        )
        reach = ", ".join(
            f"sum(CASE WHEN c{di} >= {k} THEN 1 ELSE 0 END) AS did_{di}_{ki}, "
            f"sum(CASE WHEN c{di} >= {k} THEN y ELSE 0 END) AS ret_{di}_{ki}"
            for di in range(n_d)
            for ki, k in enumerate(ks)
        )
        sql = f"""
            WITH occ AS ({" UNION ALL ".join(occ)}),
            w AS (
                SELECT p.grp, p.row_id, p.y, o.unit_code, {off} AS off
                FROM occ o JOIN {p} p ON o.user_id = p.user_id),
            c AS (
                SELECT grp, row_id, y, unit_code, {per_d} FROM w WHERE {inside}
                GROUP BY grp, row_id, y, unit_code)
            SELECT grp, unit_code, {reach} FROM c GROUP BY grp, unit_code"""
        got = db.df(sql)
    did = np.zeros((len(groups), n_d, n_units, n_k), dtype="int64")
    did_ret = np.zeros_like(did)
    g, u = got["grp"].to_numpy("int64"), got["unit_code"].to_numpy("int64")
    for di in range(n_d):
        for ki in range(n_k):
            did[g, di, u, ki] = got[f"did_{di}_{ki}"].to_numpy("int64")
            did_ret[g, di, u, ki] = got[f"ret_{di}_{ki}"].to_numpy("int64")
    return did, did_ret
