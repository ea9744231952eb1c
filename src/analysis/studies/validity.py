"""Does the five-value index predict retention? The validity study.

Every function takes a **study frame** (one row per user in the population at a cut-off, from
:func:`study_frame`, scored with :func:`add_scores`) and returns a tidy table; the plots are
in :mod:`analysis.plots.validity`. The parts:

1. :func:`retention_by_decile` — retention rate by index decile with Wilson intervals, and
   :func:`monotonicity` (Spearman ρ, reversals, Cochran–Armitage trend test).
2. :func:`index_auc` — AUC of the index with a bootstrap interval.
3. :func:`baseline_comparison` — the index against spend, RFM, equal weights, each single
   value and cross-validated learned weights, with paired-bootstrap AUC differences.
4. :func:`incremental_validity` — does the index add to RFM + tenure + channel?
   (likelihood-ratio test, odds ratio per SD, out-of-fold AUC difference).
5. :func:`weight_sensitivity` — AUC over random weights on the simplex; the preset's rank.
6. :func:`rolling_origin` — parts 2–3 at several cut-offs with a fixed calibration.
7. :func:`survival_by_group` / :func:`hazard_ratio` — Kaplan–Meier curves of time to hard
   churn by index quartile and a Cox hazard ratio per SD (statsmodels).

:func:`verdict` turns the tables into a plain-language conclusion. :func:`true_outcome_probability`
gives, on simulated data, each user's true probability of the "no hard churn" outcome, so the
study can be checked against the simulator's truth with :func:`analysis.studies.stats.expected_auc`.

Definitions. Features read ``t < cutoff`` (evidence and RFM in the look-back window),
labels read ``t >= cutoff`` (:func:`analysis.aggregate.labels.retention_labels`).
RFM: ``recency_days`` = days since the last paid order (any time before the cut-off; NaN if
never), ``frequency`` = paid orders and ``monetary`` = net amount in the look-back window.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.aggregate.labels import retention_labels
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.aggregate.values import EVIDENCE_DECIMALS, value_evidence
from analysis.data.vocab import VALUES
from analysis.engine.core import is_sql_engine
from analysis.engine.dialect import sql_instant
from analysis.engine.tables import SqlInputs, as_instants, infer_engine, is_sql_table
from analysis.studies.scores import PRESETS, FiveValueScorer, five_value_index, validate_weights
from analysis.studies.stats import AucRanker, bootstrap_auc, paired_bootstrap_auc, wilson_interval

__all__ = [
    "study_frame",
    "add_scores",
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
    "rolling_origin",
    "compare_over_cutoffs",
    "survival_by_group",
    "hazard_ratio",
    "verdict",
    "true_outcome_probability",
]

SCORE_COLS = [f"{v}_score" for v in VALUES]


# ---------------------------------------------------------------------------------------
# the study frame
# ---------------------------------------------------------------------------------------
def study_frame(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoff,
    horizon_days: int = 90,
    lookback_days: float | None = 180,
    half_life_days: float | None = None,
    activity: str = "any",
    lost_after_days: int | None = None,
    followup_days: int | None = None,
    vocabulary=None,
    engine=None,
) -> pd.DataFrame:
    """One row per user in the population at ``cutoff`` (sorted by user_id).

    Columns: ``user_id``, ``cutoff``, ``retained`` (the label of
    :func:`~analysis.aggregate.labels.retention_labels` over ``horizon_days``),
    ``no_hard_churn`` (no hard churn in the horizon), ``tenure_days``, ``channel``, the five
    raw evidence columns (:func:`~analysis.aggregate.values.value_evidence`), ``recency_days``,
    ``frequency``, ``monetary``; with ``followup_days`` (or ``0`` = as long as the data
    allows) also ``churn_event`` (hard churn in the follow-up) and ``time_days`` (days from the
    cut-off to the hard churn, or to the end of follow-up).

    ``engine="duckdb"`` / ``"spark"``: the per-user aggregations (labels, evidence, RFM) run
    as SQL (:mod:`analysis.engine`); ``contacts`` / ``events`` / ``orders`` may then be the
    tables of a :class:`~analysis.engine.DuckTables` or :class:`~analysis.engine.SparkTables`
    read from disk. Only the contacts' ``user_id`` and ``channel`` and the per-user results
    come into memory. The frame is the same as on pandas. ``engine=None`` (default) follows
    the inputs: the tables' engine for DuckDB / Spark tables, pandas for frames.
    """
    engine = infer_engine(engine, contacts, events, orders)
    lab = retention_labels(
        contacts,
        events,
        orders,
        cutoff=cutoff,
        horizon_days=horizon_days,
        activity=activity,
        lost_after_days=lost_after_days,
        vocabulary=vocabulary,
        engine=engine,
    )
    contacts_in = contacts
    if is_sql_table(contacts):
        contacts = contacts.tables.query(f"SELECT user_id, joined_at, channel FROM {contacts.view}")
        contacts["user_id"] = contacts["user_id"].astype("str")
    if len(lab):
        c = lab["cutoff"].iloc[0]
    else:
        tz = events.tables.tz if is_sql_table(events) else tz_of(contacts["joined_at"])
        c = as_timestamp(cutoff, tz=tz, name="cutoff")
    ids = lab["user_id"]
    ev = value_evidence(
        events,
        orders,
        as_of=c,
        lookback_days=lookback_days,
        half_life_days=half_life_days,
        users=ids,
        vocabulary=vocabulary,
        engine=engine,
    )
    out = pd.DataFrame(
        {
            "user_id": ids.to_numpy(),
            "cutoff": c,
            "retained": lab["retained"].to_numpy(),
            "no_hard_churn": ~lab["churned_hard"].to_numpy(),
            "tenure_days": lab["tenure_days"].to_numpy(),
        }
    )
    chan = contacts.drop_duplicates("user_id").set_index("user_id")["channel"]
    out["channel"] = out["user_id"].map(chan).astype("str")
    ev_vals = ev.reindex(pd.Index(ids.astype("str"), name="user_id"))
    for v in VALUES:
        out[v] = ev_vals[v].to_numpy()
    sql = is_sql_engine(engine)
    rfm = (
        _rfm_sql(orders, ids, c, lookback_days, engine)
        if sql
        else _rfm(orders, ids, c, lookback_days)
    )
    out = pd.concat([out, rfm], axis=1)
    if followup_days is not None:
        if followup_days == 0:
            last = (
                _last_time_sql(events, orders, engine, str(c.tz))
                if sql
                else max(s.max() for s in (events["occurred_at"], orders["ordered_at"]) if len(s))
            )
            followup_days = int((last + pd.Timedelta(days=1) - c) / pd.Timedelta(days=1))
        fu = retention_labels(
            contacts_in,
            events,
            orders,
            cutoff=c,
            horizon_days=followup_days,
            activity=activity,
            lost_after_days=lost_after_days,
            vocabulary=vocabulary,
            engine=engine,
        )
        fu = fu.set_index("user_id").reindex(ids)
        out["churn_event"] = fu["churned_hard"].to_numpy(dtype=bool)
        t = (fu["churned_at"] - c) / pd.Timedelta(days=1)
        out["time_days"] = t.fillna(float(followup_days)).to_numpy(dtype="float64")
    return out


def _rfm(
    orders: pd.DataFrame, ids: pd.Series, c: pd.Timestamp, lookback_days: float | None
) -> pd.DataFrame:
    net = orders["amount"] - orders["refund_amount"]
    before = orders.loc[(orders["ordered_at"] < c) & (net > 0), ["user_id", "ordered_at"]]
    last = before.groupby("user_id")["ordered_at"].max()
    win = orders["ordered_at"] < c
    if lookback_days is not None:
        win &= orders["ordered_at"] >= c - pd.Timedelta(days=float(lookback_days))
    w = pd.DataFrame({"user_id": orders.loc[win, "user_id"].to_numpy(), "net": net[win].to_numpy()})
    freq = w.loc[w["net"] > 0].groupby("user_id").size()
    mon = w.groupby("user_id")["net"].sum()
    key = ids.to_numpy()
    rec = (c - pd.Series(key).map(last)) / pd.Timedelta(days=1)
    return pd.DataFrame(
        {
            "recency_days": rec.to_numpy(dtype="float64"),
            "frequency": pd.Series(key).map(freq).fillna(0).to_numpy(dtype="float64"),
            "monetary": _money(pd.Series(key).map(mon).fillna(0.0).to_numpy(dtype="float64")),
        }
    )


def _money(sums: np.ndarray) -> np.ndarray:
    """Sums of amounts rounded as the value evidence is (identical on every engine)."""
    return np.round(sums, EVIDENCE_DECIMALS) + 0.0


def _quintile(x: np.ndarray) -> np.ndarray:
    """Score 1..5 by mid-rank percentile (ties share a score)."""
    pct = (sps.rankdata(x, method="average") - 0.5) / x.size
    return np.clip(np.floor(pct * 5).astype(int) + 1, 1, 5)


def add_scores(frame: pd.DataFrame, *, scorer: FiveValueScorer) -> pd.DataFrame:
    """A copy of ``frame`` with the scores the study compares.

    Adds ``<value>_score`` (five normalised values from the fitted ``scorer``), ``index``
    (the scorer's weights), ``index_equal`` (equal weights), ``spend`` (= ``monetary``) and
    ``rfm_score`` (sum of R, F and M quintile scores 1–5 within the frame; no purchase → R=1).
    """
    out = frame.copy()
    norm = scorer.normalize(frame[list(VALUES)])
    for v in VALUES:
        out[f"{v}_score"] = norm[v].to_numpy()
    out["index"] = five_value_index(norm, weights=scorer.weights_).to_numpy()
    out["index_equal"] = five_value_index(norm, weights="equal").to_numpy()
    out["spend"] = frame["monetary"].to_numpy(dtype="float64")
    if len(out):
        rec = -frame["recency_days"].fillna(np.inf).to_numpy()
        out["rfm_score"] = (
            _quintile(rec)
            + _quintile(frame["frequency"].to_numpy())
            + _quintile(frame["monetary"].to_numpy())
        ).astype("float64")
    else:
        out["rfm_score"] = np.array([], dtype="float64")
    return out


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


def _oof_logit(X: np.ndarray, y: np.ndarray, *, cv: int, random_state) -> np.ndarray:
    """Out-of-fold predicted probabilities of a (nearly unpenalised) logistic regression
    with standardised features, fitted inside each training fold only."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=1e4, solver="newton-cholesky", max_iter=100)
    )
    return cross_val_predict(model, X, y, cv=_cv(y, cv, random_state), method="predict_proba")[:, 1]


