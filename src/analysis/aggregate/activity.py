"""Per-period counts and table summaries for the data overview."""

from __future__ import annotations

import pandas as pd

from analysis.aggregate.rules import net_amount

FREQS = {"D": "day", "W": "week", "M": "month", "Q": "quarter"}


def period_start(times: pd.Series, freq: str = "M") -> pd.Series:
    """Start of the local calendar period (``D``, ``W``, ``M``, ``Q``) of each time, naive."""
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {list(FREQS)}, got {freq!r}")
    local = times.dt.tz_localize(None) if getattr(times.dtype, "tz", None) else times
    return local.dt.to_period(freq).dt.start_time


def counts_by_period(
    df: pd.DataFrame,
    *,
    time_col: str,
    by: str | None = None,
    freq: str = "M",
    sum_cols: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Tidy counts per period (and per ``by`` group): columns ``period``, [``by``], ``rows``,
    plus the sum of each column in ``sum_cols``. Periods with no rows are not listed."""
    keys = {"period": period_start(df[time_col], freq)}
    if by is not None:
        keys[by] = df[by]
    frame = pd.DataFrame({**keys, **{c: df[c] for c in sum_cols}})
    group = list(keys)
    out = frame.groupby(group, sort=True, observed=True).agg(
        rows=("period", "size"), **{c: (c, "sum") for c in sum_cols}
    )
    return out.reset_index()


def orders_by_period(orders: pd.DataFrame, *, freq: str = "M") -> pd.DataFrame:
    """Per period: ``orders``, ``buyers``, ``gross`` (amount), ``refunded`` and ``net`` revenue,
    ``refunded_orders``."""
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


def table_summary(
    contacts: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame
) -> pd.DataFrame:
    """One row per table: rows, distinct users, first and last time."""
    spec = [
        ("contacts", contacts, "joined_at"),
        ("events", events, "occurred_at"),
        ("orders", orders, "ordered_at"),
    ]
    rows = []
    for name, df, tcol in spec:
        rows.append(
            {
                "table": name,
                "rows": len(df),
                "users": df["user_id"].nunique(),
                "first": df[tcol].min() if len(df) else pd.NaT,
                "last": df[tcol].max() if len(df) else pd.NaT,
            }
        )
    return pd.DataFrame(rows)


def vocabulary_counts(events: pd.DataFrame, *, vocabulary) -> pd.DataFrame:
    """The event vocabulary's table (``vocabulary.table()``: one row per event type) with
    ``events``, the number of rows of ``events`` of each type (0 for types never seen)."""
    counts = events["event_type"].value_counts().rename("events")
    out = vocabulary.table().merge(counts, left_on="event_type", right_index=True, how="left")
    out["events"] = out["events"].fillna(0).astype(int)
    return out
