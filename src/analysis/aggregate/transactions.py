"""Transaction log → per-customer RFM summary, and the calibration/holdout split.

These are the inputs of the buy-till-you-die models in :mod:`analysis.studies.ltv`. They are our
own, vectorised re-implementation of ``lifetimes.utils.summary_data_from_transaction_data``
and ``calibration_and_holdout_data`` (which are slow, and partly broken under pandas 3):
with the same inputs and units the numbers are the same (tested on CDNOW).

Conventions (the ones of Fader & Hardie and of lifetimes):

* Time is cut into periods of ``freq`` (``"D"`` calendar days, ``"W"`` Monday–Sunday
  weeks, ``"h"`` hours). Purchases by one customer in the same period are merged into one
  transaction (their amounts are summed).
* ``frequency`` counts *repeat* periods with a purchase (the first one is not counted);
  ``recency`` is the time from the first to the last purchase period and ``T`` the time
  from the first purchase period to the period of the observation end, both divided by
  ``freq_multiplier``. "Weeks measured in days" (the CDNOW convention) is
  ``freq="D", freq_multiplier=7``.
* ``monetary_value`` is the mean amount of the repeat periods (0 without repeats).
* Times are read as local wall-clock time: tz-aware columns keep their own zone, and a
  naive ``observation_end`` / ``calibration_end`` is read in that zone. Everything in a
  period after the end's period is dropped; the end's whole period is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.engine import SqlInputs, infer_engine, is_sql_engine

__all__ = [
    "SUPPORTED_FREQS",
    "purchases_from_orders",
    "summarize_transactions",
    "calibration_holdout_summary",
    "calibration_part",
    "repeat_transactions",
]

#: Period granularities accepted as ``freq`` (fixed-length periods only).
SUPPORTED_FREQS = ("D", "W", "h")


@dataclass(frozen=True)
class _Prepared:
    """Column-wise arrays of a validated transaction log (one entry per input row)."""

    codes: np.ndarray  # int64 customer code, index into ``customers``
    customers: pd.Index  # distinct customer ids
    periods: np.ndarray  # int64 period ordinal of each row
    amounts: np.ndarray | None  # float64 amount of each row
    tz: object  # the time column's zone (None for naive)


# --------------------------------------------------------------------------------------
# validation and preparation
# --------------------------------------------------------------------------------------


def _require_columns(frame: pd.DataFrame, columns: list[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"column {missing[0]!r} is missing from the transactions "
            f"(columns present: {list(frame.columns)})"
        )


def _check_freq(freq: str, freq_multiplier: float) -> None:
    if freq not in SUPPORTED_FREQS:
        raise ValueError(f"freq must be one of {SUPPORTED_FREQS}, got {freq!r}")
    if not np.isfinite(freq_multiplier) or freq_multiplier <= 0:
        raise ValueError(f"freq_multiplier must be a positive number, got {freq_multiplier!r}")


def _wall_clock(values: pd.Series, column: str) -> tuple[np.ndarray, object]:
    """Local wall-clock ``datetime64`` values of a datetime column, and its zone."""
    tz = _check_times(values, column)
    if tz is not None:
        values = values.dt.tz_localize(None)
    return values.to_numpy(), tz


def _check_times(values: pd.Series, column: str) -> object:
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


def _to_periods(wall: np.ndarray, freq: str) -> np.ndarray:
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


def _end_period(end: object, *, tz: object, freq: str, name: str) -> int:
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
    return int(_to_periods(wall, freq)[0])


def _prepare(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None,
    freq: str,
) -> _Prepared:
    columns = [customer_col, time_col] + ([amount_col] if amount_col else [])
    _require_columns(transactions, columns)
    customers = transactions[customer_col]
    wall, tz = _wall_clock(transactions[time_col], time_col)
    codes, uniques = pd.factorize(customers, sort=False, use_na_sentinel=True)
    if codes.size and codes.min() < 0:
        raise ValueError(
            f"column {customer_col!r} has missing customer ids "
            f"(row {customers.index[int(np.argmin(codes))]!r})"
        )
    amounts = _amount_values(transactions, amount_col)
    return _Prepared(
        codes=codes.astype(np.int64, copy=False),
        customers=pd.Index(uniques),
        periods=_to_periods(wall, freq),
        amounts=amounts,
        tz=tz,
    )


# --------------------------------------------------------------------------------------
# the vectorised core
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PeriodTable:
    """One entry per (customer, period) with a purchase, sorted by customer then period."""

    codes: np.ndarray
    periods: np.ndarray
    sums: np.ndarray | None
    starts: np.ndarray  # index of each customer's first period
    counts: np.ndarray  # number of periods of each customer


def _period_table(
    codes: np.ndarray, periods: np.ndarray, amounts: np.ndarray | None
) -> _PeriodTable:
    if codes.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return _PeriodTable(empty, empty, None if amounts is None else np.empty(0), empty, empty)
    low = periods.min()
    span = int(periods.max() - low) + 1
    key = codes * span + (periods - low)
    if amounts is None:
        unique_keys = np.unique(key)
        sums = None
    else:
        unique_keys, inverse = np.unique(key, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=amounts, minlength=unique_keys.size)
    cust = unique_keys // span
    per = unique_keys % span + low
    new = np.empty(cust.size, dtype=bool)
    new[0] = True
    np.not_equal(cust[1:], cust[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, cust.size))
    return _PeriodTable(cust, per, sums, starts, counts)


@dataclass(frozen=True)
class _CustomerStats:
    """Per-customer-code statistics (arrays of length ``n_codes``)."""

    n_periods: np.ndarray  # distinct purchase periods (0 = no purchase)
    first: np.ndarray  # first purchase period
    last: np.ndarray  # last purchase period
    repeat_spend: np.ndarray | None  # spend outside the first period
    total_spend: np.ndarray | None  # all spend


def _customer_stats(
    codes: np.ndarray, periods: np.ndarray, amounts: np.ndarray | None, n_codes: int
) -> _CustomerStats:
    """Distinct periods, first/last period and spend per customer, without a groupby.

    The only sort is of one integer (customer, period) key per row; first and last
    periods and counts come from the sorted distinct keys, sums from ``bincount``.
    """
    first = np.full(n_codes, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n_codes, np.iinfo(np.int64).min, dtype=np.int64)
    n_periods = np.zeros(n_codes, dtype=np.int64)
    repeat_spend = total_spend = None
    if amounts is not None:
        repeat_spend = np.zeros(n_codes)
        total_spend = np.zeros(n_codes)
    if codes.size == 0:
        return _CustomerStats(n_periods, first, last, repeat_spend, total_spend)
    low = int(periods.min())
    span = int(periods.max()) - low + 1
    key = codes * span
    key += periods
    key -= low
    if n_codes * span < 2**32:  # a 32-bit key sorts faster
        key = key.astype(np.uint32)
    key.sort()
    new = np.empty(key.size, dtype=bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    pairs = key[new]  # distinct (customer, period) keys, sorted by customer then period
    del key, new
    customer = (pairs // pairs.dtype.type(span)).astype(np.int64)
    period = (pairs % pairs.dtype.type(span)).astype(np.int64) + low
    n_periods = np.bincount(customer, minlength=n_codes)
    boundary = np.flatnonzero(customer[1:] != customer[:-1])
    starts = np.r_[0, boundary + 1]
    ends = np.r_[boundary, customer.size - 1]
    first[customer[starts]] = period[starts]
    last[customer[ends]] = period[ends]
    if amounts is not None:
        later = periods != first[codes]
        repeat_spend = np.bincount(codes[later], weights=amounts[later], minlength=n_codes)
        total_spend = np.bincount(codes, weights=amounts, minlength=n_codes)
    return _CustomerStats(n_periods, first, last, repeat_spend, total_spend)


def _summary_arrays(
    stats: _CustomerStats, rows: np.ndarray, *, end: int, freq_multiplier: float
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


def _frame(arrays: dict[str, np.ndarray], index: pd.Index, name: str) -> pd.DataFrame:
    frame = pd.DataFrame(arrays, index=pd.Index(index, name=name))
    return frame.sort_index()


# --------------------------------------------------------------------------------------
# the fast path of summarize_transactions: one sort of packed int64 keys, no hashing
# --------------------------------------------------------------------------------------
#
# Each row becomes one int64 ``customer | period | low field`` (bit fields, most
# significant first). The customer field is computed from the id without hashing and
# keeps the ids' order (integer ids minus their minimum; fixed-width strings packed from
# the byte positions that vary). One in-place ``np.sort`` of these keys puts the rows in
# output order: customer, then period. Distinct (customer, period) pairs, first / last
# periods and counts come from boundaries in the sorted keys, spend from
# ``np.add.reduceat``, and the index is decoded from the customer field, so the output
# needs no sort either. The low field carries the spend: the amount itself when amounts
# are whole cents (summed exactly as integers, no gather), else the row number (amounts
# gathered in sorted order) or, for a log in time order, the row's rank within its period
# (fewer bits). Everything except the key buffer is done in blocks of ``_BLOCK`` rows
# (cache-sized, no further 10M-row temporaries). Ids of other dtypes, or fields that do
# not fit in 63 bits, take the general path (``_prepare`` / ``_customer_stats``, which
# hashes the ids).

_MAX_KEY_BITS = 63
_BLOCK = 1 << 16
_TICKS_PER_UNIT = 100  # amounts that are whole cents are summed exactly as integers


@dataclass(frozen=True)
class _IdCodec:
    """Order-preserving integer keys of customer ids, without hashing."""

    kind: str  # "int" or "str"
    bits: int  # width of the keys
    low: int = 0  # integer ids: the minimum
    # fixed-width strings: (byte position, lowest byte, bits) of varying positions
    fields: tuple = ()
    template: bytes = b""  # fixed-width strings: the bytes of one id
    chunks: tuple = ()  # fixed-width strings: (first row, byte matrix) per Arrow chunk

    def encode(self, ids: pd.Series, start: int, stop: int, out: np.ndarray) -> None:
        """Write the keys of rows ``start:stop`` to ``out``."""
        if self.kind == "int":
            np.subtract(
                ids.to_numpy()[start:stop], self.low, out=out, dtype=np.int64, casting="unsafe"
            )
            return
        out[:] = 0
        for first_row, matrix in self.chunks:
            lo, hi = max(start, first_row), min(stop, first_row + len(matrix))
            if lo >= hi:
                continue
            part = out[lo - start : hi - start]
            rows = matrix[lo - first_row : hi - first_row]
            for j, low, bits in self.fields:
                part <<= bits
                part += rows[:, j]
                part -= low

    def decode(self, keys: np.ndarray, dtype: object) -> pd.Index:
        """The ids of ``keys`` (an Index of ``dtype``; ``keys`` may be overwritten)."""
        if self.kind == "int":
            keys += self.low  # in place: ``keys`` become the index
            return pd.Index(keys.astype(dtype, copy=False))
        import pyarrow as pa

        width = len(self.template)
        matrix = np.empty((keys.size, width), dtype=np.uint8)
        matrix[:] = np.frombuffer(self.template, dtype=np.uint8)
        shift = 0
        for j, low, bits in reversed(self.fields):
            matrix[:, j] = ((keys >> shift) & ((1 << bits) - 1)) + low
            shift += bits
        offsets = np.arange(0, (keys.size + 1) * width, width, dtype=np.int64)
        array = pa.Array.from_buffers(
            pa.large_string(), keys.size, [None, pa.py_buffer(offsets), pa.py_buffer(matrix)]
        )
        return pd.Index(dtype.__from_arrow__(array))


def _is_arrow_string(dtype: object) -> bool:
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _column_range(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column min and max of a (rows, width) uint8 matrix (reduced over 64 rows at a
    time, which keeps numpy's inner loop long)."""
    rows, width = matrix.shape
    full = rows - rows % 64
    lows, highs = [], []
    if full:
        wide = matrix[:full].reshape(-1, 64 * width)
        lows.append(wide.min(axis=0).reshape(64, width).min(axis=0))
        highs.append(wide.max(axis=0).reshape(64, width).max(axis=0))
    if rows > full:
        lows.append(matrix[full:].min(axis=0))
        highs.append(matrix[full:].max(axis=0))
    return np.min(lows, axis=0), np.max(highs, axis=0)


