"""Does the index predict retention, and better than the baselines? Retention by decile, ROC
AUC with intervals, baselines (spend, RFM, equal and learned weights, single values) with
paired intervals, incremental validity over RFM and channel, the sensitivity to the weights,
and the comparison over several cut-offs.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.aggregate.labels import (
    DEFAULT_ACTIVITY,
    HORIZON_DAYS,
    LOOKBACK_DAYS,
    LOST_AFTER_DAYS,
)
from analysis.data.vocab import VALUES
from analysis.studies.fit_sample import (
    DEFAULT_FIT_SAMPLE,
    FitSample,
    fit_positions,
    fit_rows,
)
from analysis.studies.scores import PRESETS, FiveValueScorer, validate_weights
from analysis.studies.stats import (
    AucRanker,
    bootstrap_auc,
    paired_bootstrap_auc,
    vdot,
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


def _y(frame: pd.DataFrame, outcome: str) -> np.ndarray:
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
    y = _y(frame, outcome)
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
) -> pd.DataFrame:
    """AUC of ``score`` for ``outcome`` with a percentile bootstrap interval (one row).
    ``n_jobs``: worker processes for the bootstrap (see :mod:`analysis.studies.stats`)."""
    r = bootstrap_auc(
        _y(frame, outcome),
        frame[score].to_numpy(dtype="float64"),
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
    )
    row = {"score": score, "outcome": outcome, **r.to_dict()}
    for k in ("n", "n_pos", "n_boot"):
        row[k] = int(row[k])
    row["base_rate"] = float(_y(frame, outcome).mean())
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

    y = _y(frame, outcome)
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
) -> pd.DataFrame:
    """The scores compared in part 3, one column each (same rows as ``frame``): ``index``,
    ``spend``, ``rfm``, ``equal``, ``only_<value>`` and ``learned`` (out-of-fold probabilities
    of a logistic regression on the five normalised values); and, when the frame has the
    behaviour columns of :func:`study_frame`, the sceptic's baselines (:data:`BEHAVIOUR`):
    ``recency`` (minus the days since the last activity), ``activity`` (activities in the
    look-back), ``tenure`` (days in the domain) and ``behaviour`` (out-of-fold probabilities of
    a logistic regression on the logs of those three). ``fit_sample``: the most users each
    fold's logistic regression is fitted on (:func:`_oof_logit`)."""
    y = _y(frame, outcome)
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
    oof = dict(cv=cv, random_state=random_state, fit_sample=fit_sample)
    out["learned"] = _oof_logit(frame[SCORE_COLS].to_numpy(dtype="float64"), y, **oof)
    if has_behaviour(frame):
        out["recency"] = -frame["days_since_activity"].to_numpy(dtype="float64")
        out["activity"] = frame["activity_count"].to_numpy(dtype="float64")
        out["tenure"] = frame["tenure_days"].to_numpy(dtype="float64")
        out["behaviour"] = _oof_logit(behaviour_matrix(frame), y, **oof)
    return out


