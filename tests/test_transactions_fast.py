"""The sort-based fast path of summarize_transactions (packed int64 keys, no hashing) gives
exactly the table of the general path (hashed ids, bincount), for every id dtype and
every choice of the key's low field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate import sortkeys as tx
from analysis.aggregate import transactions
from analysis.aggregate.transactions import summarize_transactions

COLS = {"customer_col": "user_id", "time_col": "ordered_at"}
END = "2025-06-30"


def _log(
    n: int = 3000,
    *,
    seed: int = 0,
    ids: str = "str",
    cents: bool = True,
    tz: str | None = "Asia/Shanghai",
    time_ordered: bool = False,
) -> pd.DataFrame:
    """A random purchase log: ~n/6 customers, some with several purchases on one day,
    some purchases after ``END``."""
    rng = np.random.default_rng(seed)
    customer = rng.integers(0, n // 6, n)
    seconds = rng.integers(0, 200 * 86400, n)
    seconds[: n // 10] = seconds[n // 10 : 2 * (n // 10)]  # same-day repeats
    customer[: n // 10] = customer[n // 10 : 2 * (n // 10)]
    times = pd.to_datetime("2025-01-01") + pd.to_timedelta(seconds, unit="s")
    if tz:
        times = times.tz_localize(
            tz, ambiguous=np.zeros(n, dtype=bool), nonexistent="shift_forward"
        )
    amount = rng.gamma(2.0, 30.0, n)
    amount = np.round(amount, 2) if cents else amount
    amount[::17] = 0.0
    if ids == "str":
        values = pd.array([f"u{c:06d}" for c in customer], dtype="str")
    elif ids == "str_utf8":  # fixed byte width, bytes >= 0x80, order = code-point order
        values = pd.array([f"客{chr(0x4E00 + c % 50)}{c:04d}" for c in customer], dtype="str")
    elif ids == "str_varlen":
        values = pd.array([f"u{c}" for c in customer], dtype="str")
    elif ids == "object":
        values = np.array([f"u{c:06d}" for c in customer], dtype=object)
    elif ids == "category":
        values = pd.Categorical([f"u{c:06d}" for c in customer])
    elif ids == "int64":
        values = customer.astype(np.int64) * 7919 - 50_000
    elif ids == "int32":
        values = (customer * 3 + 5).astype(np.int32)
    elif ids == "uint64":
        values = customer.astype(np.uint64) + np.uint64(2**40)
    elif ids == "huge_int":  # id range too wide for a row field: rank within period, or general
        values = customer.astype(np.int64) * (2**46 // (n // 6)) - 2**45
    else:
        raise ValueError(ids)
    frame = pd.DataFrame({"user_id": values, "ordered_at": times, "amount": amount})
    if ids == "object":
        frame["user_id"] = frame["user_id"].astype(object)
    if time_ordered:
        frame = frame.sort_values("ordered_at", kind="stable", ignore_index=True)
    return frame


def _general(frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, **kwargs) -> pd.DataFrame:
    # summarize_transactions calls the fast path by the name it imported into its own module
    with monkeypatch.context() as m:
        m.setattr(transactions, "summarize_sorted", lambda *a, **k: None)
        return summarize_transactions(frame, **kwargs)


def _both(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, **kwargs
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    fast = tx.summarize_sorted(
        frame, **{"amount_col": None, "freq": "D", "freq_multiplier": 1, **kwargs}
    )
    return fast, _general(frame, monkeypatch, **kwargs)


@pytest.mark.parametrize("ids", ["str", "str_utf8", "int64", "int32", "uint64"])
@pytest.mark.parametrize(("freq", "multiplier"), [("D", 1), ("D", 7), ("W", 1), ("h", 24)])
@pytest.mark.parametrize("amounts", ["cents", "floats", None])
def test_fast_path_equals_general_path(
    monkeypatch, ids: str, freq: str, multiplier: int, amounts: str | None
) -> None:
    frame = _log(ids=ids, cents=amounts == "cents")
    kwargs = dict(
        **COLS,
        amount_col=None if amounts is None else "amount",
        observation_end=END,
        freq=freq,
        freq_multiplier=multiplier,
    )
    fast, general = _both(frame, monkeypatch, **kwargs)
    assert fast is not None  # these ids take the fast path
    assert 300 < len(general) < frame["user_id"].nunique()  # some customers start after the end
    pd.testing.assert_frame_equal(fast, general, check_exact=False, rtol=1e-12)
    assert fast.index.dtype == frame["user_id"].dtype
    pd.testing.assert_frame_equal(summarize_transactions(frame, **kwargs), fast)


@pytest.mark.parametrize("ids", ["str_varlen", "object", "category"])
def test_other_ids_take_the_general_path(monkeypatch, ids: str) -> None:
    frame = _log(ids=ids)
    kwargs = dict(**COLS, amount_col="amount", observation_end=END)
    fast, general = _both(frame, monkeypatch, **kwargs)
    assert fast is None
    pd.testing.assert_frame_equal(summarize_transactions(frame, **kwargs), general)


@pytest.mark.parametrize("time_ordered", [True, False])
def test_wide_integer_ids(monkeypatch, time_ordered: bool) -> None:
    # 46-bit id range + 8-bit periods + a 15-bit row number do not fit in 63 bits: with float
    # amounts a time-ordered log keys rows by their rank within the period, an unordered
    # one goes to the general path; both give the general path's table
    frame = _log(30_000, ids="huge_int", cents=False, time_ordered=time_ordered)
    kwargs = dict(**COLS, amount_col="amount", observation_end=END)
    fast, general = _both(frame, monkeypatch, **kwargs)
    assert (fast is not None) == time_ordered
    pd.testing.assert_frame_equal(
        summarize_transactions(frame, **kwargs), general, check_exact=False, rtol=1e-12
    )


@pytest.mark.parametrize("tz", [None, "Asia/Shanghai", "America/New_York"])
def test_naive_and_aware_times(monkeypatch, tz: str | None) -> None:
    frame = _log(ids="str", tz=tz)
    kwargs = dict(**COLS, amount_col="amount", observation_end=END, freq="h")
    fast, general = _both(frame, monkeypatch, **kwargs)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, general, check_exact=False, rtol=1e-12)


def test_row_order_and_chunking_irrelevant(monkeypatch) -> None:
    frame = _log(ids="str")
    kwargs = dict(**COLS, amount_col="amount", observation_end=END)
    expected = summarize_transactions(frame, **kwargs)
    before = frame.copy(deep=True)
    monkeypatch.setattr(tx, "_BLOCK", 64)  # many blocks, customers across block ends
    shuffled = frame.sample(frac=1, random_state=1).reset_index(drop=True)
    # an Arrow column in several chunks
    chunked = pd.concat(
        [shuffled.iloc[:1000], shuffled.iloc[1000:2500], shuffled.iloc[2500:]], ignore_index=True
    )
    for got in (
        summarize_transactions(shuffled, **kwargs),
        summarize_transactions(chunked, **kwargs),
    ):
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(frame, before)


def test_edge_cases(monkeypatch) -> None:
    frame = _log(60, ids="int64")
    kwargs = dict(**COLS, amount_col="amount")
    for end in ("2024-12-31", "2025-01-01", END):  # nothing, little, most before the end
        got = summarize_transactions(frame, **kwargs, observation_end=end)
        pd.testing.assert_frame_equal(
            got,
            _general(frame, monkeypatch, **kwargs, observation_end=end),
            check_exact=False,
            rtol=1e-12,
        )
    one = frame.iloc[:1]
    pd.testing.assert_frame_equal(
        summarize_transactions(one, **kwargs, observation_end=END),
        _general(one, monkeypatch, **kwargs, observation_end=END),
    )
    same = pd.DataFrame(
        {
            "user_id": ["x", "x", "x"],
            "ordered_at": pd.to_datetime(["2025-01-01"] * 3),
            "amount": [1.0, 2.0, 0.0],
        }
    )
    out = summarize_transactions(same, **kwargs, observation_end="2025-01-02")
    assert out.loc["x"].to_dict() == {
        "frequency": 0.0,
        "recency": 0.0,
        "T": 1.0,
        "monetary_value": 0.0,
    }


def test_missing_string_ids_still_an_error() -> None:
    frame = _log(60, ids="str")
    frame.loc[5, "user_id"] = None
    with pytest.raises(ValueError, match="missing customer ids"):
        summarize_transactions(frame, **COLS, observation_end=END)


def test_general_path_keys_wider_than_32_bits(monkeypatch) -> None:
    # 70,000 customers x 62,000 hourly periods: more (customer, period) keys than 2**32, so
    # the general path must sort 64-bit keys; it then agrees with the fast path
    n = 70_000
    customer = np.arange(n, dtype=np.int64)
    hours = (customer * 7919) % 62_000
    hours[:2] = [0, 61_999]  # the full span
    frame = pd.DataFrame(
        {
            "user_id": np.concatenate([customer, customer[:1000]]),
            "ordered_at": pd.to_datetime("2018-01-01")
            + pd.to_timedelta(np.concatenate([hours, hours[:1000] + 5]), unit="h"),
        }
    )
    kwargs = dict(**COLS, observation_end="2025-12-31", freq="h")
    fast, general = _both(frame, monkeypatch, **kwargs)
    assert fast is not None and len(general) == n
    pd.testing.assert_frame_equal(fast, general)


@pytest.mark.parametrize(
    ("ids", "amounts", "time_ordered"),
    [
        ("int64", "cents", False),
        ("int64", "floats", False),
        ("str", "floats", True),
        ("str", None, False),
        ("huge_int", "floats", True),  # the rank of a row within its period
        ("int32", None, True),
    ],
)
def test_fast_path_in_small_blocks_equals_general_path(monkeypatch, ids, amounts, time_ordered):
    # blocks of 64 rows: every per-block step (ranges, order, whole cents, customer
    # boundaries) meets a block end, for each choice of the key's low field
    n = 30_000 if ids == "huge_int" else 3000  # wide ids leave no room for a row number
    frame = _log(n, ids=ids, cents=amounts == "cents", time_ordered=time_ordered)
    kwargs = dict(
        **COLS,
        amount_col=None if amounts is None else "amount",
        observation_end=END,
        freq="W",
    )
    expected = _general(frame, monkeypatch, **kwargs)
    monkeypatch.setattr(tx, "_BLOCK", 64)
    fast = tx.summarize_sorted(frame, **{"freq_multiplier": 1, **kwargs})
    assert fast is not None
    pd.testing.assert_frame_equal(fast, expected, check_exact=False, rtol=1e-12)


def _tiny_log(ids, days, amounts=None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"user_id": ids, "ordered_at": pd.to_datetime("2025-01-01") + pd.to_timedelta(days, "D")}
    )
    if amounts is not None:
        frame["amount"] = amounts
    return frame


def _check_both(frame, monkeypatch, *, fast_expected=True, **kw) -> None:
    kwargs = dict(**COLS, observation_end=END, **kw)
    fast, general = _both(frame, monkeypatch, **kwargs)
    assert (fast is not None) == fast_expected
    if fast is not None:
        pd.testing.assert_frame_equal(fast, general, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(
        summarize_transactions(frame, **kwargs), general, check_exact=False, rtol=1e-12
    )


def test_row_numbers_need_all_their_bits(monkeypatch) -> None:
    # 65 rows: row 64 needs 7 bits; amounts are not whole cents, so rows are keyed
    rng = np.random.default_rng(1)
    frame = _tiny_log(
        pd.array([f"u{i % 7}" for i in range(65)], dtype="str"),
        rng.integers(0, 20, 65),
        rng.random(65) * 10,
    )
    _check_both(frame, monkeypatch, amount_col="amount")


def test_ranks_within_a_period_need_all_their_bits(monkeypatch) -> None:
    # ids 0 and 2**59 take 60 bits, two days 1 bit: 2 bits are left for the low field, too
    # few for 6 row numbers but enough for ranks 0-2 within each day (rows in time order)
    frame = _tiny_log(
        np.array([0, 2**59, 0, 2**59, 0, 0], dtype=np.int64),
        [0, 0, 0, 1, 1, 1],
        [1.25, 2.5, 3.125, 4.5, 5.75, 6.0625],
    )
    _check_both(frame, monkeypatch, amount_col="amount")


def test_string_ids_in_arrow_chunks_of_any_size(monkeypatch) -> None:
    import pyarrow as pa

    ids = [f"u{i % 9:02d}" for i in range(128)]  # 128 rows: a whole number of 64-row tiles
    days = np.arange(128) % 17
    _check_both(_tiny_log(pd.array(ids, dtype="str"), days), monkeypatch)
    # an empty chunk and a one-row chunk among others
    chunks = [pa.array(c, pa.large_string()) for c in ([], ids[:1], ids[1:])]
    arrow = pd.arrays.ArrowStringArray(pa.chunked_array(chunks, pa.large_string()))
    _check_both(_tiny_log(arrow, days), monkeypatch)


def test_string_ids_of_unequal_length_take_the_general_path(monkeypatch) -> None:
    # lengths 4, 3, 5: their total is 4 per id, but the ids are not of one width
    ids = pd.array(["abcd", "abc", "abcde"] * 20, dtype="str")
    _check_both(_tiny_log(ids, np.arange(60) % 11), monkeypatch, fast_expected=False)
    empty = pd.array([""] * 5, dtype="str")  # no bytes at all
    _check_both(_tiny_log(empty, np.arange(5)), monkeypatch, fast_expected=False)


def test_ids_beyond_int64_take_the_general_path(monkeypatch) -> None:
    ids = np.array([2**63, 2**63 + 5, 3, 2**63], dtype=np.uint64)
    _check_both(_tiny_log(ids, [0, 1, 2, 3]), monkeypatch, fast_expected=False)


def test_amounts_must_be_non_negative_numbers() -> None:
    frame = _tiny_log(np.array([1, 2]), [0, 1], ["5", "6"])
    kw = dict(**COLS, amount_col="amount", observation_end=END)
    with pytest.raises(ValueError, match="^column 'amount' must be numeric, got dtype"):
        summarize_transactions(frame, **kw)
    frame["amount"] = pd.array([5.0, None], dtype="Float64")
    with pytest.raises(ValueError, match="must be a non-negative number; found <NA> at row 1"):
        summarize_transactions(frame, **kw)