def _string_codec(ids: pd.Series) -> _IdCodec | None:
    """Keys of Arrow-backed strings that all have the same byte length: with equal
    lengths, byte-wise (= code-point) order is column-wise lexicographic order, which
    packing the varying byte positions (most significant first, each in the bits of its
    own range of byte values) keeps. ``None`` for other strings or missing values."""
    import pyarrow as pa

    chunked = ids.array.__arrow_array__()
    if chunked.null_count or not (
        pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)
    ):
        return None
    offset_type = np.int64 if pa.types.is_large_string(chunked.type) else np.int32
    chunks, width, first_row = [], None, 0
    for chunk in chunked.chunks:
        size = len(chunk)
        if size == 0:
            continue
        _, offsets_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(offsets_buf, dtype=offset_type)[
            chunk.offset : chunk.offset + size + 1
        ]
        if width is None:
            width = int(offsets[1] - offsets[0])
        if int(offsets[-1] - offsets[0]) != width * size:
            return None
        for b in range(0, size, _BLOCK):  # all lengths equal (blockwise: no big temporaries)
            if np.any(np.diff(offsets[b : b + _BLOCK + 1]) != width):
                return None
        data = (
            np.frombuffer(data_buf, dtype=np.uint8)
            if data_buf is not None
            else np.empty(0, np.uint8)
        )
        start = int(offsets[0])
        chunks.append((first_row, data[start : start + width * size].reshape(size, width)))
        first_row += size
    if not chunks or width == 0:
        return None
    ranges = [_column_range(m) for _, m in chunks]
    low = np.min([r[0] for r in ranges], axis=0)
    high = np.max([r[1] for r in ranges], axis=0)
    fields = tuple(
        (j, int(low[j]), int(high[j] - low[j]).bit_length())
        for j in range(width)
        if high[j] > low[j]
    )
    template = chunks[0][1][0].tobytes()
    return _IdCodec(
        kind="str",
        bits=sum(f[2] for f in fields),
        fields=fields,
        template=template,
        chunks=tuple(chunks),
    )


