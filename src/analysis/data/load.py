"""Load the canonical tables from a folder: canonical files (CSV / Parquet) or raw exports.

:func:`load_tables` is the one entry point the reports use; what it checks and repairs is
listed in :mod:`analysis.data`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from analysis.data.errors import DataError
from analysis.data.options import read_options
from analysis.data.read import SUFFIXES, find_table_file, read_raw
from analysis.data.store import store_tz, stored_ledger
from analysis.data.touches import attach_touches, touches_from_folder
from analysis.data.validate import Tables, validate_frames
from analysis.data.vocab import Vocabulary

TABLES = ("contacts", "events", "orders")


def _is_canonical(folder: Path) -> bool:
    """One canonical file per table and nothing that asks for the adapters (raw WeCom
    exports, a header or state map)."""
    if any(folder.glob("wecom_*")) or any(
        (folder / f).is_file() for f in ("header_map.yaml", "state_map.yaml")
    ):
        return False
    return all(any((folder / f"{t}{s}").is_file() for s in SUFFIXES) for t in TABLES)


def load_tables(
    folder: str | Path,
    *,
    vocabulary: str | Path | Mapping | Vocabulary | None = None,
    tz: str | None = None,
    observed_until: Any = None,
    drop_orphans: bool | None = None,
    drop_before_join: bool | None = None,
    header_map: str | Path | Mapping | None = None,
    state_map: str | Path | Mapping | None = None,
    touch_rules: Any = None,
    referral_pattern: str | None = None,
    group_only: str | None = None,
) -> Tables:
    """Read and validate ``contacts``, ``events`` and ``orders`` from ``folder``, and the
    optional ``touches`` (:mod:`analysis.data.touches`) when the folder has one.

    Parameters
    ----------
    folder
        Folder holding one file per table: ``<table>.csv``, ``.csv.gz`` or ``.parquet``
        (canonical columns); or a folder of raw exports (``wecom_contacts*.json``,
        spreadsheets ``contacts*`` / ``events*`` / ``orders*`` with the brand's own headers,
        see ``docs/adapters.md``), read through :func:`analysis.data.adapters.load_raw`. A
        missing ``events`` or ``orders`` export gives an empty table (a ledger line says so);
        ``contacts`` with no rows is an error. A store written by ``python -m analysis
        prepare`` is read as canonical files, its ledger first.
    vocabulary
        Event vocabulary (YAML path or dict); default
        :func:`analysis.data.vocab.default_vocabulary`.
        A file ``vocabulary.yaml`` in ``folder`` is used when this is None.
    tz
        Time zone that naive timestamps are read in and that all times are converted to
        (default: a store's own, from its ``prepare.json``).
    observed_until
        Analysis cut-off of the export; later rows are dropped and counted.
    drop_orphans, drop_before_join
        Turn those errors into counted drops (see the module docstring).
    header_map, state_map, referral_pattern, group_only
        Spreadsheet header map, WeCom state map, the brand's referral state pattern and the
        rule for group members who are never contacts (see ``docs/adapters.md``).
    touch_rules
        Rule table classifying touches (YAML path or dict); default ``touch_rules.yaml`` in
        ``folder``, else :data:`analysis.data.touches.RULES_FILE`.

    Every option left as None comes from the folder's ``kit.yaml`` when it has one
    (:mod:`analysis.data.options`), else its default.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), None, "data folder not found")
    if tz is None:  # a store's times are read in the zone it was prepared in
        tz = store_tz(folder)
    opts = read_options(
        folder,
        {
            "vocabulary": vocabulary,
            "tz": tz,
            "observed_until": observed_until,
            "drop_orphans": drop_orphans,
            "drop_before_join": drop_before_join,
            "header_map": header_map,
            "state_map": state_map,
            "touch_rules": touch_rules,
            "referral_pattern": referral_pattern,
            "group_only": group_only,
        },
    )
    if not any(p.is_file() and not p.name.startswith(".") for p in folder.iterdir()):
        raise DataError(
            str(folder),
            None,
            "the data folder is empty",
            hint="expected contacts/events/orders tables (.csv, .csv.gz, .parquet) or raw "
            "exports (wecom_contacts*.json, contacts*.xlsx, ...; see docs/adapters.md)",
        )
    kw = opts.load_kwargs()
    if not _is_canonical(folder):
        from analysis.data.adapters import load_raw  # raw WeCom / spreadsheet exports

        tables = load_raw(folder, **kw)
    else:
        frames, files, srcs = {}, {}, {}
        for name in TABLES:
            path = find_table_file(folder, name)
            frames[name], srcs[name] = read_raw(path)
            files[name] = str(path)
        rules = kw.pop("touch_rules")
        for raw_only in ("header_map", "state_map", "referral_pattern", "group_only"):
            kw.pop(raw_only)
        tables = validate_frames(frames, srcs, files=files, ledger=stored_ledger(folder), **kw)
        raw_touches, touch_src = touches_from_folder(folder)
        tables = attach_touches(
            tables,
            raw_touches,
            touch_src,
            touch_rules=rules,
            observed_until=kw["observed_until"],
            drop_orphans=kw["drop_orphans"],
            drop_before_join=kw["drop_before_join"],
        )
    return tables
