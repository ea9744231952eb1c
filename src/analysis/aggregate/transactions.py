"""Transaction log → per-customer RFM summary, and the calibration/holdout split.

These are the inputs of the buy-till-you-die models in :mod:`analysis.studies.ltv`. They are our
own, vectorised re-implementation of ``lifetimes.utils.summary_data_from_transaction_data``
and ``calibration_and_holdout_data`` (which are slow, and partly broken under pandas 3):
with the same inputs and units the numbers are the same (tested on CDNOW).

Conventions (the ones of Fader & Hardie and of lifetimes):

* Time is cut into periods of ``freq`` (``"D"`` calendar days, ``"W"`` Monday–Sunday
  weeks, ``"h"`` hours). Purchases by one customer in the same period are merged into one
  transaction (their amounts are summed).
* ``frequency`` counts *repeat* periods with a purchase (the first one is not counted);
  ``recency`` is the time from the first to the last purchase period and ``T`` the time
  from the first purchase period to the period of the observation end, both divided by
  ``freq_multiplier``. "Weeks measured in days" (the CDNOW convention) is
  ``freq="D", freq_multiplier=7``.
* ``monetary_value`` is the mean amount of the repeat periods (0 without repeats).
* Times are read as local wall-clock time: tz-aware columns keep their own zone, and a
  naive ``observation_end`` / ``calibration_end`` is read in that zone. Everything in a
  period after the end's period is dropped; the observation end's whole period is kept (as
  lifetimes does), but the calibration ends with the last whole period on or before
  ``calibration_end`` (a week running past it belongs to the holdout).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.aggregate.periods import (
    CustomerStats,
    calibration_end_period,
    check_freq,
    end_period,
    require_columns,
    summary_arrays,
    summary_frame,
    to_periods,
    wall_clock,
)
from analysis.aggregate.sortkeys import amount_values, summarize_sorted
from analysis.engine import SqlInputs, infer_engine, is_sql_engine


@dataclass(frozen=True)
class _Prepared:
    """Column-wise arrays of a validated transaction log (one entry per input row)."""

    codes: np.ndarray  # int64 customer code, index into ``customers``
    customers: pd.Index  # distinct customer ids
    periods: np.ndarray  # int64 period ordinal of each row
    amounts: np.ndarray | None  # float64 amount of each row
    tz: object  # the time column's zone (None for naive)


def _prepare(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None,
    freq: str,
) -> _Prepared:
    columns = [customer_col, time_col] + ([amount_col] if amount_col else [])
    require_columns(transactions, columns)
    customers = transactions[customer_col]
    wall, tz = wall_clock(transactions[time_col], time_col)
    codes, uniques = pd.factorize(customers, sort=False, use_na_sentinel=True)
    if codes.size and codes.min() < 0:
        raise ValueError(
            f"column {customer_col!r} has missing customer ids "
            f"(row {customers.index[int(np.argmin(codes))]!r})"
        )
    amounts = amount_values(transactions, amount_col)
    return _Prepared(
        codes=codes.astype(np.int64, copy=False),
        customers=pd.Index(uniques),
        periods=to_periods(wall, freq),
        amounts=amounts,
        tz=tz,
    )


@dataclass(frozen=True)
class _PeriodTable:
    """One entry per (customer, period) with a purchase, sorted by customer then period."""

    codes: np.ndarray
    periods: np.ndarray
    sums: np.ndarray | None
    starts: np.ndarray  # index of each customer's first period
    counts: np.ndarray  # number of periods of each customer


def _period_table(
    codes: np.ndarray, periods: np.ndarray, amounts: np.ndarray | None
) -> _PeriodTable:
    if codes.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return _PeriodTable(empty, empty, None if amounts is None else np.empty(0), empty, empty)
    low = periods.min()
    span = int(periods.max() - low) + 1
    key = codes * span + (periods - low)
    if amounts is None:
        unique_keys = np.unique(key)
        sums = None
    else:
        unique_keys, inverse = np.unique(key, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=amounts, minlength=unique_keys.size)
    cust = unique_keys // span
    per = unique_keys % span + low
    new = np.empty(cust.size, dtype=bool)
    new[0] = True
    np.not_equal(cust[1:], cust[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, cust.size))
    return _PeriodTable(cust, per, sums, starts, counts)


def _customer_stats(
    codes: np.ndarray, periods: np.ndarray, amounts: np.ndarray | None, n_codes: int
) -> CustomerStats:
    """Distinct periods, first/last period and spend per customer, without a groupby.

    The only sort is of one integer (customer, period) key per row; first and last
    periods and counts come from the sorted distinct keys, sums from ``bincount``.
    """
    first = np.full(n_codes, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n_codes, np.iinfo(np.int64).min, dtype=np.int64)
    n_periods = np.zeros(n_codes, dtype=np.int64)
    repeat_spend = total_spend = None
    if amounts is not None:
        repeat_spend = np.zeros(n_codes)
        total_spend = np.zeros(n_codes)
    if codes.size == 0:
        return CustomerStats(n_periods, first, last, repeat_spend, total_spend)
    low = int(periods.min())
    span = int(periods.max()) - low + 1
    key = codes * span
    key += periods
    key -= low
    if n_codes * span < 2**32:  # a 32-bit key sorts faster
        key = key.astype(np.uint32)
    key.sort()
    new = np.empty(key.size, dtype=bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    pairs = key[new]  # distinct (customer, period) keys, sorted by customer then period
    del key, new
    customer = (pairs // pairs.dtype.type(span)).astype(np.int64)
    period = (pairs % pairs.dtype.type(span)).astype(np.int64) + low
    n_periods = np.bincount(customer, minlength=n_codes)
    boundary = np.flatnonzero(customer[1:] != customer[:-1])
    starts = np.r_[0, boundary + 1]
    ends = np.r_[boundary, customer.size - 1]
    first[customer[starts]] = period[starts]
    last[customer[ends]] = period[ends]
    if amounts is not None:
        later = periods != first[codes]
        repeat_spend = np.bincount(codes[later], weights=amounts[later], minlength=n_codes)
        total_spend = np.bincount(codes, weights=amounts, minlength=n_codes)
    return CustomerStats(n_periods, first, last, repeat_spend, total_spend)


def purchases_from_orders(
    orders: pd.DataFrame,
    *,
    customer_col: str = "user_id",
    time_col: str = "ordered_at",
    amount_col: str = "amount",
    refund_col: str = "refund_amount",
    is_refund_col: str = "is_refund",
) -> pd.DataFrame:
    """Purchases (orders with a positive net amount) from the canonical orders table.

    Net amount = ``amount - refund_amount``; when ``refund_amount`` is absent a refunded
    order (``is_refund``) is refunded in full. Orders whose net amount is 0 are not
    purchases and are dropped.

    Returns a new DataFrame with columns ``customer_col``, ``time_col`` and
    ``net_amount`` (float), one row per purchase, in input order.
    """
    require_columns(orders, [customer_col, time_col, amount_col])
    amount = orders[amount_col].astype("float64")
    if refund_col in orders.columns:
        refund = orders[refund_col].astype("float64").fillna(0.0)
    elif is_refund_col in orders.columns:
        refund = amount.where(orders[is_refund_col].fillna(False).astype(bool), 0.0)
    else:
        refund = pd.Series(0.0, index=orders.index)
    for name, values in ((amount_col, amount), (refund_col, refund)):
        bad = values[~(values >= 0)]
        if len(bad):
            raise ValueError(
                f"column {name!r} must be >= 0; found {bad.iloc[0]!r} at row {bad.index[0]!r}"
            )
    net = amount - refund
    too_much = net[net < -1e-9]
    if len(too_much):
        row = too_much.index[0]
        raise ValueError(
            f"column {refund_col!r} exceeds {amount_col!r} at row {row!r} "
            f"({refund.loc[row]!r} > {amount.loc[row]!r})"
        )
    keep = net > 1e-9
    out = pd.DataFrame(
        {
            customer_col: orders.loc[keep, customer_col],
            time_col: orders.loc[keep, time_col],
            "net_amount": net[keep],
        }
    )
    return out


def summarize_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None = None,
    observation_end: object,
    freq: str = "D",
    freq_multiplier: float = 1,
    engine=None,
) -> pd.DataFrame:
    """Per-customer frequency, recency, T (and mean repeat spend) up to ``observation_end``.

    Parameters
    ----------
    transactions
        One row per purchase; not modified.
    customer_col, time_col
        Customer id column and datetime column (naive or tz-aware).
    amount_col
        Optional non-negative spend column; adds ``monetary_value``.
    observation_end
        Required end of observation (date, string or Timestamp); purchases in later
        periods are ignored.
    freq, freq_multiplier
        Period granularity (``"D"``, ``"W"``, ``"h"``) and the number of periods per
        model time unit (``"D"`` with 7 gives weeks measured in days).

    Returns
    -------
    DataFrame indexed by customer id (name ``customer_col``, sorted), one row per
    customer with a purchase on or before the end, float columns ``frequency`` (repeat
    purchase periods), ``recency`` (first to last purchase), ``T`` (first purchase to
    observation end) and, with ``amount_col``, ``monetary_value`` (mean spend per repeat
    period, 0 without repeats). Same numbers as
    ``lifetimes.utils.summary_data_from_transaction_data`` with the same arguments.

    ``engine="duckdb"`` / ``"spark"`` computes the same table in SQL (:mod:`analysis.engine`);
    ``transactions`` may then also be a table such as ``DuckTables.purchases``
    (``customer_col="user_id", time_col="ordered_at", amount_col="net_amount"``), read out
    of core.
    """
    check_freq(freq, freq_multiplier)
    engine = infer_engine(engine, transactions)
    if is_sql_engine(engine):
        return _summarize_sql(
            transactions,
            customer_col=customer_col,
            time_col=time_col,
            amount_col=amount_col,
            observation_end=observation_end,
            freq=freq,
            freq_multiplier=freq_multiplier,
            engine=engine,
        )
    fast = summarize_sorted(
        transactions,
        customer_col=customer_col,
        time_col=time_col,
        amount_col=amount_col,
        observation_end=observation_end,
        freq=freq,
        freq_multiplier=freq_multiplier,
    )
    if fast is not None:
        return fast
    prep = _prepare(
        transactions, customer_col=customer_col, time_col=time_col, amount_col=amount_col, freq=freq
    )
    end = end_period(observation_end, tz=prep.tz, freq=freq, name="observation_end")
    codes, periods, amounts = _rows_until(prep, end)
    stats = _customer_stats(codes, periods, amounts, len(prep.customers))
    rows = np.flatnonzero(stats.n_periods)
    arrays = summary_arrays(stats, rows, end=end, freq_multiplier=freq_multiplier)
    return summary_frame(arrays, prep.customers[rows], customer_col)


def _summarize_sql(
    transactions,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None,
    observation_end,
    freq: str,
    freq_multiplier: float,
    engine,
) -> pd.DataFrame:
    """The SQL definition of :func:`summarize_transactions` for DuckDB and Spark (same
    periods and numbers)."""
    tz = None
    id_dtype = "str"
    if isinstance(transactions, pd.DataFrame):
        require_columns(
            transactions, [customer_col, time_col] + ([amount_col] if amount_col else [])
        )
        times = transactions[time_col]
        if not pd.api.types.is_datetime64_any_dtype(times):
            raise ValueError(f"column {time_col!r} must hold datetimes, got dtype {times.dtype}")
        if amount_col and not pd.api.types.is_numeric_dtype(transactions[amount_col]):
            raise ValueError(
                f"column {amount_col!r} must be numeric, got dtype {transactions[amount_col].dtype}"
            )
        tz = times.dt.tz
        id_dtype = transactions[customer_col].dtype
    with SqlInputs(engine, tz=None if tz is None else str(tz), transactions=transactions) as db:
        if not isinstance(transactions, pd.DataFrame):
            tz = db.tz  # canonical DuckDB times are TIMESTAMPTZ in the session's zone
        end = end_period(observation_end, tz=tz, freq=freq, name="observation_end")
        src = db.views["transactions"]
        cust, t = _sql_col(customer_col), _sql_col(time_col)
        amt = "NULL::DOUBLE" if amount_col is None else f"CAST({_sql_col(amount_col)} AS DOUBLE)"
        n_id, n_t, n_amt = db.row(
            f"SELECT count(*) FILTER (WHERE {cust} IS NULL), count(*) FILTER (WHERE {t} IS NULL), "
            f"count(*) FILTER (WHERE {amount_col is not None} AND "
            f"({amt} IS NULL OR isnan({amt}) OR {amt} < 0)) FROM {src}"
        )
        if n_id:
            raise ValueError(f"column {customer_col!r} has missing customer ids ({n_id} rows)")
        if n_t:
            raise ValueError(f"column {time_col!r} has missing times ({n_t} rows)")
        if n_amt:
            raise ValueError(
                f"column {amount_col!r} must be a non-negative number ({n_amt} rows are not)"
            )
        # local wall-clock microseconds (the session TimeZone is the data's zone), as periods
        wall = f"CAST(epoch_us(CAST({t} AS TIMESTAMP)) AS DOUBLE)"
        day = f"floor({wall} / 86400000000.0)"
        period = {"h": f"floor({wall} / 3600000000.0)", "D": day, "W": f"floor(({day} + 3) / 7)"}[
            freq
        ]
        sql = f"""
            WITH r AS (
                SELECT {cust} AS cust, CAST({period} AS BIGINT) AS period, {amt} AS amt
                FROM {src}),
            cp AS (SELECT cust, period, sum(amt) AS s FROM r WHERE period <= {end}
                   GROUP BY cust, period),
            w AS (SELECT *, min(period) OVER (PARTITION BY cust) AS first FROM cp)
            SELECT cust, count(*) AS n, min(first) AS first, max(period) AS last,
                   coalesce(sum(s) FILTER (WHERE period <> first), 0.0) AS repeat
            FROM w GROUP BY cust"""
        got = db.df(sql)
    stats = CustomerStats(
        n_periods=got["n"].to_numpy(np.int64),
        first=got["first"].to_numpy(np.int64),
        last=got["last"].to_numpy(np.int64),
        repeat_spend=None if amount_col is None else got["repeat"].to_numpy(np.float64),
        total_spend=None,
    )
    arrays = summary_arrays(stats, np.arange(len(got)), end=end, freq_multiplier=freq_multiplier)
    return summary_frame(arrays, pd.Index(got["cust"].astype(id_dtype)), customer_col)


def _sql_col(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _rows_until(prep: _Prepared, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The rows in periods up to ``end`` (no copy when nothing is cut)."""
    keep = prep.periods <= end
    if keep.all():
        return prep.codes, prep.periods, prep.amounts
    return (
        prep.codes[keep],
        prep.periods[keep],
        None if prep.amounts is None else prep.amounts[keep],
    )


