"""One place for every reader-facing label in English and Chinese.

``tr(key, lang)`` translates a term (value, stage, channel, hook, column header, axis title);
unknown keys come back unchanged, so English identifiers are their own fallback.
``say(key, lang, **values)`` fills a sentence template; an unknown key is an error.
``tr_frame(df, lang)`` returns a copy with column headers and categorical cells translated.
Reports take a ``lang`` parameter (``"en"`` or ``"zh"``) and pass it to all three.

The text lives beside the reports it serves, one module per report notebook
(:mod:`~analysis.i18n.overview`, :mod:`~analysis.i18n.value_index`, :mod:`~analysis.i18n.churn`,
:mod:`~analysis.i18n.segments_flow`, :mod:`~analysis.i18n.ltv`, :mod:`~analysis.i18n.behaviours`,
:mod:`~analysis.i18n.touches`,
each with its ``LABELS`` and ``SENTENCES``; :mod:`~analysis.i18n.common` for what they share),
and the terms by topic (:mod:`~analysis.i18n.vocabulary`, :mod:`~analysis.i18n.terms`,
:mod:`~analysis.i18n.features`). This module only assembles them and looks them up.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.i18n import (
    behaviours,
    churn,
    common,
    features,
    ltv,
    overview,
    segments_flow,
    terms,
    touches,
    value_index,
    vocabulary,
)
from analysis.i18n.common import AND_SEP, CLAUSE_SEP, LIST_SEP, SENTENCE_SEP

__all__ = [
    "LANGS",
    "TRANSLATIONS",
    "SENTENCES",
    "LIST_SEP",
    "AND_SEP",
    "CLAUSE_SEP",
    "SENTENCE_SEP",
    "check_lang",
    "tr",
    "say",
    "tr_frame",
]

LANGS = ("en", "zh")

#: The text modules of the reports, in the order of the report index.
REPORT_TEXTS = (overview, value_index, churn, segments_flow, ltv, behaviours, touches, common)
#: The term modules (topic, not report): their ``TERMS`` (and ``SEGMENTS``) tables.
TERM_TABLES = (
    vocabulary.TERMS,
    terms.TERMS,
    terms.SEGMENTS,
    features.TERMS,
    vocabulary.EVENT_MEANINGS,
)

TRANSLATIONS: dict[str, dict[str, str]] = {
    "en": {},
    "zh": {
        **{k: v for table in TERM_TABLES for k, v in table.items()},
        **{k: v for text in REPORT_TEXTS for k, v in text.LABELS.items()},
    },
}

#: Sentence templates of the reports' computed readings, filled by :func:`say`.
SENTENCES: dict[str, dict[str, str]] = {
    k: v for text in REPORT_TEXTS for k, v in text.SENTENCES.items()
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def _term(key: str) -> str:
    return tr(key, "zh")


def tr(key: str, lang: str = "en") -> str:
    """The label for ``key`` in ``lang`` (``key`` itself when there is no translation)."""
    table = TRANSLATIONS[check_lang(lang)]
    if lang == "en":
        return key
    if key in table:
        return table[key]
    if isinstance(key, str):
        for pattern, fill in terms.PATTERNS:
            m = pattern.match(key)
            if m:
                return fill(m, _term)
    return key


def say(key: str, lang: str = "en", **values) -> str:
    """The sentence ``key`` in ``lang`` with ``values`` filled in; terms given as values are
    not translated here (pass ``tr(term, lang)``)."""
    return SENTENCES[key][check_lang(lang)].format(**values)


def _is_bool(v) -> bool:
    return isinstance(v, (bool, np.bool_))


def tr_frame(
    df: pd.DataFrame,
    lang: str = "en",
    *,
    value_columns: Iterable[str] | None = None,
    headers: Mapping[str, str] | None = None,
    index: bool = False,
) -> pd.DataFrame:
    """A copy of ``df`` with headers (and the names of its index and columns) translated, and
    the cells of ``value_columns`` (default: every text column) translated where a
    translation exists.

    ``headers`` names what a column (or the index) holds where its name alone is too generic
    to translate (``n``, ``p``, ``group``, ...): ``{"n": "n_users", "p": "p_value"}`` translates
    the header ``n`` as the term ``n_users``. English headers are never renamed.

    In Chinese, besides: true / false cells and labels read 是 / 否; ``index=True`` translates
    the index labels too; and a column of Chinese names (``zh``, ``value_zh``) that repeats,
    once translated, another column or the index word for word is dropped (an English table
    shows a code beside its Chinese name; a Chinese one would show the name twice)."""
    check_lang(lang)
    out = df.copy()
    if lang == "en":
        return out
    cols = (
        list(value_columns)
        if value_columns is not None
        else [
            c
            for c in out.columns
            if pd.api.types.is_string_dtype(out[c]) or isinstance(out[c].dtype, pd.CategoricalDtype)
        ]
    )
    for c in cols:
        out[c] = out[c].map(lambda v: tr(v, lang) if isinstance(v, str) else v)
    for c in out.columns:  # yes / no cells read as words (是 / 否), not True / False
        if pd.api.types.is_bool_dtype(out[c]) or (
            out[c].dtype == object and len(out[c]) and out[c].map(_is_bool).all()
        ):
            out[c] = out[c].map(lambda v: tr("yes" if v else "no", lang) if _is_bool(v) else v)
    named = dict(headers or {})
    out = out.rename(columns=lambda c: tr(named.get(c, c), lang) if isinstance(c, str) else c)
    for axis in ("index", "columns"):
        names = getattr(out, axis).names
        if any(isinstance(n, str) for n in names):
            setattr(
                out,
                axis,
                getattr(out, axis).set_names(
                    [tr(named.get(n, n), lang) if isinstance(n, str) else n for n in names]
                ),
            )
    return _tidy(out, lang, index=index)


#: Columns that hold the Chinese name of another column's codes (see :func:`tr_frame`).
NAME_COLUMNS = ("zh", "value_zh")


def _tidy(out: pd.DataFrame, lang: str, *, index: bool) -> pd.DataFrame:
    """The last steps of :func:`tr_frame` on a translated copy: yes / no labels, the index
    labels (``index``) and no Chinese-name column that repeats another."""
    yes_no = {True: tr("yes", lang), False: tr("no", lang)}

    def label(v):
        return yes_no[bool(v)] if _is_bool(v) else v

    if index and not isinstance(out.index, pd.MultiIndex):
        out.index = out.index.map(lambda v: tr(v, lang) if isinstance(v, str) else label(v))
    if not isinstance(out.columns, pd.MultiIndex):
        out.columns = out.columns.map(label)
    names = {tr(c, lang) for c in NAME_COLUMNS}
    return out.drop(columns=[c for c in out.columns if c in names and _repeats(out, c)])


def _repeats(df: pd.DataFrame, name: str) -> bool:
    """Whether the column ``name`` of ``df`` repeats another column or the index."""
    if name not in df.columns or df.columns.duplicated().any() or df.empty:
        return False
    col = df[name].astype("object").to_numpy()
    others = [df[c] for c in df.columns if c != name] + [df.index.to_series()]
    return any(len(o) == len(col) and (o.astype("object").to_numpy() == col).all() for o in others)
