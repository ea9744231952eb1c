"""Load the canonical tables from a folder: canonical files (CSV / Parquet) or raw exports.

:func:`load_tables` is the one entry point the reports use; what it checks and repairs is
listed in :mod:`analysis.data`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from analysis.data.errors import DataError
from analysis.data.read import SUFFIXES, find_table_file, read_raw
from analysis.data.schema import DEFAULT_TZ
from analysis.data.touches import attach_touches, touches_from_folder
from analysis.data.validate import Tables, validate_frames
from analysis.data.vocab import Vocabulary


def load_tables(
    folder: str | Path,
    *,
    vocabulary: str | Path | Mapping | Vocabulary | None = None,
    tz: str = DEFAULT_TZ,
    observed_until: Any = None,
    drop_orphans: bool = False,
    drop_before_join: bool = False,
    touch_rules: Any = None,
) -> Tables:
    """Read and validate ``contacts``, ``events`` and ``orders`` from ``folder``, and the
    optional ``touches`` (:mod:`analysis.data.touches`) when the folder has one.

    Parameters
    ----------
    folder
        Folder holding one file per table: ``<table>.csv``, ``.csv.gz`` or ``.parquet``; or a
        folder of raw exports (``wecom_contacts*.json`` etc., see ``docs/adapters.md``), which
        is read through :func:`analysis.data.adapters.load_raw`.
    vocabulary
        Event vocabulary (YAML path or dict); default
        :func:`analysis.data.vocab.default_vocabulary`.
        A file ``vocabulary.yaml`` in ``folder`` is used when this is None.
    tz
        Time zone that naive timestamps are read in and that all times are converted to.
    observed_until
        Analysis cut-off of the export; later rows are dropped and counted.
    drop_orphans, drop_before_join
        Turn those errors into counted drops (see the module docstring).
    touch_rules
        Rule table classifying touches (YAML path or dict); default ``touch_rules.yaml`` in
        ``folder``, else :data:`analysis.data.touches.RULES_FILE`.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), None, "data folder not found")
    canonical = any((folder / f"contacts{s}").is_file() for s in SUFFIXES)
    if not canonical and any(folder.glob("wecom_contacts*")):
        from analysis.data.adapters import load_raw  # a folder of raw WeCom / spreadsheet exports

        return load_raw(
            folder,
            vocabulary=vocabulary,
            tz=tz,
            observed_until=observed_until,
            drop_orphans=drop_orphans,
            drop_before_join=drop_before_join,
            touch_rules=touch_rules,
        )
    if vocabulary is None and (folder / "vocabulary.yaml").is_file():
        vocabulary = folder / "vocabulary.yaml"
    frames, files, srcs = {}, {}, {}
    for name in ("contacts", "events", "orders"):
        path = find_table_file(folder, name)
        frames[name], srcs[name] = read_raw(path)
        files[name] = str(path)
    tables = validate_frames(
        frames,
        srcs,
        files=files,
        vocabulary=vocabulary,
        tz=tz,
        observed_until=observed_until,
        drop_orphans=drop_orphans,
        drop_before_join=drop_before_join,
    )
    raw_touches, touch_src = touches_from_folder(folder)
    if touch_rules is None and (folder / "touch_rules.yaml").is_file():
        touch_rules = folder / "touch_rules.yaml"
    return attach_touches(
        tables,
        raw_touches,
        touch_src,
        touch_rules=touch_rules,
        observed_until=observed_until,
        drop_orphans=drop_orphans,
        drop_before_join=drop_before_join,
    )