def _id_codec(ids: pd.Series) -> _IdCodec | None:
    """How to key the ids without hashing (integer ids, fixed-width Arrow strings)."""
    dtype = ids.dtype
    if len(ids) == 0:
        return None
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        values = ids.to_numpy()
        low, high = int(values.min()), int(values.max())
        if low < np.iinfo(np.int64).min or high > np.iinfo(np.int64).max:
            return None
        return _IdCodec(kind="int", bits=(high - low).bit_length(), low=low)
    if _is_arrow_string(dtype):
        return _string_codec(ids)
    return None


def _period_block(times: pd.Series, start: int, stop: int, freq: str) -> np.ndarray:
    """Period ordinals of rows ``start:stop`` (local wall-clock time)."""
    block = times.array[start:stop]
    if block.tz is not None:
        block = block.tz_localize(None)
    return _to_periods(np.asarray(block), freq)


def _amount_values(transactions: pd.DataFrame, amount_col: str | None) -> np.ndarray | None:
    """The validated float64 amounts (non-negative, no missing values), or None."""
    if not amount_col:
        return None
    raw = transactions[amount_col]
    if not pd.api.types.is_numeric_dtype(raw):
        raise ValueError(f"column {amount_col!r} must be numeric, got dtype {raw.dtype}")
    amounts = raw.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.flatnonzero(~(amounts >= 0))  # catches NaN too
    if bad.size:
        raise ValueError(
            f"column {amount_col!r} must be a non-negative number; "
            f"found {raw.iloc[bad[0]]!r} at row {raw.index[bad[0]]!r}"
        )
    return amounts


