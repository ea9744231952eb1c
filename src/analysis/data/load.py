"""Loading and validating the canonical tables (contacts, events, orders).

``load_tables(folder)`` reads ``contacts``, ``events`` and ``orders`` from a folder (each as
``.csv``, ``.csv.gz`` or ``.parquet``), checks them against :mod:`analysis.data.schema` and the
event vocabulary, and returns them with a **row ledger**: for every cleaning step, how many
rows came in, how many were kept, dropped or repaired, and why. Nothing is dropped silently.

Bad input raises :class:`DataError`, whose message names the file, the column, the first
rows (spreadsheet row numbers for CSV: the header is row 1) and example values.

What is an error and what is a counted repair (the broken-input corpus in
``tests/fixtures/broken/cases.yaml`` exercises every line):

=====================================================  ===========================================
problem                                                outcome
=====================================================  ===========================================
file missing / empty (0 bytes) / no header row         error
binary file (xlsx/zip renamed .csv, NUL bytes)          error (read workbooks with
                                                       ``analysis.data.adapters.read_spreadsheet``)
truncated or corrupt gzip                              error
UTF-16 text (Excel "Unicode Text")                     error
not UTF-8 (with or without BOM)                        decoded as GB18030 (a superset of GBK, what
                                                       Chinese Excel saves); the encoding is
                                                       recorded in the ledger (``read`` detail and
                                                       a ``decoded as gb18030`` step counting every
                                                       row as repaired)
neither UTF-8 nor GB18030                              error
delimiter ``;`` or tab instead of ``,``                detected from the header row; recorded in the
                                                       ``read`` detail
duplicate or empty column names in the header          error (an empty-named column whose cells are
                                                       all empty is ignored)
row with more fields than the header (stray            error (rows named); extra fields that are all
delimiter, unquoted comma, stray quote)                empty are trimmed: counted repair
row with fewer fields than the header (truncated)      error
unbalanced quote swallowing the rest of the file       error
blank rows (empty lines, Excel's ``,,,,`` rows)        dropped and counted
the header row repeated inside the data (files         dropped and counted
concatenated)
missing required column                                error
Excel error cells (``#N/A``, ``#VALUE!``, ``#REF!``)   error
missing id, unparseable timestamp, unparseable number  error
id in scientific notation (``1.23E+17``) or with a     error (Excel turned the id into a number and
trailing ``.0``                                        lost digits; export ids as text)
ids with leading zeros                                 kept as written (ids are strings end to end)
whitespace around ids                                  stripped: counted repair
timestamps mixing explicit offsets and none            error
all timestamps naive                                   repair: read as local time in ``tz``
offsets other than ``tz``                              converted to ``tz`` (same instant; no count)
Excel date serials (``45658.5``, 5 digits)             converted (days since 1899-12-30, local
                                                       time): counted repair
Unix epoch numbers (9-13 digits)                       error (seconds or milliseconds is ambiguous;
                                                       WeCom exports go through the adapters)
day/month order ambiguous (``03/04/2025``)             error
time-zone abbreviation (``CST``, ``EST``)              error (CST means China, US Central or Cuba)
``2025年1月3日 9:05`` style dates                       parsed (format only, no count)
dates before 2000-01-01 or from 2100-01-01 on          error (placeholders such as 1900-01-00,
                                                       1970-01-01, 9999-12-31)
currency symbols / thousands separators in numbers     removed: counted repair
amount above ``MAX_AMOUNT`` (1e8 CNY) or not finite    error
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
rows after ``observed_until`` (future dates)           dropped and counted (outside the analysis)
=====================================================  ===========================================

Ledger semantics: every step has ``rows_in``, ``kept = rows_in - dropped`` and ``repaired``
(rows changed in place, still kept). For each table the ``read`` step's ``rows_in`` is the
number of data records in the file, and ``read.rows_in - sum(dropped) = final rows``.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.data.schema import CONTACTS, DEFAULT_TZ, EVENTS, ORDERS, TableSchema
from analysis.data.vocab import Vocabulary, load_vocabulary

SUFFIXES = (".parquet", ".csv", ".csv.gz")
_OFFSET_RE = r"(?:Z|[+-]\d{2}:?\d{2})$"
_TRUE = {"true", "1", "yes", "y", "t", "是", "已退款"}
_FALSE = {"false", "0", "no", "n", "f", "否", "未退款", ""}
MAX_SHOWN = 5
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
_ZH_DATE_RE = r"^(\d{4})年(\d{1,2})月(\d{1,2})日?"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_FAST_PARSE_FROM = 1_000_000  # characters
_ISO_RE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"


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
    """Where a frame came from, to name it in errors, and what reading it already did."""

    file: str
    row_offset: int  # add to a 0-based position to get the row number shown to users
    row_numbers: np.ndarray | None = None  # exact row number of each position (CSV files)
    encoding: str | None = None
    delimiter: str | None = None
    records: int | None = None  # data records in the file before read-level drops
    notes: list[dict] = field(default_factory=list)  # read-level ledger steps

    def rows(self, index: pd.Index) -> list[int]:
        pos = [int(i) for i in index[:MAX_SHOWN]]
        if self.row_numbers is not None:
            return [int(self.row_numbers[i]) for i in pos]
        return [i + self.row_offset for i in pos]

    def start_ledger(self, table: str, n: int, ledger: Ledger) -> None:
        """The ``read`` step (and read-level repairs) for a table of ``n`` rows."""
        detail = self.file
        if self.encoding or self.delimiter:
            bits = [f"encoding {self.encoding}"] if self.encoding else []
            if self.delimiter and self.delimiter != ",":
                bits.append(f"delimiter {self.delimiter!r}")
            detail += f" ({', '.join(bits)})" if bits else ""
        ledger.add(table, "read", self.records if self.records is not None else n,
                   detail=detail)
        if self.encoding == "gb18030":
            ledger.add(table, "decoded as gb18030 (not UTF-8)", self.records or n,
                       repaired=self.records or n,
                       detail="Excel's default for Chinese Windows; every row transcoded")
        for note in self.notes:
            ledger.add(table, note["step"], note["rows_in"], dropped=note.get("dropped", 0),
                       repaired=note.get("repaired", 0), detail=note.get("detail", ""))


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


# --------------------------------------------------------------------------- reading text


def decode_bytes(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text export: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK).

    Returns ``(text, encoding)`` with encoding ``utf-8``, ``utf-8-sig`` or ``gb18030``.
    """
    if data[:4] == b"PK\x03\x04":
        raise DataError(file, None, "is an Excel workbook (zip), not CSV text",
                        hint="read it with analysis.data.adapters.read_spreadsheet, or save it as "
                             "'CSV UTF-8'")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(file, None, "is UTF-16 text (Excel 'Unicode Text')",
                        hint="save it as 'CSV UTF-8 (comma delimited)'")
    if b"\x00" in data[:65536]:
        raise DataError(file, None, "contains NUL bytes: a binary file, not CSV text")
    try:
        if data[:3] == b"\xef\xbb\xbf":
            return data[3:].decode("utf-8"), "utf-8-sig"
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise DataError(file, None, f"neither UTF-8 nor GB18030 text (byte {exc.start})",
                            hint="save the file as UTF-8 (Excel: 'CSV UTF-8')") from exc


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a file (gunzipped for ``.gz``), with errors as :class:`DataError`."""
    path = Path(path)
    if not path.is_file():
        raise DataError(str(path), None, "file not found")
    if path.stat().st_size == 0:
        raise DataError(str(path), None, "file is empty (0 bytes)")
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            raise DataError(str(path), None, f"truncated or corrupt gzip file ({exc})") from exc
        if not data:
            raise DataError(str(path), None, "file is empty (0 bytes after gunzip)")
    return data


def _sniff_delimiter(text: str) -> str:
    first = next((ln for ln in text[:65536].splitlines() if ln.strip()), "")
    if "," in first:
        return ","
    for d in ("\t", ";"):
        if d in first:
            return d
    return ","


def _fast_parse(text: str, file: str, delim: str) -> tuple[pd.DataFrame, _Source] | None:
    """pyarrow's parser for well-formed files; None sends the file down the careful path
    (which finds and names every structural problem)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    if not text or text[0] in "\r\n":
        return None
    first_line = text.split("\n", 1)[0]
    try:
        header = next(csv.reader([first_line], delimiter=delim))
    except (csv.Error, StopIteration):
        return None
    names = [h.replace("\ufeff", "").strip() for h in header]
    if '"' in first_line or "" in names or len(set(names)) != len(names):
        return None
    tmp = [f"c{i}" for i in range(len(names))]
    try:
        tbl = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=tmp, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in tmp}, strings_can_be_null=True,
                null_values=[""], quoted_strings_can_be_null=True))
    except (pa.ArrowInvalid, ValueError):
        return None
    if tbl.num_rows:
        c0 = tbl.column(0)
        blank0 = pc.or_kleene(pc.is_null(c0), pc.match_substring_regex(c0, r"^\s*$"))
        if pc.any(blank0).as_py():
            return None  # possibly blank rows: the careful path counts them
        head0 = pc.match_substring_regex(c0, r"^\s*\x{feff}?\s*" + re.escape(names[0]) + r"\s*$")
        if pc.any(head0).as_py():
            return None  # possibly repeated header rows
    df = pd.DataFrame({n: pd.array(tbl.column(i), dtype="str") for i, n in enumerate(names)},
                      columns=names)
    n = tbl.num_rows
    return df, _Source(file, 2, row_numbers=np.arange(2, n + 2), delimiter=delim, records=n)


