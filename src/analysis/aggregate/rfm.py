"""RFM — recency, frequency and monetary value of each user's orders before a cut-off.

The one definition the RFM segments (:mod:`analysis.studies.segments`) and the value-index
study's baselines and controls (:mod:`analysis.studies.validity`) use, on pandas, DuckDB or
Spark:

* ``recency_days`` — days from the user's last **paid** order (net amount > 0,
  :func:`analysis.aggregate.rules.is_paid`) strictly before ``as_of`` to ``as_of``, reading
  all history (a long-ago buyer is long ago, not "never"); NaN for users who never paid;
* ``frequency`` — paid orders in the look-back window ``[as_of - lookback_days, as_of)``;
* ``monetary`` — net amount (amount − refund_amount) of all orders in that window, rounded
  to ``EVIDENCE_DECIMALS`` so that every engine gives the same bytes.

``lookback_days=None`` reads all history for all three.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.aggregate.rules import NET_AMOUNT_SQL, PAID_SQL, is_paid, net_amount
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.aggregate.values import EVIDENCE_DECIMALS
from analysis.engine import SqlInputs, as_instants, infer_engine, is_sql_engine, sql_instant

RFM_COLUMNS = ("recency_days", "frequency", "monetary")


def rfm_table(
    orders: pd.DataFrame,
    *,
    as_of,
    users=None,
    lookback_days: float | None = None,
    engine=None,
) -> pd.DataFrame:
    """Per-user ``recency_days``, ``frequency`` (int) and ``monetary``, indexed by ``user_id``
    (text) in sorted order. ``users`` fixes the rows: users without orders get frequency 0,
    monetary 0 and recency NaN; without it, every user with an order before ``as_of``.

    ``engine="duckdb"`` / ``"spark"`` runs the same definition as one SQL query; ``orders``
    may then be the table of a :class:`~analysis.engine.DuckTables` /
    :class:`~analysis.engine.SparkTables`. ``engine=None`` follows the input.
    """
    engine = infer_engine(engine, orders)
    if is_sql_engine(engine):
        out = _rfm_sql(orders, as_of=as_of, lookback_days=lookback_days, engine=engine)
    else:
        out = _rfm_pandas(orders, as_of=as_of, lookback_days=lookback_days)
    if users is not None:
        ids = pd.Index(pd.unique(pd.Series(users, dtype="str")), name="user_id")
        out = out.reindex(ids)
        out["frequency"] = out["frequency"].fillna(0)
        out["monetary"] = out["monetary"].fillna(0.0)
    out["frequency"] = out["frequency"].astype("int64")
    out["monetary"] = np.round(out["monetary"].to_numpy(dtype="float64"), EVIDENCE_DECIMALS) + 0.0
    out.index.name = "user_id"
    return out.sort_index()


def _window_start(cut: pd.Timestamp, lookback_days: float | None) -> pd.Timestamp | None:
    return None if lookback_days is None else cut - pd.Timedelta(days=float(lookback_days))


def _rfm_pandas(orders: pd.DataFrame, *, as_of, lookback_days) -> pd.DataFrame:
    cut = as_timestamp(as_of, tz=tz_of(orders["ordered_at"]), name="as_of")
    before = orders["ordered_at"] < cut
    od = orders.loc[before, ["user_id", "ordered_at", "amount", "refund_amount"]]
    uid = od["user_id"].astype("str")
    paid = is_paid(od)
    last = od.loc[paid, "ordered_at"].groupby(uid[paid]).max()
    start = _window_start(cut, lookback_days)
    win = pd.Series(True, index=od.index) if start is None else od["ordered_at"] >= start
    freq = (paid & win).groupby(uid).sum()
    mon = net_amount(od).where(win, 0.0).groupby(uid).sum()
    out = pd.DataFrame(index=pd.Index(uid.unique(), name="user_id"))
    # reindex keeps the datetime dtype when no user has a paid order (map gives float NaN)
    out["recency_days"] = (cut - last.astype(orders["ordered_at"].dtype).reindex(out.index)) / (
        pd.Timedelta(days=1)
    )
    out["frequency"] = freq.reindex(out.index, fill_value=0).astype("int64")
    out["monetary"] = mon.reindex(out.index, fill_value=0.0).astype("float64")
    return out


def _rfm_sql(orders, *, as_of, lookback_days, engine) -> pd.DataFrame:
    with SqlInputs(engine, orders=orders) as db:
        cut = as_timestamp(as_of, tz=db.tz, name="as_of")
        start = _window_start(cut, lookback_days)
        in_window = "TRUE" if start is None else f"ordered_at >= {sql_instant(start)}"
        got = db.df(f"""
            SELECT user_id,
                   max(ordered_at) FILTER (WHERE {PAID_SQL}) AS last_paid,
                   count(*) FILTER (WHERE {PAID_SQL} AND {in_window}) AS frequency,
                   coalesce(sum({NET_AMOUNT_SQL}) FILTER (WHERE {in_window}), 0.0) AS monetary
            FROM {db.views["orders"]} WHERE ordered_at < {sql_instant(cut)} GROUP BY user_id""")
    out = got.set_index(pd.Index(got["user_id"].astype("str"), name="user_id"))
    last = as_instants(out["last_paid"], str(cut.tz))
    return pd.DataFrame(
        {
            "recency_days": ((cut - last) / pd.Timedelta(days=1)).to_numpy(dtype="float64"),
            "frequency": out["frequency"].to_numpy(),
            "monetary": out["monetary"].to_numpy(dtype="float64"),
        },
        index=out.index,
    )
