"""Writing a simulation to a folder (tables plus ``truth/``) and reading its truth back.

CSV files are written byte-reproducibly: ISO 8601 times with the zone's offset, ``true`` /
``false`` booleans, Unix line ends, ``%.10g`` floats, and gzip members without a time
stamp or file name.
"""

from __future__ import annotations

import gzip
import json
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.reuse import reused
from analysis.simulate.tables import Simulation


def _fmt_ts(s: pd.Series) -> np.ndarray:
    """ISO 8601 strings with the zone's offset, e.g. 2025-03-01T14:05:09+08:00 (vectorised);
    missing times become empty strings."""
    ok = s.notna().to_numpy()
    local = s.dt.tz_localize(None).to_numpy()[ok].astype("datetime64[s]")
    utc = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()[ok].astype("datetime64[s]")
    off_min = ((local - utc).astype(np.int64) // 60).astype(np.int64)
    sign = np.where(off_min < 0, "-", "+").astype(object)
    a = np.abs(off_min)
    uniq, inv = np.unique(a, return_inverse=True)
    hhmm = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in uniq], dtype=object)[inv]
    out = np.full(len(s), "", dtype=object)
    out[ok] = np.datetime_as_string(local, unit="s").astype(object) + sign + hhmm
    return out


def _frame_for_csv(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[c] = _fmt_ts(s)
        elif pd.api.types.is_bool_dtype(s):
            out[c] = np.where(s, "true", "false")
        else:
            out[c] = s
    return pd.DataFrame(out)


def write_csv_rows(df: pd.DataFrame, fh, *, header: bool = True) -> None:
    """``df`` as CSV rows on an open (text or binary) file, in the simulator's formats."""
    _frame_for_csv(df).to_csv(
        fh, index=False, header=header, lineterminator="\n", float_format="%.10g"
    )


@contextmanager
def gzip_writer(path: Path):
    """A gzip file to write whose bytes do not depend on when or where it was written."""
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh,
    ):
        yield fh


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    if path.name.endswith(".gz"):
        with gzip_writer(path) as fh:
            write_csv_rows(df, fh)
    else:
        write_csv_rows(df, path)


def write_tables(sim: Simulation, out: Path, fmt: str) -> dict[str, Path]:
    """The canonical tables only (see :func:`write_simulation`)."""
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    if fmt == "csv":
        names = {"contacts": "contacts.csv", "orders": "orders.csv", "events": "events.csv.gz"}
        if sim.touches is not None:
            names["touches"] = "touches.csv.gz"
        for t, fname in names.items():
            paths[t] = out / fname
            _write_csv(getattr(sim, t), paths[t])
    elif fmt == "parquet":
        for t in ("contacts", "events", "orders", "touches"):
            if getattr(sim, t) is None:
                continue
            paths[t] = out / f"{t}.parquet"
            getattr(sim, t).to_parquet(paths[t], index=False, compression="zstd")
    else:
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    return paths


def write_simulation(sim: Simulation, out: str | Path, *, fmt: str = "csv") -> dict[str, Path]:
    """Write the tables (``fmt`` = ``csv``: contacts.csv, orders.csv, events.csv.gz and, in the
    touch worlds, touches.csv.gz; or ``parquet``) and the truth (``truth/params.json``,
    ``truth/users.csv.gz``)."""
    out = Path(out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    paths = write_tables(sim, out, fmt)
    paths["truth_users"] = out / "truth" / "users.csv.gz"
    _write_csv(sim.users, paths["truth_users"])
    paths["truth_params"] = out / "truth" / "params.json"
    paths["truth_params"].write_text(
        json.dumps(sim.params, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return paths


@reused
def read_truth(folder: str | Path) -> tuple[pd.DataFrame, dict, list[Path]]:
    """The simulator's truth written beside simulated data (``truth/users.csv.gz`` and
    ``truth/params.json``; see :func:`analysis.simulate.write_simulation`).

    Returns ``(users, params, files)``: per-user truth with string ids and tz-aware
    ``left_at``, the parameters, and the two file paths (for provenance).
    """
    folder = Path(folder)
    users_path, params_path = folder / "users.csv.gz", folder / "params.json"
    users = pd.read_csv(users_path, dtype={"user_id": "str", "left_kind": "str"})
    users["left_at"] = pd.to_datetime(users["left_at"], format="ISO8601")
    params = json.loads(params_path.read_text(encoding="utf-8"))
    tz = params.get("tz")
    if tz and getattr(users["left_at"].dtype, "tz", None) is not None:
        users["left_at"] = users["left_at"].dt.tz_convert(tz)
    return users, params, [users_path, params_path]
