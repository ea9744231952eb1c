"""`make lab` starts JupyterLab (as root too) on the PORT and IP given, at the report
notebooks, which open as notebooks; the server is stopped at the end."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.paths import project_root

VENV = Path(sys.prefix)
pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or not (VENV / "bin" / "jupyter").is_file(),
    reason="needs make and JupyterLab in the environment running the tests",
)


def make_lab(*args, dry=False):
    # -o: the environment is taken as installed (it is the one running these tests)
    cmd = ["make", "-o", f"{VENV}/.installed", "lab", f"VENV={VENV}", *args]
    if dry:
        cmd.insert(1, "-n")
    return cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_passes_port_and_ip_and_allows_root_only_as_root():
    out = subprocess.run(
        make_lab("PORT=9123", "IP=0.0.0.0", dry=True),
        cwd=project_root(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--port=9123" in out and "--ip=0.0.0.0" in out
    assert ("--allow-root" in out) == (os.geteuid() == 0)
    assert "--FileContentsManager.preferred_dir=notebooks" in out


def test_make_lab_starts_at_the_report_notebooks(tmp_path):
    port = free_port()
    log = tmp_path / "lab.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            make_lab(f"PORT={port}", "IP=127.0.0.1"),
            cwd=project_root(),
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make and the server in one group, stopped together
            env={**os.environ, "DISPLAY": ""},
        )
    try:
        token = None
        deadline = time.monotonic() + 120
        while token is None and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            m = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", log.read_text())
            token = m.group(1) if m else time.sleep(0.5)
        assert token, log.read_text()

        def get(path):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}token={token}") as r:
                return r.read().decode()

        listing = json.loads(get("/api/contents/notebooks?"))
        names = {f["name"] for f in listing["content"]}
        assert {"data-overview.py", "churn.py"} <= names
        assert '"preferredPath": "notebooks"' in get("/lab?")  # the file browser opens there
        nb = json.loads(get("/api/contents/notebooks/churn.py?type=notebook&content=1&"))
        assert nb["type"] == "notebook" and nb["content"]["cells"]  # jupytext opens the .py
        assert "Running as root is not recommended" not in log.read_text()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
