"""One bootstrap for the index AUC, the baselines and incremental validity.

The three parts resample the same users with the same seeds (``random_state``), so their
replicates can be drawn once, for all their scores together
(:func:`~analysis.studies.stats.bootstrap_auc_samples`): each replicate's resample counts are
then drawn once instead of three times, and the index is ranked once. The tables are the
same as when each part draws its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from analysis.reuse import reused
from analysis.studies.fit_sample import DEFAULT_FIT_SAMPLE
from analysis.studies.stats import bootstrap_auc_samples
from analysis.studies.validity.compare import (
    baseline_scores,
    incremental_probabilities,
    outcome_array,
)


@dataclass(frozen=True)
class SharedBootstrap:
    """The ``scores`` of :func:`~analysis.studies.validity.compare.baseline_scores`, the
    out-of-fold ``probabilities`` of
    :func:`~analysis.studies.validity.compare.incremental_probabilities` and the ``reps``
    (one column per score, ``n_boot`` rows) of all of them, for one frame and outcome."""

    scores: pd.DataFrame
    probabilities: pd.DataFrame
    reps: pd.DataFrame
    outcome: str
    n_boot: int
    random_state: object

    def check(self, *, outcome: str, n_boot: int, random_state) -> SharedBootstrap:
        """Itself, when drawn for this outcome, number of replicates and seed (else an
        error: its replicates would not be those of the table asked for)."""
        if (outcome, n_boot, random_state) != (self.outcome, self.n_boot, self.random_state):
            raise ValueError(
                f"the shared bootstrap was drawn for outcome={self.outcome!r}, "
                f"n_boot={self.n_boot}, random_state={self.random_state!r}; asked for "
                f"outcome={outcome!r}, n_boot={n_boot}, random_state={random_state!r}"
            )
        return self


@reused
def shared_bootstrap(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    outcome: str = "retained",
    n_boot: int = 1000,
    cv: int = 5,
    random_state=0,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    baselines: Sequence[str] | None = None,
) -> SharedBootstrap:
    """The scores of the baselines and of incremental validity on ``frame`` and one draw
    of their bootstrap replicates; pass it as ``shared=`` to ``auc_result``,
    ``baseline_result`` and ``incremental_result`` (same ``outcome``, ``n_boot``, ``cv``,
    ``random_state`` and ``fit_sample``). ``baselines``: only these baseline scores (and
    the index; :func:`~analysis.studies.validity.compare.baseline_scores`'s ``only``): each
    score's replicates are the same as with all of them."""
    fits = dict(outcome=outcome, cv=cv, random_state=random_state, fit_sample=fit_sample)
    scores = baseline_scores(frame, only=baselines, **fits)
    probs = incremental_probabilities(frame, score=score, **fits)
    reps = bootstrap_auc_samples(
        outcome_array(frame, outcome),
        {**scores, **probs},
        n_boot=n_boot,
        random_state=random_state,
    )
    return SharedBootstrap(scores, probs, reps, outcome, n_boot, random_state)


def shared_reps(
    shared: SharedBootstrap | None, outcome: str, n_boot: int, random_state, column=None
):
    """The replicates of ``shared`` (checked against the table's arguments; ``column``: one
    score's), or None when there is none (the table then draws its own)."""
    if shared is None:
        return None
    reps = shared.check(outcome=outcome, n_boot=n_boot, random_state=random_state).reps
    return reps if column is None else reps[column]
