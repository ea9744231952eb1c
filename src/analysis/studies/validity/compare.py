"""Does the index predict retention, and better than the baselines? Retention by decile, ROC
AUC with intervals, baselines (spend, RFM, equal and learned weights, single values) with
paired intervals, incremental validity over RFM and channel, the sensitivity to the weights,
and the comparison over several cut-offs (the weight sensitivity is in
:mod:`~analysis.studies.validity.weights`).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.aggregate.labels import (
    DEFAULT_ACTIVITY,
    HORIZON_DAYS,
    LOOKBACK_DAYS,
    LOST_AFTER_DAYS,
)
from analysis.aggregate.time import as_timestamp
from analysis.data.vocab import VALUES
from analysis.studies.fit_sample import (
    DEFAULT_FIT_SAMPLE,
    FitSample,
    fit_positions,
    fit_rows,
)
from analysis.studies.scores import PRESETS, FiveValueScorer
from analysis.studies.stats import (
    bootstrap_auc,
    paired_bootstrap_auc,
    wilson_interval,
)
from analysis.studies.validity.frame import (
    SCORE_COLS,
    add_scores,
    behaviour_matrix,
    control_matrix,
    has_behaviour,
    study_frame,
)


def outcome_array(frame: pd.DataFrame, outcome: str) -> np.ndarray:
    if outcome not in frame.columns:
        raise ValueError(f"outcome column {outcome!r} not in the frame")
    return frame[outcome].to_numpy(dtype=bool)


# ---------------------------------------------------------------------------------------
# 1. deciles
# ---------------------------------------------------------------------------------------
def retention_by_decile(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    outcome: str = "retained",
    n_bins: int = 10,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Outcome rate by score decile (1 = lowest), with Wilson intervals.

    Bins follow the mid-rank of the score, so users with equal scores share a bin (bins can
    then be unequal or missing). Columns: ``bin``, ``n``, ``n_outcome``, ``rate``, ``lo``,
    ``hi``, ``score_min``, ``score_max``, ``score_mean``.
    """
    if n_bins < 2:
        raise ValueError(f"n_bins must be at least 2, got {n_bins}")
    s = frame[score].to_numpy(dtype="float64")
    y = outcome_array(frame, outcome)
    if s.size == 0:
        raise ValueError("the frame is empty")
    r = sps.rankdata(s, method="average")
    b = np.clip(np.floor(n_bins * (r - 0.5) / s.size).astype(int), 0, n_bins - 1) + 1
    g = pd.DataFrame({"bin": b, "y": y, "s": s}).groupby("bin")
    tab = pd.DataFrame(
        {
            "n": g.size(),
            "n_outcome": g["y"].sum().astype(int),
            "score_min": g["s"].min(),
            "score_max": g["s"].max(),
            "score_mean": g["s"].mean(),
        }
    ).reset_index()
    tab["rate"] = tab["n_outcome"] / tab["n"]
    lo, hi = wilson_interval(tab["n_outcome"].to_numpy(), tab["n"].to_numpy(), ci=ci)
    tab["lo"], tab["hi"] = lo, hi
    tab.insert(0, "score", score)
    tab.insert(1, "outcome", outcome)
    return tab[
        [
            "score",
            "outcome",
            "bin",
            "n",
            "n_outcome",
            "rate",
            "lo",
            "hi",
            "score_min",
            "score_max",
            "score_mean",
        ]
    ]


def monotonicity(deciles: pd.DataFrame) -> pd.Series:
    """Is the rate monotonic in the bins? Spearman ρ of bin vs rate, the number of
    decreases from one bin to the next, and the Cochran–Armitage trend test (z, p)."""
    t = deciles.sort_values("bin")
    rate = t["rate"].to_numpy()
    rho = float(sps.spearmanr(t["bin"], rate).statistic) if len(t) > 2 else np.nan
    n = t["n"].to_numpy(dtype="float64")
    x = t["n_outcome"].to_numpy(dtype="float64")
    tb = t["bin"].to_numpy(dtype="float64")
    N, pbar = n.sum(), x.sum() / n.sum()
    stat = np.sum(tb * (x - n * pbar))
    var = pbar * (1 - pbar) * (np.sum(tb**2 * n) - np.sum(tb * n) ** 2 / N)
    z = stat / np.sqrt(var) if var > 0 else np.nan
    p = float(2 * sps.norm.sf(abs(z))) if np.isfinite(z) else np.nan
    decreases = int(np.sum(np.diff(rate) < 0))
    return pd.Series(
        {
            "spearman_rho": rho,
            "n_decreases": decreases,
            "monotonic_increasing": decreases == 0,
            "trend_z": float(z),
            "trend_p": p,
            "rate_lowest": float(rate[0]),
            "rate_highest": float(rate[-1]),
        }
    )


