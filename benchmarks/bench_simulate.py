"""Benchmark: the simulator at scale (time and peak memory), written as Parquet.

Run: .venv/bin/python benchmarks/bench_simulate.py [--users 1000000] [--months 18]
Prints the figures and writes benchmarks/results/simulate.json. Each size runs in a fresh
subprocess so its peak resident memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import tempfile

from _common import machine, run_child, write_results

CHILD = r"""
import json, resource, sys, time
from analysis.simulate import simulate, write_simulation
n, months, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
t0 = time.perf_counter()
sim = simulate(n, months, seed=1)
t1 = time.perf_counter()
write_simulation(sim, out, fmt="parquet")
t2 = time.perf_counter()
print(json.dumps({"users_requested": n, "contacts": len(sim.contacts), "events": len(sim.events),
                  "orders": len(sim.orders), "simulate_s": round(t1 - t0, 2),
                  "write_parquet_s": round(t2 - t1, 2), "total_s": round(t2 - t0, 2),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def run(n: int, months: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return run_child(CHILD, n, months, tmp)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--months", type=int, default=18)
    args = ap.parse_args()
    rows = []
    for n in args.users:
        r = run(n, args.months)
        rows.append(r)
        print(
            f"{r['contacts']:>9,} contacts {r['events']:>11,} events {r['orders']:>10,} orders: "
            f"simulate {r['simulate_s']:>6.1f} s, write {r['write_parquet_s']:>5.1f} s, "
            f"peak {r['peak_rss_mb']:,} MB"
        )
    write_results(
        "simulate",
        {"benchmark": "simulate", "months": args.months, "machine": machine(), "runs": rows},
    )


if __name__ == "__main__":
    main()
