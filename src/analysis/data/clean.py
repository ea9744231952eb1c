"""Cleaning one table's columns: ids, timestamps, numbers and flags parsed and checked, every
repair counted in the ledger; :func:`clean_contacts`, :func:`clean_events`,
:func:`clean_orders`.

Why this module is long: each canonical column type (ids, timestamps, numbers, flags) has
its parser here with every repair it counts and every error it raises, and the three
``clean_*`` functions apply them; the parsers share the error and ledger helpers. Cell-level
spellings are :mod:`analysis.data.cells`; refund rows are :mod:`analysis.data.refunds`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.cells import (
    TWO_DIGIT_YEAR_RE,
    bracketed_negatives,
    fullwidth,
    money,
    null_spelling,
    other_layouts,
    ten_thousands,
    ymd_dates,
)
from analysis.data.errors import DataError, Ledger, Problems, Source
from analysis.data.refunds import REFUND_ROWS_HINT, fold_refund_rows, refund_rows
from analysis.data.schema import CONTACTS, EVENTS, FLAG_FALSE, FLAG_TRUE, ORDERS, TableSchema
from analysis.data.vocab import Vocabulary

_OFFSET_RE = r"(?:Z|[+-]\d{2}:?\d{2})$"


_TRUE = set(FLAG_TRUE)


_FALSE = set(FLAG_FALSE)


#: Orders above this amount (CNY) are an error: usually an id or a phone number pasted
#: into the amount column.
MAX_AMOUNT = 1e8


#: Timestamps outside [PLAUSIBLE_FROM, PLAUSIBLE_UNTIL) are an error (placeholder dates).
PLAUSIBLE_FROM = "2000-01-01"


PLAUSIBLE_UNTIL = "2100-01-01"


_EXCEL_ERROR_RE = r"^#(?:N/A|VALUE!|REF!|DIV/0!|NUM!|NAME\?|NULL!|SPILL!|CALC!|#+)$"


_SCI_ID_RE = r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$"


_DOT0_ID_RE = r"^\d+\.0+$"


_SERIAL_RE = r"^\d{5}(?:\.\d+)?$"


_EPOCH_RE = r"^\d{9,13}(?:\.\d+)?$"


_DMY_RE = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b"


_TZ_ABBR_RE = r"\s[A-Za-z]{3,5}$"


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


_ISO_RE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"


def _check_columns(df: pd.DataFrame, schema: TableSchema, src: Source) -> None:
    missing = [c for c in schema.required if c not in df.columns]
    if missing:
        raise DataError(
            src.file,
            missing[0],
            f"required column{'s' if len(missing) > 1 else ''} "
            f"{missing} missing from the {schema.name} table",
            examples=list(df.columns)[:8],
            hint=f"found columns {list(df.columns)}; required {schema.required}",
        )
    for c in schema.names:
        if (
            c in df.columns
            and not pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_datetime64_any_dtype(df[c])
        ):
            text = df[c].astype("str").str.strip()
            hash_ = text.str.startswith("#").fillna(False)
            if bool(hash_.any()):
                fail_rows(
                    src,
                    c,
                    "Excel error value",
                    hash_ & text.str.match(_EXCEL_ERROR_RE).fillna(False),
                    df[c],
                    hint="fix the formula in the spreadsheet, or export values only",
                )


def note_repair(
    ledger: Ledger, table: str, step: str, mask: pd.Series, n: int, *, detail: str
) -> None:
    """One ledger line for the cells ``mask`` marks as repaired by ``step`` (none: no line);
    the rows stay, so in and out are the table's ``n`` rows."""
    if bool(mask.any()):
        ledger.add(table, step, rows_in=n, rows_out=n, repaired=int(mask.sum()), detail=detail)


def fail_rows(
    src: Source,
    column: str,
    problem: str,
    bad: pd.Series,
    values: pd.Series,
    hint: str | None = None,
) -> None:
    """Raise a DataError for the rows where ``bad`` is True (if any)."""
    bad = bad.astype(bool)
    if bool(bad.any()):
        idx = bad.index[bad.to_numpy()]
        raise DataError(
            src.file,
            column,
            problem,
            rows=src.rows(idx),
            n_rows=len(idx),
            examples=values.loc[idx[:3]].tolist(),
            hint=hint,
        )


