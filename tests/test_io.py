"""Validation of the canonical tables: each bad input gives a clear error or a counted repair."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import CONTACTS, EVENTS, ORDERS, write_tables

from analysis.data.errors import DataError, Ledger, LedgerError
from analysis.data.load import load_tables
from analysis.data.validate import validate_tables


def load(tmp_path, contacts=CONTACTS, events=EVENTS, orders=ORDERS, **kw):
    return load_tables(write_tables(tmp_path / "d", contacts, events, orders), **kw)


def test_clean_tiny_folder_loads_with_string_ids_and_tz(tiny_folder):
    t = load_tables(tiny_folder)
    assert list(t.contacts["user_id"]) == ["007", "008", "009"]  # leading zeros kept
    assert str(t.events["occurred_at"].dt.tz) == "Asia/Shanghai"
    assert t.orders["refund_amount"].tolist() == [0.0, 50.0, 0.0]
    assert t.orders["is_refund"].tolist() == [False, True, False]
    led = t.ledger
    # naive timestamps are a counted repair in each table
    naive = led[led["step"].str.contains("naive")]
    assert set(naive["table"]) == {"contacts", "events", "orders"}
    assert (naive["repaired"] == naive["rows_in"]).all()
    assert (led["rows_in"] == led["kept"] + led["dropped"]).all()


def test_bom_and_gzip_are_read(tmp_path):
    folder = write_tables(tmp_path / "d", "\ufeff" + CONTACTS, EVENTS, ORDERS)
    assert load_tables(folder).contacts.columns[0] == "user_id"


def test_missing_required_column_names_file_and_column(tmp_path):
    bad = CONTACTS.replace("joined_at", "join_time")
    with pytest.raises(DataError) as err:
        load(tmp_path, contacts=bad)
    msg = str(err.value)
    assert "contacts.csv" in msg and "joined_at" in msg and "join_time" in msg


def test_unparseable_timestamp_names_rows_and_example(tmp_path):
    bad = EVENTS.replace("2025-01-05 10:00:00", "yesterday")
    with pytest.raises(DataError) as err:
        load(tmp_path, events=bad)
    e = err.value
    assert e.column == "occurred_at" and e.rows == [4] and e.examples == ["yesterday"]
    assert "events.csv" in str(e) and "rows 4" in str(e) and "'yesterday'" in str(e)


def test_mixed_time_zones_are_an_error(tmp_path):
    bad = EVENTS.replace("2025-01-05 10:00:00", "2025-01-05T10:00:00+08:00")
    with pytest.raises(DataError, match="mix explicit time-zone offsets") as err:
        load(tmp_path, events=bad)
    assert err.value.rows == [4]


def test_offsets_are_converted_to_the_analysis_zone(tmp_path):
    aware = (
        CONTACTS.replace("2025-01-01 10:00:00", "2025-01-01T02:00:00Z")
        .replace("2025-01-02 10:00:00", "2025-01-02T10:00:00+08:00")
        .replace("2025-01-03 10:00:00", "2025-01-03T03:00:00+01:00")
    )
    t = load(tmp_path, contacts=aware)
    assert t.contacts["joined_at"].tolist() == [
        pd.Timestamp("2025-01-01 10:00", tz="Asia/Shanghai"),
        pd.Timestamp("2025-01-02 10:00", tz="Asia/Shanghai"),
        pd.Timestamp("2025-01-03 10:00", tz="Asia/Shanghai"),
    ]
    assert not t.ledger["step"].str.contains("contacts.*naive").any()


def test_duplicate_ids_conflicting_is_error_identical_is_counted(tmp_path):
    conflicting = CONTACTS + "008,2025-02-01 10:00:00,douyin,coupon,\n"
    with pytest.raises(DataError, match="duplicate id") as err:
        load(tmp_path / "a", contacts=conflicting)
    assert err.value.column == "user_id" and err.value.rows == [3, 5]
    identical = CONTACTS + "009,2025-01-03 10:00:00,offline_event,merch,\n"
    t = load(tmp_path / "b", contacts=identical)
    step = t.ledger[t.ledger["step"].str.startswith("exact duplicate")].iloc[0]
    assert (step["rows_in"], step["dropped"], step["kept"]) == (4, 1, 3)
    assert len(t.contacts) == 3


def test_lone_negative_amount_is_a_refund_without_its_order(tmp_path):
    bad = ORDERS.replace("30.5,0", "-30.5,0")
    with pytest.raises(DataError, match="refund with no purchase row of its order") as err:
        load(tmp_path, orders=bad)
    assert err.value.column == "order_id"
    assert err.value.rows == [4] and err.value.examples == ["A3"]


def test_negative_refund_row_is_error_with_hint(tmp_path):
    bad = ORDERS.replace("50,true", "-50,true")
    with pytest.raises(DataError, match="refund_amount="):
        load(tmp_path, orders=bad)


REFUND_ROWS = ORDERS + (
    "A1,007,2025-01-05 09:00:00,-30,true\n"  # partial refund of A1 as a negative row
    "A3,007,2025-01-10 12:00:00,10.5,退款\n"  # two flagged refunds of A3
    "A3,007,2025-01-11 12:00:00,20,是\n"
)


def test_refund_rows_fold_into_their_orders(tmp_path):
    t = load(tmp_path, orders=REFUND_ROWS)
    o = t.orders.set_index("order_id")
    assert list(o.index) == ["A1", "A2", "A3"]
    assert o["amount"].tolist() == [100.0, 50.0, 30.5]  # the purchases
    assert o["refund_amount"].tolist() == [30.0, 50.0, 30.5]  # sums of refunds; A2 on its row
    assert o["is_refund"].tolist() == [True, True, True]
    assert o.loc["A1", "refunded_at"] == pd.Timestamp("2025-01-05 09:00", tz="Asia/Shanghai")
    assert o.loc["A3", "refunded_at"] == pd.Timestamp("2025-01-10 12:00", tz="Asia/Shanghai")
    assert pd.isna(o.loc["A2", "refunded_at"])  # refunded on its own row: no time given
    step = t.ledger[t.ledger["step"] == "refund rows folded into their orders"].iloc[0]
    assert (step["rows_in"], step["kept"], step["dropped"], step["repaired"]) == (6, 3, 3, 2)
    shuffled = "\n".join([REFUND_ROWS.splitlines()[0]] + REFUND_ROWS.splitlines()[1:][::-1])
    t2 = load(tmp_path / "b", orders=shuffled + "\n")
    pd.testing.assert_frame_equal(
        t2.orders.sort_values("order_id").reset_index(drop=True), t.orders
    )


def test_refunded_at_column_gives_the_refund_time(tmp_path):
    orders = (
        "order_id,user_id,ordered_at,amount,is_refund,refunded_at\n"
        "A1,007,2025-01-02 12:00:00,100,false,\n"
        "A1,007,2025-01-02 12:00:00,-100,true,2025-01-20 08:00:00\n"
        "A2,008,2025-01-04 12:00:00,50,true,2025-01-06 08:00:00\n"
    )
    o = load(tmp_path, orders=orders).orders.set_index("order_id")
    assert o["refund_amount"].tolist() == [100.0, 50.0]
    assert o["refunded_at"].tolist() == [
        pd.Timestamp("2025-01-20 08:00", tz="Asia/Shanghai"),
        pd.Timestamp("2025-01-06 08:00", tz="Asia/Shanghai"),
    ]


def test_refund_row_errors_name_rows_and_order(tmp_path):
    over = ORDERS + "A3,007,2025-01-10 12:00:00,-20,true\nA3,007,2025-01-11 12:00:00,-20,true\n"
    with pytest.raises(DataError, match="refunds add up to more than") as err:
        load(tmp_path / "a", orders=over)
    assert err.value.column == "amount" and err.value.rows == [4, 5, 6]
    assert err.value.examples == ["A3: paid 30.5, refunds 20 + 20 = 40"]
    other = ORDERS + "A3,008,2025-01-10 12:00:00,-20,true\n"
    with pytest.raises(DataError, match="another user") as err:
        load(tmp_path / "b", orders=other)
    assert err.value.column == "user_id" and err.value.rows == [4, 5]
    early = ORDERS + "A3,007,2025-01-08 12:00:00,-20,true\n"
    with pytest.raises(DataError, match="refund before its order") as err:
        load(tmp_path / "c", orders=early)
    assert err.value.column == "ordered_at" and err.value.rows == [4, 5]
    twice = (
        "order_id,user_id,ordered_at,amount,is_refund,refund_amount\n"
        "A1,007,2025-01-02 12:00:00,100,true,40\n"
        "A1,007,2025-01-03 12:00:00,-40,true,\n"
    )
    with pytest.raises(DataError, match="both on the order's row and as refund rows") as err:
        load(tmp_path / "d", orders=twice)
    assert err.value.rows == [2, 3] and err.value.examples == [
        "A1: refund_amount 40 on the order, 1 refund row(s)"
    ]
    two_purchases = ORDERS + "A3,007,2025-01-09 12:00:00,31,false\n"
    with pytest.raises(DataError, match="duplicate id with different content") as err:
        load(tmp_path / "e", orders=two_purchases)
    assert err.value.rows == [4, 5] and "negative amount or a refund flag" in str(err.value)


def test_refund_larger_than_amount_is_error(tmp_path):
    bad = ORDERS.replace(
        "order_id,user_id,ordered_at,amount,is_refund",
        "order_id,user_id,ordered_at,amount,is_refund,refund_amount",
    )
    bad = (
        bad.replace("100.0,false", "100.0,false,")
        .replace("50,true", "50,true,80")
        .replace("30.5,0", "30.5,0,")
    )
    with pytest.raises(DataError, match="refund larger than the order amount") as err:
        load(tmp_path, orders=bad)
    assert err.value.column == "refund_amount" and err.value.rows == [3]


def test_unknown_event_type_is_error_unless_aliased(tmp_path):
    bad = EVENTS.replace("share", "点赞")
    with pytest.raises(DataError, match="unknown event type") as err:
        load(tmp_path / "a", events=bad)
    assert err.value.examples == ["点赞"] and err.value.rows == [4]
    t = load(tmp_path / "b", events=bad, vocabulary={"aliases": {"点赞": "share"}})
    assert (t.events["event_type"] == "share").sum() == 1
    step = t.ledger[t.ledger["step"].str.contains("aliases")].iloc[0]
    assert step["repaired"] == 1


def test_orphans_error_or_counted_drop(tmp_path):
    bad = ORDERS + "A4,999,2025-01-09 12:00:00,10,false\n"
    with pytest.raises(DataError, match="user not found in contacts") as err:
        load(tmp_path / "a", orders=bad)
    assert err.value.examples == ["999"]
    t = load(tmp_path / "b", orders=bad, drop_orphans=True)
    step = t.ledger[(t.ledger["table"] == "orders") & t.ledger["step"].str.contains("not in")]
    assert step["dropped"].tolist() == [1] and len(t.orders) == 3


def test_event_before_join_is_error_but_prejoin_types_are_allowed(tmp_path):
    # qr_scan at 09:00 before the 10:00 join is fine (pre-join type); a message is not
    bad = EVENTS + "009,2025-01-02 10:00:00,message,,group\n"
    with pytest.raises(DataError, match="before the user joined") as err:
        load(tmp_path / "a", events=bad)
    assert err.value.rows == [7]
    t = load(tmp_path / "b", events=bad, drop_before_join=True)
    assert len(t.events) == 5


def test_rows_after_observed_until_are_dropped_and_counted(tmp_path):
    t = load(tmp_path, observed_until="2025-01-04 00:00:00")
    led = t.ledger.set_index(["table", "step"])
    ev = led.xs("events", level="table")
    step = ev[ev.index.str.startswith("rows after observed_until")].iloc[0]
    assert step["dropped"] == 2
    assert t.events["occurred_at"].max() < pd.Timestamp("2025-01-04", tz="Asia/Shanghai")


def test_missing_file_and_empty_file(tmp_path):
    folder = write_tables(tmp_path / "d", CONTACTS, EVENTS, ORDERS)
    (folder / "orders.csv").write_text("")
    with pytest.raises(DataError, match="empty"):
        load_tables(folder)
    (folder / "orders.csv").unlink()
    # a brand without an order table (WeCom only): an empty table, said in the ledger
    t = load_tables(folder)
    assert len(t.orders) == 0
    assert t.ledger.loc[t.ledger["table"] == "orders", "step"].iloc[0] == (
        "no export found: empty table"
    )


def test_parquet_and_frames_give_the_same_tables(tmp_path, tiny_folder):
    t_csv = load_tables(tiny_folder)
    pq = tmp_path / "pq"
    pq.mkdir()
    for name in ("contacts", "events", "orders"):
        getattr(t_csv, name).to_parquet(pq / f"{name}.parquet")
    t_pq = load_tables(pq)
    for name in ("contacts", "events", "orders"):
        pd.testing.assert_frame_equal(getattr(t_pq, name), getattr(t_csv, name))


def test_inputs_not_mutated_and_row_order_irrelevant(tiny_folder):
    raw = {
        n: pd.read_csv(tiny_folder / f"{n}.csv", dtype=str, keep_default_na=False, na_values=[""])
        for n in ("contacts", "events", "orders")
    }
    before = {n: df.copy() for n, df in raw.items()}
    a = validate_tables(raw["contacts"], raw["events"], raw["orders"])
    for n in raw:
        pd.testing.assert_frame_equal(raw[n], before[n])
    shuffled = {n: df.sample(frac=1, random_state=1) for n, df in raw.items()}
    b = validate_tables(shuffled["contacts"], shuffled["events"], shuffled["orders"])
    for n, key in (
        ("contacts", ["user_id"]),
        ("events", ["user_id", "occurred_at"]),
        ("orders", ["order_id"]),
    ):
        pd.testing.assert_frame_equal(
            getattr(a, n).sort_values(key, ignore_index=True),
            getattr(b, n).sort_values(key, ignore_index=True),
        )


def test_sample_loads_cleanly(sample_tables):
    led = sample_tables.ledger
    assert (led["dropped"] == 0).all()
    assert len(sample_tables.contacts) == sample_tables.contacts["user_id"].nunique()


def test_ledger_refuses_a_step_whose_counts_do_not_add_up():
    led = Ledger()
    led.add("orders", "read", rows_in=5, rows_out=5)
    with pytest.raises(LedgerError, match="table 'orders', step 'x dropped'"):
        led.add("orders", "x dropped", rows_in=5, rows_out=3, dropped=1)  # one row uncounted
    with pytest.raises(LedgerError, match="repaired"):
        led.add("orders", "x repaired", rows_in=5, rows_out=5, repaired=6)
    assert len(led.entries) == 1
    led.add("orders", "x dropped", rows_in=5, rows_out=4, dropped=1)
    led.check_chain("orders")
    led.add("orders", "y", rows_in=3, rows_out=3)  # a row vanished between the steps
    with pytest.raises(LedgerError, match="step 'y': it starts from 3 rows.*returned 4"):
        led.check_chain("orders")


def test_an_empty_refund_amount_is_its_default_when_rows_are_compared(tmp_path):
    orders = (
        "order_id,user_id,ordered_at,amount,is_refund,refund_amount\n"
        "A1,007,2025-01-02 12:00:00,100,false,0\n"
        "A1,007,2025-01-02 12:00:00,100,false,\n"
    )
    t = load(tmp_path, orders=orders)
    step = t.ledger[t.ledger["step"] == "exact duplicate rows of order_id dropped"].iloc[0]
    assert (step["dropped"], len(t.orders)) == (1, 1)


@pytest.mark.parametrize(
    "top, bottom, step, dropped",
    [
        ("", "合计,,,1234.5,,\n", "total rows dropped (合计)", 1),
        (
            "",
            "o9,u1,2025-01-06 10:00:00,1,false,0\nTotal: 3 rows\n",
            "total rows dropped (Total)",
            1,
        ),
        ("导出时间：2026-03-01 10:00\n", "", "title rows above the header dropped", 1),
        ("订单明细,,,,,\n导出人：张三\n", "", "title rows above the header dropped", 2),
        (  # as many cells as the header: pyarrow would take it for the header
            "导出时间：2026-03-01,导出人：张三,部门：运营,页码：1,共：1页,备注：无\n",
            "",
            "title rows above the header dropped",
            1,
        ),
    ],
)
def test_large_files_count_title_and_total_rows_too(top, bottom, step, dropped):
    """Files above the fast parser's threshold (pyarrow) must not skip these rows."""
    from analysis.data.read import _FAST_PARSE_FROM, parse_csv_text

    header = "order_id,user_id,ordered_at,amount,is_refund,refund_amount\n"
    row = "o{},u1,2025-01-06 10:00:00,{}.5,false,0\n"
    n = _FAST_PARSE_FROM // len(row.format(0, 0)) + 10
    text = top + header + "".join(row.format(i, i % 100) for i in range(n)) + bottom
    assert len(text) > _FAST_PARSE_FROM
    df, src = parse_csv_text(text, "big.csv")
    notes = {note["step"]: note for note in src.notes}
    assert notes[step]["dropped"] == dropped, notes
    assert len(df) == n + bottom.count("o9,")
    assert src.records == n + bottom.count("\n") + top.count("\n")
    assert src.row_numbers[0] == top.count("\n") + 2


