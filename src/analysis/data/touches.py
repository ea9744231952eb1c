"""The optional ``touches`` table: what the brand sent, to whom, of what kind.

:func:`clean_touches` checks one raw touches frame (ids, times, channel, target) and fills
``kind`` and ``content_type`` from the export or, where the cell is empty, from the editable
rule table :data:`RULES_FILE` (:class:`TouchRules`): keywords in the message text decide the
kind, attachment types (then keywords) the content type. A touch no rule matches is
``unclassified`` and counted in the ledger; nothing is guessed.

:func:`expand_groups` turns a group message into one row per member of the group at the time
it was sent, from ``group_join`` / ``group_quit`` events that carry a ``group_id``.
:func:`attach_touches` runs both on a folder's touches file (``touches.csv`` / ``.csv.gz`` /
``.parquet``) and adds the table and its ledger lines to validated
:class:`~analysis.data.validate.Tables`; a folder without one keeps ``tables.touches = None``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.data.clean import check_columns, clean_ids, fail_rows, parse_times, text_column
from analysis.data.errors import DataError, Ledger, Source
from analysis.data.read import SUFFIXES, find_table_file, read_raw
from analysis.data.schema import TOUCH_CHANNELS, TOUCH_KINDS, TOUCHES

#: The default rule table, shipped with the package (copy and edit it to change the rules).
RULES_FILE = Path(__file__).with_name("touch_rules.yaml")

UNCLASSIFIED = "unclassified"

#: Columns of the canonical touches table, in order.
COLUMNS = TOUCHES.names


@dataclass(frozen=True)
class TouchRules:
    """The classification rules: ``kind`` (ordered ``(kind, keywords)``), content type by
    attachment type and by keyword (ordered), the type of a text-only message, and aliases of
    channel, kind and content type spellings."""

    kind: tuple[tuple[str, tuple[str, ...]], ...]
    attachments: dict[str, str]
    content_keywords: tuple[tuple[str, str], ...]
    text_only: str | None
    aliases: dict[str, dict[str, str]]

    def kind_of(self, text: pd.Series) -> pd.Series:
        """The kind of each message text (``unclassified`` when no rule's keyword occurs)."""
        out = pd.Series(UNCLASSIFIED, index=text.index, dtype="str")
        todo = text.notna()
        for kind, words in self.kind:
            hit = todo & _contains_any(text, words)
            out[hit] = kind
            todo &= ~hit
        return out

    def content_type_of(self, attachment: pd.Series, text: pd.Series) -> pd.Series:
        """The content type from the first attachment type that maps, else the text's
        keywords, else ``text_only`` for a text without attachment (else ``unclassified``)."""
        out = pd.Series(UNCLASSIFIED, index=text.index, dtype="str")
        done = pd.Series(False, index=text.index)
        first = attachment.fillna("").astype("str").str.split(r"[,;|\s]+", regex=True)
        for pos in range(int(first.str.len().max() or 0)):
            kinds = first.str[pos].str.strip().str.lower().map(self.attachments)
            hit = ~done & kinds.notna()
            out[hit] = kinds[hit]
            done |= hit
        for word, ctype in self.content_keywords:
            hit = ~done & text.fillna("").str.contains(word, regex=False)
            out[hit] = ctype
            done |= hit
        bare = attachment.isna() | (attachment.astype("str").str.strip() == "")
        if self.text_only:
            hit = ~done & bare & text.notna() & (text.str.strip() != "")
            out[hit] = self.text_only
        return out


def _contains_any(text: pd.Series, words: tuple[str, ...]) -> pd.Series:
    hit = pd.Series(False, index=text.index)
    for w in words:
        hit |= text.fillna("").str.contains(w, regex=False)
    return hit


def load_touch_rules(config: str | Path | Mapping | TouchRules | None = None) -> TouchRules:
    """The rule table from a YAML file or a mapping of the shape of :data:`RULES_FILE`;
    ``None``: the default file."""
    if isinstance(config, TouchRules):
        return config
    import yaml

    where = str(config) if config is not None and not isinstance(config, Mapping) else "rules"
    if config is None or not isinstance(config, Mapping):
        path = RULES_FILE if config is None else Path(config)
        if not path.is_file():
            raise DataError(str(path), None, "touch rule table not found")
        where = str(path)
        with open(path, encoding="utf-8") as fh:
            config = yaml.safe_load(fh) or {}
    if not isinstance(config, Mapping):
        raise DataError(where, None, "a touch rule table must be a mapping")
    kinds = []
    for i, rule in enumerate(config.get("kind") or []):
        kind = str(rule.get("kind", ""))
        if kind not in TOUCH_KINDS:
            raise DataError(
                where,
                "kind",
                f"rule {i + 1}: unknown kind {kind!r}",
                examples=[kind],
                hint=f"kinds are {list(TOUCH_KINDS)}",
            )
        kinds.append((kind, tuple(str(w) for w in rule.get("keywords") or [])))
    ctype = config.get("content_type") or {}
    aliases = config.get("aliases") or {}
    return TouchRules(
        kind=tuple(kinds),
        attachments={str(k).lower(): str(v) for k, v in (ctype.get("attachments") or {}).items()},
        content_keywords=tuple((str(k), str(v)) for k, v in (ctype.get("keywords") or {}).items()),
        text_only=ctype.get("text_only"),
        aliases={
            c: {str(k): str(v) for k, v in (aliases.get(c) or {}).items()}
            for c in ("channel", "kind", "content_type")
        },
    )


def _drop(df: pd.DataFrame, bad, step: str, ledger: Ledger, detail: str = "") -> pd.DataFrame:
    """``df`` without the rows where ``bad`` is true, the drop counted as ledger ``step``."""
    bad = np.asarray(bad, dtype=bool)
    kept = df.loc[~bad]
    ledger.add(
        "touches",
        step,
        rows_in=len(df),
        rows_out=len(kept),
        dropped=int(bad.sum()),
        detail=detail,
    )
    return kept


def _aliased(s: pd.Series, col: str, rules: TouchRules, ledger: Ledger) -> pd.Series:
    table = rules.aliases.get(col, {})
    hit = s.isin(list(table))
    if bool(hit.any()):
        ledger.add(
            "touches",
            f"{col}: spellings mapped by the rule table's aliases",
            rows_in=len(s),
            rows_out=len(s),
            repaired=int(hit.sum()),
            detail=", ".join(f"{k}->{v}" for k, v in table.items() if k in set(s[hit])),
        )
    return s.replace(table)


def _classified(
    given: pd.Series, rule: pd.Series, col: str, ledger: Ledger
) -> tuple[pd.Series, int]:
    """``given`` where present, else ``rule``; the ledger counts both fills."""
    empty = given.isna()
    out = given.where(~empty, rule)
    n = len(out)
    by_rule = empty & (rule != UNCLASSIFIED)
    if bool(by_rule.any()):
        ledger.add(
            "touches",
            f"{col}: classified by the rule table",
            rows_in=n,
            rows_out=n,
            repaired=int(by_rule.sum()),
            detail=", ".join(f"{k} x{v}" for k, v in out[by_rule].value_counts().items()),
        )
    left = empty & (rule == UNCLASSIFIED)
    if bool(left.any()):
        ledger.add(
            "touches",
            f"{col}: unclassified (no value and no rule matched)",
            rows_in=n,
            rows_out=n,
            repaired=int(left.sum()),
            detail="left as 'unclassified'; add keywords to the rule table to classify them",
        )
    return out.astype("str"), int(left.sum())


def clean_touches(
    raw: pd.DataFrame,
    src: Source,
    *,
    tz: str,
    ledger: Ledger,
    rules: TouchRules | None = None,
) -> pd.DataFrame:
    """One raw touches frame → canonical columns (not yet expanded to group members).

    Errors name the file, column, rows and examples: a missing id or time, an unknown channel
    or kind, a row with neither ``user_id`` nor ``group_id``, a ``group`` touch without a
    ``group_id``."""
    rules = rules or load_touch_rules()
    raw = raw.reset_index(drop=True)
    src.start_ledger("touches", len(raw), ledger)
    check_columns(raw, TOUCHES, src)
    if "user_id" not in raw.columns and "group_id" not in raw.columns:
        raise DataError(
            src.file,
            "user_id",
            "a touches table needs a user_id or a group_id column (whom it reached)",
            examples=list(raw.columns)[:8],
        )
    df = pd.DataFrame(index=raw.index)
    df["touch_id"] = clean_ids(raw, "touch_id", src, required=True, ledger=ledger, table="touches")
    df["sent_at"] = parse_times(raw, "sent_at", src, tz, "touches", ledger)
    for col in ("user_id", "group_id", "sender"):
        df[col] = (
            clean_ids(raw, col, src, required=False, ledger=ledger, table="touches")
            if col in raw.columns
            else pd.Series(None, index=raw.index, dtype="str")
        )
    fail_rows(
        src,
        "user_id",
        "touch without a target (neither user_id nor group_id)",
        df["user_id"].isna() & df["group_id"].isna(),
        raw["touch_id"],
        hint="a 1:1 message or Moments post names the user, a group message the group",
    )
    channel = _aliased(
        text_column(raw, "channel", ledger=ledger, table="touches"), "channel", rules, ledger
    )
    fail_rows(
        src,
        "channel",
        f"unknown channel (known: {list(TOUCH_CHANNELS)})",
        ~channel.isin(TOUCH_CHANNELS),
        raw["channel"],
        hint="add the spelling to the rule table's aliases.channel",
    )
    fail_rows(
        src,
        "group_id",
        "group touch without a group_id",
        (channel == "group") & df["group_id"].isna() & df["user_id"].isna(),
        raw["touch_id"],
    )
    df["channel"] = channel
    text = (
        raw["text"].astype("str").where(raw["text"].notna(), None)
        if "text" in raw.columns
        else pd.Series(None, index=raw.index, dtype="str")
    )
    attach = (
        raw["attachment_type"].astype("str").where(raw["attachment_type"].notna(), None)
        if "attachment_type" in raw.columns
        else pd.Series(None, index=raw.index, dtype="str")
    )
    for col in ("kind", "content_type"):
        given = (
            _aliased(text_column(raw, col, ledger=ledger, table="touches"), col, rules, ledger)
            if col in raw.columns
            else pd.Series(None, index=raw.index, dtype="str")
        )
        if col == "kind":
            known = given.isna() | given.isin(TOUCH_KINDS) | (given == UNCLASSIFIED)
            fail_rows(
                src,
                "kind",
                f"unknown kind (known: {list(TOUCH_KINDS)})",
                ~known,
                raw["kind"] if "kind" in raw.columns else given,
                hint="add the spelling to the rule table's aliases.kind, or leave the cell "
                "empty to classify it by its text",
            )
            rule = rules.kind_of(text)
        else:
            rule = rules.content_type_of(attach, text)
        df[col], _ = _classified(given, rule, col, ledger)
    df["campaign"] = (
        text_column(raw, "campaign", ledger=ledger, table="touches")
        if "campaign" in raw.columns
        else pd.Series(None, index=raw.index, dtype="str")
    )
    df = df[COLUMNS]
    exact = df.duplicated(keep="first")
    if bool(exact.any()):
        df = _drop(df, exact, "exact duplicate rows dropped", ledger)
    return df.reset_index(drop=True)


def memberships(events: pd.DataFrame) -> pd.DataFrame:
    """Who was in which group when: one row per stay, ``user_id``, ``group_id``, ``start``
    (the ``group_join``; NaT for a quit with no join before it) and ``end`` (the next
    ``group_quit``; NaT while still a member)."""
    cols = ["user_id", "group_id", "start", "end"]
    if "group_id" not in events.columns:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    e = events.loc[
        events["group_id"].notna() & events["event_type"].isin(["group_join", "group_quit"]),
        ["user_id", "group_id", "occurred_at", "event_type"],
    ]
    e = e.sort_values(["user_id", "group_id", "occurred_at"], kind="stable")
    join = e["event_type"].eq("group_join")
    e = e.assign(stay=join.groupby([e["user_id"], e["group_id"]]).cumsum())
    # a quit closes the stay it follows; a second join before any quit starts a new one
    starts = e.loc[join].groupby(["user_id", "group_id", "stay"])["occurred_at"].min()
    ends = e.loc[~join].groupby(["user_id", "group_id", "stay"])["occurred_at"].min()
    out = pd.concat({"start": starts, "end": ends}, axis=1).reset_index()
    return out[cols]


def expand_groups(
    touches: pd.DataFrame, events: pd.DataFrame, *, src: Source, ledger: Ledger
) -> pd.DataFrame:
    """Group messages (rows with a ``group_id`` and no ``user_id``) → one row per member of
    the group when it was sent; other rows unchanged. Sorted by time, touch and user."""
    group = touches["user_id"].isna()
    if not bool(group.any()):
        return touches.sort_values(["sent_at", "touch_id", "user_id"], kind="stable")
    stays = memberships(events)
    if stays.empty:
        raise DataError(
            src.file,
            "group_id",
            "group touches need group membership, but no group_join / group_quit event "
            "carries a group_id",
            n_rows=int(group.sum()),
            examples=touches.loc[group, "group_id"].head(3).tolist(),
            hint="add a group_id column to the events table (the group of each group_join "
            "and group_quit), or give touches one row per recipient user_id",
        )
    g = touches.loc[group].drop(columns="user_id").reset_index(names="_row")
    m = g.merge(stays, on="group_id", how="left")
    inside = (m["start"].isna() | (m["start"] <= m["sent_at"])) & (
        m["end"].isna() | (m["sent_at"] < m["end"])
    )
    inside &= m["user_id"].notna()
    m = m.loc[inside]
    empty = ~g["_row"].isin(m["_row"])
    expanded = m[COLUMNS]
    if bool(empty.any()):  # counted on the messages; the expansion below starts afresh
        _drop(
            g,
            empty,
            "group messages that reached no member dropped",
            ledger,
            detail="no member of the group at the time it was sent",
        )
    n_out = len(touches) - len(g) + len(expanded)
    ledger.add(
        "touches",
        "group messages expanded to members (from here a row is one recipient)",
        rows_in=n_out,
        rows_out=n_out,
        detail=f"{len(g) - int(empty.sum())} group messages -> {len(expanded)} member rows",
    )
    out = pd.concat([touches.loc[~group], expanded], ignore_index=True)
    return out.sort_values(["sent_at", "touch_id", "user_id"], kind="stable").reset_index(drop=True)


def find_touches_file(folder: str | Path) -> Path | None:
    """``folder/touches.{parquet,csv,csv.gz}`` if there is one (more than one is an error)."""
    folder = Path(folder)
    if not any((folder / f"touches{s}").is_file() for s in SUFFIXES):
        return None
    return find_table_file(folder, "touches")


def attach_touches(
    tables: Any,
    raw: pd.DataFrame | None,
    src: Source | None = None,
    *,
    touch_rules: Any = None,
    observed_until: Any = None,
    drop_orphans: bool = False,
    drop_before_join: bool = False,
) -> Any:
    """``tables`` with ``touches`` cleaned from ``raw``, group messages expanded, rows after
    ``observed_until`` cut, and users checked against contacts (orphans and touches before the
    user joined are errors, or counted drops with the flags); ``raw=None``: unchanged."""
    if raw is None:
        return tables
    src = src or Source("<touches frame>", 0)
    ledger = Ledger()
    rules = load_touch_rules(touch_rules)
    t = clean_touches(raw, src, tz=tables.tz, ledger=ledger, rules=rules)
    t = expand_groups(t, tables.events, src=src, ledger=ledger)
    if observed_until is not None:
        cut = pd.Timestamp(observed_until)
        cut = cut.tz_localize(tables.tz) if cut.tzinfo is None else cut.tz_convert(tables.tz)
        step = f"rows after observed_until {cut.isoformat()} dropped"
        t = _drop(t, t["sent_at"] > cut, step, ledger)
    joined = t["user_id"].map(tables.contacts.set_index("user_id")["joined_at"])
    # a group's member rows before the member became a contact (a quit with no join in the
    # export reads as "a member since before it"): not the export's claim, so dropped, counted
    early = (t["group_id"].notna() & joined.notna() & (t["sent_at"] < joined)).to_numpy()
    if bool(early.any()):
        t = _drop(t, early, "group message rows from before the member joined dropped", ledger)
        joined = joined.loc[~early]
    for bad, flag, problem, hint in (
        (
            joined.isna(),
            drop_orphans,
            "user not found in contacts",
            "load with drop_orphans=True to drop and count these rows",
        ),
        (
            joined.notna() & (t["sent_at"] < joined),
            drop_before_join,
            "touch before the user joined",
            "load with drop_before_join=True to drop and count these rows",
        ),
    ):
        if flag:
            t = _drop(t, bad, f"{problem}: dropped", ledger)
            joined = joined.loc[~bad.to_numpy()]
        elif bool(bad.any()):
            shown = t["touch_id"] + " -> " + t["user_id"].fillna("")
            raise DataError(
                src.file,
                "user_id",
                problem,
                n_rows=int(bad.sum()),
                examples=shown[bad.to_numpy()].head(3).tolist(),
                hint=hint,
            )
    t = t.reset_index(drop=True)
    ledger.add("touches", "final", rows_in=len(t), rows_out=len(t))
    frame = pd.concat([tables.ledger, ledger.to_frame()], ignore_index=True)
    files = dict(tables.files)
    files["touches"] = Path(src.file)
    return dataclasses.replace(tables, touches=t, ledger=frame, files=files)


def touches_from_folder(folder: str | Path) -> tuple[pd.DataFrame | None, Source | None]:
    """The raw touches frame of a canonical folder and its source, or ``(None, None)``."""
    path = find_touches_file(folder)
    if path is None:
        return None, None
    return read_raw(path)


__all__ = [
    "COLUMNS",
    "RULES_FILE",
    "UNCLASSIFIED",
    "TouchRules",
    "attach_touches",
    "clean_touches",
    "expand_groups",
    "find_touches_file",
    "load_touch_rules",
    "memberships",
    "touches_from_folder",
]