def _summarize_sorted(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None,
    observation_end: object,
    freq: str,
    freq_multiplier: float,
) -> pd.DataFrame | None:
    """:func:`summarize_transactions` by one sort of packed keys (see above), or ``None``
    when the ids or the key widths do not allow it (then the general path runs)."""
    _require_columns(transactions, [customer_col, time_col] + ([amount_col] if amount_col else []))
    ids, times = transactions[customer_col], transactions[time_col]
    n = len(ids)
    codec = _id_codec(ids)
    if codec is None or not isinstance(times.array, pd.arrays.DatetimeArray):
        return None
    tz = _check_times(times, time_col)
    amounts = _amount_values(transactions, amount_col)
    end = _end_period(observation_end, tz=tz, freq=freq, name="observation_end")

    # pass 1: periods into the key buffer; their range, and whether they are in order;
    # whether the amounts are whole cents (then they can travel in the key)
    key = np.empty(n, dtype=np.int64)
    low, high, in_order, previous = None, None, True, None
    cents, max_ticks = amounts is not None, 0
    for b in range(0, n, _BLOCK):
        if cents:
            ticks = np.rint(amounts[b : b + _BLOCK] * _TICKS_PER_UNIT)
            cents = bool(np.array_equal(ticks / _TICKS_PER_UNIT, amounts[b : b + _BLOCK]))
            max_ticks = max(max_ticks, ticks.max())
        part = key[b : b + _BLOCK]
        part[:] = _period_block(times, b, b + _BLOCK, freq)
        lo, hi = int(part.min()), int(part.max())
        low = lo if low is None else min(low, lo)
        high = hi if high is None else max(high, hi)
        if in_order:
            in_order = (previous is None or previous <= part[0]) and bool(
                np.all(part[1:] >= part[:-1])
            )
            previous = part[-1]
    if end < low:
        return None  # nothing before the end: the general path builds the empty table
    period_bits = (min(high, end) - low).bit_length()
    # the low field: nothing (no amounts), the amount in cents, the row, or (logs in time
    # order) the row's rank within its period -- the first that fits
    room = _MAX_KEY_BITS - codec.bits - period_bits
    low_field, row_bits, period_starts = "row", (n - 1).bit_length(), None
    if amounts is None:
        low_field, row_bits = "none", 0
    elif cents and max_ticks < 2**53 and int(max_ticks).bit_length() <= room:
        low_field, row_bits = "cents", int(max_ticks).bit_length()
    elif row_bits > room:
        if not in_order:
            return None
        period_starts = np.searchsorted(key, np.arange(low, min(high, end) + 2))
        low_field, row_bits = "rank", int(np.diff(period_starts).max() - 1).bit_length()
    if row_bits > room:
        return None

    # pass 2: key = customer | period | low field
    scratch = np.empty(_BLOCK, dtype=np.int64)
    counting = np.arange(_BLOCK, dtype=np.int64)
    n_late = 0
    for b in range(0, n, _BLOCK):
        part = key[b : b + _BLOCK]
        size = part.size
        out = scratch[:size]
        codec.encode(ids, b, b + size, out)
        late = part > end
        part -= low
        out <<= period_bits
        out += part
        out <<= row_bits
        if low_field == "cents":
            out += np.rint(amounts[b : b + size] * _TICKS_PER_UNIT).astype(np.int64)
        elif low_field == "row":
            out += counting[:size]
            out += b
        elif low_field == "rank":
            out += counting[:size]
            out += b - period_starts[np.minimum(part, period_starts.size - 1)]
        if late.any():
            out[late] = np.iinfo(np.int64).max  # sorts last, cut below
            n_late += int(np.count_nonzero(late))
        part[:] = out
    del scratch, counting

    key.sort()
    m = n - n_late
    if m == 0:
        return None

    # pass 3, over blocks that end at a customer boundary
    customer_shift = period_bits + row_bits
    row_mask = np.int64((1 << row_bits) - 1)
    period_mask = np.int64((1 << period_bits) - 1)
    n_customers, previous = 0, None
    for b in range(0, m, _BLOCK):  # count the customers, to write the result in place
        customer = key[b : min(b + _BLOCK, m)] >> customer_shift
        n_customers += int(np.count_nonzero(customer[1:] != customer[:-1])) + (
            previous != customer[0]
        )
        previous = customer[-1]
    names = ["frequency", "recency", "T"] + ([] if amounts is None else ["monetary_value"])
    values = np.empty((len(names), n_customers))  # the result's (column-major) block
    customers = np.empty(n_customers, dtype=np.int64)
    at = 0
    b = 0
    while b < m:
        e = min(b + _BLOCK, m)
        if e < m:
            bound = ((int(key[e - 1]) >> customer_shift) + 1) << customer_shift
            e = (
                m
                if bound > np.iinfo(np.int64).max
                else int(np.searchsorted(key[:m], np.int64(bound)))
            )
        part = key[b:e]
        pair = part >> row_bits
        new_pair = np.empty(pair.size, dtype=bool)
        new_pair[0] = True
        np.not_equal(pair[1:], pair[:-1], out=new_pair[1:])
        pair_starts = np.flatnonzero(new_pair)
        pairs = pair[pair_starts]
        customer = pairs >> period_bits
        new_customer = np.empty(pairs.size, dtype=bool)
        new_customer[0] = True
        np.not_equal(customer[1:], customer[:-1], out=new_customer[1:])
        starts = np.flatnonzero(new_customer)
        periods = pairs & period_mask
        periods += low
        repeat = None
        if low_field == "cents":
            sums = np.add.reduceat(part & row_mask, pair_starts)  # exact
            sums[starts] = 0  # the first period is not a repeat
            repeat = np.add.reduceat(sums, starts) / _TICKS_PER_UNIT
        elif amounts is not None:
            rows = part & row_mask
            if period_starts is not None:
                rows += period_starts[pair & period_mask]
            sums = np.add.reduceat(amounts[rows], pair_starts)
            sums[starts] = 0.0  # the first period is not a repeat
            repeat = np.add.reduceat(sums, starts)
        stats = _CustomerStats(
            n_periods=np.diff(np.append(starts, pairs.size)),
            first=periods[starts],
            last=periods[np.append(starts[1:], pairs.size) - 1],
            repeat_spend=repeat,
            total_spend=None,
        )
        columns = _summary_arrays(
            stats, np.arange(starts.size), end=end, freq_multiplier=freq_multiplier
        )
        customers[at : at + starts.size] = customer[starts]
        for i, name in enumerate(names):
            values[i, at : at + starts.size] = columns[name]
        at += starts.size
        b = e
    del key
    assert at == n_customers
    index = codec.decode(customers, ids.dtype).rename(customer_col)
    return pd.DataFrame(values.T, index=index, columns=pd.Index(names), copy=False)


