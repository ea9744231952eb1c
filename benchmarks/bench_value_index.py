"""Benchmark: the whole five-value-index validity study on about a million users.

Prints the wall time of each part of the study (bootstraps included) and writes the figures to
``benchmarks/results/value_index.json``. Not a test: run it by hand, once, on a quiet machine.

    .venv/bin/python benchmarks/bench_value_index.py                    # 1M synthetic users
    .venv/bin/python benchmarks/bench_value_index.py --source simulate  # + simulate, aggregate

Sources of the study frames:

* ``synthetic`` (default) — study frames of exactly ``--n-users`` rows generated directly
  (latent five-value propensities, Poisson evidence, exponential lifetimes; the same shape as
  :func:`analysis.studies.validity.study_frame` output). This isolates the study itself.
* ``simulate`` — ``analysis.simulate.simulate(n_users, 18, seed)`` and
  :func:`analysis.studies.validity.study_frame` at each cut-off; the simulation and the aggregation
  of the raw logs are timed separately (their population at a cut-off is smaller than
  ``n_users``: only users who joined before it and are not lost).

Figures are single runs (each part takes seconds to minutes); the machine's load average is
recorded next to them because the benchmark machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.vocab import VALUES
from analysis.studies import validity as va
from analysis.studies.scores import FiveValueScorer

RESULTS = Path(__file__).resolve().parent / "results" / "value_index.json"
CHANNELS = ["douyin", "xiaohongshu", "offline_store", "offline_event", "partner", "referral"]
RATES_6M = np.array([3.7, 0.0, 3.7, 2.0, 0.4])  # mean event counts in 180 days per value


def synthetic_frame(n: int, *, cutoff: str, seed: int) -> pd.DataFrame:
    """A study frame of ``n`` users in which retention depends on latent five values."""
    rng = np.random.default_rng(seed)
    cov = np.full((5, 5), 0.3) + 0.7 * np.eye(5)
    z = rng.standard_normal((n, 5)) @ np.linalg.cholesky(cov).T
    ev = rng.poisson(RATES_6M * np.exp(0.8 * z - 0.32))
    freq = rng.poisson(0.6 * np.exp(0.7 * z[:, 1] - 0.245))
    monetary = np.where(freq > 0, freq * rng.gamma(6.0, 15.0, size=n), 0.0)
    ever = (freq > 0) | (rng.random(n) < 0.2)
    recency = np.where(
        freq > 0, rng.uniform(0, 180, n), np.where(ever, rng.uniform(180, 500, n), np.nan)
    )
    hazard = np.exp(z @ np.array([-0.15, -0.25, -0.35, -0.30, -0.20])) / 420
    life = rng.exponential(1 / hazard)
    hard = rng.random(n) < 0.5
    followup = 180.0
    retained = (life >= 90) | (~hard & (life > 10))
    c = pd.Timestamp(cutoff, tz="Asia/Shanghai")
    frame = pd.DataFrame(
        {
            "user_id": pd.array([f"s{i:08d}" for i in range(n)], dtype="str"),
            "cutoff": c,
            "retained": retained,
            "no_hard_churn": ~(hard & (life < 90)),
            "tenure_days": rng.uniform(1, 540, n),
            "channel": pd.array(np.array(CHANNELS)[rng.integers(0, 6, n)], dtype="str"),
        }
    )
    for i, v in enumerate(VALUES):
        frame[v] = monetary if v == "consumption" else ev[:, i].astype("float64")
    frame["recency_days"] = recency
    frame["frequency"] = freq.astype("float64")
    frame["monetary"] = monetary
    frame["churn_event"] = hard & (life < followup)
    frame["time_days"] = np.minimum(life, followup)
    return frame


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the bootstrap workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Timer:
    """Wall and CPU seconds of each step (CPU time does not depend on the machine's load)."""

    def __init__(self):
        self.figures: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, name, fn, *args, **kwargs):
        t0, c0 = time.perf_counter(), cpu_seconds()
        out = fn(*args, **kwargs)
        self.figures[name] = round(time.perf_counter() - t0, 2)
        self.cpu[name] = round(cpu_seconds() - c0, 2)
        print(
            f"  {name:<34s} {self.figures[name]:8.2f} s wall {self.cpu[name]:8.2f} s CPU",
            flush=True,
        )
        return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", choices=["synthetic", "simulate"], default="synthetic")
    ap.add_argument("--n-users", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--n-weights", type=int, default=1000)
    ap.add_argument("--n-jobs", type=int, default=2, help="worker processes for bootstraps")
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)

    load_start = os.getloadavg()
    timer = Timer()
    cutoffs = ["2025-10-01", "2026-01-01", "2026-04-01"]
    print(
        f"five-value index study: source={args.source}, n_users={args.n_users:,}, "
        f"n_boot={args.n_boot}, n_weights={args.n_weights}, n_jobs={args.n_jobs}"
    )
    print("inputs")
    if args.source == "synthetic":
        frames = {
            c: timer(
                f"synthetic frame {c}", synthetic_frame, args.n_users, cutoff=c, seed=args.seed + i
            )
            for i, c in enumerate(cutoffs)
        }
    else:
        from analysis.simulate import simulate

        sim = timer("simulate", simulate, args.n_users, 18, args.seed)
        frames = {
            c: timer(
                f"study_frame {c}",
                va.study_frame,
                sim.contacts,
                sim.events,
                sim.orders,
                cutoff=c,
                horizon_days=90,
                lost_after_days=60,
                followup_days=0 if c == cutoffs[1] else None,
            )
            for c in cutoffs
        }
        del sim
    inputs_s = round(sum(timer.figures.values()), 2)

    print("study")
    study_start, study_cpu0 = time.perf_counter(), cpu_seconds()
    calib, main_c = frames[cutoffs[0]], cutoffs[1]
    scorer = timer("fit scorer (calibration)", FiveValueScorer().fit, calib[list(VALUES)])
    scored = {c: timer(f"score {c}", va.add_scores, f, scorer=scorer) for c, f in frames.items()}
    fr = scored[main_c]
    kw = dict(n_boot=args.n_boot, random_state=0, n_jobs=args.n_jobs)
    timer("1 deciles + monotonicity", lambda: va.monotonicity(va.retention_by_decile(fr)))
    timer("2 index AUC (bootstrap)", va.index_auc, fr, **kw)
    timer("2 ROC table", va.roc_table, fr, scores=["index", "spend", "rfm_score"])
    base = timer("3 baselines (11 scores, paired)", va.baseline_comparison, fr, **kw)
    timer("3 learned weights (full fit)", va.learned_weights, fr)
    timer("4 incremental validity", va.incremental_validity, fr, **kw)
    timer(
        "5 weight sensitivity", va.weight_sensitivity, fr, n_weights=args.n_weights, random_state=0
    )
    timer("6 rolling origin (3 cut-offs x 4)", va.compare_over_cutoffs, list(scored.values()), **kw)
    timer("7 Kaplan-Meier by quartile", va.survival_by_group, fr)
    timer("7 Cox PH ratio (alone)", va.hazard_ratio, fr)
    timer("7 Cox PH ratio (adjusted)", va.hazard_ratio, fr, controls=True)
    study_s = round(time.perf_counter() - study_start, 2)
    study_cpu = round(cpu_seconds() - study_cpu0, 2)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"study total {study_s:.1f} s wall, {study_cpu:.1f} s CPU; inputs {inputs_s:.1f} s; "
        f"peak RSS {peak_gb:.2f} GB; "
        f"load average {load_start[0]:.1f} -> {os.getloadavg()[0]:.1f}"
    )
    b = base.set_index("score")
    result = {
        "benchmark": "value_index",
        "source": args.source,
        "n_users_requested": args.n_users,
        "n_users_in_study": int(len(fr)),
        "n_boot": args.n_boot,
        "n_weights": args.n_weights,
        "n_jobs": args.n_jobs,
        "cutoffs": cutoffs,
        "study_cutoff": main_c,
        "seconds": timer.figures,
        "cpu_seconds": timer.cpu,
        "inputs_seconds_total": inputs_s,
        "study_seconds_total": study_s,
        "study_cpu_seconds_total": study_cpu,
        "peak_rss_gb": round(peak_gb, 2),
        "load_average_start": round(load_start[0], 2),
        "load_average_end": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "auc_index": round(float(b.loc["index", "auc"]), 4),
        "auc_spend": round(float(b.loc["spend", "auc"]), 4),
        "auc_learned": round(float(b.loc["learned", "auc"]), 4),
        "note": "single runs on a shared 2-core machine; see load averages",
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(out.read_text()) if out.is_file() else {}
    existing = existing if isinstance(existing, dict) and "runs" in existing else {"runs": {}}
    existing["runs"][args.source] = result
    out.write_text(json.dumps(existing, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return result


if __name__ == "__main__":
    main()