def test_ledger_golden_every_step_counted(tmp_path):
    """Each drop step of the loader on a tiny folder, with its counts: the observation end
    (a row exactly at it is kept), earlier rows of a contact the cut removed, orphans, and
    events before joining, where a pre-join type (qr_scan) is exempt."""
    contacts = CONTACTS + "010,2025-01-06 10:00:00,douyin,coupon,\n"
    events = EVENTS + (
        "009,2025-01-02 10:00:00,message,,group\n"  # before 009 joined: dropped
        "009,2025-01-02 11:00:00,qr_scan,,public\n"  # before joining, but pre-join: kept
        "010,2025-01-05 09:00:00,message,,1v1\n"  # 010 joins after the end: goes with it
        "008,2025-01-05 10:00:01,share,,moments\n"  # a second after the end: cut
    )
    orders = ORDERS + "A4,999,2025-01-03 12:00:00,10,false\n"  # unknown user: orphan
    t = load(
        tmp_path,
        contacts=contacts,
        events=events,
        orders=orders,
        observed_until="2025-01-05 10:00:00",
        drop_orphans=True,
        drop_before_join=True,
    )
    cut = "rows after observed_until 2025-01-05T10:00:00+08:00 dropped"
    late = "rows of users who joined after observed_until 2025-01-05T10:00:00+08:00 dropped"
    expected = pd.DataFrame(
        [
            ("contacts", "read", 4, 4, 0, 0),
            ("contacts", "joined_at: naive timestamps read as Asia/Shanghai", 4, 4, 0, 4),
            ("events", "read", 9, 9, 0, 0),
            ("events", "occurred_at: naive timestamps read as Asia/Shanghai", 9, 9, 0, 9),
            ("orders", "read", 4, 4, 0, 0),
            ("orders", "ordered_at: naive timestamps read as Asia/Shanghai", 4, 4, 0, 4),
            ("contacts", cut, 4, 3, 1, 0),
            ("events", cut, 9, 8, 1, 0),
            ("orders", cut, 4, 3, 1, 0),
            ("events", late, 8, 7, 1, 0),
            ("orders", late, 3, 3, 0, 0),
            ("events", "users not in contacts dropped", 7, 7, 0, 0),
            ("orders", "users not in contacts dropped", 3, 2, 1, 0),
            ("events", "events before the user joined dropped", 7, 6, 1, 0),
            ("contacts", "final", 3, 3, 0, 0),
            ("events", "final", 6, 6, 0, 0),
            ("orders", "final", 2, 2, 0, 0),
        ],
        columns=["table", "step", "rows_in", "kept", "dropped", "repaired"],
    )
    pd.testing.assert_frame_equal(t.ledger.drop(columns="detail"), expected)
    assert t.ledger["detail"].iloc[0].endswith("contacts.csv (encoding utf-8)")
    assert (t.ledger["detail"].iloc[6:] == "").all()
    assert t.events["event_type"].tolist() == [
        *("qr_scan", "contact_add", "share", "message", "review", "qr_scan")
    ]
    assert t.events["user_id"].tolist() == ["007", "007", "007", "008", "009", "009"]
    assert t.orders["order_id"].tolist() == ["A1", "A2"]
    assert t.contacts["user_id"].tolist() == ["007", "008", "009"]
    assert str(t.events["occurred_at"].max()) == "2025-01-05 10:00:00+08:00"


