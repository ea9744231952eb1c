"""Repairs of one cell's text, defined once for every path (canonical CSV through
:func:`analysis.data.load.load_tables`, spreadsheets through the adapters): null spellings,
full-width characters, money formatting, year-first date layouts.

Each function takes a column of stripped strings and returns the repaired column and a mask of
the cells it changed; :mod:`analysis.data.clean` counts those in the ledger and raises for what
is still wrong. None of them raises or drops a row.
"""

from __future__ import annotations

import pandas as pd

#: Cell texts that mean "no value" (compared after stripping spaces). In optional columns
#: they become missing (counted); in required columns they are a "missing ..." error.
NULL_SPELLINGS = (
    "空",
    "无",
    "NULL",
    "Null",
    "null",
    "NaN",
    "nan",
    "NAN",
    "N/A",
    "n/a",
    "—",
    "——",
    "–",
    "-",
    "--",
)

_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "．": ".",
    "－": "-",
    "，": ",",
    "：": ":",
    "／": "/",
    "＋": "+",
    "\u3000": " ",
}

_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)

_FULLWIDTH_RE = "[" + "".join(_FULLWIDTH) + "]"

#: Currency marks removed from amounts (the kit's amounts are CNY).
CURRENCY_MARKS = ("¥", "￥", "元", "RMB", "CNY", "rmb", "cny")

_THOUSANDS_RE = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"

#: Year first, then month and day, separated by ``/``, ``.``, ``-`` or written 年 月 日:
#: unambiguous, rewritten as ISO ``YYYY-MM-DD``.
YMD_RE = r"^(\d{4})\s*(?:[/.-]|年)\s*(\d{1,2})\s*(?:[/.-]|月)\s*(\d{1,2})(?:\s*日)?(?=$|[\sT\d])"


#: The other layouts the lenient parser may read (full dates only, so nothing is filled in from
#: today): day-first ``25/12/2025`` (ambiguous ones are an error before) and month names
#: (``6 Jan 2025``, ``Jan 6, 2025``); any time of day may follow.
OTHER_LAYOUT_RE = (
    r"^(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4})(?:$|[\sT,])"
)

#: A date whose year has two digits (``26/3/1``): 2026-03-01 or 2001-03-26? An error.
TWO_DIGIT_YEAR_RE = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{1,2}(?!\d)"

_HMS_RE = r"^(\d{4}-\d{2}-\d{2})([ T])(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?=$|[.+\-Z\s])"


def _pad_time(m) -> str:
    sec = f":{int(m.group(5)):02d}" if m.group(5) is not None else ""
    return f"{m.group(1)}{m.group(2)}{int(m.group(3)):02d}:{int(m.group(4)):02d}{sec}"


def null_spelling(text: pd.Series) -> pd.Series:
    """True where the cell spells "no value" (:data:`NULL_SPELLINGS`)."""
    return text.isin(NULL_SPELLINGS).fillna(False).astype(bool)


def fullwidth(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Full-width digits ``０-９`` and ``．－，：／＋`` (and the ideographic space) → ASCII."""
    has = text.str.contains(_FULLWIDTH_RE, regex=True).fillna(False).astype(bool)
    if not bool(has.any()):
        return text, has
    return text.where(~has, text.str.translate(_FULLWIDTH_TABLE)), has


def money(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Currency marks (:data:`CURRENCY_MARKS`) and thousands separators removed.

    Returns ``(text, marks, thousands, bad_comma)``: the cells that had a currency mark, had
    well-placed thousands separators (``1,234,567.5``), and had a comma that is not one
    (``12,50``: a decimal comma? — left in place for the caller to reject).
    """
    out = text
    marks = pd.Series(False, index=text.index)
    for m in CURRENCY_MARKS:
        has = out.str.contains(m, regex=False).fillna(False).astype(bool)
        if bool(has.any()):
            marks |= has
            out = out.str.replace(m, "", regex=False)
    out = out.str.replace(r"^([+-]?)\s+", r"\1", regex=True).str.strip()
    comma = out.str.contains(",", regex=False).fillna(False).astype(bool)
    thousands = comma & out.str.match(_THOUSANDS_RE).fillna(False).astype(bool)
    out = out.where(~thousands, out.str.replace(",", "", regex=False))
    return out, marks, thousands, comma & ~thousands


_BRACKETED_RE = r"^[(（]\s*([^()（）]*?)\s*[)）]$"
_WAN_RE = r"^([+-]?\d+(?:\.\d+)?)\s*万$"


def bracketed_negatives(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Accounting negatives, ``(120.00)`` / ``（¥1,234.50）`` → ``-120.00`` / ``-¥1,234.50``
    (the brackets of finance exports for a refund or a credit); the mask marks them."""
    hit = text.str.match(_BRACKETED_RE).fillna(False).astype(bool)
    if not bool(hit.any()):
        return text, hit
    inner = text[hit].str.replace(_BRACKETED_RE, r"\1", regex=True)
    return text.where(~hit, "-" + inner.str.lstrip("+")), hit


def ten_thousands(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts written in 万 (ten thousand), ``1.2万`` → ``1.2`` with the mask of the cells to
    multiply by 10,000 (after the currency marks are removed, so ``1.2万元`` is one too)."""
    hit = text.str.match(_WAN_RE).fillna(False).astype(bool)
    if not bool(hit.any()):
        return text, hit
    return text.where(~hit, text.str.replace(_WAN_RE, r"\1", regex=True)), hit


def ymd_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``2026/3/1``, ``2026.3.1``, ``2026-3-1``, ``2026年3月1日`` (and ``10时5分``) → ISO
    ``2026-03-01 10:05``; the mask marks the cells rewritten."""
    hit = text.str.match(YMD_RE).fillna(False).astype(bool)
    if not bool(hit.any()):
        return text, hit
    sub = text[hit].str.replace(
        YMD_RE,
        lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d} ",
        regex=True,
    )
    zh = sub.str.contains("[时分秒]", regex=True)
    if bool(zh.any()):
        sub = sub.where(
            ~zh,
            sub.str.replace("时", ":", regex=False)
            .str.replace("分", ":", regex=False)
            .str.replace("秒", "", regex=False)
            .str.rstrip(":"),
        )
    sub = sub.str.replace(r"\s+", " ", regex=True).str.strip().str.replace(" T", "T", regex=False)
    sub = sub.str.replace(_HMS_RE, _pad_time, regex=True)
    out = text.copy()
    out[hit] = sub
    return out, hit & (out != text)


def other_layouts(text: pd.Series) -> pd.Series:
    """Cells in :data:`OTHER_LAYOUT_RE` parsed leniently (naive times); the rest, and failures,
    NaT."""
    import warnings

    text = text.where(text.str.match(OTHER_LAYOUT_RE).fillna(False).astype(bool))
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
