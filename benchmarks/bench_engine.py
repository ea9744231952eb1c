"""Benchmark: value_evidence + retention_labels (+ the transaction summary) on pandas vs DuckDB.

Run: .venv/bin/python benchmarks/bench_engine.py [--users 100000 1000000] [--repeats 3]
     [--memory-limit 2GB] [--root /tmp]
Simulated data are written once as Parquet to ``<root>/sim100k``, ``<root>/sim1m`` (made with
``python -m analysis simulate --format parquet`` when missing; not timed). Each engine × size
runs in a fresh subprocess so its peak resident memory (ru_maxrss) is its own:

* pandas: ``load_tables(folder)`` (timed separately: reading + validation), then the two
  functions on the frames;
* duckdb: ``DuckTables.from_folder(folder, memory_limit=..., threads=2)``, then the two
  functions with ``engine="duckdb"`` (each query scans the Parquet files; nothing is loaded
  into pandas but the per-user results).

Aggregations are timed ``repeats`` times; the median is reported ("both" = value_evidence +
retention_labels; summarize_transactions, on the purchases, is reported on its own). The
results of both engines are compared (float sums to rtol 1e-12). One more DuckDB run per size
uses a small ``--low-memory-limit`` to show the out-of-core path (spilling to disk). Prints
the figures and writes benchmarks/results/engine.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

AS_OF = "2026-01-01"
CHILD = r"""
import json, resource, statistics, sys, time
import pandas as pd
engine, folder, repeats, mem, out, as_of = sys.argv[1:7]
repeats = int(repeats)
from analysis.aggregate.labels import retention_labels
from analysis.aggregate.values import value_evidence
from analysis.aggregate.transactions import purchases_from_orders, summarize_transactions
def rss():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
t = time.perf_counter()
if engine == "pandas":
    from analysis.io import load_tables
    tabs = load_tables(folder)
    c, e, o, users, kw = tabs.contacts, tabs.events, tabs.orders, tabs.contacts["user_id"], {}
else:
    from analysis.engine import DuckTables
    tabs = DuckTables.from_folder(folder, memory_limit=mem, threads=2)
    c, e, o, users = tabs.contacts, tabs.events, tabs.orders, tabs.contacts
    kw = {"engine": "duckdb"}
load_s = time.perf_counter() - t
rss_load = rss()
times = {"value_evidence": [], "retention_labels": [], "summarize_transactions": []}
for _ in range(repeats):
    t = time.perf_counter()
    ve = value_evidence(e, o, as_of=as_of, lookback_days=180, half_life_days=90, users=users, **kw)
    times["value_evidence"].append(time.perf_counter() - t)
    t = time.perf_counter()
    lab = retention_labels(c, e, o, cutoff=as_of, horizon_days=90, lost_after_days=90, **kw)
    times["retention_labels"].append(time.perf_counter() - t)
    t = time.perf_counter()
    buys = tabs.purchases if engine == "duckdb" else purchases_from_orders(o)
    rfm = summarize_transactions(buys, customer_col="user_id", time_col="ordered_at",
                                 amount_col="net_amount", observation_end=as_of, **kw)
    times["summarize_transactions"].append(time.perf_counter() - t)
ve.to_parquet(out + "-values.parquet")
lab.to_parquet(out + "-labels.parquet")
rfm.to_parquet(out + "-rfm.parquet")
med = {k: statistics.median(v) for k, v in times.items()}
print(json.dumps({"engine": engine, "load_s": round(load_s, 2), "rss_mb_after_load": rss_load,
                  "value_evidence_median_s": round(med["value_evidence"], 2),
                  "retention_labels_median_s": round(med["retention_labels"], 2),
                  "summarize_transactions_median_s": round(med["summarize_transactions"], 2),
                  "both_median_s": round(med["value_evidence"] + med["retention_labels"], 2),
                  "runs_s": {k: [round(x, 2) for x in v] for k, v in times.items()},
                  "peak_rss_mb": rss(), "users_out": len(ve), "population": len(lab),
                  "retained_share": round(float(lab["retained"].mean()), 4)}))
