"""Benchmark: the per-user aggregations behind the reports on pandas, DuckDB and Spark.

Run: .venv/bin/python benchmarks/bench_engine.py [--users 100000 1000000] [--repeats 3]
     [--spark-repeats 1] [--engines pandas duckdb spark] [--pandas-max-users 1000000]
     [--memory-limit 4GB]
     [--root /tmp]

Simulated data are written once as Parquet to ``<root>/sim100k``, ``<root>/sim1m``, ... (made
with ``python -m analysis simulate --format parquet`` when missing; not timed). Each engine ×
size runs in a fresh subprocess, so its peak resident memory is its own (for Spark the JVM is
a child process: its peak, VmHWM, is reported apart, and the sum is the peak to quote):

* pandas: ``load_tables(folder)`` (reading + validation, timed as "load"), then the
  aggregations on the frames;
* duckdb: ``DuckTables.from_folder(folder, memory_limit=..., threads=2)``: each query scans
  the Parquet files, only the per-user results come into memory;
* spark: ``SparkTables.from_folder(folder)`` on a local session with 2 cores (``local[2]``);
  the JVM start is timed as "load".

The suite ("all") is what the four reports need from the events and orders:

* ``value_evidence`` (five-value inputs, 180-day look-back, 90-day half-life) and
  ``retention_labels`` (90-day horizon) at one cut-off;
* ``summarize_transactions`` (the LTV customer summary, weeks) on the purchases;
* ``study_frame`` (the value-index study: labels, evidence, RFM and the follow-up to the end
  of the data) at one cut-off;
* ``cohort_activity`` (cohort retention counts) at 6 cut-offs;
* ``assign_stages`` (nine-stage snapshots, 18 monthly snapshots) where the installed
  ``stage_codes`` takes ``engine=``.

Each aggregation is timed ``repeats`` times (Spark: ``spark-repeats``, default once) and the
median reported. Every engine's tables are
compared with DuckDB's (exact, except summary sums to rtol 1e-12). Pandas runs only up to
``--pandas-max-users`` (it has to hold every event in memory). Prints the figures and writes
benchmarks/results/engine.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, write_results  # noqa: E402

AS_OF = "2026-01-01"
CHILD = r"""
import inspect, json, resource, statistics, sys, time
import pandas as pd
engine, folder, repeats, mem, out, as_of = sys.argv[1:7]
repeats = int(repeats)
from analysis.aggregate.labels import retention_labels
from analysis.aggregate.values import value_evidence
from analysis.aggregate.transactions import purchases_from_orders, summarize_transactions
from analysis.studies.cohorts import cohort_activity
from analysis.studies.flow import assign_stages, monthly_snapshots
from analysis.studies.validity import study_frame

def rss():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

def children_peak_mb():
    # peak RSS (VmHWM) of the live child processes: Spark's JVM
    import psutil
    kb = 0
    for ch in psutil.Process().children(recursive=True):
        try:
            with open(f"/proc/{ch.pid}/status") as fh:
                kb += next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:"))
        except (OSError, StopIteration):
            pass
    return round(kb / 1024)

t = time.perf_counter()
if engine == "pandas":
    from analysis.data.load import load_tables
    tabs = load_tables(folder)
    c, e, o, users, kw = tabs.contacts, tabs.events, tabs.orders, tabs.contacts["user_id"], {}
    buys = purchases_from_orders(o)
else:
    from analysis.engine import DuckTables, SparkTables
    if engine == "duckdb":
        tabs = DuckTables.from_folder(folder, memory_limit=mem, threads=2)
    else:
        tabs = SparkTables.from_folder(folder, threads=2, memory_limit=mem)
        len(tabs.contacts)  # the JVM starts here
    c, e, o, users, buys = tabs.contacts, tabs.events, tabs.orders, tabs.contacts, tabs.purchases
    kw = {"engine": engine}
load_s = time.perf_counter() - t
rss_load = rss()
stages_on_engine = engine == "pandas" or "engine" in inspect.signature(
    __import__("analysis.aggregate.stages", fromlist=["stage_codes"]).stage_codes).parameters
snaps = monthly_snapshots("2025-02-01", "2026-07-01")
cutoffs = ["2025-07-01", "2025-08-01", "2025-09-01", "2025-10-01", "2025-11-01", "2025-12-01"]
jobs = {
    "value_evidence": lambda: value_evidence(e, o, as_of=as_of, lookback_days=180,
                                             half_life_days=90, users=users, **kw),
    "retention_labels": lambda: retention_labels(c, e, o, cutoff=as_of, horizon_days=90,
                                                 lost_after_days=90, **kw),
    "summarize_transactions": lambda: summarize_transactions(
        buys, customer_col="user_id", time_col="ordered_at", amount_col="net_amount",
        observation_end=as_of, freq="W", **kw),
    "study_frame": lambda: study_frame(c, e, o, cutoff=as_of, horizon_days=90,
                                       lost_after_days=90, followup_days=0, **kw),
    "cohort_activity": lambda: cohort_activity(c, e, o, cutoffs=cutoffs, horizon_days=30, **kw),
}
if stages_on_engine:
    jobs["assign_stages"] = lambda: assign_stages(c, e, o, snapshots=snaps, **kw)
times = {k: [] for k in jobs}
results = {}
for _ in range(repeats):
    for name, job in jobs.items():
        t = time.perf_counter()
        results[name] = job()
        times[name].append(time.perf_counter() - t)
for name, frame in results.items():
    if name == "assign_stages":
        frame = frame.copy()
        frame.columns = [str(x) for x in frame.columns]
    frame.to_parquet(f"{out}-{name}.parquet")
