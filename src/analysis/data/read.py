"""Reading files into text tables: find a table's file, decode bytes (UTF-16 with BOM, UTF-8,
GB18030), sniff the delimiter, parse CSV text into string columns with source row numbers;
title rows above the header, blank, total and repeated header rows dropped and noted.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import re
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.errors import MAX_SHOWN, DataError, Source

SUFFIXES = (".parquet", ".csv", ".csv.gz")


_FAST_PARSE_FROM = 1_000_000  # characters


def find_table_file(folder: str | Path, name: str) -> Path:
    """``folder/name.parquet``, ``.csv`` or ``.csv.gz`` — exactly one must exist."""
    folder = Path(folder)
    found = [folder / f"{name}{s}" for s in SUFFIXES if (folder / f"{name}{s}").is_file()]
    if not found:
        raise DataError(
            str(folder),
            None,
            f"no '{name}' table found",
            hint=f"expected one of {', '.join(name + s for s in SUFFIXES)}",
        )
    if len(found) > 1:
        raise DataError(
            str(folder),
            None,
            f"more than one '{name}' table",
            examples=[p.name for p in found],
            hint="keep exactly one",
        )
    return found[0]


def decode_bytes(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text export: UTF-16 with a byte-order mark (Excel's "Unicode text"), UTF-8
    (a BOM is dropped), else GB18030 (a superset of GBK).

    Returns ``(text, encoding)`` with encoding ``utf-16``, ``utf-8``, ``utf-8-sig`` or
    ``gb18030``.
    """
    if data[:4] == b"PK\x03\x04":
        raise DataError(
            file,
            None,
            "is an Excel workbook (zip), not CSV text",
            hint="read it with analysis.data.adapters.read_spreadsheet, or save it as 'CSV UTF-8'",
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError(
            file,
            None,
            "is an old Excel .xls workbook, not CSV text",
            hint="read it with analysis.data.adapters.read_spreadsheet (name it .xls), "
            "or save it as 'CSV UTF-8'",
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text": UTF-16 with a BOM
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataError(
                file,
                None,
                f"starts like UTF-16 text but cannot be decoded as UTF-16 (byte {exc.start})",
                hint="save the file as 'CSV UTF-8 (comma delimited)'",
            ) from exc
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
            raise DataError(
                file,
                None,
                f"neither UTF-8 nor GB18030 text (byte {exc.start})",
                hint="save the file as UTF-8 (Excel: 'CSV UTF-8')",
            ) from exc


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
    """The delimiter of the first line that has one (title lines above the header may not)."""
    lines = (ln for ln in text[:65536].splitlines() if ln.strip())
    for line in itertools.islice(lines, MAX_TITLE_ROWS + 1):
        if "," in line:
            return ","
        for d in ("\t", ";"):
            if d in line:
                return d
    return ","


#: At most this many title rows (a report title, ``导出时间：...``) above the header.
MAX_TITLE_ROWS = 10

#: Words that open the first non-empty cell of a total row (dropped and counted, wherever
#: the row appears); compared in lower case, followed by nothing, a space, a colon or a bracket.
TOTAL_WORDS = ("合计", "总计", "小计", "总合计", "total", "subtotal", "grand total")

_TOTAL = "(" + "|".join(sorted(TOTAL_WORDS, key=len, reverse=True)) + r")(?:$|[\s:：(（])"

TOTAL_RE = re.compile("^" + _TOTAL, re.I)

_TOTAL_RE2 = r"(?i)^\s*" + _TOTAL  # the same rule in pyarrow's (RE2) dialect

_LABEL_RE = re.compile(r"^[^\s:：]{1,20}[:：]")


def is_title_row(cells: list[str]) -> bool:
    """A row above the header: at most one non-empty cell (a title, ``导出时间：...``), or
    only ``label：value`` cells (``导出人：张三``)."""
    full = [c.strip() for c in cells if c.strip()]
    return len(full) <= 1 or all(_LABEL_RE.match(c) for c in full)


def total_word(cells: list[str]) -> str | None:
    """合计 / 总计 / 小计 (or Total) when it opens the row's first non-empty cell."""
    first = next((c.strip() for c in cells if c.strip()), "")
    m = TOTAL_RE.match(first)
    return m.group(1) if m else None


_NUMBER_LIKE = re.compile(r"^[\s¥￥$+-]*[\d.,:/ -]+$")


def is_group_row(cells: list[str], below: list[str]) -> bool:
    """The upper row of a two-level header (``订单信息`` over three columns, ``金额信息`` over
    two; merged cells read as one label and blanks): it leaves blank some columns the row
    ``below`` names, and ``below`` names every one of its columns in words (a header, not
    data)."""
    named = [c.strip() for c in below]
    while named and not named[-1]:
        named.pop()
    if len(named) < 2 or not all(named) or any(_NUMBER_LIKE.match(c) for c in named):
        return False
    upper = [c.strip() for c in cells[: len(named)]]
    return any(upper) and not all(upper) and not any(c.strip() for c in cells[len(named) :])


def _find_header(records: list[list[str]], first: int) -> int:
    """The header: the first row after ``first`` that is neither a title row nor the group
    row of a two-level header (within :data:`MAX_TITLE_ROWS` non-blank rows); ``first`` when
    there is none."""
    seen = 0
    for i in range(first, len(records)):
        cells = records[i]
        if not any(c.strip() for c in cells):
            continue
        below = next((r for r in records[i + 1 :] if any(c.strip() for c in r)), None)
        if not is_title_row(cells) and not (below is not None and is_group_row(cells, below)):
            return i
        seen += 1
        if seen > MAX_TITLE_ROWS:
            break
    return first


def _rows_phrase(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:MAX_SHOWN])
    more = f" and {len(rows) - MAX_SHOWN} more" if len(rows) > MAX_SHOWN else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _fast_parse(text: str, file: str, delim: str) -> tuple[pd.DataFrame, Source] | None:
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
    if '"' in first_line or "" in names or len(set(names)) != len(names) or is_title_row(names):
        return None
    tmp = [f"c{i}" for i in range(len(names))]
    try:
        tbl = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=tmp, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=delim, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in tmp},
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
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
        if pc.any(pc.match_substring_regex(c0, _TOTAL_RE2)).as_py():
            return None  # possibly total rows
    df = pd.DataFrame(
        {n: pd.array(tbl.column(i), dtype="str") for i, n in enumerate(names)}, columns=names
    )
    n = tbl.num_rows
    return df, Source(
        file, 2, row_numbers=np.arange(2, n + 2), delimiter=delim, records=n, header_row=0
    )


