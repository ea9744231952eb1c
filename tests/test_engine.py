"""pandas, DuckDB and Spark give the same aggregations (analysis.engine; aggregate.values,
labels, transactions).

Every test that takes the ``eng`` fixture (directly or through ``duck_sample`` / ``edge``) runs
once on DuckDB and once on Spark in local mode."""

import os

import pandas as pd
import pytest
from conftest import from_folder, require_spark, write_tables

from analysis.aggregate.labels import retained_at_cutoffs, retention_labels
from analysis.aggregate.values import value_evidence
from analysis.data.load import load_tables
from analysis.engine.core import Engine, duckdb_connection, resolve_engine
from analysis.engine.dialect import spark_sql, sql_instant
from analysis.paths import resolve

pytest.importorskip("duckdb")

FLOAT_RTOL = 1e-12  # sums of floats may be added in another order by DuckDB


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=FLOAT_RTOL, atol=0)


@pytest.fixture(scope="module")
def duck_sample(eng):
    with from_folder(eng, resolve("data/sample")) as duck:
        yield duck


# --- the sample: pandas (load_tables) vs DuckDB reading the CSV files directly ---------------

VALUE_CASES = [
    dict(as_of="2026-01-01"),
    dict(as_of="2025-09-15 13:05:07", half_life_days=30),
    dict(as_of="2026-03-01", lookback_days=None, half_life_days=90.5),
    dict(as_of="2025-06-01", lookback_days=45.25),
]


@pytest.mark.parametrize("kw", VALUE_CASES)
def test_value_evidence_sample_same_on_both_engines(sample_tables, duck_sample, kw, eng):
    t = sample_tables
    expected = value_evidence(t.events, t.orders, **kw)
    got = value_evidence(duck_sample.events, duck_sample.orders, engine=eng, **kw)
    assert len(expected) > 1000
    same(expected, got)


def test_value_evidence_sample_with_users_from_pandas_or_duckdb(sample_tables, duck_sample, eng):
    t = sample_tables
    expected = value_evidence(
        t.events, t.orders, as_of="2026-01-01", half_life_days=60, users=t.contacts["user_id"]
    )
    assert len(expected) == len(t.contacts)
    for users in (t.contacts["user_id"], duck_sample.contacts):
        got = value_evidence(
            duck_sample.events,
            duck_sample.orders,
            as_of="2026-01-01",
            half_life_days=60,
            users=users,
            engine=eng,
        )
        same(expected, got)
    # pandas frames on the DuckDB engine (registered on a fresh connection) give the same, too
    got = value_evidence(
        t.events,
        t.orders,
        as_of="2026-01-01",
        half_life_days=60,
        users=t.contacts["user_id"],
        engine=eng,
    )
    same(expected, got)


LABEL_CASES = [
    dict(cutoff="2025-06-01"),
    dict(cutoff="2026-01-01 13:05:07", activity="purchase"),
    dict(cutoff="2025-10-01", lost_after_days=60),
    dict(cutoff="2025-12-01", horizon_days=30, lost_after_days=90, activity="purchase"),
]


@pytest.mark.parametrize("kw", LABEL_CASES)
def test_retention_labels_sample_same_on_both_engines(sample_tables, duck_sample, kw, eng):
    t = sample_tables
    expected = retention_labels(t.contacts, t.events, t.orders, **kw)
    got = retention_labels(
        duck_sample.contacts, duck_sample.events, duck_sample.orders, engine=eng, **kw
    )
    assert len(expected) > 1000 and 0 < expected["retained"].mean() < 1
    pd.testing.assert_frame_equal(expected, got)  # exact: no float sums here


def test_retention_labels_sample_from_pandas_frames_and_inputs_unchanged(sample_tables, eng):
    t = sample_tables
    before = [f.copy() for f in (t.contacts, t.events, t.orders)]
    got = retention_labels(
        t.contacts, t.events, t.orders, cutoff="2025-11-01", lost_after_days=45, engine=eng
    )
    value_evidence(t.events, t.orders, as_of="2025-11-01", half_life_days=30, engine=eng)
    for a, b in zip(before, (t.contacts, t.events, t.orders)):
        pd.testing.assert_frame_equal(a, b)
    expected = retention_labels(
        t.contacts, t.events, t.orders, cutoff="2025-11-01", lost_after_days=45
    )
    pd.testing.assert_frame_equal(expected, got)


# --- hand-made edge cases ---------------------------------------------------------------------
# cut-off c = 2025-03-01 00:00 (+08:00); look-back 30 days -> [2025-01-30, c); horizon 30 days
# -> [c, 2025-03-31). User g's times are written in UTC: 2025-02-28T16:00:00+00:00 is c.