def test_observed_until_with_an_offset_is_read_in_the_analysis_zone(tmp_path):
    # 02:00 UTC is 10:00 in Shanghai: the share at 2025-01-05 10:00 is exactly at the end
    t = load(tmp_path, observed_until="2025-01-05T02:00:00+00:00")
    step = t.ledger[t.ledger["step"].str.startswith("rows after")]
    assert step["step"].iloc[0] == "rows after observed_until 2025-01-05T10:00:00+08:00 dropped"
    assert step["dropped"].tolist() == [0, 0, 1]  # contacts, events, orders: only A3
    assert len(t.events) == 5


def test_events_before_joining_error_names_the_rows_and_what_they_are(tmp_path):
    bad = EVENTS + "009,2025-01-02 10:00:00,message,,group\n009,2025-01-02 11:00:00,qr_scan,,\n"
    with pytest.raises(DataError) as err:
        load(tmp_path, events=bad)
    e = err.value
    assert e.column == "occurred_at" and e.rows == [7] and e.n_rows == 1
    assert e.examples == ["message at 2025-01-02 10:00:00+08:00, joined 2025-01-03 10:00:00+08:00"]
    assert e.problem == "event before the user joined"
    assert e.hint == (
        "only types marked pre_join in the vocabulary may precede joining; set "
        "`drop_before_join: true` in the data folder's kit.yaml (--drop-before-join; "
        "load_tables(..., drop_before_join=True)) to drop and count them"
    )