# ---------------------------------------------------------------------------------------
# 2. discrimination
# ---------------------------------------------------------------------------------------
def index_auc(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    outcome: str = "retained",
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state=0,
    n_jobs: int = 1,
    reps: pd.Series | None = None,
) -> pd.DataFrame:
    """AUC of ``score`` for ``outcome`` with a percentile bootstrap interval (one row).
    ``n_jobs``: worker processes for the bootstrap (see :mod:`analysis.studies.stats`);
    ``reps``: its replicates, when already drawn (e.g. by
    :func:`~analysis.studies.stats.bootstrap_auc_samples` of all the scores at once)."""
    r = bootstrap_auc(
        outcome_array(frame, outcome),
        frame[score].to_numpy(dtype="float64"),
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
        reps=reps,
    )
    row = {"score": score, "outcome": outcome, **r.to_dict()}
    for k in ("n", "n_pos", "n_boot"):
        row[k] = int(row[k])
    row["base_rate"] = float(outcome_array(frame, outcome).mean())
    return pd.DataFrame([row])


def roc_table(
    frame: pd.DataFrame,
    *,
    scores: Sequence[str] = ("index",),
    outcome: str = "retained",
    n_points: int = 201,
) -> pd.DataFrame:
    """ROC curves (tidy: ``score``, ``fpr``, ``tpr``) on at most ``n_points`` thresholds each."""
    from sklearn.metrics import roc_curve

    y = outcome_array(frame, outcome)
    parts = []
    for s in scores:
        fpr, tpr, _ = roc_curve(y, frame[s].to_numpy(dtype="float64"))
        if fpr.size > n_points:
            keep = np.unique(np.linspace(0, fpr.size - 1, n_points).round().astype(int))
            fpr, tpr = fpr[keep], tpr[keep]
        parts.append(pd.DataFrame({"score": s, "fpr": fpr, "tpr": tpr}))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------
# 3. baselines
# ---------------------------------------------------------------------------------------
def _cv(y: np.ndarray, cv: int, random_state):
    from sklearn.model_selection import StratifiedKFold

    k = int(min(cv, np.bincount(y.astype(int), minlength=2).min()))
    if k < 2:
        raise ValueError("too few users of one class for cross-validation")
    return StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)


def oof_fit_sample(y: np.ndarray, *, cv: int, random_state, fit_sample=None) -> FitSample:
    """What each fold's model of :func:`_oof_logit` is fitted on: ``fit_sample`` of the
    users of the largest training fold (all of them when it is not larger)."""
    folds = _cv(y, cv, random_state)
    n_train = max(len(train) for train, _ in folds.split(np.zeros(len(y)), y))
    _, sample = fit_rows(
        pd.DataFrame(index=pd.RangeIndex(n_train)),
        fit_sample,
        random_state,
        what="validity.fit_sample.oof",
    )
    return sample


def _oof_logit(
    X: np.ndarray, y: np.ndarray, *, cv: int, random_state, fit_sample=None
) -> np.ndarray:
    """Out-of-fold predicted probabilities of a (nearly unpenalised) logistic regression
    with standardised features, fitted inside each training fold only. ``fit_sample``: a
    training fold of more users is fitted on that many of them, drawn at random with
    ``random_state`` (:func:`~analysis.studies.fit_sample.fit_positions`); every user is still
    scored by the model of the fold that left them out."""
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=1e4, solver="newton-cholesky", max_iter=100)
    )
    folds = _cv(y, cv, random_state)
    splits = list(folds.split(X, y))
    if not any(
        fit_positions(len(train), fit_sample, random_state) is not None for train, _ in splits
    ):
        return cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    out = np.empty(len(y), dtype="float64")
    for train, test in splits:
        pos = fit_positions(len(train), fit_sample, random_state)
        rows = train if pos is None else train[pos]
        out[test] = clone(model).fit(X[rows], y[rows]).predict_proba(X[test])[:, 1]
    return out


