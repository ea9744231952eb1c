"""Five-value evidence per user as of a cut-off (the raw inputs of the five-value scores).

Only what happened strictly before ``as_of`` and inside the look-back window is read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.aggregate.rules import NET_AMOUNT_SQL, net_amount
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.data.vocab import VALUES, Vocabulary, load_vocabulary
from analysis.engine.core import is_sql_engine
from analysis.engine.dialect import epoch_us, sql_instant, sql_list
from analysis.engine.tables import SqlInputs, infer_engine, is_sql_table


def _decay(times: pd.Series, as_of: pd.Timestamp, half_life_days: float | None) -> np.ndarray:
    if half_life_days is None:
        return np.ones(len(times))
    if half_life_days <= 0:
        raise ValueError(f"half_life_days must be positive, got {half_life_days}")
    age_days = (as_of - times).dt.total_seconds().to_numpy() / 86_400
    return np.power(0.5, age_days / half_life_days)


def value_evidence(
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    lookback_days: float | None = 180,
    half_life_days: float | None = None,
    users: pd.Series | None = None,
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.DataFrame:
    """Per-user evidence on the five values in ``[as_of - lookback_days, as_of)``.

    Returns a frame indexed by ``user_id`` with one float column per value
    (``experience``, ``consumption``, ``social``, ``content``, ``innovation``):

    * experience / social / content / innovation: number of events of the types the
      vocabulary maps to that value (each weighted by ``0.5 ** (age / half_life_days)`` when
      a half-life is given);
    * consumption: net order amount (amount − refund_amount), weighted the same way.

    ``users`` (e.g. ``contacts.user_id``) fixes the rows: users without evidence get zeros,
    evidence of users not listed is ignored. ``lookback_days=None`` reads all history.
    Inputs are not modified.

    ``engine="duckdb"`` / ``"spark"`` runs the same definition as one SQL query
    (:mod:`analysis.engine`): ``events`` / ``orders`` may then be the tables of a
    :class:`~analysis.engine.DuckTables` / :class:`~analysis.engine.SparkTables` (read from
    disk, out of core) or pandas frames, and ``users`` a Series or a table with a ``user_id``
    column. The result is the same. ``engine=None`` (default) follows the inputs: the
    tables' engine for DuckDB / Spark tables, pandas for frames.
    """
    vocab = load_vocabulary(vocabulary)
    engine = infer_engine(engine, events, orders, users)
    if is_sql_engine(engine):
        return _value_evidence_sql(
            events,
            orders,
            as_of=as_of,
            lookback_days=lookback_days,
            half_life_days=half_life_days,
            users=users,
            vocab=vocab,
            engine=engine,
        )
    unknown = sorted(set(pd.unique(events["event_type"])) - set(vocab.event_types))
    if unknown:  # a brand's declared types would be dropped without a word
        raise ValueError(
            f"event types {unknown[:5]} are not in the vocabulary given to value_evidence "
            f"({'the default' if vocabulary is None else 'the one passed'}); pass the "
            "vocabulary the tables were loaded with: vocabulary=tables.vocabulary"
        )
    tz = tz_of(events["occurred_at"])
    cut = as_timestamp(as_of, tz=tz, name="as_of")
    start = None if lookback_days is None else cut - pd.Timedelta(days=float(lookback_days))

    type_to_value = {t: e.value for t, e in vocab.event_types.items() if e.value is not None}
    ev_time = events["occurred_at"]
    in_win = ev_time < cut
    if start is not None:
        in_win &= ev_time >= start
    in_win &= events["event_type"].isin(list(type_to_value))
    ev = events.loc[in_win, ["user_id", "occurred_at", "event_type"]]
    w = _decay(ev["occurred_at"], cut, half_life_days)
    ev_tab = pd.DataFrame(
        {
            "user_id": ev["user_id"].to_numpy(),
            "value": ev["event_type"].map(type_to_value).to_numpy(),
            "w": w,
        }
    )
    ev_sum = ev_tab.groupby(["user_id", "value"], sort=True)["w"].sum().unstack("value")

    o_time = orders["ordered_at"]
    o_win = o_time < cut
    if start is not None:
        o_win &= o_time >= start
    od = orders.loc[o_win]
    net = net_amount(od).to_numpy()
    o_tab = pd.DataFrame(
        {
            "user_id": od["user_id"].to_numpy(),
            "w": net * _decay(od["ordered_at"], cut, half_life_days),
        }
    )
    cons = o_tab.groupby("user_id", sort=True)["w"].sum().rename("consumption")

    out = ev_sum.join(cons, how="outer")
    return _finish(out, users)


# Sums of floats differ in their last bits with the order of addition, which differs between
# engines (and between DuckDB's threads); rounding every sum to 1e-9 (far below a fen or one
# decayed event) makes the tables, and the ranks and ties built on them, identical.
EVIDENCE_DECIMALS = 9


def _finish(out: pd.DataFrame, users) -> pd.DataFrame:
    """Shared by all engines: the five columns as float64 rounded to ``EVIDENCE_DECIMALS``,
    rows fixed by ``users``, sorted."""
    out = out.reindex(columns=list(VALUES)).fillna(0.0).astype("float64")
    out = out.round(EVIDENCE_DECIMALS) + 0.0  # + 0.0: no -0.0 from rounding tiny negatives
    if users is not None:
        ids = pd.Index(pd.unique(pd.Series(users, dtype="str")), name="user_id")
        out = out.reindex(ids, fill_value=0.0)
    # ids are strings end to end, also when no user has evidence (empty index)
    out.index = out.index.astype("str")
    out.index.name = "user_id"
    out.columns.name = None
    return out.sort_index()


def _value_evidence_sql(
    events, orders, *, as_of, lookback_days, half_life_days, users, vocab: Vocabulary, engine
) -> pd.DataFrame:
    """The SQL definition of :func:`value_evidence` for DuckDB and Spark (same windows,
    weights and rows)."""
    if half_life_days is not None and half_life_days <= 0:
        raise ValueError(f"half_life_days must be positive, got {half_life_days}")
    args = {"events": events, "orders": orders}
    if is_sql_table(users):
        args["contacts"] = users
    with SqlInputs(engine, **args) as db:
        tz = db.tz if is_sql_table(events) else tz_of(events["occurred_at"])
        cut = as_timestamp(as_of, tz=tz, name="as_of")
        start = None if lookback_days is None else cut - pd.Timedelta(days=float(lookback_days))
        ev, od = db.views["events"], db.views["orders"]
        win_e = f"occurred_at < {sql_instant(cut)}"
        win_o = f"ordered_at < {sql_instant(cut)}"
        if start is not None:
            win_e += f" AND occurred_at >= {sql_instant(start)}"
            win_o += f" AND ordered_at >= {sql_instant(start)}"

        def weight(col: str) -> str:
            if half_life_days is None:
                return "1.0"
            # as the pandas path: age in seconds / 86400, then 0.5 ** (age / half-life)
            age = f"(CAST({epoch_us(cut)} - epoch_us({col}) AS DOUBLE) / 1000000.0 / 86400.0)"
            return f"pow(0.5, {age} / {float(half_life_days)!r})"

        by_value = {
            v: [t for t, e in vocab.event_types.items() if e.value == v]
            for v in VALUES
            if v != "consumption"
        }
        all_types = [t for ts in by_value.values() for t in ts]
        ev_cols = ", ".join(
            f"sum(w) FILTER (WHERE event_type IN {sql_list(ts)}) AS {v}"
            for v, ts in by_value.items()
        )
        sql = f"""
            WITH e AS (
                SELECT user_id, event_type, {weight("occurred_at")} AS w FROM {ev}
                WHERE {win_e} AND event_type IN {sql_list(all_types)}),
            es AS (SELECT user_id, {ev_cols} FROM e GROUP BY user_id),
            o AS (
                SELECT user_id, sum(({NET_AMOUNT_SQL}) * {weight("ordered_at")})
                       AS consumption
                FROM {od} WHERE {win_o} GROUP BY user_id)
            SELECT * FROM es FULL OUTER JOIN o USING (user_id)"""
        if is_sql_table(users):
            sql = f"""
                WITH ev AS ({sql}),
                ids AS (SELECT DISTINCT CAST(user_id AS VARCHAR) AS user_id
                        FROM {db.views["contacts"]})
                SELECT ids.user_id, {", ".join(f"ev.{v}" for v in VALUES)} FROM ids
                LEFT JOIN ev USING (user_id)"""
        out = db.df(sql)
    out["user_id"] = out["user_id"].astype("str")
    out = out.set_index("user_id")
    return _finish(out, None if is_sql_table(users) else users)