def parse_csv_text(text: str, file: str) -> tuple[pd.DataFrame, _Source]:
    """Parse CSV text into a frame of strings (empty cells missing) and its :class:`_Source`.

    Row numbers are spreadsheet rows (the header is row 1, blank rows count). Blank rows and
    repeated header rows are dropped and noted; rows whose field count differs from the
    header are an error (see the module docstring).
    """
    delim = _sniff_delimiter(text)
    if len(text) > _FAST_PARSE_FROM:  # pyarrow's start-up cost pays off on large files only
        fast = _fast_parse(text, file, delim)
        if fast is not None:
            return fast
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    records: list[list[str]] = []
    try:
        for rec in reader:
            records.append(rec)
    except csv.Error as exc:
        raise DataError(file, None, f"cannot be parsed as CSV ({exc})", rows=[len(records) + 1],
                        hint="an unbalanced double quote (\") probably swallowed the rows "
                             "after it") from exc
    return records_frame(records, file, delimiter=delim)


def records_frame(records: list[list[str]], file: str, *,
                  delimiter: str = ",") -> tuple[pd.DataFrame, _Source]:
    """Rows of cell strings (first non-blank row = header) → frame of strings and source.

    The careful path shared by CSV text and spreadsheets: blank rows and repeated header rows
    are dropped and noted, rows with too many or too few fields are an error.
    """
    delim = delimiter
    first = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if first is None:
        raise DataError(file, None, "file has no header row")
    header = [c.replace("\ufeff", "").strip() for c in records[first]]
    body = records[first + 1:]
    n_in = len(body)
    rownum = np.arange(first + 2, first + 2 + n_in)
    lens = np.fromiter((len(r) for r in body), dtype=np.int64, count=n_in)
    blank = np.fromiter((not any(c.strip() for c in r) for r in body), dtype=bool, count=n_in)
    ncol = len(header)
    notes: list[dict] = []
    if bool(blank.any()):
        notes.append({"step": "blank rows dropped", "rows_in": n_in,
                      "dropped": int(blank.sum())})
    long_ = (lens > ncol) & ~blank
    trimmed = 0
    if bool(long_.any()):
        extra_nonempty = np.array([any(c.strip() for c in body[i][ncol:]) if long_[i] else False
                                   for i in range(n_in)])
        if bool(extra_nonempty.any()):
            idx = np.flatnonzero(extra_nonempty)
            swallowed = any("\n" in c for i in idx[:50] for c in body[i])
            raise DataError(file, None, f"more fields than the header's {ncol}",
                            rows=[int(rownum[i]) for i in idx[:MAX_SHOWN]], n_rows=len(idx),
                            examples=[delim.join(body[i])[:80] for i in idx[:3]],
                            hint=("a stray double quote (\") joined several lines into one row"
                                  if swallowed else
                                  "a stray delimiter or an unquoted comma inside a value; "
                                  "quote such values"))
        trimmed = int(long_.sum())
        for i in np.flatnonzero(long_):
            body[i] = body[i][:ncol]
    short = (lens < ncol) & ~blank
    if bool(short.any()):
        idx = np.flatnonzero(short)
        swallowed = any("\n" in c for i in idx[:50] for c in body[i])
        raise DataError(file, None, f"fewer fields than the header's {ncol} (truncated row?)",
                        rows=[int(rownum[i]) for i in idx[:MAX_SHOWN]], n_rows=len(idx),
                        examples=[delim.join(body[i])[:80] for i in idx[:3]],
                        hint=("an unbalanced double quote (\") joined the following lines "
                              "into this row" if swallowed else
                              "every row needs one value (possibly empty) per column"))
    if trimmed:
        notes.append({"step": "empty trailing fields trimmed", "rows_in": n_in - int(blank.sum()),
                      "repaired": trimmed, "detail": "rows with extra empty fields"})
    keep = ~blank
    head_norm = [h for h in header]
    is_header = np.fromiter(((not blank[i]) and [c.replace("\ufeff", "").strip()
                                                  for c in body[i]] == head_norm
                             for i in range(n_in)), dtype=bool, count=n_in)
    if bool(is_header.any()):
        notes.append({"step": "repeated header rows dropped", "rows_in": int(keep.sum()),
                      "dropped": int(is_header.sum()),
                      "detail": "the header row appears again inside the data"})
        keep &= ~is_header
    # empty or duplicate column names
    kept_rows = [body[i] for i in np.flatnonzero(keep)]
    cols = list(zip(*kept_rows)) if kept_rows else [() for _ in header]
    use = []
    for j, h in enumerate(header):
        if h == "":
            if any(c.strip() for c in cols[j]):
                raise DataError(file, f"#{j + 1}", "column without a name in the header holds "
                                "values", hint="give every column a header")
            continue
        use.append(j)
    names = [header[j] for j in use]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise DataError(file, dups[0], "duplicate column name in the header", examples=dups,
                        hint="each column name must appear once")
    data = {}
    for j in use:
        arr = np.array(cols[j], dtype=object)
        arr[arr == ""] = None
        data[header[j]] = pd.array(arr, dtype="str")
    df = pd.DataFrame(data, index=pd.RangeIndex(len(kept_rows)), columns=names)
    src = _Source(file, 2, row_numbers=rownum[keep], delimiter=delim, records=n_in, notes=notes)
    return df, src


