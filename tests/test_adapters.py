"""Adapters: WeCom API JSON and callbacks, spreadsheets, and the full path
raw export → canonical tables → reports."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.aggregate.labels import retention_labels
from analysis.aggregate.values import value_evidence
from analysis.data.adapters import (
    ADD_WAY,
    HEADER_MAP,
    combine,
    header_map,
    load_raw,
    read_spreadsheet,
    read_wecom,
    to_tables,
    wecom_callbacks,
    wecom_contacts,
    wecom_groupchats,
)
from analysis.data.adapters.wecom import followers_of
from analysis.data.errors import DataError
from analysis.data.validate import validate_tables
from analysis.simulate import simulate
from analysis.simulate.raw_exports import write_raw

RAW = Path(__file__).parent / "fixtures" / "raw"
BROKEN = Path(__file__).parent / "fixtures" / "broken"
TZ = "Asia/Shanghai"
CONTACT_FILES = [RAW / "externalcontact_get.jsonl", RAW / "batch_get_by_user.json"]


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def steps(ledger) -> pd.DataFrame:
    led = ledger.to_frame() if hasattr(ledger, "to_frame") else ledger
    return led.set_index("step")


# --------------------------------------------------------------------------- WeCom contacts


def test_add_way_table_is_the_official_code_list():
    assert set(ADD_WAY) == {
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        21,
        22,
        24,
        201,
        202,
    }
    assert ADD_WAY[1][0] == "qr_code" and ADD_WAY[201][0] == "colleague_share"
    assert len({k for k, _ in ADD_WAY.values()}) == len(ADD_WAY)


@pytest.fixture(scope="module")
def wecom_fixture_contacts():
    return wecom_contacts(CONTACT_FILES, state_map=RAW / "state_map.yaml")


def test_contacts_one_user_per_customer_with_earliest_follow(wecom_fixture_contacts):
    c = wecom_fixture_contacts.contacts.set_index("user_id")
    assert sorted(c.index) == ["wmSYN0001", "wmSYN0002", "wmSYN0003", "wmSYN0004", "wmSYN0005"]
    a = c.loc["wmSYN0001"]  # emp01 at t0 (state s01) before emp02 a day later (no state)
    assert a["joined_at"] == ts("2025-01-01 10:00:00")
    assert (a["channel"], a["hook"], a["follow_user"]) == ("douyin", "coupon", "emp01")
    assert a["n_follow_users"] == 2 and a["tags"] == "新客|老客"
    assert (a["gender"], a["wecom_type"], a["add_way"]) == ("female", "wechat", "1")
    b = c.loc["wmSYN0002"]  # referral code "s02:<referrer>"
    assert (b["channel"], b["hook"], b["referrer_id"]) == ("referral", "trial", "wmSYN0001")
    assert b["wecom_type"] == "wecom"
    d = c.loc["wmSYN0003"]  # no state: channel from add_way 2
    assert (d["channel"], d["hook"], d["add_way_name"]) == ("phone_search", "unknown", "搜索手机号")
    assert c.loc["wmSYN0004", "channel"] == "门店海报"  # unmapped state kept, counted
    e = c.loc["wmSYN0005"]  # batch/get_by_user shape, two employees
    assert e["joined_at"] == ts("2025-01-01 14:00:00") and e["n_follow_users"] == 2
    assert e["tags"] == "etSYN01"


def test_contacts_carry_no_personal_fields(wecom_fixture_contacts):
    cols = set(wecom_fixture_contacts.contacts.columns)
    assert not cols & {"unionid", "name", "remark", "remark_mobiles", "corp_name"}
    text = wecom_fixture_contacts.contacts.astype(str).to_string()
    assert "unionid" not in text and "13800000000" not in text and "测试客户" not in text


def test_contacts_ledger_counts_relations_merges_and_fallbacks(wecom_fixture_contacts):
    led = steps(wecom_fixture_contacts.ledger)
    assert led.loc["wecom: customers read", "rows_in"] == 6
    assert led.loc["wecom: follow relations", "rows_in"] == 7
    merged = led.loc["wecom: customers followed by several employees merged"]
    assert (merged["rows_in"], merged["kept"], merged["dropped"]) == (7, 5, 2)
    assert led.loc["wecom: states not in the state map kept as channel", "repaired"] == 1
    assert led.loc["wecom: empty state: channel from add_way", "repaired"] == 1
    ev = wecom_fixture_contacts.events
    assert (ev["event_type"] == "contact_add").all() and len(ev) == 5
    assert (
        ev.set_index("user_id")["occurred_at"]
        == wecom_fixture_contacts.contacts.set_index("user_id")["joined_at"]
    ).all()


def test_contacts_do_not_depend_on_input_order():
    recs = []
    import json

    for line in (RAW / "externalcontact_get.jsonl").read_text(encoding="utf-8").splitlines():
        recs.append(json.loads(line))
    smap = {
        "s01": {"channel": "douyin", "hook": "coupon"},
        "s02": {"channel": "referral", "hook": "trial"},
    }
    a = wecom_contacts(recs, state_map=smap).contacts
    rev = [dict(r, follow_user=list(reversed(r["follow_user"]))) for r in reversed(recs)]
    b = wecom_contacts(rev, state_map=smap).contacts
    a, b = a.drop(columns="_source_row"), b.drop(columns="_source_row")  # records differ
    key = ["user_id"]
    pd.testing.assert_frame_equal(
        a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    )


# --------------------------------------------------------------------------- groups, callbacks


def test_groupchat_members_become_group_joins_employees_dropped():
    a = wecom_groupchats(RAW / "groupchat_get.json")
    e = a.events.sort_values("user_id")
    assert e["user_id"].tolist() == ["wmSYN0001", "wmSYN0002"]
    assert e["occurred_at"].tolist() == [ts("2025-01-03 10:00"), ts("2025-01-04 10:00")]
    assert set(e["event_type"]) == {"group_join"} and set(e["context"]) == {"group"}
    assert e["join_scene"].tolist() == ["qr_code", "invited"]
    row = steps(a.ledger).loc["wecom: group members read"]
    assert (row["rows_in"], row["dropped"]) == (3, 1)


@pytest.mark.parametrize("fname", ["callbacks.jsonl", "callbacks.xml"])
def test_callbacks_hard_churn_only_when_last_employee_deleted(fname):
    customers = ["wmSYN0001", "wmSYN0002", "wmSYN0003", "wmSYN0004", "wmSYN0005"]
    a = wecom_callbacks(RAW / fname, followers=followers_of(CONTACT_FILES), customers=customers)
    got = sorted(zip(a.events["user_id"], a.events["event_type"], a.events["occurred_at"]))
    assert got == [
        ("wmSYN0001", "del_follow_user", ts("2025-01-13 10:00")),
        ("wmSYN0002", "group_join", ts("2025-01-04 10:00")),
        ("wmSYN0004", "group_join", ts("2025-01-05 10:00")),
        ("wmSYN0004", "group_quit", ts("2025-01-10 10:00")),
    ]
    led = a.ledger.to_frame()
    assert led.iloc[0]["rows_in"] == 8  # 7 messages, one with two changed members
    assert int(led["dropped"].sum()) == 8 - 4
    assert (led["rows_in"] == led["kept"] + led["dropped"]).all()
    reasons = " ".join(led["step"])
    assert (
        "another employee still follows" in reasons and "group members who are employees" in reasons
    )
    assert "del_external_contact" in reasons


def test_without_follower_snapshot_every_deletion_is_churn():
    a = wecom_callbacks(RAW / "callbacks.jsonl")
    churn = a.events[a.events["event_type"] == "del_follow_user"]
    assert churn["occurred_at"].tolist() == [ts("2025-01-11 10:00"), ts("2025-01-13 10:00")]


# --------------------------------------------------------------------------- spreadsheets


def test_gbk_csv_with_chinese_headers():
    a = read_spreadsheet(RAW / "events_gbk.csv", table="events")
    e = a.events
    assert list(e.columns[:5]) == ["user_id", "occurred_at", "event_type", "value", "context"]
    assert e["occurred_at"].tolist() == [
        ts("2025-01-02 09:00"),
        ts("2025-01-03 12:30"),
        ts("2025-01-04 08:00"),
    ]
    led = steps(a.ledger)
    assert "gb18030" in led.loc["spreadsheet: read", "detail"]
    assert led.loc["spreadsheet: decoded as gb18030 (not UTF-8)", "repaired"] == 3


def test_xlsx_with_units_in_headers_text_ids_and_a_date_serial():
    a = read_spreadsheet(RAW / "orders.xlsx", table="orders")
    o = a.orders
    assert o["order_id"].tolist() == ["0001", "0002", "0003"]  # leading zeros kept
    assert "amount" in o.columns  # 实付金额（元） matched after NFKC and unit removal
    assert o["ordered_at"].tolist() == [
        ts("2025-01-05 20:15"),
        ts("2025-01-06 09:00"),
        ts("2025-01-06 12:00"),
    ]
    assert steps(a.ledger).loc["ordered_at: Excel date serials converted", "repaired"] == 1


def test_utf8_bom_contacts_keep_unmapped_columns():
    a = read_spreadsheet(RAW / "contacts_bom.csv", table="contacts")
    c = a.contacts
    assert c["user_id"].tolist() == ["c001", "c002"]
    assert c["channel"].tolist() == ["小红书", "referral"]
    assert c["referrer_id"].tolist()[1] == "c001" and "备注" in c.columns
    assert "utf-8-sig" in steps(a.ledger).loc["spreadsheet: read", "detail"]


def test_header_map_is_overridable(tmp_path):
    f = tmp_path / "orders.csv"
    f.write_text(
        "订单号,买家,下单时间,商品实付,订单金额,是否退款\na1,u1,2025-01-01 10:00,90,100,否\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:  # 买家 and 商品实付 are unknown
        to_tables(combine(read_spreadsheet(f, table="orders")))
    override = tmp_path / "header_map.yaml"
    override.write_text(
        "orders:\n  买家: user_id\n  商品实付: amount\n  订单金额: null\n", encoding="utf-8"
    )
    o = read_spreadsheet(f, table="orders", header_map=override).orders
    assert o.loc[0, "amount"] == "90" and o.loc[0, "订单金额"] == "100"
    assert "user_id" in str(info.value) or "amount" in str(info.value)
    assert header_map()["orders"] == HEADER_MAP["orders"]  # defaults untouched
    with pytest.raises(DataError, match="unknown table"):
        header_map({"order": {"x": "amount"}})


def _openpyxl_records(path, sheet):
    """How workbooks were read before python-calamine (openpyxl, values only): the reference
    the calamine reader must agree with."""
    import openpyxl

    from analysis.data.adapters.spreadsheet import _cell_text

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    records, numeric = [], {}
    for i, row in enumerate(ws.iter_rows(min_row=1, values_only=True)):
        cells = []
        for j, v in enumerate(row):
            text, num = _cell_text(v)
            if num:
                numeric.setdefault(j, set()).add(i)
            cells.append(text)
        records.append(cells)
    wb.close()
    width = max((len(r) for r in records), default=0)
    return [r + [""] * (width - len(r)) for r in records], numeric


def _varied_workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["订单明细"])
    ws.append([])
    ws.append(
        ["订单编号", "用户ID", "下单时间", "实付金额", "是否退款", "日期", "时刻", "标记", "编号"]
    )
    rows = [
        [1001, "007", dt.datetime(2025, 1, 6, 10, 30), 199, "否", dt.datetime(2025, 1, 6)],
        ["0002", "u2", dt.datetime(2025, 1, 7, 0, 0), 58.5, "是", None, dt.time(10, 5)],
        ["0003", "u3", 45663.5, "1,080.00", "否", None, None, True, 123456789012.0],
        [None, None, None, None, None],
        ["0004", "u4", "2025/1/9 9:05", 0.1, "否", None, None, False, "00123"],
        [None, "合计", None, 1337.6],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("A1:C1")
    wb.save(path)
    return path


def _offset_workbook(path: Path) -> Path:
    """Data starting at B3: empty rows and a column before it."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"], ws["D3"], ws["E3"], ws["F3"] = (
        "订单编号",
        "用户ID",
        "下单时间",
        "金额",
        "是否退款",
    )
    ws["B4"], ws["C4"], ws["D4"], ws["E4"], ws["F4"] = "o1", "007", "2025-01-06 10:00", 5, "否"
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "make",
    [
        _varied_workbook,
        _offset_workbook,
        lambda p: shutil.copy(RAW / "orders.xlsx", p) and p,
        lambda p: shutil.copy(BROKEN / "orders_numbers.xlsx", p) and p,
        lambda p: shutil.copy(BROKEN / "orders_report.xlsx", p) and p,
        lambda p: shutil.copy(BROKEN / "orders_text_values.xlsx", p) and p,
        lambda p: shutil.copy(BROKEN / "orders_error_cell.xlsx", p) and p,
    ],
)
def test_workbooks_read_as_openpyxl_read_them(make, tmp_path, monkeypatch):
    import analysis.data.adapters.spreadsheet as sheet_mod

    path = make(tmp_path / "orders.xlsx")
    new = read_spreadsheet(path, table="orders")
    monkeypatch.setattr(sheet_mod, "_read_workbook", _openpyxl_records)
    old = read_spreadsheet(path, table="orders")
    pd.testing.assert_frame_equal(new.orders, old.orders)
    pd.testing.assert_frame_equal(new.ledger.to_frame(), old.ledger.to_frame())
    assert list(new.sources["orders"][0].row_numbers) == list(old.sources["orders"][0].row_numbers)