CONTACTS = """user_id,joined_at,channel,hook,referrer_id
a,2025-01-01T10:00:00+08:00,douyin,coupon,
b,2025-01-02T10:00:00+08:00,referral,trial,a
c,2025-01-03T10:00:00+08:00,douyin,coupon,
d,2025-01-04T10:00:00+08:00,douyin,coupon,
e,2025-01-04T11:00:00+08:00,douyin,coupon,
f,2025-03-01T00:00:00+08:00,douyin,coupon,
g,2025-01-05T02:00:00+00:00,xiaohongshu,trial,
h,2025-01-10T10:00:00+08:00,offline_event,merch,
"""
EVENTS = """user_id,occurred_at,event_type,value,context
a,2025-01-01T10:00:00+08:00,contact_add,,1v1
a,2025-01-29T23:59:59+08:00,post,,group
a,2025-01-30T00:00:00+08:00,review,,group
a,2025-02-28T23:59:59.999999+08:00,share,,moments
a,2025-03-01T00:00:00+08:00,share,,moments
b,2025-02-10T09:00:00+08:00,message,,group
b,2025-03-05T09:00:00+08:00,del_follow_user,,1v1
d,2025-02-01T09:00:00+08:00,del_follow_user,,1v1
d,2025-02-03T09:00:00+08:00,contact_add,,1v1
d,2025-03-10T09:00:00+08:00,message,,group
e,2025-02-01T09:00:00+08:00,del_follow_user,,1v1
g,2025-02-28T15:59:59+00:00,inquiry,,1v1
g,2025-02-28T16:00:00+00:00,inquiry,,1v1
h,2025-03-31T00:00:00+08:00,message,,group
"""
ORDERS = """order_id,user_id,ordered_at,amount,is_refund,refund_amount
o1,a,2025-02-20T10:00:00+08:00,100,false,0
o2,a,2025-02-20T18:00:00+08:00,50,true,50
o3,a,2025-02-21T10:00:00+08:00,80,true,30
o4,b,2025-03-01T00:00:00+08:00,20,false,0
o5,h,2025-03-05T10:00:00+08:00,40,true,40
"""
CUT = pd.Timestamp("2025-03-01", tz="Asia/Shanghai")


@pytest.fixture(scope="module")
def edge(tmp_path_factory, eng):
    folder = write_tables(tmp_path_factory.mktemp("edge") / "data", CONTACTS, EVENTS, ORDERS)
    tables = load_tables(folder)
    pq = tmp_path_factory.mktemp("edge_pq")
    for name in ("contacts", "events", "orders"):
        getattr(tables, name).to_parquet(pq / f"{name}.parquet", index=False)
    with from_folder(eng, folder) as csv, from_folder(eng, pq) as parquet:
        yield tables, {"csv": csv, "parquet": parquet}


@pytest.mark.parametrize("source", ["csv", "parquet"])
def test_value_evidence_edge_golden_and_same(edge, source, eng):
    tables, ducks = edge
    duck = ducks[source]
    got = value_evidence(duck.events, duck.orders, as_of=CUT, lookback_days=30, engine=eng)
    # a: review at the window start counts, post 1 s before it does not, share 1 us before c
    # counts, share at c does not; orders 100 + (50 - 50) + (80 - 30); b's order at c does not.
    # g: inquiry 1 s before c (written in UTC) counts, the one at c does not.
    assert list(got.index) == ["a", "g"]
    assert got.loc["a"].to_dict() == {
        "experience": 0.0,
        "consumption": 150.0,
        "social": 1.0,
        "content": 1.0,
        "innovation": 0.0,
    }
    assert got.loc["g"].to_dict() == {
        "experience": 1.0,
        "consumption": 0.0,
        "social": 0.0,
        "content": 0.0,
        "innovation": 0.0,
    }
    same(value_evidence(tables.events, tables.orders, as_of=CUT, lookback_days=30), got)


@pytest.mark.parametrize(
    "kw",
    [
        dict(half_life_days=7),
        dict(lookback_days=None),
        dict(users=pd.Series(["h", "c", "a", "c", "zz"])),
    ],
)
def test_value_evidence_edge_options_same(edge, kw, eng):
    tables, ducks = edge
    kw = {"lookback_days": 30, **kw}
    expected = value_evidence(tables.events, tables.orders, as_of=CUT, **kw)
    for duck in ducks.values():
        same(expected, value_evidence(duck.events, duck.orders, as_of=CUT, engine=eng, **kw))


def test_value_evidence_cutoff_given_in_utc_or_naive_is_the_same_instant(edge, eng):
    tables, ducks = edge
    duck = ducks["csv"]
    ref = value_evidence(duck.events, duck.orders, as_of=CUT, half_life_days=10, engine=eng)
    for as_of in ("2025-03-01 00:00:00", "2025-02-28T16:00:00+00:00", CUT.tz_convert("UTC")):
        same(
            ref,
            value_evidence(duck.events, duck.orders, as_of=as_of, half_life_days=10, engine=eng),
        )
    # one microsecond later the share at c (a) and the inquiry at c (g) count
    later = value_evidence(
        duck.events, duck.orders, as_of=CUT + pd.Timedelta(1, "us"), lookback_days=30, engine=eng
    )
    assert later.loc["a", "social"] == 2.0 and later.loc["g", "experience"] == 2.0
    assert later.loc["b", "consumption"] == 20.0