def test_ledger_frame_golden():
    led = Ledger()
    assert led.to_frame().columns.tolist() == [
        *("table", "step", "rows_in", "kept", "dropped", "repaired", "detail")
    ]
    assert len(led.to_frame()) == 0
    led.add("orders", "a step", rows_in=10, rows_out=7, dropped=3, repaired=2, detail="why")
    led.add("events", "read", rows_in=4, rows_out=4)
    led.add("events", "all gone", rows_in=4, rows_out=0, dropped=4)
    got = led.to_frame()
    assert got.iloc[0].tolist() == ["orders", "a step", 10, 7, 3, 2, "why"]
    assert got.iloc[1].tolist() == ["events", "read", 4, 4, 0, 0, ""]
    assert got.iloc[2].tolist() == ["events", "all gone", 4, 0, 4, 0, ""]
    led.check_chain("events")
    led.check_chain("contacts")  # no read step: nothing to chain
    for bad in (
        dict(rows_in=-1, rows_out=0),
        dict(rows_in=0, rows_out=-1),
        dict(rows_in=3, rows_out=4, dropped=-1),
        dict(rows_in=3, rows_out=3, repaired=-1),
    ):
        with pytest.raises(LedgerError, match=r"step 'bad': negative count \(rows_in="):
            led.add("events", "bad", **bad)
    with pytest.raises(LedgerError, match=r"rows_in 4 - dropped 1 = 3, but the step returned 4"):
        led.add("events", "bad", rows_in=4, rows_out=4, dropped=1)
    with pytest.raises(LedgerError, match=r"5 rows repaired but only 4 returned"):
        led.add("events", "bad", rows_in=4, rows_out=4, repaired=5)
    led.add("events", "repairs every row", rows_in=4, rows_out=4, repaired=4)
    assert len(led.entries) == 4
    # the chain restarts at the last read step
    led.add("events", "read", rows_in=2, rows_out=2)
    led.add("events", "next", rows_in=2, rows_out=2)
    led.check_chain("events")