def test_varied_workbook_cells_as_text(tmp_path):
    a = read_spreadsheet(_varied_workbook(tmp_path / "o.xlsx"), table="orders")
    o = a.orders
    assert o["order_id"].tolist() == ["1001", "0002", "0003", "0004"]
    assert o["日期"].tolist()[0] == "2025-01-06 00:00:00"  # a date cell at midnight
    assert o["时刻"].tolist()[1] == "10:05:00"
    assert o["标记"].tolist()[2:] == ["true", "false"] and o["编号"].tolist()[2] == "123456789012"
    assert o["ordered_at"].tolist()[1:] == [
        ts("2025-01-07 00:00"),
        ts("2025-01-06 12:00"),  # a date serial typed as a number
        ts("2025-01-09 09:05"),
    ]
    led = steps(a.ledger)
    assert led.loc["spreadsheet: title rows above the header dropped", "dropped"] == 1
    assert led.loc["spreadsheet: blank rows dropped", "dropped"] == 2
    assert led.loc["spreadsheet: total rows dropped (合计)", "dropped"] == 1
    assert a.sources["orders"][0].row_numbers.tolist() == [4, 5, 6, 8]


def test_old_xls_and_xlsx_give_the_same_table(tmp_path):
    import openpyxl

    xls = read_spreadsheet(BROKEN / "orders_old.xls", table="orders")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["订单编号", "用户ID", "下单时间", "实付金额", "是否退款", "退款金额"])
    ws.append(["o1", "007", dt.datetime(2025, 1, 6, 10), 100, "否", 0])
    ws.append(["o2", "008", dt.datetime(2025, 1, 7, 10), 50.5, "是", 50.5])
    wb.save(tmp_path / "orders.xlsx")
    xlsx = read_spreadsheet(tmp_path / "orders.xlsx", table="orders")
    pd.testing.assert_frame_equal(xls.orders, xlsx.orders)
    # the format is read from the bytes: a workbook under the other name reads the same
    shutil.copy(tmp_path / "orders.xlsx", tmp_path / "misnamed.xls")
    pd.testing.assert_frame_equal(
        read_spreadsheet(tmp_path / "misnamed.xls", table="orders").orders, xlsx.orders
    )


