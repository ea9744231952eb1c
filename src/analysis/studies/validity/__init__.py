"""Does the five-value index predict retention? The validity study.

Every function takes a **study frame** (one row per user in the population at a cut-off, from
:func:`study_frame`, scored with :func:`add_scores`) and returns a tidy table; the plots are
in :mod:`analysis.plots.validity`. The parts:

1. :func:`retention_by_decile` — retention rate by index decile with Wilson intervals, and
   :func:`monotonicity` (Spearman ρ, reversals, Cochran–Armitage trend test).
2. :func:`index_auc` — AUC of the index with a bootstrap interval.
3. :func:`baseline_comparison` — the index against spend, RFM, equal weights, each single
   value, cross-validated learned weights and the sceptic's baselines (days since the last
   activity, activity count, tenure and an out-of-fold model of those three), with
   paired-bootstrap AUC differences; :func:`strongest_baseline` names the strongest.
4. :func:`incremental_validity` — does the index add to RFM, recency, activity, tenure and
   channel?
   (likelihood-ratio test, odds ratio per SD, out-of-fold AUC difference).
5. :func:`weight_sensitivity` — AUC over random weights on the simplex; the preset's rank.
6. :func:`rolling_origin` — parts 2–3 at several cut-offs with a fixed calibration.
7. :func:`survival_by_group` / :func:`hazard_ratio` — Kaplan–Meier curves of time to hard
   churn by index quartile and a Cox hazard ratio per SD (statsmodels).

:func:`verdict` turns the tables into a plain-language conclusion (three-way decisions
with a smallest effect that matters, :func:`decide`; all of them in :func:`verdict_table`;
:func:`index_label` names the index in it). :func:`true_outcome_probability`
gives, on simulated data, each user's true probability of the "no hard churn" outcome, so the
study can be checked against the simulator's truth with :func:`analysis.studies.stats.expected_auc`.

Definitions. Features read ``t < cutoff`` (evidence and RFM in the look-back window),
labels read ``t >= cutoff`` (:func:`analysis.aggregate.labels.retention_labels`).
RFM: ``recency_days`` = days since the last paid order (any time before the cut-off; NaN if
never), ``frequency`` = paid orders and ``monetary`` = net amount in the look-back window.

Modules: :mod:`~analysis.studies.validity.frame` (the study frame),
:mod:`~analysis.studies.validity.compare` (AUCs, baselines, incremental validity, weights,
rolling origin), :mod:`~analysis.studies.validity.survival` (Kaplan-Meier, Cox) and
:mod:`~analysis.studies.validity.verdict` (the conclusion in words) and
:mod:`~analysis.studies.validity.results` (each part as a result with its table, reading and
figure: :func:`decile_result`, :func:`auc_result`, ... — what the report notebook calls).
"""

from analysis.studies.validity.compare import (
    SIMPLE_BASELINES,
    baseline_comparison,
    baseline_scores,
    compare_over_cutoffs,
    incremental_validity,
    index_auc,
    learned_weights,
    monotonicity,
    retention_by_decile,
    roc_table,
    rolling_origin,
    strongest_baseline,
)
from analysis.studies.validity.frame import (
    SCORE_COLS,
    add_scores,
    control_matrix,
    population,
    study_frame,
    study_frames,
)
from analysis.studies.validity.results import (
    AucResult,
    BaselineResult,
    DecileResult,
    IncrementalResult,
    PopulationResult,
    RollingResult,
    SensitivityResult,
    SurvivalResult,
    TruthResult,
    auc_result,
    baseline_result,
    decile_result,
    incremental_result,
    population_result,
    rolling_result,
    sensitivity_result,
    survival_result,
    truth_result,
)
from analysis.studies.validity.shared import SharedBootstrap, shared_bootstrap
from analysis.studies.validity.study import (
    STUDY_OF_STUDY_COLUMNS,
    StudyOfStudyResult,
    StudyRun,
    as_rates,
    label_sensitivity,
    run_study,
    study_of_study_result,
    study_on_frames,
)
from analysis.studies.validity.survival import (
    hazard_ratio,
    survival_by_group,
)
from analysis.studies.validity.verdict import (
    AUC_MARGIN,
    decide,
    index_label,
    users_to_decide,
    verdict,
    verdict_table,
)
from analysis.studies.validity.weights import sensitivity_summary, weight_sensitivity

__all__ = [
    "SCORE_COLS",
    "study_frame",
    "study_frames",
    "population",
    "add_scores",
    "control_matrix",
    "retention_by_decile",
    "monotonicity",
    "index_auc",
    "roc_table",
    "baseline_scores",
    "baseline_comparison",
    "learned_weights",
    "incremental_validity",
    "weight_sensitivity",
    "sensitivity_summary",
    "compare_over_cutoffs",
    "rolling_origin",
    "survival_by_group",
    "hazard_ratio",
    "verdict",
    "verdict_table",
    "decide",
    "users_to_decide",
    "AUC_MARGIN",
    "SIMPLE_BASELINES",
    "strongest_baseline",
    "index_label",
    "PopulationResult",
    "DecileResult",
    "AucResult",
    "BaselineResult",
    "IncrementalResult",
    "SensitivityResult",
    "RollingResult",
    "SurvivalResult",
    "TruthResult",
    "population_result",
    "decile_result",
    "auc_result",
    "baseline_result",
    "incremental_result",
    "sensitivity_result",
    "rolling_result",
    "survival_result",
    "truth_result",
    "run_study",
    "SharedBootstrap",
    "shared_bootstrap",
    "study_on_frames",
    "StudyRun",
    "label_sensitivity",
    "as_rates",
    "StudyOfStudyResult",
    "study_of_study_result",
    "STUDY_OF_STUDY_COLUMNS",
]