def baseline_scores(
    frame: pd.DataFrame,
    *,
    outcome: str = "retained",
    cv: int = 5,
    random_state=0,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    only: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The scores compared in part 3, one column each (same rows as ``frame``): ``index``,
    ``spend``, ``rfm``, ``equal``, ``only_<value>``, ``learned`` (out-of-fold probabilities of
    a logistic regression on the five normalised values); with the behaviour columns of
    :func:`study_frame`, the sceptic's baselines: ``recency`` (minus the days since the last
    activity), ``activity`` (in the look-back), ``tenure`` (days in the domain), ``behaviour``
    (out-of-fold, on the logs of those three). ``fit_sample``: the most users each fold's
    model is fitted on (:func:`_oof_logit`). ``only``: these scores and ``index`` (no fits
    of the others; each column as in the full table)."""
    y = outcome_array(frame, outcome)
    out = pd.DataFrame(
        {
            "index": frame["index"].to_numpy(dtype="float64"),
            "spend": frame["spend"].to_numpy(dtype="float64"),
            "rfm": frame["rfm_score"].to_numpy(dtype="float64"),
            "equal": frame["index_equal"].to_numpy(dtype="float64"),
        }
    )
    for v in VALUES:
        out[f"only_{v}"] = frame[f"{v}_score"].to_numpy(dtype="float64")
    want = None if only is None else {"index", *only}
    if want is not None and (unknown := sorted(want - {*out, "learned", *SIMPLE_BASELINES})):
        raise ValueError(f"unknown baseline scores {unknown}")
    oof = dict(cv=cv, random_state=random_state, fit_sample=fit_sample)
    if want is None or "learned" in want:
        out["learned"] = _oof_logit(frame[SCORE_COLS].to_numpy(dtype="float64"), y, **oof)
    if has_behaviour(frame):
        out["recency"] = -frame["days_since_activity"].to_numpy(dtype="float64")
        out["activity"] = frame["activity_count"].to_numpy(dtype="float64")
        out["tenure"] = frame["tenure_days"].to_numpy(dtype="float64")
        if want is None or "behaviour" in want:
            out["behaviour"] = _oof_logit(behaviour_matrix(frame), y, **oof)
    return out if want is None else out[[c for c in out.columns if c in want]]


#: The simple baselines a sceptic would pick first (the headline: the strongest of them).
SIMPLE_BASELINES = ("spend", "rfm", "recency", "activity", "tenure", "behaviour")


def strongest_baseline(table: pd.DataFrame, reference: str = "index") -> str | None:
    """The simple baseline (:data:`SIMPLE_BASELINES`) with the highest AUC in a
    :func:`baseline_comparison` table (None if it has none). Chosen on the same users, so the
    choice favours the baseline: the index is held to the hardest comparison."""
    t = table.loc[table["score"].isin(SIMPLE_BASELINES) & (table["score"] != reference)]
    if t.empty:
        return None
    return str(t.loc[t["auc"].idxmax(), "score"])


def baseline_comparison(
    frame: pd.DataFrame,
    *,
    outcome: str = "retained",
    n_boot: int = 1000,
    ci: float = 0.95,
    cv: int = 5,
    random_state=0,
    n_jobs: int = 1,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    scores: pd.DataFrame | None = None,
    reps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """AUC of the index and of each baseline on the same users, with the paired-bootstrap
    difference ``diff = AUC(index) − AUC(baseline)`` and its interval (see
    :func:`analysis.studies.stats.paired_bootstrap_auc`). Sorted by AUC, highest first.
    ``fit_sample``: see :func:`baseline_scores`. ``scores`` / ``reps``: the scores of
    :func:`baseline_scores` and their replicates, when already computed
    (:func:`~analysis.studies.stats.bootstrap_auc_samples` of all the scores at once)."""
    if scores is None:
        scores = baseline_scores(
            frame, outcome=outcome, cv=cv, random_state=random_state, fit_sample=fit_sample
        )
    tab = paired_bootstrap_auc(
        outcome_array(frame, outcome),
        scores,
        reference="index",
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
        reps=reps,
    )
    tab.insert(1, "outcome", outcome)
    return tab.sort_values("auc", ascending=False, ignore_index=True)


def learned_weights(frame: pd.DataFrame, *, outcome: str = "retained") -> pd.DataFrame:
    """Logistic-regression coefficients of the five normalised values fitted on all of
    ``frame`` (per SD of each score), and the implied simplex weights (negative
    coefficients set to 0, then scaled to sum to 1). For description only: the honest
    comparison uses the out-of-fold ``learned`` score of :func:`baseline_comparison`."""
    import statsmodels.api as sm

    X = frame[SCORE_COLS].to_numpy(dtype="float64")
    sd = X.std(axis=0)
    Xs = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    fit = sm.Logit(outcome_array(frame, outcome).astype(float), sm.add_constant(Xs)).fit(disp=0)
    coef = np.asarray(fit.params)[1:]
    ci_ = np.asarray(fit.conf_int())[1:]
    pos = np.maximum(coef, 0)
    w = pos / pos.sum() if pos.sum() > 0 else np.full(5, np.nan)
    return pd.DataFrame(
        {
            "value": list(VALUES),
            "coef_per_sd": coef,
            "coef_lo": ci_[:, 0],
            "coef_hi": ci_[:, 1],
            "implied_weight": w,
            "preset_weight": [PRESETS["expansion"][v] for v in VALUES],
        }
    )


# ---------------------------------------------------------------------------------------
# 4. incremental validity
# ---------------------------------------------------------------------------------------


def _incremental_design(frame: pd.DataFrame, score: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The controls (:func:`control_matrix`) and the standardised score."""
    s = frame[score].to_numpy(dtype="float64")
    sd = s.std()
    return control_matrix(frame), (s - s.mean()) / sd if sd > 0 else np.zeros_like(s)