def test_workbook_sheet_choice_and_errors(tmp_path):
    with pytest.raises(DataError, match="no sheet 'x'"):
        read_spreadsheet(RAW / "orders.xlsx", table="orders", sheet="x")
    o = read_spreadsheet(RAW / "orders.xlsx", table="orders", sheet="订单").orders
    assert len(o) == 3
    bad = tmp_path / "orders.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="cannot be read as an Excel workbook") as info:
        read_spreadsheet(bad, table="orders")
    assert info.value.file == str(bad)


# --------------------------------------------------------------------------- full path


def _raw_folder(tmp_path: Path) -> Path:
    d = tmp_path / "raw"
    d.mkdir()
    shutil.copy(RAW / "externalcontact_get.jsonl", d / "wecom_contacts_get.jsonl")
    shutil.copy(RAW / "batch_get_by_user.json", d / "wecom_contacts_batch.json")
    shutil.copy(RAW / "groupchat_get.json", d / "wecom_groupchats.json")
    shutil.copy(RAW / "callbacks.xml", d / "wecom_callbacks.xml")
    shutil.copy(RAW / "state_map.yaml", d / "state_map.yaml")
    shutil.copy(RAW / "events_gbk.csv", d / "events_gbk.csv")
    shutil.copy(RAW / "orders.xlsx", d / "orders.xlsx")
    return d