def baseline_scores(
    frame: pd.DataFrame, *, outcome: str = "retained", cv: int = 5, random_state=0
) -> pd.DataFrame:
    """The scores compared in part 3, one column each (same rows as ``frame``): ``index``,
    ``spend``, ``rfm``, ``equal``, ``only_<value>`` and ``learned`` (out-of-fold probabilities
    of a logistic regression on the five normalised values)."""
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
    out["learned"] = _oof_logit(
        frame[SCORE_COLS].to_numpy(dtype="float64"), y, cv=cv, random_state=random_state
    )
    return out


def baseline_comparison(
    frame: pd.DataFrame,
    *,
    outcome: str = "retained",
    n_boot: int = 1000,
    ci: float = 0.95,
    cv: int = 5,
    random_state=0,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """AUC of the index and of each baseline on the same users, with the paired-bootstrap
    difference ``diff = AUC(index) − AUC(baseline)`` and its interval (see
    :func:`analysis.studies.stats.paired_bootstrap_auc`). Sorted by AUC, highest first."""
    scores = baseline_scores(frame, outcome=outcome, cv=cv, random_state=random_state)
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
def _controls(frame: pd.DataFrame, channel_levels: Sequence[str] | None = None) -> pd.DataFrame:
    rec = frame["recency_days"].to_numpy(dtype="float64")
    has = np.isfinite(rec)
    X = pd.DataFrame(
        {
            "log_recency": np.where(has, np.log1p(np.nan_to_num(rec, nan=0.0)), 0.0),
            "never_bought": (~has).astype(float),
            "log_frequency": np.log1p(frame["frequency"].to_numpy(dtype="float64")),
            "log_monetary": np.log1p(np.maximum(frame["monetary"].to_numpy(dtype="float64"), 0)),
            "log_tenure": np.log1p(np.maximum(frame["tenure_days"].to_numpy(dtype="float64"), 0)),
        }
    )
    levels = (
        sorted(frame["channel"].astype(str).unique())
        if channel_levels is None
        else list(channel_levels)
    )
    ch = frame["channel"].astype(str).to_numpy()
    for lv in levels[1:]:  # first level is the reference
        X[f"channel_{lv}"] = (ch == lv).astype(float)
    X = X.loc[:, X.std(axis=0) > 0]  # drop constant columns (e.g. no one bought)
    return X


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
) -> pd.DataFrame:
    """Does ``score`` add to a model of RFM, tenure and channel? (one row)

    Two logistic regressions (statsmodels ``Logit``): controls (log recency, never bought,
    log frequency, log monetary, log tenure, channel dummies) and controls + the standardised
    score. Reports the likelihood-ratio test (``lr_stat``, ``lr_df``, ``lr_p``), the odds
    ratio per SD of the score with its Wald interval, and the out-of-fold AUC of both models
    with the paired-bootstrap interval of their difference (``auc_diff`` = with − without).
    """
    import statsmodels.api as sm

    y = _y(frame, outcome)
    Xc = _controls(frame)
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
    p_base = _oof_logit(Xc.to_numpy(), y, cv=cv, random_state=random_state)
    p_full = _oof_logit(np.column_stack([Xc.to_numpy(), z]), y, cv=cv, random_state=random_state)
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
    return float(np.dot(p, np.cumsum(q) - 0.5 * q) / (sp.size * sn.size))


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


