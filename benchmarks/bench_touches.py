"""Benchmark: the touches study over seeds — coverage of the simulator's truth in the
``touches`` world, false positives in ``touches-null``, and the time of each step.

Run: .venv/bin/python benchmarks/bench_touches.py [--users 3000] [--months 12] [--seeds 0 1 2]
Prints the figures and writes benchmarks/results/touches.json. Each (world, seed) runs in a
fresh subprocess.
"""

from __future__ import annotations

import argparse

from _common import machine, run_child, write_results

CHILD = r"""
import json, sys, time
from analysis.simulate import simulate
from analysis.data.validate import validate_tables
from analysis.data.touches import attach_touches
from analysis.aggregate.touches import departure_panel, touch_responses, care_triggers
from analysis.simulate.checks import touch_effects_vs_truth
from analysis.studies import touches as st
world, seed, n, months = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = {}
t0 = time.perf_counter(); sim = simulate(n, months, seed=seed, world=world)
t["simulate"] = time.perf_counter() - t0
t0 = time.perf_counter()
tab = attach_touches(validate_tables(sim.contacts, sim.events, sim.orders), sim.touches)
t["load"] = time.perf_counter() - t0
p = sim.params
t0 = time.perf_counter()
panel = departure_panel(tab.contacts, tab.events, tab.orders, tab.touches, start=p["start"],
                        end=p["observation_end"])
fat = st.fatigue_hazard(panel); dose = st.dose_response(panel)
t["fatigue"] = time.perf_counter() - t0
t0 = time.perf_counter()
content = st.content_response(touch_responses(tab.touches, tab.events))
t["content"] = time.perf_counter() - t0
t0 = time.perf_counter()
care = st.care_effect(care_triggers(tab.orders, tab.touches, tab.events, end=p["observation_end"]))
t["care"] = time.perf_counter() - t0
chk = touch_effects_vs_truth(fat, care, p)
out = {"world": world, "seed": seed, "touch_rows": int(len(tab.touches)),
       "contact_days": int(panel["days"].sum()), "seconds": t,
       "effects": chk.to_dict(orient="records"),
       "excludes_zero": {r["effect"]: bool(r["lo"] > 0 or r["hi"] < 0)
                         for r in chk.to_dict(orient="records")},
       "dose_first": dose.first_dose(),
       "content_significant": content.table.loc[content.table["significant"], "group"].tolist()}
print(json.dumps(out, ensure_ascii=False))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--users", type=int, default=3000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = ap.parse_args()
    runs = []
    for world in ("touches", "touches-null"):
        for seed in args.seeds:
            r = run_child(CHILD, world, seed, args.users, args.months)
            runs.append(r)
            cover = {e["effect"]: e["inside"] for e in r["effects"]}
            print(
                f"{world:13s} seed {seed}: inside {cover}, excludes 0 {r['excludes_zero']}, "
                f"first dose {r['dose_first']}, content sig {r['content_significant']}, "
                f"{sum(r['seconds'].values()):.1f}s"
            )
    summary = {}
    for world in ("touches", "touches-null"):
        rs = [r for r in runs if r["world"] == world]
        for eff in ("fatigue", "flood", "care"):
            summary[f"{world}:{eff}:inside"] = sum(
                e["inside"] for r in rs for e in r["effects"] if e["effect"] == eff
            ) / len(rs)
            summary[f"{world}:{eff}:excludes_zero"] = sum(
                r["excludes_zero"][eff] for r in rs
            ) / len(rs)
        summary[f"{world}:dose_response_flags_a_dose"] = sum(
            r["dose_first"] is not None for r in rs
        ) / len(rs)
        summary[f"{world}:content_any_significant"] = sum(
            bool(r["content_significant"]) for r in rs
        ) / len(rs)
    for k, v in summary.items():
        print(f"{k}: {v:.2f}")
    write_results(
        "touches",
        {
            "machine": machine(),
            "users": args.users,
            "months": args.months,
            "summary": summary,
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
