"""Shared plumbing of the benchmark scripts: measure in a fresh subprocess, save results."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def run_child(code: str, *args) -> dict:
    """Run ``code`` in a fresh interpreter (so its peak RSS is its own); it must print one
    JSON object on its last line, which is returned."""
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def write_results(name: str, result: dict) -> Path:
    """Write ``benchmarks/results/<name>.json`` and say where."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return path