def read_raw(path: str | Path) -> tuple[pd.DataFrame, _Source]:
    """Read a CSV (UTF-8 with or without BOM, else GB18030; gzip allowed) or Parquet file.

    CSV cells are read as strings (ids keep leading zeros); only empty cells are missing.
    The encoding and any read-level repairs (blank and repeated header rows) travel with
    the returned source into the ledger.
    """
    path = Path(path)
    if path.name.endswith(".parquet"):
        if not path.is_file():
            raise DataError(str(path), None, "file not found")
        try:
            return pd.read_parquet(path), _Source(str(path), 0)
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise DataError(str(path), None, f"cannot be read as Parquet ({exc})") from exc
    text, enc = decode_bytes(read_bytes(path), str(path))
    df, src = parse_csv_text(text, str(path))
    src.encoding = enc
    df.columns = [str(c).strip() for c in df.columns]
    return df, src


# --------------------------------------------------------------------------- columns


def _check_columns(df: pd.DataFrame, schema: TableSchema, src: _Source) -> None:
    missing = [c for c in schema.required if c not in df.columns]
    if missing:
        raise DataError(src.file, missing[0], f"required column{'s' if len(missing) > 1 else ''} "
                        f"{missing} missing from the {schema.name} table",
                        examples=list(df.columns)[:8],
                        hint=f"found columns {list(df.columns)}; required {schema.required}")
    for c in schema.names:
        if c in df.columns and not pd.api.types.is_numeric_dtype(df[c]) \
                and not pd.api.types.is_datetime64_any_dtype(df[c]):
            text = df[c].astype("str").str.strip()
            hash_ = text.str.startswith("#").fillna(False)
            if bool(hash_.any()):
                _fail_rows(src, c, "Excel error value",
                           hash_ & text.str.match(_EXCEL_ERROR_RE).fillna(False), df[c],
                           hint="fix the formula in the spreadsheet, or export values only")