def test_fixture_exports_load_into_canonical_tables(tmp_path):
    t = load_raw(_raw_folder(tmp_path))
    assert len(t.contacts) == 5 and len(t.orders) == 3
    counts = t.events["event_type"].value_counts().to_dict()
    assert counts == {
        "contact_add": 5,
        "group_join": 3,
        "group_quit": 1,
        "del_follow_user": 1,
        "message": 1,
        "share": 1,
        "review": 1,
    }
    led = t.ledger
    dup = led[led["step"] == "wecom: group joins seen in both snapshot and callbacks"]
    assert int(dup["dropped"].iloc[0]) == 1
    assert (led["rows_in"] == led["kept"] + led["dropped"]).all()
    assert t.orders["order_id"].tolist() == ["0001", "0002", "0003"]


def test_validation_errors_point_at_the_export_file(tmp_path):
    d = _raw_folder(tmp_path)
    (d / "events_gbk.csv").write_bytes(
        "用户ID,发生时间,事件类型\r\nwmSYN0001,2025-01-02 09:00:00,点赞\r\n".encode("gbk")
    )
    with pytest.raises(DataError) as info:
        load_raw(d)
    assert info.value.column == "event_type" and "点赞" in str(info.value)
    assert "events_gbk.csv" in info.value.file


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    sim = simulate(300, 6, 1)
    out = tmp_path_factory.mktemp("raw_sim")
    paths = write_raw(sim, out, seed=3)
    return sim, paths, load_raw(out), validate_tables(sim.contacts, sim.events, sim.orders)


def test_export_writes_the_raw_shapes(round_trip):
    _sim, paths, _t, _c = round_trip
    assert paths["events"].read_bytes().startswith("用户ID,发生时间".encode("gb18030"))
    with pytest.raises(UnicodeDecodeError):
        paths["events"].read_bytes().decode("utf-8")
    assert paths["orders"].read_bytes()[:2] == b"PK"
    text = paths["wecom_contacts"].read_text(encoding="utf-8")
    assert '"external_contact_list"' in text and '"follow_info"' in text


def test_raw_round_trip_gives_back_the_canonical_tables(round_trip):
    _sim, _paths, t, c = round_trip
    cols = ["user_id", "joined_at", "channel", "hook", "referrer_id"]
    pd.testing.assert_frame_equal(
        t.contacts[cols].sort_values("user_id").reset_index(drop=True),
        c.contacts[cols].sort_values("user_id").reset_index(drop=True),
        check_dtype=False,
    )
    key = ["user_id", "occurred_at", "event_type", "context"]
    ecols = key + ["value"]
    pd.testing.assert_frame_equal(
        t.events[ecols].sort_values(key).reset_index(drop=True),
        c.events[ecols].sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(
        t.orders[list(c.orders.columns)].sort_values("order_id").reset_index(drop=True),
        c.orders.sort_values("order_id").reset_index(drop=True),
        check_dtype=False,
    )
    merged = t.ledger[t.ledger["step"] == "wecom: customers followed by several employees merged"]
    assert int(merged["dropped"].iloc[0]) > 0  # the export did add second employees


def test_reports_agree_on_raw_and_canonical_inputs(round_trip):
    _sim, _paths, t, c = round_trip
    as_of = pd.Timestamp("2025-05-01", tz=TZ)
    a = value_evidence(t.events, t.orders, as_of=as_of, users=t.contacts["user_id"])
    b = value_evidence(c.events, c.orders, as_of=as_of, users=c.contacts["user_id"])
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index())
    la = retention_labels(t.contacts, t.events, t.orders, cutoff="2025-04-01", horizon_days=30)
    lb = retention_labels(c.contacts, c.events, c.orders, cutoff="2025-04-01", horizon_days=30)
    assert len(la) > 50
    pd.testing.assert_frame_equal(la.reset_index(drop=True), lb.reset_index(drop=True))
    assert np.isclose(a["consumption"].sum(), b["consumption"].sum())


def test_read_wecom_without_contacts_keeps_every_deletion():
    a = read_wecom(callbacks=RAW / "callbacks.jsonl")
    assert (a.events["event_type"] == "del_follow_user").sum() == 2
    # without contact responses the group members are group-only members; emp02 (the UserID
    # of a contact callback) is staff
    assert a.contacts["user_id"].tolist() == ["wmSYN0002", "wmSYN0004"]
    assert set(a.contacts["wecom_relation"]) == {"group_only"}