# --------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------


def purchases_from_orders(
    orders: pd.DataFrame,
    *,
    customer_col: str = "user_id",
    time_col: str = "ordered_at",
    amount_col: str = "amount",
    refund_col: str = "refund_amount",
    is_refund_col: str = "is_refund",
) -> pd.DataFrame:
    """Purchases (orders with a positive net amount) from the canonical orders table.

    Net amount = ``amount - refund_amount``; when ``refund_amount`` is absent a refunded
    order (``is_refund``) is refunded in full. Orders whose net amount is 0 are not
    purchases and are dropped.

    Returns a new DataFrame with columns ``customer_col``, ``time_col`` and
    ``net_amount`` (float), one row per purchase, in input order.
    """
    _require_columns(orders, [customer_col, time_col, amount_col])
    amount = orders[amount_col].astype("float64")
    if refund_col in orders.columns:
        refund = orders[refund_col].astype("float64").fillna(0.0)
    elif is_refund_col in orders.columns:
        refund = amount.where(orders[is_refund_col].fillna(False).astype(bool), 0.0)
    else:
        refund = pd.Series(0.0, index=orders.index)
    for name, values in ((amount_col, amount), (refund_col, refund)):
        bad = values[~(values >= 0)]
        if len(bad):
            raise ValueError(
                f"column {name!r} must be >= 0; found {bad.iloc[0]!r} at row {bad.index[0]!r}"
            )
    net = amount - refund
    too_much = net[net < -1e-9]
    if len(too_much):
        row = too_much.index[0]
        raise ValueError(
            f"column {refund_col!r} exceeds {amount_col!r} at row {row!r} "
            f"({refund.loc[row]!r} > {amount.loc[row]!r})"
        )
    keep = net > 1e-9
    out = pd.DataFrame(
        {
            customer_col: orders.loc[keep, customer_col],
            time_col: orders.loc[keep, time_col],
            "net_amount": net[keep],
        }
    )
    return out


