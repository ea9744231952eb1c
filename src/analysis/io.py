"""Loading and validating the canonical tables (contacts, events, orders).

``load_tables(folder)`` reads ``contacts``, ``events`` and ``orders`` from a folder (each as
``.csv``, ``.csv.gz`` or ``.parquet``), checks them against :mod:`analysis.schema` and the
event vocabulary, and returns them with a **row ledger**: for every cleaning step, how many
rows came in, how many were kept, dropped or repaired, and why. Nothing is dropped silently.

Bad input raises :class:`DataError`, whose message names the file, the column, the first
rows (spreadsheet row numbers for CSV: the header is row 1) and example values.

What is an error and what is a counted repair:

=====================================================  ===========================================
problem                                                outcome
=====================================================  ===========================================
file missing / empty / not decodable as UTF-8          error
missing required column                                error
missing id, unparseable timestamp, unparseable number  error
timestamps mixing explicit offsets and none            error
all timestamps naive                                   repair: read as local time in ``tz``
offsets other than ``tz``                              converted to ``tz`` (same instant; no count)
duplicate id with identical rows                       repair: duplicate rows dropped
duplicate id with different content                    error
negative amount (refund flagged or not)                error (refunds are flagged on the order)
refund_amount above amount, or refund_amount < 0       error
unknown event type                                     error (or mapped via vocabulary ``aliases``:
                                                       counted repair)
events / orders of users not in contacts               error, or with ``drop_orphans=True`` dropped
                                                       and counted
events before the user joined (types not marked        error, or with ``drop_before_join=True``
``pre_join`` in the vocabulary)                        dropped and counted
rows after ``observed_until``                          dropped and counted (outside the analysis)
=====================================================  ===========================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .schema import CONTACTS, DEFAULT_TZ, EVENTS, ORDERS, TableSchema
from .vocab import Vocabulary, load_vocabulary

SUFFIXES = (".parquet", ".csv", ".csv.gz")
_OFFSET_RE = r"(?:Z|[+-]\d{2}:?\d{2})$"
_TRUE = {"true", "1", "yes", "y", "t", "是", "已退款"}
_FALSE = {"false", "0", "no", "n", "f", "否", ""}
MAX_SHOWN = 5


class DataError(ValueError):
    """Bad input data. The message names file, column, rows and example values."""

    def __init__(self, file: str, column: str | None, problem: str, *,
                 rows: list[int] | None = None, n_rows: int | None = None,
                 examples: list[Any] | None = None, hint: str | None = None):
        self.file, self.column, self.problem = file, column, problem
        self.rows = list(rows or [])
        self.n_rows = n_rows if n_rows is not None else len(self.rows)
        self.examples = list(examples or [])
        self.hint = hint
        parts = [f"{file}"]
        if column is not None:
            parts.append(f"column '{column}'")
        msg = ": ".join(parts) + f": {problem}"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_SHOWN])
            more = f" and {self.n_rows - MAX_SHOWN} more" if self.n_rows > MAX_SHOWN else ""
            msg += f" in {self.n_rows} row{'s' if self.n_rows != 1 else ''} (rows {shown}{more})"
        if self.examples:
            msg += f"; e.g. {', '.join(repr(e) for e in self.examples[:3])}"
        if hint:
            msg += f". {hint}"
        super().__init__(msg)


@dataclass
class Ledger:
    """Row accounting for every cleaning step: rows_in = kept + dropped."""

    entries: list[dict] = field(default_factory=list)

    def add(self, table: str, step: str, rows_in: int, *, dropped: int = 0, repaired: int = 0,
            detail: str = "") -> None:
        self.entries.append({"table": table, "step": step, "rows_in": int(rows_in),
                             "kept": int(rows_in - dropped), "dropped": int(dropped),
                             "repaired": int(repaired), "detail": detail})

    def to_frame(self) -> pd.DataFrame:
        cols = ["table", "step", "rows_in", "kept", "dropped", "repaired", "detail"]
        return pd.DataFrame(self.entries, columns=cols)


@dataclass
class Tables:
    """The three canonical tables, their row ledger and where they came from."""

    contacts: pd.DataFrame
    events: pd.DataFrame
    orders: pd.DataFrame
    ledger: pd.DataFrame
    files: dict[str, Path]
    vocabulary: Vocabulary
    tz: str = DEFAULT_TZ


@dataclass
class _Source:
    """Where a frame came from, to name it in errors."""

    file: str
    row_offset: int  # add to a 0-based position to get the row number shown to users

    def rows(self, index: pd.Index) -> list[int]:
        return [int(i) + self.row_offset for i in index[:MAX_SHOWN]]


def find_table_file(folder: str | Path, name: str) -> Path:
    """``folder/name.parquet``, ``.csv`` or ``.csv.gz`` — exactly one must exist."""
    folder = Path(folder)
    found = [folder / f"{name}{s}" for s in SUFFIXES if (folder / f"{name}{s}").is_file()]
    if not found:
        raise DataError(str(folder), None, f"no '{name}' table found",
                        hint=f"expected one of {', '.join(name + s for s in SUFFIXES)}")
    if len(found) > 1:
        raise DataError(str(folder), None, f"more than one '{name}' table",
                        examples=[p.name for p in found], hint="keep exactly one")
    return found[0]


def read_raw(path: str | Path) -> tuple[pd.DataFrame, _Source]:
    """Read a CSV (UTF-8, with or without BOM; gzip allowed) or Parquet file as-is.

    CSV cells are read as strings (ids keep leading zeros); only empty cells are missing.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(str(path), None, "file not found")
    if path.stat().st_size == 0:
        raise DataError(str(path), None, "file is empty (0 bytes)")
    if path.name.endswith(".parquet"):
        return pd.read_parquet(path), _Source(str(path), 0)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                         encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(str(path), None, f"not valid UTF-8 text (byte {exc.start})",
                        hint="save the file as UTF-8 (Excel: 'CSV UTF-8'), or read GBK exports "
                             "through the spreadsheet adapters") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(str(path), None, "file has no header row") from exc
    except pd.errors.ParserError as exc:
        raise DataError(str(path), None, f"cannot be parsed as CSV ({exc})") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df, _Source(str(path), 2)