"""


def label(n: int) -> str:
    return f"sim{n // 1_000_000}m" if n % 1_000_000 == 0 else f"sim{n // 1000}k"


def ensure_data(root: Path, n: int) -> Path:
    folder = root / label(n)
    if not (folder / "events.parquet").is_file():
        subprocess.run([sys.executable, "-m", "analysis", "simulate", "--users", str(n),
                        "--format", "parquet", "--out", str(folder), "--quiet"], check=True)
    return folder


def run(engine: str, folder: Path, repeats: int, mem: str, out: str) -> dict:
    res = subprocess.run([sys.executable, "-c", CHILD, engine, str(folder), str(repeats), mem,
                          out, AS_OF], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def same_results(out_pd: str, out_db: str) -> bool:
    import pandas as pd

    for part in ("values", "labels", "rfm"):
        a = pd.read_parquet(f"{out_pd}-{part}.parquet")
        b = pd.read_parquet(f"{out_db}-{part}.parquet")
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=0)
    return True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--memory-limit", default="2GB", help="DuckDB memory_limit")
    ap.add_argument("--root", default=tempfile.gettempdir(), help="where the Parquet data go")
    ap.add_argument("--low-memory-limit", default="500MB",
                    help="one more DuckDB run per size with this memory_limit ('' to skip)")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.users:
            folder = ensure_data(Path(args.root), n)
            sizes = {p.stem: round(p.stat().st_size / 2**20, 1)
                     for p in sorted(folder.glob("*.parquet"))}
            r = {"users_requested": n, "folder": str(folder), "parquet_mb": sizes,
                 "duckdb_memory_limit": args.memory_limit, "threads": 2,
                 "repeats": args.repeats}
            for engine in ("pandas", "duckdb"):
                r[engine] = run(engine, folder, args.repeats, args.memory_limit,
                                f"{tmp}/{engine}-{n}")
            r["identical_results"] = same_results(f"{tmp}/pandas-{n}", f"{tmp}/duckdb-{n}")
            if args.low_memory_limit:
                r["duckdb_low_memory"] = run("duckdb", folder, 1, args.low_memory_limit,
                                             f"{tmp}/duckdb-low-{n}")
                r["duckdb_low_memory"]["memory_limit"] = args.low_memory_limit
                r["duckdb_low_memory"]["identical_results"] = same_results(
                    f"{tmp}/pandas-{n}", f"{tmp}/duckdb-low-{n}")
            p, d = r["pandas"], r["duckdb"]
            r["ratio_time_pandas_over_duckdb"] = round(p["both_median_s"] / d["both_median_s"], 2)
            r["ratio_time_incl_load"] = round((p["load_s"] + p["both_median_s"])
                                              / (d["load_s"] + d["both_median_s"]), 2)
            r["ratio_peak_rss_pandas_over_duckdb"] = round(p["peak_rss_mb"] / d["peak_rss_mb"], 2)
            rows.append(r)
            print(f"{n:>9,} users ({sum(sizes.values()):.0f} MB parquet): pandas load "
                  f"{p['load_s']:.1f} s + aggregations {p['both_median_s']:.2f} s, peak "
                  f"{p['peak_rss_mb']} MB | duckdb aggregations {d['both_median_s']:.2f} s, "
                  f"peak {d['peak_rss_mb']} MB | time ratio {r['ratio_time_pandas_over_duckdb']}"
                  f" (with load {r['ratio_time_incl_load']}), memory ratio "
                  f"{r['ratio_peak_rss_pandas_over_duckdb']}; summarize_transactions pandas "
                  f"{p['summarize_transactions_median_s']:.2f} s, duckdb "
                  f"{d['summarize_transactions_median_s']:.2f} s", flush=True)
            if args.low_memory_limit:
                low = r["duckdb_low_memory"]
                print(f"          duckdb at memory_limit {args.low_memory_limit}: aggregations "
                      f"{low['both_median_s']:.2f} s (1 run), peak {low['peak_rss_mb']} MB",
                      flush=True)
    if len(rows) > 1:
        growth = {e: round(rows[-1][e]["both_median_s"] / rows[0][e]["both_median_s"], 2)
                  for e in ("pandas", "duckdb")}
        print(f"time growth {rows[0]['users_requested']:,} -> {rows[-1]['users_requested']:,}: "
              f"{growth}")
    else:
        growth = None
    import duckdb
    import pandas

    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform()},
              "versions": {"duckdb": duckdb.__version__, "pandas": pandas.__version__},
              "as_of": AS_OF, "runs": rows, "time_growth_first_to_last": growth}
    out = Path(__file__).parent / "results" / "engine.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
