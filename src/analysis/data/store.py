"""A prepared store: the canonical tables as Parquet, written by ``python -m analysis
prepare`` (:mod:`analysis.data.prepare`), with ``ledger.json`` (every repair and drop of the
raw exports, by reason, source file and count) and ``prepare.json`` (the SHA-256 of every
source file, the options used, the kit's version, the rows of each table).

Reports on a store read the Parquet files only; its ledger comes first in their ledger.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.data.errors import DataError, Ledger

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


def store_tz(folder: str | Path) -> str | None:
    """The time zone a store was prepared in, or None for a folder that is not one."""
    manifest = read_manifest(folder)
    return None if manifest is None else manifest.get("tz")


def stored_ledger(folder: str | Path) -> Ledger | None:
    """The prepare ledger of a store (steps prefixed ``prepare: ``), or None."""
    path = Path(folder) / LEDGER_FILE
    if not is_store(folder) or not path.is_file():
        return None
    entries = json.loads(path.read_text(encoding="utf-8"))
    return Ledger([{**e, "step": PREPARED + e["step"]} for e in entries])


def _store_parts(stores: list[Path]) -> list[dict]:
    parts = []
    for s in stores:
        manifest = read_manifest(s)
        if manifest is None:
            raise DataError(str(s), None, "not a prepared store (no prepare.json)")
        parts.append(manifest)
    names = [s.name for s in stores]
    if len(set(names)) < len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise DataError(
            ", ".join(str(s) for s in stores if s.name == twice),
            None,
            "stores to merge need different folder names (they name the sources)",
            examples=[twice],
        )
    for key in ("store_format", "kit_version", "tz", "options"):
        values = [json.dumps(m.get(key), sort_keys=True, default=str) for m in parts]
        if len(set(values)) > 1:
            odd = next(i for i, v in enumerate(values) if v != values[0])
            raise DataError(
                str(stores[odd]),
                None,
                f"its {key} differs from that of {stores[0]}",
                examples=[parts[odd].get(key), parts[0].get(key)],
                hint="stores are merged only when prepared with the same options",
            )
    vocab_files = [s / "vocabulary.yaml" for s in stores]
    vocabs = [f.read_bytes() if f.is_file() else None for f in vocab_files]
    odd = next((i for i, v in enumerate(vocabs) if v != vocabs[0]), None)
    if odd is not None:
        raise DataError(
            str(stores[odd] / "vocabulary.yaml"),
            None,
            f"the event vocabulary differs from that of {stores[0]} (or only one has one)",
            hint="stores are merged only when prepared with the same vocabulary",
        )
    return parts


def _merged_ledger(stores: list[Path]) -> list[dict]:
    """The stores' ledgers added up line by line (same table, step and detail)."""
    lines: dict[tuple, dict] = {}
    for s in stores:
        for e in json.loads((s / LEDGER_FILE).read_text(encoding="utf-8")):
            key = (e["table"], e["step"], e.get("detail", ""))
            if key not in lines:
                lines[key] = dict(e)
                continue
            for n in ("rows_in", "kept", "dropped", "repaired"):
                lines[key][n] += e[n]
    return list(lines.values())


def _check_unique(path: Path, column: str, stores: list[Path], table: str) -> None:
    """A merged store's ids are unique: a clear error naming the stores that share one."""
    import duckdb

    con = duckdb.connect()
    try:
        # one scan: how many ids repeat, and the smallest (the same example on every run)
        n, first = con.execute(
            f"SELECT count(*), min({column}) FROM (SELECT {column} FROM read_parquet(?) "
            "GROUP BY 1 HAVING count(*) > 1)",
            [str(path)],
        ).fetchone()
        if not n:
            return
        holders = [
            str(s)
            for s in stores
            if con.execute(
                f"SELECT count(*) FROM read_parquet(?) WHERE {column} = ?",
                [str(s / f"{table}.parquet"), first],
            ).fetchone()[0]
        ]
    finally:
        con.close()
    raise DataError(
        ", ".join(holders),
        column,
        f"{n:,} {column} value(s) occur in more than one of the {table} tables merged",
        examples=[first],
        hint="merge only stores of different contacts (e.g. renumber one brand's ids)",
    )


