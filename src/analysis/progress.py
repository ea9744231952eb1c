"""Progress bars for long work (simulation, bootstraps, report builds).

A bar appears in a terminal and in JupyterLab (as a widget where ipywidgets is installed, as
text otherwise); ``TQDM_DISABLE=1`` silences every bar (the test suite and the report
runner's kernels set it, so HTML reports carry no bars).
"""

from __future__ import annotations

import os


def _bar_class(disable: bool):
    """tqdm's text bar, or its notebook/widget bar where that can work.

    ``tqdm.auto`` is imported only when ipywidgets is: without it, importing ``tqdm.auto``
    inside a Jupyter kernel writes a ``TqdmWarning: IProgress not found`` (with the local path
    of the environment) to the cell's stderr, which then shows in every HTML report."""
    from tqdm.std import tqdm

    if disable:
        return tqdm
    try:
        import ipywidgets  # noqa: F401  (tqdm's notebook bars are ipywidgets)
    except ImportError:
        return tqdm
    from tqdm.auto import tqdm as auto

    return auto


def progress(
    iterable=None, *, total: int | None = None, desc: str = "", enabled: bool = True, **kw
):
    """A tqdm bar over ``iterable`` (or a manual one with ``total``); off when ``enabled`` is
    False or ``TQDM_DISABLE`` is set."""
    disable = (not enabled) or os.environ.get("TQDM_DISABLE", "").lower() in {"1", "true", "yes"}
    return _bar_class(disable)(iterable, total=total, desc=desc, disable=disable, leave=False, **kw)
