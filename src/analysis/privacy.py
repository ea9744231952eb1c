"""Personal data (PIPL): keyed pseudonyms for user ids, so no raw id reaches a report.

Raw user ids (WeCom ``external_userid``, ``unionid``, phone numbers used as ids, names) are
personal data. Everything a reader sees — reports, plots, exported CSV lists — carries
pseudonyms made by :func:`pseudonymise`: an HMAC-SHA256 of the id under a secret key,
truncated. Without the key a pseudonym cannot be linked back to an id (a plain hash could:
phone numbers are few enough to hash them all).

The key comes from, in order: the ``key`` argument, the environment variable
``ANALYSIS_PSEUDONYM_KEY``, or a random key created once in
``~/.config/analysis-kit/pseudonym.key`` (file mode 600). It is never printed. Share the key
(through the environment variable) with reviewers who must see the same pseudonyms.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Iterable

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
