"""A prepared store: the canonical tables as Parquet, written by ``python -m analysis
prepare`` (:mod:`analysis.data.prepare`), with ``ledger.json`` (every repair and drop of the
raw exports, by reason, source file and count) and ``prepare.json`` (the SHA-256 of every
source file, the options used, the kit's version, the rows of each table).

Reports on a store read the Parquet files only; its ledger comes first in their ledger.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.data.errors import Ledger

LEDGER_FILE = "ledger.json"
PREPARE_FILE = "prepare.json"
#: ledger steps carried from the raw exports are shown with this prefix
PREPARED = "prepare: "


def is_store(folder: str | Path) -> bool:
    return (Path(folder) / PREPARE_FILE).is_file()


def read_manifest(folder: str | Path) -> dict | None:
    """``prepare.json`` of a store, or None for a folder that is not one."""
    path = Path(folder) / PREPARE_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def stored_ledger(folder: str | Path) -> Ledger | None:
    """The prepare ledger of a store (steps prefixed ``prepare: ``), or None."""
    path = Path(folder) / LEDGER_FILE
    if not is_store(folder) or not path.is_file():
        return None
    entries = json.loads(path.read_text(encoding="utf-8"))
    return Ledger([{**e, "step": PREPARED + e["step"]} for e in entries])
