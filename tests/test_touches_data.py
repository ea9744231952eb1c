"""The optional touches table: classification by the rule table, group expansion at the time
of sending, clear errors and ledger lines, and folders without touches unchanged."""

import pandas as pd
import pytest

from analysis.data.errors import DataError
from analysis.data.load import load_tables
from analysis.data.touches import RULES_FILE, load_touch_rules

CONTACTS = """user_id,joined_at,channel,hook,referrer_id
u1,2025-01-01 10:00,douyin,coupon,
u2,2025-01-02 10:00,douyin,coupon,
u3,2025-01-03 10:00,partner,trial,
"""
EVENTS = """user_id,occurred_at,event_type,value,context,group_id
u1,2025-01-01 10:00,contact_add,,1v1,
u1,2025-01-01 11:00,group_join,,group,g1
u2,2025-01-02 11:00,group_join,,group,g1
u2,2025-01-05 11:00,group_quit,,group,g1
u3,2025-01-04 11:00,group_join,,group,g1
"""
ORDERS = """order_id,user_id,ordered_at,amount,is_refund
o1,u1,2025-01-06 10:00,10,false
"""
HEADER = "touch_id,sent_at,user_id,group_id,channel,kind,content_type,sender,campaign,"
TOUCHES = (
    HEADER
    + """text,attachment_type
m1,2025-01-03 12:00,,g1,群发,,,s1,,限时秒杀 下单立减,image
m2,2025-01-06 12:00,,g1,group,,,s1,,今天分享一个护肤小技巧,video
m3,2025-01-06 13:00,u1,,1v1,,,s2,,您上次买的面霜快用完了吧,
m4,2025-01-07 13:00,u3,,1v1,内容,直播,s2,spring,,
m5,2025-01-07 14:00,u3,,1v1,,,s2,,在吗,
"""
)


def folder(tmp_path, touches=TOUCHES, events=EVENTS, rules=None):
    d = tmp_path / "d"
    d.mkdir()
    for name, text in (("contacts", CONTACTS), ("events", EVENTS if events is None else events)):
        (d / f"{name}.csv").write_text(text, encoding="utf-8")
    (d / "orders.csv").write_text(ORDERS, encoding="utf-8")
    if touches is not None:
        (d / "touches.csv").write_text(touches, encoding="utf-8")
    if rules is not None:
        (d / "touch_rules.yaml").write_text(rules, encoding="utf-8")
    return d


def test_touches_load_classified_and_expanded_to_members_at_the_time(tmp_path):
    t = load_tables(folder(tmp_path))
    got = t.touches[["touch_id", "user_id", "channel", "kind", "content_type"]]
    rows = [tuple(r) for r in got.itertuples(index=False)]
    assert rows == [
        # m1: u1 and u2 were in g1; u3 joined only on the 4th
        ("m1", "u1", "group", "promo", "图文"),
        ("m1", "u2", "group", "promo", "图文"),
        # m2: u2 quit on the 5th
        ("m2", "u1", "group", "content", "短视频"),
        ("m2", "u3", "group", "content", "短视频"),
        ("m3", "u1", "1v1", "care", "文字"),
        ("m4", "u3", "1v1", "content", "直播"),  # given values kept (内容 is an alias)
        ("m5", "u3", "1v1", "unclassified", "文字"),  # no rule matched: counted, not guessed
    ]
    assert t.touches["group_id"].tolist()[:4] == ["g1"] * 4
    assert t.touches["group_id"].isna().tolist()[4:] == [True] * 3
    assert str(t.touches["sent_at"].dt.tz) == "Asia/Shanghai"
    led = t.ledger[t.ledger["table"] == "touches"].set_index("step")
    assert led.loc["kind: unclassified (no value and no rule matched)", "repaired"] == 1
    assert led.loc["kind: classified by the rule table", "repaired"] == 3
    assert led.loc["final", "kept"] == 7
    assert (t.ledger["rows_in"] == t.ledger["kept"] + t.ledger["dropped"]).all()