def calibration_holdout_summary(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None = None,
    calibration_end: object,
    observation_end: object,
    freq: str = "D",
    freq_multiplier: float = 1,
) -> pd.DataFrame:
    """Calibration summary up to ``calibration_end`` and holdout counts after it.

    Purchases in whole periods up to ``calibration_end`` are the calibration data;
    purchases in later periods up to the observation end's period are the holdout. A period
    is never split by the calibration end: with ``freq="W"`` a week that ends after
    ``calibration_end`` goes to the holdout
    (:func:`~analysis.aggregate.periods.calibration_end_period`), so the calibration never
    reads a purchase dated after its end.
    Customers are those with a calibration purchase (a customer first seen in the
    holdout is not in the table).

    Returns
    -------
    DataFrame indexed by customer id (sorted) with float columns ``frequency_cal``,
    ``recency_cal``, ``T_cal`` [, ``monetary_value_cal``] (as
    :func:`summarize_transactions` at ``calibration_end``), ``frequency_holdout``
    (purchase periods in the holdout; every holdout purchase counts, there is no
    "first" one) [, ``monetary_value_holdout`` (mean spend per holdout purchase period,
    0 without)], and ``duration_holdout`` (holdout length in model time units).
    """
    check_freq(freq, freq_multiplier)
    prep = _prepare(
        transactions, customer_col=customer_col, time_col=time_col, amount_col=amount_col, freq=freq
    )
    cal_end = calibration_end_period(calibration_end, tz=prep.tz, freq=freq)
    obs_end = end_period(observation_end, tz=prep.tz, freq=freq, name="observation_end")
    if obs_end <= cal_end:
        raise ValueError(
            f"observation_end ({observation_end!r}) must fall in a later period than "
            f"calibration_end ({calibration_end!r})"
        )
    amounts = prep.amounts
    n_codes = len(prep.customers)
    codes, periods, cal_amounts = _rows_until(prep, cal_end)
    cal = _customer_stats(codes, periods, cal_amounts, n_codes)
    rows = np.flatnonzero(cal.n_periods)
    arrays = {
        f"{k}_cal": v
        for k, v in summary_arrays(cal, rows, end=cal_end, freq_multiplier=freq_multiplier).items()
    }
    in_hold = (prep.periods > cal_end) & (prep.periods <= obs_end)
    hold = _customer_stats(
        prep.codes[in_hold],
        prep.periods[in_hold],
        None if amounts is None else amounts[in_hold],
        n_codes,
    )
    counts = hold.n_periods[rows].astype(np.float64)
    arrays["frequency_holdout"] = counts
    if amounts is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            arrays["monetary_value_holdout"] = np.where(
                counts > 0, hold.total_spend[rows] / counts, 0.0
            )
    arrays["duration_holdout"] = np.full(rows.size, (obs_end - cal_end) / freq_multiplier)
    return summary_frame(arrays, prep.customers[rows], customer_col)


