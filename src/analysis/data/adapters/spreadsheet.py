"""Spreadsheet exports (``.xlsx``; CSV saved by Excel in GBK/GB18030 or UTF-8 with or
without BOM) with Chinese column headers → canonical tables.

Headers are matched through :data:`HEADER_MAP` after normalisation (Unicode NFKC, so
full-width brackets and letters match; surrounding spaces and a unit suffix such as
``(元)`` are ignored; Latin letters compared in lower case). Canonical English names always
match themselves. Columns that map to nothing are kept as extra attributes.

Override or extend the map with ``header_map=`` — a dict or a YAML file of the same shape
(``{table: {header: canonical}}``; a value of ``null`` removes a default entry)::

    orders:
      商品实付: amount
      订单金额: null      # the list price: keep it as an extra column, not as amount

Decoding and structural checks are :mod:`analysis.data.load`'s (see its docstring); workbook cells
are turned into text first, so the same rules apply: date cells become local times, number
cells in id columns are counted (Excel may have dropped leading zeros), long numeric ids
stored as floats surface as scientific notation and are an error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any, Mapping

from analysis.data.adapters.common import Adapted, load_mapping
from analysis.data.clean import parse_optional_times, parse_times
from analysis.data.errors import DataError, Ledger
from analysis.data.read import decode_bytes, parse_csv_text, read_bytes, records_frame
from analysis.data.schema import DEFAULT_TZ, SCHEMAS

#: Default header map: table → {header as exported: canonical column}.
HEADER_MAP: dict[str, dict[str, str]] = {
    "contacts": {
        "用户ID": "user_id",
        "客户ID": "user_id",
        "外部联系人ID": "user_id",
        "external_userid": "user_id",
        "会员ID": "user_id",
        "添加时间": "joined_at",
        "添加好友时间": "joined_at",
        "入域时间": "joined_at",
        "加入时间": "joined_at",
        "首次添加时间": "joined_at",
        "渠道": "channel",
        "来源渠道": "channel",
        "获客渠道": "channel",
        "钩子": "hook",
        "引流品": "hook",
        "诱饵": "hook",
        "推荐人ID": "referrer_id",
        "推荐人": "referrer_id",
        "邀请人ID": "referrer_id",
    },
    "events": {
        "用户ID": "user_id",
        "客户ID": "user_id",
        "外部联系人ID": "user_id",
        "会员ID": "user_id",
        "发生时间": "occurred_at",
        "时间": "occurred_at",
        "行为时间": "occurred_at",
        "事件时间": "occurred_at",
        "事件类型": "event_type",
        "行为类型": "event_type",
        "行为": "event_type",
        "数值": "value",
        "值": "value",
        "场景": "context",
        "触点": "context",
        "渠道场景": "context",
    },
    "orders": {
        "订单号": "order_id",
        "订单编号": "order_id",
        "订单ID": "order_id",
        "用户ID": "user_id",
        "客户ID": "user_id",
        "买家ID": "user_id",
        "会员ID": "user_id",
        "下单时间": "ordered_at",
        "支付时间": "ordered_at",
        "创建时间": "ordered_at",
        "订单金额": "amount",
        "实付金额": "amount",
        "支付金额": "amount",
        "金额": "amount",
        "是否退款": "is_refund",
        "退款状态": "is_refund",
        "退款": "is_refund",
        "订单状态": "is_refund",
        "交易类型": "is_refund",
        "退款金额": "refund_amount",
        "退款时间": "refunded_at",
        "退款完成时间": "refunded_at",
    },
}

_UNIT_RE = re.compile(r"\((?:元|rmb|cny|¥)\)$")


def normalise_header(h: str) -> str:
    """The form headers are compared in (NFKC, no spaces, unit suffix dropped, lower case)."""
    h = unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "")
    h = re.sub(r"\s+", "", h).lower()
    return _UNIT_RE.sub("", h)


def header_map(override: str | Path | Mapping | None = None) -> dict[str, dict[str, str]]:
    """:data:`HEADER_MAP` with ``override`` applied (dict or YAML path; null removes)."""
    out = {t: dict(m) for t, m in HEADER_MAP.items()}
    extra = load_mapping(override, "header map")
    for table, mapping in extra.items():
        if table not in SCHEMAS:
            raise DataError(
                str(override) if not isinstance(override, Mapping) else "<header_map>",
                None,
                f"unknown table {table!r} in the header map",
                hint=f"use {list(SCHEMAS)}",
            )
        for h, c in (mapping or {}).items():
            if c in (None, ""):
                out[table].pop(str(h), None)
            else:
                out[table][str(h)] = str(c)
    return out


def _cell_text(v: Any) -> tuple[str, bool]:
    """A workbook cell as text, and whether it was a number."""
    if v is None:
        return "", False
    if isinstance(v, bool):
        return ("true" if v else "false"), False
    if isinstance(v, int):
        return str(v), True
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v)), True
        return repr(v), True
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S" + (".%f" if v.microsecond else "")), False
    if isinstance(v, dt.date):
        return v.isoformat(), False
    return str(v), False


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[list[str]], dict[int, set[int]]]:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise DataError(str(path), None, "reading .xlsx needs openpyxl") from exc
    import zipfile

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise DataError(str(path), None, f"cannot be read as an .xlsx workbook ({exc})") from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise DataError(str(path), None, f"no sheet {sheet!r}", examples=wb.sheetnames)
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        records: list[list[str]] = []
        numeric: dict[int, set[int]] = {}
        for i, row in enumerate(ws.iter_rows(min_row=1, values_only=True)):
            cells = []
            for j, v in enumerate(row):
                text, num = _cell_text(v)
                if num:
                    numeric.setdefault(j, set()).add(i)
                cells.append(text)
            records.append(cells)
    finally:
        wb.close()
    width = max((len(r) for r in records), default=0)
    # a workbook has no "truncated rows": short rows are empty trailing cells
    records = [r + [""] * (width - len(r)) for r in records]
    return records, numeric


def read_spreadsheet(
    path: str | Path,
    *,
    table: str,
    header_map: str | Path | Mapping | None = None,
    sheet: str | None = None,
    tz: str = DEFAULT_TZ,
) -> Adapted:
    """One spreadsheet export (``.xlsx``, ``.csv``, ``.csv.gz``, ``.txt``) → one table.

    Returns an :class:`~analysis.data.adapters.Adapted` holding the table with canonical column
    names (cells as text; the time column parsed, naive times read in ``tz``), the ledger of
    the read (encoding, blank and repeated header rows, header mapping, number-typed id
    cells), and the file's row numbers for later errors.
    """
    if table not in SCHEMAS:
        raise ValueError(f"table must be one of {list(SCHEMAS)}, got {table!r}")
    path = Path(path)
    hmap = _header_map_arg(header_map)
    name = path.name.lower()
    numeric: dict[int, set[int]] = {}
    if name.endswith((".xlsx", ".xlsm")):
        if not path.is_file():
            raise DataError(str(path), None, "file not found")
        records, numeric = _read_xlsx(path, sheet)
        if not any(any(c.strip() for c in r) for r in records):
            raise DataError(str(path), None, "the sheet is empty (no header row)")
        df, src = records_frame(records, str(path))
        encoding = "xlsx"
        raw_header = next(r for r in records if any(c.strip() for c in r))
        header_row = records.index(raw_header)
    elif name.endswith(".xls"):
        raise DataError(
            str(path), None, "old binary .xls workbook", hint="save it as .xlsx or 'CSV UTF-8'"
        )
    else:
        text, encoding = decode_bytes(read_bytes(path), str(path))
        df, src = parse_csv_text(text, str(path))
        header_row = 0
    ledger = Ledger()
    n_records = src.records if src.records is not None else len(df)
    detail = f"{path} (encoding {encoding}" + (
        f", delimiter {src.delimiter!r})" if src.delimiter not in (None, ",") else ")"
    )
    ledger.add(table, "spreadsheet: read", rows_in=n_records, rows_out=n_records, detail=detail)
    if encoding == "gb18030":
        ledger.add(
            table,
            "spreadsheet: decoded as gb18030 (not UTF-8)",
            rows_in=n_records,
            rows_out=n_records,
            repaired=n_records,
            detail="Excel's default for Chinese Windows; every row transcoded",
        )
    for note in src.notes:
        ledger.add(
            table,
            f"spreadsheet: {note['step']}",
            rows_in=note["rows_in"],
            rows_out=note["rows_out"],
            dropped=note.get("dropped", 0),
            repaired=note.get("repaired", 0),
            detail=note.get("detail", ""),
        )
    # the loader must not count the read-level steps again
    src.records, src.notes, src.encoding, src.delimiter = None, [], None, None

    lookup = {normalise_header(k): v for k, v in hmap[table].items()}
    for c in SCHEMAS[table].names:
        lookup.setdefault(normalise_header(c), c)
    renamed: dict[str, str] = {}
    targets: dict[str, list[str]] = {}
    for col in df.columns:
        target = lookup.get(normalise_header(col))
        if target is not None:
            renamed[col] = target
            targets.setdefault(target, []).append(col)
    clash = {t: cols for t, cols in targets.items() if len(cols) > 1}
    if clash:
        t, cols = next(iter(sorted(clash.items())))
        raise DataError(
            str(path),
            t,
            f"several columns map to '{t}'",
            examples=cols,
            hint="keep one: override the header map so the others map to null or "
            "another name (header_map={'" + table + "': {'" + cols[-1] + "': null}})",
        )
    n_read = len(df)
    df = df.rename(columns=renamed)
    ledger.add(
        table,
        "spreadsheet: headers mapped",
        rows_in=n_read,
        rows_out=len(df),
        detail=", ".join(f"{k}->{v}" for k, v in renamed.items() if k != v) or "none",
    )
    if numeric:
        header_cells = records[header_row] if numeric else []
        id_cols = [c.name for c in SCHEMAS[table].columns if c.kind == "id"]
        rows_hit: set[int] = set()
        pos = (
            {int(r): i for i, r in enumerate(src.row_numbers)}
            if src.row_numbers is not None
            else {}
        )
        for j, rows in numeric.items():
            head = header_cells[j].replace("\ufeff", "").strip() if j < len(header_cells) else ""
            if renamed.get(head, head) in id_cols:
                rows_hit |= {r for r in rows if (r + 1) in pos}
        if rows_hit:
            ledger.add(
                table,
                "spreadsheet: id cells stored as numbers read as text",
                rows_in=len(df),
                rows_out=len(df),
                repaired=len(rows_hit),
                detail="leading zeros Excel dropped cannot be recovered; format id columns as Text",
            )
    # times are read here, per file: naive local times of one export must not meet the
    # explicit offsets of another in the combined table
    time_col = SCHEMAS[table].time_col
    if time_col in df.columns:
        df[time_col] = parse_times(df, time_col, src, tz, table, ledger)
    for col in SCHEMAS[table].columns:  # optional times (refunded_at): empty cells are NaT
        if col.kind == "datetime" and col.name != time_col and col.name in df.columns:
            df[col.name] = parse_optional_times(df, col.name, src, tz, table, ledger)
    out = Adapted(ledger=ledger, sources={table: [src]})
    setattr(out, table, df)
    return out


def _header_map_arg(header_map_: str | Path | Mapping | None) -> dict[str, dict[str, str]]:
    return header_map(header_map_)