def test_folder_without_touches_is_unchanged(tmp_path):
    t = load_tables(folder(tmp_path, touches=None))
    assert t.touches is None
    assert "touches" not in set(t.ledger["table"])


def test_an_edited_rule_table_beside_the_data_is_used(tmp_path):
    rules = RULES_FILE.read_text(encoding="utf-8").replace("[早安,", "[在吗, 早安,")
    t = load_tables(folder(tmp_path, rules=rules))
    assert t.touches.loc[t.touches["touch_id"] == "m5", "kind"].item() == "greeting"


def test_rule_order_decides_care_before_promo():
    rules = load_touch_rules()
    text = pd.Series(["生日快乐，送您一张券", "新品秒杀", "随便聊聊", None])
    assert rules.kind_of(text).tolist() == ["care", "promo", "unclassified", "unclassified"]
    att = pd.Series(["", "miniprogram,image", "", None])
    assert rules.content_type_of(att, pd.Series(["今晚直播", "x", "y", None])).tolist() == [
        "直播",
        "小程序",
        "文字",
        "unclassified",
    ]


def test_unknown_rule_kind_is_an_error():
    with pytest.raises(DataError, match="unknown kind 'sale'"):
        load_touch_rules({"kind": [{"kind": "sale", "keywords": ["x"]}]})


@pytest.mark.parametrize(
    "old, new, column, problem, example",
    [
        (
            "m3,2025-01-06 13:00,u1,,1v1",
            "m3,2025-01-06 13:00,u1,,wechat",
            "channel",
            "unknown channel",
            "wechat",
        ),
        (
            "m4,2025-01-07 13:00,u3,,1v1,内容",
            "m4,2025-01-07 13:00,u3,,1v1,sale",
            "kind",
            "unknown kind",
            "sale",
        ),
        (
            "m5,2025-01-07 14:00,u3,,",
            "m5,2025-01-07 14:00,,,",
            "user_id",
            "touch without a target",
            "m5",
        ),
        ("m5,2025-01-07 14:00", "m5,yesterday", "sent_at", "unparseable timestamp", "yesterday"),
    ],
)
def test_bad_rows_name_file_column_row_and_example(tmp_path, old, new, column, problem, example):
    with pytest.raises(DataError) as err:
        load_tables(folder(tmp_path, touches=TOUCHES.replace(old, new)))
    e = err.value
    assert e.column == column and problem in e.problem
    assert e.examples[0] == example and "touches.csv" in str(e)
    assert e.rows == [
        TOUCHES.splitlines().index(next(ln for ln in TOUCHES.splitlines() if ln.startswith(old)))
        + 1
    ]


def test_group_touches_without_membership_are_an_error(tmp_path):
    events = EVENTS.replace(",group_id", "").replace(",g1", "").replace(",\n", "\n")
    events = "\n".join(ln.rsplit(",", 0)[0] for ln in events.splitlines()) + "\n"
    with pytest.raises(DataError, match="need group membership") as err:
        load_tables(folder(tmp_path, events=events))
    assert err.value.n_rows == 2 and err.value.examples == ["g1", "g1"]


def test_touch_of_unknown_user_is_an_error_or_a_counted_drop(tmp_path):
    bad = TOUCHES.replace("m5,2025-01-07 14:00,u3", "m5,2025-01-07 14:00,u9")
    with pytest.raises(DataError, match="user not found in contacts") as err:
        load_tables(folder(tmp_path, touches=bad))
    assert err.value.examples == ["m5 -> u9"]
    t = load_tables(tmp_path / "d", drop_orphans=True)
    step = t.ledger[t.ledger["step"] == "user not found in contacts: dropped"]
    assert step["dropped"].tolist() == [1] and len(t.touches) == 6


def test_touches_after_observed_until_are_cut(tmp_path):
    t = load_tables(folder(tmp_path), observed_until="2025-01-06 12:30")
    assert t.touches["touch_id"].tolist() == ["m1", "m1", "m2", "m2"]