# --------------------------------------------------------------------------- WeCom traps


def _callback_lines() -> list[dict]:
    import json

    text = (RAW / "callbacks.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_retried_callbacks_are_one_change_and_counted():
    lines = _callback_lines()
    # WeCom re-delivers unacknowledged callbacks: the last-employee deletion three times,
    # a two-member add_member twice
    retried = lines + [lines[4], lines[4], lines[1]]
    customers = ["wmSYN0001", "wmSYN0002", "wmSYN0003", "wmSYN0004", "wmSYN0005"]
    once = wecom_callbacks(lines, followers=followers_of(CONTACT_FILES), customers=customers)
    again = wecom_callbacks(retried, followers=followers_of(CONTACT_FILES), customers=customers)
    pd.testing.assert_frame_equal(once.events, again.events)
    row = steps(again.ledger).loc["wecom: duplicate callbacks (retried deliveries) dropped"]
    assert (row["rows_in"], row["dropped"], row["kept"]) == (8 + 4, 4, 8)
    assert (
        steps(once.ledger).loc["wecom: duplicate callbacks (retried deliveries) dropped"]["dropped"]
        == 0
    )
    # the same change at another second is another change, not a retry
    later = dict(lines[2], CreateTime=lines[2]["CreateTime"] + 1)
    other = wecom_callbacks(lines + [later], customers=customers)
    assert (other.events["event_type"] == "group_quit").sum() == 2


def _one_contact(state: str, uid: str = "wmR1") -> dict:
    return {
        "external_contact": {"external_userid": uid, "type": 1},
        "follow_user": [
            {"userid": "emp01", "createtime": 1735696800, "add_way": 1, "state": state}
        ],
    }


@pytest.mark.parametrize(
    "state, pattern, smap, expected",
    [
        ("referral_wmA9", None, {}, ("referral", "unknown", "wmA9")),
        ("ref:m0042", None, {}, ("referral", "unknown", "m0042")),
        # the state map's 'referral' entry names channel and hook of every referral shape
        (
            "ref:m0042",
            None,
            {"referral": {"channel": "old_brings_new", "hook": "gift"}},
            ("old_brings_new", "gift", "m0042"),
        ),
        (
            "inv-7-m0042",
            r"inv-(?P<key>\d+)-(?P<referrer>\w+)",
            {"7": {"channel": "kol", "hook": "trial"}},
            ("kol", "trial", "m0042"),
        ),
        ("INV_m0042", r"INV_(\w+)", {}, ("referral", "unknown", "m0042")),
        # a state the map names exactly is not a referral, whatever its shape
        (
            "referral_day",
            None,
            {"referral_day": {"channel": "event", "hook": "merch"}},
            ("event", "merch", None),
        ),
        # shapes that are not referrals: empty id, other prefixes
        ("referral_", None, {}, ("referral_", "unknown", None)),
        ("reference", None, {}, ("reference", "unknown", None)),
    ],
)
def test_referral_states_in_the_shapes_brands_use(state, pattern, smap, expected):
    a = wecom_contacts([_one_contact(state)], state_map=smap, referral_pattern=pattern)
    row = a.contacts.iloc[0]
    ref = None if pd.isna(row["referrer_id"]) else row["referrer_id"]
    assert (row["channel"], row["hook"], ref) == expected
    led = steps(a.ledger)
    if expected[2] is not None:
        assert "wecom: referrer read from referral states" in led.index
    else:
        assert "wecom: referrer read from referral states" not in led.index


def test_referral_pattern_reaches_the_raw_loader_and_is_checked(tmp_path):
    import json

    d = tmp_path / "raw"
    d.mkdir()
    recs = [
        _one_contact("", "wmR0"),
        _one_contact("邀请wmR0", "wmR1"),
        _one_contact("ref:wmR0", "wmR2"),
    ]
    (d / "wecom_contacts.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8"
    )
    t = load_raw(d, referral_pattern=r"邀请(?P<referrer>wm\w+)")
    assert t.contacts.set_index("user_id")["referrer_id"].tolist()[1:] == ["wmR0", "wmR0"]
    led = t.ledger.set_index("step").loc["wecom: referrer read from referral states"]
    assert led["detail"] == "ref:<id> 1, referral_pattern 1"
    assert pd.isna(load_raw(d).contacts.set_index("user_id").loc["wmR1", "referrer_id"])
    with pytest.raises(ValueError, match="group named 'referrer'"):
        load_raw(d, referral_pattern=r"(a)(b)")
    with pytest.raises(ValueError, match="not a regular expression"):
        load_raw(d, referral_pattern=r"(")


def test_personal_data_used_as_ids_is_loaded_and_named_in_the_ledger(tmp_path):
    from analysis.data.load import load_tables

    phones = {"007": "13800000007", "008": "+86 13900000008"}
    d = tmp_path / "data"
    shutil.copytree(BROKEN / "base", d)
    for name in ("contacts", "events", "orders"):
        df = pd.read_csv(d / f"{name}.csv", dtype=str, keep_default_na=False)
        for col in ("user_id", "referrer_id"):
            if col in df.columns:
                df[col] = df[col].replace(phones)
        df.to_csv(d / f"{name}.csv", index=False)
    t = load_tables(d)
    assert "13800000007" in set(t.contacts["user_id"])  # loaded as is
    led = t.ledger.set_index(["table", "step"])
    step = "personal data: user_id looks like mobile phone numbers"
    assert led.loc[("contacts", step), "detail"].startswith("2 of 4 rows")
    assert led.loc[("events", step), "detail"].startswith("4 of 6 rows")
    assert led.loc[("orders", step), "detail"].startswith("2 of 4 rows")
    ref = led.loc[("contacts", "personal data: referrer_id looks like mobile phone numbers")]
    assert ref["detail"].startswith("1 of 4 rows") and ref["dropped"] == ref["repaired"] == 0
    assert not any("1380000000" in v or "1390000000" in v for v in t.ledger.astype(str).stack())
    clean = load_tables(BROKEN / "base").ledger
    assert not clean["step"].str.startswith("personal data").any()


# --------------------------------------------------------------------------- raw folders

TRAPS = RAW / "wecom-traps"
TRAPS_PATTERN = r"inv-(?P<referrer>wm\w+)"


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """A table as the expected CSV files write it: ISO times, empty for missing, whole
    numbers without '.0', flags true/false."""

    def cell(v) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        if isinstance(v, pd.Timestamp):
            return v.isoformat()
        if isinstance(v, (bool, np.bool_)):
            return "true" if v else "false"
        if isinstance(v, (float, np.floating)):
            return str(int(v)) if float(v).is_integer() else repr(float(v))
        return str(v)

    return pd.DataFrame({c: pd.Series([cell(v) for v in df[c]], dtype="str") for c in df.columns})


def _expected(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / "expected" / f"{name}.csv", dtype=str, keep_default_na=False)


def _assert_tables(t, folder: Path) -> None:
    keys = {
        "contacts": ["user_id"],
        "events": ["user_id", "occurred_at", "event_type"],
        "orders": ["order_id"],
    }
    for name, key in keys.items():
        if not (folder / "expected" / f"{name}.csv").is_file():
            continue
        want = _expected(folder, name)
        got = _as_text(getattr(t, name)).sort_values(key, kind="mergesort")
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want, obj=name)