def _fail_rows(src: _Source, column: str, problem: str, bad: pd.Series, values: pd.Series,
               hint: str | None = None) -> None:
    """Raise a DataError for the rows where ``bad`` is True (if any)."""
    bad = bad.astype(bool)
    if bool(bad.any()):
        idx = bad.index[bad.to_numpy()]
        raise DataError(src.file, column, problem, rows=src.rows(idx), n_rows=len(idx),
                        examples=values.loc[idx[:3]].tolist(), hint=hint)


def _ids(df: pd.DataFrame, col: str, src: _Source, *, required: bool,
         ledger: Ledger | None = None, table: str = "") -> pd.Series:
    s = df[col]
    if pd.api.types.is_float_dtype(s):
        frac = s.notna() & (s != np.floor(s))
        _fail_rows(src, col, "ids stored as non-integer numbers", frac, s,
                   hint="export ids as text so they are kept exactly")
        s = s.astype("Int64")
    s = s.astype("str").where(s.notna(), None).astype("str")
    stripped = s.str.strip()
    missing = stripped.isna() | (stripped == "")
    if required:
        _fail_rows(src, col, "missing id", missing, df[col])
    if bool(stripped.str.contains(r"[.eE]", regex=True).fillna(False).any()):
        _fail_rows(src, col, "id in scientific notation (digits were lost)",
                   stripped.str.match(_SCI_ID_RE).fillna(False), df[col],
                   hint="Excel showed a long numeric id as a number; format the id column "
                        "as Text before exporting")
        _fail_rows(src, col, "id with a trailing '.0' (was read as a number)",
                   stripped.str.match(_DOT0_ID_RE).fillna(False), df[col],
                   hint="export ids as text so they are kept exactly")
    changed = ~missing & (stripped != s)
    if ledger is not None and bool(changed.any()):
        ledger.add(table, f"{col}: whitespace around ids stripped", len(s),
                   repaired=int(changed.sum()))
    return stripped.where(~missing, None)


