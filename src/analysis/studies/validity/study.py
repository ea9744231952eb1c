"""The whole validity study in one call, as the report runs it: the study frame at a
calibration cut-off (to fit the scorer) and at the cut-off, the scores, the AUC of the index,
the baselines, incremental validity and the verdict's decisions. Used by the study of the
study (``benchmarks/bench_verdict.py``), which runs it on many simulated worlds and seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate.labels import (
    DEFAULT_ACTIVITY,
    HORIZON_DAYS,
    LOOKBACK_DAYS,
    LOST_AFTER_DAYS,
)
from analysis.data.vocab import VALUES
from analysis.reuse import reused
from analysis.studies.fit_sample import DEFAULT_FIT_SAMPLE
from analysis.studies.result import StudyResult
from analysis.studies.scores import FiveValueScorer
from analysis.studies.validity.compare import (
    SIMPLE_BASELINES,
    baseline_comparison,
    incremental_validity,
    index_auc,
)
from analysis.studies.validity.frame import add_scores, population, study_frame, study_frames
from analysis.studies.validity.shared import shared_bootstrap
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
    exposure: bool = False,
    random_state=0,
    vocabulary=None,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
) -> StudyRun:
    """The study as the value-index report runs it (same defaults), without the figures.

    ``exposure=True`` reads the five values as rates — per 30 days the user was in the domain
    within the look-back (:func:`as_rates`) — instead of raw counts, at both cut-offs.
    ``fit_sample``: the most users each fold's out-of-fold logistic regression is fitted on."""
    kw = dict(
        horizon_days=horizon_days,
        lookback_days=lookback_days,
        activity=activity,
        lost_after_days=lost_after_days,
        vocabulary=vocabulary,
    )
    calib = study_frame(contacts, events, orders, cutoff=calibration_cutoff, **kw)
    frame = study_frame(contacts, events, orders, cutoff=cutoff, **kw)
    return study_on_frames(
        calib,
        frame,
        lookback_days=lookback_days,
        normalization=normalization,
        weights=weights,
        outcome=outcome,
        n_boot=n_boot,
        cv=cv,
        margin=margin,
        exposure=exposure,
        random_state=random_state,
        fit_sample=fit_sample,
    )


def study_on_frames(
    calib: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    lookback_days: float | None = LOOKBACK_DAYS,
    normalization: str = "percentile",
    weights="expansion",
    outcome: str = "retained",
    n_boot: int = 1000,
    cv: int = 5,
    margin: float = AUC_MARGIN,
    exposure: bool = False,
    random_state=0,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    baselines: Sequence[str] | None = None,
) -> StudyRun:
    """:func:`run_study` on study frames already built (:func:`study_frame` at the
    calibration cut-off and at the cut-off, unscored): the scorer, the scores and the
    study. ``baselines``: compare the index with only these baselines (all by default; the
    rows of the verdict about them, and its ``predicts`` and ``incremental`` rows, are the
    same as with all)."""
    if exposure:
        calib, frame = as_rates(calib, lookback_days), as_rates(frame, lookback_days)
    scorer = FiveValueScorer(normalization=normalization, weights=weights).fit(calib[list(VALUES)])
    frame = add_scores(frame, scorer=scorer)
    # the three bootstraps resample the same users with the same seeds: draw them once
    boot = shared_bootstrap(
        frame,
        outcome=outcome,
        n_boot=n_boot,
        cv=cv,
        random_state=random_state,
        fit_sample=fit_sample,
        baselines=baselines,
    )
    common = dict(outcome=outcome, n_boot=n_boot, random_state=random_state)
    auc = index_auc(frame, reps=boot.reps["index"], **common)
    base = baseline_comparison(frame, scores=boot.scores, reps=boot.reps, cv=cv, **common)
    inc = incremental_validity(
        frame, probabilities=boot.probabilities, reps=boot.reps, cv=cv, **common
    )
    return StudyRun(
        frame=frame,
        auc=auc,
        baselines=base,
        incremental=inc,
        decisions=verdict_table(auc, base, inc, margin=margin),
    )


