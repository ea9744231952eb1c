"""The data layer: reading, cleaning, validating and loading the canonical tables (contacts,
events, orders), from canonical files or from raw exports (:mod:`analysis.data.adapters`).

Modules: :mod:`~analysis.data.schema` (the canonical columns), :mod:`~analysis.data.vocab`
(the event vocabulary), :mod:`~analysis.data.errors` (``DataError``, the row ``Ledger``),
:mod:`~analysis.data.read` (files to text tables), :mod:`~analysis.data.clean` (one table's
columns), :mod:`~analysis.data.validate` (checks across tables), :mod:`~analysis.data.load`
(``load_tables``, the one entry point).

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