def test_identical_duplicates_keep_the_first_row_in_place(tmp_path):
    # 007 repeated at the end: dropped there, kept in its first place; orders likewise
    contacts = CONTACTS + "007,2025-01-01 10:00:00,douyin,coupon,\n"
    orders = ORDERS + "A1,007,2025-01-02 12:00:00,100.0,false\n"
    t = load(tmp_path, contacts=contacts, orders=orders)
    assert t.contacts["user_id"].tolist() == ["007", "008", "009"]
    assert t.orders["order_id"].tolist() == ["A1", "A2", "A3"]
    steps = t.ledger[t.ledger["step"].str.startswith("exact duplicate")]
    assert steps["step"].tolist() == [
        "exact duplicate rows of user_id dropped",
        "exact duplicate rows of order_id dropped",
    ]
    assert steps["table"].tolist() == ["contacts", "orders"]
    assert steps[["rows_in", "kept", "dropped"]].to_numpy().tolist() == [[4, 3, 1], [4, 3, 1]]
    conflicting = ORDERS + "A1,007,2025-01-02 12:00:00,99.0,false\n"
    with pytest.raises(DataError, match="duplicate id with different content") as err:
        load(tmp_path / "b", orders=conflicting)
    assert err.value.column == "order_id" and err.value.rows == [2, 5]
    assert err.value.examples == ["A1", "A1"]
    conflicting = CONTACTS + "007,2025-01-01 10:00:00,douyin,trial,\n"
    with pytest.raises(DataError, match="duplicate id with different content") as err:
        load(tmp_path / "c", contacts=conflicting)
    assert err.value.rows == [2, 5] and err.value.hint == "each id must appear once"
    assert err.value.problem == "duplicate id with different content"


