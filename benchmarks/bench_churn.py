"""Benchmark: churn features + model fits + evaluation at scale (time per step, peak memory).

    .venv/bin/python benchmarks/bench_churn.py [--users 1000000] [--threads 1] [--n-boot 200]

Simulates ``--users`` contacts over 18 months (the simulation itself is timed separately and
not part of the figure), then times, in the same process:

* ``features_labels_train`` / ``features_labels_test`` — :func:`analysis.studies.churn.churn_frame`
  at the training and test cut-offs (features from :mod:`analysis.aggregate.features` and the
  shared retention labels);
* ``fit_logistic`` / ``fit_hgb`` — the two pipelines on the training frame;
* ``predict`` — both models on the test frame;
* ``oracle`` — the simulator's true churn probabilities for the test population;
* ``metrics_bootstrap`` — ROC AUC, PR AUC, Brier, gain/lift at 5/10/20% for the two models
  and the oracle, with ``--n-boot`` paired bootstrap resamples;
* ``permutation_importance`` — HGB on ``--importance-rows`` test users, 3 repeats;
* ``at_risk_list`` — the top 1,000 by risk × five-value index with reasons.

``features_fit_evaluation_s`` is the sum of these steps. Peak memory is the process's
``ru_maxrss`` (which includes the simulation's own peak). Writes
``benchmarks/results/churn.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "churn.json"
TRAIN, TEST = "2026-01-01", "2026-04-01"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--n-boot", type=int, default=200)
    ap.add_argument("--importance-rows", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()
    os.environ.setdefault("TQDM_DISABLE", "1")

    import numpy as np

    from analysis.simulate import checks, simulate
    from analysis.studies import churn as ch
    from analysis.studies import churn_list

    t0 = time.perf_counter()
    sim = simulate(args.users, months=18, seed=args.seed)
    sim_s = time.perf_counter() - t0
    print(
        f"simulated {len(sim.contacts):,} contacts, {len(sim.events):,} events, "
        f"{len(sim.orders):,} orders in {sim_s:.1f} s",
        flush=True,
    )

    d = ch.ChurnDefinition(horizon_days=90, lost_after_days=90)
    steps: dict[str, float] = {}

    def step(name, fn):
        t = time.perf_counter()
        out = fn()
        steps[name] = round(time.perf_counter() - t, 2)
        print(f"  {name}: {steps[name]:.2f} s", flush=True)
        return out

    c, e, o = sim.contacts, sim.events, sim.orders
    train = step(
        "features_labels_train", lambda: ch.churn_frame(c, e, o, cutoff=TRAIN, definition=d)
    )
    test = step("features_labels_test", lambda: ch.churn_frame(c, e, o, cutoff=TEST, definition=d))
    models = {}
    models |= step(
        "fit_logistic", lambda: ch.fit_models(train, kinds=("logistic",), n_threads=args.threads)
    )
    models |= step("fit_hgb", lambda: ch.fit_models(train, kinds=("hgb",), n_threads=args.threads))
    pred = step("predict", lambda: ch.predict_risk(models, test, n_threads=args.threads))
    users = sim.users.copy()
    oracle = step(
        "oracle",
        lambda: checks.oracle_for(
            users, sim.params, test, cutoff=TEST, horizon_days=d.horizon_days
        ),
    )
    scores = {
        "logistic": pred["logistic"].to_numpy(),
        "hgb": pred["hgb"].to_numpy(),
        "oracle": oracle.to_numpy(),
    }
    metrics = step(
        "metrics_bootstrap",
        lambda: ch.churn_metrics(
            test["churned"], scores, n_boot=args.n_boot, reference="oracle", random_state=0
        ),
    )
    rows = min(args.importance_rows, len(test))
    imp = step(
        "permutation_importance",
        lambda: ch.permutation_importance_table(
            models["hgb"],
            test,
            n_repeats=3,
            max_samples=rows,
            random_state=0,
            n_threads=args.threads,
        ),
    )
    value = churn_list.value_index(train, test)
    step(
        "at_risk_list",
        lambda: churn_list.at_risk_list(
            models["hgb"], test, value=value, top_n=1000, n_threads=args.threads
        ),
    )
    total = round(sum(steps.values()), 2)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    m = metrics.set_index(["score", "metric"])
    result = {
        "benchmark": "churn",
        "machine": platform.machine(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "threads": args.threads,
        "users_requested": args.users,
        "contacts": len(c),
        "events": len(e),
        "orders": len(o),
        "train_users": len(train),
        "test_users": len(test),
        "train_churn_rate": round(float(train["churned"].mean()), 4),
        "test_churn_rate": round(float(test["churned"].mean()), 4),
        "simulate_s": round(sim_s, 2),
        "steps_s": steps,
        "features_fit_evaluation_s": total,
        "peak_rss_mb": round(peak_mb),
        "n_boot": args.n_boot,
        "importance_rows": rows,
        "hgb_iterations": int(models["hgb"][-1].n_iter_),
        "results": {
            k: {
                "roc_auc": round(float(m.loc[(k, "roc_auc"), "estimate"]), 4),
                "roc_auc_ci": [
                    round(float(m.loc[(k, "roc_auc"), "lo"]), 4),
                    round(float(m.loc[(k, "roc_auc"), "hi"]), 4),
                ],
                "brier": round(float(m.loc[(k, "brier"), "estimate"]), 4),
                "lift_at_10pct": round(float(m.loc[(k, "lift@10%"), "estimate"]), 3),
            }
            for k in scores
        },
        "top_importance": imp.head(5)[["feature", "importance"]].round(4).to_dict("records"),
    }
    print(json.dumps(result, indent=2))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    del np


if __name__ == "__main__":
    main()