def summarize_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None = None,
    observation_end: object,
    freq: str = "D",
    freq_multiplier: float = 1,
    engine=None,
) -> pd.DataFrame:
    """Per-customer frequency, recency, T (and mean repeat spend) up to ``observation_end``.

    Parameters
    ----------
    transactions
        One row per purchase; not modified.
    customer_col, time_col
        Customer id column and datetime column (naive or tz-aware).
    amount_col
        Optional non-negative spend column; adds ``monetary_value``.
    observation_end
        Required end of observation (date, string or Timestamp); purchases in later
        periods are ignored.
    freq, freq_multiplier
        Period granularity (``"D"``, ``"W"``, ``"h"``) and the number of periods per
        model time unit (``"D"`` with 7 gives weeks measured in days).

    Returns
    -------
    DataFrame indexed by customer id (name ``customer_col``, sorted), one row per
    customer with a purchase on or before the end, float columns ``frequency`` (repeat
    purchase periods), ``recency`` (first to last purchase), ``T`` (first purchase to
    observation end) and, with ``amount_col``, ``monetary_value`` (mean spend per repeat
    period, 0 without repeats). Same numbers as
    ``lifetimes.utils.summary_data_from_transaction_data`` with the same arguments.

    ``engine="duckdb"`` / ``"spark"`` computes the same table in SQL (:mod:`analysis.engine`);
    ``transactions`` may then also be a table such as ``DuckTables.purchases``
    (``customer_col="user_id", time_col="ordered_at", amount_col="net_amount"``), read out
    of core.
    """
    _check_freq(freq, freq_multiplier)
    engine = infer_engine(engine, transactions)
    if is_sql_engine(engine):
        return _summarize_sql(
            transactions,
            customer_col=customer_col,
            time_col=time_col,
            amount_col=amount_col,
            observation_end=observation_end,
            freq=freq,
            freq_multiplier=freq_multiplier,
            engine=engine,
        )
    fast = _summarize_sorted(
        transactions,
        customer_col=customer_col,
        time_col=time_col,
        amount_col=amount_col,
        observation_end=observation_end,
        freq=freq,
        freq_multiplier=freq_multiplier,
    )
    if fast is not None:
        return fast
    prep = _prepare(
        transactions, customer_col=customer_col, time_col=time_col, amount_col=amount_col, freq=freq
    )
    end = _end_period(observation_end, tz=prep.tz, freq=freq, name="observation_end")
    codes, periods, amounts = _rows_until(prep, end)
    stats = _customer_stats(codes, periods, amounts, len(prep.customers))
    rows = np.flatnonzero(stats.n_periods)
    arrays = _summary_arrays(stats, rows, end=end, freq_multiplier=freq_multiplier)
    return _frame(arrays, prep.customers[rows], customer_col)


