"""Benchmark: the whole report suite (``python -m analysis report``) — wall time and peak memory.

Run: .venv/bin/python benchmarks/bench_reports.py [--data data/sample /tmp/sim100k /tmp/sim1m]
     [--only churn ltv] [--out-root DIR] [--max-rss-gb 20] [-p NAME VALUE ...]

For each ``--data`` folder (default: the committed sample) the report runner is started as a
subprocess, exactly as ``make report DATA=...`` does::

    python -m analysis report --data FOLDER --out OUT_ROOT/<folder name> --quiet

and, every ``--interval`` seconds (0.5), the resident memory (RSS) of its whole process tree
(the runner plus the Jupyter kernel that executes the current notebook) is sampled with psutil:
the peak of the tree's total and the peak of any single process are recorded, overall, per
report and per notebook cell. Nothing in the runner is changed; what it leaves behind tells
where it is:

* ``OUT/NAME.source.ipynb`` exists while notebook NAME executes (``run_report`` deletes it
  when the notebook ends), so each sample is attributed to a report;
* papermill saves the executed ``OUT/NAME.ipynb`` when each cell starts and ends, with the
  cell's ``status``/``duration`` in its metadata, so each sample is attributed to a cell and
  the slowest cells of each report are listed, and the failing cell (status ``failed``) gives
  the error and its traceback;
* a report's time is from its ``.source.ipynb`` appearing to its ``NAME.summary.html`` being
  written (execution + the two HTML exports); the execution alone is papermill's duration.

The runner's stdout/stderr go to ``OUT/runner.stdout`` / ``runner.stderr``. If the runner
fails, the failing report, the cell and the tail of the error are recorded and the script
exits 1 after the remaining data folders ran. ``--max-rss-gb`` kills the runner's tree when
its total RSS passes the limit (the machine is shared), recorded as a failure.

The runner is started with ``--jobs 1`` (one report at a time), so that each sample is
attributed to one report.

Prints a table and writes benchmarks/results/bench_reports.json (``--name``; rewritten after
each data folder, so a long run leaves partial results). The load average is recorded at the
start and end of each run: the machine is shared, so absolute times drift with it.

Then, from the smallest to the largest data it ran (by contacts, from the store's
``prepare.json``), the growth of each report: its time ratio beside the size ratio
(``100k -> 1M: x9.3 time for x10.0 contacts``), and the targets of issue #21, each printed
PASS, FAIL or SKIP (no run large enough to check it):

* at 1M contacts (a run within ``SIZE_TOLERANCE`` of ``TARGET_CONTACTS``: 0.9x to 1.11x), the whole
  suite takes at most ``MAX_WALL_S`` (600 s) wall time, and every report's peak memory
  (runner + kernel) is at most ``MAX_PEAK_GB`` (4 GB), and every report ran;
* at 5M contacts (``BIG_CONTACTS``, the same tolerance either way), every report ran and
  its peak memory is at most ``BIG_MAX_PEAK_GB`` (8 GB); its time is reported, not judged;
* each report's time grows at most in proportion to the data (``x10`` for 10x contacts,
  with ``GROWTH_SLACK``: x11 allowed), between the smallest and the largest run.

The script exits 1 on a FAIL (or a failed run); ``--report-only`` prints the same and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psutil

from analysis.reports.provenance import code_version

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, write_results  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
GB = 2**30

#: The targets of issue #21, checked on a run of this many contacts (a simulated "1M" store
#: has about that many: a run counts when it has SIZE_TOLERANCE to 1/SIZE_TOLERANCE of it).
TARGET_CONTACTS = 1_000_000
SIZE_TOLERANCE = 0.9
MAX_WALL_S = 600.0  # the whole suite, at 1M contacts
MAX_PEAK_GB = 4.0  # any one report, runner + kernel, at 1M contacts
BIG_CONTACTS = 5_000_000  # the suite completes here (no time target) ...
BIG_MAX_PEAK_GB = 8.0  # ... with every report under this
#: A report's time may grow this much faster than the data (1.1: x11 for 10x contacts).
GROWTH_SLACK = 1.1


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def tree_rss(proc: psutil.Process) -> tuple[int, int, int, dict[int, float]]:
    """(total RSS of ``proc`` and all its descendants, largest single RSS, its pid, CPU
    seconds (user + system) of each descendant by pid)."""
    total, biggest, pid, cpu = 0, 0, proc.pid, {}
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0, pid, cpu
    for p in procs:
        try:
            rss = p.memory_info().rss
            if p.pid != proc.pid:
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += rss
        if rss > biggest:
            biggest, pid = rss, p.pid
    return total, biggest, pid, cpu


def read_nb(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, or caught mid-write
        return None


def first_line(cell: dict) -> str:
    """A line that names what a cell does: its first top-level assignment after the imports
    (else its first line of code)."""
    src = "".join(cell.get("source", ""))
    code, in_import = [], False
    for ln in src.splitlines():
        if in_import:
            in_import = ")" not in ln
        elif ln.startswith(("import ", "from ")):
            in_import = "(" in ln and ")" not in ln
        elif ln.strip() and not ln.lstrip().startswith("#"):
            code.append(ln)
    assign = [ln for ln in code if not ln[0].isspace() and re.match(r"^[\w, \[\]\"'.]+ = ", ln)]
    lines = assign or code or [ln for ln in src.splitlines() if ln.strip()]
    return (lines[0] if lines else "")[:100]


def running_cell(nb: dict) -> int | None:
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            return i
    return None


def code_cell_numbers(nb: dict) -> dict[int, int]:
    """Notebook cell index -> ordinal among code cells (1-based, as papermill's 'In [N]')."""
    out, n = {}, 0
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            n += 1
            out[i] = n
    return out


def notebook_summary(path: Path, top: int = 5) -> dict:
    """Papermill's record of an executed notebook: duration, slowest cells, failure."""
    nb = read_nb(path)
    if nb is None:
        return {}
    meta = nb.get("metadata", {}).get("papermill", {})
    numbers = code_cell_numbers(nb)
    cells = []
    failed = None
    for i, cell in enumerate(nb.get("cells", [])):
        pm = cell.get("metadata", {}).get("papermill", {})
        if cell.get("cell_type") != "code" or "papermill-error-cell-tag" in cell.get(
            "metadata", {}
        ).get("tags", []):
            continue
        cells.append(
            {
                "cell": i,
                "code_cell": numbers.get(i),
                "status": pm.get("status"),
                "seconds": round(pm["duration"], 2) if pm.get("duration") else None,
                "first_line": first_line(cell),
            }
        )
        if pm.get("status") == "failed" or pm.get("exception") is True:
            err = next(
                (o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None
            )
            tb = ANSI.sub("", "\n".join(err.get("traceback", []))) if err else ""
            failed = {
                "cell": i,
                "code_cell": numbers.get(i),
                "first_line": first_line(cell),
                "source": "".join(cell.get("source", ""))[:2000],
                "ename": err.get("ename") if err else None,
                "evalue": (err.get("evalue") or "")[:2000] if err else None,
                "traceback_tail": tb[-3000:],
            }
    running = [c for c in cells if c["status"] == "running"]
    slowest = sorted((c for c in cells if c["seconds"] is not None), key=lambda c: -c["seconds"])[
        :top
    ]
    return {
        "papermill_seconds": round(meta["duration"], 1) if meta.get("duration") else None,
        "cells": len(cells),
        "slowest_cells": slowest,
        "failed_cell": failed,
        "running_cell": running[0] if running else None,
    }


def run_suite(
    data: str, out: Path, *, only, params, interval: float, max_rss: float | None
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.source.ipynb"):
        old.unlink()
    cmd = [sys.executable, "-m", "analysis", "report", "--data", data, "--out", str(out)]
    cmd += ["--quiet", "--jobs", "1"]  # one report at a time: each sample is one report's
    if only:
        cmd += ["--only", *only]
    for name, value in params:
        cmd += ["-p", name, value]
    res = {
        "data": data,
        "out": str(out),
        "command": " ".join(cmd),
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "loadavg_start": loadavg(),
        "code_start": code_version(),
    }
    folder = Path(data) if Path(data).is_absolute() else ROOT / data
    res["input_mb"] = {
        p.name: round(p.stat().st_size / 2**20, 1) for p in sorted(folder.iterdir()) if p.is_file()
    }
    stdout = open(out / "runner.stdout", "w")
    stderr = open(out / "runner.stderr", "w")
    t0 = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr)
    ps = psutil.Process(proc.pid)
    peak_total = peak_single = 0
    peak_single_cmd = ""
    reports: dict[str, dict] = {}
    order: list[str] = []
    current = None
    cell_seen: dict[str, tuple[float, int | None]] = {}  # report -> (ipynb mtime, cell)
    killed = None
    samples = 0
    while proc.poll() is None:
        total, single, pid, cpu = tree_rss(ps)
        samples += 1
        now = time.time()
        running = sorted(out.glob("*.source.ipynb"))
        name = running[0].name[: -len(".source.ipynb")] if running else None
        if name and name not in reports:
            try:
                start = running[0].stat().st_mtime
            except OSError:
                start = now
            reports[name] = {
                "start": start,
                "peak_total_gb": 0.0,
                "peak_single_gb": 0.0,
                "cell_peaks": {},
                "kernel_cpu": {},
            }
            order.append(name)
        if name:
            current = name
            r = reports[name]
            r["peak_total_gb"] = max(r["peak_total_gb"], total / GB)
            r["peak_single_gb"] = max(r["peak_single_gb"], single / GB)
            for kpid, secs in cpu.items():  # the kernel(s) started for this report
                if not any(kpid in o["kernel_cpu"] for n, o in reports.items() if n != name):
                    r["kernel_cpu"][kpid] = secs
            ipynb = out / f"{name}.ipynb"
            try:
                mtime = ipynb.stat().st_mtime
            except OSError:
                mtime = None
            seen = cell_seen.get(name)
            if mtime is not None and (seen is None or seen[0] != mtime):
                nb = read_nb(ipynb)
                cell = running_cell(nb) if nb else (seen[1] if seen else None)
                cell_seen[name] = (mtime, cell)
            cell = cell_seen.get(name, (None, None))[1]
            if cell is not None:
                key = str(cell)
                r["cell_peaks"][key] = max(r["cell_peaks"].get(key, 0.0), total / GB)
        if total > peak_total:
            peak_total = total
        if single > peak_single:
            peak_single = single
            try:
                peak_single_cmd = " ".join(psutil.Process(pid).cmdline())[:200]
            except psutil.Error:
                pass
        if max_rss and total > max_rss * GB:
            killed = (
                f"killed by the benchmark: tree RSS {total / GB:.1f} GB > "
                f"--max-rss-gb {max_rss} during {name or '?'}"
            )
            for p in [*ps.children(recursive=True), ps]:
                try:
                    p.kill()
                except psutil.Error:
                    pass
            break
        time.sleep(interval)
    rc = proc.wait()
    wall = time.time() - t0
    stdout.close()
    stderr.close()
    # the tree is shared: say whether the code changed while the reports ran
    res.update(
        {
            "returncode": rc,
            "wall_s": round(wall, 1),
            "loadavg_end": loadavg(),
            "code_end": code_version(),
            "peak_tree_rss_gb": round(peak_total / GB, 2),
            "peak_single_process_rss_gb": round(peak_single / GB, 2),
            "peak_single_process": peak_single_cmd,
            "rss_samples": samples,
            "interval_s": interval,
        }
    )
    # the runner's own per-report execution times (printed only when every report ran)
    runner_s = {}
    for line in (out / "runner.stdout").read_text(errors="replace").splitlines():
        m = re.match(r"^([\w.-]+): ([\d.]+) s -> ", line)
        if m:
            runner_s[m.group(1)] = float(m.group(2))
    rows = []
    prev_end = None
    for name in order:
        r = reports[name]
        summary = out / f"{name}.summary.html"
        end = (
            summary.stat().st_mtime
            if summary.is_file() and summary.stat().st_mtime >= r["start"]
            else None
        )
        start = r["start"] if prev_end is None else max(r["start"], prev_end)
        info = notebook_summary(out / f"{name}.ipynb")
        nb = read_nb(out / f"{name}.ipynb") or {}
        numbers = code_cell_numbers(nb)
        cells = nb.get("cells", [])
        cell_peaks = sorted(
            ((int(k), v) for k, v in r["cell_peaks"].items()), key=lambda kv: -kv[1]
        )[:5]
        rows.append(
            {
                "report": name,
                "status": "ok" if end else "failed",
                "seconds": round(end - start, 1) if end else None,
                "execute_seconds": runner_s.get(name, info.get("papermill_seconds")),
                # CPU the report's kernel used (last 0.5 s sample): compare with the wall time
                # to see how much the shared machine slowed it down
                "kernel_cpu_seconds": round(sum(r["kernel_cpu"].values()), 1),
                "peak_tree_rss_gb": round(r["peak_total_gb"], 2),
                "peak_single_process_rss_gb": round(r["peak_single_gb"], 2),
                "cells_by_peak_tree_rss": [
                    {
                        "cell": i,
                        "code_cell": numbers.get(i),
                        "peak_tree_rss_gb": round(v, 2),
                        "first_line": first_line(cells[i]) if i < len(cells) else "",
                    }
                    for i, v in cell_peaks
                ],
                **{k: v for k, v in info.items() if k != "papermill_seconds"},
            }
        )
        prev_end = end
    res["reports"] = rows
    res["rows"] = data_rows(folder, out)
    if rc != 0 or killed:
        failed = next((r for r in rows if r["status"] == "failed"), None)
        err = (out / "runner.stderr").read_text(errors="replace")
        res["failure"] = {
            "report": failed["report"] if failed else current,
            "cell": (failed or {}).get("failed_cell") or (failed or {}).get("running_cell"),
            "reason": killed or f"runner exited with {rc}",
            "stderr_tail": ANSI.sub("", err)[-4000:],
        }
    return res


def data_rows(folder: Path, out: Path) -> dict[str, int]:
    """Rows per table of the data a run read: the store's ``prepare.json`` (the data folder
    when it is a store, else the store the runner prepared into ``OUT/store``); {} if none."""
    for store in (folder, out / "store"):
        path = store / "prepare.json"
        if path.is_file():
            tables = json.loads(path.read_text(encoding="utf-8")).get("tables", {})
            return {t: int(v["rows"]) for t, v in tables.items()}
    return {}


def contacts(run: dict) -> int | None:
    """The size of a run's data: its contacts (None when unknown)."""
    n = (run.get("rows") or {}).get("contacts")
    return int(n) if n else None


def short(n: int) -> str:
    """A number of contacts as people say it: 8k, 100k, 1M, 1.2M."""
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if n >= size:
            v = n / size
            whole = v >= 10 or round(v, 1) == round(v)
            return f"{v:.0f}{unit}" if whole else f"{v:.1f}{unit}"
    return str(n)


def growth(runs: list[dict]) -> list[dict]:
    """Per report, from the smallest to the largest run (by contacts) where it has a time in
    both: the time and peak memory ratios beside the size ratio. [] with fewer than two
    runs of known, different sizes."""
    sized = sorted((r for r in runs if contacts(r)), key=contacts)
    if len(sized) < 2 or contacts(sized[0]) == contacts(sized[-1]):
        return []
    small, large = sized[0], sized[-1]
    size_ratio = contacts(large) / contacts(small)
    before = {x["report"]: x for x in small.get("reports", [])}
    out = []
    for x in large.get("reports", []):
        a = before.get(x["report"])
        if a is None:
            continue
        t0, t1 = a.get("seconds"), x.get("seconds")
        m0, m1 = a.get("peak_tree_rss_gb"), x.get("peak_tree_rss_gb")
        out.append(
            {
                "report": x["report"],
                "from": short(contacts(small)),
                "to": short(contacts(large)),
                "contacts": [contacts(small), contacts(large)],
                "size_ratio": round(size_ratio, 2),
                "seconds": [t0, t1],
                "time_ratio": round(t1 / t0, 2) if t0 and t1 else None,
                "peak_gb": [m0, m1],
                "memory_ratio": round(m1 / m0, 2) if m0 and m1 else None,
            }
        )
    return out


def _size_targets(
    runs: list[dict], contacts_at: int, *, max_wall_s: float | None, max_peak_gb: float
) -> list[dict]:
    """The targets at one size: the run with ``contacts_at`` contacts (within
    ``SIZE_TOLERANCE`` either way) has every report under ``max_peak_gb``, every report ran,
    and (when ``max_wall_s`` is given) the suite took at most that; SKIP without such a run."""
    label = short(contacts_at)
    names = [
        *([f"total wall <= {max_wall_s:.0f} s at {label}"] if max_wall_s is not None else []),
        f"peak memory <= {max_peak_gb:g} GB per report at {label}",
        f"every report runs at {label}",
    ]
    near = [
        r
        for r in runs
        if contacts_at * SIZE_TOLERANCE <= (contacts(r) or 0) <= contacts_at / SIZE_TOLERANCE
    ]
    if not near:
        return [{"target": t, "status": "SKIP", "detail": f"no run at {label}"} for t in names]
    run = max(near, key=contacts)
    at = f"{run['data']} ({contacts(run):,} contacts)"
    wall = run.get("wall_s")
    out = []
    if max_wall_s is not None:
        ok = wall is not None and wall <= max_wall_s
        out.append(
            {"target": names[0], "status": "PASS" if ok else "FAIL", "detail": f"{wall} s on {at}"}
        )
    reports = run.get("reports", [])
    peaks = {x["report"]: x.get("peak_tree_rss_gb") for x in reports}
    over = {k: v for k, v in peaks.items() if v is None or v > max_peak_gb}
    worst = max(peaks.items(), key=lambda kv: kv[1] or 0, default=(None, None))
    out.append(
        {
            "target": names[-2],
            "status": "PASS" if peaks and not over else "FAIL",
            "detail": (
                f"over: {', '.join(f'{k} {v} GB' for k, v in over.items())}"
                if over
                else f"highest {worst[0]} {worst[1]} GB"
                if peaks
                else "no report measured"
            ),
        }
    )
    failed = [x["report"] for x in reports if x.get("status") != "ok"]
    broke = run.get("returncode") not in (0, None) or "failure" in run
    out.append(
        {
            "target": names[-1],
            "status": "FAIL" if failed or broke or not reports else "PASS",
            "detail": (
                f"failed: {', '.join(failed) or run.get('failure', {}).get('reason', '?')}"
                if failed or broke
                else f"{len(reports)} reports in {wall} s on {at}"
            ),
        }
    )
    return out


def check_targets(
    runs: list[dict],
    grown: list[dict],
    *,
    target_contacts: int = TARGET_CONTACTS,
    max_wall_s: float = MAX_WALL_S,
    max_peak_gb: float = MAX_PEAK_GB,
    slack: float = GROWTH_SLACK,
) -> list[dict]:
    """The targets of issue #21 (see the module docstring), each ``{"target", "status"
    (PASS / FAIL / SKIP), "detail"}``. The size targets are checked on the run within
    ``SIZE_TOLERANCE`` of ``target_contacts`` (and of ``BIG_CONTACTS``); SKIP when there is
    none."""
    out = _size_targets(runs, target_contacts, max_wall_s=max_wall_s, max_peak_gb=max_peak_gb)
    out += _size_targets(runs, BIG_CONTACTS, max_wall_s=None, max_peak_gb=BIG_MAX_PEAK_GB)
    target = f"time grows <= x{slack:g} the data"
    if not grown:
        out.append({"target": target, "status": "SKIP", "detail": "fewer than two data sizes"})
    else:
        size = grown[0]["size_ratio"]
        limit = round(size * slack, 2)
        over = [g for g in grown if g["time_ratio"] is None or g["time_ratio"] > limit]
        out.append(
            {
                "target": target,
                "status": "FAIL" if over else "PASS",
                "detail": (
                    f"{grown[0]['from']} -> {grown[0]['to']} (x{size:g} contacts, limit "
                    f"x{limit:g}): "
                    + (
                        ", ".join(
                            f"{g['report']} "
                            + ("no time" if g["time_ratio"] is None else f"x{g['time_ratio']:g}")
                            for g in over
                        )
                        if over
                        else f"slowest growth x{max(g['time_ratio'] for g in grown):g}"
                    )
                ),
            }
        )
    return out


def print_growth(grown: list[dict]) -> None:
    if not grown:
        return
    g0 = grown[0]
    print(f"\ngrowth {g0['from']} -> {g0['to']} (x{g0['size_ratio']:g} contacts)")
    for g in grown:
        t = "-" if g["time_ratio"] is None else f"x{g['time_ratio']:g}"
        m = "-" if g["memory_ratio"] is None else f"x{g['memory_ratio']:g}"
        s0, s1 = g["seconds"]
        print(
            f"  {g['report']:<24}{g['from']} -> {g['to']}: {t} time ({s0} -> {s1} s), "
            f"{m} peak memory, for x{g['size_ratio']:g} contacts"
        )


def print_targets(targets: list[dict]) -> None:
    print("\ntargets (issue #21)")
    for t in targets:
        print(f"  {t['status']:<5} {t['target']}: {t['detail']}")


def verdict(runs: list[dict], targets: list[dict]) -> int:
    """The exit status: 1 when a run failed or a target is FAIL, else 0."""
    ok = all(r.get("returncode") == 0 and "failure" not in r for r in runs)
    return 0 if ok and not any(t["status"] == "FAIL" for t in targets) else 1


def print_run(r: dict) -> None:
    print(
        f"\n{r['data']}  ({sum(r['input_mb'].values()):.0f} MB of input)  "
        f"load average {r['loadavg_start']} -> {r['loadavg_end']}"
    )
    print(
        f"  {'report':<24}{'status':>7}{'time s':>9}{'exec s':>9}{'cpu s':>8}{'tree GB':>9}"
        f"{'1-proc GB':>10}  slowest cell"
    )
    for x in r["reports"]:
        slow = x.get("slowest_cells") or [{}]
        s = slow[0]
        cell = (
            f"[{s.get('code_cell')}] {s.get('seconds')} s {s.get('first_line', '')[:40]}"
            if s
            else ""
        )
        secs = "-" if x["seconds"] is None else f"{x['seconds']:.1f}"
        ex = "-" if x["execute_seconds"] is None else f"{x['execute_seconds']:.1f}"
        cpu = x.get("kernel_cpu_seconds")
        print(
            f"  {x['report']:<24}{x['status']:>7}{secs:>9}{ex:>9}{cpu if cpu else '-':>8}"
            f"{x['peak_tree_rss_gb']:>9.2f}{x['peak_single_process_rss_gb']:>10.2f}  {cell}"
        )
    print(
        f"  {'TOTAL':<24}{'ok' if r['returncode'] == 0 else 'FAILED':>7}{r['wall_s']:>9.1f}"
        f"{'':>17}{r['peak_tree_rss_gb']:>9.2f}{r['peak_single_process_rss_gb']:>10.2f}"
    )
    if "failure" in r:
        f = r["failure"]
        cell = f.get("cell") or {}
        print(
            f"  FAILED in {f['report']}, cell [{cell.get('code_cell')}] "
            f"{cell.get('first_line', '')!r}: {f['reason']}"
        )
        print("  " + "\n  ".join(f["stderr_tail"].strip().splitlines()[-8:]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data",
        action="append",
        nargs="+",
        default=None,
        help="data folder(s); repeatable (default data/sample)",
    )
    ap.add_argument("--only", nargs="*", default=None, help="report names to run")
    ap.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="passed on to the runner",
    )
    ap.add_argument(
        "--out-root",
        default=None,
        help="where the reports go, one folder per data set (default: a new "
        "temporary folder, kept for inspection)",
    )
    ap.add_argument("--interval", type=float, default=0.5, help="RSS sampling period, s")
    ap.add_argument(
        "--max-rss-gb",
        type=float,
        default=None,
        help="kill the runner's tree above this total RSS (shared machine)",
    )
    ap.add_argument("--name", default="bench_reports", help="results file name (without .json)")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="print the targets' PASS/FAIL but exit 0 on a FAIL (a failed run still exits 1)",
    )
    args = ap.parse_args()
    folders = [d for group in (args.data or [["data/sample"]]) for d in group]
    out_root = Path(args.out_root or tempfile.mkdtemp(prefix="bench-reports-"))
    print(f"reports written under {out_root}", flush=True)
    import pandas
    import papermill

    result = {
        "machine": {**machine(), "memory_gb": round(psutil.virtual_memory().total / GB, 1)},
        "versions": {"pandas": pandas.__version__, "papermill": papermill.__version__},
        "loadavg_start": loadavg(),
        "only": args.only,
        "params": args.param,
        "runs": [],
    }
    for data in folders:
        label = Path(data).name or "data"
        print(f"== {data} (load average {loadavg()})", flush=True)
        run = run_suite(
            data,
            out_root / label,
            only=args.only,
            params=args.param,
            interval=args.interval,
            max_rss=args.max_rss_gb,
        )
        result["runs"].append(run)
        result["loadavg_end"] = loadavg()
        print_run(run)
        sys.stdout.flush()
        write_results(args.name, result)
    result["growth"] = growth(result["runs"])
    result["targets"] = check_targets(result["runs"], result["growth"])
    write_results(args.name, result)
    print_growth(result["growth"])
    print_targets(result["targets"])
    status = verdict(result["runs"], result["targets"])
    if status and args.report_only:
        ok = all(r.get("returncode") == 0 and "failure" not in r for r in result["runs"])
        return 0 if ok else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
