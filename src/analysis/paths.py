"""Paths anchored at the project root, so notebooks work whatever their working directory."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The kit's root folder (the one holding ``pyproject.toml``).

    ``ANALYSIS_ROOT`` overrides it; otherwise it is searched upwards from this file and then
    from the current directory.
    """
    env = os.environ.get("ANALYSIS_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / "pyproject.toml").is_file() and (folder / "src" / "analysis").is_dir():
                return folder
    raise FileNotFoundError(
        "cannot find the project root (a folder with pyproject.toml and "
        "src/analysis); set ANALYSIS_ROOT"
    )


def resolve(path: str | os.PathLike) -> Path:
    """``path`` as an absolute path; a relative path is taken from the project root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else project_root() / p