med = {k: statistics.median(v) for k, v in times.items()}
print(json.dumps({"engine": engine, "load_s": round(load_s, 2), "rss_mb_after_load": rss_load,
                  "median_s": {k: round(v, 2) for k, v in med.items()},
                  "all_median_s": round(sum(med.values()), 2),
                  "runs_s": {k: [round(x, 2) for x in v] for k, v in times.items()},
                  "peak_rss_mb": rss(), "peak_rss_children_mb": children_peak_mb(),
                  "population": len(results["retention_labels"]),
                  "retained_share": round(float(results["retention_labels"]["retained"].mean()),
                                          4)}))
"""


def label(n: int) -> str:
    return f"sim{n // 1_000_000}m" if n % 1_000_000 == 0 else f"sim{n // 1000}k"


def ensure_data(root: Path, n: int) -> Path:
    folder = root / label(n)
    if not (folder / "events.parquet").is_file():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "analysis",
                "simulate",
                "--users",
                str(n),
                "--format",
                "parquet",
                "--out",
                str(folder),
                "--quiet",
            ],
            check=True,
        )
    return folder


def run(engine: str, folder: Path, repeats: int, mem: str, out: str) -> dict:
    res = subprocess.run(
        [sys.executable, "-c", CHILD, engine, str(folder), str(repeats), mem, out, AS_OF],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        raise RuntimeError(f"{engine} on {folder} failed:\n{res.stderr[-3000:]}")
    got = json.loads(res.stdout.strip().splitlines()[-1])
    got["peak_total_mb"] = got["peak_rss_mb"] + got["peak_rss_children_mb"]
    return got


def same_results(out_a: str, out_b: str, names) -> bool:
    import pandas as pd

    for name in names:
        a = pd.read_parquet(f"{out_a}-{name}.parquet")
        b = pd.read_parquet(f"{out_b}-{name}.parquet")
        if name == "summarize_transactions":
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=0)
        else:
            pd.testing.assert_frame_equal(a, b)
    return True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--engines", nargs="*", default=["pandas", "duckdb", "spark"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--spark-repeats",
        type=int,
        default=1,
        help="runs on Spark (slow per query in local mode; 1 = a single timing)",
    )
    ap.add_argument("--pandas-max-users", type=int, default=1_000_000)
    ap.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit / Spark driver")
    ap.add_argument("--root", default=tempfile.gettempdir(), help="where the Parquet data go")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.users:
            folder = ensure_data(Path(args.root), n)
            sizes = {
                p.stem: round(p.stat().st_size / 2**20, 1) for p in sorted(folder.glob("*.parquet"))
            }
            r = {
                "users_requested": n,
                "folder": str(folder),
                "parquet_mb": sizes,
                "memory_limit": args.memory_limit,
                "threads": 2,
                "repeats": args.repeats,
            }
            engines = [e for e in args.engines if e != "pandas" or n <= args.pandas_max_users]
            for engine in engines:
                reps = args.spark_repeats if engine == "spark" else args.repeats
                r[engine] = run(engine, folder, reps, args.memory_limit, f"{tmp}/{engine}-{n}")
                r[engine]["repeats"] = reps
                m = r[engine]
                print(
                    f"{n:>9,} users, {engine:>6}: load {m['load_s']:.1f} s, all aggregations "
                    f"{m['all_median_s']:.1f} s {m['median_s']}, peak {m['peak_total_mb']} MB",
                    flush=True,
                )
            ref = "duckdb" if "duckdb" in engines else engines[0]
            names = list(r[ref]["median_s"])
            r["identical_to_" + ref] = {
                e: same_results(
                    f"{tmp}/{ref}-{n}",
                    f"{tmp}/{e}-{n}",
                    [x for x in names if x in r[e]["median_s"]],
                )
                for e in engines
                if e != ref
            }
            if "pandas" in engines and "duckdb" in engines:
                p, d = r["pandas"], r["duckdb"]
                r["ratio_time_pandas_over_duckdb"] = round(p["all_median_s"] / d["all_median_s"], 2)
                r["ratio_time_incl_load_pandas_over_duckdb"] = round(
                    (p["load_s"] + p["all_median_s"]) / (d["load_s"] + d["all_median_s"]), 2
                )
                r["ratio_peak_memory_pandas_over_duckdb"] = round(
                    p["peak_total_mb"] / d["peak_total_mb"], 2
                )
                print(
                    f"          pandas/duckdb: time {r['ratio_time_pandas_over_duckdb']}x "
                    f"(with load {r['ratio_time_incl_load_pandas_over_duckdb']}x), peak memory "
                    f"{r['ratio_peak_memory_pandas_over_duckdb']}x",
                    flush=True,
                )
            print(f"          identical to {ref}: {r['identical_to_' + ref]}", flush=True)
            rows.append(r)
    growth = None
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = {
            e: round(
                (last[e]["load_s"] + last[e]["all_median_s"])
                / (first[e]["load_s"] + first[e]["all_median_s"]),
                2,
            )
            for e in args.engines
            if e in first and e in last
        }
        print(
            f"time growth {first['users_requested']:,} -> {last['users_requested']:,} "
            f"contacts (load + all): {growth}"
        )
    import duckdb
    import pandas
    import pyspark

    write_results(
        "engine",
        {
            "machine": machine(),
            "versions": {
                "duckdb": duckdb.__version__,
                "pandas": pandas.__version__,
                "pyspark": pyspark.__version__,
                "python": platform.python_version(),
            },
            "as_of": AS_OF,
            "runs": rows,
            "time_growth_first_to_last": growth,
        },
    )


if __name__ == "__main__":
    main()
