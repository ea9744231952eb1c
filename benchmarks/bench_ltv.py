"""Benchmark: our transaction summary vs lifetimes' own, and compressed vs full BG/NBD fits.

    .venv/bin/python benchmarks/bench_ltv.py [--rows 10000000] [--repeats 3]

Prints the figures and writes them to ``benchmarks/results/ltv.json``.

* The same synthetic order log (``--rows`` rows, string customer ids, tz-aware times,
  amounts) is written once to a temporary Parquet file; each measurement runs in its own
  subprocess that reads it, so neither implementation inherits the other's memory.
* Time: median of ``--repeats`` runs of each, alternating lifetimes and ours in fresh
  processes so both share the machine's background load; wall and CPU time. If one
  lifetimes run exceeds ``--lifetimes-timeout`` seconds, both are measured at 1M rows
  instead and the JSON says so.
* Memory: peak of memory traced by ``tracemalloc`` during the call (numpy/pandas buffers)
  and the growth of the process's peak RSS over its size before the call (includes Arrow
  buffers, which tracemalloc does not see; the peak is reset just before the call via
  ``/proc/self/clear_refs``, else it would include reading the input), in separate runs
  from the timing runs.
* Equality: the outputs of both implementations are compared in the same run.
* Ours takes the sort-based fast path of ``summarize_transactions`` for both id kinds
  (fixed-width string ids, int64 ids); the synthetic amounts are whole cents, as money is,
  so they travel inside the sort key (float amounts cost one gather more, ~0.1 s at 10M).
* Fitting: BG/NBD on every customer vs on distinct (frequency, recency, T) patterns with
  counts as weights — time and largest relative parameter difference.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results" / "ltv.json"
OBSERVATION_END = "2026-06-30"
COLUMNS = {"customer_col": "user_id", "time_col": "ordered_at", "amount_col": "amount"}


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------


def make_orders(n_rows: int, *, seed: int = 0, id_kind: str = "str") -> pd.DataFrame:
    """Synthetic orders from a Pareto/NBD-like process, exactly ``n_rows`` rows.

    Each customer makes a first purchase at a uniform time in 546 days (18 months), then
    buys at a Poisson rate ~ Gamma(0.6, 20 days) while alive, with an exponential lifetime
    whose rate ~ Gamma(0.8, 150 days). String ids ("u00001234"; ``id_kind="int"``: int64
    ids), Asia/Shanghai times, gamma amounts.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    span = 546.0
    n_customers = int(n_rows / 4) + 10
    first = rng.uniform(0, span, n_customers)
    rate = rng.gamma(0.6, 1 / 20, n_customers)
    lifetime = rng.exponential(1 / rng.gamma(0.8, 1 / 150, n_customers))
    window = np.minimum(lifetime, span - first)
    counts = 1 + rng.poisson(rate * window)
    n_kept = int(np.searchsorted(np.cumsum(counts), n_rows)) + 1
    if n_kept > n_customers:
        raise RuntimeError("not enough simulated customers; raise the customer count")
    customer = np.repeat(np.arange(n_kept), counts[:n_kept])[:n_rows]
    is_first = np.r_[True, customer[1:] != customer[:-1]]
    offset = np.where(is_first, 0.0, rng.uniform(0, 1, n_rows) * window[customer])
    seconds = ((first[customer] + offset) * 86400).astype("int64").astype("timedelta64[s]")
    order = rng.permutation(n_rows)  # an order log is sorted by time, not by customer
    codes = customer[order]
    if id_kind == "int":
        ids = codes.astype(np.int64) * 7919 + 100_000  # not dense, not ordered like the log
    else:
        ids = pd.array(
            pc.binary_join_element_wise(
                "u", pc.utf8_lpad(pc.cast(pa.array(codes), pa.string()), 8, "0"), ""
            ),
            dtype="str",
        )
    times = pd.DatetimeIndex(np.datetime64("2025-01-01T00:00:00") + seconds[order]).tz_localize(
        "Asia/Shanghai"
    )
    return pd.DataFrame(
        {
            "user_id": ids,
            "ordered_at": times,
            "amount": np.round(rng.gamma(2.0, 60.0, n_rows), 2),
        }
    ).sort_values("ordered_at", ignore_index=True)


# --------------------------------------------------------------------------------------
# workers (run in subprocesses)
# --------------------------------------------------------------------------------------


def _ours(frame: pd.DataFrame) -> pd.DataFrame:
    from analysis.aggregate.transactions import summarize_transactions

    return summarize_transactions(frame, **COLUMNS, observation_end=OBSERVATION_END, freq="D")


