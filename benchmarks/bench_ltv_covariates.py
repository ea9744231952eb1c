"""Benchmark: BG/NBD (and Pareto/NBD) with a 20-cell channel covariate against the fit
without covariates, on a world drawn from the model itself.

    .venv/bin/python benchmarks/bench_ltv_covariates.py [--customers 1000000] [--pareto 100000]

Prints the figures and writes them to ``benchmarks/results/ltv_covariates.json``.

* Data: :func:`analysis.simulate.btyd.btyd_world` with 20 channels of equal share whose
  purchase and dropout multipliers are drawn once (log-normal, sd 0.3; channel ``ch00`` is the
  reference), ages uniform over 10-78 weeks, times in whole days.
* Fits, each timed wall-clock in this process (compression, optimisation and the observed
  information included): :class:`~analysis.studies.ltv_covariates.CovariatePurchaseModel`
  with the channel on both processes (38 coefficients), the same class without covariates,
  and lifetimes' BG/NBD on compressed patterns
  (:class:`~analysis.studies.ltv.PurchaseModel`), the kit's fit without covariates.
* Recovery: the share of the 38 true multipliers inside their 95% intervals, and the
  likelihood-ratio statistic against the fit without covariates.
* Pareto/NBD (``--pareto`` customers; 0 to skip) the same, smaller: its likelihood needs the
  Gauss hypergeometric function per pattern and has no exact gradient here.
* Per-customer intervals (``--intervals`` customers, ``--draws`` parameter draws; 0 to skip):
  :func:`~analysis.studies.ltv_uncertainty.value_draws` of P(alive), expected purchases over
  26 weeks and the discounted purchases behind CLV (a Gamma-Gamma spend model adds one
  multiplication per customer and draw), wall time and peak traced memory.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, write_results  # noqa: E402

from analysis.simulate.btyd import btyd_world  # noqa: E402
from analysis.studies import ltv  # noqa: E402
from analysis.studies import ltv_covariates as lc  # noqa: E402
from analysis.studies import ltv_uncertainty as lu  # noqa: E402


def channels(n: int = 20, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    out = {
        f"ch{i:02d}": {
            "share": 1.0,
            "purchase": float(np.exp(rng.normal(0, 0.3))),
            "dropout": float(np.exp(rng.normal(0, 0.3))),
        }
        for i in range(n)
    }
    out["ch00"].update(purchase=1.0, dropout=1.0)
    return out


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run(model: str, n: int, *, with_lifetimes: bool) -> dict:
    world, sim_s = timed(
        lambda: btyd_world(n, model=model, channels=channels(), reference="ch00", seed=2)
    )
    x = lc.covariate_dummies(world.summary["channel"], reference="ch00")
    full, full_s = timed(lambda: lc.CovariatePurchaseModel(model).fit(world.summary, covariates=x))
    plain, plain_s = timed(lambda: lc.CovariatePurchaseModel(model).fit(world.summary))
    got = full.multipliers().merge(world.truth, on=["process", "covariate"])
    inside = (got["lower_95"] <= got["multiplier_y"]) & (got["multiplier_y"] <= got["upper_95"])
    lr = lc.likelihood_ratio_test(full, plain).iloc[0]
    out = {
        "model": model,
        "customers": n,
        "cells": 20,
        "coefficients": int(len(full.params_) - 4),
        "patterns_with_covariate": full.n_patterns_,
        "patterns_without": plain.n_patterns_,
        "simulate_s": round(sim_s, 2),
        "covariate_fit_s": round(full_s, 2),
        "no_covariate_fit_s": round(plain_s, 2),
        "converged": bool(full.converged_ and plain.converged_),
        "true_multipliers_inside_95": f"{int(inside.sum())}/{len(got)}",
        "lr_statistic": round(float(lr["statistic"]), 1),
    }
    if with_lifetimes:
        theirs, theirs_s = timed(lambda: ltv.PurchaseModel(model).fit(world.summary))
        out["lifetimes_no_covariate_fit_s"] = round(theirs_s, 2)
        out["max_rel_diff_vs_lifetimes"] = float(
            np.max(np.abs(plain.params_.to_numpy() / theirs.params_.to_numpy() - 1))
        )
    return out


def intervals(n: int, draws: int) -> dict:
    import tracemalloc

    world = btyd_world(n, model="bgnbd", channels=channels(), reference="ch00", seed=3)
    fit = lc.CovariatePurchaseModel("bgnbd").fit(world.summary)
    tracemalloc.start()
    vd, seconds = timed(
        lambda: lu.value_draws(
            world.summary,
            purchases=fit,
            horizon=26,
            discount_rate=0.1,
            freq="D",
            freq_multiplier=7,
            n_draws=draws,
        )
    )
    table, table_s = timed(vd.customer_table)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "customers": n,
        "draws": draws,
        "value_draws_s": round(seconds, 2),
        "customer_table_s": round(table_s, 2),
        "peak_traced_gb": round(peak / 1e9, 3),
        "rows": len(table),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--pareto", type=int, default=100_000)
    parser.add_argument("--intervals", type=int, default=1_000_000)
    parser.add_argument("--draws", type=int, default=200)
    args = parser.parse_args()
    results = [run("bgnbd", args.customers, with_lifetimes=True)]
    if args.pareto:
        results.append(run("pareto_nbd", args.pareto, with_lifetimes=False))
    for r in results:
        print(
            f"{r['model']}: {r['customers']:,} customers, 20-cell covariate "
            f"({r['coefficients']} coefficients, {r['patterns_with_covariate']:,} patterns): "
            f"{r['covariate_fit_s']} s; without covariates {r['no_covariate_fit_s']} s"
            + (
                f" (lifetimes {r['lifetimes_no_covariate_fit_s']} s)"
                if "lifetimes_no_covariate_fit_s" in r
                else ""
            )
            + f"; true multipliers inside 95% intervals: {r['true_multipliers_inside_95']}"
        )
    out = {"machine": machine(), "results": results}
    if args.intervals:
        out["intervals"] = intervals(args.intervals, args.draws)
        i = out["intervals"]
        print(
            f"per-customer intervals: {i['customers']:,} customers x {i['draws']} draws: "
            f"{i['value_draws_s']} s (+{i['customer_table_s']} s for the table), "
            f"peak traced {i['peak_traced_gb']} GB"
        )
    write_results("ltv_covariates", out)


if __name__ == "__main__":
    main()
