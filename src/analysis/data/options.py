"""The options that change what is kept from a brand's data, in one file: ``kit.yaml``.

A data folder may hold a ``kit.yaml`` beside its exports; ``load_tables``, ``python -m
analysis check`` / ``prepare`` / ``report --data`` read it, and options given on the command
line or as keyword arguments win over it. Every key, its default and what it changes:

.. code-block:: yaml

    # kit.yaml — every key is optional
    drop_orphans: false      # rows of users missing from contacts: an error (false) or
                             # dropped and counted in the ledger (true)
    drop_before_join: false  # events before the user joined (other than pre-join types):
                             # an error (false) or dropped and counted (true)
    observed_until: null     # the export's cut-off, e.g. "2026-07-01"; later rows are
                             # dropped and counted
    tz: Asia/Shanghai        # the time zone of times written without one
    header_map: null         # spreadsheet headers → canonical columns: a mapping or a YAML
                             # file name (default: header_map.yaml when present)
    state_map: null          # WeCom channel-code state → {channel, hook}: a mapping or a
                             # YAML file name (default: state_map.yaml when present)
    vocabulary: null         # event vocabulary: a mapping or a YAML file name (default:
                             # vocabulary.yaml when present)
    touch_rules: null        # how touches are classified (kind, content type): a mapping or
                             # a YAML file name (default: touch_rules.yaml when present)

Error hints name the key that would change the outcome (e.g. ``drop_orphans: true``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from analysis.data.errors import DataError
from analysis.data.schema import DEFAULT_TZ

KIT_FILE = "kit.yaml"

#: key → (default, one line on what it changes); the order is the order of ``kit.yaml``.
KEYS: dict[str, tuple[Any, str]] = {
    "drop_orphans": (False, "drop and count rows of users missing from contacts"),
    "drop_before_join": (False, "drop and count events before the user joined"),
    "observed_until": (None, "the export's cut-off; later rows are dropped and counted"),
    "tz": (DEFAULT_TZ, "time zone of times written without one"),
    "header_map": (None, "spreadsheet headers → canonical columns (mapping or YAML file)"),
    "state_map": (None, "WeCom state → {channel, hook} (mapping or YAML file)"),
    "vocabulary": (None, "event vocabulary (mapping or YAML file)"),
    "touch_rules": (None, "touch classification rules (mapping or YAML file)"),
}
_FILE_KEYS = ("header_map", "state_map", "vocabulary", "touch_rules")
#: files a folder may hold instead of the key (used when the key is not set)
DEFAULT_FILES = {k: f"{k}.yaml" for k in _FILE_KEYS}


@dataclass(frozen=True)
class KitOptions:
    """Resolved options: ``kit.yaml`` in the folder, then overrides. File-valued options hold
    a path (relative names resolved against the data folder) or a mapping."""

    drop_orphans: bool = False
    drop_before_join: bool = False
    observed_until: Any = None
    tz: str = DEFAULT_TZ
    header_map: Any = None
    state_map: Any = None
    vocabulary: Any = None
    touch_rules: Any = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: paths as strings, timestamps as ISO text."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, Path):
                v = v.name  # relative to the data folder, never a local absolute path
            elif hasattr(v, "isoformat"):
                v = v.isoformat()
            out[f.name] = v
        return out

    def load_kwargs(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _as_bool(value: Any, key: str, file: str) -> bool:
    if isinstance(value, bool):
        return value
    raise DataError(
        file, None, f"key '{key}' must be true or false", examples=[value], hint=_keys_hint()
    )


def _keys_hint() -> str:
    return "known keys: " + ", ".join(f"{k} (default {v[0]!r})" for k, v in KEYS.items())


def read_options(folder: str | Path, overrides: Mapping[str, Any] | None = None) -> KitOptions:
    """The options for the data in ``folder``: its ``kit.yaml`` (when present), then
    ``overrides`` (keys whose value is None are not overrides). File names in ``kit.yaml``
    are relative to ``folder``; in ``overrides`` (the command line, keyword arguments) to the
    working folder. Unknown keys and wrong types are a :class:`DataError` naming
    ``kit.yaml`` and the key."""
    folder = Path(folder)
    path = folder / KIT_FILE
    values: dict[str, Any] = {}
    if path.is_file():
        import yaml

        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DataError(str(path), None, f"not valid YAML: {exc}") from None
        if not isinstance(loaded, Mapping):
            raise DataError(
                str(path), None, "must be a mapping of option names to values", hint=_keys_hint()
            )
        unknown = sorted(set(map(str, loaded)) - set(KEYS))
        if unknown:
            raise DataError(
                str(path), None, f"unknown key(s) {unknown}", examples=unknown, hint=_keys_hint()
            )
        values.update(loaded)
    given = set()  # keys overridden by the caller: file names relative to the working folder
    for k, v in dict(overrides or {}).items():
        if k not in KEYS:
            raise DataError("<options>", None, f"unknown option '{k}'", hint=_keys_hint())
        if v is not None:
            values[k] = v
            given.add(k)
    file = str(path) if path.is_file() else "<options>"
    out: dict[str, Any] = {}
    for key, (default, _) in KEYS.items():
        v = values.get(key, default)
        if key in ("drop_orphans", "drop_before_join"):
            v = _as_bool(v, key, file)
        elif key == "tz":
            v = _check_tz(v, file)
        elif key == "observed_until" and v is not None:
            v = _check_time(v, file)
        elif key in _FILE_KEYS:
            if v is None and (folder / DEFAULT_FILES[key]).is_file():
                v = folder / DEFAULT_FILES[key]
            elif isinstance(v, (str, Path)):
                p = Path(v)
                v = p if p.is_absolute() or key in given else folder / p
                if not v.is_file():
                    raise DataError(
                        file,
                        None,
                        f"key '{key}': file '{p}' not found"
                        + ("" if key in given else " in the data folder"),
                        examples=[str(p)],
                    )
            elif v is not None and not isinstance(v, Mapping):
                raise DataError(
                    file,
                    None,
                    f"key '{key}' must be a mapping or a YAML file name",
                    examples=[v],
                )
        out[key] = v
    return KitOptions(**out)


def _check_tz(value: Any, file: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise DataError(
            file, None, "key 'tz' is not a time zone", examples=[value], hint="e.g. Asia/Shanghai"
        ) from None
    return str(value)


def _check_time(value: Any, file: str):
    import pandas as pd

    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        raise DataError(
            file,
            None,
            "key 'observed_until' is not a date or time",
            examples=[value],
            hint='e.g. "2026-07-01"',
        ) from None