def _lifetimes(frame: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifetimes.utils import summary_data_from_transaction_data

        return summary_data_from_transaction_data(
            frame,
            "user_id",
            "ordered_at",
            monetary_value_col="amount",
            observation_period_end=OBSERVATION_END,
            freq="D",
        )


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _reset_peak_rss() -> bool:
    """Reset the process's peak RSS to its current RSS (Linux >= 4.0), so the peak after
    the call is the call's own, not that of reading the input before it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(impl: str, path: str, mode: str, repeats: int, out: str | None, budget: float) -> dict:
    func = {"ours": _ours, "lifetimes": _lifetimes}[impl]
    frame = pd.read_parquet(path)
    if impl == "lifetimes":  # import cost is not part of the measurement
        _lifetimes(frame.head(100))
    else:
        _ours(frame.head(100))
    gc.collect()
    if mode == "memory":
        peak_reset = _reset_peak_rss()
        rss_before = _current_rss_mb()
        tracemalloc.start()
        func(frame)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        maxrss = _peak_rss_mb()
        return {
            "tracemalloc_peak_mb": peak / 2**20,
            "rss_growth_mb": max(0.0, maxrss - rss_before),
            "rss_before_mb": rss_before,
            "maxrss_mb": maxrss,
            "peak_reset_before_call": peak_reset,
        }
    times, cpu, result = [], [], None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func(frame)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if sum(times) > budget:
            break
    if out:
        result.rename_axis("user_id").to_parquet(out)
    return {"seconds": times, "cpu_seconds": cpu}


def run_worker(
    impl: str,
    path: Path,
    mode: str,
    *,
    repeats: int = 1,
    out: Path | None = None,
    timeout: float | None = None,
    budget: float = 1e9,
) -> dict | None:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        impl,
        "--input",
        str(path),
        "--mode",
        mode,
        "--repeats",
        str(repeats),
        "--budget",
        str(budget),
    ]
    if out:
        cmd += ["--out", str(out)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------
# the benchmark
# --------------------------------------------------------------------------------------


def summary_benchmark(
    n_rows: int, repeats: int, timeout: float, tmp: Path, id_kind: str = "str"
) -> dict:
    path = tmp / f"orders_{n_rows}_{id_kind}.parquet"
    make_orders(n_rows, id_kind=id_kind).to_parquet(path)
    print(f"summary on {n_rows:,} order rows ({id_kind} ids) ...", flush=True)
    # Runs alternate (lifetimes, ours, lifetimes, ours, ...) in fresh processes, so both
    # see the same background load; CPU time is recorded next to wall time.
    runs: dict[str, dict[str, list[float]]] = {
        "ours": {"seconds": [], "cpu_seconds": []},
        "lifetimes": {"seconds": [], "cpu_seconds": []},
    }
    for i in range(repeats):
        lt = run_worker(
            "lifetimes", path, "time", out=tmp / "lt.parquet" if i == 0 else None, timeout=timeout
        )
        if lt is None:
            return {"rows": n_rows, "lifetimes_timed_out": True}
        ours = run_worker("ours", path, "time", out=tmp / "ours.parquet" if i == 0 else None)
        for name, result in (("lifetimes", lt), ("ours", ours)):
            for key in ("seconds", "cpu_seconds"):
                runs[name][key] += result[key]
    lt_mem = run_worker("lifetimes", path, "memory", timeout=timeout * 2)
    ours_mem = run_worker("ours", path, "memory")
    a, b = pd.read_parquet(tmp / "ours.parquet"), pd.read_parquet(tmp / "lt.parquet")
    b.index = b.index.astype(a.index.dtype)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, check_names=False)
    med = {name: {key: statistics.median(v) for key, v in r.items()} for name, r in runs.items()}
    return {
        "rows": n_rows,
        "id_kind": id_kind,
        "customers": len(a),
        "outputs_identical": True,
        "ours_seconds": runs["ours"]["seconds"],
        "lifetimes_seconds": runs["lifetimes"]["seconds"],
        "ours_cpu_seconds": runs["ours"]["cpu_seconds"],
        "lifetimes_cpu_seconds": runs["lifetimes"]["cpu_seconds"],
        "ours_median_s": med["ours"]["seconds"],
        "lifetimes_median_s": med["lifetimes"]["seconds"],
        "ours_median_cpu_s": med["ours"]["cpu_seconds"],
        "lifetimes_median_cpu_s": med["lifetimes"]["cpu_seconds"],
        "speedup": med["lifetimes"]["seconds"] / med["ours"]["seconds"],
        "speedup_cpu": med["lifetimes"]["cpu_seconds"] / med["ours"]["cpu_seconds"],
        "ours_memory": ours_mem,
        "lifetimes_memory": lt_mem,
        "memory_ratio_tracemalloc": ours_mem["tracemalloc_peak_mb"] / lt_mem["tracemalloc_peak_mb"],
        "memory_ratio_rss_growth": ours_mem["rss_growth_mb"] / lt_mem["rss_growth_mb"],
    }


def fit_benchmark(n_rows: int, tmp: Path) -> dict:
    """Full vs compressed BG/NBD fits, with time in weeks measured in days (many distinct
    patterns) and in calendar weeks (few)."""
    from analysis.aggregate.transactions import summarize_transactions
    from analysis.studies.ltv import PurchaseModel

    frame = pd.read_parquet(tmp / f"orders_{n_rows}_str.parquet")
    out = {}
    for label, freq, multiplier in (("weeks_in_days", "D", 7), ("calendar_weeks", "W", 1)):
        summary = summarize_transactions(
            frame, **COLUMNS, observation_end=OBSERVATION_END, freq=freq, freq_multiplier=multiplier
        )
        print(f"BG/NBD fit on {len(summary):,} customers ({label}) ...", flush=True)
        compressed = PurchaseModel("bgnbd").fit(summary)
        full = PurchaseModel("bgnbd", compress=False).fit(summary)
        diff = ((compressed.params_ - full.params_).abs() / full.params_.abs()).max()
        out[label] = {
            "customers": len(summary),
            "patterns": compressed.n_patterns_,
            "full_fit_s": full.fit_seconds_,
            "compressed_fit_s": compressed.fit_seconds_,
            "speedup": full.fit_seconds_ / compressed.fit_seconds_,
            "params_full": full.params_.to_dict(),
            "params_compressed": compressed.params_.to_dict(),
            "max_relative_param_diff": float(diff),
            "log_likelihood_full": full.log_likelihood_,
            "log_likelihood_compressed": compressed.log_likelihood_,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lifetimes-timeout", type=float, default=300.0)
    parser.add_argument("--skip-fit", action="store_true")
    parser.add_argument("--skip-int", action="store_true", help="skip the integer-id variant")
    parser.add_argument("--worker"), parser.add_argument("--input"), parser.add_argument("--mode")
    parser.add_argument("--out"), parser.add_argument("--budget", type=float, default=1e9)
    args = parser.parse_args()
    if args.worker:
        print(
            json.dumps(
                worker(args.worker, args.input, args.mode, args.repeats, args.out, args.budget)
            )
        )
        return

    report = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
            "pandas": pd.__version__,
            "numpy": np.__version__,
        },
        "note": (
            "times are medians of the listed runs; memory from separate runs (see module docstring)"
        ),
    }
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rows = args.rows
        summary = summary_benchmark(rows, args.repeats, args.lifetimes_timeout, tmp)
        if summary.get("lifetimes_timed_out"):
            print(
                f"lifetimes took more than {args.lifetimes_timeout:.0f}s at {rows:,} rows; "
                "measuring both at 1M",
                flush=True,
            )
            report["fallback"] = (
                f"lifetimes exceeded {args.lifetimes_timeout:.0f}s at {rows:,} rows"
            )
            rows = 1_000_000
            summary = summary_benchmark(rows, args.repeats, args.lifetimes_timeout, tmp)
        report["summary"] = summary
        if not args.skip_int:
            report["summary_int_ids"] = summary_benchmark(
                rows, args.repeats, args.lifetimes_timeout, tmp, id_kind="int"
            )
        if not args.skip_fit:
            report["fit"] = fit_benchmark(rows, tmp)
    report["machine"]["load_average_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, default=float))
    for key in ("summary", "summary_int_ids"):
        if key not in report or report[key].get("lifetimes_timed_out"):
            continue
        s = report[key]
        print(
            f"\nsummary, {s['rows']:,} rows / {s['customers']:,} customers, {s['id_kind']} ids "
            f"(outputs identical: {s['outputs_identical']})"
        )
        for name in ("ours", "lifetimes"):
            m = s[f"{name}_memory"]
            print(
                f"  {name:9s} median {s[f'{name}_median_s']:.2f}s wall, "
                f"{s[f'{name}_median_cpu_s']:.2f}s CPU  "
                f"runs {[round(x, 2) for x in s[f'{name}_seconds']]}  "
                f"traced peak {m['tracemalloc_peak_mb']:.0f} MB  "
                f"RSS growth {m['rss_growth_mb']:.0f} MB"
            )
        print(
            f"  speed-up {s['speedup']:.1f}x wall, {s['speedup_cpu']:.1f}x CPU; "
            f"memory ratio (ours/lifetimes) {s['memory_ratio_tracemalloc']:.2f} traced, "
            f"{s['memory_ratio_rss_growth']:.2f} RSS growth"
        )
    for label, f in report.get("fit", {}).items():
        print(
            f"\nBG/NBD ({label}) on {f['customers']:,} customers "
            f"({f['patterns']:,} patterns): full {f['full_fit_s']:.1f}s, "
            f"compressed {f['compressed_fit_s']:.2f}s ({f['speedup']:.1f}x), "
            f"max relative parameter difference {f['max_relative_param_diff']:.1e}"
        )
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
