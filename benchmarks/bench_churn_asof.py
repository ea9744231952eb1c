"""Benchmark: the churn list as of the data's end against the churn realised after it.

    .venv/bin/python benchmarks/bench_churn_asof.py [--users 8000] [--seeds 0 1 2]

For each seed, simulates ``--users`` contacts over 21 months, shows
:func:`analysis.studies.churn_asof.churn_as_of` only the data before ``end - horizon`` (the
list's date), and compares each risk tier's predicted churn rate with the rate realised in
the simulated window after the list's date (:func:`analysis.simulate.checks.realised_by_tier`)
and with the oracle's. Also records the chosen model, its validation and test ROC AUC, the
share of skill that is early warning, and the time of the as-of pipeline. Writes
``benchmarks/results/churn_asof.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "churn_asof.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=8000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--horizon", type=int, default=90)
    ap.add_argument("--n-boot", type=int, default=100)
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")

    import pandas as pd

    from analysis.simulate import checks, simulate
    from analysis.studies import churn as ch
    from analysis.studies import churn_asof as ca

    definition = ch.ChurnDefinition(horizon_days=args.horizon, lost_after_days=90)
    runs = []
    for seed in args.seeds:
        sim = simulate(args.users, months=21, seed=seed)
        end = ca.data_end(sim.events, sim.orders)
        as_of = end - pd.Timedelta(days=args.horizon)
        seen_ev = sim.events.loc[sim.events["occurred_at"] < as_of]
        seen_od = sim.orders.loc[sim.orders["ordered_at"] < as_of]
        t0 = time.perf_counter()
        res = ca.churn_as_of(
            sim.contacts,
            seen_ev,
            seen_od,
            as_of=as_of,
            definition=definition,
            n_boot=args.n_boot,
            n_threads=1,
        )
        secs = time.perf_counter() - t0
        oracle = checks.oracle_for(
            sim.users, sim.params, res.current, cutoff=as_of, horizon_days=args.horizon
        )
        tiers = checks.realised_by_tier(res, sim.contacts, sim.events, sim.orders, oracle=oracle)
        auc = lambda m: float(  # noqa: E731
            m.loc[m["metric"] == "roc_auc"].set_index("score")["estimate"].iloc[0]
        )
        dep = res.departure_metrics.set_index(["score", "metric"])["estimate"]
        share = (dep[(ca.EARLY, "roc_auc")] - 0.5) / (dep[(ca.WITH_DEPARTURES, "roc_auc")] - 0.5)
        run = {
            "seed": seed,
            "as_of": as_of.date().isoformat(),
            "customers": len(res.current),
            "chosen": res.choice.chosen,
            "validation_auc": {
                k: float(v)
                for k, v in res.choice.validation_metrics.query("metric == 'roc_auc'")
                .set_index("score")["estimate"]
                .items()
            },
            "test_auc": auc(res.test_metrics),
            "early_warning_share": float(share),
            "seconds": round(secs, 1),
            "tiers": tiers.round(4).to_dict(orient="records"),
        }
        runs.append(run)
        print(
            f"seed {seed}: as of {run['as_of']}, {run['customers']:,} customers, "
            f"chosen {run['chosen']}, test AUC {run['test_auc']:.3f}, "
            f"early-warning share {share:.0%}, {secs:.1f} s"
        )
        print(tiers.round(3).to_string(index=False))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"users": args.users, "runs": runs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