def test_validated_tables_keep_their_columns_files_and_zone(tiny_folder):
    t = load_tables(tiny_folder)
    assert t.contacts.columns.tolist() == ["user_id", "joined_at", "channel", "hook", "referrer_id"]
    assert t.events.columns.tolist() == ["user_id", "occurred_at", "event_type", "value", "context"]
    assert t.orders.columns.tolist() == [
        *("order_id", "user_id", "ordered_at", "amount", "is_refund", "refund_amount")
    ]
    assert t.tz == "Asia/Shanghai" and t.vocabulary.pre_join_types
    assert {k: v.name for k, v in t.files.items()} == {
        "contacts": "contacts.csv",
        "events": "events.csv",
        "orders": "orders.csv",
    }
    for df in (t.contacts, t.events, t.orders):
        assert df.index.tolist() == list(range(len(df)))


def test_orphan_error_names_the_problem_and_the_way_out(tmp_path):
    bad = EVENTS + "999,2025-01-09 12:00:00,message,,group\n"
    with pytest.raises(DataError) as err:
        load(tmp_path, events=bad)
    e = err.value
    assert (e.column, e.problem, e.rows, e.examples) == (
        *("user_id", "user not found in contacts", [7], ["999"]),
    )
    assert e.hint == (
        "add the users to contacts, or set `drop_orphans: true` in the data folder's kit.yaml "
        "(--drop-orphans; load_tables(..., drop_orphans=True)) to drop and count these rows"
    )


