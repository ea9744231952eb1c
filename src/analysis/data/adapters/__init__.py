"""Adapters from real exports to the canonical tables (see ``docs/adapters.md``).

* :mod:`analysis.data.adapters.wecom` — WeCom API JSON (external contacts, group chats) and the
  change callbacks;
* :mod:`analysis.data.adapters.wecom_touches` — WeCom group-send records (message list, tasks,
  per-recipient send results) → the optional ``touches`` table;
* :mod:`analysis.data.adapters.spreadsheet` — ``.xlsx`` / ``.xls`` workbooks and Excel CSV
  (GBK/GB18030, UTF-8 with or without BOM, UTF-16 "Unicode text") with Chinese headers through
  a documented, overridable header map;
* :mod:`analysis.simulate.raw_exports` — writes canonical tables back in these raw shapes
  (synthetic exports for tests and demos).

Each adapter returns an :class:`Adapted` (frames + row ledger); :func:`to_tables` validates
them with :mod:`analysis.data.load`; :func:`load_raw` does it all for a folder of exports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from analysis.data.adapters.common import Adapted, combine, to_tables
from analysis.data.adapters.spreadsheet import HEADER_MAP, header_map, read_spreadsheet
from analysis.data.adapters.wecom import (
    ADD_WAY,
    read_wecom,
    wecom_callbacks,
    wecom_contacts,
    wecom_groupchats,
)
from analysis.data.adapters.wecom_touches import SEND_STATUS, wecom_group_sends
from analysis.data.errors import DataError
from analysis.data.schema import DEFAULT_TZ
from analysis.data.validate import Tables

__all__ = [
    "ADD_WAY",
    "HEADER_MAP",
    "SEND_STATUS",
    "Adapted",
    "combine",
    "header_map",
    "load_raw",
    "read_raw_folder",
    "read_spreadsheet",
    "read_wecom",
    "to_tables",
    "wecom_callbacks",
    "wecom_contacts",
    "wecom_group_sends",
    "wecom_groupchats",
]

_SHEET_SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".xlsm", ".xls", ".txt")


def _glob(folder: Path, prefix: str, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.name.startswith(prefix) and p.name.lower().endswith(suffixes)
    )


def read_raw_folder(
    folder: str | Path,
    *,
    state_map: str | Path | Mapping | None = None,
    header_map: str | Path | Mapping | None = None,
    tz: str = DEFAULT_TZ,
) -> Adapted:
    """Read a folder of raw exports laid out as ``docs/adapters.md`` describes.

    ``wecom_contacts*.json``, ``wecom_groupchats*.json``, ``wecom_callbacks*.{jsonl,json,xml}``;
    ``wecom_groupmsg*.{json,jsonl}`` (group sends → touches);
    spreadsheets ``contacts*``, ``events*``, ``orders*``, ``touches*`` (``.xlsx``, ``.xlsm``,
    ``.xls``, ``.csv``, ``.csv.gz``, ``.txt``);
    optional ``state_map.yaml`` and ``header_map.yaml`` (used when the arguments are None).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), None, "raw export folder not found")
    if state_map is None and (folder / "state_map.yaml").is_file():
        state_map = folder / "state_map.yaml"
    if header_map is None and (folder / "header_map.yaml").is_file():
        header_map = folder / "header_map.yaml"
    contacts = _glob(folder, "wecom_contacts", (".json", ".jsonl"))
    groups = _glob(folder, "wecom_groupchats", (".json", ".jsonl"))
    callbacks = _glob(folder, "wecom_callbacks", (".json", ".jsonl", ".xml"))
    parts = []
    if contacts or groups or callbacks:
        parts.append(
            read_wecom(
                contacts=contacts or None,
                groupchats=groups or None,
                callbacks=callbacks or None,
                state_map=state_map,
                tz=tz,
            )
        )
    sends = _glob(folder, "wecom_groupmsg", (".json", ".jsonl"))
    if sends:
        parts.append(wecom_group_sends(sends, tz=tz))
    for table in ("contacts", "events", "orders", "touches"):
        for path in _glob(folder, table, _SHEET_SUFFIXES):
            parts.append(read_spreadsheet(path, table=table, header_map=header_map, tz=tz))
    if not parts:
        raise DataError(
            str(folder),
            None,
            "no raw exports found",
            hint="expected wecom_contacts*.json, events*.csv, orders*.xlsx, ...",
        )
    out = combine(*parts)
    for table in ("events", "orders"):
        if not out.sources.get(table) and not len(out.table(table)):
            out.ledger.add(
                table,
                "no export found: empty table",
                rows_in=0,
                rows_out=0,
                detail=f"no {table}* file in the folder; reports that need {table} are skipped",
            )
    return out


def load_raw(
    folder: str | Path,
    *,
    state_map: str | Path | Mapping | None = None,
    header_map: str | Path | Mapping | None = None,
    vocabulary: Any = None,
    tz: str = DEFAULT_TZ,
    observed_until: Any = None,
    drop_orphans: bool = False,
    drop_before_join: bool = False,
    touch_rules: Any = None,
) -> Tables:
    """Raw exports in ``folder`` → validated canonical :class:`~analysis.data.validate.Tables`.

    The ledger lists the adapters' steps first, then the loader's (see
    :func:`analysis.data.adapters.to_tables`).
    """
    folder = Path(folder)
    if vocabulary is None and (folder / "vocabulary.yaml").is_file():
        vocabulary = folder / "vocabulary.yaml"
    if touch_rules is None and (folder / "touch_rules.yaml").is_file():
        touch_rules = folder / "touch_rules.yaml"
    adapted = read_raw_folder(folder, state_map=state_map, header_map=header_map, tz=tz)
    return to_tables(
        adapted,
        vocabulary=vocabulary,
        tz=tz,
        observed_until=observed_until,
        drop_orphans=drop_orphans,
        drop_before_join=drop_before_join,
        touch_rules=touch_rules,
    )