# ---------------------------------------------------------------------------------------
# 6. stability over time
# ---------------------------------------------------------------------------------------
def _rfm_sql(
    orders, ids: pd.Series, c: pd.Timestamp, lookback_days: float | None, engine
) -> pd.DataFrame:
    """:func:`_rfm` as one SQL query (DuckDB or Spark): the same three columns."""
    start = (
        "TRUE"
        if lookback_days is None
        else f"ordered_at >= {sql_instant(c - pd.Timedelta(days=float(lookback_days)))}"
    )
    with SqlInputs(engine, orders=orders) as db:
        got = db.df(f"""
            SELECT user_id,
                   max(ordered_at) FILTER (WHERE amount - refund_amount > 0) AS last_paid,
                   count(*) FILTER (WHERE amount - refund_amount > 0 AND {start}) AS freq,
                   sum(amount - refund_amount) FILTER (WHERE {start}) AS mon
            FROM {db.views["orders"]} WHERE ordered_at < {sql_instant(c)} GROUP BY user_id""")
    got = got.set_index(got["user_id"].astype("str"))
    key = pd.Index(ids.astype("str"))
    last = as_instants(got["last_paid"], str(c.tz)).reindex(key)
    return pd.DataFrame(
        {
            "recency_days": ((c - last) / pd.Timedelta(days=1)).to_numpy(dtype="float64"),
            "frequency": got["freq"].reindex(key).fillna(0).to_numpy(dtype="float64"),
            "monetary": _money(got["mon"].reindex(key).fillna(0.0).to_numpy(dtype="float64")),
        }
    )