def test_wecom_traps_folder_gives_the_expected_tables():
    t = load_raw(TRAPS, referral_pattern=TRAPS_PATTERN)
    _assert_tables(t, TRAPS)
    led = t.ledger
    mine = led[led["step"].str.startswith(("wecom:", "personal data:"))]
    want = _expected(TRAPS, "ledger").astype({k: int for k in ("rows_in", "kept", "dropped")})
    want = want.astype({"repaired": int})
    got = mine.drop(columns="detail").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # the personal-data lines count rows and never show a value
    pd_lines = mine[mine["step"].str.startswith("personal data:")]
    assert pd_lines["detail"].str.match(r"1 of \d+ rows").all()
    assert not led["detail"].str.contains("13800138000").any()


def test_wecom_traps_do_not_depend_on_file_or_record_order(tmp_path):
    import json

    d = tmp_path / "traps"
    shutil.copytree(TRAPS, d)
    lines = (d / "wecom_callbacks.jsonl").read_text(encoding="utf-8").splitlines()
    (d / "wecom_callbacks.jsonl").write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    page = json.loads((d / "wecom_contacts_2025-03-31.json").read_text(encoding="utf-8"))
    page["external_contact_list"].reverse()
    (d / "wecom_contacts_2025-03-31.json").write_text(json.dumps(page), encoding="utf-8")
    _assert_tables(load_raw(d, referral_pattern=TRAPS_PATTERN), TRAPS)


def test_group_only_rule_drop_removes_their_events_and_counts_them():
    keep = load_raw(TRAPS, referral_pattern=TRAPS_PATTERN)
    drop = load_raw(TRAPS, referral_pattern=TRAPS_PATTERN, group_only="drop")
    gone = {"wmTRAP0004", "wmTRAP0005", "wmTRAP0009"}
    assert set(keep.contacts["user_id"]) - set(drop.contacts["user_id"]) == gone
    assert not drop.events["user_id"].isin(gone).any()
    assert len(keep.events) - len(drop.events) == 5
    led = drop.ledger.set_index("step")
    row = led.loc["wecom: events of group-only members dropped (group_only=drop)"]
    assert (row["dropped"], row["kept"]) == (5, len(drop.events))
    rule = led.loc["wecom: group-only members (in a customer group, never a contact) added"]
    assert rule["kept"] == 0 and "3 members not added" in rule["detail"]
    with pytest.raises(ValueError, match="group_only must be one of"):
        load_raw(TRAPS, group_only="employees")


def test_readd_seen_only_in_two_pulls_keeps_the_first_add_way():
    def pull(t, add_way, state, extra=()):
        follows = [{"userid": "emp01", "createtime": t, "add_way": add_way, "state": state}]
        return {
            "external_contact": {"external_userid": "wmR1", "type": 1},
            "follow_user": follows + list(extra),
        }

    t0 = 1735696800
    first, again = pull(t0, 1, "s01"), pull(t0 + 9 * 86400, 2, "")
    a = read_wecom(contacts=[again, first], state_map={"s01": {"channel": "douyin", "hook": "x"}})
    c = a.contacts.iloc[0]
    assert (c["joined_at"], c["add_way"], c["channel"]) == (ts("2025-01-01 10:00"), "1", "douyin")
    adds = a.events.loc[a.events["event_type"] == "contact_add", "occurred_at"].tolist()
    assert adds == [ts("2025-01-01 10:00"), ts("2025-01-10 10:00")]
    step = steps(a.ledger).loc["wecom: contact_add events from follow relations"]
    assert "later createtime: 1" in step["detail"]
    # a second employee's add while the first still follows is not an entry
    other = {"userid": "emp02", "createtime": t0 + 3600, "add_way": 1, "state": ""}
    b = read_wecom(contacts=[pull(t0, 1, "s01", [other])])
    assert (b.events["event_type"] == "contact_add").sum() == 1


