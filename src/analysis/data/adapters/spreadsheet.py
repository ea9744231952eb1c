"""Spreadsheet exports (``.xlsx`` / ``.xlsm`` / old ``.xls`` workbooks read with
python-calamine; CSV saved by Excel in GBK/GB18030 or UTF-8 with or without BOM; Excel's
"Unicode text", UTF-16 tab-separated ``.txt``) with Chinese column headers → canonical tables.

Headers are matched through :data:`HEADER_MAP` after normalisation (Unicode NFKC, so
full-width brackets and letters match; surrounding spaces and a unit suffix such as
``(元)`` are ignored; Latin letters compared in lower case). Canonical English names always
match themselves. Columns that map to nothing are kept as extra attributes.

Override or extend the map with ``header_map=`` — a dict or a YAML file of the same shape
(``{table: {header: canonical}}``; a value of ``null`` removes a default entry)::

    orders:
      商品实付: amount
      订单金额: null      # the list price: keep it as an extra column, not as amount

Decoding and structural checks are :mod:`analysis.data.read`'s and cell repairs
:mod:`analysis.data.cells`' (the table in :mod:`analysis.data`); workbook cells are turned into
text first, so the same rules apply: title rows above the header, blank, total and repeated
header rows are dropped and counted; date cells become local times, number cells in id columns
are counted (Excel may have dropped leading zeros), long numeric ids stored as floats surface
as scientific notation and are an error, error cells (``#N/A``) are an error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any, Mapping

from analysis.data.adapters.common import Adapted, load_mapping
from analysis.data.clean import parse_optional_times, parse_times
from analysis.data.errors import TRANSCODED, DataError, Ledger
from analysis.data.read import decode_bytes, parse_csv_text, read_bytes, records_frame
from analysis.data.schema import DEFAULT_TZ, OPTIONAL_SCHEMAS, REQUIRED_SCHEMAS

#: Every table a spreadsheet can hold: the three required ones and the optional ``touches``.
SCHEMAS = {**REQUIRED_SCHEMAS, **OPTIONAL_SCHEMAS}

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
    "touches": {
        "消息ID": "touch_id",
        "群发ID": "touch_id",
        "消息编号": "touch_id",
        "msgid": "touch_id",
        "发送时间": "sent_at",
        "触达时间": "sent_at",
        "客户ID": "user_id",
        "外部联系人ID": "user_id",
        "用户ID": "user_id",
        "external_userid": "user_id",
        "群ID": "group_id",
        "客户群ID": "group_id",
        "chat_id": "group_id",
        "发送渠道": "channel",
        "触达渠道": "channel",
        "群发类型": "channel",
        "消息类型": "kind",
        "触达类型": "kind",
        "目的": "kind",
        "内容形式": "content_type",
        "内容类型": "content_type",
        "发送人": "sender",
        "发送员工": "sender",
        "创建人": "sender",
        "员工ID": "sender",
        "活动": "campaign",
        "活动名称": "campaign",
        "营销活动": "campaign",
        "消息内容": "text",
        "文案": "text",
        "内容": "text",
        "附件类型": "attachment_type",
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
    if type(v) is str:  # most cells: first, and cheap
        return v, False
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
    if isinstance(v, dt.datetime):  # naive; the same text as "%Y-%m-%d %H:%M:%S[.%f]"
        return v.isoformat(" "), False
    if isinstance(v, dt.date):  # a date cell at midnight
        return v.strftime("%Y-%m-%d 00:00:00"), False
    return str(v), False


#: Workbook formats read (with python-calamine): Office Open XML and the old binary .xls.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _read_workbook(path: Path, sheet: str | None) -> tuple[list[list[str]], dict[int, set[int]]]:
    """A workbook sheet's cells as text (rows and columns from A1, so record ``i`` is sheet
    row ``i + 1``), and for each column the records whose cell was a number."""
    try:
        from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum
    except ImportError as exc:  # pragma: no cover - python-calamine is a dependency
        raise DataError(str(path), None, "reading workbooks needs python-calamine") from exc
    if not path.is_file():
        raise DataError(str(path), None, "file not found")
    try:
        with open(path, "rb") as fh:  # the format is read from the bytes, not the name
            wb = CalamineWorkbook.from_filelike(fh)
        names = [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if sheet is not None and sheet not in names:
            raise DataError(str(path), None, f"no sheet {sheet!r}", examples=names)
        if not names:
            raise DataError(str(path), None, "the workbook has no worksheet")
        name = sheet if sheet is not None else names[0]
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except DataError:
        raise
    except (CalamineError, OSError, ValueError) as exc:
        raise DataError(
            str(path),
            None,
            f"cannot be read as an Excel workbook ({exc})",
            hint="some systems save an HTML table or CSV text under an .xls name: open it in "
            "Excel and save it as .xlsx or 'CSV UTF-8'",
        ) from exc
    records: list[list[str]] = []
    numeric: dict[int, set[int]] = {}
    for i, row in enumerate(rows):
        cells = []
        for j, v in enumerate(row):
            if type(v) is str:
                cells.append(v)
                continue
            text, num = _cell_text(v)
            if num:
                numeric.setdefault(j, set()).add(i)
            cells.append(text)
        records.append(cells)
    # python-calamine reads error cells (#N/A, #REF!) as empty: put their codes back so the
    # loader's "Excel error value" rule sees them
    for r, c, code in _xlsx_error_cells(path, name) or _xls_error_cells(path, name):
        while len(records) <= r:
            records.append([])
        records[r] += [""] * (c + 1 - len(records[r]))
        records[r][c] = code
    width = max((len(r) for r in records), default=0)
    # a workbook has no "truncated rows": short rows are empty trailing cells
    records = [r + [""] * (width - len(r)) for r in records]
    return records, numeric


_XML_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_XML_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_XML_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _xls_error_cells(path: Path, sheet: str) -> list[tuple[int, int, str]]:
    """(0-based row, 0-based column, code) of the error cells of ``sheet`` in an old binary
    .xls workbook (BIFF, Excel 97-2003), read with xlrd; empty for other formats."""
    import xlrd

    with open(path, "rb") as fh:
        if fh.read(8) != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2, the .xls container
            return []
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except xlrd.XLRDError:  # pragma: no cover - calamine read it; xlrd should too
        return []
    try:
        ws = book.sheet_by_name(sheet)
        return [
            (r, c, xlrd.error_text_from_code.get(ws.cell_value(r, c), "#ERROR"))
            for r in range(ws.nrows)
            for c in range(ws.ncols)
            if ws.cell_type(r, c) == xlrd.XL_CELL_ERROR
        ]
    finally:
        book.release_resources()


def _xlsx_error_cells(path: Path, sheet: str) -> list[tuple[int, int, str]]:
    """(0-based row, 0-based column, code) of the error cells of ``sheet`` in an Office Open
    XML workbook; empty for other formats (.xls: :func:`_xls_error_cells`)."""
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    if not zipfile.is_zipfile(path):
        return []
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        rid = next(
            (
                el.get(f"{{{ns['r']}}}id")
                for el in book.iterfind("m:sheets/m:sheet", ns)
                if el.get("name") == sheet
            ),
            None,
        )
        target = next((el.get("Target") for el in rels if el.get("Id") == rid), None)
        if target is None:
            return []
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        xml = z.read(posixpath.normpath(part))
    if b't="e"' not in xml:
        return []
    out = []
    for m in _XML_ERROR_CELL.finditer(xml):
        ref, value = _XML_REF.search(m.group(1)), _XML_VALUE.search(m.group(2))
        if ref is None or value is None:
            continue
        col = 0
        for ch in ref.group(1).decode():
            col = col * 26 + ord(ch) - 64
        out.append((int(ref.group(2)) - 1, col - 1, value.group(1).decode()))
    return out


def read_spreadsheet(
    path: str | Path,
    *,
    table: str,
    header_map: str | Path | Mapping | None = None,
    sheet: str | None = None,
    tz: str = DEFAULT_TZ,
) -> Adapted:
    """One spreadsheet export (``.xlsx``, ``.xlsm``, ``.xls``, ``.csv``, ``.csv.gz``,
    ``.txt``) → one table.

    Returns an :class:`~analysis.data.adapters.Adapted` holding the table with canonical column
    names (cells as text; the time column parsed, naive times read in ``tz``), the ledger of
    the read (encoding, title, blank, total and repeated header rows, header mapping,
    number-typed id cells), and the file's row numbers for later errors. ``sheet`` names the
    workbook sheet to read (default: the first worksheet).
    """
    if table not in SCHEMAS:
        raise ValueError(f"table must be one of {list(SCHEMAS)}, got {table!r}")
    path = Path(path)
    hmap = _header_map_arg(header_map)
    name = path.name.lower()
    numeric: dict[int, set[int]] = {}
    if name.endswith(WORKBOOK_SUFFIXES):
        records, numeric = _read_workbook(path, sheet)
        if not any(any(c.strip() for c in r) for r in records):
            raise DataError(str(path), None, "the sheet is empty (no header row)")
        df, src = records_frame(records, str(path))
        encoding = name.rsplit(".", 1)[1]
    else:
        text, encoding = decode_bytes(read_bytes(path), str(path))
        df, src = parse_csv_text(text, str(path))
    ledger = Ledger()
    n_records = src.records if src.records is not None else len(df)
    detail = f"{path} (encoding {encoding}" + (
        f", delimiter {src.delimiter!r})" if src.delimiter not in (None, ",") else ")"
    )
    ledger.add(table, "spreadsheet: read", rows_in=n_records, rows_out=n_records, detail=detail)
    if encoding in TRANSCODED:
        step, why = TRANSCODED[encoding]
        ledger.add(
            table,
            f"spreadsheet: {step}",
            rows_in=n_records,
            rows_out=n_records,
            repaired=n_records,
            detail=why,
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
        header_cells = records[src.header_row or 0]
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