def test_value_evidence_empty_window_same(edge, eng):
    tables, ducks = edge
    early = "2024-06-01"
    expected = value_evidence(tables.events, tables.orders, as_of=early)
    got = value_evidence(ducks["parquet"].events, ducks["parquet"].orders, as_of=early, engine=eng)
    assert len(got) == 0
    same(expected, got)
    users = tables.contacts["user_id"]
    got = value_evidence(
        ducks["csv"].events, ducks["csv"].orders, as_of=early, users=users, engine=eng
    )
    assert (got == 0).all().all() and len(got) == len(users)
    same(value_evidence(tables.events, tables.orders, as_of=early, users=users), got)


@pytest.mark.parametrize("source", ["csv", "parquet"])
def test_retention_labels_edge_golden_and_same(edge, source, eng):
    tables, ducks = edge
    duck = ducks[source]
    got = retention_labels(
        duck.contacts, duck.events, duck.orders, cutoff=CUT, horizon_days=30, engine=eng
    )
    # e deleted the contact before c without a re-add; f joined exactly at c
    assert list(got["user_id"]) == ["a", "b", "c", "d", "g", "h"]
    r = got.set_index("user_id")
    assert r["retained"].to_dict() == {
        "a": True,
        "b": False,
        "c": False,
        "d": True,
        "g": True,
        "h": False,
    }
    assert r.loc["a", "first_activity_at"] == CUT and r.loc["g", "first_activity_at"] == CUT
    assert r.loc["b", "churned_hard"] and r.loc["b", "first_activity_at"] == CUT
    assert pd.isna(r.loc["h", "first_activity_at"])  # at c + h exactly, and a refunded order
    assert r.loc["a", "last_activity_before"] == pd.Timestamp("2025-02-28T23:59:59.999999+08:00")
    assert str(got["cutoff"].dtype) == "datetime64[us, Asia/Shanghai]"
    pd.testing.assert_frame_equal(
        retention_labels(
            tables.contacts, tables.events, tables.orders, cutoff=CUT, horizon_days=30
        ),
        got,
    )


@pytest.mark.parametrize(
    "kw",
    [
        dict(lost_after_days=30),
        dict(activity="purchase"),
        dict(lost_after_days=30, activity="purchase"),
        dict(cutoff="2025-02-28T16:00:00+00:00"),
        dict(cutoff="2025-01-01 00:00:00"),
        dict(observation_end="2025-06-01", horizon_days=60),
    ],
)
def test_retention_labels_edge_options_same(edge, kw, eng):
    tables, ducks = edge
    kw = {"cutoff": CUT, "horizon_days": 30, **kw}
    expected = retention_labels(tables.contacts, tables.events, tables.orders, **kw)
    for duck in ducks.values():
        got = retention_labels(duck.contacts, duck.events, duck.orders, engine=eng, **kw)
        pd.testing.assert_frame_equal(expected, got)


def test_retention_labels_edge_lost_after_days_golden(edge, eng):
    _, ducks = edge
    d = ducks["csv"]
    got = retention_labels(
        d.contacts, d.events, d.orders, cutoff=CUT, horizon_days=30, lost_after_days=30, engine=eng
    )
    # silent since 2025-01-30: c (nothing at all) and h (nothing before c)
    assert list(got["user_id"]) == ["a", "b", "d", "g"]


def test_retention_labels_empty_population_and_window_past_data(edge, eng):
    tables, ducks = edge
    d = ducks["parquet"]
    got = retention_labels(
        d.contacts, d.events, d.orders, cutoff="2024-12-01", horizon_days=30, engine=eng
    )
    assert len(got) == 0
    pd.testing.assert_frame_equal(
        retention_labels(
            tables.contacts, tables.events, tables.orders, cutoff="2024-12-01", horizon_days=30
        ),
        got,
    )
    with pytest.raises(ValueError, match="runs past the data"):
        retention_labels(d.contacts, d.events, d.orders, cutoff=CUT, horizon_days=60, engine=eng)


def _retained_one_by_one(t, cutoffs, **kw) -> pd.DataFrame:
    """retention_labels(lost_after_days=None)["retained"] per cut-off, on pandas."""
    ids = t.contacts["user_id"].astype("str")
    cols = {}
    for c in cutoffs:
        lab = retention_labels(t.contacts, t.events, t.orders, cutoff=c, lost_after_days=None, **kw)
        cols[lab["cutoff"].iloc[0]] = ids.isin(lab.loc[lab["retained"], "user_id"]).to_numpy()
    return pd.DataFrame(cols, index=pd.Index(ids.to_numpy(), name="user_id"))