#: The simple baselines a sceptic would pick first: what the brand knows without the five
#: values (the headline compares the index with the strongest of them).
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
) -> pd.DataFrame:
    """AUC of the index and of each baseline on the same users, with the paired-bootstrap
    difference ``diff = AUC(index) − AUC(baseline)`` and its interval (see
    :func:`analysis.studies.stats.paired_bootstrap_auc`). Sorted by AUC, highest first.
    ``fit_sample``: see :func:`baseline_scores`."""
    scores = baseline_scores(
        frame, outcome=outcome, cv=cv, random_state=random_state, fit_sample=fit_sample
    )
    tab = paired_bootstrap_auc(
        _y(frame, outcome),
        scores,
        reference="index",
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
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
    fit = sm.Logit(_y(frame, outcome).astype(float), sm.add_constant(Xs)).fit(disp=0)
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
    """
    import statsmodels.api as sm

    y = _y(frame, outcome)
    Xc = control_matrix(frame)
    s = frame[score].to_numpy(dtype="float64")
    sd = s.std()
    z = (s - s.mean()) / sd if sd > 0 else np.zeros_like(s)
    base = sm.Logit(y.astype(float), sm.add_constant(Xc.to_numpy(), has_constant="add"))
    full_X = np.column_stack([np.ones(len(y)), Xc.to_numpy(), z])
    full = sm.Logit(y.astype(float), full_X)
    fb = base.fit(disp=0, maxiter=200, method="newton")
    ff = full.fit(disp=0, maxiter=200, method="newton")
    lr = 2 * (ff.llf - fb.llf)
    beta = float(np.asarray(ff.params)[-1])
    lo, hi = np.asarray(ff.conf_int(alpha=1 - ci))[-1]
    oof = dict(cv=cv, random_state=random_state, fit_sample=fit_sample)
    p_base = _oof_logit(Xc.to_numpy(), y, **oof)
    p_full = _oof_logit(np.column_stack([Xc.to_numpy(), z]), y, **oof)
    tab = paired_bootstrap_auc(
        y,
        {"with": p_full, "without": p_base},
        reference="with",
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
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


# ---------------------------------------------------------------------------------------
# 5. weight sensitivity
# ---------------------------------------------------------------------------------------
def weight_sensitivity(
    frame: pd.DataFrame,
    *,
    outcome: str = "retained",
    n_weights: int = 1000,
    max_users: int | None = 200_000,
    presets: Mapping[str, object] | None = None,
    levels: int | None = 1 << 16,
    random_state=0,
) -> pd.DataFrame:
    """AUC of the index for ``n_weights`` weight vectors drawn uniformly on the simplex
    (Dirichlet(1,…,1)), plus the presets (``presets``: name → weights; default both presets).

    On frames larger than ``max_users`` a random subsample of that many users is used (the
    same one for all weights). To avoid one sort per weight vector, each index is rounded
    to ``levels`` equal steps between its minimum and maximum and the AUC is counted from
    the two histograms (O(n)); index values closer than one step count as ties, which moves
    an AUC by about 1e-5 at the default (``levels=None`` sorts exactly).
    Columns: ``draw`` (preset name or ``random``), the five weights, ``auc``, ``percentile``
    (share of random draws with a lower AUC), ``n``.
    """
    rng = np.random.default_rng(random_state)
    y = _y(frame, outcome)
    X = frame[SCORE_COLS].to_numpy(dtype="float64")
    if max_users is not None and y.size > max_users:
        keep = np.sort(rng.choice(y.size, size=max_users, replace=False))
        X, y = X[keep], y[keep]
    W = rng.dirichlet(np.ones(5), size=n_weights)
    presets = {k: k for k in PRESETS} if presets is None else presets
    names = ["random"] * n_weights
    rows = [W]
    for name, w in presets.items():
        vw = validate_weights(w)
        rows.append(np.array([[vw[v] for v in VALUES]]))
        names.append(str(name))
    W = np.vstack(rows)
    Xp, Xn = X[y], X[~y]
    aucs = np.empty(len(W))
    for start in range(0, len(W), 32):
        chunk = W[start : start + 32]
        sp, sn = np.round(Xp @ chunk.T, 12), np.round(Xn @ chunk.T, 12)  # see five_value_index
        for j in range(chunk.shape[0]):
            aucs[start + j] = _histogram_auc(sp[:, j], sn[:, j], levels)
    tab = pd.DataFrame(W, columns=list(VALUES))
    tab.insert(0, "draw", names)
    tab["auc"] = aucs
    rand = np.sort(aucs[:n_weights])
    tab["percentile"] = np.searchsorted(rand, aucs, side="left") / max(n_weights, 1)
    tab["n"] = int(y.size)
    return tab


def _histogram_auc(sp: np.ndarray, sn: np.ndarray, levels: int | None) -> float:
    """AUC of positives' scores ``sp`` against negatives' ``sn``; scores rounded to
    ``levels`` steps (None: exact, by sorting)."""
    if sp.size == 0 or sn.size == 0:
        return float("nan")
    if levels is None:
        y = np.r_[np.ones(sp.size, bool), np.zeros(sn.size, bool)]
        return AucRanker(y, np.r_[sp, sn]).auc()
    lo = min(sp.min(), sn.min())
    span = max(sp.max(), sn.max()) - lo
    if span <= 0:
        return 0.5
    scale = (levels - 1) / span
    p = np.bincount(((sp - lo) * scale).astype(np.intp), minlength=levels).astype("float64")
    q = np.bincount(((sn - lo) * scale).astype(np.intp), minlength=levels).astype("float64")
    return vdot(p, np.cumsum(q) - 0.5 * q) / (sp.size * sn.size)


def sensitivity_summary(table: pd.DataFrame, *, top_share: float = 0.05) -> pd.DataFrame:
    """Where each preset ranks among the random weights, and the best region: the mean
    weights of the top ``top_share`` of random draws (one row per preset plus ``best region``
    and ``best draw``)."""
    rand = table.loc[table["draw"] == "random"]
    k = max(1, int(round(top_share * len(rand))))
    top = rand.nlargest(k, "auc")
    rows = [table.loc[table["draw"] != "random", ["draw", *VALUES, "auc", "percentile"]]]
    best_region = {
        "draw": f"best region (top {top_share:.0%} mean)",
        **top[list(VALUES)].mean().to_dict(),
        "auc": float(top["auc"].mean()),
        "percentile": np.nan,
    }
    best = rand.loc[rand["auc"].idxmax(), ["draw", *VALUES, "auc", "percentile"]].to_dict()
    best["draw"] = "best draw"
    out = pd.concat([rows[0], pd.DataFrame([best_region, best])], ignore_index=True)
    out["auc_random_median"] = float(rand["auc"].median())
    out["auc_random_min"] = float(rand["auc"].min())
    out["auc_random_max"] = float(rand["auc"].max())
    return out


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
        y = _y(fr, outcome)
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
) -> pd.DataFrame:
    """The AUC comparison at several cut-offs (rolling origin).

    The scorer is fitted once, on the snapshot at ``calibration_cutoff`` (default: the first
    cut-off), and applied unchanged to every cut-off. Tidy: one row per cut-off and score
    (``cutoff``, ``score``, ``auc``, ``lo``, ``hi``, ``diff`` = index − score with
    ``diff_lo``/``diff_hi``, ``n``, ``base_rate``).
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
    calib = study_frame(
        contacts,
        events,
        orders,
        cutoff=cutoffs[0] if calibration_cutoff is None else calibration_cutoff,
        **kw,
    )
    scorer = FiveValueScorer(normalization=normalization, weights=weights).fit(calib[list(VALUES)])
    frames = [
        add_scores(study_frame(contacts, events, orders, cutoff=c, **kw), scorer=scorer)
        for c in cutoffs
    ]
    return compare_over_cutoffs(
        frames,
        outcome=outcome,
        scores=scores,
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        n_jobs=n_jobs,
    )
