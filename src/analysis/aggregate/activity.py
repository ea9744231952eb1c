"""Per-period counts and table summaries for the data overview.

Each aggregation that scans events or orders also has one SQL definition (DuckDB's dialect,
translated for Spark by :func:`analysis.engine.spark_sql`): ``engine="duckdb"`` / ``"spark"``
— or tables of a :class:`~analysis.engine.DuckTables` / :class:`~analysis.engine.SparkTables`,
which the default ``engine=None`` follows — runs it where the table is and returns the same
frame as pandas (only per-period, per-type or per-user rows come back).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.aggregate.rules import NET_AMOUNT_SQL, PAID_SQL, net_amount, paid_orders
from analysis.engine.core import is_sql_engine
from analysis.engine.tables import SqlInputs, as_instants, infer_engine, is_sql_table

FREQS = {"D": "day", "W": "week", "M": "month", "Q": "quarter"}

_US_PER_DAY = 86_400 * 10**6


def period_start(times: pd.Series, freq: str = "M") -> pd.Series:
    """Start of the local calendar period (``D``, ``W``, ``M``, ``Q``) of each time, naive."""
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {list(FREQS)}, got {freq!r}")
    local = times.dt.tz_localize(None) if getattr(times.dtype, "tz", None) else times
    return local.dt.to_period(freq).dt.start_time


def period_key_sql(col: str, freq: str = "M") -> str:
    """The SQL twin of :func:`period_start`: a whole number per local calendar period of the
    instant column ``col`` (the session's time zone is the data's), turned back into the
    period's start by :func:`period_from_key`. ``D``: days since 1970-01-01, ``W``: weeks
    starting on Monday, ``M``: ``year * 12 + month - 1``, ``Q``: ``year * 4 + quarter - 1``."""
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {list(FREQS)}, got {freq!r}")
    local = f"CAST({col} AS TIMESTAMP)"
    day = f"floor(epoch_us({local}) / {float(_US_PER_DAY)})"
    key = {
        "D": day,
        "W": f"floor(({day} + 3) / 7.0)",  # 1970-01-01 was a Thursday
        "M": f"year({local}) * 12 + month({local}) - 1",
        "Q": f"year({local}) * 4 + floor((month({local}) - 1) / 3.0)",
    }[freq]
    return f"CAST({key} AS BIGINT)"


def period_from_key(keys, freq: str = "M") -> pd.Series:
    """The period starts (naive, as :func:`period_start` gives them) of the keys of
    :func:`period_key_sql`."""
    k = np.asarray(keys, dtype="int64")
    if freq in ("D", "W"):
        days = k if freq == "D" else 7 * k - 3  # weeks start on Monday
        start = pd.Series((np.datetime64(0, "D") + days.astype("timedelta64[D]")))
    else:
        years, month0 = np.divmod(k if freq == "M" else 3 * k, 12)
        start = pd.to_datetime(pd.DataFrame({"year": years, "month": month0 + 1, "day": 1}))
    return period_start(start.astype("datetime64[us]"), freq)


def _frame_tz(df, time_col: str) -> str | None:
    """The time zone of a frame's time column (None for a SQL table or naive times)."""
    if isinstance(df, pd.DataFrame):
        tz = getattr(df[time_col].dtype, "tz", None)
        return None if tz is None else str(tz)
    return None


