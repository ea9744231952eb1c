"""Helpers for explicit cut-offs and windows."""

from __future__ import annotations

import pandas as pd


def as_timestamp(value, *, tz: str, name: str) -> pd.Timestamp:
    """``value`` as a tz-aware Timestamp in ``tz``; naive values are read as local time."""
    if value is None:
        raise ValueError(f"{name} is required (time is always explicit)")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}: cannot read {value!r} as a timestamp") from exc
    if ts is pd.NaT:
        raise ValueError(f"{name}: {value!r} is not a timestamp")
    return ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)


def tz_of(series: pd.Series, default: str = "Asia/Shanghai") -> str:
    tz = getattr(series.dtype, "tz", None)
    return str(tz) if tz is not None else default
