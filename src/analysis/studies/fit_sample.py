"""Models fitted on a stated random sample of a per-user frame, scored on everyone.

On a million contacts some fits (gradient boosting, the covariate Pareto/NBD, the
cross-validated logistic baselines) take minutes while their answer would not change on a
large random sample. Each report therefore has one parameter, ``fit_sample``: the most rows
of a per-user frame a model is fitted on. A larger frame is sampled without replacement,
drawn with the report's seed, and the model still scores (and is evaluated on) every user.
The default (:data:`DEFAULT_FIT_SAMPLE`) is above the sample data and 100k contacts, where
every fit uses everyone and the results do not change.

:func:`fit_rows` draws the rows and returns a :class:`FitSample`, the record the report
states (:meth:`FitSample.sentence`: "fitted on 200,000 of 1,000,000 users, drawn at random
with seed 7; scored on all"). ``benchmarks/bench_fit_sample.py`` checks on 100k contacts
that the headline figures of a sampled fit agree with the full fit within their intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

#: The default ``fit_sample`` of the reports: everyone up to this many users.
DEFAULT_FIT_SAMPLE = 200_000


@dataclass(frozen=True)
class FitSample:
    """What a model was fitted on: ``n_fit`` of the ``n_all`` rows, drawn with ``seed``;
    ``what`` is the sentence key naming the model and its frame (e.g. ``"churn.fit.train"``:
    "the churn models (training window)")."""

    n_fit: int
    n_all: int
    seed: int | None
    what: str = "common.fit_sample.models"
    scored: bool = True  # the model then scores every user (False: its estimates are the answer)

    @property
    def sampled(self) -> bool:
        return self.n_fit < self.n_all

    def as_dict(self) -> dict:
        return {
            "what": self.what,
            "n_fit": self.n_fit,
            "n_all": self.n_all,
            "seed": self.seed,
            "sampled": self.sampled,
            "scored": self.scored,
        }

    def sentence(self, lang: str = "en") -> str:
        """ "The churn models (training window): fitted on 20,000 of 95,000 users, drawn at
        random with seed 0; scored on all." in ``lang``; "" when the fit used every row
        (nothing to state)."""
        from analysis.i18n import say

        if not self.sampled:
            return ""
        return say(
            "common.fit_sample.sampled" if self.scored else "common.fit_sample.fitted",
            lang,
            what=say(self.what, lang),
            n_fit=self.n_fit,
            n_all=self.n_all,
            seed=self.seed,
        )


def check_fit_sample(fit_sample) -> int | None:
    """``fit_sample`` as an int (None: no limit); rejects values below 2."""
    if fit_sample is None:
        return None
    n = int(fit_sample)
    if n != fit_sample or n < 2:
        raise ValueError(
            f"fit_sample must be a whole number of at least 2 or None, got {fit_sample!r}"
        )
    return n


def _seed(random_state) -> int | None:
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return None if random_state is None else int(random_state)
    raise TypeError(
        f"random_state must be an int (the seed the report states) or None, got {random_state!r}"
    )


def fit_positions(n: int, fit_sample, random_state=0) -> np.ndarray | None:
    """Sorted positions of the rows to fit on (``fit_sample`` of ``n``, without
    replacement, seeded by ``random_state``), or None when every row is used."""
    limit = check_fit_sample(fit_sample)
    if limit is None or n <= limit:
        return None
    rng = np.random.default_rng(_seed(random_state))
    return np.sort(rng.choice(n, size=limit, replace=False))


def fit_rows(
    frame: pd.DataFrame,
    fit_sample,
    random_state=0,
    *,
    what: str = "common.fit_sample.models",
    scored: bool = True,
) -> tuple[pd.DataFrame, FitSample]:
    """The rows of ``frame`` a model is fitted on and the :class:`FitSample` to state."""
    pos = fit_positions(len(frame), fit_sample, random_state)
    n, seed = len(frame), _seed(random_state)
    if pos is None:
        return frame, FitSample(n, n, seed, what, scored)
    return frame.iloc[pos], FitSample(len(pos), n, seed, what, scored)


def fit_sample_note(samples: Iterable[FitSample], lang: str = "en") -> str:
    """The sentences of the sampled fits among ``samples`` (each once), joined; "" when
    every fit used everyone."""
    from analysis.i18n import SENTENCE_SEP

    out = []
    for s in samples:
        text = s.sentence(lang)
        if text and text not in out:
            out.append(text)
    return SENTENCE_SEP[lang].join(out)
