"""The study of the study: how often the value-index verdict is wrong, on simulated worlds
whose truth is known.

Runs the whole study as the report runs it (:func:`analysis.studies.validity.study.run_study`:
calibration at 2025-10-01, population at 2026-01-01, 90-day retention, the package's label
defaults and margin) on ``--seeds`` seeds of every world of :data:`analysis.simulate.WORLDS`
at the sample's size (8,000 contacts, 18 months), and writes

* ``benchmarks/results/verdict_runs.csv`` — one row per world and seed: every decision, the
  index's AUC and interval, the AUC the truth implies for it on the same users (its expected
  AUC under each user's true probability of being retained,
  :func:`analysis.simulate.checks.true_retention_probability`), and the seconds it took;
* ``benchmarks/results/verdict_worlds.csv`` — one row per world: the share of each verdict,
  the share of runs whose 95% interval holds the true AUC (coverage), the share of runs in
  which the study was **wrong** in that world (:data:`WRONG`), the commit and the seeds.

The value-index report shows the second table under "How often this study is wrong".

    .venv/bin/python benchmarks/bench_verdict.py              # 20 seeds per world (≈ 20 min)
    .venv/bin/python benchmarks/bench_verdict.py --seeds 3    # a quick look

The bootstrap uses ``--n-boot`` resamples (default 200, the report uses 1,000: the interval's
ends move by about 0.002). At 10× the sample's size one run takes minutes on this shared
machine, so the 10× table is not produced here.
"""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.simulate import NULL_WORLDS, WORLDS, checks, simulate
from analysis.studies.stats import expected_auc
from analysis.studies.validity.study import run_study

RESULTS = Path(__file__).resolve().parent / "results"
CLAIMS = ("predicts", "strongest", "learned", "incremental")

#: When is the verdict wrong in a world? Where the values do nothing (the null worlds and the
#: effect smaller than the margin) "predicts" is wrong — except where tenure and channel
#: drive leaving, where the index truly predicts (it counts events, which grow with tenure)
#: and only "adds beyond the baselines" is wrong; anywhere "adds" is wrong when the values
#: do nothing; in the effects world anything but "predicts" is wrong; in the wrong-weights
#: world anything but "learned weights beat the preset" is wrong.
WRONG = {
    "effects": "predicts is not 'above'",
    "null": "predicts or incremental is 'above'",
    "null_silent": "predicts or incremental is 'above'",
    "null_tenure": "incremental is 'above'",
    "wrong_weights": "learned is not 'below'",
    "small_effect": "predicts is 'above'",
}


def wrong(world: str, d: dict) -> bool:
    if world == "effects":
        return d["predicts"] != "above"
    if world == "wrong_weights":
        return d["learned"] != "below"
    if world == "small_effect":
        return d["predicts"] == "above"
    if world == "null_tenure":
        return d["incremental"] == "above"
    return d["predicts"] == "above" or d["incremental"] == "above"


def one_run(world: str, seed: int, *, n_users: int, n_boot: int) -> dict:
    t0 = time.perf_counter()
    sim = simulate(n_users, 18, seed, world=world)
    run = run_study(
        sim.contacts,
        sim.events,
        sim.orders,
        calibration_cutoff="2025-10-01",
        cutoff="2026-01-01",
        n_boot=n_boot,
        random_state=seed,
    )
    q = checks.true_retention_probability(run.frame, sim.users, sim.params, horizon_days=90)
    true_auc = expected_auc(q, run.frame["index"].to_numpy())
    a = run.auc.iloc[0]
    d = {c: run.decision(c) for c in CLAIMS}
    return {
        "world": world,
        "seed": seed,
        "n": int(a["n"]),
        "auc": float(a["auc"]),
        "lo": float(a["lo"]),
        "hi": float(a["hi"]),
        "true_auc": float(true_auc),
        "covered": bool(a["lo"] <= true_auc <= a["hi"]),
        "strongest_baseline": run.decisions.set_index("claim").loc["strongest", "against"],
        **d,
        "wrong": wrong(world, d),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def summarise(runs: pd.DataFrame, *, commit: str, seeds: str) -> pd.DataFrame:
    def share_of(g: pd.DataFrame):
        return lambda col, val: float((g[col] == val).mean())

    rows = []
    for world, g in runs.groupby("world", sort=False):
        share = share_of(g)
        rows.append(
            {
                "world": world,
                "values_matter": world not in NULL_WORLDS,
                "runs": len(g),
                "users": int(round(g["n"].mean())),
                "true_auc": round(float(g["true_auc"].mean()), 3),
                "auc": round(float(g["auc"].mean()), 3),
                "predicts": share("predicts", "above"),
                "does_not_predict": share("predicts", "equivalent"),
                "predicts_inconclusive": share("predicts", "inconclusive"),
                "beats_strongest": share("strongest", "above"),
                "below_strongest": share("strongest", "below"),
                "adds": share("incremental", "above"),
                "adds_nothing": share("incremental", "equivalent"),
                "preset_wrong": share("learned", "below"),
                "coverage": float(g["covered"].mean()),
                "wrong": float(g["wrong"].mean()),
                "wrong_means": WRONG[world],
                "seeds": seeds,
                "commit": commit,
            }
        )
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--n-users", type=int, default=8000)
    ap.add_argument("--n-boot", type=int, default=200)
    ap.add_argument("--worlds", default=",".join(WORLDS))
    args = ap.parse_args(argv)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    rows = []
    for world in args.worlds.split(","):
        for seed in range(args.seeds):
            r = one_run(world, seed, n_users=args.n_users, n_boot=args.n_boot)
            rows.append(r)
            print(
                f"{world:14s} seed {seed:2d}: AUC {r['auc']:.3f} [{r['lo']:.3f}, {r['hi']:.3f}]"
                f" true {r['true_auc']:.3f} {r['predicts']:12s} strongest {r['strongest']:12s}"
                f" learned {r['learned']:12s} adds {r['incremental']:12s}"
                f" wrong={r['wrong']} ({r['seconds']} s)",
                flush=True,
            )
    runs = pd.DataFrame(rows)
    seeds = f"0-{args.seeds - 1}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs.assign(commit=commit).to_csv(RESULTS / "verdict_runs.csv", index=False)
    table = summarise(runs, commit=commit, seeds=seeds)
    table.to_csv(RESULTS / "verdict_worlds.csv", index=False, float_format="%.4g")
    print(table.drop(columns=["wrong_means", "commit"]).to_string(index=False))
    print(f"total {runs['seconds'].sum():.0f} s; mean users {np.mean(runs['n']):.0f}")


if __name__ == "__main__":
    main()
