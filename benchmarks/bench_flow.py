"""Benchmark: stage assignment (18 monthly snapshots) and the flow tables on simulated data.

Run: .venv/bin/python benchmarks/bench_flow.py [--users 100000 1000000] [--repeats 3]
Prints the figures and writes benchmarks/results/flow.json. Each size runs in a fresh
subprocess so its peak resident memory (ru_maxrss) is its own; the simulated data are made
in that subprocess and the time to simulate is reported but not counted. Stage assignment
and the flow tables (transitions, sizes, forward conversion, time in stage) are each timed
``repeats`` times; the median is reported.
"""

from __future__ import annotations

import argparse

from _common import machine, run_child, write_results

CHILD = r"""
import json, resource, statistics, sys, time
from analysis.simulate import simulate
from analysis.studies import flow
n, repeats = int(sys.argv[1]), int(sys.argv[2])
t0 = time.perf_counter()
sim = simulate(n, 18, seed=1)
sim_s = time.perf_counter() - t0
rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
snaps = flow.monthly_snapshots("2025-02-01", "2026-07-01")
times = {"stages": [], "tables": []}
for _ in range(repeats):
    t = time.perf_counter()
    codes = flow.assign_stages(sim.contacts, sim.events, sim.orders, snapshots=snaps)
    times["stages"].append(time.perf_counter() - t)
    t = time.perf_counter()
    counts = flow.transitions(codes)
    sizes = flow.stage_sizes(codes)
    conv = flow.forward_conversion(codes)
    tis = flow.time_in_stage(codes)
    times["tables"].append(time.perf_counter() - t)
med = {k: round(statistics.median(v), 2) for k, v in times.items()}
ok = bool((counts.drop(index=flow.NEW).sum(axis=1).to_numpy()
           == sizes.iloc[:-1].sum(axis=0).to_numpy()).all())
print(json.dumps({
    "users_requested": n, "contacts": len(sim.contacts), "events": len(sim.events),
    "orders": len(sim.orders), "snapshots": len(snaps),
    "simulate_s": round(sim_s, 1), "stages_median_s": med["stages"],
    "tables_median_s": med["tables"], "total_median_s": round(sum(med.values()), 2),
    "runs_s": {k: [round(x, 2) for x in v] for k, v in times.items()},
    "peak_rss_mb_after_simulate": round(rss_data),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "rows_sum_to_sizes": ok, "bottleneck": str(flow.bottleneck(conv)["stage"])}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for n in args.users:
        r = run_child(CHILD, n, args.repeats)
        rows.append(r)
        print(
            f"{r['contacts']:>9,} contacts {r['events']:>11,} events, {r['snapshots']} "
            f"snapshots: stages {r['stages_median_s']:.1f} s, flow tables "
            f"{r['tables_median_s']:.2f} s (total {r['total_median_s']:.1f} s), peak RSS "
            f"{r['peak_rss_mb']:,} MB (data alone {r['peak_rss_mb_after_simulate']:,} MB); "
            f"simulating took {r['simulate_s']:.0f} s"
        )
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(
            f"scaling {a['contacts']:,} -> {b['contacts']:,} users: stages x"
            f"{b['stages_median_s'] / a['stages_median_s']:.1f} for x"
            f"{b['contacts'] / a['contacts']:.1f} users"
        )
    write_results("flow", {"machine": machine(), "runs": rows})


if __name__ == "__main__":
    main()
