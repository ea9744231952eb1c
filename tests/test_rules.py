"""The business rules (analysis.aggregate.rules) and the one RFM definition
(analysis.aggregate.rfm): golden values on hand-made orders, the SQL forms equal to the
pandas forms on DuckDB and Spark."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate.rfm import rfm_table
from analysis.aggregate.rules import (
    NET_AMOUNT_SQL,
    PAID_SQL,
    is_paid,
    is_silent,
    net_amount,
    paid_orders,
    tenure_days,
)
from analysis.engine import SqlInputs

TZ = "Asia/Shanghai"
AS_OF = pd.Timestamp("2025-07-01", tz=TZ)


def ts(text):
    return pd.Timestamp(text, tz=TZ)


def orders_frame() -> pd.DataFrame:
    rows = [
        # user, time, amount, refund
        ("a", "2025-06-26", 100.0, 0.0),  # paid, in window
        ("a", "2025-01-10", 50.0, 0.0),  # paid, before a 90-day window
        ("b", "2025-06-20", 80.0, 80.0),  # fully refunded: not paid, net 0
        ("b", "2025-05-01", 40.0, 10.0),  # partly refunded: paid, net 30
        ("c", "2025-03-01", 20.0, 20.0),  # only a refunded order: never paid
        ("d", "2025-07-01", 70.0, 0.0),  # at as_of: not before it
        ("e", "2024-12-01", 10.0, 0.0),  # paid long ago, outside every window
    ]
    return pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(rows))],
            "user_id": [r[0] for r in rows],
            "ordered_at": pd.to_datetime([r[1] for r in rows]).tz_localize(TZ),
            "amount": [r[2] for r in rows],
            "is_refund": [r[3] > 0 for r in rows],
            "refund_amount": [r[3] for r in rows],
        }
    )


def test_net_amount_and_paid_golden():
    o = orders_frame()
    assert net_amount(o).tolist() == [100.0, 50.0, 0.0, 30.0, 0.0, 70.0, 10.0]
    assert is_paid(o).tolist() == [True, True, False, True, False, True, True]
    assert paid_orders(o)["user_id"].tolist() == ["a", "a", "b", "d", "e"]
    assert list(paid_orders(o).columns) == ["user_id", "ordered_at"]


def test_silent_and_tenure_golden():
    joined = pd.Series([ts("2025-01-01"), ts("2025-01-01"), ts("2025-06-15"), ts("2025-01-01")])
    last = pd.Series([ts("2025-06-25"), ts("2025-03-01"), pd.NaT, pd.NaT])
    got = is_silent(last, joined, as_of=AS_OF, days=30)
    # active in the last 30 days; quiet since March; joined inside the window; never active
    assert got.tolist() == [False, True, False, True]
    # the window's first instant counts as activity, one microsecond before it does not
    edge = pd.Series([AS_OF - pd.Timedelta(days=30), AS_OF - pd.Timedelta(days=30, microseconds=1)])
    assert is_silent(edge, joined[:2], as_of=AS_OF, days=30).tolist() == [False, True]
    assert tenure_days(pd.Series([ts("2025-06-01")]), as_of=AS_OF).tolist() == [30.0]


def test_rfm_golden_reads_recency_from_all_history_and_the_rest_from_the_window():
    o = orders_frame()
    before = o.copy()
    t = rfm_table(o, as_of=AS_OF, users=["a", "b", "c", "d", "e", "z"], lookback_days=90)
    pd.testing.assert_frame_equal(o, before)
    assert t.index.tolist() == ["a", "b", "c", "d", "e", "z"]
    assert t.loc["a"].tolist() == [5.0, 1, 100.0]  # the January order is outside the window
    assert t.loc["b"].tolist() == [61.0, 1, 30.0]  # last paid: May; June refund counts 0
    assert np.isnan(t.loc["c", "recency_days"]) and t.loc["c"].tolist()[1:] == [0, 0.0]
    assert np.isnan(t.loc["d", "recency_days"])  # the order at as_of is not before it
    assert t.loc["e", "recency_days"] == 212.0 and t.loc["e"].tolist()[1:] == [0, 0.0]
    assert np.isnan(t.loc["z", "recency_days"]) and t.loc["z", "frequency"] == 0
    assert t["frequency"].dtype == "int64"
    # all history: a has two paid orders, e one
    full = rfm_table(o, as_of=AS_OF)
    assert full.loc["a", "frequency"] == 2 and full.loc["a", "monetary"] == 150.0
    assert full.index.tolist() == ["a", "b", "c", "e"]  # users with orders before as_of


def test_rfm_row_order_irrelevant():
    o = orders_frame()
    shuffled = o.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(
        rfm_table(o, as_of=AS_OF, lookback_days=90),
        rfm_table(shuffled, as_of=AS_OF, lookback_days=90),
    )


def test_sql_rules_equal_pandas_rules(eng):
    o = orders_frame()
    with SqlInputs(eng, orders=o) as db:
        got = db.df(
            f"SELECT order_id, {NET_AMOUNT_SQL} AS net, {PAID_SQL} AS paid "
            f"FROM {db.views['orders']} ORDER BY order_id"
        )
    assert got["net"].tolist() == net_amount(o).tolist()
    assert got["paid"].astype(bool).tolist() == is_paid(o).tolist()


@pytest.mark.parametrize("lookback_days", [None, 90])
def test_rfm_on_sql_engines_equals_pandas(eng, lookback_days, sample_tables):
    orders = sample_tables.orders
    users = sample_tables.contacts["user_id"]
    want = rfm_table(orders, as_of="2026-01-01", users=users, lookback_days=lookback_days)
    got = rfm_table(
        orders, as_of="2026-01-01", users=users, lookback_days=lookback_days, engine=eng
    )
    pd.testing.assert_frame_equal(got, want)
    small = orders_frame()
    pd.testing.assert_frame_equal(
        rfm_table(small, as_of=AS_OF, lookback_days=lookback_days, engine=eng),
        rfm_table(small, as_of=AS_OF, lookback_days=lookback_days),
    )