def test_validate_tables_in_another_zone(tiny_folder):
    raw = {
        n: pd.read_csv(tiny_folder / f"{n}.csv", dtype=str, keep_default_na=False, na_values=[""])
        for n in ("contacts", "events", "orders")
    }
    t = validate_tables(raw["contacts"], raw["events"], raw["orders"], tz="UTC")
    assert t.tz == "UTC" and str(t.events["occurred_at"].dt.tz) == "UTC"
    assert str(t.contacts["joined_at"].iloc[0]) == "2025-01-01 10:00:00+00:00"


def test_finance_exports_amounts_in_wan_and_bracketed_negatives_are_read_and_counted(tmp_path):
    """An order export from finance: 万 amounts and accounting brackets for a refund row."""
    orders = (
        "order_id,user_id,ordered_at,amount\n"
        "A1,007,2025-01-02 12:00:00,1.2万\n"
        "A2,008,2025-01-04 12:00:00,3万元\n"
        "A3,007,2025-01-09 12:00:00,30.5\n"
        'A1,007,2025-01-10 12:00:00,"（￥2,000.00）"\n'
        "A3,007,2025-01-11 12:00:00,(0.5)\n"
    )
    t = load(tmp_path, orders=orders)
    got = t.orders.set_index("order_id")
    assert got["amount"].to_dict() == {"A1": 12_000.0, "A2": 30_000.0, "A3": 30.5}
    assert got["refund_amount"].to_dict() == {"A1": 2_000.0, "A2": 0.0, "A3": 0.5}
    led = t.ledger.set_index("step")
    assert led.loc["amount: amounts in 万 multiplied by 10,000", "repaired"] == 2
    assert led.loc["amount: bracketed negatives read as negative", "repaired"] == 2


