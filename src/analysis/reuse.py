"""Results reused within one kernel: a report built in two languages computes them once.

``make report`` builds every report in English and in Chinese. On small data the runner
runs a report's languages one after the other in one kernel (:mod:`analysis.reports.build`),
and the second language runs the whole notebook again: only its words and labels differ.
A function marked :func:`reused` then returns, for the same inputs, the result the first
language computed, so the models, bootstraps and scans run once per report.

* Inputs are the same when their pickled bytes are (compared by a SHA-256 of them, with the
  function's module and name). An input that cannot be pickled (a DuckDB connection, a
  lambda) means the function runs, as does a result that cannot be pickled.
* Each caller gets its own copy (the pickled result unpickled): a notebook that changes what
  it was given changes nothing another call gets. The warnings the first call gave are
  given again, so both languages' pages show them.
* Off unless the environment has ``ANALYSIS_REUSE=1``, which the runner sets in the kernels
  it shares. In JupyterLab, in the tests and on large data every call computes (the copies
  would double a large result's memory).

Only functions whose result depends on their arguments alone are marked: no display, no
saved table, no figure, no reading of the environment or the clock.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import warnings
from typing import Any, Callable

ENV = "ANALYSIS_REUSE"

#: pickled results by key; :data:`counts` holds this kernel's hits and misses
_results: dict[str, bytes] = {}
counts = {"hits": 0, "misses": 0}
#: reused calls running now: a call made inside one computes and is not kept (the outer
#: call's result is what a later run takes)
_running = [0]


def active() -> bool:
    """Whether results are reused in this process (``ANALYSIS_REUSE=1``)."""
    return os.environ.get(ENV) == "1"


def clear() -> None:
    """Forget every kept result (and the counts)."""
    _results.clear()
    counts.update(hits=0, misses=0)


def key(fn: Callable, args: tuple, kwargs: dict) -> str | None:
    """The key of a call: SHA-256 of the function's name and each argument's fingerprint
    (keyword arguments in name order); None when an argument cannot be pickled.

    An argument is pickled on its own (so objects two arguments happen to share do not
    change the bytes), and a pandas frame, series or index stands for its content: its
    type, column names, dtypes and :func:`pandas.util.hash_pandas_object` of its values
    and index, not its memory layout (an equal frame read back from a copy, or one that
    pandas consolidated in place, has the same key)."""
    digest = hashlib.sha256(f"{fn.__module__}.{fn.__qualname__}".encode())
    try:
        for part in (*args, *sorted(kwargs.items())):
            buffer = io.BytesIO()
            _ContentPickler(buffer, protocol=5).dump(part)
            digest.update(hashlib.sha256(buffer.getvalue()).digest())
    except Exception:  # noqa: BLE001  (anything pickle refuses: a connection, a lambda, ...)
        return None
    return digest.hexdigest()


class _ContentPickler(pickle.Pickler):
    """Pickles a pandas object as the fingerprint of its content (see :func:`key`)."""

    def reducer_override(self, obj):
        import pandas as pd

        if isinstance(obj, (pd.DataFrame, pd.Series, pd.Index)):
            return str, (_content(obj),)
        return NotImplemented


def _dtype(dtype) -> str:
    """A dtype in words; a categorical one with its categories and their order."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        return f"category {dtype.ordered} {_content(dtype.categories)}"
    return str(dtype)


def _content(obj) -> str:
    import pandas as pd

    digest = hashlib.sha256(type(obj).__name__.encode())
    if isinstance(obj, pd.DataFrame):
        parts = [repr(list(obj.columns)), *(_dtype(t) for t in obj.dtypes)]
    else:
        parts = [repr(obj.name), _dtype(obj.dtype)]
    index = obj if isinstance(obj, pd.Index) else obj.index
    parts.append(repr(list(index.names)))
    for part in parts:
        digest.update(part.encode())
    hashed = pd.util.hash_pandas_object(obj, index=not isinstance(obj, pd.Index))
    digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()


def _warn(said: list) -> None:
    """Give again the warnings a call gave (message, category, file, line)."""
    for message, category, filename, lineno in said:
        warnings.warn_explicit(message, category, filename, lineno)


def reused(fn: Callable | None = None, *, fits: bool = False) -> Callable:
    """Mark ``fn`` as reusable (see the module docstring).

    ``fits=True`` is for an estimator's ``fit`` that returns ``self``: on reuse the fitted
    state is copied into the caller's estimator, which is then returned, as ``fit`` does."""
    if fn is None:
        return functools.partial(reused, fits=fits)

    def given(args: tuple, out: Any) -> Any:
        """``out`` (a copy); for a fit, the caller's estimator with its fitted state."""
        if fits:
            args[0].__dict__.update(out.__dict__)
            return args[0]
        return out

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if not active() or _running[0]:
            return fn(*args, **kwargs)
        k = key(fn, args, kwargs)
        if k is not None and k in _results:
            counts["hits"] += 1
            out, said = pickle.loads(_results[k])
            _warn(said)
            return given(args, out)
        counts["misses"] += 1
        _running[0] += 1
        try:
            with warnings.catch_warnings(record=True) as caught:  # (the filters stay as they are)
                out = fn(*args, **kwargs)
        finally:
            _running[0] -= 1
        said = [(w.message, w.category, w.filename, w.lineno) for w in caught]
        _warn(said)
        if k is None:
            return out
        try:
            _results[k] = pickle.dumps((out, said), protocol=5)
        except Exception:  # noqa: BLE001  (a result that cannot be copied is not kept)
            return out
        # this caller gets a copy too: what it passes on is then what a later caller, given
        # a copy, passes on (e.g. a fitted model's arrays), and the later keys are the same
        return given(args, pickle.loads(_results[k])[0])

    return call
