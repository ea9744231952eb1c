"""Command line: ``python -m analysis simulate | export-raw | check | prepare | report``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _data_options(cmd: argparse.ArgumentParser) -> None:
    """The options of ``kit.yaml`` (see :mod:`analysis.data.options`); given here, they win."""
    g = cmd.add_argument_group("data options (override the data folder's kit.yaml)")
    g.add_argument(
        "--drop-orphans",
        action="store_true",
        default=None,
        help="drop and count rows of users missing from contacts (kit.yaml: drop_orphans)",
    )
    g.add_argument(
        "--drop-before-join",
        action="store_true",
        default=None,
        help="drop and count events before the user joined (kit.yaml: drop_before_join)",
    )
    g.add_argument(
        "--observed-until",
        default=None,
        metavar="DATE",
        help="the export's cut-off; later rows are dropped and counted (observed_until)",
    )
    g.add_argument("--tz", default=None, help="time zone of times written without one (tz)")
    g.add_argument("--header-map", default=None, metavar="YAML", help="header_map")
    g.add_argument("--state-map", default=None, metavar="YAML", help="state_map")
    g.add_argument("--vocabulary", default=None, metavar="YAML", help="vocabulary")
    g.add_argument("--touch-rules", default=None, metavar="YAML", help="touch_rules")
    g.add_argument("--referral-pattern", default=None, metavar="REGEX", help="referral_pattern")
    g.add_argument("--group-only", default=None, choices=["keep", "drop"], help="group_only")


def _overrides(args: argparse.Namespace) -> dict:
    from analysis.data.options import KEYS

    return {k: getattr(args, k) for k in KEYS if getattr(args, k, None) is not None}


def _print_ledger(ledger) -> None:
    """The row ledger as a left-aligned text table (details cut at 60 characters)."""
    rows = [("table", "step", "in", "kept", "dropped", "repaired", "detail")]
    for e in ledger.to_dict(orient="records"):
        detail = str(e["detail"])
        rows.append(
            (
                e["table"],
                e["step"],
                *(f"{int(e[k]):,}" for k in ("rows_in", "kept", "dropped", "repaired")),
                detail if len(detail) <= 60 else detail[:59] + "…",
            )
        )
    widths = [max(_width(r[i]) for r in rows) for i in range(6)]
    for r in rows:
        cells = [_pad(r[0], widths[0]), _pad(r[1], widths[1])]
        cells += [_pad(c, w, right=True) for c, w in zip(r[2:6], widths[2:6])]
        print("  ".join(cells + [r[6]]).rstrip())


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters (East Asian wide / full-width)
    take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _check_or_prepare(args: argparse.Namespace) -> int:
    from analysis.data.errors import DataError

    try:
        if args.command == "check":
            from analysis.data.prepare import check

            tables = check(args.data, _overrides(args))
            _print_ledger(tables.ledger)
            print(_counts(tables.contacts, tables.events, tables.orders))
            print("the data can be used")
            return 0
        from analysis.data.prepare import prepare

        done = prepare(args.data, args.out, _overrides(args), force=args.force)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if done.up_to_date:
        print(f"{args.out} is up to date with {args.data} (prepare.json); nothing to do")
    else:
        _print_ledger(done.ledger)
        rows = {k: v["rows"] for k, v in done.manifest["tables"].items()}
        print(f"wrote {rows} to {args.out}")
    return 0


def _counts(contacts, events, orders) -> str:
    return f"{len(contacts):,} contacts, {len(events):,} events, {len(orders):,} orders"


def _simulate_store(args, t0: float) -> int:
    from analysis.simulate.shards import SHARD_USERS, simulate_store

    try:
        params = simulate_store(
            args.users,
            args.store,
            shard_users=SHARD_USERS if args.shard_users is None else args.shard_users,
            months=args.months,
            seed=args.seed,
            start=args.start,
            world=args.world,
            progress=not args.quiet,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        c = params["counts"]
        print(
            f"wrote {c['contacts']:,} contacts, {c['events']:,} events, {c['orders']:,} "
            f"orders in {params['shards']['n']} shards to the store {args.store} "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    return 0


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
        default="effects",  # (checked against the simulator's worlds when it runs)
        help="null: churn independent of the five values and everything else; null_silent, "
        "null_tenure, wrong_weights, small_effect: worlds that can catch the study out; "
        "touches: effects plus the brand's touches with known effects; touches-null: touches "
        "without",
    )
    sim.add_argument(
        "--format", choices=["csv", "parquet"], default=None, help="with --out (default csv)"
    )
    where = sim.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="output folder (tables and truth/)")
    where.add_argument(
        "--store",
        help="write a prepared store (with truth/) shard by shard, in the memory of one "
        "shard: for millions of contacts",
    )
    sim.add_argument(
        "--shard-users",
        type=int,
        default=None,
        help="with --store: contacts per shard (default 500000)",
    )
    sim.add_argument("--quiet", action="store_true")

    ex = sub.add_parser(
        "export-raw",
        help="write canonical tables in the raw shapes of WeCom "
        "API exports and Excel/GBK spreadsheets (see docs/adapters.md)",
    )
    ex.add_argument("--data", default="data/sample", help="folder with canonical tables")
    ex.add_argument("--out", required=True, help="output folder for the raw exports")
    ex.add_argument("--seed", type=int, default=0)

    chk = sub.add_parser(
        "check",
        help="read and validate a data folder (raw exports or tables); print the row ledger",
    )
    chk.add_argument("data", help="folder of raw exports or canonical tables")
    _data_options(chk)

    pre = sub.add_parser(
        "prepare",
        help="check a data folder, then write its validated tables as a Parquet store "
        "(with ledger.json and prepare.json); nothing is redone when the inputs are unchanged",
    )
    pre.add_argument("data", help="folder of raw exports or canonical tables")
    pre.add_argument("--out", required=True, help="store folder to write")
    pre.add_argument("--force", action="store_true", help="rebuild even when up to date")
    _data_options(pre)

    rep = sub.add_parser("report", help="run the report notebooks and write HTML")
    rep.add_argument(
        "--data",
        default=None,
        help="folder with your data (raw exports or tables): prepared into OUT/store first "
        "(cached by the files' hashes), and every report reads the store",
    )
    _data_options(rep)
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
        choices=["auto", "pandas", "duckdb", "spark"],
        default=None,
        help="where the reports that take an `engine` parameter run their "
        "per-user aggregations (duckdb/spark read the tables from disk; default auto: "
        "duckdb on a prepared store, pandas otherwise)",
    )
    rep.add_argument(
        "--memory-limit",
        default=None,
        metavar="SIZE",
        help="DuckDB's memory limit in each report (e.g. 8GB; past it DuckDB spills to "
        "disk; Spark's driver memory in local mode); default 4GB, or $ANALYSIS_MEMORY_LIMIT",
    )
    rep.add_argument(
        "--threads",
        default=None,
        metavar="N",
        help="cores DuckDB (or local Spark) uses in each report; default 2, or $ANALYSIS_THREADS",
    )
    rep.add_argument(
        "--timeout",
        type=int,
        default=1800,
        metavar="SECONDS",
        help="how long one notebook cell may run (default 1800; raise it for millions of users)",
    )
    rep.add_argument(
        "--jobs",
        default="auto",
        metavar="N",
        help="how many reports run at once, each in its own kernel (default auto: as many as "
        "the cores when the data is small, at most 32 MiB on disk like the sample; 1 on "
        "larger data, so only one kernel holds it in memory)",
    )
    rep.add_argument(
        "--langs",
        nargs="+",
        default=None,
        metavar="LANG",
        help="build the reports in each language: the first into OUT, the others into "
        "OUT/LANG (e.g. --langs en zh writes OUT and OUT/zh in one run)",
    )
    rep.add_argument(
        "--check-pages",
        action="store_true",
        help="open every page in headless Chromium, offline, as soon as its report is written "
        "(no console error, failed request, broken image or overflow; exit 1 otherwise) "
        "and photograph the summaries' first screen into OUT/screenshots (OUT/screenshots/LANG)",
    )
    rep.add_argument(
        "--full-screenshots",
        action="store_true",
        help="with --check-pages: photograph the whole summaries, not their first screen "
        "(~0.8 s of CPU a page)",
    )
    rep.add_argument("--quiet", action="store_true")

    args = parser.parse_args(argv)
    if args.command == "simulate":
        from analysis.simulate import simulate, write_simulation
        from analysis.simulate.touches import TOUCH_WORLDS
        from analysis.simulate.world import WORLDS

        t0 = time.perf_counter()
        worlds = [*WORLDS, *TOUCH_WORLDS]
        if args.world not in worlds:
            parser.error(f"--world: one of {', '.join(worlds)}, not {args.world!r}")
        if args.shard_users is not None and not args.store:
            parser.error("--shard-users goes with --store")
        if args.store and args.format:
            parser.error("--format goes with --out (a store is Parquet)")
        if args.shard_users is not None and args.shard_users < 10:
            parser.error(f"--shard-users: at least 10 contacts, not {args.shard_users}")
        if args.store:
            return _simulate_store(args, t0)
        s = simulate(
            args.users,
            args.months,
            args.seed,
            start=args.start,
            world=args.world,
            progress=not args.quiet,
        )
        paths = write_simulation(s, args.out, fmt=args.format or "csv")
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
    if args.command in ("check", "prepare"):
        return _check_or_prepare(args)
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
            from analysis.data.errors import DataError
            from analysis.data.prepare import prepare
            from analysis.data.store import is_store

            store = Path(args.data)
            if not is_store(store):
                store = Path(args.out) / "store"
                try:
                    done = prepare(args.data, store, _overrides(args))
                except DataError as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return 1
                if not args.quiet:
                    state = "up to date" if done.up_to_date else "prepared"
                    print(f"{args.data}: {state} in {store}")
            elif _overrides(args):
                parser.error("data options apply when preparing raw data, not to a store")
            params["data_dir"] = str(store.resolve())
            # simulator truth only where the data folder carries its own (never the sample's)
            defaults["truth_dir"] = str(Path(args.data).resolve() / "truth")
        if args.jobs != "auto" and not (args.jobs.isdigit() and int(args.jobs) > 0):
            parser.error(f"--jobs: a number of reports (1, 2, ...) or auto, not {args.jobs!r}")
        if args.langs and "lang" in params:
            parser.error("give the language either with --langs or with -p lang, not both")
        from analysis.engine.core import (
            MEMORY_ENV,
            THREADS_ENV,
            memory_setting,
            threads_setting,
        )

        # the engines' settings reach every report's kernel through its environment
        for value, check, env, flag in (
            (args.memory_limit, memory_setting, MEMORY_ENV, "--memory-limit"),
            (args.threads, threads_setting, THREADS_ENV, "--threads"),
        ):
            if value is not None:
                try:
                    check(value)
                except ValueError as exc:
                    parser.error(f"{flag}: {exc}")
                os.environ[env] = str(value).strip()
        if args.full_screenshots and not args.check_pages:
            parser.error("--full-screenshots goes with --check-pages")
        checks = _PageChecks(args.out, args.full_screenshots) if args.check_pages else None
        try:
            results = build_reports(
                args.out,
                only=args.only,
                parameters=params,
                defaults=defaults,
                show_progress=not args.quiet,
                timeout=args.timeout,
                jobs=args.jobs if args.jobs == "auto" else int(args.jobs),
                langs=args.langs,
                on_built=checks.add if checks else None,
            )
        except BaseException:
            if checks:
                checks.close()
            raise
        folders = [args.out] + [f"{args.out}/{lang}" for lang in (args.langs or [])[1:]]
        for r in results:
            folder = folders[0]
            if args.langs and r.get("out") and Path(r["out"]).name in args.langs[1:]:
                folder = f"{args.out}/{Path(r['out']).name}"
            if r.get("skipped"):
                print(f"{r['name']}: skipped ({r['skipped']})")
            elif r.get("failed"):
                cell = f" in cell [{r['cell']}]" if r.get("cell") is not None else ""
                where = f" -> {folder}/{r['html']}" if r.get("html") else ""
                print(f"{r['name']}: FAILED{cell} ({r['failed']}){where}", file=sys.stderr)
            else:
                print(f"{r['name']}: {r['seconds']} s -> {folder}/{r['html']}")
        for folder in folders:
            print(f"index: {folder}/index.html")
        failed = any(r.get("failed") for r in results)
        if checks:
            bad = checks.finish({r["out"] for r in results})
            return 1 if failed or bad else 0
        return 1 if failed else 0
    return 2


class _PageChecks:
    """``report --check-pages``: each report's pages opened in a browser as soon as they
    are written (:class:`~analysis.reports.browser.PageChecker`), the indexes at the end."""

    def __init__(self, out: str, full_page: bool = False):
        from analysis.paths import resolve
        from analysis.reports.browser import PageChecker, unavailable

        self.base, self.pages, self.futures, self.checker = resolve(out), [], [], None
        self.full_page = full_page
        self.t0 = time.perf_counter()
        why = unavailable()
        if why:
            print(f"browser check skipped: {why}")
        else:
            self.checker = PageChecker()

    def _submit(self, page: Path, shots: Path | None) -> None:
        if self.checker is not None and page.is_file():
            self.pages.append(page)
            self.futures.append(self.checker.submit(page, shots, self.full_page))

    def shots(self, folder: str | Path) -> Path:
        """Where the summaries of ``folder`` are photographed (OUT/screenshots[/LANG])."""
        return self.base / "screenshots" / Path(folder).relative_to(self.base)

    def add(self, result: dict) -> None:
        folder = Path(result["out"])
        for key, shots in (("summary", self.shots(folder)), ("html", None)):
            if result.get(key):
                self._submit(folder / result[key], shots)

    def finish(self, folders) -> int:
        """Check the indexes of ``folders``, wait for every check, print what went wrong;
        1 when a page has a problem."""
        from analysis.reports.browser import tell

        if self.checker is None:
            return 0
        for folder in sorted(folders, key=len):
            self._submit(Path(folder) / "index.html", None)
        try:
            checks = [f.result() for f in self.futures]
        except Exception as exc:  # noqa: BLE001  (the browser did not start, or crashed)
            print(f"browser check failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        finally:
            self.close()
        shots = sorted({str(self.shots(f)) for f in folders}, key=len)
        return tell(self.pages, checks, seconds=time.perf_counter() - self.t0, screenshots=shots)

    def close(self) -> None:
        if self.checker is not None:
            self.checker.close()


if __name__ == "__main__":
    sys.exit(main())
