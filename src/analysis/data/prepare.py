"""From a folder of a brand's exports to a validated store: ``check`` and ``prepare``.

* :func:`check` reads and validates everything in a folder (raw WeCom / spreadsheet exports
  or canonical tables) with its ``kit.yaml`` options and returns the tables and the ledger;
  bad data raises :class:`~analysis.data.errors.DataError`.
* :func:`prepare` does the same, then writes the store (:mod:`analysis.data.store`): the
  canonical tables as Parquet, ``ledger.json``, ``prepare.json``; a copy of the vocabulary
  used. Re-running on unchanged inputs and options does nothing (the manifest's hashes match).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from analysis.data.errors import DataError, relative_ledger
from analysis.data.load import TABLES, load_tables
from analysis.data.options import KIT_FILE, KitOptions, read_options
from analysis.data.store import LEDGER_FILE, PREPARE_FILE, file_sha256, read_manifest
from analysis.data.validate import Tables

#: bump when the store's layout or the cleaning rules change what a store holds
STORE_FORMAT = 1


@dataclass
class Prepared:
    """What :func:`prepare` did: the store folder, whether it was already up to date, the
    manifest (``prepare.json``) and the ledger (a frame, empty when nothing was re-read)."""

    store: Path
    up_to_date: bool
    manifest: dict
    ledger: pd.DataFrame


def source_files(folder: Path) -> dict[str, dict]:
    """Every file of the data folder (not hidden, not in sub-folders) → size and SHA-256."""
    out = {}
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name.startswith("."):
            continue
        out[p.name] = {"bytes": p.stat().st_size, "sha256": file_sha256(p)}
    return out


def _kit_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("analysis")
    except PackageNotFoundError:  # a source checkout without install
        return "unknown"


def check(folder: str | Path, overrides: Mapping[str, Any] | None = None) -> Tables:
    """Read and validate the data in ``folder`` with its ``kit.yaml`` and ``overrides``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), None, "data folder not found")
    opts = read_options(folder, overrides)
    return load_tables(folder, **opts.load_kwargs())


def _inputs(folder: Path, opts: KitOptions) -> dict:
    options = opts.as_dict()
    for key in ("header_map", "state_map", "vocabulary"):
        if isinstance(getattr(opts, key), Mapping):  # given inline: record what it was
            options[key] = json.loads(json.dumps(getattr(opts, key), default=str))
    return {
        "store_format": STORE_FORMAT,
        "kit_version": _kit_version(),
        "sources": source_files(folder),
        "options": options,
    }


def prepare(
    folder: str | Path,
    store: str | Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    force: bool = False,
) -> Prepared:
    """Validate ``folder`` and write its store to ``store`` (see the module docstring).

    Nothing is re-read when ``store/prepare.json`` records the same source files (SHA-256),
    options and kit version, unless ``force``.
    """
    folder, store = Path(folder), Path(store)
    if not folder.is_dir():
        raise DataError(str(folder), None, "data folder not found")
    if store.resolve() == folder.resolve():
        raise DataError(str(store), None, "the store must be another folder than the exports")
    opts = read_options(folder, overrides)  # once: what is recorded is what is used
    inputs = _inputs(folder, opts)
    old = read_manifest(store)
    if not force and old is not None and {k: old.get(k) for k in inputs} == inputs:
        ledger = pd.DataFrame(json.loads((store / LEDGER_FILE).read_text(encoding="utf-8")))
        return Prepared(store, True, old, ledger)
    tables = load_tables(folder, **opts.load_kwargs())
    store.mkdir(parents=True, exist_ok=True)
    (store / PREPARE_FILE).unlink(missing_ok=True)  # a half-written store is not a store
    counts = {}
    (store / "touches.parquet").unlink(missing_ok=True)
    for name in (*TABLES, "touches"):
        df = getattr(tables, name, None)
        if df is None:  # the optional touches table: absent from the data, absent here
            counts[name] = {"rows": 0, "sha256": None}
            continue
        path = store / f"{name}.parquet"
        df.to_parquet(path, index=False)
        counts[name] = {"rows": len(df), "sha256": file_sha256(path)}
    vocab = opts.vocabulary
    (store / "vocabulary.yaml").unlink(missing_ok=True)
    if isinstance(vocab, Path):
        shutil.copyfile(vocab, store / "vocabulary.yaml")
    elif isinstance(vocab, Mapping):
        import yaml

        (store / "vocabulary.yaml").write_text(
            yaml.safe_dump(dict(vocab), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    ledger = relative_ledger(tables.ledger, folder)
    (store / LEDGER_FILE).write_text(
        json.dumps(ledger.to_dict(orient="records"), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    manifest = {
        **inputs,
        "tz": tables.tz,
        "tables": counts,
        "observed": _observed(tables),
        "kit_file": KIT_FILE if (folder / KIT_FILE).is_file() else None,
    }
    (store / PREPARE_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return Prepared(store, False, manifest, ledger)


def _observed(tables: Tables) -> dict:
    """First and last time in the data (for the index page and the manager reports)."""
    times = [
        s
        for s in (
            tables.contacts["joined_at"],
            tables.events["occurred_at"],
            tables.orders["ordered_at"],
        )
        if len(s)
    ]
    if not times:
        return {"first": None, "last": None}
    return {
        "first": min(s.min() for s in times).isoformat(),
        "last": max(s.max() for s in times).isoformat(),
    }