@pytest.mark.parametrize("cell", ["(abc)", "1.2千", "万", "(1)(2)", "1.2万万"])
def test_an_amount_that_only_looks_like_wan_or_brackets_is_an_error(tmp_path, cell):
    orders = (
        f"order_id,user_id,ordered_at,amount,is_refund\nA1,007,2025-01-02 12:00:00,{cell},false\n"
    )
    with pytest.raises(DataError, match=r"amount.*not a number.*rows 2"):
        load(tmp_path, orders=orders)


def test_every_problem_of_every_table_is_reported_in_one_pass(tmp_path):
    """`check` lists all problems rather than stopping at the first: one per column and
    table, each still naming its file, column, row and an example."""
    from analysis.data.errors import DataErrors

    contacts = CONTACTS.replace("2025-01-02 10:00:00", "someday")
    events = EVENTS.replace("2025-01-05 10:00:00", "2025-13-05 10:00:00").replace(
        "message", "teleport"
    )
    orders = ORDERS.replace("100.0", "abc")
    with pytest.raises(DataErrors) as info:
        load(tmp_path, contacts=contacts, events=events, orders=orders)
    found = [(Path(e.file).name, e.column, e.rows, e.examples[0]) for e in info.value.errors]
    assert found == [
        ("contacts.csv", "joined_at", [3], "someday"),
        ("events.csv", "occurred_at", [4], "2025-13-05 10:00:00"),
        ("events.csv", "event_type", [5], "teleport"),
        ("orders.csv", "amount", [2], "abc"),
    ]
    head = str(info.value).splitlines()[0]
    assert head.endswith(": 4 problems:") and head.count(".csv") == 3, head
    # one problem alone is raised as itself, as before
    with pytest.raises(DataError) as one:
        load(tmp_path / "one", orders=orders)
    assert not isinstance(one.value, DataErrors) and one.value.column == "amount"
