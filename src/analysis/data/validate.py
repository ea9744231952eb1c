"""Checks across tables: orphans (rows of users not in contacts), rows after the
observation end, events before the join; personal data used as ids is named in the ledger;
:func:`validate_frames` runs them and returns the :class:`Tables` with their ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from analysis.data.clean import clean_contacts, clean_events, clean_orders, fail_rows
from analysis.data.errors import DataError, Ledger, Problems, Source
from analysis.data.schema import DEFAULT_TZ
from analysis.data.vocab import Vocabulary, load_vocabulary
from analysis.privacy import personal_data_columns


@dataclass
class Tables:
    """The three canonical tables, their row ledger and where they came from; ``touches`` is
    the optional table of what the brand sent (``None`` when the data has none)."""

    contacts: pd.DataFrame
    events: pd.DataFrame
    orders: pd.DataFrame
    ledger: pd.DataFrame
    files: dict[str, Path]
    vocabulary: Vocabulary
    tz: str = DEFAULT_TZ
    touches: pd.DataFrame | None = None


def _drop_orphans(
    df: pd.DataFrame, table: str, known: pd.Series, src: Source, ledger: Ledger, drop: bool
) -> pd.DataFrame:
    orphan = ~df["user_id"].isin(known)
    if drop:
        return ledger.drop(df, table, "users not in contacts dropped", orphan)
    fail_rows(
        src,
        "user_id",
        "user not found in contacts",
        orphan,
        df["user_id"],
        hint="add the users to contacts, or set `drop_orphans: true` in the data folder's "
        "kit.yaml (--drop-orphans; load_tables(..., drop_orphans=True)) to drop and count "
        "these rows",
    )
    return df


def _cut(
    df: pd.DataFrame, table: str, col: str, observed_until: pd.Timestamp | None, ledger: Ledger
) -> pd.DataFrame:
    if observed_until is None:
        return df
    step = f"rows after observed_until {observed_until.isoformat()} dropped"
    return ledger.drop(df, table, step, df[col] > observed_until)


def _flag_personal_data(table: str, df: pd.DataFrame, ledger: Ledger) -> None:
    """A ledger line per column that holds personal data (phone numbers, unionids, e-mail
    addresses): loaded as is, named with its row count (never a value). Reports show ids
    only as pseudonyms (:mod:`analysis.privacy`)."""
    for col, kind, n in personal_data_columns(df):
        ledger.add(
            table,
            f"personal data: {col} looks like {kind}",
            rows_in=len(df),
            rows_out=len(df),
            detail=f"{n} of {len(df)} rows; kept for loading, pseudonymised in every report",
        )


def _drop_late_joiners(
    df: pd.DataFrame, table: str, late: pd.Series, cut: pd.Timestamp, ledger: Ledger
) -> pd.DataFrame:
    """Rows (before the cut-off) of users whose contact row is after it: they had not joined
    by ``observed_until``, so their earlier rows (e.g. pre-join content views) go with them."""
    step = f"rows of users who joined after observed_until {cut.isoformat()} dropped"
    return ledger.drop(df, table, step, df["user_id"].isin(late))


def validate_tables(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    files: Mapping[str, str] | None = None,
    vocabulary: str | Path | Mapping | Vocabulary | None = None,
    tz: str = DEFAULT_TZ,
    observed_until: Any = None,
    drop_orphans: bool = False,
    drop_before_join: bool = False,
    row_offsets: Mapping[str, int] | None = None,
) -> Tables:
    """Validate raw frames (strings or typed) into canonical tables with a row ledger.

    The inputs are not modified. ``files`` names the source of each table in error messages;
    ``row_offsets`` turns positions into the row numbers users see (2 for CSV files).
    """
    files = dict(files or {})
    offsets = dict(row_offsets or {})
    src = {
        t: Source(str(files.get(t, f"<{t} frame>")), offsets.get(t, 0))
        for t in ("contacts", "events", "orders")
    }
    return validate_frames(
        {"contacts": contacts, "events": events, "orders": orders},
        src,
        files=files,
        vocabulary=vocabulary,
        tz=tz,
        observed_until=observed_until,
        drop_orphans=drop_orphans,
        drop_before_join=drop_before_join,
    )


def validate_frames(
    frames: Mapping[str, pd.DataFrame],
    src: Mapping[str, Source],
    *,
    files: Mapping[str, str],
    vocabulary,
    tz: str,
    observed_until: Any,
    drop_orphans: bool,
    drop_before_join: bool,
    ledger: Ledger | None = None,
) -> Tables:
    vocab = load_vocabulary(vocabulary)
    ledger = ledger if ledger is not None else Ledger()
    cut = None
    if observed_until is not None:
        cut = pd.Timestamp(observed_until)
        cut = cut.tz_localize(tz) if cut.tzinfo is None else cut.tz_convert(tz)

    each = Problems()  # the three tables are cleaned apart: report every table's problems
    c = each.attempt(
        clean_contacts,
        frames["contacts"].reset_index(drop=True),
        src["contacts"],
        tz=tz,
        ledger=ledger,
    )
    e = each.attempt(
        clean_events,
        frames["events"].reset_index(drop=True),
        src["events"],
        tz=tz,
        ledger=ledger,
        vocabulary=vocab,
    )
    o = each.attempt(
        clean_orders, frames["orders"].reset_index(drop=True), src["orders"], tz=tz, ledger=ledger
    )
    each.raise_any()

    if not len(c):
        raise DataError(
            files["contacts"],
            None,
            "no contacts: the table has no rows (a header only?)",
            hint="every report starts from contacts; check the export's filters and date range",
        )
    joined = c["user_id"]
    c = _cut(c, "contacts", "joined_at", cut, ledger)
    e = _cut(e, "events", "occurred_at", cut, ledger)
    o = _cut(o, "orders", "ordered_at", cut, ledger)
    if cut is not None:  # pre-join rows of users who joined after the cut-off: not orphans
        late = joined[~joined.isin(c["user_id"])]
        e = _drop_late_joiners(e, "events", late, cut, ledger)
        o = _drop_late_joiners(o, "orders", late, cut, ledger)
    e = _drop_orphans(e, "events", c["user_id"], src["events"], ledger, drop_orphans)
    o = _drop_orphans(o, "orders", c["user_id"], src["orders"], ledger, drop_orphans)

    joined = e["user_id"].map(c.set_index("user_id")["joined_at"])
    early = (e["occurred_at"] < joined) & ~e["event_type"].isin(vocab.pre_join_types)
    if drop_before_join:
        e = ledger.drop(e, "events", "events before the user joined dropped", early)
    elif bool(early.any()):
        shown = (
            e.loc[early, "event_type"]
            + " at "
            + e.loc[early, "occurred_at"].astype("str")
            + ", joined "
            + joined[early].astype("str")
        )
        fail_rows(
            src["events"],
            "occurred_at",
            "event before the user joined",
            early,
            shown.reindex(e.index),
            hint="only types marked pre_join in the vocabulary may precede joining; "
            "set `drop_before_join: true` in the data folder's kit.yaml (--drop-before-join; "
            "load_tables(..., drop_before_join=True)) to drop and count them",
        )

    for name, df in (("contacts", c), ("events", e), ("orders", o)):
        _flag_personal_data(name, df, ledger)
    out = {
        name: df.reset_index(drop=True)
        for name, df in (("contacts", c), ("events", e), ("orders", o))
    }
    for name, df in (("contacts", c), ("events", e), ("orders", o)):
        ledger.add(name, "final", rows_in=len(df), rows_out=len(out[name]))
        ledger.check_chain(name)
    return Tables(
        contacts=out["contacts"],
        events=out["events"],
        orders=out["orders"],
        ledger=ledger.to_frame(),
        files={k: Path(v) for k, v in files.items()},
        vocabulary=vocab,
        tz=tz,
    )