def count_nulls(
    ledger: Ledger,
    table: str,
    col: str,
    nulls: pd.Series,
    text: pd.Series,
    *,
    n: int | None = None,
) -> None:
    """The ledger step for null spellings (``空``, ``NULL``, ``-`` ...) read as missing;
    ``n``: the table's rows when ``nulls`` covers only some of them."""
    n = len(nulls) if n is None else n
    if bool(nulls.any()):
        counts = text[nulls].value_counts()
        ledger.add(
            table,
            f"{col}: null spellings read as missing",
            rows_in=n,
            rows_out=n,
            repaired=int(nulls.sum()),
            detail=", ".join(f"{k!r} x{v}" for k, v in counts.items()),
        )


def text_column(
    df: pd.DataFrame, col: str, *, ledger: Ledger, table: str, fill: str | None = None
) -> pd.Series:
    """A free-text column, stripped; null spellings are missing (counted), missing is
    ``fill`` when given."""
    text = df[col].astype("str").str.strip()
    nulls = null_spelling(text)
    count_nulls(ledger, table, col, nulls, text)
    text = text.where(~nulls, None)
    return text.fillna(fill) if fill is not None else text


def _ids(
    df: pd.DataFrame,
    col: str,
    src: Source,
    *,
    required: bool,
    ledger: Ledger | None = None,
    table: str = "",
) -> pd.Series:
    s = df[col]
    if pd.api.types.is_float_dtype(s):
        frac = s.notna() & (s != np.floor(s))
        fail_rows(
            src,
            col,
            "ids stored as non-integer numbers",
            frac,
            s,
            hint="export ids as text so they are kept exactly",
        )
        s = s.astype("Int64")
    s = s.astype("str").where(s.notna(), None).astype("str")
    stripped = s.str.strip()
    nulls = null_spelling(stripped)
    missing = stripped.isna() | (stripped == "") | nulls
    if required:
        fail_rows(src, col, "missing id", missing, df[col])
    elif ledger is not None:
        count_nulls(ledger, table, col, nulls, stripped)
    if bool(stripped.str.contains(r"[.eE]", regex=True).fillna(False).any()):
        fail_rows(
            src,
            col,
            "id in scientific notation (digits were lost)",
            stripped.str.match(_SCI_ID_RE).fillna(False),
            df[col],
            hint="Excel showed a long numeric id as a number; format the id column "
            "as Text before exporting",
        )
        fail_rows(
            src,
            col,
            "id with a trailing '.0' (was read as a number)",
            stripped.str.match(_DOT0_ID_RE).fillna(False),
            df[col],
            hint="export ids as text so they are kept exactly",
        )
    changed = ~missing & (stripped != s)
    out = stripped.where(~missing, None)
    if ledger is not None and bool(changed.any()):
        ledger.add(
            table,
            f"{col}: whitespace around ids stripped",
            rows_in=len(s),
            rows_out=len(out),
            repaired=int(changed.sum()),
        )
    return out


def _excel_serial_to_text(text: pd.Series) -> pd.Series:
    days = pd.to_numeric(text, errors="coerce")
    secs = (days * 86400).round()
    ts = _EXCEL_EPOCH + pd.to_timedelta(secs, unit="s")
    return ts.dt.strftime("%Y-%m-%d %H:%M:%S")