def as_rates(frame: pd.DataFrame, lookback_days: float | None = LOOKBACK_DAYS) -> pd.DataFrame:
    """A copy of a study frame with the five values as rates: per 30 days the user was in the
    domain within the look-back (``min(tenure, lookback)``, at least one day). Raw counts over
    a 180-day look-back partly measure tenure (a contact of 20 days cannot have 180 days of
    evidence); rates do not."""
    out = frame.copy()
    days = out["tenure_days"].to_numpy(dtype="float64")
    if lookback_days is not None:
        days = np.minimum(days, float(lookback_days))
    days = np.maximum(days, 1.0)
    for v in VALUES:
        out[v] = out[v].to_numpy(dtype="float64") / days * 30.0
    return out


@reused
def label_sensitivity(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    calibration_cutoff,
    cutoff,
    lost_after: tuple = (30, 60, 90, None),
    activities: tuple = ("any", "purchase"),
    n_boot: int = 200,
    random_state=0,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    horizon_days: int = HORIZON_DAYS,
    lookback_days: float | None = LOOKBACK_DAYS,
    vocabulary=None,
    **kwargs,
) -> pd.DataFrame:
    """Does the answer depend on who counts and on what counts as staying? The study
    (:func:`run_study`) for every population rule in ``lost_after`` (days silent before the
    cut-off that count as already lost; None keeps everyone) and outcome in ``activities``
    (any activity / a purchase), then with the package's defaults and the five values as
    rates (``exposure``), and with refund status ignored (every order counted at its full
    amount: the orders have no refund time, so a refund known now may not have been known at
    the cut-off). One row each: the setting, users, base rate, the index's AUC and interval,
    the strongest simple baseline and the difference, and the decisions. ``fit_sample``: as
    in :func:`run_study` (the report states it with the baselines); ``kwargs``: the other
    arguments of :func:`study_on_frames`.

    The rows are those of :func:`run_study` for each setting, but the tables are read once
    per cut-off (and once more with refunds ignored): :func:`study_frames` builds every
    outcome's frame with no population rule, and :func:`population` applies each rule."""
    settings = [
        dict(lost_after_days=d, activity=a, exposure=False, refunds="counted")
        for a in activities
        for d in lost_after
    ]
    settings.append(
        dict(
            lost_after_days=LOST_AFTER_DAYS,
            activity=DEFAULT_ACTIVITY,
            exposure=True,
            refunds="counted",
        )
    )
    settings.append(
        dict(
            lost_after_days=LOST_AFTER_DAYS,
            activity=DEFAULT_ACTIVITY,
            exposure=False,
            refunds="ignored",
        )
    )
    frame_kw = dict(horizon_days=horizon_days, lookback_days=lookback_days, vocabulary=vocabulary)
    built: dict[str, tuple] = {}  # refunds -> (calibration frames, frames) by activity
    rows = []
    for st in settings:
        if st["refunds"] not in built:  # (the settings of one refund rule are adjacent)
            built.clear()
            od = orders
            if st["refunds"] == "ignored":
                full = orders if isinstance(orders, pd.DataFrame) else orders.to_pandas()
                od = full.assign(refund_amount=0.0)
            acts = [s["activity"] for s in settings if s["refunds"] == st["refunds"]]
            built[st["refunds"]] = tuple(
                study_frames(
                    contacts,
                    events,
                    od,
                    cutoff=c,
                    activities=tuple(dict.fromkeys(acts)),
                    **frame_kw,
                )
                for c in (calibration_cutoff, cutoff)
            )
        calibs, frames = built[st["refunds"]]
        run = study_on_frames(
            population(calibs[st["activity"]], st["lost_after_days"]),
            population(frames[st["activity"]], st["lost_after_days"]),
            lookback_days=lookback_days,
            exposure=st["exposure"],
            n_boot=n_boot,
            random_state=random_state,
            fit_sample=fit_sample,
            baselines=SIMPLE_BASELINES,  # (the row reads only the strongest of them)
            **kwargs,
        )
        a = run.auc.iloc[0]
        d = run.decisions.set_index("claim")
        best = d.loc["strongest"] if "strongest" in d.index else None
        rows.append(
            {
                "lost_after_days": st["lost_after_days"],
                "activity": st["activity"],
                "values": "rates" if st["exposure"] else "counts",
                "refunds": st["refunds"],
                "n": int(a["n"]),
                "base_rate": float(a["base_rate"]),
                "auc": float(a["auc"]),
                "lo": float(a["lo"]),
                "hi": float(a["hi"]),
                "predicts": run.decision("predicts"),
                "strongest": None if best is None else best["against"],
                "diff_strongest": np.nan if best is None else float(best["estimate"]),
                "vs_strongest": run.decision("strongest"),
                "adds": run.decision("incremental"),
            }
        )
    return pd.DataFrame(rows)


