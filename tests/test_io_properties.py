"""Property-based tests over the loader and validators: for generated inputs either the
kit's own DataError is raised or the ledger balances, and nothing depends on row order."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.data.errors import DataError
from analysis.data.load import load_tables
from analysis.data.read import decode_bytes, parse_csv_text
from analysis.data.validate import validate_tables
from analysis.data.vocab import default_vocabulary

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TZ = "Asia/Shanghai"
CONTACTS = (
    "user_id,joined_at,channel,hook,referrer_id\n"
    "007,2024-06-01 10:00:00,douyin,coupon,\n"
    "008,2024-06-02 10:00:00,referral,trial,007\n"
    "u3,2024-06-03 10:00:00,partner,merch,\n"
)
EVENTS = "user_id,occurred_at,event_type,value,context\n007,2024-06-01 10:00:00,contact_add,,1v1\n"
ORDER_HEADER = ["order_id", "user_id", "ordered_at", "amount", "is_refund", "refund_amount"]

ids = st.one_of(
    st.from_regex(r"[0-9]{1,5}", fullmatch=True),
    st.from_regex(r"o[0-9a-z]{1,4}", fullmatch=True),
    st.sampled_from([" 007", "1.2E+5", "12.0", "", "#N/A", "00042"]),
)
users = st.one_of(st.sampled_from(["007", "008", "u3"]), st.sampled_from(["u9", " 008", ""]))
moments = st.datetimes(
    min_value=pd.Timestamp("2024-07-01").to_pydatetime(),
    max_value=pd.Timestamp("2026-12-31").to_pydatetime(),
)


@st.composite
def time_cells(draw):
    style = draw(st.sampled_from(["naive", "slash", "junk"] + ["naive"] * 4))
    if style == "junk":
        return draw(
            st.sampled_from(
                [
                    "",
                    "someday",
                    "45658.5",
                    "1736128800",
                    "03/04/2025",
                    "2025-01-01T10:00:00+08:00",
                    "9999-12-31",
                ]
            )
        )
    d = draw(moments)
    return d.strftime("%Y-%m-%d %H:%M:%S" if style == "naive" else "%Y/%m/%d %H:%M")


amounts = st.one_of(
    st.floats(0, 1e5, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.sampled_from(["¥1,234.50", "-5", "1e400", "", "abc", "80元", "1e12"]),
)
flags = st.sampled_from(["true", "false", "是", "否", "1", "0", "maybe", "", "FALSE"])
refunds = st.one_of(st.just(""), st.floats(0, 200, allow_nan=False).map(lambda x: f"{x:.1f}"))


@st.composite
def order_rows(draw):
    rows = draw(
        st.lists(
            st.tuples(ids, users, time_cells(), amounts, flags, refunds), min_size=0, max_size=10
        )
    )
    rows = [list(r) for r in rows]
    if rows and draw(st.booleans()):  # an exact duplicate
        rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))
    extras = draw(st.lists(st.sampled_from(["blank", "header", "commas"]), max_size=3))
    return rows, extras


def _csv(rows: list[list[str]], extras: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ORDER_HEADER)
    w.writerows(rows)
    text = buf.getvalue()
    for x in extras:
        text += {"blank": "\n", "header": ",".join(ORDER_HEADER) + "\n", "commas": ",,,,,\n"}[x]
    return text


def _load(orders_text: str):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
        (folder / "events.csv").write_text(EVENTS, encoding="utf-8")
        (folder / "orders.csv").write_text(orders_text, encoding="utf-8")
        try:
            return "ok", load_tables(folder)
        except DataError as exc:  # the kit's own error, and only that
            return "error", exc


def _assert_balanced(ledger: pd.DataFrame, tables) -> None:
    assert (ledger["rows_in"] == ledger["kept"] + ledger["dropped"]).all()
    assert (ledger["repaired"] >= 0).all() and (ledger["dropped"] >= 0).all()
    for t in ("contacts", "events", "orders"):
        led = ledger[ledger["table"] == t]
        read = led[led["step"] == "read"]["rows_in"].iloc[0]
        final = led[led["step"] == "final"]["rows_in"].iloc[0]
        dropped = led[~led["step"].isin(["read", "final"])]["dropped"].sum()
        assert read - dropped == final == len(getattr(tables, t))
        assert (led["repaired"] <= led["kept"]).all()


def _outcome_key(kind, result):
    if kind == "error":
        return kind, result.column, result.problem, result.n_rows
    o = result.orders.sort_values("order_id", kind="mergesort").reset_index(drop=True)
    return kind, o


@SETTINGS
@given(order_rows(), st.randoms(use_true_random=False))
def test_orders_csv_error_or_balanced_ledger_and_order_free(data, rnd):
    rows, extras = data
    kind, result = _load(_csv(rows, extras))
    if kind == "ok":
        _assert_balanced(result.ledger, result)
        n_in = len(rows) + len(extras)
        led = result.ledger
        assert led[(led["table"] == "orders") & (led["step"] == "read")]["rows_in"].iloc[0] == n_in
        assert result.orders["order_id"].is_unique
    else:
        assert result.file.endswith("orders.csv") or result.file.endswith(".csv")
        assert str(result).startswith(result.file)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    kind2, result2 = _load(_csv(shuffled, extras))
    a, b = _outcome_key(kind, result), _outcome_key(kind2, result2)
    assert a[0] == b[0]
    if kind == "ok":
        pd.testing.assert_frame_equal(a[1], b[1])
    else:
        assert a[1:] == b[1:]


VOCAB = list(default_vocabulary().event_types)


@st.composite
def event_frames(draw):
    n = draw(st.integers(0, 15))
    types = st.one_of(st.sampled_from(VOCAB), st.sampled_from(["like", "点赞", ""]))
    times = st.one_of(
        moments.map(lambda d: pd.Timestamp(d).tz_localize(TZ)),
        moments.map(lambda d: pd.Timestamp(d).tz_localize("UTC")),
    )
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["007", "008", "u3", "u4"]),
                times,
                types,
                st.one_of(st.none(), st.floats(-10, 1e6)),
            ),
            min_size=n,
            max_size=n,
        )
    )
    return pd.DataFrame(rows, columns=["user_id", "occurred_at", "event_type", "value"])


def _validate(events: pd.DataFrame, **kw):
    contacts = pd.read_csv(io.StringIO(CONTACTS), dtype=str)
    orders = pd.DataFrame(columns=ORDER_HEADER[:5])
    ev = events.copy()
    if len(ev):
        ev["occurred_at"] = ev["occurred_at"].astype(object)
    try:
        return "ok", validate_tables(contacts, ev, orders, **kw)
    except DataError as exc:
        return "error", exc


@SETTINGS
@given(event_frames(), st.booleans(), st.randoms(use_true_random=False))
def test_event_frames_error_or_balanced_and_order_free(events, drop, rnd):
    before = events.copy()
    kind, res = _validate(
        events, drop_orphans=drop, drop_before_join=drop, vocabulary={"aliases": {"点赞": "read"}}
    )
    pd.testing.assert_frame_equal(events, before)  # inputs untouched
    if kind == "ok":
        _assert_balanced(res.ledger, res)
    perm = events.sample(frac=1, random_state=rnd.randint(0, 10**6))
    kind2, res2 = _validate(
        perm, drop_orphans=drop, drop_before_join=drop, vocabulary={"aliases": {"点赞": "read"}}
    )
    assert kind == kind2
    if kind == "ok":
        key = ["user_id", "occurred_at", "event_type"]
        cols = key + ["value"]
        pd.testing.assert_frame_equal(
            res.events[cols].sort_values(cols, kind="mergesort").reset_index(drop=True),
            res2.events[cols].sort_values(cols, kind="mergesort").reset_index(drop=True),
        )
    else:
        assert (res.column, res.problem, res.n_rows) == (res2.column, res2.problem, res2.n_rows)


@SETTINGS
@given(
    st.lists(st.from_regex(r"0[0-9]{0,12}", fullmatch=True), min_size=1, max_size=8, unique=True)
)
def test_ids_with_leading_zeros_are_never_lost(id_list):
    rows = "".join(
        f"{i},2024-06-0{1 + k % 9} 10:00:00,douyin,coupon,\n" for k, i in enumerate(id_list)
    )
    contacts = "user_id,joined_at,channel,hook,referrer_id\n" + rows
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "contacts.csv").write_text(contacts, encoding="utf-8")
        (folder / "events.csv").write_text(EVENTS.splitlines()[0] + "\n", encoding="utf-8")
        (folder / "orders.csv").write_text(",".join(ORDER_HEADER) + "\n", encoding="utf-8")
        t = load_tables(folder)
    assert sorted(t.contacts["user_id"]) == sorted(id_list)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab,;"\t\n\r 0 ') + ["\ufeff", "中"]), max_size=60))
def test_arbitrary_csv_text_parses_or_raises_data_error(text):
    try:
        df, src = parse_csv_text(text, "<fuzz>")
    except DataError as exc:
        assert str(exc).startswith("<fuzz>")
        return
    assert src.row_numbers is not None and len(src.row_numbers) == len(df)
    assert list(src.row_numbers) == sorted(src.row_numbers)
    assert df.columns.is_unique


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=40))
def test_arbitrary_bytes_decode_or_raise_data_error(data):
    try:
        text, enc = decode_bytes(data, "<bytes>")
    except DataError:
        return
    assert enc in {"utf-8", "utf-8-sig", "gb18030", "utf-16"}
    assert text.encode(enc if enc != "utf-8-sig" else "utf-8") is not None
    assert (enc == "utf-16") == (data[:2] in (b"\xff\xfe", b"\xfe\xff"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["a", "", " ", "x,y", 'q"q', "l\nm", "007", "中"]),
            min_size=3,
            max_size=3,
        ),
        max_size=6,
    )
)
def test_fast_parser_agrees_with_the_careful_one(rows):
    import analysis.data.read as aio

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["id", "b", "c"], *rows])
    text = buf.getvalue()
    fast = aio._fast_parse(text, "<t>", ",")
    if fast is None:  # blank or header-like rows: only the careful path handles them
        return
    df, src = fast
    ref, ref_src = aio.records_frame(list(csv.reader(io.StringIO(text, newline=""))), "<t>")
    pd.testing.assert_frame_equal(df, ref)
    assert list(src.row_numbers) == list(ref_src.row_numbers)
