"""Benchmark: the whole behaviours grid (every unit × k × d, onboarding view, two periods).

Run: .venv/bin/python benchmarks/bench_behaviours.py [--users 100000 1000000] [--repeats 3]
Prints the figures and writes benchmarks/results/behaviours.json. Each size runs in a fresh
subprocess so its peak resident memory (ru_maxrss) is its own; the simulated data are made
in that subprocess and the time to simulate is reported but not counted. Labels, counting
and metrics are each timed ``repeats`` times; the median is reported.
"""

from __future__ import annotations

import argparse

from _common import machine, run_child, write_results

CHILD = r"""
import json, resource, statistics, sys, time
from analysis.simulate import simulate
from analysis.aggregate.behaviours import (DEFAULT_DAYS, DEFAULT_KS, assign_period,
                                           behaviour_counts, behaviour_units, onboarding_labels)
from analysis.studies.behaviours import behaviour_metrics, confirm_out_of_time
n, repeats = int(sys.argv[1]), int(sys.argv[2])
t0 = time.perf_counter()
sim = simulate(n, 18, seed=1)
sim_s = time.perf_counter() - t0
rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
units = behaviour_units()
times = {"labels": [], "counts": [], "metrics": []}
for _ in range(repeats):
    t = time.perf_counter()
    lab = onboarding_labels(sim.contacts, sim.events, sim.orders, window_days=30, horizon_days=90)
    pop = assign_period(lab, split_at="2025-10-01")
    times["labels"].append(time.perf_counter() - t)
    t = time.perf_counter()
    counts = behaviour_counts(sim.events, sim.orders, population=pop, view="onboarding",
                              units=units, group="period")
    times["counts"].append(time.perf_counter() - t)
    t = time.perf_counter()
    m = behaviour_metrics(counts)
    conf = confirm_out_of_time(m[m["group"] == "discovery"], m[m["group"] == "confirmation"])
    times["metrics"].append(time.perf_counter() - t)
med = {k: round(statistics.median(v), 2) for k, v in times.items()}
print(json.dumps({
    "users_requested": n, "contacts": len(sim.contacts), "events": len(sim.events),
    "orders": len(sim.orders), "population": len(pop), "units": len(units),
    "days": list(DEFAULT_DAYS), "ks": list(DEFAULT_KS), "behaviours_per_period": len(counts) // 2,
    "simulate_s": round(sim_s, 1), "labels_median_s": med["labels"],
    "counts_median_s": med["counts"], "metrics_median_s": med["metrics"],
    "grid_total_median_s": round(sum(med.values()), 2),
    "runs_s": {k: [round(x, 2) for x in v] for k, v in times.items()},
    "peak_rss_mb_after_simulate": round(rss_data),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "discovered": int(m.loc[m["group"] == "discovery", "significant"].sum()),
    "held": int(conf["holds"].sum())}))
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
            f"{r['contacts']:>9,} contacts {r['events']:>11,} events: labels "
            f"{r['labels_median_s']:.1f} s, counts {r['counts_median_s']:.1f} s, metrics "
            f"{r['metrics_median_s']:.2f} s (grid {r['grid_total_median_s']:.1f} s, "
            f"{r['behaviours_per_period']} behaviours x 2 periods), peak RSS "
            f"{r['peak_rss_mb']:,} MB (data alone {r['peak_rss_mb_after_simulate']:,} MB)"
        )
    write_results("behaviours", {"machine": machine(), "runs": rows})


if __name__ == "__main__":
    main()