def _excel_serial_to_text(text: pd.Series) -> pd.Series:
    days = pd.to_numeric(text, errors="coerce")
    secs = (days * 86400).round()
    ts = _EXCEL_EPOCH + pd.to_timedelta(secs, unit="s")
    return ts.dt.strftime("%Y-%m-%d %H:%M:%S")


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
        iso = text.str.fullmatch(_ISO_RE).fillna(False)
        if not bool(iso.all()):
            text = _unusual_times(text, s, src, col, table, ledger)
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
                parsed = parsed.where(~bad, _parse_mixed(text.where(bad)))
            out = parsed.dt.tz_localize(tz, ambiguous="raise", nonexistent="raise")
            ledger.add(table, f"{col}: naive timestamps read as {tz}", n, repaired=n)
        _fail_rows(src, col, "unparseable timestamp", out.isna(), s,
                   hint="use ISO 8601, e.g. 2025-03-01 14:05:00+08:00")
    lo = pd.Timestamp(PLAUSIBLE_FROM).tz_localize(tz)
    hi = pd.Timestamp(PLAUSIBLE_UNTIL).tz_localize(tz)
    _fail_rows(src, col, f"implausible date (before {PLAUSIBLE_FROM} or from "
               f"{PLAUSIBLE_UNTIL} on)", (out < lo) | (out >= hi), s,
               hint="placeholders such as 1900-01-00, 1970-01-01 or 9999-12-31 stand for a "
                    "missing date; fix or remove those rows")
    return out.astype(f"datetime64[us, {tz}]")


def _unusual_times(text: pd.Series, s: pd.Series, src: _Source, col: str, table: str,
                   ledger: Ledger) -> pd.Series:
    """Checks and repairs for time cells that are not plain ISO 8601."""
    n = len(text)
    _fail_rows(src, col, "number that looks like a Unix timestamp",
               text.str.match(_EPOCH_RE), s,
               hint="seconds or milliseconds since 1970 is ambiguous: convert to ISO 8601 "
                    "(WeCom API exports go through analysis.data.adapters.wecom)")
    serial = text.str.match(_SERIAL_RE)
    if bool(serial.any()):
        text = text.where(~serial, _excel_serial_to_text(text.where(serial)))
        ledger.add(table, f"{col}: Excel date serials converted", n,
                   repaired=int(serial.sum()), detail="days since 1899-12-30, local time")
    _fail_rows(src, col, "time-zone abbreviation in timestamp", text.str.contains(
               _TZ_ABBR_RE, regex=True), s,
               hint="abbreviations are ambiguous (CST is China, US Central or Cuba); "
                    "write an offset such as +08:00")
    maybe_dmy = text.str.match(r"^\d{1,2}[/.-]")
    if bool(maybe_dmy.any()):
        dmy = text.where(maybe_dmy).str.extract(_DMY_RE)
        a = pd.to_numeric(dmy[0], errors="coerce")
        b = pd.to_numeric(dmy[1], errors="coerce")
        amb = (a <= 12) & (b <= 12) & (a != b)
        _fail_rows(src, col, "ambiguous day/month order", amb.fillna(False), s,
                   hint="use ISO 8601 (YYYY-MM-DD) so day and month cannot be swapped")
    zh = text.str.match(_ZH_DATE_RE)
    if bool(zh.any()):
        text = text.str.replace(_ZH_DATE_RE, r"\1-\2-\3", regex=True)
        text = (text.str.replace("时", ":", regex=False).str.replace("分", ":", regex=False)
                .str.replace("秒", "", regex=False).str.rstrip(":"))
    return text


