"""What bad input produces: :class:`DataError` (names file, column, rows, examples), the
row :class:`Ledger` every cleaning step writes to, and :class:`Source` (where rows came from,
so errors can name the source file's own row numbers).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MAX_SHOWN = 5

#: Encodings read although they are not UTF-8: decoding is a counted repair of every row,
#: recorded as this ledger step (and in the ``read`` step's detail).
TRANSCODED = {
    "gb18030": (
        "decoded as gb18030 (not UTF-8)",
        "Excel's default for Chinese Windows; every row transcoded",
    ),
    "utf-16": (
        "decoded as utf-16 (Excel 'Unicode text')",
        "UTF-16 with a byte-order mark, what Excel saves as 'Unicode text'; every row transcoded",
    ),
}


class DataError(ValueError):
    """Bad input data. The message names file, column, rows and example values."""

    def __init__(
        self,
        file: str,
        column: str | None,
        problem: str,
        *,
        rows: list[int] | None = None,
        n_rows: int | None = None,
        examples: list[Any] | None = None,
        hint: str | None = None,
    ):
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


class DataErrors(DataError):
    """Several independent problems found in one pass (``check`` lists them all rather than
    stopping at the first); ``errors`` holds each :class:`DataError`, in the order found."""

    def __init__(self, errors: list[DataError]):
        self.errors = list(errors)
        first = self.errors[0]
        files = list(dict.fromkeys(e.file for e in self.errors))
        self.file, self.column, self.problem = ", ".join(files), first.column, first.problem
        self.rows, self.n_rows, self.examples, self.hint = (
            first.rows,
            first.n_rows,
            first.examples,
            first.hint,
        )
        listed = "\n".join(f"  {i}. {e}" for i, e in enumerate(self.errors, 1))
        ValueError.__init__(self, f"{self.file}: {len(self.errors)} problems:\n{listed}")


class Problems:
    """Collects the :class:`DataError` of independent checks (one column's parse, one table's
    cleaning) so that one pass reports every problem; :meth:`raise_any` raises the one found,
    or :class:`DataErrors` for several."""

    def __init__(self):
        self.errors: list[DataError] = []

    def attempt(self, fn, *args, fallback=None, **kwargs):
        """``fn(*args, **kwargs)``, or ``fallback`` after recording its DataError."""
        try:
            return fn(*args, **kwargs)
        except DataErrors as exc:
            self.errors.extend(exc.errors)
        except DataError as exc:
            self.errors.append(exc)
        return fallback

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise DataErrors(self.errors)


class TooLittleData(ValueError):
    """The data is valid but too short or too small for an analysis (a label window past its
    end, no user in a population, a single outcome class). A report that stops on it is listed
    on the index as skipped, with this message as the reason, not as failed."""


class LedgerError(RuntimeError):
    """A cleaning step's own row accounting does not add up: a bug in the kit, not bad data.

    Raised by :meth:`Ledger.add` (``rows_in - dropped != rows_out``, negative counts, more rows
    repaired than returned) and :meth:`Ledger.check_chain` (a step did not start from the rows
    the previous step returned: rows were lost between steps without being counted)."""


@dataclass
class Ledger:
    """Row accounting for every cleaning step.

    Each step records what it was given (``rows_in``), what it actually returned
    (``rows_out``, counted from the frame it returns) and why the difference is what it is
    (``dropped``, by reason; ``repaired``: rows changed in place, still returned). The ledger
    refuses an entry whose numbers disagree (``rows_in - dropped != rows_out``) with a
    :class:`LedgerError` naming the step; in the frame, ``kept`` is ``rows_out``.
    """

    entries: list[dict] = field(default_factory=list)

    def add(
        self,
        table: str,
        step: str,
        *,
        rows_in: int,
        rows_out: int,
        dropped: int = 0,
        repaired: int = 0,
        detail: str = "",
    ) -> None:
        rows_in, rows_out, dropped, repaired = (
            int(rows_in),
            int(rows_out),
            int(dropped),
            int(repaired),
        )
        problem = None
        if min(rows_in, rows_out, dropped, repaired) < 0:
            problem = "negative count"
        elif rows_in - dropped != rows_out:
            problem = (
                f"rows_in {rows_in} - dropped {dropped} = {rows_in - dropped}, but the step "
                f"returned {rows_out} rows"
            )
        elif repaired > rows_out:
            problem = f"{repaired} rows repaired but only {rows_out} returned"
        if problem is not None:
            raise LedgerError(
                f"ledger does not balance at table {table!r}, step {step!r}: {problem} "
                f"(rows_in={rows_in}, rows_out={rows_out}, dropped={dropped}, "
                f"repaired={repaired})"
            )
        self.entries.append(
            {
                "table": table,
                "step": step,
                "rows_in": rows_in,
                "kept": rows_out,
                "dropped": dropped,
                "repaired": repaired,
                "detail": detail,
            }
        )

    def drop(self, df: pd.DataFrame, table: str, step: str, bad, *, detail: str = ""):
        """``df`` without the rows where ``bad`` is true, the drop recorded as ``step`` (the
        rows returned are counted from the frame returned)."""
        bad = np.asarray(bad, dtype=bool)
        kept = df.loc[~bad]
        self.add(
            table,
            step,
            rows_in=len(df),
            rows_out=len(kept),
            dropped=int(bad.sum()),
            detail=detail,
        )
        return kept

    def check_chain(self, table: str, *, start: str = "read") -> None:
        """From ``table``'s last ``start`` step on, each step must begin with the rows the
        previous step returned (rows lost between steps were not counted by anyone)."""
        mine = [e for e in self.entries if e["table"] == table]
        starts = [i for i, e in enumerate(mine) if e["step"] == start]
        if not starts:
            return
        chain = mine[starts[-1] :]
        for prev, cur in zip(chain, chain[1:]):
            if cur["rows_in"] != prev["kept"]:
                raise LedgerError(
                    f"ledger does not chain at table {table!r}, step {cur['step']!r}: it "
                    f"starts from {cur['rows_in']} rows, but the step before it "
                    f"({prev['step']!r}) returned {prev['kept']}"
                )

    def to_frame(self) -> pd.DataFrame:
        cols = ["table", "step", "rows_in", "kept", "dropped", "repaired", "detail"]
        return pd.DataFrame(self.entries, columns=cols)


@dataclass
class Source:
    """Where a frame came from, to name it in errors, and what reading it already did."""

    file: str
    row_offset: int  # add to a 0-based position to get the row number shown to users
    row_numbers: np.ndarray | None = None  # exact row number of each position (CSV files)
    encoding: str | None = None
    delimiter: str | None = None
    records: int | None = None  # data records in the file before read-level drops
    header_row: int | None = None  # 0-based index of the header among the file's records
    notes: list[dict] = field(default_factory=list)  # read-level ledger steps
    #: where each position came from, as ``file:record`` (tables merged from several files)
    row_labels: np.ndarray | None = None

    def rows(self, index: pd.Index) -> list[int] | list[str]:
        pos = [int(i) for i in index[:MAX_SHOWN]]
        if self.row_labels is not None:
            return [str(self.row_labels[i]) for i in pos]
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
        records = self.records if self.records is not None else n
        ledger.add(table, "read", rows_in=records, rows_out=records, detail=detail)
        if self.encoding in TRANSCODED:
            step, why = TRANSCODED[self.encoding]
            ledger.add(table, step, rows_in=records, rows_out=records, repaired=records, detail=why)
        for note in self.notes:
            ledger.add(
                table,
                note["step"],
                rows_in=note["rows_in"],
                rows_out=note["rows_out"],
                dropped=note.get("dropped", 0),
                repaired=note.get("repaired", 0),
                detail=note.get("detail", ""),
            )


def relative_ledger(ledger: pd.DataFrame, folder: str | Path) -> pd.DataFrame:
    """A copy of a row ledger whose ``detail`` names files relative to the data ``folder``
    (``contacts.csv (encoding utf-8)``), not by their absolute local path."""
    prefixes = {f"{Path(folder)}{os.sep}", f"{Path(folder).resolve()}{os.sep}"}
    detail = ledger["detail"].astype(str)
    for prefix in sorted(prefixes, key=len, reverse=True):
        detail = detail.str.replace(prefix, "", regex=False)
    return ledger.assign(detail=detail)
