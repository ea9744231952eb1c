"""Command line: ``python -m analysis simulate ...`` and ``python -m analysis report ...``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from analysis.simulate.world import WORLDS


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description="Private-domain research kit"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sim = sub.add_parser("simulate", help="generate a simulated brand with ground truth")
    sim.add_argument("--users", type=int, default=8000, help="target number of contacts")
    sim.add_argument("--months", type=int, default=18)
    sim.add_argument("--seed", type=int, default=0)
    sim.add_argument("--start", default="2025-01-01")
    sim.add_argument(
        "--world",
        choices=list(WORLDS),
        default="effects",
        help="null: churn independent of the five values and everything else; null_silent, "
        "null_tenure, wrong_weights, small_effect: worlds that can catch the study out",
    )
    sim.add_argument("--format", choices=["csv", "parquet"], default="csv")
    sim.add_argument("--out", required=True, help="output folder")
    sim.add_argument("--quiet", action="store_true")

    ex = sub.add_parser(
        "export-raw",
        help="write canonical tables in the raw shapes of WeCom "
        "API exports and Excel/GBK spreadsheets (see docs/adapters.md)",
    )
    ex.add_argument("--data", default="data/sample", help="folder with canonical tables")
    ex.add_argument("--out", required=True, help="output folder for the raw exports")
    ex.add_argument("--seed", type=int, default=0)

    rep = sub.add_parser("report", help="run the report notebooks and write HTML")
    rep.add_argument("--data", default=None, help="folder with contacts/events/orders")
    rep.add_argument("--out", default="reports")
    rep.add_argument("--only", nargs="*", default=None, help="report names to run")
    rep.add_argument(
        "--params",
        default=None,
        metavar="FILE",
        help="YAML file of notebook parameters (name: value); -p overrides it",
    )
    rep.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a notebook parameter (JSON or text)",
    )
    rep.add_argument(
        "--engine",
        choices=["pandas", "duckdb", "spark"],
        default=None,
        help="where the reports that take an `engine` parameter run their "
        "per-user aggregations (duckdb/spark read the tables from disk)",
    )
    rep.add_argument(
        "--timeout",
        type=int,
        default=1800,
        metavar="SECONDS",
        help="how long one notebook cell may run (default 1800; raise it for millions of users)",
    )
    rep.add_argument("--quiet", action="store_true")

    args = parser.parse_args(argv)
    if args.command == "simulate":
        from analysis.simulate import simulate, write_simulation

        t0 = time.perf_counter()
        s = simulate(
            args.users,
            args.months,
            args.seed,
            start=args.start,
            world=args.world,
            progress=not args.quiet,
        )
        paths = write_simulation(s, args.out, fmt=args.format)
        if not args.quiet:
            c = s.params["counts"]
            print(
                f"wrote {c['contacts']:,} contacts, {c['events']:,} events, "
                f"{c['orders']:,} orders to {args.out} in {time.perf_counter() - t0:.1f} s"
            )
            for k, p in paths.items():
                print(f"  {k}: {p}")
        return 0
    if args.command == "export-raw":
        from analysis.simulate.raw_exports import main as export_main

        return export_main(["--data", args.data, "--out", args.out, "--seed", str(args.seed)])
    if args.command == "report":
        from analysis.reports.build import build_reports

        params = {}
        if args.params:
            import yaml

            with open(args.params, encoding="utf-8") as fh:
                loaded = yaml.safe_load(fh) or {}
            if not isinstance(loaded, dict):
                parser.error(f"{args.params}: expected a mapping of parameter names to values")
            params.update(loaded)
        params.update({k: _parse_value(v) for k, v in args.param})
        if args.engine:
            params["engine"] = args.engine
        defaults = {}
        if args.data:
            params["data_dir"] = args.data
            # simulator truth only where the data folder carries its own (never the sample's)
            defaults["truth_dir"] = str(Path(args.data) / "truth")
        results = build_reports(
            args.out,
            only=args.only,
            parameters=params,
            defaults=defaults,
            show_progress=not args.quiet,
            timeout=args.timeout,
        )
        for r in results:
            print(f"{r['name']}: {r['seconds']} s -> {args.out}/{r['html']}")
        print(f"index: {args.out}/index.html")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