def parse_times(
    df: pd.DataFrame, col: str, src: Source, tz: str, table: str, ledger: Ledger
) -> pd.Series:
    s = df[col]
    n = len(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        out = s.dt.tz_convert(tz)
    elif pd.api.types.is_datetime64_dtype(s):
        out = s.dt.tz_localize(tz, ambiguous="raise", nonexistent="raise")
        ledger.add(
            table,
            f"{col}: naive timestamps read as {tz}",
            rows_in=n,
            rows_out=len(out),
            repaired=len(out),
        )
    else:
        text = s.astype("str").str.strip()
        missing = text.isna() | (text == "")
        fail_rows(src, col, "missing timestamp", missing, s)
        iso = text.str.fullmatch(_ISO_RE).fillna(False)
        if not bool(iso.all()):
            text = _unusual_times(text, s, src, col, table, ledger)
            iso = text.str.fullmatch(_ISO_RE).fillna(False)
        has_off = text.str.contains(_OFFSET_RE, regex=True)
        if bool(has_off.any()) and not bool(has_off.all()):
            odd = ~has_off if has_off.sum() > n / 2 else has_off
            fail_rows(
                src,
                col,
                "timestamps mix explicit time-zone offsets with none",
                odd,
                s,
                hint="give every timestamp an offset (e.g. +08:00) or none",
            )
        if bool(has_off.all()):
            parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
            out = parsed.dt.tz_convert(tz)
        else:
            # full dates only: ISO 8601 also reads '2025' or '2025-01' (filled in as January 1)
            parsed = pd.to_datetime(text, format="ISO8601", errors="coerce").where(iso)
            bad = parsed.isna()
            if bool(bad.any()):  # second chance for other unambiguous layouts (25/12/2025)
                parsed = parsed.where(~bad, other_layouts(text.where(bad)))
                other = bad & parsed.notna()
                if bool(other.any()):
                    ledger.add(
                        table,
                        f"{col}: timestamps in other layouts read",
                        rows_in=n,
                        rows_out=n,
                        repaired=int(other.sum()),
                        detail="unambiguous day-first dates or month names; e.g. "
                        + ", ".join(repr(v) for v in s[other].head(3)),
                    )
            out = parsed.dt.tz_localize(tz, ambiguous="raise", nonexistent="raise")
            ledger.add(
                table,
                f"{col}: naive timestamps read as {tz}",
                rows_in=n,
                rows_out=len(out),
                repaired=len(out),
            )
        fail_rows(
            src,
            col,
            "unparseable timestamp",
            out.isna(),
            s,
            hint="use ISO 8601, e.g. 2025-03-01 14:05:00+08:00 (a date needs day, month and "
            "a four-digit year)",
        )
    lo = pd.Timestamp(PLAUSIBLE_FROM).tz_localize(tz)
    hi = pd.Timestamp(PLAUSIBLE_UNTIL).tz_localize(tz)
    fail_rows(
        src,
        col,
        f"implausible date (before {PLAUSIBLE_FROM} or from {PLAUSIBLE_UNTIL} on)",
        (out < lo) | (out >= hi),
        s,
        hint="placeholders such as 1900-01-00, 1970-01-01 or 9999-12-31 stand for a "
        "missing date; fix or remove those rows",
    )
    return out.astype(f"datetime64[us, {tz}]")


def parse_optional_times(
    df: pd.DataFrame, col: str, src: Source, tz: str, table: str, ledger: Ledger
) -> pd.Series:
    """:func:`parse_times` for a column whose empty cells mean "no time" (NaT)."""
    s = df[col]
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(s):
        given = s.notna()
    else:
        text = s.astype("str").str.strip()
        given = (text.notna() & (text != "")).astype(bool)
    out = pd.Series(pd.NaT, index=s.index, dtype=f"datetime64[us, {tz}]")
    if not bool(given.any()):
        return out
    steps = Ledger()
    out.loc[given] = parse_times(df.loc[given], col, src, tz, table, steps)
    for e in steps.entries:  # the repairs, over all rows of the table
        ledger.add(
            table,
            e["step"],
            rows_in=len(s),
            rows_out=len(out),
            repaired=e["repaired"],
            detail=e["detail"],
        )
    return out


def _unusual_times(
    text: pd.Series, s: pd.Series, src: Source, col: str, table: str, ledger: Ledger
) -> pd.Series:
    """Checks and repairs for time cells that are not plain ISO 8601."""
    n = len(text)
    fail_rows(src, col, "missing timestamp", null_spelling(text), s)
    text, wide = fullwidth(text)
    note_repair(
        ledger,
        table,
        f"{col}: full-width digits normalised",
        wide,
        n,
        detail="０-９．－：／ → ASCII",
    )
    fail_rows(
        src,
        col,
        "number that looks like a Unix timestamp",
        text.str.match(_EPOCH_RE),
        s,
        hint="seconds or milliseconds since 1970 is ambiguous: convert to ISO 8601 "
        "(WeCom API exports go through analysis.data.adapters.wecom)",
    )
    serial = text.str.match(_SERIAL_RE)
    if bool(serial.any()):
        text = text.where(~serial, _excel_serial_to_text(text.where(serial)))
        ledger.add(
            table,
            f"{col}: Excel date serials converted",
            rows_in=n,
            rows_out=len(text),
            repaired=int(serial.sum()),
            detail="days since 1899-12-30, local time",
        )
    fail_rows(
        src,
        col,
        "time-zone abbreviation in timestamp",
        text.str.contains(_TZ_ABBR_RE, regex=True),
        s,
        hint="abbreviations are ambiguous (CST is China, US Central or Cuba); "
        "write an offset such as +08:00",
    )
    maybe_dmy = text.str.match(r"^\d{1,2}[/.-]")
    if bool(maybe_dmy.any()):
        dmy = text.where(maybe_dmy).str.extract(_DMY_RE)
        a = pd.to_numeric(dmy[0], errors="coerce")
        b = pd.to_numeric(dmy[1], errors="coerce")
        amb = (a <= 12) & (b <= 12) & (a != b)
        fail_rows(
            src,
            col,
            "ambiguous day/month order",
            amb.fillna(False),
            s,
            hint="use ISO 8601 (YYYY-MM-DD) so day and month cannot be swapped",
        )
    fail_rows(
        src,
        col,
        "date with a two-digit year",
        text.str.match(TWO_DIGIT_YEAR_RE),
        s,
        hint="is 26/3/1 2026-03-01 or 2001-03-26? write the year in four digits",
    )
    text, ymd = ymd_dates(text)
    note_repair(
        ledger,
        table,
        f"{col}: year-first dates (2026/3/1, 2026.3.1, 2026年3月1日) read as ISO",
        ymd,
        n,
        detail="e.g. " + ", ".join(repr(v) for v in s[ymd].head(3)),
    )
    return text


def _numbers(
    df: pd.DataFrame,
    col: str,
    src: Source,
    *,
    required: bool,
    ledger: Ledger | None = None,
    table: str = "",
) -> pd.Series:
    s = df[col]
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        out = s.astype("float64")
    else:
        raw = s.astype("str").str.strip()
        out = pd.to_numeric(raw, errors="coerce").astype("float64")
        odd = out.isna() & raw.notna() & (raw != "")
        if bool(odd.any()):  # NaN, 空, ¥1,234.50, １２３ ... (plain numbers never come here)
            out = out.copy()
            out[odd] = _odd_numbers(raw[odd], s, col, src, ledger=ledger, table=table, n=len(s))
    if required:
        fail_rows(src, col, "missing number", out.isna(), s)
    fail_rows(src, col, "not a finite number", np.isinf(out), s)
    return out


def _odd_numbers(
    text: pd.Series, s: pd.Series, col: str, src: Source, *, ledger, table: str, n: int
) -> pd.Series:
    """Number cells that are not plain numbers: null spellings, full-width digits, currency
    marks and thousands separators repaired (counted); anything else is an error."""
    nulls, spelled = null_spelling(text), text
    text, wide = fullwidth(text)
    text, negative = bracketed_negatives(text)
    text, marks, thousands, bad_comma = money(text)
    text, wan = ten_thousands(text)
    fail_rows(
        src,
        col,
        "comma that is not a thousands separator",
        bad_comma & ~nulls,
        s,
        hint="a decimal comma (12,50) or a list of numbers? write 12.50; thousands "
        "separators must group three digits (1,234.50)",
    )
    out = pd.to_numeric(text.where(~nulls), errors="coerce").astype("float64")
    out = out.where(~wan, out * 10_000)
    fail_rows(
        src,
        col,
        "not a number",
        out.isna() & ~nulls,
        s,
        hint="numbers such as 1234.50; ¥ / ￥ / 元 / RMB / CNY and thousands separators are "
        "removed, 万 is read as 10,000 and (120.00) as -120.00; other units ($) are not "
        "converted",
    )
    if ledger is not None:
        count_nulls(ledger, table, col, nulls, spelled, n=n)
        note_repair(
            ledger,
            table,
            f"{col}: full-width digits normalised",
            wide,
            n,
            detail="０-９．－，＋ → ASCII",
        )
        if bool((marks | thousands).any()):
            ledger.add(
                table,
                f"{col}: currency symbols / thousands separators removed",
                rows_in=n,
                rows_out=n,
                repaired=int((marks | thousands).sum()),
                detail=f"currency marks (¥ ￥ 元 RMB CNY) in {int(marks.sum())} rows, "
                f"thousands separators in {int(thousands.sum())} rows",
            )
        note_repair(
            ledger,
            table,
            f"{col}: bracketed negatives read as negative",
            negative,
            n,
            detail="accounting brackets, e.g. (120.00) -> -120.00",
        )
        note_repair(
            ledger,
            table,
            f"{col}: amounts in 万 multiplied by 10,000",
            wan,
            n,
            detail="e.g. 1.2万 -> 12000",
        )
    return out


def _bools(df: pd.DataFrame, col: str, src: Source) -> pd.Series:
    s = df[col]
    if pd.api.types.is_bool_dtype(s):
        return s.astype(bool)
    text = s.astype("str").str.strip().str.lower().fillna("")
    known = text.isin(_TRUE | _FALSE)
    fail_rows(
        src,
        col,
        "not a true/false flag",
        ~known,
        s,
        hint="use true/false, 1/0, yes/no, 是/否, or a refund status such as 退款 / 已完成; "
        "rows of unpaid or cancelled orders are not purchases: remove them",
    )
    return text.isin(_TRUE)


def _dedupe(df: pd.DataFrame, key: str, src: Source, table: str, ledger: Ledger) -> pd.DataFrame:
    dup = df[key].duplicated(keep=False)
    if not bool(dup.any()):
        return df
    conflicting = dup & ~df.duplicated(keep=False)
    fail_rows(
        src,
        key,
        "duplicate id with different content",
        conflicting,
        df[key],
        hint="each id must appear once",
    )
    return _drop_exact_duplicates(df, key, table, ledger)


def _drop_exact_duplicates(
    df: pd.DataFrame, key: str, table: str, ledger: Ledger, *, compared: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Rows identical in every column (of ``compared``, default ``df``) are one row exported
    twice: keep the first, count."""
    if not bool(df[key].duplicated().any()):
        return df
    exact = (df if compared is None else compared).duplicated(keep="first")
    if not bool(exact.any()):
        return df
    return ledger.drop(df, table, f"exact duplicate rows of {key} dropped", exact)


def clean_contacts(raw: pd.DataFrame, src: Source, *, tz: str, ledger: Ledger) -> pd.DataFrame:
    src.start_ledger("contacts", len(raw), ledger)
    _check_columns(raw, CONTACTS, src)
    df = pd.DataFrame(index=raw.index)
    each = Problems()  # every column's problem, not only the first
    df["user_id"] = each.attempt(
        _ids, raw, "user_id", src, required=True, ledger=ledger, table="contacts"
    )
    df["joined_at"] = each.attempt(parse_times, raw, "joined_at", src, tz, "contacts", ledger)
    for col in ("channel", "hook"):
        df[col] = text_column(raw, col, ledger=ledger, table="contacts", fill="unknown")
    df["referrer_id"] = (
        each.attempt(_ids, raw, "referrer_id", src, required=False, ledger=ledger, table="contacts")
        if "referrer_id" in raw.columns
        else pd.Series(None, index=raw.index, dtype="str")
    )
    each.raise_any()
    extras = [c for c in raw.columns if c not in CONTACTS.names]
    for c in extras:
        df[c] = raw[c]
    df = _dedupe(df, "user_id", src, "contacts", ledger)
    known = set(df["user_id"])
    ref = df["referrer_id"]
    bad_ref = ref.notna() & ~ref.isin(known)
    fail_rows(src, "referrer_id", "referrer not found among contacts", bad_ref, ref)
    return df


def clean_events(
    raw: pd.DataFrame, src: Source, *, tz: str, ledger: Ledger, vocabulary: Vocabulary
) -> pd.DataFrame:
    src.start_ledger("events", len(raw), ledger)
    _check_columns(raw, EVENTS, src)
    df = pd.DataFrame(index=raw.index)
    each = Problems()  # every column's problem, not only the first
    df["user_id"] = each.attempt(
        _ids, raw, "user_id", src, required=True, ledger=ledger, table="events"
    )
    df["occurred_at"] = each.attempt(parse_times, raw, "occurred_at", src, tz, "events", ledger)
    types = raw["event_type"].astype("str").str.strip()
    uniq = pd.unique(types.dropna())
    resolved = {t: vocabulary.resolve(t) for t in uniq}
    unknown = sorted(t for t, r in resolved.items() if r is None)
    if types.isna().any() or unknown:
        bad = types.isna() | types.isin(unknown)
        each.attempt(
            fail_rows,
            src,
            "event_type",
            f"unknown event type{'s' if len(unknown) > 1 else ''} {unknown[:10]}",
            bad,
            raw["event_type"],
            hint="map them to known types with the vocabulary's 'aliases', or declare "
            "them under 'event_types' (see analysis.data.vocab)",
        )
    each.raise_any()
    aliased = {t: r for t, r in resolved.items() if r != t}
    if aliased:
        n_alias = int(types.isin(list(aliased)).sum())
        types = types.replace(aliased)
        ledger.add(
            "events",
            "event types mapped by vocabulary aliases",
            rows_in=len(df),
            rows_out=len(types),
            repaired=n_alias,
            detail=", ".join(f"{k}->{v}" for k, v in aliased.items()),
        )
    df["event_type"] = types
    df["value"] = (
        _numbers(raw, "value", src, required=False, ledger=ledger, table="events")
        if "value" in raw.columns
        else pd.Series(np.nan, index=raw.index)
    )
    df["context"] = (
        text_column(raw, "context", ledger=ledger, table="events")
        if "context" in raw.columns
        else pd.Series(None, index=raw.index, dtype="str")
    )
    # optional: the group of group_join / group_quit, which expands group touches (WeCom's
    # adapters call it chat_id)
    gcol = "group_id" if "group_id" in raw.columns else "chat_id"
    if gcol in raw.columns:
        df["group_id"] = _ids(raw, gcol, src, required=False, ledger=ledger, table="events")
    return df


def clean_orders(raw: pd.DataFrame, src: Source, *, tz: str, ledger: Ledger) -> pd.DataFrame:
    """One row per order: ids, time, amount, refund flag and amount (and ``refunded_at``).

    Refunds exported as rows of their own (the order id again, with a negative amount or a
    refund flag) are folded into their order: ``amount`` is the purchase, ``refund_amount`` the
    sum of the refunds, ``is_refund`` whether it is above 0, ``refunded_at`` the first refund's
    time (see :func:`fold_refund_rows`)."""
    src.start_ledger("orders", len(raw), ledger)
    _check_columns(raw, ORDERS, src)
    df = pd.DataFrame(index=raw.index)
    each = Problems()  # every column's problem, not only the first
    for col in ("order_id", "user_id"):
        df[col] = each.attempt(_ids, raw, col, src, required=True, ledger=ledger, table="orders")
    df["ordered_at"] = each.attempt(parse_times, raw, "ordered_at", src, tz, "orders", ledger)
    df["amount"] = each.attempt(
        _numbers, raw, "amount", src, required=True, ledger=ledger, table="orders"
    )
    each.raise_any()
    fail_rows(
        src,
        "amount",
        f"implausibly large amount (above {MAX_AMOUNT:,.0f})",
        df["amount"].abs() > MAX_AMOUNT,
        raw["amount"],
        hint="an id or phone number pasted into the amount column? amounts are CNY",
    )
    if "is_refund" in raw.columns:
        df["is_refund"] = _bools(raw, "is_refund", src)
    else:  # many order exports have no refund column: refunds are then negative rows
        df["is_refund"] = False
        ledger.add(
            "orders",
            "no is_refund column: refunds are the rows with a negative amount",
            rows_in=len(df),
            rows_out=len(df),
            detail=f"{int((df['amount'] < 0).sum())} rows with a negative amount",
        )
    cell = pd.Series(np.nan, index=raw.index)  # refund_amount as written (NaN: not given)
    if "refund_amount" in raw.columns:
        cell = _numbers(raw, "refund_amount", src, required=False, ledger=ledger, table="orders")
        fail_rows(src, "refund_amount", "negative refund amount", cell < 0, raw["refund_amount"])
    df["refund_amount"] = cell
    if "refunded_at" in raw.columns:
        df["refunded_at"] = parse_optional_times(raw, "refunded_at", src, tz, "orders", ledger)
    # an empty refund_amount means its default: "o1,...,false," and "o1,...,false,0" are one row
    filled = df["refund_amount"].fillna(df["amount"].where(df["is_refund"], 0.0))
    df = _drop_exact_duplicates(
        df, "order_id", "orders", ledger, compared=df.assign(refund_amount=filled)
    )
    refund = refund_rows(df)
    purchase = df.loc[~refund]
    fail_rows(
        src,
        "order_id",
        "duplicate id with different content",
        purchase["order_id"].duplicated(keep=False).reindex(df.index, fill_value=False),
        df["order_id"],
        hint=REFUND_ROWS_HINT,
    )
    # the one-row shape: the refund is on the order's own row
    ra = df["refund_amount"].fillna(df["amount"].where(df["is_refund"], 0.0))
    fail_rows(
        src,
        "refund_amount",
        "refund larger than the order amount",
        ~refund & (ra > df["amount"] + 1e-9),
        raw["refund_amount"] if "refund_amount" in raw.columns else ra,
    )
    fail_rows(
        src,
        "refund_amount",
        "refund amount on an order not flagged as a refund",
        ~refund & (ra > 0) & ~df["is_refund"],
        raw["refund_amount"] if "refund_amount" in raw.columns else ra,
    )
    if not bool(refund.any()):
        df["refund_amount"] = ra
        return df
    return fold_refund_rows(df, refund, src=src, ledger=ledger)


#: The column and id checks under public names, for the optional tables' cleaners
#: (:mod:`analysis.data.touches`).
check_columns = _check_columns
clean_ids = _ids