def test_raw_round_trip_with_add_callbacks_and_retries(round_trip, tmp_path):
    sim, _paths, plain, _c = round_trip
    paths = write_raw(sim, tmp_path, seed=3, add_callbacks=True, retry_rate=0.3)
    lines = paths["wecom_callbacks"].read_text(encoding="utf-8").splitlines()
    n_retried = len(lines) - len(set(lines))
    assert n_retried > 50 and sum('"add_external_contact"' in x for x in lines) > 300
    t = load_raw(tmp_path)
    for name in ("contacts", "events", "orders"):
        a, b = getattr(t, name), getattr(plain, name)
        key = list(b.columns[:3])
        pd.testing.assert_frame_equal(
            a[list(b.columns)].sort_values(key).reset_index(drop=True),
            b.sort_values(key).reset_index(drop=True),
            obj=name,
        )
    led = t.ledger.set_index("step")
    assert (
        led.loc["wecom: duplicate callbacks (retried deliveries) dropped", "dropped"] == n_retried
    )
    known = led.loc["wecom: contact adds already in the contact responses dropped", "dropped"]
    assert known == sum('"add_external_contact"' in x for x in set(lines))


def test_wecom_small_folder_gives_the_expected_tables_and_an_empty_orders_table():
    folder = RAW / "wecom-small"
    t = load_raw(folder)
    _assert_tables(t, folder)
    assert len(t.orders) == 0
    led = t.ledger
    mine = led[led["step"].str.startswith("wecom:") | (led["table"] == "orders")]
    want = _expected(folder, "ledger")
    pd.testing.assert_frame_equal(
        mine.drop(columns="detail").reset_index(drop=True),
        want.astype({k: "int64" for k in ("rows_in", "kept", "dropped", "repaired")}),
        check_dtype=False,
    )


@pytest.mark.notebook
def test_overview_of_the_traps_folder_shows_the_ledger_and_no_phone_number(tmp_path):
    from analysis.reports.build import discover, run_report

    report = next(r for r in discover() if r.name == "data-overview")
    run_report(report, tmp_path, parameters={"data_dir": str(TRAPS)})
    ledger = (tmp_path / "tables" / "data-overview" / "ledger.csv").read_text(encoding="utf-8")
    assert "personal data: user_id looks like mobile phone numbers" in ledger
    assert "wecom: duplicate callbacks (retried deliveries) dropped" in ledger
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in files)
    leaks = [p.name for p in files if "13800138000" in p.read_text(errors="replace")]
    assert not leaks, leaks