# --------------------------------------------------------------------------- columns


def _check_columns(df: pd.DataFrame, schema: TableSchema, src: _Source) -> None:
    missing = [c for c in schema.required if c not in df.columns]
    if missing:
        raise DataError(src.file, missing[0], f"required column{'s' if len(missing) > 1 else ''} "
                        f"{missing} missing from the {schema.name} table",
                        examples=list(df.columns)[:8],
                        hint=f"found columns {list(df.columns)}; required {schema.required}")


def _fail_rows(src: _Source, column: str, problem: str, bad: pd.Series, values: pd.Series,
               hint: str | None = None) -> None:
    """Raise a DataError for the rows where ``bad`` is True (if any)."""
    if bool(bad.any()):
        idx = bad.index[bad.to_numpy()]
        raise DataError(src.file, column, problem, rows=src.rows(idx), n_rows=len(idx),
                        examples=values.loc[idx[:3]].tolist(), hint=hint)


def _ids(df: pd.DataFrame, col: str, src: _Source, *, required: bool) -> pd.Series:
    s = df[col]
    if pd.api.types.is_float_dtype(s):
        frac = s.notna() & (s != np.floor(s))
        _fail_rows(src, col, "ids stored as non-integer numbers", frac, s,
                   hint="export ids as text so they are kept exactly")
        s = s.astype("Int64")
    s = s.astype("str").where(s.notna(), None).astype("str")
    s = s.str.strip()
    missing = s.isna() | (s == "")
    if required:
        _fail_rows(src, col, "missing id", missing, df[col])
    return s.where(~missing, None)


