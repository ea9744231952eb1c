"""The data overview's results: each reading says what its hand-made table holds, in English
and Chinese, and each figure is drawn on a new or a given axes."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes

from analysis.data.validate import validate_tables
from analysis.data.vocab import default_vocabulary
from analysis.studies import overview as ov


def frames():
    contacts = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "e"],
            "joined_at": ["2025-01-05", "2025-01-20", "2025-02-01", "2025-02-10", "2025-03-10"],
            "channel": ["douyin", "douyin", "douyin", "partner", "douyin"],
            "hook": ["coupon", "trial", "coupon", "trial", "coupon"],
            "referrer_id": [None] * 5,
        }
    )
    events = pd.DataFrame(
        {
            "user_id": ["a", "a", "b", "c", "c", "a"],
            "occurred_at": [
                "2025-01-10",
                "2025-02-20",
                "2025-02-01",
                "2025-02-15",
                "2025-03-05",
                "2025-04-11",
            ],
            "event_type": ["share", "share", "inquiry", "message", "post", "cocreation"],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3"],
            "user_id": ["a", "a", "c"],
            "ordered_at": ["2025-02-10", "2025-03-02", "2025-02-20"],
            "amount": [100.0, 40.0, 60.0],
            "is_refund": [False, False, True],
            "refund_amount": [0.0, 0.0, 20.0],
        }
    )
    t = validate_tables(contacts, events, orders)
    return t.contacts, t.events, t.orders


def _new_figure_and_given_axes(result):
    plt.close("all")
    ax = result.plot(lang="en")
    assert isinstance(ax, Axes) and len(plt.get_fignums()) == 1
    fig, given = plt.subplots()
    assert result.plot(ax=given, lang="en") is given
    assert given.has_data()
    plt.close("all")


def test_ledger_reading_counts_read_dropped_and_repaired_rows():
    ledger = pd.DataFrame(
        {
            "table": ["contacts", "events", "events", "contacts", "events"],
            "step": ["read", "read", "dedupe", "final", "final"],
            "rows_in": [10, 20, 20, 10, 17],
            "kept": [10, 20, 17, 10, 17],
            "dropped": [0, 0, 3, 0, 0],
            "repaired": [1, 0, 2, 0, 0],
            "detail": [""] * 5,
        }
    )
    r = ov.Ledger(ledger)
    assert (r.read, r.dropped, r.repaired) == (30, 3, 3)
    assert r.reading("en") == (
        "The loader read 30 rows in three tables; it dropped 3 and repaired 3 (see the steps "
        "above)."
    )
    assert r.reading("zh") == "共读取三张表 30 行；删除 3 行，修复 3 行（见上表各步骤）。"
    # the final rows repeat the totals: a drop recorded there is not counted twice
    twice = ledger.assign(dropped=[0, 0, 3, 0, 3])
    assert ov.Ledger(twice).dropped == 3


def test_table_summary_reading_and_headline():
    c, e, o = frames()
    r = ov.table_summary(c, e, o, dropped=4)
    assert list(r.table["table"]) == ["contacts", "events", "orders"]
    assert r.reading("en") == (
        "5 contacts, 6 events and 3 orders, spanning 96 days from 2025-01-05 to 2025-04-11; "
        "3 contacts have at least one event and 2 at least one order."
    )
    assert r.reading("zh") == (
        "5 位联系人、6 条事件、3 笔订单，覆盖 2025-01-05 至 2025-04-11 共 96 天；3 位联系人至少有"
        "一条事件，2 位至少下过一单。"
    )
    assert r.headline("en") == (
        "5 contacts, 6 events and 3 orders from 2025-01-05 to 2025-04-11; the loader dropped "
        "4 rows."
    )
    assert r.headline("zh").endswith("清洗删除 4 行。")
    # events and orders are told apart by table name, not by position
    swapped = ov.TableSummary(r.table.iloc[[0, 2, 1]].reset_index(drop=True), dropped=4)
    assert swapped.reading("en") == r.reading("en")


def test_contact_mix_names_the_largest_and_the_smallest_channel():
    c, _, _ = frames()
    r = ov.contact_mix(c)
    assert r.reading("en") == (
        "The largest channel is **douyin** with 4 contacts (80%); the smallest is **partner** "
        "(20%)."
    )
    assert (
        r.reading("zh") == "最大的渠道是**抖音**，4 位联系人（80%）；最小的是**合作伙伴**（20%）。"
    )
    flipped = ov.contact_mix(c.assign(channel=c["channel"].map({"douyin": "partner"}).fillna("x")))
    assert flipped.reading("en").startswith("The largest channel is **partner** with 4")
    assert flipped.reading("en").endswith("the smallest is **x** (20%).")
    _new_figure_and_given_axes(r)


def test_joins_reading_first_last_and_peak_period():
    c, _, _ = frames()
    r = ov.joins_by_period(c, by="channel", freq="M")
    assert r.reading("en") == (
        "New contacts per period went from 2 in the first period to 1 in the last (peak 2 in "
        "2025-01)."
    )
    assert r.reading("zh") == (
        "每期新增联系人从第一期的 2 位变为最后一期的 1 位（峰值 2 位，出现在 2025年1月）。"
    )
    late = ov.joins_by_period(
        c.assign(joined_at=c["joined_at"].where(c["user_id"] != "a", c["joined_at"].max())),
        freq="M",
    )
    assert late.reading("en") == (
        "New contacts per period went from 1 in the first period to 2 in the last (peak 2 in "
        "2025-02)."
    )  # a tie for the peak goes to the earlier period
    _new_figure_and_given_axes(r)


def test_vocabulary_counts_reading_lists_values_most_first():
    _, e, _ = frames()
    r = ov.vocabulary_counts(e, vocabulary=default_vocabulary())
    assert r.table.set_index("event_type").loc["share", "events"] == 2
    assert r.table.set_index("event_type").loc["contact_add", "events"] == 0
    # share 2 (social), then inquiry (experience), post (content), cocreation (innovation) 1
    # each; message has no value
    assert r.by_value().to_dict() == {"social": 2, "content": 1, "experience": 1, "innovation": 1}
    assert r.reading("en") == (
        "Events that evidence the five values (besides purchases): social 2, content 1, "
        "experience 1, innovation 1."
    )
    assert (
        r.reading("zh")
        == "体现五个价值的事件（购买之外）：社交价值 2、内容价值 1、体验价值 1、创新价值 1。"
    )
    posts = e.loc[e["event_type"] == "post"]
    more = ov.vocabulary_counts(pd.concat([e, posts, posts]), vocabulary=default_vocabulary())
    assert more.reading("en").startswith(
        "Events that evidence the five values (besides purchases): content 3, social 2, "
    )


def test_orders_reading_gives_totals_and_shares():
    c, _, o = frames()
    r = ov.orders_by_period(o, contacts=c, freq="M")
    assert (r.buyers, r.contacts) == (2, 5)
    assert r.reading("en") == (
        "3 orders from 2 buyers (40% of contacts); gross revenue 200 CNY, refunds 20 CNY "
        "(10.0% of gross, 1 orders), net 180 CNY."
    )
    assert r.reading("zh") == (
        "2 位购买者（占联系人 40%）共 3 笔订单；总收入 200 元，退款 20 元（占 10.0%，1 笔），"
        "净收入 180 元。"
    )
    _new_figure_and_given_axes(r)


def test_results_without_a_figure_say_so():
    with pytest.raises(NotImplementedError):
        ov.Ledger(pd.DataFrame()).plot()


def _sql_tables(eng, contacts, events, orders):
    from analysis.engine.tables import DuckTables, SparkTables

    cls = DuckTables if eng == "duckdb" else SparkTables
    return cls.from_frames(contacts, events, orders)


def test_overview_counts_in_sql_are_the_pandas_counts(eng):
    """The SQL definitions of the overview's scans (periods in local time, buyers, sums,
    vocabulary counts, first and last times, users) give the pandas tables."""
    from analysis.aggregate import activity as act

    c, e, o = frames()
    # local period edges: 23:30 on 31 March is still March (and a Monday 00:10 starts a week)
    e2 = pd.DataFrame(
        {
            "user_id": ["b", "d", "d"],
            "occurred_at": ["2025-03-31 23:30:00", "2025-04-01 00:10:00", "2025-03-30 23:59:59"],
            "event_type": ["share", "share", "read"],
        }
    )
    o2 = pd.DataFrame(
        {
            "order_id": ["o4", "o5"],
            "user_id": ["d", "b"],
            "ordered_at": ["2025-03-31 23:59:00", "2025-03-31 00:00:00"],
            "amount": [10.5, 30.0],
            "is_refund": [True, False],
            "refund_amount": [10.5, 0.0],
        }
    )
    more = validate_tables(c, e2, o2)
    e = pd.concat([e, more.events], ignore_index=True)
    o = pd.concat([o, more.orders], ignore_index=True)
    vocab = default_vocabulary()
    with _sql_tables(eng, c, e, o) as sql:
        for freq in ("D", "W", "M", "Q"):
            kw = dict(time_col="occurred_at", by="event_type", freq=freq)
            pd.testing.assert_frame_equal(
                act.counts_by_period(e, **kw), act.counts_by_period(sql.events, **kw)
            )
            pd.testing.assert_frame_equal(
                act.orders_by_period(o, freq=freq), act.orders_by_period(sql.orders, freq=freq)
            )
            kw = dict(time_col="ordered_at", by="user_id", freq=freq, sum_cols=("amount",))
            pd.testing.assert_frame_equal(
                act.counts_by_period(o, **kw), act.counts_by_period(sql.orders, **kw)
            )
        pd.testing.assert_frame_equal(
            act.table_summary(c, e, o), act.table_summary(c, sql.events, sql.orders)
        )
        pd.testing.assert_frame_equal(
            act.vocabulary_counts(e, vocabulary=vocab),
            act.vocabulary_counts(sql.events, vocabulary=vocab),
        )
        uid = c["user_id"]
        for table, paid in ((e, False), (o, False), (o, True)):
            sql_table = sql.events if table is e else sql.orders
            expected = act.has_rows(uid, table, paid=paid)
            pd.testing.assert_series_equal(expected, act.has_rows(uid, sql_table, paid=paid))
            assert sorted(act.distinct_users(table, paid=paid)) == sorted(
                act.distinct_users(sql_table, paid=paid)
            )
        # d's only order is refunded in full: d ordered but is no buyer
        assert act.has_rows(uid, sql.orders).tolist() == [True, True, True, True, False]
        assert act.has_rows(uid, sql.orders, paid=True).tolist() == [True, True, True, False, False]
        r = ov.orders_by_period(sql.orders, contacts=c)
        assert r.buyers == 4 and r.table["orders"].sum() == 5
    months = act.counts_by_period(e, time_col="occurred_at", freq="M")
    assert months.set_index("period")["rows"].loc["2025-03-01":].tolist() == [3, 2]