@pytest.mark.parametrize(
    "kw",
    [
        dict(horizon_days=30),
        dict(horizon_days=45, activity="purchase", observation_end="2025-06-01"),
        dict(horizon_days=10),
    ],
)
def test_retained_at_cutoffs_edge_is_the_labels_of_each_cutoff(edge, kw, eng):
    # overlapping windows; d re-adds after a churn, e does not, b churns inside a window
    tables, ducks = edge
    cutoffs = pd.date_range("2025-01-15", "2025-03-01", freq="SMS", tz="Asia/Shanghai")
    expected = _retained_one_by_one(tables, cutoffs, **kw)
    assert expected.any().any() and not expected.all().all()
    pd.testing.assert_frame_equal(
        expected,
        retained_at_cutoffs(tables.contacts, tables.events, tables.orders, cutoffs=cutoffs, **kw),
    )
    for duck in ducks.values():
        got = retained_at_cutoffs(
            duck.contacts, duck.events, duck.orders, cutoffs=cutoffs, engine=eng, **kw
        )
        pd.testing.assert_frame_equal(expected, got.reindex(expected.index))


def test_retained_at_cutoffs_sample_same_on_both_engines(sample_tables, duck_sample, eng):
    t = sample_tables
    cutoffs = pd.date_range("2025-03-01", "2026-05-01", freq="MS", tz="Asia/Shanghai")
    expected = _retained_one_by_one(t, cutoffs, horizon_days=30)
    d = duck_sample
    got = retained_at_cutoffs(
        d.contacts, d.events, d.orders, cutoffs=cutoffs, horizon_days=30, engine=eng
    )
    assert 0 < expected.to_numpy().mean() < 1
    pd.testing.assert_frame_equal(expected, got.reindex(expected.index))
    with pytest.raises(ValueError, match="runs past the data"):
        retained_at_cutoffs(
            d.contacts, d.events, d.orders, cutoffs=cutoffs, horizon_days=400, engine=eng
        )


# --- the engine itself -----------------------------------------------------------------------


def test_engine_names_and_settings():
    assert resolve_engine("pandas").name == "pandas"
    assert resolve_engine("spark").name == "spark"
    with pytest.raises(ValueError, match="engine must be one of"):
        resolve_engine("polars")
    with pytest.raises(ValueError, match="engine must be one of"):
        Engine("polars")
    con = duckdb_connection(memory_limit="300MB", threads=1, tz="UTC")
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.endswith("MiB") or limit.endswith("MB")
    assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "UTC"
    con.close()


def test_window_bounds_are_utc_instants_rounded_up_to_microseconds():
    t = pd.Timestamp("2025-03-01 00:00:00.0000005", tz="Asia/Shanghai")
    assert sql_instant(t) == "TIMESTAMPTZ '2025-02-28 16:00:00.000001+00:00'"
    with pytest.raises(ValueError, match="tz-aware"):
        sql_instant(pd.Timestamp("2025-03-01"))


def test_inputs_from_two_connections_are_refused(edge, eng):
    _, ducks = edge
    with pytest.raises(ValueError, match="must come from one"):
        value_evidence(ducks["csv"].events, ducks["parquet"].orders, as_of=CUT, engine=eng)
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        value_evidence([1, 2], ducks["csv"].orders, as_of=CUT, engine=eng)


def test_mixing_a_pandas_frame_with_duck_tables_leaves_them_unchanged(edge, eng):
    tables, ducks = edge
    duck = ducks["csv"]
    views = dict(duck.views)
    few = tables.orders.loc[tables.orders["order_id"] != "o1"]
    got = value_evidence(duck.events, few, as_of=CUT, lookback_days=30, engine=eng)
    assert got.loc["a", "consumption"] == 50.0
    assert duck.views == views


def test_missing_refund_amount_column_means_full_refund(tmp_path, eng):
    orders = "\n".join(line.rsplit(",", 1)[0] for line in ORDERS.strip().splitlines()) + "\n"
    folder = write_tables(tmp_path / "data", CONTACTS, EVENTS, orders)
    with from_folder(eng, folder) as duck:
        got = value_evidence(duck.events, duck.orders, as_of=CUT, lookback_days=30, engine=eng)
        assert got.loc["a", "consumption"] == 100.0  # o2 and o3 flagged: fully refunded
        same(
            value_evidence(
                *(lambda t: (t.events, t.orders))(load_tables(folder)), as_of=CUT, lookback_days=30
            ),
            got,
        )


def test_an_engine_object_with_settings_runs_on_pandas_frames(edge, eng):
    tables, _ = edge
    got = retention_labels(
        tables.contacts,
        tables.events,
        tables.orders,
        cutoff=CUT,
        horizon_days=30,
        engine=Engine(eng, memory_limit="200MB", threads=1),
    )
    pd.testing.assert_frame_equal(
        retention_labels(
            tables.contacts, tables.events, tables.orders, cutoff=CUT, horizon_days=30
        ),
        got,
    )


