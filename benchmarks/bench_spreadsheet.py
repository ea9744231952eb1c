"""Benchmark: reading an order workbook (.xlsx) with openpyxl (the reader before) and with
python-calamine (the reader now), on the same generated files.

Run: .venv/bin/python benchmarks/bench_spreadsheet.py [--rows 20000 200000] [--repeats 3]

For each size an ``orders.xlsx`` is written once (``analysis.simulate.raw_exports.
write_orders_xlsx``: Chinese headers, ids as text, date cells; not timed). Then, in one run,
each reader is timed ``repeats`` times and the median reported:

* ``cells``: the workbook's cells as text records (openpyxl ``read_only`` + ``values_only``,
  as ``read_spreadsheet`` did before; python-calamine plus the scan for error cells, as it
  does now) — the two must give identical records;
* ``read_spreadsheet``: the whole adapter (cells, layout checks, header map, times parsed),
  with each reader plugged in.

The speed-up is openpyxl's median over calamine's. Prints the figures and writes
benchmarks/results/spreadsheet.json.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import machine, write_results

import analysis.data.adapters.spreadsheet as sheet_mod
from analysis.data.adapters import read_spreadsheet
from analysis.simulate.raw_exports import write_orders_xlsx


def openpyxl_records(path: Path, sheet: str | None = None):
    """The reader before python-calamine (openpyxl, values only), kept here to compare."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        records, numeric = [], {}
        for i, row in enumerate(ws.iter_rows(min_row=1, values_only=True)):
            cells = []
            for j, v in enumerate(row):
                text, num = sheet_mod._cell_text(v)
                if num:
                    numeric.setdefault(j, set()).add(i)
                cells.append(text)
            records.append(cells)
    finally:
        wb.close()
    width = max((len(r) for r in records), default=0)
    return [r + [""] * (width - len(r)) for r in records], numeric


READERS = {"openpyxl": openpyxl_records, "calamine": sheet_mod._read_workbook}


def orders_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-01-01", tz="Asia/Shanghai")
    secs = np.sort(rng.integers(0, 540 * 86400, n))
    refund = rng.random(n) < 0.05
    amount = np.round(rng.gamma(2.0, 80.0, n), 2)
    return pd.DataFrame(
        {
            "order_id": [f"o{i:09d}" for i in range(n)],
            "user_id": [f"u{u:07d}" for u in rng.integers(0, n // 3 + 1, n)],
            "ordered_at": start + pd.to_timedelta(secs, unit="s"),
            "amount": amount,
            "is_refund": refund,
            "refund_amount": np.where(refund, amount, 0.0),
        }
    )


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def run(n: int, repeats: int, folder: Path) -> dict:
    path = folder / f"orders_{n}.xlsx"
    write_orders_xlsx(orders_frame(n), path)
    row = {"rows": n, "file_mb": round(path.stat().st_size / 2**20, 2)}
    records = {}
    for name, reader in READERS.items():
        read = functools.partial(reader, path, None)
        row[f"{name}_cells_s"], records[name] = median_time(read, repeats)
    assert records["openpyxl"] == records["calamine"], "the readers disagree"
    tables = {}
    for name, reader in READERS.items():
        sheet_mod._read_workbook = reader
        try:
            row[f"{name}_read_spreadsheet_s"], tables[name] = median_time(
                lambda: read_spreadsheet(path, table="orders").orders, repeats
            )
        finally:
            sheet_mod._read_workbook = READERS["calamine"]
    pd.testing.assert_frame_equal(tables["openpyxl"], tables["calamine"])
    for k in ("cells", "read_spreadsheet"):
        row[f"{k}_speedup"] = round(row[f"openpyxl_{k}_s"] / row[f"calamine_{k}_s"], 1)
        for name in READERS:
            row[f"{name}_{k}_s"] = round(row[f"{name}_{k}_s"], 3)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="*", default=[20_000, 200_000])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm.xlsx"  # imports and first calls, not timed
        write_orders_xlsx(orders_frame(100), warm)
        for reader in READERS.values():
            reader(warm, None)
        for n in args.rows:
            r = run(n, args.repeats, Path(tmp))
            rows.append(r)
            print(
                f"{r['rows']:>8,} rows ({r['file_mb']} MB): cells openpyxl "
                f"{r['openpyxl_cells_s']:.2f} s, calamine {r['calamine_cells_s']:.2f} s "
                f"(x{r['cells_speedup']}); read_spreadsheet openpyxl "
                f"{r['openpyxl_read_spreadsheet_s']:.2f} s, calamine "
                f"{r['calamine_read_spreadsheet_s']:.2f} s (x{r['read_spreadsheet_speedup']})"
            )
    write_results(
        "spreadsheet",
        {
            "benchmark": "spreadsheet",
            "statistic": f"median of {args.repeats}",
            "machine": machine(),
            "runs": rows,
        },
    )


if __name__ == "__main__":
    main()
