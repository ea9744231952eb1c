"""Mutation testing of the statistical core: run mutmut over it, then print the share of
mutants killed per file and in total.

Run from the project root (``make mutate`` does, in a fresh ``mutants/``):

    .venv/bin/python benchmarks/mutate.py [FILE ...]   # every file of CORE, or only these
    .venv/bin/python benchmarks/mutate.py --report     # the table of the last run only

mutmut generates mutants for the files of ``[tool.mutmut] only_mutate`` (pyproject.toml);
CORE below names the functions of each file whose mutants are run (``*``: all of them), one
``mutmut run`` per file. The table reads ``mutmut results --all true``. A timeout counts as
killed (the mutant made a test hang); mutants this run did not check are left out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

#: file -> the functions (mutmut's names, ``x_`` + name; ``xǁClassǁmethod``) that are run
CORE = {
    # intervals, AUCs, bootstrap and p-values
    "src/analysis/studies/stats.py": ["*"],
    # the verdict and the comparisons it reads
    "src/analysis/studies/validity/verdict.py": ["x_verdict", "x__fmt", "x__ival"],
    "src/analysis/studies/validity/compare.py": [
        "x_retention_by_decile",
        "x_monotonicity",
        "x_incremental_validity",
        "x_sensitivity_summary",
    ],
    # retention labels (the pandas definition; the SQL one is checked against it elsewhere)
    "src/analysis/aggregate/labels.py": [
        "x_retention_labels",
        "x_activity_times",
        "x__window",
        "x__check_covered",
        "x__label_frame",
        "x__at",
    ],
    # the loader's ledger: its rows, orphans, the observation end, events before joining,
    # duplicates
    "src/analysis/data/errors.py": ["xǁLedgerǁ*"],
    "src/analysis/data/validate.py": ["x__drop_orphans", "x__cut", "x_validate_frames"],
    "src/analysis/data/clean.py": ["x__dedupe", "x__drop_exact_duplicates"],
    # stage assignment (the numpy path)
    "src/analysis/aggregate/stages.py": [
        "x_stage_codes",
        "x_snapshot_ns",
        "x__ns",
        "x__codes",
        "x__sorted",
        "x__check_ladder",
        "x__day_ns",
        "x__frame",
    ],
    # the customer summary: the general path, its shared periods, and the fast path
    "src/analysis/aggregate/transactions.py": [
        "x_summarize_transactions",
        "x_calibration_holdout_summary",
        "x__prepare",
        "x__customer_stats",
        "x__rows_until",
    ],
    "src/analysis/aggregate/periods.py": ["*"],
    "src/analysis/aggregate/sortkeys.py": ["*"],
}
COLUMNS = ("killed", "timeout", "survived", "no tests", "other")
MUTMUT = str(Path(sys.executable).with_name("mutmut"))


def config() -> dict:
    return tomllib.loads(Path("pyproject.toml").read_text())["tool"]["mutmut"]


def module_of_file(path: str, source_paths: list[str]) -> str:
    """``src/analysis/studies/stats.py`` -> ``analysis.studies.stats``."""
    p = Path(path).with_suffix("")
    for root in source_paths:
        if p.is_relative_to(root):
            return ".".join(p.relative_to(root).parts)
    return ".".join(p.parts)


def run(files: list[str]) -> None:
    cfg = config()
    roots = cfg.get("source_paths", ["src"])
    missing = sorted(set(files) - set(cfg.get("only_mutate", [])))
    if missing:
        sys.exit(f"not in [tool.mutmut] only_mutate: {missing}")
    for f in files:
        module = module_of_file(f, roots)
        names = [f"{module}.{fn}__mutmut_*" if fn != "*" else f"{module}.*" for fn in CORE[f]]
        print(f"== mutmut run {f}", flush=True)
        start = time.monotonic()
        subprocess.run([MUTMUT, "run", *names], check=True, env=os.environ)
        print(f"== {f}: {time.monotonic() - start:.0f} s", flush=True)


def statuses() -> dict[str, str]:
    """Mutant name -> status, as ``mutmut results`` reports it."""
    out = subprocess.run(
        [MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            found[name] = status
    return found


def report() -> int:
    roots = config().get("source_paths", ["src"])
    by_module = {module_of_file(f, roots): f for f in CORE}
    counts: dict[str, Counter] = {f: Counter() for f in CORE}
    for name, status in statuses().items():
        if status == "not checked":
            continue
        module = name.rsplit("__mutmut_", 1)[0].rpartition(".")[0]
        f = by_module.get(module, module)
        counts.setdefault(f, Counter())[status if status in COLUMNS else "other"] += 1
    rows = [(f, c) for f, c in counts.items() if sum(c.values())]
    if not rows:
        print("no mutmut results: run `make mutate` first")
        return 1
    width = max(len(f) for f, _ in rows) + 2
    print(f"{'file':<{width}}{'mutants':>8}" + "".join(f"{c:>10}" for c in COLUMNS) + "  killed")
    total = Counter()
    for _, c in rows:
        total.update(c)
    for f, c in [*rows, ("total", total)]:
        n = sum(c[k] for k in COLUMNS)
        share = 100 * (c["killed"] + c["timeout"]) / n
        cells = "".join(f"{c[k]:>10}" for k in COLUMNS)
        print(f"{f:<{width}}{n:>8}{cells}{share:>7.1f}%")
    return 0


def main(args: list[str]) -> int:
    if args != ["--report"]:
        chosen = [a for a in CORE if not args or any(a.endswith(x) for x in args)]
        if not chosen:
            sys.exit(f"none of {args} is a file of CORE: {list(CORE)}")
        run(chosen)
    return report()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
