"""Progress bars for long work (simulation, bootstraps, report builds).

A bar appears in a terminal and in JupyterLab (as text when ipywidgets is not installed);
``TQDM_DISABLE=1`` silences every bar (the test suite and the report runner's kernels set it,
so HTML reports carry no bars).
"""

from __future__ import annotations

import os


def progress(
    iterable=None, *, total: int | None = None, desc: str = "", enabled: bool = True, **kw
):
    """A tqdm bar over ``iterable`` (or a manual one with ``total``); off when ``enabled`` is
    False or ``TQDM_DISABLE`` is set."""
    disable = (not enabled) or os.environ.get("TQDM_DISABLE", "").lower() in {"1", "true", "yes"}
    try:
        from tqdm.auto import tqdm

        return tqdm(iterable, total=total, desc=desc, disable=disable, leave=False, **kw)
    except ImportError:  # tqdm.auto needs ipywidgets inside Jupyter: fall back to text
        from tqdm.std import tqdm

        return tqdm(iterable, total=total, desc=desc, disable=disable, leave=False, **kw)