# --- transaction summary (RFM inputs of the LTV models) --------------------------------------

from analysis.aggregate.transactions import purchases_from_orders, summarize_transactions  # noqa: E402

TX = dict(customer_col="user_id", time_col="ordered_at")


@pytest.mark.parametrize(
    "kw",
    [
        dict(freq="D"),
        dict(freq="W"),
        dict(freq="h", freq_multiplier=24),
        dict(freq="D", freq_multiplier=7, amount_col=None),
    ],
)
def test_summarize_transactions_sample_same_on_both_engines(sample_tables, duck_sample, kw, eng):
    kw = {"amount_col": "net_amount", **kw}
    purchases = purchases_from_orders(sample_tables.orders)
    expected = summarize_transactions(purchases, **TX, observation_end="2026-01-01", **kw)
    assert len(expected) > 1000 and expected["frequency"].max() > 1
    for data in (duck_sample.purchases, purchases):
        same(
            expected,
            summarize_transactions(data, **TX, observation_end="2026-01-01", engine=eng, **kw),
        )


def test_summarize_transactions_edge_golden_and_same(edge, eng):
    tables, ducks = edge
    # a: o1 and o2 the same day (o2 fully refunded: not a purchase), o3 the next day (net 50);
    # b's order at 2025-03-01 00:00 local is in the end's day; h's order is fully refunded
    for duck in ducks.values():
        got = summarize_transactions(
            duck.purchases,
            **TX,
            amount_col="net_amount",
            observation_end="2025-03-01 23:00",
            engine=eng,
        )
        assert list(got.index) == ["a", "b"]
        assert got.loc["a"].to_dict() == {
            "frequency": 1.0,
            "recency": 1.0,
            "T": 9.0,
            "monetary_value": 50.0,
        }
        assert got.loc["b"].to_dict() == {
            "frequency": 0.0,
            "recency": 0.0,
            "T": 0.0,
            "monetary_value": 0.0,
        }
        same(
            summarize_transactions(
                purchases_from_orders(tables.orders),
                **TX,
                amount_col="net_amount",
                observation_end="2025-03-01 23:00",
            ),
            got,
        )
        # an end in the previous local day drops b: the day is read in Asia/Shanghai
        early = summarize_transactions(
            duck.purchases, **TX, observation_end=CUT - pd.Timedelta(1, "us"), engine=eng
        )
        assert list(early.index) == ["a"]


def test_summarize_transactions_naive_utc_and_integer_ids_same(eng):
    t = pd.to_datetime(
        [
            "2025-01-01 23:30",
            "2025-01-02 00:30",
            "2025-01-02 08:00",
            "2025-01-09 10:00",
            "2025-02-01 00:00",
        ]
    )
    base = pd.DataFrame({"cid": [7, 7, 3, 7, 3], "at": t, "amt": [1.5, 2.0, 3.0, 4.0, 5.0]})
    frames = [
        base,
        base.assign(at=t.tz_localize("UTC")),
        base.assign(at=t.tz_localize("Asia/Shanghai").tz_convert("UTC")),
        base.iloc[:0],
    ]
    for frame in frames:
        for freq in ("D", "W", "h"):
            kw = dict(
                customer_col="cid",
                time_col="at",
                amount_col="amt",
                freq=freq,
                observation_end="2025-01-20",
            )
            same(
                summarize_transactions(frame, **kw), summarize_transactions(frame, engine=eng, **kw)
            )
    got = summarize_transactions(
        base,
        customer_col="cid",
        time_col="at",
        amount_col="amt",
        observation_end="2025-01-20",
        engine=eng,
    )
    # 7: days 1, 2 and 9 -> 2 repeats (2.0 + 4.0); 3: day 2 only (Feb 1 is after the end)
    assert got.loc[7].to_dict() == {
        "frequency": 2.0,
        "recency": 8.0,
        "T": 19.0,
        "monetary_value": 3.0,
    }
    assert got.loc[3, "frequency"] == 0.0 and got.index.dtype == "int64"
    with pytest.raises(ValueError, match="non-negative"):
        summarize_transactions(
            base.assign(amt=[1.0, -2.0, 3.0, 4.0, 5.0]),
            customer_col="cid",
            time_col="at",
            amount_col="amt",
            observation_end="2025-01-20",
            engine=eng,
        )


# --- Spark specifics that need no Java ---------------------------------------------------------


