"""What every adapter returns, and how adapter output becomes canonical tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.data.errors import Ledger, Source
from analysis.data.schema import CONTACTS, DEFAULT_TZ, EVENTS, ORDERS
from analysis.data.touches import attach_touches
from analysis.data.validate import Tables, validate_frames

TABLES = ("contacts", "events", "orders")
_COLUMNS = {"contacts": CONTACTS.names, "events": EVENTS.names, "orders": ORDERS.names}


def empty_table(table: str) -> pd.DataFrame:
    """A zero-row frame with the canonical columns of ``table``."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in _COLUMNS[table]})


@dataclass
class Adapted:
    """Adapter output: canonical-shaped frames (not yet validated) and the row ledger.

    ``sources`` names where each table came from (file names), so validation errors point
    at the export. Frames hold strings or typed columns; :func:`to_tables` validates them.
    """

    contacts: pd.DataFrame = field(default_factory=lambda: empty_table("contacts"))
    events: pd.DataFrame = field(default_factory=lambda: empty_table("events"))
    orders: pd.DataFrame = field(default_factory=lambda: empty_table("orders"))
    ledger: Ledger = field(default_factory=Ledger)
    sources: dict[str, list[Source]] = field(default_factory=dict)
    touches: pd.DataFrame | None = None  # optional (group sends, touches spreadsheets)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def combine(*parts: Adapted) -> Adapted:
    """Concatenate several adapters' output table by table (ledgers are appended)."""
    out = Adapted()
    for t in TABLES:
        frames = [p.table(t) for p in parts if len(p.table(t))]
        if frames:
            setattr(out, t, pd.concat(frames, ignore_index=True, sort=False))
        srcs = [
            s
            for p in parts
            if len(p.table(t))
            for s in (p.sources.get(t) or [Source("<adapter output>", 0)])
        ]
        if srcs:
            out.sources[t] = srcs
    touches = [p.touches for p in parts if p.touches is not None and len(p.touches)]
    if touches:
        out.touches = pd.concat(touches, ignore_index=True, sort=False)
        out.sources["touches"] = [
            s for p in parts if p.touches is not None for s in p.sources.get("touches", [])
        ]
    for p in parts:
        out.ledger.entries.extend(p.ledger.entries)
    return out


def _source_for(adapted: Adapted, table: str) -> Source:
    srcs = adapted.sources.get(table, [])
    if len(srcs) == 1:
        return srcs[0]  # row numbers of the one file
    name = " + ".join(s.file for s in srcs) if srcs else f"<{table} from adapters>"
    return Source(name, 0)


def to_tables(
    adapted: Adapted,
    *,
    vocabulary: Any = None,
    tz: str = DEFAULT_TZ,
    observed_until: Any = None,
    drop_orphans: bool = False,
    drop_before_join: bool = False,
    touch_rules: Any = None,
) -> Tables:
    """Validate adapter output into canonical :class:`~analysis.data.validate.Tables`.

    The ledger holds the adapters' steps first (their ``rows_in`` count export records:
    follow relations, group members, callbacks, spreadsheet rows), then the loader's steps.
    """
    srcs = {t: _source_for(adapted, t) for t in TABLES}
    frames = {t: adapted.table(t) for t in TABLES}
    ledger = Ledger(list(adapted.ledger.entries))
    files = {t: srcs[t].file for t in TABLES}
    tables = validate_frames(
        frames,
        srcs,
        files=files,
        vocabulary=vocabulary,
        tz=tz,
        observed_until=observed_until,
        drop_orphans=drop_orphans,
        drop_before_join=drop_before_join,
        ledger=ledger,
    )
    if adapted.touches is None:
        return tables
    return attach_touches(
        tables,
        adapted.touches,
        _source_for(adapted, "touches"),
        touch_rules=touch_rules,
        observed_until=observed_until,
        drop_orphans=drop_orphans,
        drop_before_join=drop_before_join,
    )


def from_unix(seconds: pd.Series | np.ndarray, tz: str) -> pd.Series:
    """Unix seconds → tz-aware timestamps (microsecond resolution)."""
    s = pd.to_datetime(pd.Series(seconds, dtype="int64"), unit="s", utc=True)
    return s.dt.tz_convert(tz).astype(f"datetime64[us, {tz}]")


def load_mapping(config: str | Path | Mapping | None, what: str) -> dict:
    """A mapping from a dict, a YAML/JSON file path, or None (empty)."""
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return dict(config)
    import yaml

    path = Path(config)
    from analysis.data.errors import DataError

    if not path.is_file():
        raise DataError(str(path), None, f"{what} file not found")
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, Mapping):
        raise DataError(str(path), None, f"a {what} must be a mapping, got {type(data).__name__}")
    return dict(data)