def _parse_mixed(text: pd.Series) -> pd.Series:
    """Lenient parse for the rows ISO 8601 could not read; failures become NaT."""
    import warnings

    with warnings.catch_warnings():  # dateutil warns on unknown zone names; we reject those
        warnings.simplefilter("ignore")
        try:
            out = pd.to_datetime(text, format="mixed", errors="coerce")
            if not isinstance(out.dtype, pd.DatetimeTZDtype):
                return out
        except (ValueError, TypeError, OverflowError):
            pass
        out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
        for i, v in text.dropna().items():
            try:
                ts = pd.Timestamp(pd.to_datetime(v, format="mixed"))
            except (ValueError, TypeError, OverflowError):
                continue
            if ts.tzinfo is None:
                out.loc[i] = ts
    return out


def _numbers(df: pd.DataFrame, col: str, src: _Source, *, required: bool,
             ledger: Ledger | None = None, table: str = "") -> pd.Series:
    s = df[col]
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        out = s.astype("float64")
    else:
        raw = s.astype("str").str.strip()
        text = raw.str.replace(",", "", regex=False)
        for sym in ("¥", "￥", "元", "RMB", "CNY"):
            text = text.str.replace(sym, "", regex=False)
        text = text.str.strip()
        out = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = out.isna() & text.notna() & (text != "")
        _fail_rows(src, col, "not a number", bad, s)
        changed = out.notna() & (text != raw)
        if ledger is not None and bool(changed.any()):
            ledger.add(table, f"{col}: currency symbols / thousands separators removed",
                       len(s), repaired=int(changed.sum()))
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
    src.start_ledger("contacts", len(raw), ledger)
    _check_columns(raw, CONTACTS, src)
    df = pd.DataFrame(index=raw.index)
    df["user_id"] = _ids(raw, "user_id", src, required=True, ledger=ledger, table="contacts")
    df["joined_at"] = _times(raw, "joined_at", src, tz, "contacts", ledger)
    for col in ("channel", "hook"):
        df[col] = raw[col].astype("str").str.strip().fillna("unknown")
    df["referrer_id"] = (_ids(raw, "referrer_id", src, required=False, ledger=ledger,
                              table="contacts")
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
    src.start_ledger("events", len(raw), ledger)
    _check_columns(raw, EVENTS, src)
    df = pd.DataFrame(index=raw.index)
    df["user_id"] = _ids(raw, "user_id", src, required=True, ledger=ledger, table="events")
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
                        "them under 'event_types' (see analysis.data.vocab)")
    aliased = {t: r for t, r in resolved.items() if r != t}
    if aliased:
        n_alias = int(types.isin(list(aliased)).sum())
        types = types.replace(aliased)
        ledger.add("events", "event types mapped by vocabulary aliases", len(df),
                   repaired=n_alias, detail=", ".join(f"{k}->{v}" for k, v in aliased.items()))
    df["event_type"] = types
    df["value"] = (_numbers(raw, "value", src, required=False, ledger=ledger, table="events")
                   if "value" in raw.columns else pd.Series(np.nan, index=raw.index))
    df["context"] = (raw["context"].astype("str").str.strip() if "context" in raw.columns
                     else pd.Series(None, index=raw.index, dtype="str"))
    return df


