"""The data layer: reading, cleaning, validating and loading the canonical tables (contacts,
events, orders), from canonical files or from raw exports (:mod:`analysis.data.adapters`).

Modules: :mod:`~analysis.data.schema` (the canonical columns), :mod:`~analysis.data.vocab`
(the event vocabulary), :mod:`~analysis.data.errors` (``DataError``, the row ``Ledger``),
:mod:`~analysis.data.read` (files to text tables), :mod:`~analysis.data.clean` (one table's
columns), :mod:`~analysis.data.validate` (checks across tables), :mod:`~analysis.data.load`
(``load_tables``, the one entry point).

``load_tables(folder)`` reads ``contacts``, ``events`` and ``orders`` from a folder (each as
``.csv``, ``.csv.gz`` or ``.parquet``; workbooks and ``.txt`` through
:func:`analysis.data.adapters.read_spreadsheet`, with the same rules), checks them against
:mod:`analysis.data.schema` and the event vocabulary, and returns them with a **row
ledger**: for every cleaning step, how many rows came in, how many were kept, dropped or
repaired, and why. Nothing is dropped silently.

Bad input raises :class:`DataError`, whose message names the file, the column, the first
rows (spreadsheet row numbers for CSV: the header is row 1) and example values.

What is an error and what is a counted repair (the broken-input corpus in
``tests/fixtures/broken/cases.yaml`` exercises every line):

=====================================================  ===========================================
problem                                                outcome
=====================================================  ===========================================
file missing / empty (0 bytes) / no header row         error
binary file (xlsx/zip or old .xls renamed .csv, NUL    error (read workbooks with
bytes)                                                 ``analysis.data.adapters.read_spreadsheet``)
``.xlsx`` / ``.xlsm`` / old binary ``.xls`` workbook   read by ``read_spreadsheet`` (calamine;
                                                       the format is read from the bytes, so a
                                                       workbook under the other name reads too);
                                                       error cells (``#N/A``) in ``.xlsx`` are kept
                                                       as text and are errors below (in ``.xls``
                                                       they cannot be told from empty cells)
HTML or text saved under an ``.xls`` name              error (save it as ``.xlsx`` or CSV)
truncated or corrupt gzip                              error
UTF-16 text with a byte-order mark (Excel "Unicode     decoded; recorded in the ``read`` detail and
text", tab-separated ``.txt`` or ``.csv``)             a ``decoded as utf-16 (Excel 'Unicode
                                                       text')`` step counting every row as repaired
UTF-16 that cannot be decoded (cut off), or UTF-16     error
without a byte-order mark (NUL bytes)
not UTF-8 (with or without BOM)                        decoded as GB18030 (a superset of GBK, what
                                                       Chinese Excel saves); the encoding is
                                                       recorded in the ledger (``read`` detail and
                                                       a ``decoded as gb18030`` step counting every
                                                       row as repaired)
neither UTF-8 nor GB18030                              error
delimiter ``;`` or tab instead of ``,``                detected from the first line that has one;
                                                       recorded in the ``read`` detail
title rows above the header (a report title,           dropped and counted: ``title rows above the
``导出时间：2026-03-01``, ``导出人：张三``; rows      header dropped`` (detail: their rows and the
with at most one non-empty cell or only ``label：``     first title); at most 10; the header is the
cells)                                                 first row that is not a title row
total rows (``合计``/``总计``/``小计``/``Total``    dropped and counted wherever they appear:
opening the first non-empty cell)                      ``total rows dropped (合计)`` (detail:
                                                       ``total row (合计) at row 7``)
duplicate or empty column names in the header          error (an empty-named column whose cells are
                                                       all empty is ignored)
row with more fields than the header (stray            error (rows named); extra fields that are all
delimiter, unquoted comma, stray quote)                empty are trimmed: counted repair
row with fewer fields than the header (truncated)      error
unbalanced quote swallowing the rest of the file       error
blank rows (empty lines, Excel's ``,,,,`` rows)        dropped and counted
the header row repeated inside the data (files         dropped and counted (CSV and workbooks)
concatenated)
missing required column                                error
Excel error cells (``#N/A``, ``#VALUE!``, ``#REF!``)   error
missing id, unparseable timestamp, unparseable number  error
null spellings (``空``, ``无``, ``NULL``, ``null``,      optional columns (``value``,
``NaN``, ``N/A``, ``—``, ``-`` ...; ``analysis.data.   ``refund_amount``, ``referrer_id``,
cells.NULL_SPELLINGS``)                                ``context``, ``channel``/``hook`` → unknown):
                                                       missing, counted (``<col>: null spellings
                                                       read as missing``); required columns: the
                                                       ``missing id/number/timestamp`` error
full-width digits ``０-９`` and ``．－，：／＋`` in            normalised to ASCII: counted repair
numbers and timestamps                                 (``<col>: full-width digits normalised``)
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
year-first dates ``2026/3/1``, ``2026.3.1``,           read as ISO: counted repair (``<col>:
``2026-3-1``, ``2026年3月1日 10时5分``                      year-first dates (2026/3/1, 2026.3.1,
                                                       2026年3月1日) read as ISO``)
other unambiguous layouts (``25/12/2025``, month       read: counted repair (``<col>: timestamps
names)                                                 in other layouts read``)
a two-digit year (``26/3/1``)                          error
partial dates (``2025``, ``2025-01``, ``Jan 2025``,    error (nothing is filled in from January 1
a time alone ``10:00``, ``20250106``)                  or from today)
dates before 2000-01-01 or from 2100-01-01 on          error (placeholders such as 1900-01-00,
                                                       1970-01-01, 9999-12-31)
currency marks (``¥ ￥ 元 RMB CNY``) and thousands       removed: counted repair (``<col>: currency
separators (``1,234.50``) in numbers                   symbols / thousands separators removed``)
a comma that is not a thousands separator              error (a decimal comma? ``12,50`` is not
(``12,50``, ``1,2,3``)                                 1250)
other units (``$80``, ``1.5万``)                        error (not a number)
amount above ``MAX_AMOUNT`` (1e8 CNY) or not finite    error
duplicate id with identical rows                       repair: duplicate rows dropped (two refund
                                                       rows identical in every column are one row
                                                       exported twice)
duplicate id with different content                    error (orders: a second purchase row, neither
                                                       row a refund; the hint says how refund rows
                                                       must look)
refunds as rows of their own: the order id again with  folded into their order: counted repair
a negative amount, or (an id on several rows) rows     (``refund rows folded into their orders``:
flagged ``is_refund`` (是, 1, true, 退款, 退款成功...)  dropped = refund rows, repaired = orders
beside one unflagged purchase row                      changed); ``amount`` = the purchase,
                                                       ``refund_amount`` = the sum of the refunds
                                                       (a refund row's ``refund_amount``, else
                                                       its absolute amount), ``is_refund`` = that
                                                       sum > 0, ``refunded_at`` = the first
                                                       refund's time (its ``refunded_at``, else
                                                       its ``ordered_at``)
refund row with no purchase row (a lone negative       error (names the order id)
amount included)
refund row of another user than its order              error
refund row dated before its order                      error
refund both on the order's row (``refund_amount``) and error
as refund rows
refunds adding up to more than the order's amount      error (rows of the order and its refunds)
refund_amount above amount, or refund_amount < 0       error
flag cells (``is_refund``): true/false, 1/0, yes/no,   read as the flag; any other value (待付款,
是/否, and order statuses 退款, 退款成功, 已退款,       已取消, 交易关闭: not purchases) is an
部分退款 / 已完成, 交易成功, 支付, 已支付 ...           error
(``analysis.data.schema.FLAG_TRUE`` / ``FLAG_FALSE``)
unknown event type                                     error (or mapped via vocabulary ``aliases``:
                                                       counted repair)
events / orders of users not in contacts               error, or with ``drop_orphans=True`` dropped
                                                       and counted
events before the user joined (types not marked        error, or with ``drop_before_join=True``
``pre_join`` in the vocabulary)                        dropped and counted
rows after ``observed_until`` (future dates)           dropped and counted (outside the analysis;
                                                       orders by ``ordered_at``, after refund rows
                                                       are folded)
=====================================================  ===========================================

Ledger semantics: every step records the rows it was given (``rows_in``), the rows it
actually returned (``kept``, counted from the frame it returns, not derived), the rows it
``dropped`` (by reason: one step per reason) and ``repaired`` (rows changed in place, still
kept). :meth:`Ledger.add <analysis.data.errors.Ledger.add>` refuses a step whose numbers
disagree (``rows_in - dropped != kept``) with a
:class:`~analysis.data.errors.LedgerError` naming the step (a bug in the kit, not bad data),
and after validation every table's steps must chain (each starts from the rows the step
before it returned). For each table the ``read`` step's ``rows_in`` is the number of data
records in the file, and ``read.rows_in - sum(dropped) = final rows``.
"""