def _summarize_sql(
    transactions,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None,
    observation_end,
    freq: str,
    freq_multiplier: float,
    engine,
) -> pd.DataFrame:
    """The SQL definition of :func:`summarize_transactions` for DuckDB and Spark (same
    periods and numbers)."""
    tz = None
    id_dtype = "str"
    if isinstance(transactions, pd.DataFrame):
        _require_columns(
            transactions, [customer_col, time_col] + ([amount_col] if amount_col else [])
        )
        times = transactions[time_col]
        if not pd.api.types.is_datetime64_any_dtype(times):
            raise ValueError(f"column {time_col!r} must hold datetimes, got dtype {times.dtype}")
        if amount_col and not pd.api.types.is_numeric_dtype(transactions[amount_col]):
            raise ValueError(
                f"column {amount_col!r} must be numeric, got dtype {transactions[amount_col].dtype}"
            )
        tz = times.dt.tz
        id_dtype = transactions[customer_col].dtype
    with SqlInputs(engine, tz=None if tz is None else str(tz), transactions=transactions) as db:
        if not isinstance(transactions, pd.DataFrame):
            tz = db.tz  # canonical DuckDB times are TIMESTAMPTZ in the session's zone
        end = _end_period(observation_end, tz=tz, freq=freq, name="observation_end")
        src = db.views["transactions"]
        cust, t = _sql_col(customer_col), _sql_col(time_col)
        amt = "NULL::DOUBLE" if amount_col is None else f"CAST({_sql_col(amount_col)} AS DOUBLE)"
        n_id, n_t, n_amt = db.row(
            f"SELECT count(*) FILTER (WHERE {cust} IS NULL), count(*) FILTER (WHERE {t} IS NULL), "
            f"count(*) FILTER (WHERE {amount_col is not None} AND "
            f"({amt} IS NULL OR isnan({amt}) OR {amt} < 0)) FROM {src}"
        )
        if n_id:
            raise ValueError(f"column {customer_col!r} has missing customer ids ({n_id} rows)")
        if n_t:
            raise ValueError(f"column {time_col!r} has missing times ({n_t} rows)")
        if n_amt:
            raise ValueError(
                f"column {amount_col!r} must be a non-negative number ({n_amt} rows are not)"
            )
        # local wall-clock microseconds (the session TimeZone is the data's zone), as periods
        wall = f"CAST(epoch_us(CAST({t} AS TIMESTAMP)) AS DOUBLE)"
        day = f"floor({wall} / 86400000000.0)"
        period = {"h": f"floor({wall} / 3600000000.0)", "D": day, "W": f"floor(({day} + 3) / 7)"}[
            freq
        ]
        sql = f"""
            WITH r AS (
                SELECT {cust} AS cust, CAST({period} AS BIGINT) AS period, {amt} AS amt
                FROM {src}),
            cp AS (SELECT cust, period, sum(amt) AS s FROM r WHERE period <= {end}
                   GROUP BY cust, period),
            w AS (SELECT *, min(period) OVER (PARTITION BY cust) AS first FROM cp)
            SELECT cust, count(*) AS n, min(first) AS first, max(period) AS last,
                   coalesce(sum(s) FILTER (WHERE period <> first), 0.0) AS repeat
            FROM w GROUP BY cust"""
        got = db.df(sql)
    stats = _CustomerStats(
        n_periods=got["n"].to_numpy(np.int64),
        first=got["first"].to_numpy(np.int64),
        last=got["last"].to_numpy(np.int64),
        repeat_spend=None if amount_col is None else got["repeat"].to_numpy(np.float64),
        total_spend=None,
    )
    arrays = _summary_arrays(stats, np.arange(len(got)), end=end, freq_multiplier=freq_multiplier)
    return _frame(arrays, pd.Index(got["cust"].astype(id_dtype)), customer_col)