def merge_stores(stores: list[str | Path], out: str | Path) -> dict:
    """Write one store to ``out`` holding the tables of several ``stores`` one after another.

    The stores must have been prepared with the same options and time zone, and share no
    ``user_id`` or ``order_id`` (a :class:`DataError` names the stores and an example id).
    Tables are copied row group by row group, so memory stays that of one row group; the
    ledgers are added up line by line and the manifest lists every store's sources
    (``<store>/<file>``). Returns the manifest written.
    """
    import pyarrow.parquet as pq

    stores = [Path(s) for s in stores]
    out = Path(out)
    if not stores:
        raise ValueError("merge_stores needs at least one store")
    if any(out.resolve() == s.resolve() for s in stores):
        raise DataError(str(out), None, "the merged store must be another folder")
    parts = _store_parts(stores)
    out.mkdir(parents=True, exist_ok=True)
    (out / PREPARE_FILE).unlink(missing_ok=True)  # a half-written store is not a store
    tables: dict[str, dict] = {}
    for name in ("contacts", "events", "orders", "touches"):
        files = [s / f"{name}.parquet" for s in stores if (s / f"{name}.parquet").is_file()]
        (out / f"{name}.parquet").unlink(missing_ok=True)
        if not files:
            tables[name] = {"rows": 0, "sha256": None}
            continue
        if len(files) < len(stores):
            lacking = [str(s) for s in stores if not (s / f"{name}.parquet").is_file()]
            raise DataError(
                ", ".join(lacking), None, f"has no {name}.parquet, which the other stores have"
            )
        schema = pq.read_schema(files[0])
        rows = 0
        with pq.ParquetWriter(out / f"{name}.parquet", schema) as writer:
            for f in files:
                pf = pq.ParquetFile(f)
                if not pf.schema_arrow.equals(schema):
                    theirs = {x.name: str(x.type) for x in pf.schema_arrow}
                    ours = {x.name: str(x.type) for x in schema}
                    both = theirs.keys() | ours.keys()
                    odd = sorted(k for k in both if theirs.get(k) != ours.get(k))
                    raise DataError(
                        str(f),
                        odd[0] if odd else None,
                        f"its columns differ from those of {files[0]}",
                        examples=[f"{k}: {theirs.get(k)} here, {ours.get(k)} there" for k in odd],
                    )
                for i in range(pf.num_row_groups):
                    group = pf.read_row_group(i)
                    writer.write_table(group)
                    rows += group.num_rows
        tables[name] = {"rows": rows, "sha256": file_sha256(out / f"{name}.parquet")}
    _check_unique(out / "contacts.parquet", "user_id", stores, "contacts")
    if tables["orders"]["rows"]:
        _check_unique(out / "orders.parquet", "order_id", stores, "orders")
    (out / "vocabulary.yaml").unlink(missing_ok=True)  # not another brand's
    if (stores[0] / "vocabulary.yaml").is_file():
        (out / "vocabulary.yaml").write_bytes((stores[0] / "vocabulary.yaml").read_bytes())
    (out / LEDGER_FILE).write_text(
        json.dumps(_merged_ledger(stores), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    firsts = [m["observed"]["first"] for m in parts if m.get("observed", {}).get("first")]
    lasts = [m["observed"]["last"] for m in parts if m.get("observed", {}).get("last")]
    manifest = {
        "store_format": parts[0]["store_format"],
        "kit_version": parts[0].get("kit_version"),
        "sources": {
            f"{s.name}/{f}": v for s, m in zip(stores, parts) for f, v in m["sources"].items()
        },
        "options": parts[0]["options"],
        "tz": parts[0]["tz"],
        "tables": tables,
        "observed": {
            "first": min(firsts, key=_instant) if firsts else None,
            "last": max(lasts, key=_instant) if lasts else None,
        },
        "kit_file": parts[0].get("kit_file"),
        "merged_from": [s.name for s in stores],
    }
    (out / PREPARE_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


def _instant(iso: str):
    from datetime import datetime

    return datetime.fromisoformat(iso)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB pieces."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