def test_spark_sql_translation_keeps_the_definition():
    got = spark_sql(
        "SELECT user_id, epoch_us(max(t)) AS a, epoch_us(CAST(t AS TIMESTAMP)) AS b, "
        "sum(x) FILTER (WHERE t < TIMESTAMPTZ '2025-02-28 16:00:00.000000+00:00') "
        "AS s, 0.5 * x AS h, 2 AS n FROM v GROUP BY user_id",
        "Asia/Shanghai",
    )
    assert "UNIX_MICROS(MAX(t))" in got
    # DuckDB's local wall clock (TIMESTAMPTZ -> TIMESTAMP in the session zone)
    assert "UNIX_MICROS(FROM_UTC_TIMESTAMP(t, 'Asia/Shanghai'))" in got
    assert "FILTER(WHERE t < CAST('2025-02-28 16:00:00.000000+00:00' AS TIMESTAMP))" in got
    assert "CAST(0.5 AS DOUBLE) * x" in got and " 2 AS n" in got  # decimals are doubles


def test_spark_without_java_is_a_clear_error(monkeypatch):
    import shutil

    from analysis.engine.core import spark_session

    pytest.importorskip("pyspark")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(RuntimeError, match="needs a Java runtime.*openjdk-17-jre-headless"):
        spark_session()


