"""Benchmark: does a model fitted on a random sample give the full fit's headline figures?

    .venv/bin/python benchmarks/bench_fit_sample.py [--data /tmp/store100k] [--sample 20000]
        [--only churn value-index ltv] [--n-boot 200] [--seed 0]

Each report's ``fit_sample`` parameter (:mod:`analysis.studies.fit_sample`) fits its slow
models on at most that many users of a per-user frame, drawn at random with the report's
seed, and scores everyone. This script runs the study functions twice on the same data, with
``fit_sample=--sample`` and with every user (``fit_sample=None``), and records the headline
figures with their 95% intervals, the CPU seconds of each run and whether they agree:

* **churn** (:func:`~analysis.studies.churn_asof.churn_as_of`): the chosen model and its ROC
  AUC, PR AUC and gain@20% on the test window (scored on all test users either way; the
  intervals are bootstrap resamples of those users), and the mean risk of the at-risk list.
  *Agree*: each fit's estimate lies inside the other's interval and the same kind is chosen.
* **value index** (:func:`~analysis.studies.validity.study.run_study`, the report's cut-offs):
  the out-of-fold AUCs of the learned weights and the behaviour model and the incremental
  validity's AUC gain, with their paired-bootstrap intervals. *Agree*: each estimate inside
  the other's interval and the verdict's decisions the same.
* **ltv** (:func:`~analysis.studies.ltv_checks.covariate_effects`): the channel multipliers
  of purchase rate, dropout and spend. *Agree*: every full-data multiplier lies inside the
  sampled fit's 95% interval (the sampled fit carries the uncertainty of its sample).

Writes ``benchmarks/results/fit_sample.json`` and exits 1 when a figure does not agree.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, write_results  # noqa: E402

from analysis.reports import in_memory, report_inputs  # noqa: E402
from analysis.reports.provenance import code_version  # noqa: E402


def _timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, round(time.process_time() - c0, 1), round(time.perf_counter() - w0, 1)


def _inside(x: float, lo: float, hi: float) -> bool:
    return bool(lo <= x <= hi)


def churn_case(tables, *, sample: int, n_boot: int, seed: int) -> dict:
    from analysis.studies import churn as ch
    from analysis.studies import churn_asof as ca

    contacts, events, orders = in_memory(tables.contacts), tables.events, tables.orders
    runs = {}
    for label, fs in (("sampled", sample), ("full", None)):
        res, cpu, wall = _timed(
            lambda fs=fs: ca.churn_as_of(
                contacts,
                events,
                orders,
                definition=ch.ChurnDefinition(),
                n_boot=n_boot,
                random_state=seed,
                vocabulary=tables.vocabulary,
                n_threads=1,
                fit_sample=fs,
            )
        )
        m = res.test_metrics.set_index(["score", "metric"])
        figures = {
            metric: {
                k: round(float(m.loc[(res.choice.chosen, metric), k]), 4)
                for k in ("estimate", "lo", "hi")
            }
            for metric in ("roc_auc", "pr_auc", "gain@20%")
        }
        figures["mean_current_risk"] = {"estimate": round(float(res.current_risk.mean()), 4)}
        runs[label] = {
            "fit_sample": fs,
            "fitted_on": [s.as_dict() for s in res.fit_samples],
            "chosen": res.choice.chosen,
            "cpu_s": cpu,
            "wall_s": wall,
            "figures": figures,
        }
        print(f"churn {label}: {cpu} s CPU, {runs[label]['figures']}", flush=True)
    s, f = runs["sampled"]["figures"], runs["full"]["figures"]
    checks = {
        metric: _inside(s[metric]["estimate"], f[metric]["lo"], f[metric]["hi"])
        and _inside(f[metric]["estimate"], s[metric]["lo"], s[metric]["hi"])
        for metric in ("roc_auc", "pr_auc", "gain@20%")
    }
    checks["same_model_chosen"] = runs["sampled"]["chosen"] == runs["full"]["chosen"]
    return {"runs": runs, "agree": checks, "all_agree": all(checks.values())}


def ltv_case(tables, *, sample: int, seed: int) -> dict:
    from analysis.studies import ltv_checks, ltv_results

    contacts, orders = in_memory(tables.contacts), in_memory(tables.orders)
    summary = ltv_results.customer_summary(
        orders,
        contacts=contacts,
        calibration_end="2025-12-31",
        observation_end="2026-06-30",
        freq="D",
        freq_multiplier=7,
    ).table
    runs = {}
    for label, fs in (("sampled", sample), ("full", None)):
        eff, cpu, wall = _timed(
            lambda fs=fs: ltv_checks.covariate_effects(
                summary, contacts=contacts, covariate="channel", fit_sample=fs, random_state=seed
            )
        )
        t = eff.table.set_index(["process", "level"])
        runs[label] = {
            "fit_sample": fs,
            "fitted_on": eff.fit_sample.as_dict(),
            "cpu_s": cpu,
            "wall_s": wall,
            "lr_p_value": float(eff.test["p_value"].iloc[0]),
            "figures": {
                f"{p}:{lv}": {
                    "estimate": round(float(r["multiplier"]), 4),
                    "lo": round(float(r["lower_95"]), 4),
                    "hi": round(float(r["upper_95"]), 4),
                }
                for (p, lv), r in t.iterrows()
            },
        }
        print(f"ltv {label}: {cpu} s CPU", flush=True)
    s, f = runs["sampled"]["figures"], runs["full"]["figures"]
    checks = {k: k in s and _inside(f[k]["estimate"], s[k]["lo"], s[k]["hi"]) for k in sorted(f)}
    checks["lr_test_same_side_of_0.05"] = (runs["sampled"]["lr_p_value"] < 0.05) == (
        runs["full"]["lr_p_value"] < 0.05
    )
    return {"runs": runs, "agree": checks, "all_agree": all(checks.values())}


def value_index_case(tables, *, sample: int, n_boot: int, seed: int) -> dict:
    from analysis.studies.validity.study import run_study

    runs = {}
    for label, fs in (("sampled", sample), ("full", None)):
        run, cpu, wall = _timed(
            lambda fs=fs: run_study(
                tables.contacts,
                tables.events,
                tables.orders,
                calibration_cutoff="2025-10-01",
                cutoff="2026-01-01",
                n_boot=n_boot,
                random_state=seed,
                vocabulary=tables.vocabulary,
                fit_sample=fs,
            )
        )
        b = run.baselines.set_index("score")
        figures = {
            f"auc:{k}": {
                "estimate": round(float(b.loc[k, "auc"]), 4),
                "lo": round(float(b.loc[k, "lo"]), 4),
                "hi": round(float(b.loc[k, "hi"]), 4),
            }
            for k in ("learned", "behaviour")
            if k in b.index
        }
        inc = run.incremental.iloc[0]
        figures["incremental_auc_diff"] = {
            "estimate": round(float(inc["auc_diff"]), 4),
            "lo": round(float(inc["diff_lo"]), 4),
            "hi": round(float(inc["diff_hi"]), 4),
        }
        runs[label] = {
            "fit_sample": fs,
            "users": int(len(run.frame)),
            "cpu_s": cpu,
            "wall_s": wall,
            "figures": figures,
            "decisions": run.decisions.set_index("claim")["decision"].astype(str).to_dict(),
        }
        print(f"value index {label}: {cpu} s CPU, {figures}", flush=True)
    s, f = runs["sampled"]["figures"], runs["full"]["figures"]
    checks = {
        k: _inside(s[k]["estimate"], f[k]["lo"], f[k]["hi"])
        and _inside(f[k]["estimate"], s[k]["lo"], s[k]["hi"])
        for k in f
    }
    checks["same_decisions"] = runs["sampled"]["decisions"] == runs["full"]["decisions"]
    return {"runs": runs, "agree": checks, "all_agree": all(checks.values())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/tmp/store100k")
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--only", nargs="*", default=["churn", "value-index", "ltv"])
    ap.add_argument("--n-boot", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not Path(args.data).is_dir():  # `make bench` on a machine without the 100k store
        print(
            f"skipped: no {args.data} (make it with `python -m analysis simulate` and "
            "`python -m analysis prepare`, or pass --data)"
        )
        return 0
    tables = report_inputs(args.data, engine="auto").tables
    result = {
        "machine": machine(),
        "code_version": code_version(),
        "data": args.data,
        "contacts": int(len(in_memory(tables.contacts))),
        "sample": args.sample,
        "seed": args.seed,
        "n_boot": args.n_boot,
        "cases": {},
    }
    if "churn" in args.only:
        result["cases"]["churn"] = churn_case(
            tables, sample=args.sample, n_boot=args.n_boot, seed=args.seed
        )
        write_results("fit_sample", result)
    if "value-index" in args.only:
        result["cases"]["value-index"] = value_index_case(
            tables, sample=args.sample, n_boot=args.n_boot, seed=args.seed
        )
        write_results("fit_sample", result)
    if "ltv" in args.only:
        result["cases"]["ltv"] = ltv_case(tables, sample=args.sample, seed=args.seed)
    result["all_agree"] = all(c["all_agree"] for c in result["cases"].values())
    write_results("fit_sample", result)
    for name, case in result["cases"].items():
        bad = [k for k, ok in case["agree"].items() if not ok]
        cpu = {k: r["cpu_s"] for k, r in case["runs"].items()}
        print(f"{name}: CPU s {cpu}; " + ("all agree" if not bad else f"DISAGREE: {bad}"))
    return 0 if result["all_agree"] else 1


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