def clean_orders(raw: pd.DataFrame, src: _Source, *, tz: str, ledger: Ledger) -> pd.DataFrame:
    src.start_ledger("orders", len(raw), ledger)
    _check_columns(raw, ORDERS, src)
    df = pd.DataFrame(index=raw.index)
    df["order_id"] = _ids(raw, "order_id", src, required=True, ledger=ledger, table="orders")
    df["user_id"] = _ids(raw, "user_id", src, required=True, ledger=ledger, table="orders")
    df["ordered_at"] = _times(raw, "ordered_at", src, tz, "orders", ledger)
    df["amount"] = _numbers(raw, "amount", src, required=True, ledger=ledger, table="orders")
    _fail_rows(src, "amount", f"implausibly large amount (above {MAX_AMOUNT:,.0f})",
               df["amount"] > MAX_AMOUNT, raw["amount"],
               hint="an id or phone number pasted into the amount column? amounts are CNY")
    df["is_refund"] = _bools(raw, "is_refund", src)
    neg = df["amount"] < 0
    _fail_rows(src, "amount", "negative amount on an order not flagged as a refund",
               neg & ~df["is_refund"], raw["amount"],
               hint="amounts are what was paid (>= 0); mark refunded orders with is_refund")
    _fail_rows(src, "amount", "negative amount on a refund row", neg & df["is_refund"],
               raw["amount"], hint="record a refund on its order: is_refund=true and "
                                   "refund_amount=<money returned>, not as a negative row")
    if "refund_amount" in raw.columns:
        ra = _numbers(raw, "refund_amount", src, required=False, ledger=ledger, table="orders")
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
    files = dict(files or {})
    offsets = dict(row_offsets or {})
    src = {t: _Source(str(files.get(t, f"<{t} frame>")), offsets.get(t, 0))
           for t in ("contacts", "events", "orders")}
    return _validate({"contacts": contacts, "events": events, "orders": orders}, src,
                     files=files, vocabulary=vocabulary, tz=tz, observed_until=observed_until,
                     drop_orphans=drop_orphans, drop_before_join=drop_before_join)


def _validate(frames: Mapping[str, pd.DataFrame], src: Mapping[str, _Source], *,
              files: Mapping[str, str], vocabulary, tz: str, observed_until: Any,
              drop_orphans: bool, drop_before_join: bool,
              ledger: Ledger | None = None) -> Tables:
    vocab = load_vocabulary(vocabulary)
    ledger = ledger if ledger is not None else Ledger()
    cut = None
    if observed_until is not None:
        cut = pd.Timestamp(observed_until)
        cut = cut.tz_localize(tz) if cut.tzinfo is None else cut.tz_convert(tz)

    c = clean_contacts(frames["contacts"].reset_index(drop=True), src["contacts"], tz=tz,
                       ledger=ledger)
    e = clean_events(frames["events"].reset_index(drop=True), src["events"], tz=tz,
                     ledger=ledger, vocabulary=vocab)
    o = clean_orders(frames["orders"].reset_index(drop=True), src["orders"], tz=tz,
                     ledger=ledger)

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
        Folder holding one file per table: ``<table>.csv``, ``.csv.gz`` or ``.parquet``; or a
        folder of raw exports (``wecom_contacts*.json`` etc., see ``docs/adapters.md``), which
        is read through :func:`analysis.data.adapters.load_raw`.
    vocabulary
        Event vocabulary (YAML path or dict); default :func:`analysis.data.vocab.default_vocabulary`.
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
    canonical = any((folder / f"contacts{s}").is_file() for s in SUFFIXES)
    if not canonical and any(folder.glob("wecom_contacts*")):
        from analysis.data.adapters import load_raw  # a folder of raw WeCom / spreadsheet exports

        return load_raw(folder, vocabulary=vocabulary, tz=tz, observed_until=observed_until,
                        drop_orphans=drop_orphans, drop_before_join=drop_before_join)
    if vocabulary is None and (folder / "vocabulary.yaml").is_file():
        vocabulary = folder / "vocabulary.yaml"
    frames, files, srcs = {}, {}, {}
    for name in ("contacts", "events", "orders"):
        path = find_table_file(folder, name)
        frames[name], srcs[name] = read_raw(path)
        files[name] = str(path)
    return _validate(frames, srcs, files=files, vocabulary=vocabulary, tz=tz,
                     observed_until=observed_until, drop_orphans=drop_orphans,
                     drop_before_join=drop_before_join)


def net_amount(orders: pd.DataFrame) -> pd.Series:
    """Net revenue per order: amount minus refund_amount."""
    return orders["amount"] - orders["refund_amount"]