def calibration_part(cal_holdout: pd.DataFrame) -> pd.DataFrame:
    """The calibration columns of a :func:`calibration_holdout_summary` table, renamed.

    Returns a new DataFrame with the same index and ``frequency``, ``recency``, ``T``
    [, ``monetary_value``] — the input of the models, fitted on calibration data only.
    """
    cols = [c for c in cal_holdout.columns if c.endswith("_cal")]
    if not {"frequency_cal", "recency_cal", "T_cal"} <= set(cols):
        raise ValueError(
            "expected frequency_cal, recency_cal and T_cal columns, "
            f"got {list(cal_holdout.columns)}"
        )
    return cal_holdout[cols].rename(columns={c: c.removesuffix("_cal") for c in cols})


def repeat_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None = None,
    observation_end: object,
    freq: str = "D",
) -> pd.DataFrame:
    """The merged purchase periods of each customer, with the first one flagged.

    Returns
    -------
    DataFrame with one row per (customer, purchase period) up to ``observation_end``,
    sorted by customer and period, columns ``customer_col``, ``period_start`` (naive
    local Timestamp at the start of the period), ``is_first`` (bool, the customer's first
    purchase period) and, with ``amount_col``, ``amount`` (summed over the period).
    """
    check_freq(freq, 1)
    prep = _prepare(
        transactions, customer_col=customer_col, time_col=time_col, amount_col=amount_col, freq=freq
    )
    end = end_period(observation_end, tz=prep.tz, freq=freq, name="observation_end")
    keep = prep.periods <= end
    table = _period_table(
        prep.codes[keep], prep.periods[keep], None if prep.amounts is None else prep.amounts[keep]
    )
    is_first = np.zeros(table.codes.size, dtype=bool)
    is_first[table.starts] = True
    out = {
        customer_col: prep.customers[table.codes].to_numpy(),
        "period_start": _period_starts(table.periods, freq),
        "is_first": is_first,
    }
    if table.sums is not None:
        out["amount"] = table.sums
    return pd.DataFrame(out)


def _period_starts(periods: np.ndarray, freq: str) -> pd.DatetimeIndex:
    if freq == "h":
        values = periods.astype("datetime64[h]")
    elif freq == "W":
        values = (periods * 7 - 3).astype("datetime64[D]")
    else:
        values = periods.astype("datetime64[D]")
    return pd.DatetimeIndex(values.astype("datetime64[s]"))