def _times(df: pd.DataFrame, col: str, src: _Source, tz: str, table: str,
           ledger: Ledger) -> pd.Series:
    s = df[col]
    n = len(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        out = s.dt.tz_convert(tz)
    elif pd.api.types.is_datetime64_dtype(s):
        out = s.dt.tz_localize(tz, ambiguous="raise", nonexistent="raise")
        ledger.add(table, f"{col}: naive timestamps read as {tz}", n, repaired=n)
    else:
        text = s.astype("str").str.strip()
        missing = text.isna() | (text == "")
        _fail_rows(src, col, "missing timestamp", missing, s)
        has_off = text.str.contains(_OFFSET_RE, regex=True)
        if bool(has_off.any()) and not bool(has_off.all()):
            odd = ~has_off if has_off.sum() > n / 2 else has_off
            _fail_rows(src, col, "timestamps mix explicit time-zone offsets with none", odd,
                       s, hint="give every timestamp an offset (e.g. +08:00) or none")
        if bool(has_off.all()):
            parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
            out = parsed.dt.tz_convert(tz)
        else:
            parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
            bad = parsed.isna()
            if bool(bad.any()):  # second chance for other unambiguous layouts (2025/1/3 9:00)
                parsed = parsed.where(~bad, pd.to_datetime(text.where(bad), format="mixed",
                                                           errors="coerce"))
            out = parsed.dt.tz_localize(tz, ambiguous="raise", nonexistent="raise")
            ledger.add(table, f"{col}: naive timestamps read as {tz}", n, repaired=n)
        _fail_rows(src, col, "unparseable timestamp", out.isna(), s,
                   hint="use ISO 8601, e.g. 2025-03-01 14:05:00+08:00")
    return out.astype(f"datetime64[us, {tz}]")


def _numbers(df: pd.DataFrame, col: str, src: _Source, *, required: bool) -> pd.Series:
    s = df[col]
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        out = s.astype("float64")
    else:
        text = s.astype("str").str.strip().str.replace(",", "", regex=False)
        text = text.str.replace("¥", "", regex=False).str.replace("￥", "", regex=False)
        out = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = out.isna() & text.notna() & (text != "")
        _fail_rows(src, col, "not a number", bad, s)
    if required:
        _fail_rows(src, col, "missing number", out.isna(), s)
    _fail_rows(src, col, "not a finite number", np.isinf(out), s)
    return out


def _bools(df: pd.DataFrame, col: str, src: _Source) -> pd.Series:
    s = df[col]
    if pd.api.types.is_bool_dtype(s):
        return s.astype(bool)
    text = s.astype("str").str.strip().str.lower().fillna("")
    known = text.isin(_TRUE | _FALSE)
    _fail_rows(src, col, "not a true/false flag", ~known, s,
               hint="use true/false, 1/0, yes/no or 是/否")
    return text.isin(_TRUE)


def _dedupe(df: pd.DataFrame, key: str, src: _Source, table: str, ledger: Ledger) -> pd.DataFrame:
    dup = df[key].duplicated(keep=False)
    if not bool(dup.any()):
        return df
    exact = df.duplicated(keep="first")
    conflicting = dup & ~df.duplicated(keep=False)
    _fail_rows(src, key, "duplicate id with different content", conflicting, df[key],
               hint="each id must appear once")
    ledger.add(table, f"exact duplicate rows of {key} dropped", len(df), dropped=int(exact.sum()))
    return df.loc[~exact]


# --------------------------------------------------------------------------- tables


def clean_contacts(raw: pd.DataFrame, src: _Source, *, tz: str, ledger: Ledger) -> pd.DataFrame:
    _check_columns(raw, CONTACTS, src)
    ledger.add("contacts", "read", len(raw), detail=src.file)
    df = pd.DataFrame(index=raw.index)
    df["user_id"] = _ids(raw, "user_id", src, required=True)
    df["joined_at"] = _times(raw, "joined_at", src, tz, "contacts", ledger)
    for col in ("channel", "hook"):
        df[col] = raw[col].astype("str").str.strip().fillna("unknown")
    df["referrer_id"] = (_ids(raw, "referrer_id", src, required=False)
                         if "referrer_id" in raw.columns else pd.Series(None, index=raw.index,
                                                                        dtype="str"))
    extras = [c for c in raw.columns if c not in CONTACTS.names]
    for c in extras:
        df[c] = raw[c]
    df = _dedupe(df, "user_id", src, "contacts", ledger)
    known = set(df["user_id"])
    ref = df["referrer_id"]
    bad_ref = ref.notna() & ~ref.isin(known)
    _fail_rows(src, "referrer_id", "referrer not found among contacts", bad_ref, ref)
    return df


def clean_events(raw: pd.DataFrame, src: _Source, *, tz: str, ledger: Ledger,
                 vocabulary: Vocabulary) -> pd.DataFrame:
    _check_columns(raw, EVENTS, src)
    ledger.add("events", "read", len(raw), detail=src.file)
    df = pd.DataFrame(index=raw.index)
    df["user_id"] = _ids(raw, "user_id", src, required=True)
    df["occurred_at"] = _times(raw, "occurred_at", src, tz, "events", ledger)
    types = raw["event_type"].astype("str").str.strip()
    uniq = pd.unique(types.dropna())
    resolved = {t: vocabulary.resolve(t) for t in uniq}
    unknown = sorted(t for t, r in resolved.items() if r is None)
    if types.isna().any() or unknown:
        bad = types.isna() | types.isin(unknown)
        _fail_rows(src, "event_type", f"unknown event type{'s' if len(unknown) > 1 else ''} "
                   f"{unknown[:10]}", bad, raw["event_type"],
                   hint="map them to known types with the vocabulary's 'aliases', or declare "
                        "them under 'event_types' (see analysis.vocab)")
    aliased = {t: r for t, r in resolved.items() if r != t}
    if aliased:
        n_alias = int(types.isin(list(aliased)).sum())
        types = types.replace(aliased)
        ledger.add("events", "event types mapped by vocabulary aliases", len(df),
                   repaired=n_alias, detail=", ".join(f"{k}->{v}" for k, v in aliased.items()))
    df["event_type"] = types
    df["value"] = (_numbers(raw, "value", src, required=False) if "value" in raw.columns
                   else pd.Series(np.nan, index=raw.index))
    df["context"] = (raw["context"].astype("str").str.strip() if "context" in raw.columns
                     else pd.Series(None, index=raw.index, dtype="str"))
    return df


def clean_orders(raw: pd.DataFrame, src: _Source, *, tz: str, ledger: Ledger) -> pd.DataFrame:
    _check_columns(raw, ORDERS, src)
    ledger.add("orders", "read", len(raw), detail=src.file)
    df = pd.DataFrame(index=raw.index)
    df["order_id"] = _ids(raw, "order_id", src, required=True)
    df["user_id"] = _ids(raw, "user_id", src, required=True)
    df["ordered_at"] = _times(raw, "ordered_at", src, tz, "orders", ledger)
    df["amount"] = _numbers(raw, "amount", src, required=True)
    df["is_refund"] = _bools(raw, "is_refund", src)
    neg = df["amount"] < 0
    _fail_rows(src, "amount", "negative amount on an order not flagged as a refund",
               neg & ~df["is_refund"], raw["amount"],
               hint="amounts are what was paid (>= 0); mark refunded orders with is_refund")
    _fail_rows(src, "amount", "negative amount on a refund row", neg & df["is_refund"],
               raw["amount"], hint="record a refund on its order: is_refund=true and "
                                   "refund_amount=<money returned>, not as a negative row")
    if "refund_amount" in raw.columns:
        ra = _numbers(raw, "refund_amount", src, required=False)
        ra = ra.fillna(df["amount"].where(df["is_refund"], 0.0))
        _fail_rows(src, "refund_amount", "negative refund amount", ra < 0, raw["refund_amount"])
        _fail_rows(src, "refund_amount", "refund larger than the order amount",
                   ra > df["amount"] + 1e-9, raw["refund_amount"])
        _fail_rows(src, "refund_amount", "refund amount on an order not flagged as a refund",
                   (ra > 0) & ~df["is_refund"], raw["refund_amount"])
        df["refund_amount"] = ra
    else:
        df["refund_amount"] = df["amount"].where(df["is_refund"], 0.0)
    return _dedupe(df, "order_id", src, "orders", ledger)


def _drop_orphans(df: pd.DataFrame, table: str, known: pd.Series, src: _Source,
                  ledger: Ledger, drop: bool) -> pd.DataFrame:
    orphan = ~df["user_id"].isin(known)
    if drop:
        ledger.add(table, "users not in contacts dropped", len(df), dropped=int(orphan.sum()))
        return df.loc[~orphan]
    _fail_rows(src, "user_id", "user not found in contacts", orphan, df["user_id"],
               hint="add the users to contacts, or load with drop_orphans=True to drop and "
                    "count these rows")
    return df


def _cut(df: pd.DataFrame, table: str, col: str, observed_until: pd.Timestamp | None,
         ledger: Ledger) -> pd.DataFrame:
    if observed_until is None:
        return df
    after = df[col] > observed_until
    ledger.add(table, f"rows after observed_until {observed_until.isoformat()} dropped",
               len(df), dropped=int(after.sum()))
    return df.loc[~after]


def validate_tables(contacts: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame, *,
                    files: Mapping[str, str] | None = None,
                    vocabulary: str | Path | Mapping | Vocabulary | None = None,
                    tz: str = DEFAULT_TZ, observed_until: Any = None,
                    drop_orphans: bool = False, drop_before_join: bool = False,
                    row_offsets: Mapping[str, int] | None = None) -> Tables:
    """Validate raw frames (strings or typed) into canonical tables with a row ledger.

    The inputs are not modified. ``files`` names the source of each table in error messages;
    ``row_offsets`` turns positions into the row numbers users see (2 for CSV files).
    """
    vocab = load_vocabulary(vocabulary)
    files = dict(files or {})
    offsets = dict(row_offsets or {})
    src = {t: _Source(str(files.get(t, f"<{t} frame>")), offsets.get(t, 0))
           for t in ("contacts", "events", "orders")}
    ledger = Ledger()
    cut = None
    if observed_until is not None:
        cut = pd.Timestamp(observed_until)
        cut = cut.tz_localize(tz) if cut.tzinfo is None else cut.tz_convert(tz)

    c = clean_contacts(contacts.reset_index(drop=True), src["contacts"], tz=tz, ledger=ledger)
    e = clean_events(events.reset_index(drop=True), src["events"], tz=tz, ledger=ledger,
                     vocabulary=vocab)
    o = clean_orders(orders.reset_index(drop=True), src["orders"], tz=tz, ledger=ledger)

    c = _cut(c, "contacts", "joined_at", cut, ledger)
    e = _cut(e, "events", "occurred_at", cut, ledger)
    o = _cut(o, "orders", "ordered_at", cut, ledger)
    e = _drop_orphans(e, "events", c["user_id"], src["events"], ledger, drop_orphans)
    o = _drop_orphans(o, "orders", c["user_id"], src["orders"], ledger, drop_orphans)

    joined = e["user_id"].map(c.set_index("user_id")["joined_at"])
    early = (e["occurred_at"] < joined) & ~e["event_type"].isin(vocab.pre_join_types)
    if drop_before_join:
        ledger.add("events", "events before the user joined dropped", len(e),
                   dropped=int(early.sum()))
        e = e.loc[~early]
    elif bool(early.any()):
        shown = (e.loc[early, "event_type"] + " at " + e.loc[early, "occurred_at"].astype("str")
                 + ", joined " + joined[early].astype("str"))
        _fail_rows(src["events"], "occurred_at", "event before the user joined", early,
                   shown.reindex(e.index),
                   hint="only types marked pre_join in the vocabulary may precede joining; "
                        "load with drop_before_join=True to drop and count them")

    for name, df in (("contacts", c), ("events", e), ("orders", o)):
        ledger.add(name, "final", len(df))
    return Tables(
        contacts=c.reset_index(drop=True),
        events=e.reset_index(drop=True),
        orders=o.reset_index(drop=True),
        ledger=ledger.to_frame(),
        files={k: Path(v) for k, v in files.items()},
        vocabulary=vocab,
        tz=tz,
    )


def load_tables(folder: str | Path, *, vocabulary: str | Path | Mapping | Vocabulary | None = None,
                tz: str = DEFAULT_TZ, observed_until: Any = None, drop_orphans: bool = False,
                drop_before_join: bool = False) -> Tables:
    """Read and validate ``contacts``, ``events`` and ``orders`` from ``folder``.

    Parameters
    ----------
    folder
        Folder holding one file per table: ``<table>.csv``, ``.csv.gz`` or ``.parquet``.
    vocabulary
        Event vocabulary (YAML path or dict); default :func:`analysis.vocab.default_vocabulary`.
        A file ``vocabulary.yaml`` in ``folder`` is used when this is None.
    tz
        Time zone that naive timestamps are read in and that all times are converted to.
    observed_until
        Analysis cut-off of the export; later rows are dropped and counted.
    drop_orphans, drop_before_join
        Turn those errors into counted drops (see the module docstring).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), None, "data folder not found")
    if vocabulary is None and (folder / "vocabulary.yaml").is_file():
        vocabulary = folder / "vocabulary.yaml"
    frames, files, offsets = {}, {}, {}
    for name in ("contacts", "events", "orders"):
        path = find_table_file(folder, name)
        frames[name], s = read_raw(path)
        files[name], offsets[name] = str(path), s.row_offset
    return validate_tables(frames["contacts"], frames["events"], frames["orders"], files=files,
                           vocabulary=vocabulary, tz=tz, observed_until=observed_until,
                           drop_orphans=drop_orphans, drop_before_join=drop_before_join,
                           row_offsets=offsets)


def net_amount(orders: pd.DataFrame) -> pd.Series:
    """Net revenue per order: amount minus refund_amount."""
    return orders["amount"] - orders["refund_amount"]