def _last_time_sql(events, orders, engine, tz: str) -> pd.Timestamp:
    """The latest event or order time, in SQL (the follow-up's end)."""
    with SqlInputs(engine, events=events, orders=orders) as db:
        return max(db.latest_times(tz))


def rolling_origin(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoffs: Sequence,
    calibration_cutoff=None,
    horizon_days: int = 90,
    lookback_days: float | None = 180,
    half_life_days: float | None = None,
    activity: str = "any",
    lost_after_days: int | None = None,
    normalization: str = "percentile",
    weights="expansion",
    outcome: str = "retained",
    scores: Sequence[str] = ("index", "spend", "rfm", "equal"),
    n_boot: int = 500,
    ci: float = 0.95,
    random_state=0,
    n_jobs: int = 1,
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


# ---------------------------------------------------------------------------------------
# 7. survival
# ---------------------------------------------------------------------------------------
def _groups(s: np.ndarray, n_groups: int) -> np.ndarray:
    r = sps.rankdata(s, method="average")
    return np.clip(np.floor(n_groups * (r - 0.5) / s.size).astype(int), 0, n_groups - 1) + 1


def survival_by_group(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    n_groups: int = 4,
    time: str = "time_days",
    event: str = "churn_event",
    grid_days: float = 1.0,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Kaplan–Meier survival (no hard churn) by score group (quartiles by default; 1 = lowest),
    via ``statsmodels.duration.survfunc.SurvfuncRight``, evaluated on a grid of
    ``grid_days``. Tidy: ``group``, ``days``, ``survival``, ``lo``, ``hi`` (pointwise
    log-log interval), ``n``, ``events``."""
    from statsmodels.duration.survfunc import SurvfuncRight

    for col in (time, event):
        if col not in frame.columns:
            raise ValueError(f"column {col!r} missing: build the frame with followup_days")
    t = frame[time].to_numpy(dtype="float64")
    e = frame[event].to_numpy(dtype=bool)
    g = _groups(frame[score].to_numpy(dtype="float64"), n_groups)
    grid = np.arange(0.0, float(t.max()) + grid_days, grid_days)
    parts = []
    for k in np.unique(g):
        m = g == k
        sf = SurvfuncRight(t[m], e[m].astype(float))
        st = np.asarray(sf.surv_times)
        sp = np.asarray(sf.surv_prob)
        if st.size:
            lo, hi = _km_interval(sf, ci)
        pos = np.searchsorted(st, grid, side="right") - 1
        surv = np.where(pos >= 0, sp[np.maximum(pos, 0)], 1.0) if st.size else np.ones_like(grid)
        if st.size:
            lo_g = np.where(pos >= 0, lo[np.maximum(pos, 0)], 1.0)
            hi_g = np.where(pos >= 0, hi[np.maximum(pos, 0)], 1.0)
        else:
            lo_g = hi_g = np.ones_like(grid)
        parts.append(
            pd.DataFrame(
                {
                    "group": int(k),
                    "days": grid,
                    "survival": surv,
                    "lo": lo_g,
                    "hi": hi_g,
                    "n": int(m.sum()),
                    "events": int(e[m].sum()),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "score", score)
    return out


def _km_interval(sf, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log(-log) interval of a fitted ``SurvfuncRight`` (NaN-safe)."""
    sp = np.asarray(sf.surv_prob)
    se = np.asarray(sf.surv_prob_se)
    zq = sps.norm.ppf(0.5 + ci / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = np.log(-np.log(sp))
        se_ll = se / (sp * np.abs(np.log(sp)))
        lo = np.exp(-np.exp(ll + zq * se_ll))
        hi = np.exp(-np.exp(ll - zq * se_ll))
    lo = np.where(np.isfinite(lo), lo, sp)
    hi = np.where(np.isfinite(hi), hi, sp)
    return lo, hi


def hazard_ratio(
    frame: pd.DataFrame,
    *,
    score: str = "index",
    time: str = "time_days",
    event: str = "churn_event",
    controls: bool = False,
    ci: float = 0.95,
    time_resolution_days: float | None = 1.0,
) -> pd.DataFrame:
    """Cox proportional-hazards ratio of hard churn per SD of ``score`` (statsmodels
    ``PHReg``, Breslow ties); with ``controls`` the RFM/tenure/channel covariates of
    :func:`incremental_validity` are added. One row: ``hazard_ratio_per_sd``, ``lo``, ``hi``,
    ``p``, ``n``, ``events``.

    Times are counted in whole ``time_resolution_days`` (rounded up: an event 3 hours after
    the cut-off is on day 1), the resolution of daily data; this keeps the number of distinct
    event times small, which is what PHReg's cost grows with (``None`` keeps exact times)."""
    from statsmodels.duration.hazard_regression import PHReg

    t = frame[time].to_numpy(dtype="float64")
    if time_resolution_days is not None:
        t = np.maximum(np.ceil(t / time_resolution_days), 1.0) * time_resolution_days
    e = frame[event].to_numpy(dtype=float)
    s = frame[score].to_numpy(dtype="float64")
    sd = s.std()
    z = (s - s.mean()) / sd if sd > 0 else np.zeros_like(s)
    X = z[:, None] if not controls else np.column_stack([z, _controls(frame).to_numpy()])
    fit = PHReg(t, X, status=e, ties="breslow").fit()
    beta = float(np.asarray(fit.params)[0])
    se = float(np.asarray(fit.bse)[0])
    zq = sps.norm.ppf(0.5 + ci / 2)
    return pd.DataFrame(
        [
            {
                "score": score,
                "controls": bool(controls),
                "hazard_ratio_per_sd": float(np.exp(beta)),
                "lo": float(np.exp(beta - zq * se)),
                "hi": float(np.exp(beta + zq * se)),
                "p": float(2 * sps.norm.sf(abs(beta / se))),
                "n": int(t.size),
                "events": int(e.sum()),
            }
        ]
    )


# ---------------------------------------------------------------------------------------
# truth (simulated data) and the verdict
# ---------------------------------------------------------------------------------------
def true_outcome_probability(
    frame: pd.DataFrame, truth_users: pd.DataFrame, *, p_hard: float, horizon_days: int
) -> np.ndarray:
    """Each user's true probability of ``no_hard_churn`` under the simulator (one per row).

    In :mod:`analysis.simulate` a lifetime is exponential with the user's
    ``churn_hazard_per_day`` h and ends in a hard churn with probability ``p_hard``,
    independently. For a user still alive at the cut-off the lifetime is memoryless, so
    P(no hard churn in the horizon H) = 1 − p_hard·(1 − exp(−h·H)); a user who already left
    silently before the cut-off (still in the population) never hard-churns: probability 1.
    """
    u = truth_users.set_index("user_id").reindex(frame["user_id"].astype(str))
    if u["churn_hazard_per_day"].isna().any():
        raise ValueError("truth_users lacks some users of the frame")
    c = frame["cutoff"].iloc[0]
    h = u["churn_hazard_per_day"].to_numpy(dtype="float64")
    gone = (u["left_at"].notna() & (u["left_at"] < c)).to_numpy()
    p = 1 - p_hard * (1 - np.exp(-h * horizon_days))
    return np.where(gone, 1.0, p)


def _fmt(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def _ival(lo: float, hi: float) -> str:
    return f"[{_fmt(lo)}, {_fmt(hi)}]"


def verdict(
    auc_table: pd.DataFrame,
    baselines: pd.DataFrame | None = None,
    incremental: pd.DataFrame | None = None,
    *,
    horizon_days: int | None = None,
    label: str | None = None,
    lang: str = "en",
) -> str:
    """A plain-language conclusion computed from the tables (never typed by hand).

    The index "predicts" when the lower end of its AUC interval is above 0.5, "does not
    predict better than chance" otherwise (and "predicts in the opposite direction" when the
    upper end is below 0.5). Baselines are named as better / worse / not distinguishable by
    whether the paired interval of the difference excludes 0. ``lang`` ("en" or "zh") picks
    the sentences of :data:`analysis.i18n.SENTENCES`; ``label`` defaults to "the preset index".
    """
    from analysis.i18n import CLAUSE_SEP, SENTENCE_SEP, say, tr

    if label is None:
        label = "the preset index" if lang == "en" else "预设指数"
    a = auc_table.iloc[0]
    what = (
        say("validity.what", lang, horizon=horizon_days)
        if horizon_days
        else say("validity.what_any", lang)
    )
    common = dict(
        label=label.capitalize() if lang == "en" else label,
        what=what,
        auc=_fmt(a["auc"]),
        ival=_ival(a["lo"], a["hi"]),
    )
    if a["lo"] > 0.5:
        head = say("validity.verdict.predicts", lang, ci=f"{a['ci']:.0%}", **common)
    elif a["hi"] < 0.5:
        head = say("validity.verdict.opposite", lang, **common)
    else:
        head = say("validity.verdict.chance", lang, **common)
    parts = [head]
    if baselines is not None and len(baselines):
        b = baselines.set_index("score")
        bits = []
        for k in ("spend", "rfm", "equal", "learned"):
            if k not in b.index:
                continue
            r = b.loc[k]
            rel = "better" if r["diff_lo"] > 0 else "worse" if r["diff_hi"] < 0 else "same"
            bits.append(
                say(
                    "validity.verdict.baseline",
                    lang,
                    name=say(f"validity.verdict.name_{k}", lang),
                    auc=_fmt(r["auc"]),
                    ival=_ival(r["lo"], r["hi"]),
                    diff=_fmt(r["diff"]),
                    diff_ival=_ival(r["diff_lo"], r["diff_hi"]),
                    rel=say(f"validity.verdict.{rel}", lang),
                )
            )
        singles = b.loc[[i for i in b.index if i.startswith("only_")]]
        if len(singles):
            best = singles["auc"].idxmax()
            bits.append(
                say(
                    "validity.verdict.best_single",
                    lang,
                    value=tr(best.removeprefix("only_"), lang),
                    auc=_fmt(singles.loc[best, "auc"]),
                )
            )
        if bits:
            parts.append(say("validity.verdict.same_users", lang, bits=CLAUSE_SEP[lang].join(bits)))
        if "learned" in b.index:
            r = b.loc["learned"]
            parts.append(
                say(
                    "validity.verdict.learned",
                    lang,
                    gain=_fmt(-r["diff"]),
                    ival=_ival(-r["diff_hi"], -r["diff_lo"]),
                )
            )
    if incremental is not None and len(incremental):
        r = incremental.iloc[0]
        adds = r["lr_p"] < 0.05 and r["diff_lo"] > 0
        parts.append(
            say(
                "validity.verdict.incremental",
                lang,
                adds=say("validity.verdict.adds" if adds else "validity.verdict.not_adds", lang),
                p=r["lr_p"],
                odds=_fmt(r["odds_ratio_per_sd"]),
                or_ival=_ival(r["or_lo"], r["or_hi"]),
                without=_fmt(r["auc_without"]),
                with_=_fmt(r["auc_with"]),
                diff=r["auc_diff"],
                lo=r["diff_lo"],
                hi=r["diff_hi"],
            )
        )
    return SENTENCE_SEP[lang].join(parts)