def test_errors_in_merged_tables_name_each_files_own_record(tmp_path):
    import json

    d = tmp_path / "traps"
    shutil.copytree(TRAPS, d)
    cb = d / "wecom_callbacks.jsonl"
    n = len(cb.read_text(encoding="utf-8").splitlines())
    ghost = {
        "Event": "change_external_contact",
        "ChangeType": "del_follow_user",
        "UserID": "emp01",
        "ExternalUserID": "wmGHOST01",
        "CreateTime": 1741500000,
    }
    with open(cb, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(ghost) + "\n")
    with pytest.raises(DataError) as info:  # a deletion of a customer no export knows
        load_raw(d, referral_pattern=TRAPS_PATTERN)
    assert info.value.rows == [f"wecom_callbacks.jsonl:{n + 1}"], str(info.value)
    cb.write_text("\n".join(cb.read_text(encoding="utf-8").splitlines()[:n]) + "\n", "utf-8")
    (d / "events.csv").write_text(
        "用户ID,发生时间,事件类型\nwmTRAP0001,2025-03-02 09:00:00,message\n"
        "wmTRAP0001,2025-03-02 10:00:00,点赞\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:  # a spreadsheet merged with the WeCom events
        load_raw(d, referral_pattern=TRAPS_PATTERN)
    assert info.value.column == "event_type" and info.value.rows == ["events.csv:3"]


# --------------------------------------------------------------------------- history property


def _history(draw_actions, n_pulls_at):
    """Replay random add / delete actions: the truth (entries, churns, first add) and the
    exports a brand would hold (every callback, some delivered twice; pulls at given steps)."""
    follows: dict[str, dict[str, tuple]] = {}
    entries, churns, first = [], [], {}
    callbacks, pulls = [], []
    t = 1740794400
    for step, (cust, emp, kind, gap, add_way, retry) in enumerate(draw_actions):
        t += gap
        u, e = f"wmP{cust:04d}", f"emp{emp}"
        rel = follows.setdefault(u, {})
        if kind == "add" and e not in rel:
            if not rel:
                entries.append((u, t))
            first.setdefault(u, (t, add_way, e))
            rel[e] = (t, add_way)
            change, extra = "add_external_contact", {"State": ""}
        elif kind in ("del_follow_user", "del_external_contact") and e in rel:
            del rel[e]
            if not rel and kind == "del_follow_user":
                churns.append((u, t))
            change, extra = kind, {}
        else:
            continue
        msg = {"Event": "change_external_contact", "ChangeType": change, "UserID": e,
               "ExternalUserID": u, "CreateTime": t, **extra}  # fmt: skip
        callbacks += [msg] * (2 if retry else 1)
        if step in n_pulls_at:
            pulls.append(
                [
                    {
                        "external_contact": {"external_userid": uu, "type": 1},
                        "follow_user": [
                            {"userid": ee, "createtime": ct, "add_way": aw, "state": ""}
                            for ee, (ct, aw) in sorted(r.items())
                        ],
                    }
                    for uu, r in sorted(follows.items())
                    if r
                ]
            )
    return entries, churns, first, callbacks, [p for pull in pulls for p in pull]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    actions=st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(1, 3),
            st.sampled_from(["add", "add", "del_follow_user", "del_external_contact"]),
            st.integers(1, 5000),
            st.sampled_from([1, 2, 201]),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    ),
    pulls_at=st.sets(st.integers(0, 29), max_size=3),
)
def test_history_replay_matches_the_truth(actions, pulls_at):
    entries, churns, first, callbacks, pulls = _history(actions, pulls_at)
    if not entries:
        return
    a = read_wecom(contacts=pulls or None, callbacks=callbacks)
    e = a.events
    unix = e["occurred_at"].map(lambda x: int(x.timestamp()))
    got = sorted(zip(e["user_id"], e["event_type"], unix))
    want = sorted(
        [(u, "contact_add", t) for u, t in entries] + [(u, "del_follow_user", t) for u, t in churns]
    )
    assert got == want
    c = a.contacts.set_index("user_id")
    assert sorted(c.index) == sorted(first)
    for u, (t, add_way, emp) in first.items():
        assert int(c.loc[u, "joined_at"].timestamp()) == t
        assert c.loc[u, "follow_user"] == emp
        in_pull = any(
            p["external_contact"]["external_userid"] == u
            and any(f["createtime"] == t and f["userid"] == emp for f in p["follow_user"])
            for p in pulls
        )
        assert c.loc[u, "add_way"] == (str(add_way) if in_pull else "0")
    retried = len(callbacks) - len({tuple(sorted(m.items())) for m in callbacks})
    step = steps(a.ledger).loc["wecom: duplicate callbacks (retried deliveries) dropped"]
    assert step["dropped"] == retried


def test_a_group_member_in_a_contacts_spreadsheet_is_that_contact_not_group_only(tmp_path):
    d = tmp_path / "traps"
    shutil.copytree(TRAPS, d)
    with open(d / "contacts_store.csv", "a", encoding="utf-8") as fh:
        fh.write("wmTRAP0004,2025-03-01 09:00:00,offline_store,merch\n")
    t = load_raw(d, referral_pattern=TRAPS_PATTERN)
    row = t.contacts.set_index("user_id").loc["wmTRAP0004"]
    assert (row["channel"], row["joined_at"]) == ("offline_store", ts("2025-03-01 09:00"))
    assert (t.contacts["wecom_relation"] == "group_only").sum() == 2
    assert (t.events["user_id"] == "wmTRAP0004").sum() == 1  # its group join, kept
    rule = t.ledger.set_index("step").loc[
        "wecom: group-only members (in a customer group, never a contact) added"
    ]
    assert rule["kept"] == 2 and "1 group members are contacts of another export" in rule["detail"]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_two_level_header_reads_its_lower_row_and_counts_the_upper(tmp_path, kind):
    """订单信息 over three columns and 金额信息 over three (merged cells): the lower row is the
    header, the upper one is dropped and named in the ledger."""
    import datetime as dt

    head = ["订单编号", "用户ID", "下单时间", "实付金额", "是否退款", "退款金额"]
    rows = [
        ["订单信息", None, None, "金额信息", None, None],
        head,
        ["o1", "007", dt.datetime(2025, 1, 6, 10), 100, "否", 0],
        ["o2", "008", dt.datetime(2025, 1, 7, 10), 50.5, "是", 50.5],
    ]
    if kind == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.active.merge_cells("A1:C1")
        wb.active.merge_cells("D1:F1")
        path = tmp_path / "orders.xlsx"
        wb.save(path)
    else:
        path = tmp_path / "orders.csv"
        path.write_text(
            "\n".join(",".join("" if v is None else str(v) for v in r) for r in rows) + "\n",
            encoding="utf-8",
        )
    a = read_spreadsheet(path, table="orders")
    got = a.table("orders")
    assert got["order_id"].tolist() == ["o1", "o2"] and list(got.columns[:2]) == [
        "order_id",
        "user_id",
    ]
    led = a.ledger.to_frame().set_index("step")
    step = led.loc["spreadsheet: title rows above the header dropped"]
    assert step["dropped"] == 1
    assert (
        "two-level header (订单信息, 金额信息)" in step["detail"]
        and "header is row 2" in step["detail"]
    )


def test_a_header_with_a_blank_name_over_data_is_not_taken_for_a_two_level_header(tmp_path):
    """A real header with one unnamed column stays the header (and its error stays)."""
    path = tmp_path / "orders.csv"
    path.write_text("订单编号,用户ID,,实付金额\no1,007,2025-01-06 10:00,100\n", encoding="utf-8")
    with pytest.raises(DataError, match="column without a name"):
        read_spreadsheet(path, table="orders")
