"""The whole validity study in one call, as the report runs it: the study frame at a
calibration cut-off (to fit the scorer) and at the cut-off, the scores, the AUC of the index,
the baselines, incremental validity and the verdict's decisions. Used by the study of the
study (``benchmarks/bench_verdict.py``), which runs it on many simulated worlds and seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.aggregate.labels import (
    DEFAULT_ACTIVITY,
    HORIZON_DAYS,
    LOOKBACK_DAYS,
    LOST_AFTER_DAYS,
)
from analysis.data.vocab import VALUES
from analysis.studies.scores import FiveValueScorer
from analysis.studies.validity.compare import (
    baseline_comparison,
    incremental_validity,
    index_auc,
)
from analysis.studies.validity.frame import add_scores, study_frame
from analysis.studies.validity.verdict import AUC_MARGIN, verdict_table


@dataclass(frozen=True)
class StudyRun:
    """One run of the study: the scored ``frame``, the tables of :func:`index_auc`,
    :func:`baseline_comparison` and :func:`incremental_validity`, and the ``decisions`` of
    :func:`verdict_table`."""

    frame: pd.DataFrame
    auc: pd.DataFrame
    baselines: pd.DataFrame
    incremental: pd.DataFrame
    decisions: pd.DataFrame

    def decision(self, claim: str) -> str:
        """The decision on one claim (``predicts``, ``strongest``, ``learned``, ...)."""
        d = self.decisions.set_index("claim")["decision"]
        return str(d[claim]) if claim in d.index else "absent"


def run_study(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    calibration_cutoff,
    cutoff,
    horizon_days: int = HORIZON_DAYS,
    lookback_days: float | None = LOOKBACK_DAYS,
    activity: str = DEFAULT_ACTIVITY,
    lost_after_days: int | None = LOST_AFTER_DAYS,
    normalization: str = "percentile",
    weights="expansion",
    outcome: str = "retained",
    n_boot: int = 1000,
    cv: int = 5,
    margin: float = AUC_MARGIN,
    random_state=0,
) -> StudyRun:
    """The study as the value-index report runs it (same defaults), without the figures."""
    kw = dict(
        horizon_days=horizon_days,
        lookback_days=lookback_days,
        activity=activity,
        lost_after_days=lost_after_days,
    )
    calib = study_frame(contacts, events, orders, cutoff=calibration_cutoff, **kw)
    scorer = FiveValueScorer(normalization=normalization, weights=weights).fit(calib[list(VALUES)])
    frame = add_scores(study_frame(contacts, events, orders, cutoff=cutoff, **kw), scorer=scorer)
    common = dict(outcome=outcome, n_boot=n_boot, random_state=random_state)
    auc = index_auc(frame, **common)
    base = baseline_comparison(frame, cv=cv, **common)
    inc = incremental_validity(frame, cv=cv, **common)
    return StudyRun(
        frame=frame,
        auc=auc,
        baselines=base,
        incremental=inc,
        decisions=verdict_table(auc, base, inc, margin=margin),
    )
