"""Validation of the canonical tables: each bad input gives a clear error or a counted repair."""

import pandas as pd
import pytest
from conftest import CONTACTS, EVENTS, ORDERS, write_tables

from analysis.data.errors import DataError
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


def test_negative_amount_not_flagged_is_error(tmp_path):
    bad = ORDERS.replace("30.5,0", "-30.5,0")
    with pytest.raises(DataError, match="negative amount on an order not flagged") as err:
        load(tmp_path, orders=bad)
    assert err.value.rows == [4] and err.value.examples == ["-30.5"]


def test_negative_refund_row_is_error_with_hint(tmp_path):
    bad = ORDERS.replace("50,true", "-50,true")
    with pytest.raises(DataError, match="refund_amount="):
        load(tmp_path, orders=bad)


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
    with pytest.raises(DataError, match="no 'orders' table"):
        load_tables(folder)


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