def parse_csv_text(text: str, file: str) -> tuple[pd.DataFrame, Source]:
    """Parse CSV text into a frame of strings (empty cells missing) and its :class:`Source`.

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
        raise DataError(
            file,
            None,
            f"cannot be parsed as CSV ({exc})",
            rows=[len(records) + 1],
            hint='an unbalanced double quote (") probably swallowed the rows after it',
        ) from exc
    return records_frame(records, file, delimiter=delim)


def records_frame(
    records: list[list[str]], file: str, *, delimiter: str = ","
) -> tuple[pd.DataFrame, Source]:
    """Rows of cell strings → frame of strings and source.

    The careful path shared by CSV text and spreadsheets. The header is the first non-blank
    row that is not a title row (:func:`is_title_row`); title rows above it, blank rows, total
    rows (:func:`total_word`) and repeated header rows are dropped and noted; rows with too
    many or too few fields are an error.
    """
    delim = delimiter
    first = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if first is None:
        raise DataError(file, None, "file has no header row")
    head_at = _find_header(records, first)
    header = [c.replace("\ufeff", "").strip() for c in records[head_at]]
    n_above = head_at - first  # title rows (and blank rows between them) above the header
    body = records[first:head_at] + records[head_at + 1 :]
    n_in = len(body)
    rownum = np.concatenate(
        [np.arange(first + 1, head_at + 1), np.arange(head_at + 2, len(records) + 1)]
    ).astype(np.int64)
    lens = np.fromiter((len(r) for r in body), dtype=np.int64, count=n_in)
    blank = np.fromiter((not any(c.strip() for c in r) for r in body), dtype=bool, count=n_in)
    above = np.zeros(n_in, dtype=bool)
    above[:n_above] = True
    title = above & ~blank
    ncol = len(header)
    notes: list[dict] = []
    if bool(title.any()):
        first_title = next(c.strip() for c in body[0] if c.strip())
        groups = [
            [c.strip() for c in r if c.strip()]
            for r in body[:n_above]
            if any(c.strip() for c in r) and is_group_row(r, records[head_at])
        ]
        two_level = (
            f"; the upper row of a two-level header ({', '.join(groups[0])})" if groups else ""
        )
        notes.append(
            {
                "step": "title rows above the header dropped",
                "rows_in": n_in,
                "rows_out": n_in - int(title.sum()),
                "dropped": int(title.sum()),
                "detail": f"{_rows_phrase([int(r) for r in rownum[title]])}: "
                f"{first_title[:60]!r}; the header is row {head_at + 1}{two_level}",
            }
        )
    if bool(blank.any()):
        notes.append(
            {
                "step": "blank rows dropped",
                "rows_in": n_in - int(title.sum()),
                "rows_out": n_in - int(title.sum()) - int(blank.sum()),
                "dropped": int(blank.sum()),
            }
        )
    totals = [None if (blank[i] or above[i]) else total_word(body[i]) for i in range(n_in)]
    total = np.array([w is not None for w in totals], dtype=bool)
    if bool(total.any()):
        words = sorted({w for w in totals if w is not None}, key=[w for w in totals if w].index)
        notes.append(
            {
                "step": "total rows dropped (" + " / ".join(words) + ")",
                "rows_in": n_in - int(title.sum()) - int(blank.sum()),
                "rows_out": n_in - int(title.sum()) - int(blank.sum()) - int(total.sum()),
                "dropped": int(total.sum()),
                "detail": "; ".join(
                    f"total row ({w}) at "
                    + _rows_phrase([int(rownum[i]) for i in range(n_in) if totals[i] == w])
                    for w in words
                ),
            }
        )
    skip = blank | title | total
    long_ = (lens > ncol) & ~skip
    trimmed = 0
    if bool(long_.any()):
        extra_nonempty = np.array(
            [any(c.strip() for c in body[i][ncol:]) if long_[i] else False for i in range(n_in)]
        )
        if bool(extra_nonempty.any()):
            idx = np.flatnonzero(extra_nonempty)
            swallowed = any("\n" in c for i in idx[:50] for c in body[i])
            raise DataError(
                file,
                None,
                f"more fields than the header's {ncol}",
                rows=[int(rownum[i]) for i in idx[:MAX_SHOWN]],
                n_rows=len(idx),
                examples=[delim.join(body[i])[:80] for i in idx[:3]],
                hint=(
                    'a stray double quote (") joined several lines into one row'
                    if swallowed
                    else "a stray delimiter or an unquoted comma inside a value; quote such values"
                ),
            )
        trimmed = int(long_.sum())
        for i in np.flatnonzero(long_):
            body[i] = body[i][:ncol]
    short = (lens < ncol) & ~skip
    if bool(short.any()):
        idx = np.flatnonzero(short)
        swallowed = any("\n" in c for i in idx[:50] for c in body[i])
        raise DataError(
            file,
            None,
            f"fewer fields than the header's {ncol} (truncated row?)",
            rows=[int(rownum[i]) for i in idx[:MAX_SHOWN]],
            n_rows=len(idx),
            examples=[delim.join(body[i])[:80] for i in idx[:3]],
            hint=(
                'an unbalanced double quote (") joined the following lines into this row'
                if swallowed
                else "every row needs one value (possibly empty) per column"
            ),
        )
    keep = ~skip
    if trimmed:
        notes.append(
            {
                "step": "empty trailing fields trimmed",
                "rows_in": int(keep.sum()),
                "rows_out": int(keep.sum()),
                "repaired": trimmed,
                "detail": "rows with extra empty fields",
            }
        )
    is_header = np.fromiter(
        (
            bool(keep[i]) and [c.replace("\ufeff", "").strip() for c in body[i]] == header
            for i in range(n_in)
        ),
        dtype=bool,
        count=n_in,
    )
    if bool(is_header.any()):
        rows_in = int(keep.sum())
        keep &= ~is_header
        notes.append(
            {
                "step": "repeated header rows dropped",
                "rows_in": rows_in,
                "rows_out": int(keep.sum()),
                "dropped": int(is_header.sum()),
                "detail": "the header row appears again inside the data",
            }
        )
    # empty or duplicate column names
    kept_rows = [body[i] for i in np.flatnonzero(keep)]
    cols = list(zip(*kept_rows)) if kept_rows else [() for _ in header]
    use = []
    for j, h in enumerate(header):
        if h == "":
            if any(c.strip() for c in cols[j]):
                raise DataError(
                    file,
                    f"#{j + 1}",
                    "column without a name in the header holds values",
                    hint="give every column a header",
                )
            continue
        use.append(j)
    names = [header[j] for j in use]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise DataError(
            file,
            dups[0],
            "duplicate column name in the header",
            examples=dups,
            hint="each column name must appear once",
        )
    data = {}
    for j in use:
        arr = np.array(cols[j], dtype=object)
        arr[arr == ""] = None
        data[header[j]] = pd.array(arr, dtype="str")
    df = pd.DataFrame(data, index=pd.RangeIndex(len(kept_rows)), columns=names)
    src = Source(
        file,
        2,
        row_numbers=rownum[keep],
        delimiter=delim,
        records=n_in,
        notes=notes,
        header_row=head_at,
    )
    return df, src


def read_raw(path: str | Path) -> tuple[pd.DataFrame, Source]:
    """Read a CSV (UTF-16 with BOM, UTF-8 with or without BOM, else GB18030; gzip allowed) or
    Parquet file.

    CSV cells are read as strings (ids keep leading zeros); only empty cells are missing.
    The encoding and any read-level repairs (title, blank, total and repeated header rows)
    travel with the returned source into the ledger.
    """
    path = Path(path)
    if path.name.endswith(".parquet"):
        if not path.is_file():
            raise DataError(str(path), None, "file not found")
        try:
            return pd.read_parquet(path), Source(str(path), 0)
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise DataError(str(path), None, f"cannot be read as Parquet ({exc})") from exc
    text, enc = decode_bytes(read_bytes(path), str(path))
    df, src = parse_csv_text(text, str(path))
    src.encoding = enc
    df.columns = [str(c).strip() for c in df.columns]
    return df, src
