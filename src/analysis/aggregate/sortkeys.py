"""The fast path of :func:`~analysis.aggregate.transactions.summarize_transactions`:
order-preserving int64 keys of (customer, period, spend), one sort, no hashing.

Each row becomes one key that packs the customer id (integer ids shifted to 0, or the bytes of
fixed-width string ids that vary), the period and the spend; sorting the keys puts the rows in
output order. Ids or fields that do not fit in 63 bits return ``None`` here and take the
general path in :mod:`analysis.aggregate.transactions`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.aggregate.periods import (
    CustomerStats,
    check_times,
    end_period,
    require_columns,
    summary_arrays,
    to_periods,
)

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
    return to_periods(np.asarray(block), freq)


def amount_values(transactions: pd.DataFrame, amount_col: str | None) -> np.ndarray | None:
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


def summarize_sorted(
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
    require_columns(transactions, [customer_col, time_col] + ([amount_col] if amount_col else []))
    ids, times = transactions[customer_col], transactions[time_col]
    n = len(ids)
    codec = _id_codec(ids)
    if codec is None or not isinstance(times.array, pd.arrays.DatetimeArray):
        return None
    tz = check_times(times, time_col)
    amounts = amount_values(transactions, amount_col)
    end = end_period(observation_end, tz=tz, freq=freq, name="observation_end")

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
        stats = CustomerStats(
            n_periods=np.diff(np.append(starts, pairs.size)),
            first=periods[starts],
            last=periods[np.append(starts[1:], pairs.size) - 1],
            repeat_spend=repeat,
            total_spend=None,
        )
        columns = summary_arrays(
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