def _sql_col(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _rows_until(prep: _Prepared, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The rows in periods up to ``end`` (no copy when nothing is cut)."""
    keep = prep.periods <= end
    if keep.all():
        return prep.codes, prep.periods, prep.amounts
    return (
        prep.codes[keep],
        prep.periods[keep],
        None if prep.amounts is None else prep.amounts[keep],
    )


def calibration_holdout_summary(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None = None,
    calibration_end: object,
    observation_end: object,
    freq: str = "D",
    freq_multiplier: float = 1,
) -> pd.DataFrame:
    """Calibration summary up to ``calibration_end`` and holdout counts after it.

    Purchases in periods up to the calibration end's period are the calibration data;
    purchases in later periods up to the observation end's period are the holdout.
    Customers are those with a calibration purchase (a customer first seen in the
    holdout is not in the table).

    Returns
    -------
    DataFrame indexed by customer id (sorted) with float columns ``frequency_cal``,
    ``recency_cal``, ``T_cal`` [, ``monetary_value_cal``] (as
    :func:`summarize_transactions` at ``calibration_end``), ``frequency_holdout``
    (purchase periods in the holdout; every holdout purchase counts, there is no
    "first" one) [, ``monetary_value_holdout`` (mean spend per holdout purchase period,
    0 without)], and ``duration_holdout`` (holdout length in model time units).
    """
    _check_freq(freq, freq_multiplier)
    prep = _prepare(
        transactions, customer_col=customer_col, time_col=time_col, amount_col=amount_col, freq=freq
    )
    cal_end = _end_period(calibration_end, tz=prep.tz, freq=freq, name="calibration_end")
    obs_end = _end_period(observation_end, tz=prep.tz, freq=freq, name="observation_end")
    if obs_end <= cal_end:
        raise ValueError(
            f"observation_end ({observation_end!r}) must fall in a later period than "
            f"calibration_end ({calibration_end!r})"
        )
    amounts = prep.amounts
    n_codes = len(prep.customers)
    codes, periods, cal_amounts = _rows_until(prep, cal_end)
    cal = _customer_stats(codes, periods, cal_amounts, n_codes)
    rows = np.flatnonzero(cal.n_periods)
    arrays = {
        f"{k}_cal": v
        for k, v in _summary_arrays(cal, rows, end=cal_end, freq_multiplier=freq_multiplier).items()
    }
    in_hold = (prep.periods > cal_end) & (prep.periods <= obs_end)
    hold = _customer_stats(
        prep.codes[in_hold],
        prep.periods[in_hold],
        None if amounts is None else amounts[in_hold],
        n_codes,
    )
    counts = hold.n_periods[rows].astype(np.float64)
    arrays["frequency_holdout"] = counts
    if amounts is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            arrays["monetary_value_holdout"] = np.where(
                counts > 0, hold.total_spend[rows] / counts, 0.0
            )
    arrays["duration_holdout"] = np.full(rows.size, (obs_end - cal_end) / freq_multiplier)
    return _frame(arrays, prep.customers[rows], customer_col)


def calibration_part(cal_holdout: pd.DataFrame) -> pd.DataFrame:
    """The calibration columns of a :func:`calibration_holdout_summary` table, renamed.

    Returns a new DataFrame with the same index and ``frequency``, ``recency``, ``T``
    [, ``monetary_value``] — the input of the models, fitted on calibration data only.
    """
    cols = [c for c in cal_holdout.columns if c.endswith("_cal")]
    if not {"frequency_cal", "recency_cal", "T_cal"} <= set(cols):
        raise ValueError(
            "expected frequency_cal, recency_cal and T_cal columns, "
            f"got {list(cal_holdout.columns)}"
        )
    return cal_holdout[cols].rename(columns={c: c.removesuffix("_cal") for c in cols})


def repeat_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str | None = None,
    observation_end: object,
    freq: str = "D",
) -> pd.DataFrame:
    """The merged purchase periods of each customer, with the first one flagged.

    Returns
    -------
    DataFrame with one row per (customer, purchase period) up to ``observation_end``,
    sorted by customer and period, columns ``customer_col``, ``period_start`` (naive
    local Timestamp at the start of the period), ``is_first`` (bool, the customer's first
    purchase period) and, with ``amount_col``, ``amount`` (summed over the period).
    """
    _check_freq(freq, 1)
    prep = _prepare(
        transactions, customer_col=customer_col, time_col=time_col, amount_col=amount_col, freq=freq
    )
    end = _end_period(observation_end, tz=prep.tz, freq=freq, name="observation_end")
    keep = prep.periods <= end
    table = _period_table(
        prep.codes[keep], prep.periods[keep], None if prep.amounts is None else prep.amounts[keep]
    )
    is_first = np.zeros(table.codes.size, dtype=bool)
    is_first[table.starts] = True
    out = {
        customer_col: prep.customers[table.codes].to_numpy(),
        "period_start": _period_starts(table.periods, freq),
        "is_first": is_first,
    }
    if table.sums is not None:
        out["amount"] = table.sums
    return pd.DataFrame(out)


def _period_starts(periods: np.ndarray, freq: str) -> pd.DatetimeIndex:
    if freq == "h":
        values = periods.astype("datetime64[h]")
    elif freq == "W":
        values = (periods * 7 - 3).astype("datetime64[D]")
    else:
        values = periods.astype("datetime64[D]")
    return pd.DatetimeIndex(values.astype("datetime64[s]"))