def test_a_local_spark_session_starts_without_log_lines(tmp_path):
    """A report on Spark writes only what it says: the JVM's start-up warnings (the host name,
    the Hadoop library, the shell's log level) stay out of the runner's stderr."""
    import subprocess
    import sys

    require_spark()
    code = (
        "from analysis.engine.core import spark_session\n"
        "s = spark_session(threads=1, memory='1GB')\n"
        "assert s.range(5).count() == 5\n"
        "s.stop()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SPARK_LOCAL_IP"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    noise = [
        line
        for line in done.stderr.splitlines()
        if " WARN " in line or "log4j" in line or "log level" in line
    ]
    assert noise == [], noise


def test_spark_memory_setting_and_engine_mismatch(edge, eng):
    from analysis.engine.core import _spark_memory

    assert _spark_memory("4GB") == "4g" and _spark_memory("500MB") == "500m"
    with pytest.raises(ValueError, match="memory limit must look like"):
        _spark_memory("lots")
    _, ducks = edge
    other = "spark" if eng == "duckdb" else "duckdb"
    with pytest.raises(ValueError, match=f"pass engine='{eng}'"):
        value_evidence(ducks["csv"].events, ducks["csv"].orders, as_of=CUT, engine=other)


def test_the_engine_follows_the_inputs_when_not_given(edge, eng):
    from analysis.aggregate.transactions import purchases_from_orders, summarize_transactions
    from analysis.engine.tables import infer_engine

    tables, ducks = edge
    d = ducks["csv"]
    assert infer_engine(None, tables.events) == "pandas"
    assert infer_engine(None, tables.contacts, d.events) == eng
    assert infer_engine(None, d) == eng and infer_engine("pandas", d.events) == "pandas"
    same(
        value_evidence(tables.events, tables.orders, as_of=CUT, lookback_days=30),
        value_evidence(d.events, d.orders, as_of=CUT, lookback_days=30),
    )
    pd.testing.assert_frame_equal(
        retention_labels(
            tables.contacts, tables.events, tables.orders, cutoff=CUT, horizon_days=30
        ),
        retention_labels(d.contacts, d.events, d.orders, cutoff=CUT, horizon_days=30),
    )
    same(
        summarize_transactions(
            purchases_from_orders(tables.orders),
            customer_col="user_id",
            time_col="ordered_at",
            observation_end="2025-03-01",
        ),
        summarize_transactions(
            d.purchases, customer_col="user_id", time_col="ordered_at", observation_end="2025-03-01"
        ),
    )


# --- the churn report's scans: features, departures, last orders, the data's end ---------

CHURN_FEATURE_CASES = [
    dict(as_of="2026-01-01"),
    dict(as_of="2025-09-15 13:05:07", lookback_days=90, short_days=14, long_days=60),
]


@pytest.mark.parametrize("kw", CHURN_FEATURE_CASES)
def test_churn_features_sample_same_on_both_engines(sample_tables, duck_sample, kw, eng):
    from analysis.aggregate.features import churn_features

    t = sample_tables
    expected = churn_features(t.contacts, t.events, t.orders, vocabulary=t.vocabulary, **kw)
    got = churn_features(
        t.contacts, duck_sample.events, duck_sample.orders, vocabulary=t.vocabulary, **kw
    )
    assert len(expected) > 1000 and expected["in_group"].sum() > 0
    pd.testing.assert_frame_equal(expected, got, check_exact=True)
    some = expected.index[::7]
    got = churn_features(
        duck_sample.contacts, duck_sample.events, duck_sample.orders, users=some, **kw
    )
    pd.testing.assert_frame_equal(expected.loc[some], got, check_exact=True)


@pytest.mark.parametrize("lost", [None, 60])
def test_retention_labels_at_several_cutoffs_same_as_one_at_a_time(
    sample_tables, duck_sample, lost, eng
):
    from analysis.aggregate.labels import retention_labels_many

    t = sample_tables
    cuts = ["2025-06-01", "2025-09-15 13:05:07", "2026-01-01"]
    kw = dict(horizon_days=60, lost_after_days=lost, vocabulary=t.vocabulary)
    expected = [retention_labels(t.contacts, t.events, t.orders, cutoff=c, **kw) for c in cuts]
    got = retention_labels_many(
        duck_sample.contacts, duck_sample.events, duck_sample.orders, cutoffs=cuts, **kw
    )
    assert len(got) == 3 and len({len(e) for e in expected}) == 3
    for e, g in zip(expected, got):
        same(e, g)


def test_churn_features_at_several_cutoffs_same_as_one_at_a_time(sample_tables, duck_sample, eng):
    from analysis.aggregate.features import churn_features, churn_features_many

    t = sample_tables
    cuts = ["2025-07-01", "2025-09-29 08:00", "2026-01-01"]
    expected = [
        churn_features(t.contacts, t.events, t.orders, as_of=c, vocabulary=t.vocabulary)
        for c in cuts
    ]
    users = [None, expected[1].index[::5], None]
    got = churn_features_many(
        t.contacts,
        duck_sample.events,
        duck_sample.orders,
        cutoffs=cuts,
        users=users,
        vocabulary=t.vocabulary,
    )
    assert len(got) == 3 and len(expected[0]) < len(expected[2])
    for e, u, g in zip(expected, users, got):
        pd.testing.assert_frame_equal(e if u is None else e.loc[u], g, check_exact=True)


@pytest.mark.parametrize("activity", ["any", "purchase"])
def test_departures_sample_same_on_both_engines(sample_tables, duck_sample, activity, eng):
    from analysis.aggregate.departures import departures

    t = sample_tables
    kw = dict(since="2025-07-01", end="2026-04-01", activity=activity, vocabulary=t.vocabulary)
    expected = departures(t.contacts, t.events, t.orders, **kw)
    got = departures(t.contacts, duck_sample.events, duck_sample.orders, **kw)
    assert set(expected["cause"]) == {"hard", "silent", "censored"}
    pd.testing.assert_frame_equal(expected, got, check_exact=True)


def test_departures_in_parts_of_users_same(sample_tables, duck_sample, monkeypatch):
    """Past DEPARTURE_QUERY_USERS customers the silences are ordered per range of user ids
    (the window's sort in memory is a part's): the same table."""
    from analysis.aggregate import departures as dep

    t = sample_tables
    kw = dict(since="2025-07-01", end="2026-04-01", vocabulary=t.vocabulary)
    expected = dep.departures(t.contacts, t.events, t.orders, **kw)
    monkeypatch.setattr(dep, "DEPARTURE_QUERY_USERS", len(expected) // 3)
    seen = []
    real = dep._quiet_sql
    monkeypatch.setattr(dep, "_quiet_sql", lambda *a: seen.append(a[3]) or real(*a))
    got = dep.departures(t.contacts, duck_sample.events, duck_sample.orders, **kw)
    assert len(seen) in (3, 4) and seen[0][0] is None and seen[-1][1] is None
    pd.testing.assert_frame_equal(expected, got, check_exact=True)


def test_last_paid_order_and_data_end_same_on_both_engines(sample_tables, duck_sample, eng):
    from analysis.studies.churn_asof import data_end
    from analysis.studies.churn_list import last_paid_order

    t = sample_tables
    assert data_end(t.events, t.orders) == data_end(duck_sample.events, duck_sample.orders)
    as_of = pd.Timestamp("2026-02-01", tz=t.tz)
    expected = last_paid_order(t.orders, as_of=as_of)
    got = last_paid_order(duck_sample.orders, as_of=as_of)
    assert len(expected) > 500
    pd.testing.assert_frame_equal(expected, got.reindex(expected.index), check_exact=True)


def test_engine_settings_follow_the_environment_when_not_given(monkeypatch):
    from analysis.engine.core import MEMORY_ENV, THREADS_ENV, memory_setting, threads_setting

    monkeypatch.delenv(MEMORY_ENV, raising=False)
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert (memory_setting(), threads_setting()) == ("4GB", 2)
    assert Engine("duckdb").memory_limit == "4GB" and Engine("duckdb").threads == 2
    monkeypatch.setenv(MEMORY_ENV, "300MB")
    monkeypatch.setenv(THREADS_ENV, "1")
    assert Engine("duckdb") == Engine("duckdb", memory_limit="300MB", threads=1)
    con = duckdb_connection(tz="UTC")
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] in (
        "286.1 MiB",
        "300.0 MB",
    )
    con.close()
    # given settings win over the environment
    con = duckdb_connection(memory_limit="1GB", threads=2, tz="UTC")
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 2
    con.close()
    monkeypatch.setenv(MEMORY_ENV, "lots")
    with pytest.raises(ValueError, match="ANALYSIS_MEMORY_LIMIT must look like '4GB'.*'lots'"):
        duckdb_connection()
    monkeypatch.setenv(THREADS_ENV, "0")
    with pytest.raises(ValueError, match="ANALYSIS_THREADS must be a whole number.*'0'"):
        threads_setting()
    with pytest.raises(ValueError, match="threads must be a whole number.*'2.5'"):
        threads_setting("2.5")


def test_report_command_passes_engine_settings_to_the_kernels(monkeypatch, tmp_path):
    import os

    import analysis.reports.build as build
    from analysis.__main__ import main
    from analysis.engine.core import MEMORY_ENV, THREADS_ENV

    seen = {}

    def fake_build(*args, **kwargs):
        seen.update({k: os.environ.get(k) for k in (MEMORY_ENV, THREADS_ENV)})
        return []

    # set (not deleted) first, so monkeypatch restores them after main() changes them
    monkeypatch.setenv(MEMORY_ENV, "1GB")
    monkeypatch.setenv(THREADS_ENV, "1")
    monkeypatch.setattr(build, "build_reports", fake_build)
    out = str(tmp_path / "r")
    main(["report", "--out", out, "--memory-limit", "8GB", "--threads", "4", "--quiet"])
    assert seen == {MEMORY_ENV: "8GB", THREADS_ENV: "4"}
    with pytest.raises(SystemExit):
        main(["report", "--out", out, "--memory-limit", "eight", "--quiet"])


def test_frames_registered_for_one_call_are_dropped_after_it(edge, eng):
    from analysis.engine.tables import SqlInputs

    _, ducks = edge
    d = ducks["csv"]

    def names():
        if eng == "duckdb":
            return {
                r[0]
                for r in d.con.execute(
                    "SELECT table_name FROM information_schema.tables"
                ).fetchall()
            }
        return {t.name for t in d.con.catalog.listTables()}

    before, views = names(), dict(d.views)
    pop = pd.DataFrame({"user_id": ["u1", "u2"]})
    contacts = d.contacts.to_pandas().head(3)
    with SqlInputs(eng, events=d.events, pop=pop, contacts=contacts) as db:
        assert db.scalar(f"SELECT count(*) FROM {db.views['pop']}") == 2
        assert db.scalar(f"SELECT count(*) FROM {db.views['contacts']}") == 3
        during = names()
    assert len(during - before) == 3  # the frames and the contacts' canonical view
    assert names() == before and d.views == views
    # the caller's tables still answer
    assert d.scalar(f"SELECT count(*) FROM {d.views['contacts']}") == len(d.contacts.to_pandas())


_RSS_SCRIPT = """
import sys, numpy as np, pandas as pd, psutil
from analysis.engine import core
from analysis.engine.tables import DuckTables
if sys.argv[1] == "keep":
    core.release_buffers = lambda con, limit: None
    import analysis.engine.tables as t
    t.release_buffers = core.release_buffers
n = 3_000_000
frame = pd.DataFrame({"user_id": np.arange(n) % 2_000_000, "x": np.arange(n, dtype=float)})
tables = DuckTables.from_frames(engine="duckdb")
tables.con.register("frame", frame)
rss = psutil.Process().memory_info().rss
out = tables.query("SELECT user_id, sum(x) AS s FROM frame GROUP BY user_id")
limit = tables.row("SELECT current_setting('memory_limit')")[0]
print(psutil.Process().memory_info().rss - rss, len(out), limit)
"""


def test_duckdb_hands_back_the_memory_of_a_finished_query() -> None:
    """DuckDB keeps a finished query's buffers up to its memory limit; the tables release them
    after each query (here a 2M-group aggregation: the process keeps about half as much)."""
    import subprocess
    import sys

    got = {}
    for how in ("release", "keep"):
        run = subprocess.run(
            [sys.executable, "-c", _RSS_SCRIPT, how], capture_output=True, text=True, check=True
        )
        grown, rows, limit = run.stdout.split(maxsplit=2)
        assert int(rows) == 2_000_000
        assert limit.strip() == "3.7 GiB"  # the 4GB limit, restored after the release
        got[how] = int(grown)
    assert got["release"] < 0.6 * got["keep"], got


def test_release_buffers_restores_the_limit_and_leaves_a_passed_connection_alone() -> None:
    from analysis.engine.core import release_buffers
    from analysis.engine.tables import DuckTables

    con = duckdb_connection(memory_limit="1GB")
    release_buffers(con, "1GB")
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"
    release_buffers(con, None)  # DuckDB's default: 80% of the RAM, not 16 MB
    assert "GiB" in con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute("SET memory_limit = '700MB'")
    theirs = DuckTables.from_frames(connection=con, tz="Asia/Shanghai")
    theirs.query("SELECT 42")
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "667.5 MiB"