# --- how often the study is wrong (read from the committed benchmark) -----------------------
#: The columns of ``benchmarks/results/verdict_worlds.csv`` the report shows, in order.
STUDY_OF_STUDY_COLUMNS = [
    "world",
    "runs",
    "users",
    "true_auc",
    "predicts",
    "does_not_predict",
    "predicts_inconclusive",
    "below_strongest",
    "adds",
    "preset_wrong",
    "coverage",
    "wrong",
]


@dataclass(frozen=True)
class StudyOfStudyResult(StudyResult):
    """How often the study is wrong: one row per simulated world of
    ``benchmarks/bench_verdict.py`` (the share of runs with each verdict, the coverage of the
    true AUC by the 95% interval, the share of runs in which the verdict was wrong in that
    world), read from its committed results with their commit and seeds."""

    def reading(self, lang: str = "en") -> str:
        from analysis.i18n import say, tr

        t = self.table.set_index("world")
        null = t.loc[~t["values_matter"].astype(bool)]
        worst = t["wrong"].idxmax()
        return say(
            "validity.study_of_study",
            lang,
            runs=int(t["runs"].iloc[0]),
            k=len(t),
            seeds=str(t["seeds"].iloc[0]),
            commit=str(t["commit"].iloc[0]),
            users=int(round(t["users"].mean())),
            null_adds=float(null["adds"].max()) if len(null) else float("nan"),
            null_predicts=float(null.drop(index="null_tenure", errors="ignore")["predicts"].max())
            if len(null)
            else float("nan"),
            effects=float(t.loc["effects", "predicts"]) if "effects" in t.index else float("nan"),
            wrong_weights=float(t.loc["wrong_weights", "preset_wrong"])
            if "wrong_weights" in t.index
            else float("nan"),
            coverage_lo=float(t["coverage"].min()),
            coverage_hi=float(t["coverage"].max()),
            worst=tr(worst, lang) if lang != "en" else worst.replace("_", " "),
            worst_share=float(t.loc[worst, "wrong"]),
        )


def read_results_csv(path) -> pd.DataFrame:
    """A results table of ``bench_verdict.py``: the world named ``null`` stays a name (not a
    missing value, as pandas would read it by default)."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def study_of_study_result(path) -> StudyOfStudyResult:
    """The committed ``verdict_worlds.csv`` of ``benchmarks/bench_verdict.py`` as a
    :class:`StudyOfStudyResult` (a clear error when it is missing or lacks columns)."""
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no results of the study of the study; run benchmarks/bench_verdict.py"
        )
    table = read_results_csv(path)
    need = [*STUDY_OF_STUDY_COLUMNS, "values_matter", "seeds", "commit"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: columns {missing} missing (have {list(table.columns)})")
    return StudyOfStudyResult(table)