def incremental_probabilities(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    outcome: str = "retained",
    cv: int = 5,
    random_state=0,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
) -> pd.DataFrame:
    """The out-of-fold probabilities of the two models of :func:`incremental_validity`:
    ``with`` (controls + the standardised score) and ``without`` (controls only)."""
    y = outcome_array(frame, outcome)
    Xc, z = _incremental_design(frame, score)
    oof = dict(cv=cv, random_state=random_state, fit_sample=fit_sample)
    p_base = _oof_logit(Xc.to_numpy(), y, **oof)
    return pd.DataFrame(
        {"with": _oof_logit(np.column_stack([Xc.to_numpy(), z]), y, **oof), "without": p_base}
    )


def incremental_validity(
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
    probabilities: pd.DataFrame | None = None,
    reps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Does ``score`` add to a model of RFM, recency, activity, tenure and channel? (one row)

    Two logistic regressions (statsmodels ``Logit``): controls (log recency of purchase,
    never bought, log frequency, log monetary, log tenure, log days since the last activity,
    log activity count, channel dummies: :func:`control_matrix`) and controls + the standardised
    score. Reports the likelihood-ratio test (``lr_stat``, ``lr_df``, ``lr_p``), the odds
    ratio per SD of the score with its Wald interval, and the out-of-fold AUC of both models
    with the paired-bootstrap interval of their difference (``auc_diff`` = with − without).
    ``fit_sample``: the most users each fold's out-of-fold model is fitted on
    (:func:`_oof_logit`); the two likelihood-ratio fits use every user.
    ``probabilities`` / ``reps``: the out-of-fold probabilities of
    :func:`incremental_probabilities` and their replicates, when already computed
    (:func:`~analysis.studies.stats.bootstrap_auc_samples` of all the scores at once).
    """
    import statsmodels.api as sm

    y = outcome_array(frame, outcome)
    Xc, z = _incremental_design(frame, score)
    base = sm.Logit(y.astype(float), sm.add_constant(Xc.to_numpy(), has_constant="add"))
    full_X = np.column_stack([np.ones(len(y)), Xc.to_numpy(), z])
    full = sm.Logit(y.astype(float), full_X)
    fb = base.fit(disp=0, maxiter=200, method="newton")
    ff = full.fit(disp=0, maxiter=200, method="newton")
    lr = 2 * (ff.llf - fb.llf)
    beta = float(np.asarray(ff.params)[-1])
    lo, hi = np.asarray(ff.conf_int(alpha=1 - ci))[-1]
    if probabilities is None:
        probabilities = incremental_probabilities(
            frame,
            score=score,
            outcome=outcome,
            cv=cv,
            random_state=random_state,
            fit_sample=fit_sample,
        )
    tab = paired_bootstrap_auc(
        y,
        {"with": probabilities["with"], "without": probabilities["without"]},
        reference="with",
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
        reps=reps,
    )
    w, wo = tab.iloc[0], tab.iloc[1]
    return pd.DataFrame(
        [
            {
                "score": score,
                "outcome": outcome,
                "n": int(y.size),
                "controls": ", ".join(Xc.columns),
                "lr_stat": float(lr),
                "lr_df": 1,
                "lr_p": float(sps.chi2.sf(lr, 1)),
                "odds_ratio_per_sd": float(np.exp(beta)),
                "or_lo": float(np.exp(lo)),
                "or_hi": float(np.exp(hi)),
                "auc_without": float(wo["auc"]),
                "auc_with": float(w["auc"]),
                "auc_diff": float(wo["diff"]),
                "diff_lo": float(wo["diff_lo"]),
                "diff_hi": float(wo["diff_hi"]),
                "n_boot": int(n_boot),
                "ci": float(ci),
            }
        ]
    )


def compare_over_cutoffs(
    frames: Sequence[pd.DataFrame],
    *,
    outcome: str = "retained",
    scores: Sequence[str] = ("index", "spend", "rfm", "equal"),
    n_boot: int = 500,
    ci: float = 0.95,
    random_state=0,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """The paired AUC comparison on already scored frames, one per cut-off (the second half
    of :func:`rolling_origin`; score them all with one scorer fitted on the calibration)."""
    parts = []
    for i, fr in enumerate(frames):
        y = outcome_array(fr, outcome)
        cols = {
            "index": fr["index"],
            "spend": fr["spend"],
            "rfm": fr["rfm_score"],
            "equal": fr["index_equal"],
        }
        cols |= {f"only_{v}": fr[f"{v}_score"] for v in VALUES}
        unknown = [k for k in scores if k not in cols]
        if unknown:
            raise ValueError(f"unknown scores {unknown}; choose from {list(cols)}")
        chosen = {k: cols[k].to_numpy(dtype="float64") for k in scores}
        if "index" not in chosen:
            chosen = {"index": cols["index"].to_numpy(dtype="float64"), **chosen}
        tab = paired_bootstrap_auc(
            y,
            chosen,
            reference="index",
            n_boot=n_boot,
            ci=ci,
            random_state=None if random_state is None else int(random_state) + i,
            n_jobs=n_jobs,
        )
        tab.insert(0, "cutoff", fr["cutoff"].iloc[0])
        tab["base_rate"] = float(y.mean())
        parts.append(tab)
    return pd.concat(parts, ignore_index=True)


def rolling_origin(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoffs: Sequence,
    calibration_cutoff=None,
    horizon_days: int = HORIZON_DAYS,
    lookback_days: float | None = LOOKBACK_DAYS,
    half_life_days: float | None = None,
    activity: str = DEFAULT_ACTIVITY,
    lost_after_days: int | None = LOST_AFTER_DAYS,
    normalization: str = "percentile",
    weights="expansion",
    outcome: str = "retained",
    scores: Sequence[str] = ("index", "spend", "rfm", "equal"),
    n_boot: int = 500,
    ci: float = 0.95,
    random_state=0,
    n_jobs: int = 1,
    vocabulary=None,
    engine=None,
    frames: Sequence[pd.DataFrame] = (),
) -> pd.DataFrame:
    """The AUC comparison at several cut-offs (rolling origin).

    The scorer is fitted once, on the snapshot at ``calibration_cutoff`` (default: the first
    cut-off), and applied unchanged to every cut-off. Tidy: one row per cut-off and score
    (``cutoff``, ``score``, ``auc``, ``lo``, ``hi``, ``diff`` = index − score with
    ``diff_lo``/``diff_hi``, ``n``, ``base_rate``).

    ``frames``: study frames already built with these settings at some of the cut-offs (e.g.
    the report's, from :func:`study_frame`), used instead of reading the tables again; the
    snapshot of each other cut-off is built once (the calibration's too, when it is one of
    the cut-offs).
    """
    cutoffs = list(cutoffs)
    if not cutoffs:
        raise ValueError("cutoffs is empty")
    kw = dict(
        horizon_days=horizon_days,
        lookback_days=lookback_days,
        half_life_days=half_life_days,
        activity=activity,
        lost_after_days=lost_after_days,
        vocabulary=vocabulary,
        engine=engine,
    )
    built = {fr["cutoff"].iloc[0]: fr for fr in frames if len(fr)}

    def snapshot(cutoff) -> pd.DataFrame:
        for c, fr in built.items():
            if as_timestamp(cutoff, tz=c.tz, name="cutoff") == c:
                return fr
        fr = study_frame(contacts, events, orders, cutoff=cutoff, **kw)
        if len(fr):
            built[fr["cutoff"].iloc[0]] = fr
        return fr

    calib = snapshot(cutoffs[0] if calibration_cutoff is None else calibration_cutoff)
    scorer = FiveValueScorer(normalization=normalization, weights=weights).fit(calib[list(VALUES)])
    scored = [add_scores(snapshot(c), scorer=scorer) for c in cutoffs]
    return compare_over_cutoffs(
        scored,
        outcome=outcome,
        scores=scores,
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
    )
