"""The parts of the validity study as results: each carries its table, its reading in words
and its figure, so the report notebook only calls them (see :mod:`analysis.studies.result`).

Every ``*_result`` function is a thin twin of a table function of the study: the ``table`` of
its :class:`~analysis.studies.result.StudyResult` is exactly what that function returns:

========================  ====================================  ==========================
function                  ``table`` (from)                      ``plot``
========================  ====================================  ==========================
:func:`population_result` one row: cut-off, users, retention    —
:func:`decile_result`     :func:`retention_by_decile`           :func:`plot_deciles`
:func:`auc_result`        :func:`index_auc` (+ ``roc``)         :func:`plot_roc`
:func:`baseline_result`   :func:`baseline_comparison`           :func:`plot_auc_comparison`
:func:`incremental_result` :func:`incremental_validity`         :func:`plot_incremental`
:func:`sensitivity_result` :func:`sensitivity_summary`          :func:`plot_weight_sensitivity`
                          (+ ``draws``)                         (``plot_region``: region)
:func:`rolling_result`    :func:`rolling_origin`                :func:`plot_rolling`
:func:`survival_result`   :func:`hazard_ratio` without and with :func:`plot_survival`
                          controls (+ ``curves``)
:func:`truth_result`      :func:`index_auc` of the outcome      —
                          with the true and the oracle AUC
========================  ====================================  ==========================

The plots are those of :mod:`analysis.plots.validity`; the sentences those of
:data:`analysis.i18n.SENTENCES` (``validity.*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.data.vocab import VALUES
from analysis.i18n import LIST_SEP, SENTENCE_SEP, say, tr
from analysis.plots import validity as pv
from analysis.reuse import reused
from analysis.studies.fit_sample import DEFAULT_FIT_SAMPLE, FitSample
from analysis.studies.result import StudyResult
from analysis.studies.stats import expected_auc
from analysis.studies.validity.compare import (
    baseline_comparison,
    incremental_validity,
    index_auc,
    monotonicity,
    oof_fit_sample,
    outcome_array,
    retention_by_decile,
    roc_table,
    rolling_origin,
)
from analysis.studies.validity.shared import SharedBootstrap, shared_reps
from analysis.studies.validity.survival import hazard_ratio, survival_by_group
from analysis.studies.validity.weights import sensitivity_summary, weight_sensitivity

__all__ = [
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
]


def _fit_note(sample: FitSample | None, lang: str) -> str:
    """The sentence stating a sampled fit, after a separator ("" without one)."""
    text = "" if sample is None else sample.sentence(lang)
    return SENTENCE_SEP[lang] + text if text else ""


def _names(keys, lang: str) -> str:
    return LIST_SEP[lang].join(tr(k, lang) for k in keys) or tr("none", lang)


# The scorer in words for the reading (its repr is for code, not for a manager's page).
_SCALE_SENTENCES = {
    "percentile": "validity.scale.percentile",
    "log_minmax": "validity.scale.log_minmax",
    "zscore": "validity.scale.zscore",
}
_WEIGHT_SENTENCES = {
    "expansion": "validity.weights.expansion",
    "equal": "validity.weights.equal",
}


def _scorer_words(scorer, lang: str) -> str:
    """How the fitted five-value scorer weighs and scales the values, in plain words."""
    weights = scorer.weights if isinstance(scorer.weights, str) else None
    return say(
        "validity.scorer",
        lang,
        weights=say(_WEIGHT_SENTENCES.get(weights, "validity.weights.custom"), lang),
        scale=say(_SCALE_SENTENCES[scorer.normalization], lang),
        n=int(scorer.n_calibration_),
    )


# --- the population ----------------------------------------------------------------------
@dataclass(frozen=True)
class PopulationResult(StudyResult):
    """Who is studied: one row with ``cutoff``, ``n``, ``n_retained``, ``rate`` and
    ``horizon_days``; ``scorer`` is the fitted five-value scorer (its ``summary`` is the
    normalisation learned on the calibration snapshot)."""

    scorer: object = None

    def reading(self, lang: str = "en") -> str:
        r = self.table.iloc[0]
        return say(
            "validity.population",
            lang,
            scorer=_scorer_words(self.scorer, lang),
            cutoff=r["cutoff"],
            n=int(r["n"]),
            rate=r["rate"],
            horizon=int(r["horizon_days"]),
        )


def population_result(
    frame: pd.DataFrame, *, scorer, horizon_days: int, outcome: str = "retained"
) -> PopulationResult:
    """The population of a scored study frame at its cut-off, and its retention rate."""
    cut = pd.Timestamp(frame["cutoff"].iloc[0]).strftime("%Y-%m-%d") if len(frame) else None
    y = frame[outcome].astype(bool)
    table = pd.DataFrame(
        [
            {
                "cutoff": cut,
                "n": int(len(frame)),
                "n_retained": int(y.sum()),
                "rate": float(y.mean()) if len(frame) else np.nan,
                "horizon_days": int(horizon_days),
            }
        ]
    )
    return PopulationResult(table, scorer=scorer)


# --- 1. deciles ----------------------------------------------------------------------------
@dataclass(frozen=True)
class DecileResult(StudyResult):
    """Retention by index decile (:func:`retention_by_decile`); the reading gives the lowest
    and highest rate, the reversals and the trend test (:func:`monotonicity`)."""

    @property
    def monotonicity(self) -> pd.Series:
        return monotonicity(self.table)

    def reading(self, lang: str = "en") -> str:
        m = self.monotonicity
        return say(
            "validity.deciles",
            lang,
            lowest=m["rate_lowest"],
            highest=m["rate_highest"],
            decreases=m["n_decreases"],
            rho=m["spearman_rho"],
            z=m["trend_z"],
            p=m["trend_p"],
            shape=say(
                "validity.monotonic" if m["monotonic_increasing"] else "validity.not_monotonic",
                lang,
            ),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        return pv.plot_deciles(self.table, ax=ax, lang=lang)


def decile_result(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    outcome: str = "retained",
    n_bins: int = 10,
    ci: float = 0.95,
) -> DecileResult:
    """:func:`retention_by_decile` as a :class:`DecileResult`."""
    return DecileResult(
        retention_by_decile(frame, score=score, outcome=outcome, n_bins=n_bins, ci=ci)
    )


# --- 2. AUC --------------------------------------------------------------------------------
@dataclass(frozen=True)
class AucResult(StudyResult):
    """The AUC of the index with its interval (:func:`index_auc`, one row); ``roc`` holds
    the ROC curves drawn by :meth:`plot` (:func:`roc_table`)."""

    roc: pd.DataFrame | None = None

    def reading(self, lang: str = "en") -> str:
        a = self.table.iloc[0]
        return say(
            "validity.auc",
            lang,
            auc=a["auc"],
            lo=a["lo"],
            hi=a["hi"],
            n=int(a["n"]),
            base=a["base_rate"],
        )

    def plot(self, *, ax=None, lang: str = "en"):
        if self.roc is None:
            raise ValueError("this AucResult has no ROC curves (roc=None)")
        return pv.plot_roc(self.roc, ax=ax, lang=lang)


def auc_result(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    outcome: str = "retained",
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state=0,
    n_jobs: int = 1,
    roc_scores: Sequence[str] = ("index", "spend", "rfm_score"),
    shared: SharedBootstrap | None = None,
) -> AucResult:
    """:func:`index_auc` as an :class:`AucResult`, with the ROC curves of ``roc_scores``.
    ``shared``: the replicates already drawn (:func:`shared_bootstrap`, same arguments)."""
    table = index_auc(
        frame,
        score=score,
        outcome=outcome,
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
        reps=shared_reps(shared, outcome, n_boot, random_state, column=score),
    )
    roc = roc_table(frame, scores=list(roc_scores), outcome=outcome) if roc_scores else None
    return AucResult(table, roc=roc)


# --- 3. baselines --------------------------------------------------------------------------
@dataclass(frozen=True)
class BaselineResult(StudyResult):
    """The index against each baseline on the same users (:func:`baseline_comparison`). A
    baseline is clearly worse than the index when the paired interval of
    ``diff = AUC(index) − AUC(baseline)`` lies above 0, clearly better when it lies below."""

    reference: str = "index"
    fit_sample: FitSample | None = None  # what each fold's learned model was fitted on

    def _others(self) -> pd.DataFrame:
        return self.table.loc[self.table["score"] != self.reference]

    @property
    def better(self) -> list[str]:
        """The baselines the index clearly beats (in table order)."""
        t = self._others()
        return t.loc[t["diff_lo"] > 0, "score"].tolist()

    @property
    def worse(self) -> list[str]:
        """The baselines that clearly beat the index (in table order)."""
        t = self._others()
        return t.loc[t["diff_hi"] < 0, "score"].tolist()

    def reading(self, lang: str = "en") -> str:
        better, worse = self.better, self.worse
        return say(
            "validity.baselines",
            lang,
            n_better=len(better),
            n_base=len(self._others()),
            better=_names(better, lang),
            n_worse=len(worse),
            worse=_names(worse, lang),
        ) + _fit_note(self.fit_sample, lang)

    def plot(self, *, ax=None, lang: str = "en"):
        return pv.plot_auc_comparison(self.table, ax=ax, reference=self.reference, lang=lang)


def baseline_result(
    frame: pd.DataFrame,
    *,
    outcome: str = "retained",
    n_boot: int = 1000,
    ci: float = 0.95,
    cv: int = 5,
    random_state=0,
    n_jobs: int = 1,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    shared: SharedBootstrap | None = None,
) -> BaselineResult:
    """:func:`baseline_comparison` as a :class:`BaselineResult` (its reading states the
    sample of ``fit_sample``, when one was drawn). ``shared``: the scores and replicates
    already drawn (:func:`shared_bootstrap`, same arguments)."""
    return BaselineResult(
        baseline_comparison(
            frame,
            outcome=outcome,
            n_boot=n_boot,
            ci=ci,
            cv=cv,
            random_state=random_state,
            n_jobs=n_jobs,
            fit_sample=fit_sample,
            scores=None if shared is None else shared.scores,
            reps=shared_reps(shared, outcome, n_boot, random_state),
        ),
        fit_sample=oof_fit_sample(
            outcome_array(frame, outcome), cv=cv, random_state=random_state, fit_sample=fit_sample
        ),
    )


# --- 4. incremental validity ---------------------------------------------------------------
@dataclass(frozen=True)
class IncrementalResult(StudyResult):
    """Does the index add to RFM, tenure and channel? (:func:`incremental_validity`, one
    row): the out-of-fold AUC without and with it, the likelihood-ratio test and the odds
    ratio per SD."""

    fit_sample: FitSample | None = None  # what each fold's model was fitted on

    def reading(self, lang: str = "en") -> str:
        r = self.table.iloc[0]
        return say(
            "validity.incremental",
            lang,
            without=r["auc_without"],
            with_=r["auc_with"],
            diff=r["auc_diff"],
            lo=r["diff_lo"],
            hi=r["diff_hi"],
            lr=r["lr_stat"],
            p=r["lr_p"],
            odds=r["odds_ratio_per_sd"],
            or_lo=r["or_lo"],
            or_hi=r["or_hi"],
        ) + _fit_note(self.fit_sample, lang)

    def plot(self, *, ax=None, lang: str = "en"):
        return pv.plot_incremental(self.table, ax=ax, lang=lang)


def incremental_result(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    outcome: str = "retained",
    n_boot: int = 1000,
    ci: float = 0.95,
    cv: int = 5,
    random_state=0,
    n_jobs: int = 1,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    shared: SharedBootstrap | None = None,
) -> IncrementalResult:
    """:func:`incremental_validity` as an :class:`IncrementalResult` (its reading states the
    sample of ``fit_sample``, when one was drawn). ``shared``: as in :func:`baseline_result`."""
    return IncrementalResult(
        incremental_validity(
            frame,
            score=score,
            outcome=outcome,
            n_boot=n_boot,
            ci=ci,
            cv=cv,
            random_state=random_state,
            n_jobs=n_jobs,
            fit_sample=fit_sample,
            probabilities=None if shared is None else shared.probabilities,
            reps=shared_reps(shared, outcome, n_boot, random_state),
        ),
        fit_sample=oof_fit_sample(
            outcome_array(frame, outcome), cv=cv, random_state=random_state, fit_sample=fit_sample
        ),
    )


# --- 5. weight sensitivity -----------------------------------------------------------------
@dataclass(frozen=True)
class SensitivityResult(StudyResult):
    """The AUC over random weights (:func:`sensitivity_summary` of the ``draws`` of
    :func:`weight_sensitivity`): the range, where the ``preset`` ranks, and the weights of
    the best region. :meth:`plot` draws the histogram of the draws, :meth:`plot_region` the
    best region's weights."""

    draws: pd.DataFrame | None = None
    preset: str = "expansion"
    top_share: float = 0.05

    def reading(self, lang: str = "en") -> str:
        t = self.table
        pre = t.loc[t["draw"] == self.preset].iloc[0]
        region = t.loc[t["draw"].str.startswith("best region")].iloc[0]
        first = t.iloc[0]
        return say(
            "validity.sensitivity",
            lang,
            lo=first["auc_random_min"],
            hi=first["auc_random_max"],
            median=first["auc_random_median"],
            auc=pre["auc"],
            percentile=pre["percentile"],
            region=LIST_SEP[lang].join(
                f"{tr(v, lang)} {region[v]:.2f}" for v in sorted(VALUES, key=lambda v: -region[v])
            ),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        return pv.plot_weight_sensitivity(self._draws(), ax=ax, lang=lang)

    def plot_region(self, *, ax=None, lang: str = "en"):
        """Where the best weights lie (:func:`plot_weight_region`)."""
        return pv.plot_weight_region(self._draws(), ax=ax, top_share=self.top_share, lang=lang)

    def _draws(self) -> pd.DataFrame:
        if self.draws is None:
            raise ValueError("this SensitivityResult has no draws (draws=None)")
        return self.draws


@reused
def sensitivity_result(
    frame: pd.DataFrame,
    *,
    outcome: str = "retained",
    n_weights: int = 1000,
    max_users: int | None = 200_000,
    presets=None,
    levels: int | None = 1 << 16,
    random_state=0,
    top_share: float = 0.05,
    preset: str = "expansion",
) -> SensitivityResult:
    """:func:`weight_sensitivity` and its :func:`sensitivity_summary` as a
    :class:`SensitivityResult` (``preset``: the preset the reading places)."""
    draws = weight_sensitivity(
        frame,
        outcome=outcome,
        n_weights=n_weights,
        max_users=max_users,
        presets=presets,
        levels=levels,
        random_state=random_state,
    )
    return SensitivityResult(
        sensitivity_summary(draws, top_share=top_share),
        draws=draws,
        preset=preset,
        top_share=top_share,
    )


# --- 6. rolling origin ---------------------------------------------------------------------
@dataclass(frozen=True)
class RollingResult(StudyResult):
    """The AUC comparison at several cut-offs (:func:`rolling_origin`); the reading gives
    the range of the index's AUC and at how many cut-offs its interval is above 0.5."""

    reference: str = "index"

    def reading(self, lang: str = "en") -> str:
        ri = self.table.loc[self.table["score"] == self.reference]
        return say(
            "validity.rolling",
            lang,
            k=len(ri),
            lo=ri["auc"].min(),
            hi=ri["auc"].max(),
            above=int((ri["lo"] > 0.5).sum()),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        return pv.plot_rolling(self.table, ax=ax, lang=lang)


@reused
def rolling_result(
    contacts: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame, **kwargs
) -> RollingResult:
    """:func:`rolling_origin` (same arguments) as a :class:`RollingResult`."""
    return RollingResult(rolling_origin(contacts, events, orders, **kwargs))


# --- 7. survival ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SurvivalResult(StudyResult):
    """The Cox hazard ratio of hard churn per SD of the index, alone and adjusted
    (:func:`hazard_ratio`, two rows), and the Kaplan–Meier ``curves`` by index group
    (:func:`survival_by_group`) that :meth:`plot` draws."""

    curves: pd.DataFrame | None = None

    def reading(self, lang: str = "en") -> str:
        t = self.table
        h0 = t.loc[~t["controls"].astype(bool)].iloc[0]
        h1 = t.loc[t["controls"].astype(bool)].iloc[0]
        return say(
            "validity.survival",
            lang,
            hr=h0["hazard_ratio_per_sd"],
            lo=h0["lo"],
            hi=h0["hi"],
            events=int(h0["events"]),
            n=int(h0["n"]),
            hr_adj=h1["hazard_ratio_per_sd"],
            lo_adj=h1["lo"],
            hi_adj=h1["hi"],
        )

    def plot(self, *, ax=None, lang: str = "en"):
        if self.curves is None:
            raise ValueError("this SurvivalResult has no curves (curves=None)")
        return pv.plot_survival(self.curves, ax=ax, lang=lang)


def survival_result(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    n_groups: int = 4,
    ci: float = 0.95,
) -> SurvivalResult:
    """:func:`hazard_ratio` without and with controls and :func:`survival_by_group` as a
    :class:`SurvivalResult`."""
    hr = pd.concat(
        [
            hazard_ratio(frame, score=score, ci=ci),
            hazard_ratio(frame, score=score, controls=True, ci=ci),
        ],
        ignore_index=True,
    )
    return SurvivalResult(
        hr, curves=survival_by_group(frame, score=score, n_groups=n_groups, ci=ci)
    )


# --- the simulator's truth -----------------------------------------------------------------
@dataclass(frozen=True)
class TruthResult(StudyResult):
    """The observed AUC of the index for an outcome whose true probability per user is
    known (one row of :func:`index_auc` plus ``true_auc``, the AUC the index should reach,
    ``oracle_auc``, the AUC of the true probability itself, and ``inside``: whether the
    observed interval holds the true AUC)."""

    def reading(self, lang: str = "en") -> str:
        t = self.table.iloc[0]
        return say(
            "validity.truth",
            lang,
            outcome=tr(t["outcome"], lang),
            auc=t["auc"],
            lo=t["lo"],
            hi=t["hi"],
            true_auc=t["true_auc"],
            oracle=t["oracle_auc"],
            where=say("validity.truth_inside" if t["inside"] else "validity.truth_outside", lang),
        )


def truth_result(
    frame: pd.DataFrame,
    probability,
    *,
    score: str = "index",
    outcome: str = "retained",
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state=0,
) -> TruthResult:
    """Check the study against the truth: ``probability`` is each user's true probability
    of ``outcome`` (aligned with ``frame``'s rows; for the headline's outcome ``retained``
    :func:`analysis.simulate.checks.true_retention_probability`, for ``no_hard_churn``
    :func:`~analysis.simulate.checks.true_outcome_probability`)."""
    q = np.asarray(probability, dtype="float64")
    if q.shape != (len(frame),):
        raise ValueError(f"probability has shape {q.shape}, the frame {len(frame)} rows")
    table = index_auc(
        frame, score=score, outcome=outcome, n_boot=n_boot, ci=ci, random_state=random_state
    )
    table["true_auc"] = expected_auc(q, frame[score].to_numpy())
    table["oracle_auc"] = expected_auc(q, q) if q.min() < q.max() else 0.5
    table["inside"] = table["lo"].le(table["true_auc"]) & table["hi"].ge(table["true_auc"])
    return TruthResult(table)
