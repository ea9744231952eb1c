"""Time units and per-customer arrays shared by both paths of the customer summary:
checks of columns, frequencies and times, wall-clock periods, and the summary columns built
from per-customer statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Period granularities accepted as ``freq`` (fixed-length periods only).
SUPPORTED_FREQS = ("D", "W", "h")


def require_columns(frame: pd.DataFrame, columns: list[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"column {missing[0]!r} is missing from the transactions "
            f"(columns present: {list(frame.columns)})"
        )


#: Periods of each ``freq`` in a year (Julian year of 365.25 days).
PERIODS_PER_YEAR = {"D": 365.25, "W": 365.25 / 7, "h": 365.25 * 24}


def units_per_year(
    freq: str, freq_multiplier: float = 1, *, given: float | None = None, rtol: float = 1e-3
) -> float:
    """Model time units in a year for periods of ``freq`` counted in units of
    ``freq_multiplier`` periods (``"D"`` × 7: 52.18 weeks; ``"D"`` × 1: 365.25 days).

    ``given`` is a value set by hand (e.g. a notebook parameter); it must agree with the one
    derived from ``freq`` and ``freq_multiplier`` within ``rtol``, else a ``ValueError`` names
    all three: a model in days discounted with 52.18 "units" a year would discount about 7×
    too fast.
    """
    check_freq(freq, freq_multiplier)
    derived = PERIODS_PER_YEAR[freq] / freq_multiplier
    if given is not None and not abs(given / derived - 1) <= rtol:
        raise ValueError(
            f"units_per_year={given!r} disagrees with freq={freq!r} and "
            f"freq_multiplier={freq_multiplier!r}, which give {derived:.4g} time units a year; "
            "drop units_per_year (it is derived) or fix freq / freq_multiplier"
        )
    return derived


def check_freq(freq: str, freq_multiplier: float) -> None:
    if freq not in SUPPORTED_FREQS:
        raise ValueError(f"freq must be one of {SUPPORTED_FREQS}, got {freq!r}")
    if not np.isfinite(freq_multiplier) or freq_multiplier <= 0:
        raise ValueError(f"freq_multiplier must be a positive number, got {freq_multiplier!r}")


def wall_clock(values: pd.Series, column: str) -> tuple[np.ndarray, object]:
    """Local wall-clock ``datetime64`` values of a datetime column, and its zone."""
    tz = check_times(values, column)
    if tz is not None:
        values = values.dt.tz_localize(None)
    return values.to_numpy(), tz


def check_times(values: pd.Series, column: str) -> object:
    """Check a datetime column (datetimes, none missing); return its zone."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        raise ValueError(
            f"column {column!r} must hold datetimes, got dtype {values.dtype} "
            f"(e.g. {values.iloc[0]!r}); parse it with pd.to_datetime first"
        )
    if values.isna().any():
        raise ValueError(
            f"column {column!r} has missing times (row {values[values.isna()].index[0]!r})"
        )
    return values.dt.tz


_UNITS_PER = {"h": 3600, "D": 86400}


def to_periods(wall: np.ndarray, freq: str) -> np.ndarray:
    """Period ordinals: days / hours since 1970-01-01, or weeks starting on Monday."""
    unit, _ = np.datetime_data(wall.dtype)
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}.get(unit)
    if per_second is None:  # unusual units: let numpy convert
        wall = wall.astype("datetime64[s]")
        per_second = 1
    ticks = wall.view(np.int64)
    if freq == "h":
        return np.floor_divide(ticks, 3600 * per_second)
    days = np.floor_divide(ticks, 86400 * per_second)
    if freq == "W":
        # 1970-01-01 is a Thursday: shifting by 3 days makes weeks start on Monday
        # (pandas' "W" = "W-SUN" periods, which lifetimes uses).
        days += 3
        days //= 7
    return days


def end_period(end: object, *, tz: object, freq: str, name: str) -> int:
    """The period ordinal of an explicit end date, read in the data's time zone."""
    if end is None:
        raise ValueError(f"{name} is required (an explicit date, never 'today')")
    stamp = pd.Timestamp(end)
    if pd.isna(stamp):
        raise ValueError(f"{name} is not a valid date: {end!r}")
    if stamp.tz is not None:
        if tz is None:
            raise ValueError(f"{name} {end!r} has a time zone but the time column has none")
        stamp = stamp.tz_convert(tz).tz_localize(None)
    wall = np.array([stamp.to_datetime64()])
    return int(to_periods(wall, freq)[0])


def calibration_end_period(end: object, *, tz: object, freq: str) -> int:
    """The last period of a calibration ending at ``end``: never a period that runs past it.

    ``end`` names the last day of calibration (a date) or an instant. A day and an hour are
    whole periods, so for ``"D"`` (the day of ``end``) and ``"h"`` (the hour of ``end``) this
    is the period containing ``end``. A Monday–Sunday week containing ``end`` runs past it
    unless ``end`` falls on its Sunday; that partial week is left out of the calibration (it
    goes to the holdout), so no purchase dated after ``end`` is read as calibration data. On
    CDNOW with ``freq="W"`` and ``end="1997-09-30"`` (a Tuesday) the calibration ends on
    Sunday 1997-09-28.
    """
    period = end_period(end, tz=tz, freq=freq, name="calibration_end")
    if freq != "W":
        return period
    stamp = pd.Timestamp(end)
    if stamp.tz is not None:
        stamp = stamp.tz_convert(tz).tz_localize(None)
    day = int(to_periods(np.array([stamp.to_datetime64()]), "D")[0])
    last_day_of_week = period * 7 + 3  # Sunday of week ``period`` (see to_periods)
    return period if day == last_day_of_week else period - 1


@dataclass(frozen=True)
class CustomerStats:
    """Per-customer-code statistics (arrays of length ``n_codes``)."""

    n_periods: np.ndarray  # distinct purchase periods (0 = no purchase)
    first: np.ndarray  # first purchase period
    last: np.ndarray  # last purchase period
    repeat_spend: np.ndarray | None  # spend outside the first period
    total_spend: np.ndarray | None  # all spend


def summary_arrays(
    stats: CustomerStats, rows: np.ndarray, *, end: int, freq_multiplier: float
) -> dict[str, np.ndarray]:
    """frequency / recency / T [/ monetary_value] of the customer codes ``rows``."""
    n = stats.n_periods[rows]
    first = stats.first[rows]
    out = {
        "frequency": (n - 1).astype(np.float64),
        "recency": (stats.last[rows] - first) / freq_multiplier,
        "T": (end - first) / freq_multiplier,
    }
    if stats.repeat_spend is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = stats.repeat_spend[rows] / (n - 1)
        out["monetary_value"] = np.where(n > 1, mean, 0.0)
    return out


def summary_frame(arrays: dict[str, np.ndarray], index: pd.Index, name: str) -> pd.DataFrame:
    frame = pd.DataFrame(arrays, index=pd.Index(index, name=name))
    return frame.sort_index()
