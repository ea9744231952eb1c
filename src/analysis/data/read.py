"""Reading files into text tables: find a table's file, decode bytes (UTF-8, GB18030),
sniff the delimiter, parse CSV text into string columns with source row numbers.
"""

from __future__ import annotations

import csv
import gzip
import io
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
    """Decode a text export: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK).

    Returns ``(text, encoding)`` with encoding ``utf-8``, ``utf-8-sig`` or ``gb18030``.
    """
    if data[:4] == b"PK\x03\x04":
        raise DataError(
            file,
            None,
            "is an Excel workbook (zip), not CSV text",
            hint="read it with analysis.data.adapters.read_spreadsheet, or save it as 'CSV UTF-8'",
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(
            file,
            None,
            "is UTF-16 text (Excel 'Unicode Text')",
            hint="save it as 'CSV UTF-8 (comma delimited)'",
        )
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
    first = next((ln for ln in text[:65536].splitlines() if ln.strip()), "")
    if "," in first:
        return ","
    for d in ("\t", ";"):
        if d in first:
            return d
    return ","


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
    if '"' in first_line or "" in names or len(set(names)) != len(names):
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
    df = pd.DataFrame(
        {n: pd.array(tbl.column(i), dtype="str") for i, n in enumerate(names)}, columns=names
    )
    n = tbl.num_rows
    return df, Source(file, 2, row_numbers=np.arange(2, n + 2), delimiter=delim, records=n)


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
    """Rows of cell strings (first non-blank row = header) → frame of strings and source.

    The careful path shared by CSV text and spreadsheets: blank rows and repeated header rows
    are dropped and noted, rows with too many or too few fields are an error.
    """
    delim = delimiter
    first = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if first is None:
        raise DataError(file, None, "file has no header row")
    header = [c.replace("\ufeff", "").strip() for c in records[first]]
    body = records[first + 1 :]
    n_in = len(body)
    rownum = np.arange(first + 2, first + 2 + n_in)
    lens = np.fromiter((len(r) for r in body), dtype=np.int64, count=n_in)
    blank = np.fromiter((not any(c.strip() for c in r) for r in body), dtype=bool, count=n_in)
    ncol = len(header)
    notes: list[dict] = []
    if bool(blank.any()):
        notes.append(
            {
                "step": "blank rows dropped",
                "rows_in": n_in,
                "rows_out": int((~blank).sum()),
                "dropped": int(blank.sum()),
            }
        )
    long_ = (lens > ncol) & ~blank
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
    short = (lens < ncol) & ~blank
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
    if trimmed:
        notes.append(
            {
                "step": "empty trailing fields trimmed",
                "rows_in": int((~blank).sum()),
                "rows_out": int((~blank).sum()),
                "repaired": trimmed,
                "detail": "rows with extra empty fields",
            }
        )
    keep = ~blank
    head_norm = [h for h in header]
    is_header = np.fromiter(
        (
            (not blank[i]) and [c.replace("\ufeff", "").strip() for c in body[i]] == head_norm
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
    src = Source(file, 2, row_numbers=rownum[keep], delimiter=delim, records=n_in, notes=notes)
    return df, src


def read_raw(path: str | Path) -> tuple[pd.DataFrame, Source]:
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
            return pd.read_parquet(path), Source(str(path), 0)
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise DataError(str(path), None, f"cannot be read as Parquet ({exc})") from exc
    text, enc = decode_bytes(read_bytes(path), str(path))
    df, src = parse_csv_text(text, str(path))
    src.encoding = enc
    df.columns = [str(c).strip() for c in df.columns]
    return df, src
