"""WeCom group-send records and touches spreadsheets → the touches table, on committed
fixtures shaped like the real API responses (tests/fixtures/make_fixtures.py)."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.adapters import read_spreadsheet, wecom_group_sends
from analysis.data.errors import DataError
from analysis.data.load import load_tables

RAW = Path(__file__).parent / "fixtures" / "raw"
SENDS = [RAW / "wecom_groupmsg_list.json", RAW / "wecom_groupmsg_results.jsonl"]


def raw_folder(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    shutil.copy(RAW / "externalcontact_get.jsonl", d / "wecom_contacts.jsonl")
    shutil.copy(RAW / "groupchat_get.json", d / "wecom_groupchats.json")
    shutil.copy(RAW / "state_map.yaml", d / "state_map.yaml")
    for f in (*SENDS, RAW / "touches_gbk.csv"):
        shutil.copy(f, d / f.name)
    return d


def test_group_sends_keep_only_delivered_recipients():
    a = wecom_group_sends(SENDS)
    t = a.touches
    assert t["touch_id"].tolist() == ["msgSYN01", "msgSYN02"]
    assert t["group_id"].tolist()[0] == "wrSYNchat01" and pd.isna(t["user_id"].iloc[0])
    assert t["user_id"].tolist()[1] == "wmSYN0001" and pd.isna(t["group_id"].iloc[1])
    assert t["channel"].tolist() == ["group", "1v1"]
    assert t["attachment_type"].tolist() == ["miniprogram", "image,link"]
    assert t["sender"].tolist() == ["emp01", "emp02"]
    assert [str(x) for x in t["sent_at"]] == [
        "2025-01-06 10:10:00+08:00",  # send_time, not create_time
        "2025-01-07 10:10:00+08:00",
    ]
    led = a.ledger.to_frame().set_index("step")
    step = led.loc["wecom: send results read; recipients who did not get the message dropped"]
    assert (step["rows_in"], step["kept"], step["dropped"]) == (4, 2, 2)
    assert step["detail"] == "not sent x1, not a friend x1"
    unsent = led.loc["wecom: listed messages without send results (no recipient known)"]
    assert unsent["dropped"] == 1 and "msgSYN03" in unsent["detail"]


def test_raw_folder_gives_expanded_classified_touches(tmp_path):
    t = load_tables(raw_folder(tmp_path))
    got = [
        tuple(r)
        for r in t.touches[["touch_id", "user_id", "channel", "kind", "content_type"]].itertuples(
            index=False
        )
    ]
    assert got == [
        ("msgSYN01", "wmSYN0001", "group", "promo", "小程序"),  # members of wrSYNchat01
        ("msgSYN01", "wmSYN0002", "group", "promo", "小程序"),
        ("msgSYN02", "wmSYN0001", "1v1", "content", "图文"),
        ("t001", "wmSYN0001", "1v1", "care", "文字"),  # 关怀 from the sheet (alias)
        ("t002", "wmSYN0001", "group", "content", "短视频"),
        ("t002", "wmSYN0002", "group", "content", "短视频"),
        ("t003", "wmSYN0002", "moments", "unclassified", "图文"),  # no text: counted
    ]
    led = t.ledger[t.ledger["table"] == "touches"]
    assert "spreadsheet: decoded as gb18030 (not UTF-8)" in set(led["step"])
    unc = led[led["step"] == "kind: unclassified (no value and no rule matched)"]
    assert unc["repaired"].tolist() == [1]


def test_record_order_does_not_matter(tmp_path):
    lines = (RAW / "wecom_groupmsg_results.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(x) for x in reversed(lines)]
    listing = json.loads((RAW / "wecom_groupmsg_list.json").read_text(encoding="utf-8"))
    a = wecom_group_sends(SENDS).touches
    b = wecom_group_sends([*recs, listing]).touches
    key = ["touch_id", "sent_at"]
    pd.testing.assert_frame_equal(
        a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    )


@pytest.mark.parametrize(
    "record, column, problem",
    [
        (
            {"errcode": 0, "send_list": [{"chat_id": "c", "status": 1, "send_time": 1}]},
            "send_list",
            "without the msgid",
        ),
        (
            {"errcode": 0, "msgid": "m", "send_list": [{"external_userid": "u", "status": "x"}]},
            "send_list.status",
            "status is not an integer",
        ),
        (
            {"errcode": 0, "msgid": "m", "send_list": [{"status": 1, "send_time": 1736129400}]},
            "send_list",
            "neither external_userid nor chat_id",
        ),
        (
            {
                "errcode": 0,
                "msgid": "m",
                "send_list": [{"chat_id": "c", "status": 1, "send_time": 1736129400000}],
            },
            "send_list.send_time",
            "milliseconds",
        ),
        ({"errcode": 45009, "errmsg": "api freq out of limit"}, "errcode", "returned an error"),
        ({"errcode": 0, "external_contact": {}}, None, "not a group-send record"),
    ],
)
def test_bad_records_name_file_column_and_record(tmp_path, record, column, problem):
    path = tmp_path / "wecom_groupmsg_bad.jsonl"
    path.write_text(
        json.dumps({"errcode": 0, "group_msg_list": []}) + "\n" + json.dumps(record) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        wecom_group_sends([path])
    e = err.value
    assert e.column == column and problem in e.problem
    assert e.file == str(path) and e.rows == [2]


def test_touches_spreadsheet_headers_are_mapped():
    a = read_spreadsheet(RAW / "touches_gbk.csv", table="touches")
    assert list(a.touches.columns[:4]) == ["touch_id", "sent_at", "user_id", "group_id"]
    assert a.touches["text"].iloc[0] == "您上次买的面霜快用完了吧"
    assert str(a.touches["sent_at"].dt.tz) == "Asia/Shanghai"
