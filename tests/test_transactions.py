"""Tests for analysis.aggregate.transactions: golden numbers, invariants, and equality with
lifetimes' own summary on the CDNOW sample."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate.transactions import (
    calibration_holdout_summary,
    calibration_part,
    purchases_from_orders,
    repeat_transactions,
    summarize_transactions,
)
from analysis.simulate.cdnow import load_cdnow_sample

TZ = "Asia/Shanghai"
COLS = {"customer_col": "user_id", "time_col": "ordered_at"}


@pytest.fixture
def tiny() -> pd.DataFrame:
    """Customer a: two purchases on Jan 1 (merged), then Jan 5 and Jan 11.
    Customer b: one purchase on Jan 15. Customer c: first purchase after the end."""
    return pd.DataFrame(
        {
            "user_id": ["a", "a", "a", "a", "b", "c"],
            "ordered_at": pd.to_datetime(
                [
                    "2025-01-01 10:00",
                    "2025-01-01 15:00",
                    "2025-01-05 09:00",
                    "2025-01-11 20:00",
                    "2025-01-15 12:00",
                    "2025-01-25 08:00",
                ]
            ),
            "amount": [10.0, 20.0, 30.0, 40.0, 5.0, 7.0],
        }
    )


def test_golden_days(tiny: pd.DataFrame) -> None:
    out = summarize_transactions(tiny, **COLS, amount_col="amount", observation_end="2025-01-20")
    assert list(out.index) == ["a", "b"]
    assert out.index.name == "user_id"
    assert out.loc["a"].to_dict() == {
        "frequency": 2.0,
        "recency": 10.0,
        "T": 19.0,
        "monetary_value": 35.0,
    }
    assert out.loc["b"].to_dict() == {
        "frequency": 0.0,
        "recency": 0.0,
        "T": 5.0,
        "monetary_value": 0.0,
    }


def test_golden_weeks_in_days(tiny: pd.DataFrame) -> None:
    out = summarize_transactions(
        tiny, **COLS, observation_end="2025-01-20", freq="D", freq_multiplier=7
    )
    assert list(out.columns) == ["frequency", "recency", "T"]
    np.testing.assert_allclose(out.loc["a"], [2.0, 10 / 7, 19 / 7])


def test_golden_calendar_weeks(tiny: pd.DataFrame) -> None:
    # 2025-01-01 is a Wednesday: Jan 1 and Jan 5 (Sunday) share the week starting Mon Dec 30,
    # Jan 11 is in the next week, Jan 15 in the one after, and Mon Jan 20 starts week 4.
    out = summarize_transactions(
        tiny, **COLS, amount_col="amount", observation_end="2025-01-20", freq="W"
    )
    assert out.loc["a"].to_dict() == {
        "frequency": 1.0,
        "recency": 1.0,
        "T": 3.0,
        "monetary_value": 40.0,
    }
    assert out.loc["b"].to_dict() == {
        "frequency": 0.0,
        "recency": 0.0,
        "T": 1.0,
        "monetary_value": 0.0,
    }


def test_local_days_for_tz_aware_times() -> None:
    # 23:30 and 00:30 Shanghai time are different local days (same UTC day).
    frame = pd.DataFrame(
        {
            "user_id": ["a", "a"],
            "ordered_at": pd.to_datetime(["2025-01-01 23:30", "2025-01-02 00:30"]).tz_localize(TZ),
        }
    )
    out = summarize_transactions(frame, **COLS, observation_end="2025-01-03")
    assert out.loc["a", "frequency"] == 1.0
    assert out.loc["a", "T"] == 2.0
    # an aware end is converted to the data's zone: 2025-01-02 16:00 UTC is Jan 3 in Shanghai
    aware = summarize_transactions(
        frame, **COLS, observation_end=pd.Timestamp("2025-01-02 16:00", tz="UTC")
    )
    assert aware.loc["a", "T"] == 2.0


def test_observation_end_cuts_whole_periods(tiny: pd.DataFrame) -> None:
    # the end's whole day is kept (Jan 11 20:00 with an end of Jan 11 00:00)
    out = summarize_transactions(tiny, **COLS, observation_end="2025-01-11")
    assert out.loc["a", "frequency"] == 2.0
    out = summarize_transactions(tiny, **COLS, observation_end="2025-01-10")
    assert out.loc["a", "frequency"] == 1.0
    assert "b" not in out.index


def test_input_not_mutated(tiny: pd.DataFrame) -> None:
    aware = tiny.assign(ordered_at=tiny["ordered_at"].dt.tz_localize(TZ))
    before = aware.copy(deep=True)
    summarize_transactions(
        aware, **COLS, amount_col="amount", observation_end="2025-01-20", freq="W"
    )
    calibration_holdout_summary(
        aware,
        **COLS,
        amount_col="amount",
        calibration_end="2025-01-10",
        observation_end="2025-01-20",
    )
    repeat_transactions(aware, **COLS, amount_col="amount", observation_end="2025-01-20")
    pd.testing.assert_frame_equal(aware, before)


def test_row_order_irrelevant(tiny: pd.DataFrame) -> None:
    expected = summarize_transactions(
        tiny, **COLS, amount_col="amount", observation_end="2025-01-20"
    )
    for seed in range(3):
        shuffled = tiny.sample(frac=1, random_state=seed).reset_index(drop=True)
        got = summarize_transactions(
            shuffled, **COLS, amount_col="amount", observation_end="2025-01-20"
        )
        pd.testing.assert_frame_equal(got, expected)


def test_calibration_holdout_golden(tiny: pd.DataFrame) -> None:
    out = calibration_holdout_summary(
        tiny,
        **COLS,
        amount_col="amount",
        calibration_end="2025-01-05",
        observation_end="2025-01-20",
    )
    # c's first purchase is after the observation end, b's is in the holdout: only a.
    assert list(out.index) == ["a"]
    row = out.loc["a"]
    assert row["frequency_cal"] == 1.0 and row["recency_cal"] == 4.0 and row["T_cal"] == 4.0
    assert row["monetary_value_cal"] == 30.0
    assert row["frequency_holdout"] == 1.0 and row["monetary_value_holdout"] == 40.0
    assert row["duration_holdout"] == 15.0


def test_calibration_part(tiny: pd.DataFrame) -> None:
    both = calibration_holdout_summary(
        tiny, **COLS, calibration_end="2025-01-05", observation_end="2025-01-20"
    )
    cal = calibration_part(both)
    assert list(cal.columns) == ["frequency", "recency", "T"]
    assert cal.loc["a"].tolist() == [1.0, 4.0, 4.0]
    with pytest.raises(ValueError, match="frequency_cal"):
        calibration_part(cal)


def test_repeat_transactions_golden(tiny: pd.DataFrame) -> None:
    out = repeat_transactions(tiny, **COLS, amount_col="amount", observation_end="2025-01-20")
    assert out["user_id"].tolist() == ["a", "a", "a", "b"]
    assert out["is_first"].tolist() == [True, False, False, True]
    assert out["amount"].tolist() == [30.0, 30.0, 40.0, 5.0]
    assert out["period_start"].tolist() == list(
        pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-11", "2025-01-15"])
    )


def test_purchases_from_orders() -> None:
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "user_id": ["a", "a", "b", "b"],
            "ordered_at": pd.to_datetime(
                ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"]
            ).tz_localize(TZ),
            "amount": [100.0, 50.0, 80.0, 0.0],
            "is_refund": [False, True, True, False],
            "refund_amount": [0.0, 50.0, 30.0, 0.0],
        }
    )
    before = orders.copy(deep=True)
    out = purchases_from_orders(orders)
    assert out["net_amount"].tolist() == [100.0, 50.0]
    assert out["user_id"].tolist() == ["a", "b"]
    pd.testing.assert_frame_equal(orders, before)
    # without refund_amount a flagged refund is a full refund
    no_amount = purchases_from_orders(orders.drop(columns="refund_amount"))
    assert no_amount["net_amount"].tolist() == [100.0]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.drop(columns="ordered_at"), "'ordered_at' is missing"),
        (lambda d: d.assign(amount=[10.0, -3.0, 30.0, 40.0, 5.0, 7.0]), "'amount'.*-3.0"),
        (
            lambda d: d.assign(ordered_at=d["ordered_at"].astype(str)),
            "'ordered_at' must hold datetimes",
        ),
        (lambda d: d.assign(user_id=["a", None, "a", "a", "b", "c"]), "'user_id' has missing"),
    ],
)
def test_bad_input_is_named(tiny: pd.DataFrame, change, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        summarize_transactions(
            change(tiny), **COLS, amount_col="amount", observation_end="2025-01-20"
        )


def test_explicit_ends_required(tiny: pd.DataFrame) -> None:
    with pytest.raises(TypeError):
        summarize_transactions(tiny, **COLS)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="observation_end is required"):
        summarize_transactions(tiny, **COLS, observation_end=None)
    with pytest.raises(ValueError, match="later period"):
        calibration_holdout_summary(
            tiny, **COLS, calibration_end="2025-01-20", observation_end="2025-01-20"
        )
    with pytest.raises(ValueError, match="freq must be one of"):
        summarize_transactions(tiny, **COLS, observation_end="2025-01-20", freq="M")


def test_refund_above_amount_is_an_error() -> None:
    orders = pd.DataFrame(
        {
            "user_id": ["a"],
            "ordered_at": pd.to_datetime(["2025-01-01"]),
            "amount": [10.0],
            "refund_amount": [12.0],
        }
    )
    with pytest.raises(ValueError, match="'refund_amount' exceeds 'amount'"):
        purchases_from_orders(orders)


# ---- equality with lifetimes on the CDNOW sample -------------------------------------


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow_sample()


@pytest.fixture(scope="module")
def lifetimes_utils():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifetimes import utils
    return utils


@pytest.mark.parametrize(
    ("freq", "multiplier", "end"),
    [
        ("D", 1, "1997-09-30"),
        ("D", 7, "1997-09-30"),
        ("D", 7, "1998-06-30"),
        ("W", 1, "1998-06-30"),
        ("h", 24, "1997-12-31"),
    ],
)
def test_equal_to_lifetimes_summary(
    cdnow, lifetimes_utils, freq: str, multiplier: int, end: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = lifetimes_utils.summary_data_from_transaction_data(
            cdnow,
            "customer_id",
            "date",
            monetary_value_col="dollars",
            observation_period_end=end,
            freq=freq,
            freq_multiplier=multiplier,
        )
    got = summarize_transactions(
        cdnow,
        customer_col="customer_id",
        time_col="date",
        amount_col="dollars",
        observation_end=end,
        freq=freq,
        freq_multiplier=multiplier,
    )
    assert len(got) == len(expected) > 2000
    pd.testing.assert_frame_equal(
        got, expected, check_exact=False, rtol=1e-12, check_names=False, check_index_type=False
    )


@pytest.mark.parametrize("multiplier", [1, 7])
def test_calibration_holdout_equal_to_lifetimes(cdnow, lifetimes_utils, multiplier: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = lifetimes_utils.calibration_and_holdout_data(
            cdnow,
            "customer_id",
            "date",
            calibration_period_end="1997-09-30",
            observation_period_end="1998-06-30",
            monetary_value_col="dollars",
            freq="D",
            freq_multiplier=multiplier,
        )
    got = calibration_holdout_summary(
        cdnow,
        customer_col="customer_id",
        time_col="date",
        amount_col="dollars",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        freq="D",
        freq_multiplier=multiplier,
    )
    # lifetimes averages holdout spend per transaction, we per purchase period (as in calibration)
    cols = [c for c in expected.columns if c != "monetary_value_holdout"]
    pd.testing.assert_frame_equal(
        got[cols],
        expected[cols],
        check_exact=False,
        rtol=1e-12,
        check_names=False,
        check_index_type=False,
    )
    assert got["frequency_holdout"].sum() > 1000


def test_matches_fader_hardie_published_summary(cdnow) -> None:
    """The CDNOW calibration summary published by Fader & Hardie (shipped with lifetimes as
    cdnow_customers_summary_with_transactions.csv, 2 decimals) from the raw transactions."""
    from analysis.simulate.cdnow import cdnow_path

    published = pd.read_csv(cdnow_path().with_name("cdnow_customers_summary_with_transactions.csv"))
    ours = summarize_transactions(
        cdnow,
        customer_col="sample_id",
        time_col="date",
        amount_col="dollars",
        observation_end="1997-09-30",
        freq="D",
        freq_multiplier=7,
    )
    ours = ours.set_axis(ours.index.astype(int)).loc[published["ID"]]
    np.testing.assert_array_equal(ours["frequency"], published["x"])
    np.testing.assert_allclose(ours["recency"], published["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["T"], published["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["monetary_value"], published["zbar"], atol=0.005 + 1e-9)


# ---- the edges of the summary: holdout spend, periods, ends, units, messages ------------------


def _purchases(rows, ids=None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["user_id", "ordered_at", "amount"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    if ids == "object":  # ids the fast path cannot key: the general path
        frame["user_id"] = frame["user_id"].astype(object)
    return frame


HOLD = [
    ("a", "2025-01-01 10:00", 10.0),
    ("a", "2025-01-08 09:00", 20.0),
    ("a", "2025-01-08 18:00", 5.0),  # same day: one period of 25
    ("a", "2025-01-12 12:00", 30.0),
    ("b", "2025-01-02 10:00", 7.0),
]


def test_calibration_holdout_spend_golden_in_days_and_weeks() -> None:
    kw = dict(**COLS, amount_col="amount", calibration_end="2025-01-05")
    out = calibration_holdout_summary(_purchases(HOLD), observation_end="2025-01-20", **kw)
    assert out.index.name == "user_id" and (out.dtypes == np.float64).all()
    assert out.columns.tolist() == [
        *("frequency_cal", "recency_cal", "T_cal", "monetary_value_cal"),
        *("frequency_holdout", "monetary_value_holdout", "duration_holdout"),
    ]
    # a: holdout days Jan 8 (25) and Jan 12 (30); b: nothing after its calibration purchase
    assert out.loc["a"].tolist() == [0.0, 0.0, 4.0, 0.0, 2.0, 27.5, 15.0]
    assert out.loc["b"].tolist() == [0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 15.0]
    # Monday weeks: Jan 1-5 is week 0, Jan 6-12 week 1 (one period of 55), Jan 20 week 3
    weeks = calibration_holdout_summary(
        _purchases(HOLD), observation_end="2025-01-20", freq="W", **kw
    )
    assert weeks.loc["a"].tolist() == [0.0, 0.0, 0.0, 0.0, 1.0, 55.0, 3.0]
    # an aware end is read in the data's zone (Jan 5 01:00 in Shanghai)
    aware = _purchases(HOLD).assign(ordered_at=lambda d: d["ordered_at"].dt.tz_localize(TZ))
    got = calibration_holdout_summary(
        aware,
        **COLS,
        amount_col="amount",
        calibration_end=pd.Timestamp("2025-01-04 17:00", tz="UTC"),
        observation_end=pd.Timestamp("2025-01-19 17:00", tz="UTC"),
    )
    pd.testing.assert_frame_equal(got, out)
    # nothing in the holdout: counts and spend 0
    quiet = calibration_holdout_summary(
        _purchases(HOLD), observation_end="2025-01-25", **{**kw, "calibration_end": "2025-01-20"}
    )
    assert quiet["frequency_holdout"].tolist() == [0.0, 0.0]
    assert quiet["monetary_value_holdout"].tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="^column 'amount' is missing from the transactions"):
        calibration_holdout_summary(
            _purchases(HOLD).drop(columns="amount"), observation_end="2025-01-20", **kw
        )
    for missing in ("calibration_end", "observation_end"):
        ends = {"calibration_end": "2025-01-05", "observation_end": "2025-01-20", missing: None}
        with pytest.raises(ValueError, match=f"^{missing} is required"):
            calibration_holdout_summary(_purchases(HOLD), **COLS, **ends)


@pytest.mark.parametrize("ids", ["str", "object"])
def test_summary_edges_on_both_paths(ids: str) -> None:
    frame = _purchases(HOLD, ids=ids)
    kw = dict(**COLS, amount_col="amount")
    # nothing on or before the end: an empty table with every column
    empty = summarize_transactions(frame, observation_end="2024-12-01", **kw)
    assert empty.columns.tolist() == ["frequency", "recency", "T", "monetary_value"]
    assert len(empty) == 0 and empty.index.name == "user_id"
    with pytest.raises(ValueError, match="^observation_end is required"):
        summarize_transactions(frame, observation_end=None, **kw)
    with pytest.raises(ValueError, match="^observation_end is not a valid date"):
        summarize_transactions(frame, observation_end="NaT", **kw)
    with pytest.raises(ValueError, match="has a time zone but the time column has none"):
        summarize_transactions(frame, observation_end=pd.Timestamp("2025-01-20", tz=TZ), **kw)
    with pytest.raises(ValueError, match="^column 'amount' is missing from the transactions"):
        summarize_transactions(frame.drop(columns="amount"), observation_end="2025-01-20", **kw)
    no_id = frame.assign(user_id=frame["user_id"].where(frame.index != 3, None))
    with pytest.raises(ValueError, match=r"'user_id' has missing customer ids \(row 3\)"):
        summarize_transactions(no_id, observation_end="2025-01-20", **kw)
    no_time = frame.assign(ordered_at=frame["ordered_at"].where(frame.index != 2))
    with pytest.raises(ValueError, match=r"'ordered_at' has missing times \(row 2\)"):
        summarize_transactions(no_time, observation_end="2025-01-20", **kw)
    text = frame.assign(ordered_at=frame["ordered_at"].astype(str))
    with pytest.raises(ValueError, match=r"e\.g\. '2025-01-01 10:00:00'\); parse it with pd"):
        summarize_transactions(text, observation_end="2025-01-20", **kw)
    aware = frame.assign(ordered_at=frame["ordered_at"].dt.tz_localize(TZ))
    got = summarize_transactions(
        aware, observation_end=pd.Timestamp("2025-01-11 16:00", tz="UTC"), **kw
    )  # Jan 12 00:00 in Shanghai: a's purchase on Jan 12 is in the end's day
    assert got.loc["a", "frequency"] == 2.0 and got.loc["a", "T"] == 11.0
    for m in (0, -1, np.inf, np.nan):
        with pytest.raises(ValueError, match="freq_multiplier must be a positive number"):
            summarize_transactions(frame, observation_end="2025-01-20", freq_multiplier=m, **kw)
    with pytest.raises(TypeError, match="expected a pandas DataFrame, got list"):
        calibration_holdout_summary(
            [1], **COLS, calibration_end="2025-01-05", observation_end="2025-01-20"
        )


@pytest.mark.parametrize("ids", ["str", "object"])
def test_summary_same_for_every_time_unit(ids: str) -> None:
    frame = _purchases(HOLD, ids=ids)
    kw = dict(**COLS, amount_col="amount", observation_end="2025-01-20", freq="h")
    expected = summarize_transactions(frame.astype({"ordered_at": "datetime64[us]"}), **kw)
    assert expected.loc["a"].tolist() == [3.0, 266.0, 446.0, 55.0 / 3]
    for unit in ("s", "ms", "ns"):
        other = frame.astype({"ordered_at": f"datetime64[{unit}]"})
        pd.testing.assert_frame_equal(summarize_transactions(other, **kw), expected)


def test_summary_same_on_duckdb() -> None:
    frame = _purchases(HOLD).assign(ordered_at=lambda d: d["ordered_at"].dt.tz_localize(TZ))
    for amount_col, freq, multiplier in (("amount", "D", 7), (None, "W", 1), ("amount", "h", 1)):
        kw = dict(
            **COLS,
            amount_col=amount_col,
            observation_end="2025-01-20",
            freq=freq,
            freq_multiplier=multiplier,
        )
        pd.testing.assert_frame_equal(
            summarize_transactions(frame, engine="duckdb", **kw),
            summarize_transactions(frame, **kw),
        )


def test_calibration_never_ends_inside_a_week(cdnow) -> None:
    """CDNOW's calibration ends on Tuesday 1997-09-30: its Monday-Sunday week runs to Sunday
    1997-10-05 (36 transactions dated after the end), so with ``freq="W"`` that partial week
    belongs to the holdout, and the calibration is the summary of the purchases up to Sunday
    1997-09-28 (the 22 transactions of Sep 29-30 go to the holdout with their week)."""
    assert cdnow["date"].between("1997-10-01", "1997-10-05").sum() == 36
    assert cdnow["date"].between("1997-09-29", "1997-09-30").sum() == 22
    kw = dict(customer_col="customer_id", time_col="date", amount_col="dollars", freq="W")
    both = calibration_holdout_summary(
        cdnow, calibration_end="1997-09-30", observation_end="1998-06-30", **kw
    )
    cal = calibration_part(both)
    expected = summarize_transactions(
        cdnow[cdnow["date"] <= "1997-09-28"], observation_end="1997-09-28", **kw
    )
    pd.testing.assert_frame_equal(cal, expected)
    # the two left-out days are in the holdout: 40 holdout weeks counted from Sep 29
    assert both["duration_holdout"].iloc[0] == 40.0
    holdout = repeat_transactions(
        cdnow[cdnow["date"] > "1997-09-28"],
        customer_col="customer_id",
        time_col="date",
        observation_end="1998-06-30",
        freq="W",
    )
    held = holdout[holdout["customer_id"].isin(both.index)]
    assert both["frequency_holdout"].sum() == len(held)
    # a calibration ending on a Sunday keeps its own week
    sunday = calibration_holdout_summary(
        cdnow, calibration_end="1997-09-28", observation_end="1998-06-30", **kw
    )
    pd.testing.assert_frame_equal(sunday, both)


def test_units_per_year_derived_and_checked() -> None:
    from analysis.aggregate.periods import units_per_year

    assert units_per_year("D", 7) == pytest.approx(52.1786, abs=1e-4)
    assert units_per_year("W") == units_per_year("D", 7)
    assert units_per_year("D") == 365.25 and units_per_year("h", 24) == 365.25
    assert units_per_year("D", 7, given=52.18) == units_per_year("D", 7)
    with pytest.raises(ValueError, match=r"units_per_year=52\.18 disagrees with freq='D' and "):
        units_per_year("D", 1, given=52.18)
    with pytest.raises(ValueError, match="freq_multiplier must be a positive number"):
        units_per_year("D", 0)
