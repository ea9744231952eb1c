"""Personal data (PIPL): keyed pseudonyms for user ids, so no raw id reaches a report.

Raw user ids (WeCom ``external_userid``, ``unionid``, phone numbers used as ids, names) are
personal data. Everything a reader sees — reports, plots, exported CSV lists — carries
pseudonyms made by :func:`pseudonymise`: an HMAC-SHA256 of the id under a secret key,
truncated. Without the key a pseudonym cannot be linked back to an id (a plain hash could:
phone numbers are few enough to hash them all).

:func:`personal_data_columns` finds columns whose values look like phone numbers, unionids or
e-mail addresses; the loader names each in the row ledger (the column and the row count,
never a value), so a researcher sees that the export keys customers by personal data.

The key comes from, in order: the ``key`` argument, the environment variable
``ANALYSIS_PSEUDONYM_KEY``, or a random key created once in
``~/.config/analysis-kit/pseudonym.key`` (file mode 600). It is never printed. Share the key
(through the environment variable) with reviewers who must see the same pseudonyms.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

KEY_ENV = "ANALYSIS_PSEUDONYM_KEY"
KEY_FILE = Path("~/.config/analysis-kit/pseudonym.key")


def _key_bytes(key: str | bytes | None) -> bytes:
    if key is None:
        key = os.environ.get(KEY_ENV) or None
    if key is None:
        path = KEY_FILE.expanduser()
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        key = path.read_text().strip()
    if isinstance(key, str):
        key = key.encode("utf-8")
    if len(key) < 16:
        raise ValueError("the pseudonym key must be at least 16 bytes long")
    return key


def pseudonymise(
    ids: pd.Series | Iterable[str],
    *,
    key: str | bytes | None = None,
    prefix: str = "p",
    length: int = 12,
) -> pd.Series:
    """Keyed pseudonyms (``prefix`` + ``length`` hex digits) for ids; missing stays missing.

    The same id and key always give the same pseudonym; the index of a Series is kept.
    """
    s = ids if isinstance(ids, pd.Series) else pd.Series(list(ids), dtype="str")
    k = _key_bytes(key)
    uniq = pd.unique(s.dropna().astype("str"))
    mapping = {
        u: prefix + hmac.new(k, u.encode("utf-8"), hashlib.sha256).hexdigest()[:length]
        for u in uniq
    }
    return s.astype("str").map(mapping).astype("str")


def pseudonymise_frame(
    df: pd.DataFrame, *, columns: Iterable[str] = ("user_id",), key: str | bytes | None = None
) -> pd.DataFrame:
    """A copy of ``df`` with the id ``columns`` (and an id index) replaced by pseudonyms."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = pseudonymise(out[col], key=key)
    if out.index.name in set(columns):
        out.index = pd.Index(
            pseudonymise(pd.Series(out.index.astype("str")), key=key), name=out.index.name
        )
    return out


#: Values that are personal data wherever they appear, matched against a whole cell: a
#: mainland mobile number (with or without +86), a WeChat unionid / openid (28 characters
#: starting with ``o``), an e-mail address. Brands use them as ids when their order system
#: keys customers by phone, or when an export carries the unionid WeCom gives.
PERSONAL_ID_PATTERNS: dict[str, re.Pattern] = {
    "mobile phone numbers": re.compile(r"(?:\+?86[- ]?)?1[3-9]\d{9}"),
    "WeChat unionids / openids": re.compile(r"o[0-9A-Za-z_-]{27}"),
    "e-mail addresses": re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),
}


def personal_data_counts(values: pd.Series) -> dict[str, int]:
    """How many rows of ``values`` look like each kind of :data:`PERSONAL_ID_PATTERNS`
    (kinds with no row left out). Each distinct value is matched once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return {}
    per_value = np.bincount(codes[codes >= 0], minlength=len(uniques))
    texts = pd.Series(uniques, dtype="str").str.strip()
    out = {}
    for kind, rx in PERSONAL_ID_PATTERNS.items():
        hit = texts.str.fullmatch(rx.pattern).fillna(False).to_numpy(dtype=bool)
        n = int(per_value[hit].sum())
        if n:
            out[kind] = n
    return out


def personal_data_columns(df: pd.DataFrame) -> list[tuple[str, str, int]]:
    """``(column, kind, rows)`` for every text column of ``df`` holding personal data
    (:func:`personal_data_counts`); numbers, times and flags are not looked at."""
    out = []
    for col in df.columns:
        s = df[col]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        for kind, n in personal_data_counts(s).items():
            out.append((str(col), kind, n))
    return out