def _sql_col(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def counts_by_period(
    df: pd.DataFrame,
    *,
    time_col: str,
    by: str | None = None,
    freq: str = "M",
    sum_cols: tuple[str, ...] = (),
    engine=None,
) -> pd.DataFrame:
    """Tidy counts per period (and per ``by`` group): columns ``period``, [``by``], ``rows``,
    plus the sum of each column in ``sum_cols``. Periods with no rows are not listed.

    ``df`` may be a table of a :class:`~analysis.engine.DuckTables` /
    :class:`~analysis.engine.SparkTables` (``engine`` follows it): the rows are counted in SQL."""
    if is_sql_engine(infer_engine(engine, df)):
        return _counts_by_period_sql(
            df, time_col=time_col, by=by, freq=freq, sum_cols=sum_cols, engine=engine
        )
    keys = {"period": period_start(df[time_col], freq)}
    if by is not None:
        keys[by] = df[by]
    frame = pd.DataFrame({**keys, **{c: df[c] for c in sum_cols}})
    group = list(keys)
    out = frame.groupby(group, sort=True, observed=True).agg(
        rows=("period", "size"), **{c: (c, "sum") for c in sum_cols}
    )
    return out.reset_index()


def _counts_by_period_sql(df, *, time_col, by, freq, sum_cols, engine) -> pd.DataFrame:
    """The SQL definition of :func:`counts_by_period`."""
    with SqlInputs(infer_engine(engine, df), tz=_frame_tz(df, time_col), table=df) as db:
        by_sel = f", {_sql_col(by)} AS by_value" if by is not None else ""
        # as pandas: a group's sum skips missing values (0 when all are), rows without a
        # time or a ``by`` value are not counted
        sums = "".join(f", coalesce(sum({_sql_col(c)}), 0) AS s{i}" for i, c in enumerate(sum_cols))
        by_known = f" AND {_sql_col(by)} IS NOT NULL" if by is not None else ""
        got = db.df(
            f"SELECT {period_key_sql(_sql_col(time_col), freq)} AS period_key{by_sel}, "
            f"count(*) AS n{sums} FROM {db.views['table']} "
            f"WHERE {_sql_col(time_col)} IS NOT NULL{by_known} "
            f"GROUP BY period_key{', by_value' if by is not None else ''}"
        )
    out = pd.DataFrame({"period": period_from_key(got["period_key"], freq)})
    if by is not None:
        out[by] = got["by_value"].astype("str").to_numpy()
    out["rows"] = got["n"].to_numpy(dtype="int64")
    for i, c in enumerate(sum_cols):
        out[c] = got[f"s{i}"].to_numpy()
    return out.sort_values(["period"] + ([by] if by else []), ignore_index=True)


def orders_by_period(orders: pd.DataFrame, *, freq: str = "M", engine=None) -> pd.DataFrame:
    """Per period: ``orders``, ``buyers``, ``gross`` (amount), ``refunded`` and ``net`` revenue,
    ``refunded_orders``. ``orders`` may be a SQL table (counted in SQL, see
    :func:`counts_by_period`)."""
    engine = infer_engine(engine, orders)
    if is_sql_engine(engine):
        with SqlInputs(engine, orders=orders) as db:
            got = db.df(
                f"SELECT {period_key_sql('ordered_at', freq)} AS period_key, "
                "count(*) AS orders, count(DISTINCT user_id) AS buyers, "
                "sum(amount) AS gross, sum(refund_amount) AS refunded, "
                f"sum({NET_AMOUNT_SQL}) AS net, "
                "sum(CASE WHEN is_refund THEN 1 ELSE 0 END) AS refunded_orders "
                f"FROM {db.views['orders']} GROUP BY period_key"
            )
        got = got.sort_values("period_key", ignore_index=True)
        out = pd.DataFrame({"period": period_from_key(got["period_key"], freq)})
        for c in ("orders", "buyers", "refunded_orders"):
            out[c] = got[c].to_numpy(dtype="int64")
        for c in ("gross", "refunded", "net"):
            out[c] = got[c].to_numpy(dtype="float64")
        return out[["period", "orders", "buyers", "gross", "refunded", "net", "refunded_orders"]]
    o = orders.assign(
        period=period_start(orders["ordered_at"], freq),
        net=net_amount(orders),
    )
    out = o.groupby("period", sort=True).agg(
        orders=("order_id", "size"),
        buyers=("user_id", "nunique"),
        gross=("amount", "sum"),
        refunded=("refund_amount", "sum"),
        net=("net", "sum"),
        refunded_orders=("is_refund", "sum"),
    )
    return out.reset_index()


def mix(contacts: pd.DataFrame, *, rows: str = "channel", cols: str = "hook") -> pd.DataFrame:
    """Tidy counts of contacts by two attributes with the share of all contacts."""
    out = contacts.groupby([rows, cols], sort=True, observed=True).size().rename("contacts")
    out = out.reset_index()
    out["share"] = out["contacts"] / out["contacts"].sum()
    return out


def table_stats(df, *, time_col: str, engine=None) -> dict:
    """``rows``, ``users`` (distinct), ``first`` and ``last`` time of one table (a frame or a
    SQL table, counted where it is)."""
    engine = infer_engine(engine, df)
    if is_sql_engine(engine):
        with SqlInputs(engine, tz=_frame_tz(df, time_col), table=df) as db:
            t = _sql_col(time_col)
            got = db.df(
                f"SELECT count(*) AS n, count(DISTINCT user_id) AS users, min({t}) AS first, "
                f"max({t}) AS last FROM {db.views['table']}"
            )
            tz = db.tz
        first, last = (as_instants(got[c], tz).iloc[0] for c in ("first", "last"))
        return {
            "rows": int(got["n"].iloc[0]),
            "users": int(got["users"].iloc[0]),
            "first": first if int(got["n"].iloc[0]) else pd.NaT,
            "last": last if int(got["n"].iloc[0]) else pd.NaT,
        }
    return {
        "rows": len(df),
        "users": df["user_id"].nunique(),
        "first": df[time_col].min() if len(df) else pd.NaT,
        "last": df[time_col].max() if len(df) else pd.NaT,
    }


def table_summary(contacts, events, orders, *, engine=None) -> pd.DataFrame:
    """One row per table: rows, distinct users, first and last time (each table counted where
    it is: in memory, or in SQL for a table of a DuckDB / Spark engine)."""
    spec = [
        ("contacts", contacts, "joined_at"),
        ("events", events, "occurred_at"),
        ("orders", orders, "ordered_at"),
    ]
    rows = []
    for name, df, tcol in spec:
        eng = engine if is_sql_table(df) else None
        rows.append({"table": name, **table_stats(df, time_col=tcol, engine=eng)})
    return pd.DataFrame(rows)


def vocabulary_counts(events, *, vocabulary, engine=None) -> pd.DataFrame:
    """The event vocabulary's table (``vocabulary.table()``: one row per event type) with
    ``events``, the number of rows of ``events`` of each type (0 for types never seen).
    ``events`` may be a SQL table (counted in SQL)."""
    engine = infer_engine(engine, events)
    if is_sql_engine(engine):
        with SqlInputs(engine, events=events) as db:
            got = db.df(
                f"SELECT event_type, count(*) AS n FROM {db.views['events']} "
                "WHERE event_type IS NOT NULL GROUP BY event_type"
            )
        counts = pd.Series(
            got["n"].to_numpy(dtype="int64"), index=got["event_type"].astype("str"), name="events"
        )
    else:
        counts = events["event_type"].value_counts().rename("events")
    out = vocabulary.table().merge(counts, left_on="event_type", right_index=True, how="left")
    out["events"] = out["events"].fillna(0).astype(int)
    return out


def distinct_users(table, *, paid: bool = False, engine=None) -> pd.Index:
    """The distinct ``user_id`` of a table (events, orders; ``paid``: the paid orders only),
    in no set order; a SQL table is read in SQL and only the ids come back."""
    engine = infer_engine(engine, table)
    if is_sql_engine(engine):
        with SqlInputs(engine, table=table) as db:
            where = f"WHERE {PAID_SQL}" if paid else ""
            got = db.df(f"SELECT DISTINCT user_id FROM {db.views['table']} {where}")
        ids = got["user_id"].dropna().astype("str")
    else:
        ids = (paid_orders(table) if paid else table)["user_id"].dropna().astype("str")
    return pd.Index(pd.unique(ids.to_numpy()), name="user_id")


def has_rows(users: pd.Series, table, *, paid: bool = False, engine=None) -> pd.Series:
    """For each of ``users`` (a Series of ids), whether ``table`` (events, orders; ``paid``:
    paid orders) has a row of theirs: a boolean Series aligned with ``users``. A SQL table
    gives its distinct ids only (one look-up per user, not a scan in Python)."""
    found = distinct_users(table, paid=paid, engine=engine)
    hit = found.get_indexer(pd.Series(users).astype("str")) >= 0
    return pd.Series(hit, index=users.index, name=users.name)
