"""Churn early warning: who is about to stop, how sure we are, and who to call first.

Definition (all parameters explicit, see :class:`ChurnDefinition`)
------------------------------------------------------------------
At a cut-off ``c`` the **population** and the **label** come from the shared
:func:`analysis.aggregate.labels.retention_labels`: contacts who joined before ``c`` and were
not lost by ``c`` (no hard churn such as ``del_follow_user`` before ``c``; optionally no
activity for ``lost_after_days``). A user **churns** when they are *not retained*: no
qualifying activity (an interaction event or a paid order, or only paid orders with
``activity="purchase"``) in ``[c, c + horizon)``, or a hard churn in that window.
Features (:func:`analysis.aggregate.features.churn_features`) read only ``t < c``.

Models
------
Two scikit-learn pipelines with all preprocessing inside (:func:`make_pipeline`): a
regularised (L2) logistic regression on imputed, log-scaled, standardised features with
one-hot channel and hook, and a histogram gradient-boosted classifier with native
categorical handling. Randomness only through ``random_state``.

Evaluation by time
------------------
:func:`evaluate_by_time` fits on the population at ``train_cutoff`` (labels in
``[train_cutoff, train_cutoff + horizon)``) and tests on the population at a later
``test_cutoff``. ``train_cutoff + horizon <= test_cutoff`` is required, so nothing the
training labels read happens after the test features' cut-off. :func:`churn_metrics` gives
ROC AUC, PR AUC (average precision), Brier score, gain and lift at the top k%, each with a
percentile bootstrap interval (users resampled; one resample shared by all scores, so gaps
between scores are paired).

Oracle
------
On simulated data :func:`oracle_churn_probability` is the true probability of the label
given the simulator's per-user hazard (see its docstring for the derivation); comparing the
models with it shows how much of the achievable accuracy they reach.

At-risk list
------------
:func:`at_risk_list` ranks users by churn risk × value and gives each listed user the
features that push their risk up most (single-feature what-ifs against a typical user).
:func:`export_at_risk` writes it as CSV with pseudonymous ids only (:func:`pseudonymise`).

Why this module is long: the churn definition, the feature lists, the two model pipelines
and their evaluation by time are one model; they share the definition and the feature lists.
The at-risk list is :mod:`analysis.studies.churn_list`; checks against the simulator's truth
are :mod:`analysis.simulate.checks`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from analysis.aggregate.features import FEATURE_COLUMNS, churn_features
from analysis.aggregate.labels import (
    DEFAULT_ACTIVITY,
    HORIZON_DAYS,
    LOOKBACK_DAYS,
    LOST_AFTER_DAYS,
    retention_labels,
)
from analysis.data.errors import TooLittleData
from analysis.data.vocab import VALUES, Vocabulary
from analysis.i18n import say
from analysis.progress import progress
from analysis.studies.scores import FiveValueScorer
from analysis.studies.stats import (
    AucRanker,
    ScoreRanking,
    bootstrap_counts,
    percentile_interval,
    vdot,
    wilson_interval,
)

CATEGORICAL = ["channel", "hook"]


EVIDENCE = [f"ev_{v}" for v in VALUES]


NUMERIC = [
    c for c in FEATURE_COLUMNS if c not in CATEGORICAL and c not in EVIDENCE and c != "stage"
]


#: Model input columns (the feature table minus the stage name, which stage_rank encodes).
MODEL_FEATURES = CATEGORICAL + NUMERIC + EVIDENCE


#: Features that record the departure itself (leaving the brand's groups), not an early sign
#: of it: the early-warning model leaves them out (:data:`EARLY_FEATURES`); a user they
#: describe is shown as "already leaving" (:mod:`analysis.studies.churn_asof`). Deleting the
#: contact is not a feature: such users are outside the population.
DEPARTURE_FEATURES = ("group_quits", "in_group")

#: The early-warning model's inputs: :data:`MODEL_FEATURES` without the departure features.
EARLY_FEATURES = [c for c in MODEL_FEATURES if c not in DEPARTURE_FEATURES]


def model_features(model) -> list[str]:
    """The feature columns a fitted model reads (its ``feature_names_in_``)."""
    names = getattr(model, "feature_names_in_", None)
    return list(MODEL_FEATURES if names is None else names)


MODEL_NAMES = {"logistic": "logistic regression (L2)", "hgb": "gradient boosting (HGB)"}


@dataclass(frozen=True)
class ChurnDefinition:
    """What churn means here, in parameters (see the module docstring)."""

    horizon_days: int = HORIZON_DAYS
    activity: str = DEFAULT_ACTIVITY
    lost_after_days: int | None = LOST_AFTER_DAYS
    lookback_days: float = LOOKBACK_DAYS
    short_days: float = 30
    long_days: float = 90

    def describe(self, lang: str = "en") -> str:
        act = say(
            "churn.definition.act_any"
            if self.activity == "any"
            else "churn.definition.act_purchase",
            lang,
        )
        lost = (
            ""
            if self.lost_after_days is None
            else say("churn.definition.lost", lang, days=self.lost_after_days)
        )
        return say(
            "churn.definition",
            lang,
            horizon=self.horizon_days,
            act=act,
            lost=lost,
            lookback=self.lookback_days,
            short=self.short_days,
            long=self.long_days,
        )

    def as_dict(self) -> dict:
        return asdict(self)


def churn_frame(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoff,
    definition: ChurnDefinition = ChurnDefinition(),
    observation_end=None,
    vocabulary: Vocabulary | None = None,
    last_activity: bool = False,
) -> pd.DataFrame:
    """Features and label for the population at ``cutoff`` (index ``user_id``, sorted).

    Columns: the feature table (:data:`~analysis.aggregate.features.FEATURE_COLUMNS`), then
    ``churned`` (1 = not retained), ``churned_hard`` (1 = deleted the contact in the window)
    and, with ``last_activity=True``, ``last_activity_at`` (the last qualifying activity
    before the cut-off).
    """
    d = definition
    lab = retention_labels(
        contacts,
        events,
        orders,
        cutoff=cutoff,
        horizon_days=d.horizon_days,
        activity=d.activity,
        lost_after_days=d.lost_after_days,
        observation_end=observation_end,
        vocabulary=vocabulary,
    )
    feats = churn_features(
        contacts,
        events,
        orders,
        as_of=cutoff,
        lookback_days=d.lookback_days,
        short_days=d.short_days,
        long_days=d.long_days,
        users=lab["user_id"],
        vocabulary=vocabulary,
    )
    lab = lab.set_index("user_id").reindex(feats.index)
    out = feats.copy()
    out["stage_rank"], out["stage"] = ladder_stage(
        contacts, events, orders, cutoff=cutoff, users=feats.index, vocabulary=vocabulary
    )
    out["churned"] = (~lab["retained"].to_numpy(dtype=bool)).astype("int64")
    out["churned_hard"] = lab["churned_hard"].to_numpy(dtype=bool).astype("int64")
    if last_activity:
        out["last_activity_at"] = lab["last_activity_before"].array  # (zoned, no objects)
    return out


def ladder_stage(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoff,
    users: pd.Index,
    vocabulary: Vocabulary | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each user's stage at ``cutoff`` by the kit's shared stage assignment
    (:func:`analysis.studies.flow.assign_stages`, default :class:`~analysis.studies.flow.Ladder`)
    as ``(stage_rank, stage)``: rank 1 (lowest ladder stage) .. 9, 0 off the ladder (``silent``
    or ``lost`` by the ladder's rules, or not evidenced: ``none``). Leaving all groups does not
    make a user lost here (``left_all_groups_is_lost=False``): that is a departure feature,
    kept out of the early-warning model."""
    from analysis.aggregate.time import as_timestamp, tz_of
    from analysis.studies.flow import Ladder, assign_stages

    # the churn features keep the ungated ladder for now (issue 20 item 4 gated the flow's
    # default; switching the churn report is its own change, with its tables)
    lad = Ladder(vocabulary=vocabulary, left_all_groups_is_lost=False, purchase_gated=())
    c = as_timestamp(cutoff, tz=tz_of(contacts["joined_at"]), name="cutoff")
    codes = assign_stages(contacts, events, orders, snapshots=[c], ladder=lad).iloc[:, 0]
    codes = codes.reindex(users, fill_value=-1).to_numpy(dtype="int64")
    n = len(lad.stages)
    rank = np.where((codes >= 0) & (codes < n), codes + 1, 0).astype("int64")
    names = np.array(lad.states + ["none"], dtype=object)
    stage = names[np.where(codes < 0, len(names) - 1, codes)].astype("str")
    return rank, stage


def _signed_log1p(x):
    return np.sign(x) * np.log1p(np.abs(x))


class ValueScores(TransformerMixin, BaseEstimator):
    """Pipeline step: the ``ev_<value>`` evidence columns → the five-value scores and index.

    Wraps the shared :class:`analysis.studies.scores.FiveValueScorer` (normalisation learned in
    ``fit`` on the training snapshot only); output columns ``score_<value>`` and
    ``value_index``.
    """

    def __init__(self, normalization: str = "percentile", weights="expansion"):
        self.normalization = normalization
        self.weights = weights

    def _values(self, X) -> pd.DataFrame:
        X = pd.DataFrame(X, columns=EVIDENCE) if not isinstance(X, pd.DataFrame) else X
        return pd.DataFrame(X[EVIDENCE].to_numpy(dtype="float64"), columns=list(VALUES))

    def fit(self, X, y=None):
        self.scorer_ = FiveValueScorer(normalization=self.normalization, weights=self.weights).fit(
            self._values(X)
        )
        return self

    def transform(self, X):
        return self.scorer_.transform(self._values(X)).to_numpy()

    def get_feature_names_out(self, input_features=None):
        return np.array([f"score_{v}" for v in VALUES] + ["value_index"], dtype=object)

    def __repr__(self) -> str:
        return f"ValueScores(normalization={self.normalization!r}, weights={self.weights!r})"


class EmptyAsZero:
    """Pass numbers through, except columns with no value at all in the training data (e.g.
    every order feature of a brand without orders), read as 0: gradient boosting cannot bin
    a column that is missing everywhere, and a constant column never splits, so the model is
    the same as without it. Other missing values stay missing (they mean "never")."""

    def fit(self, X, y=None):
        self.empty_ = np.asarray(pd.DataFrame(X).isna().all(axis=0))
        return self

    def transform(self, X):
        out = np.array(pd.DataFrame(X), dtype="float64")
        out[:, self.empty_] = np.nan_to_num(out[:, self.empty_], nan=0.0)
        return out

    def fit_transform(self, X, y=None):
        return self.fit(X, y).transform(X)

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self

    def set_output(self, *, transform=None):
        return self


def make_pipeline(
    kind: str = "hgb",
    *,
    random_state=None,
    C: float = 1.0,
    value_weights="expansion",
    numeric: list[str] | None = None,
    categorical: list[str] | None = None,
):
    """An unfitted scikit-learn pipeline taking the feature table (a DataFrame).

    In both, the five ``ev_<value>`` columns become the five-value scores and index
    (:class:`ValueScores`, weights ``value_weights``), learned on the training data.
    ``kind="logistic"``: median imputation with missing-value indicators, signed log1p and
    standardisation of the other numbers, one-hot channel/hook, L2 logistic regression with
    strength ``1/C``. ``kind="hgb"``: ordinal-encoded channel/hook as native categoricals
    and a HistGradientBoostingClassifier (early stopping on a 10% split, seeded by
    ``random_state``).
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import (
        FunctionTransformer,
        OneHotEncoder,
        OrdinalEncoder,
        StandardScaler,
    )

    num = list(NUMERIC if numeric is None else numeric)
    cat = list(CATEGORICAL if categorical is None else categorical)
    if kind == "logistic":
        num_pipe = Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", add_indicator=True)),
                ("log", FunctionTransformer(_signed_log1p)),
                ("scale", StandardScaler()),
            ]
        )
        pre = ColumnTransformer(
            [
                ("num", num_pipe, num),
                ("values", ValueScores(weights=value_weights), EVIDENCE),
                ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
            ]
        )
        clf = LogisticRegression(C=C, max_iter=2000, random_state=random_state)
        return Pipeline([("prep", pre), ("model", clf)])
    if kind == "hgb":
        pre = ColumnTransformer(
            [
                (
                    "cat",
                    OrdinalEncoder(
                        handle_unknown="use_encoded_value",
                        unknown_value=np.nan,
                        encoded_missing_value=np.nan,
                    ),
                    cat,
                ),
                ("num", EmptyAsZero(), num),
                ("values", ValueScores(weights=value_weights), EVIDENCE),
            ]
        )
        clf = HistGradientBoostingClassifier(
            learning_rate=0.05,
            max_iter=300,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=15,
            categorical_features=[True] * len(cat) + [False] * (len(num) + len(VALUES) + 1),
            random_state=random_state,
        )
        return Pipeline([("prep", pre), ("model", clf)])
    raise ValueError(f"kind must be one of {list(MODEL_NAMES)}, got {kind!r}")


def limited_threads(n_threads: int | None):
    """A context capping gradient boosting's OpenMP threads at ``n_threads`` (None: the
    library's default, every core) and BLAS at one thread whatever ``n_threads`` is.

    The models are the same for any ``n_threads``: gradient boosting builds each feature's
    histogram in one thread, while threaded BLAS adds the logistic model's sums in another
    order (at 1M contacts its metrics moved in the 10th digit with two threads), and its
    few columns gain nothing from threads. Gradient boosting slows down sharply when its
    threads compete with other processes for the cores; one thread is then faster."""
    from threadpoolctl import threadpool_limits

    limits = {"blas": 1} if n_threads is None else {"blas": 1, "openmp": int(n_threads)}
    return threadpool_limits(limits=limits)


def fit_models(
    train: pd.DataFrame,
    *,
    kinds: Iterable[str] = ("logistic", "hgb"),
    random_state=0,
    target: str = "churned",
    n_threads: int | None = None,
    features: Iterable[str] = MODEL_FEATURES,
) -> dict:
    """Fit one pipeline per kind on ``train`` (a :func:`churn_frame`). Returns name → model.
    ``n_threads`` caps native threads during the fit (None: library default). ``features``:
    the columns the models read (default :data:`MODEL_FEATURES`; :data:`EARLY_FEATURES`
    leaves out the departure features); the evidence columns are always read."""
    features = list(features)
    missing = [c for c in EVIDENCE if c not in features]
    if missing:
        raise ValueError(f"features must include the evidence columns, missing {missing}")
    num = [c for c in NUMERIC if c in features]
    cat = [c for c in CATEGORICAL if c in features]
    X, y = train[cat + num + EVIDENCE], train[target].to_numpy()
    if np.unique(y).size < 2:
        raise TooLittleData(
            f"the training window has {len(y)} users"
            + (f", all with {target}={y[0]!r}" if len(y) else "")
            + ": too little data to learn who churns (both outcomes are needed)"
        )
    kinds = list(kinds)
    models = {}
    with limited_threads(n_threads):
        bar = progress(kinds, desc="fitting churn models", enabled=len(X) >= 100_000)
        for k in bar:
            bar.set_postfix_str(k)
            pipe = make_pipeline(k, random_state=random_state, numeric=num, categorical=cat)
            models[k] = pipe.fit(X, y)
    return models


#: users scored at a time: a model copies and transforms what it scores (at 5M contacts a
#: window's features are ~1 GB, and its transformed copies as much again)
PREDICT_BLOCK = 262_144


def churn_probability(model, frame: pd.DataFrame, features=None) -> np.ndarray:
    """``model``'s churn probability of every user in ``frame`` (its ``features``, default
    :func:`model_features`), scored a block of :data:`PREDICT_BLOCK` users at a time (each
    user's score depends on their own row only: the numbers of one call, but for the last
    bit that SIMD rounding may move at a block's end)."""
    return _in_blocks(lambda X: model.predict_proba(X)[:, 1], model, frame, features)


def churn_decision(model, frame: pd.DataFrame, features=None) -> np.ndarray:
    """``model``'s decision function (the log-odds of churn; :func:`churn_probability` is
    its ``expit``) for every user in ``frame``, a block at a time as there."""
    return _in_blocks(model.decision_function, model, frame, features)


def _in_blocks(score, model, frame: pd.DataFrame, features) -> np.ndarray:
    cols = list(features) if features is not None else model_features(model)
    out = np.empty(len(frame))
    for start in range(0, len(frame), PREDICT_BLOCK):
        block = frame.iloc[start : start + PREDICT_BLOCK]
        out[start : start + len(block)] = score(block[cols])
    return out


def predict_risk(
    models: Mapping, frame: pd.DataFrame, *, n_threads: int | None = None
) -> pd.DataFrame:
    """Churn probability of every user in ``frame`` under each model (columns = names)."""
    with limited_threads(n_threads):
        return pd.DataFrame(
            {k: churn_probability(m, frame) for k, m in models.items()}, index=frame.index
        )


def _metric_values(y, scores: dict, rankers, ranked, w, fractions) -> dict:
    out = {}
    wsum = w.sum()
    for name, s in scores.items():
        cur = ranked[name].curves(w)
        out[(name, "roc_auc")] = rankers[name].auc(w)
        out[(name, "pr_auc")] = ranked[name].pr_auc(w, cur)
        out[(name, "brier")] = vdot(w, (s - y) ** 2) / wsum
        for f in fractions:
            g, lift = ranked[name].top_share(w, f, cur)
            out[(name, f"gain@{f:.0%}")] = g
            out[(name, f"lift@{f:.0%}")] = lift
    return out


def churn_metrics(
    y,
    scores,
    *,
    top_fractions: Iterable[float] = (0.05, 0.1, 0.2),
    n_boot: int = 200,
    ci: float = 0.95,
    reference: str | None = None,
    random_state=0,
) -> pd.DataFrame:
    """ROC AUC, PR AUC, Brier score, gain and lift at the top k%, with bootstrap intervals.

    ``y``: 1 = churned. ``scores``: mapping name → churn probability (higher = riskier).
    Returns a tidy frame with columns ``score``, ``metric``, ``estimate`` (full data),
    ``lo``, ``hi`` (percentile interval over ``n_boot`` resamples of users) and, when
    ``reference`` names one of the scores, ``gap`` (this score minus the reference),
    ``gap_lo``, ``gap_hi`` — paired, because every resample is shared by all scores.
    Brier scores only make sense for probabilities.
    """
    yv = np.asarray(y).astype("float64")
    named = {str(k): np.asarray(v, dtype="float64") for k, v in dict(scores).items()}
    if reference is not None and reference not in named:
        raise ValueError(f"reference {reference!r} is not one of {list(named)}")
    fr = [float(f) for f in top_fractions]
    rankers = {k: AucRanker(yv.astype(bool), s) for k, s in named.items()}
    ranked = {k: ScoreRanking(yv, s) for k, s in named.items()}
    point = _metric_values(yv, named, rankers, ranked, np.ones(yv.size), fr)
    rng = np.random.default_rng(random_state)
    reps = [
        _metric_values(
            yv,
            named,
            rankers,
            ranked,
            bootstrap_counts(yv.size, random_state=rng).astype("float64"),
            fr,
        )
        for _ in range(n_boot)
    ]
    rows = []
    for (name, metric), est in point.items():
        samples = np.array([r[(name, metric)] for r in reps])
        lo, hi = percentile_interval(samples, ci=ci) if n_boot else (np.nan, np.nan)
        row = {"score": name, "metric": metric, "estimate": est, "lo": lo, "hi": hi}
        if reference is not None:
            ref = np.array([r[(reference, metric)] for r in reps])
            row["gap"] = est - point[(reference, metric)]
            row["gap_lo"], row["gap_hi"] = (
                percentile_interval(samples - ref, ci=ci) if n_boot else (np.nan, np.nan)
            )
        rows.append(row)
    out = pd.DataFrame(rows)
    out["n"] = int(yv.size)
    out["n_boot"] = int(n_boot)
    return out


def metrics_wide(metrics: pd.DataFrame, *, digits: int = 3) -> pd.DataFrame:
    """:func:`churn_metrics` as one row per score and one 'estimate [lo, hi]' cell per metric."""
    cell = metrics.apply(
        lambda r: f"{r['estimate']:.{digits}f} [{r['lo']:.{digits}f}, {r['hi']:.{digits}f}]", axis=1
    )
    wide = metrics.assign(cell=cell).pivot(index="score", columns="metric", values="cell")
    order = list(dict.fromkeys(metrics["metric"]))
    return wide[order].reindex(list(dict.fromkeys(metrics["score"])))


def calibration_table(y, scores, *, n_bins: int = 10, ci: float = 0.95) -> pd.DataFrame:
    """Reliability table: users binned by predicted probability (equal-count bins).

    Tidy columns: ``score``, ``bin``, ``n``, ``mean_predicted``, ``observed`` (churn rate),
    ``lo``, ``hi`` (Wilson interval of the observed rate).
    """
    yv = np.asarray(y).astype("float64")
    rows = []
    for name, s in dict(scores).items():
        s = np.asarray(s, dtype="float64")
        ranks = pd.Series(s).rank(method="first").to_numpy()
        b = np.minimum(((ranks - 1) * n_bins / s.size).astype(int), n_bins - 1)
        n = np.bincount(b, minlength=n_bins)
        k = np.bincount(b, weights=yv, minlength=n_bins)
        mp = np.bincount(b, weights=s, minlength=n_bins)
        lo, hi = wilson_interval(k, n, ci=ci)
        with np.errstate(invalid="ignore", divide="ignore"):
            for i in range(n_bins):
                if n[i] == 0:
                    continue
                rows.append(
                    {
                        "score": str(name),
                        "bin": i + 1,
                        "n": int(n[i]),
                        "mean_predicted": mp[i] / n[i],
                        "observed": k[i] / n[i],
                        "lo": float(lo[i]),
                        "hi": float(hi[i]),
                    }
                )
    return pd.DataFrame(rows)


def lift_table(y, scores, *, fractions: Iterable[float] | None = None) -> pd.DataFrame:
    """Cumulative gain and lift curves: tidy ``score``, ``fraction`` (share of users contacted,
    riskiest first), ``gain`` (share of all churners among them), ``lift`` (their churn rate
    over the base rate)."""
    yv = np.asarray(y).astype("float64")
    fr = np.linspace(0.01, 1.0, 100) if fractions is None else np.asarray(list(fractions))
    w = np.ones(yv.size)
    rows = []
    for name, s in dict(scores).items():
        r = ScoreRanking(yv, np.asarray(s, dtype="float64"))
        for f in fr:
            g, lift = r.top_share(w, float(f))
            rows.append({"score": str(name), "fraction": float(f), "gain": g, "lift": lift})
    return pd.DataFrame(rows)


def permutation_importance_table(
    model,
    frame: pd.DataFrame,
    *,
    target: str = "churned",
    n_repeats: int = 5,
    max_samples: int | float = 1.0,
    scoring: str = "roc_auc",
    random_state=0,
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Permutation importance of each raw feature on ``frame`` (use the *test* frame).

    Tidy columns: ``feature``, ``importance`` (mean drop in ``scoring`` when the feature is
    shuffled), ``sd`` (over the repeats), ``lo``, ``hi`` (mean ± 1.96 sd / sqrt(repeats)),
    sorted by importance.
    """
    from sklearn.inspection import permutation_importance

    feats = model_features(model)
    X, y = frame[feats], frame[target].to_numpy()
    with limited_threads(n_threads):
        res = permutation_importance(
            model,
            X,
            y,
            scoring=scoring,
            n_repeats=n_repeats,
            max_samples=max_samples,
            random_state=random_state,
            n_jobs=1,
        )
    se = res.importances_std / np.sqrt(n_repeats)
    out = pd.DataFrame(
        {
            "feature": feats,
            "importance": res.importances_mean,
            "sd": res.importances_std,
            "lo": res.importances_mean - 1.96 * se,
            "hi": res.importances_mean + 1.96 * se,
        }
    )
    return out.sort_values("importance", ascending=False, ignore_index=True)


def class_balance_table(frames: Mapping) -> pd.DataFrame:
    """One row per labelled frame (name → ``(churn_frame, cutoff)``): ``set``, ``cutoff``,
    ``users``, ``churned``, ``hard_churn``, ``churn_rate`` and its Wilson interval."""
    rows = []
    for name, (fr, cut) in frames.items():
        k, n = int(fr["churned"].sum()), len(fr)
        lo, hi = wilson_interval(k, n)
        rows.append(
            {
                "set": name,
                "cutoff": cut.date().isoformat(),
                "users": n,
                "churned": k,
                "hard_churn": int(fr["churned_hard"].sum()),
                "churn_rate": k / n if n else np.nan,
                "lo": lo,
                "hi": hi,
            }
        )
    return pd.DataFrame(rows)


@dataclass
class ChurnEvaluation:
    """What :func:`evaluate_by_time` computed (frames keep ``user_id`` as index; never show
    it in a report)."""

    definition: ChurnDefinition
    train_cutoff: pd.Timestamp
    test_cutoff: pd.Timestamp
    train: pd.DataFrame
    test: pd.DataFrame
    models: dict
    predictions: pd.DataFrame  # churned + one probability column per model (+ oracle)
    metrics: pd.DataFrame
    params: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"ChurnEvaluation(train {self.train_cutoff.date()} n={len(self.train)}, "
            f"test {self.test_cutoff.date()} n={len(self.test)}, "
            f"models={list(self.models)}, horizon={self.definition.horizon_days}d)"
        )

    def class_balance(self) -> pd.DataFrame:
        """Users, churners and churn rate (with Wilson interval) in train and test."""
        return class_balance_table(
            {"train": (self.train, self.train_cutoff), "test": (self.test, self.test_cutoff)}
        )


def evaluate_by_time(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    train_cutoff,
    test_cutoff,
    definition: ChurnDefinition = ChurnDefinition(),
    kinds: Iterable[str] = ("logistic", "hgb"),
    random_state=0,
    n_boot: int = 200,
    top_fractions: Iterable[float] = (0.05, 0.1, 0.2),
    oracle: pd.Series | None = None,
    observation_end=None,
    vocabulary: Vocabulary | None = None,
    n_threads: int | None = None,
) -> ChurnEvaluation:
    """Fit at ``train_cutoff``, test at the later ``test_cutoff``, score with intervals.

    ``train_cutoff + horizon`` must not be after ``test_cutoff`` (the training labels would
    read the test period). ``n_threads`` caps native threads (see :func:`fit_models`).
    ``oracle``, a Series of true churn probabilities indexed by
    ``user_id`` covering the test population (e.g. :func:`oracle_churn_probability`), adds
    the oracle as a score and makes it the reference of the metric gaps.
    """
    from analysis.aggregate.time import as_timestamp, tz_of

    tz = tz_of(contacts["joined_at"])
    c_train = as_timestamp(train_cutoff, tz=tz, name="train_cutoff")
    c_test = as_timestamp(test_cutoff, tz=tz, name="test_cutoff")
    h = pd.Timedelta(days=definition.horizon_days)
    if c_train + h > c_test:
        raise ValueError(
            f"train_cutoff + horizon ({(c_train + h).date()}) is after "
            f"test_cutoff ({c_test.date()}): training labels would read the test "
            "period"
        )
    kw = dict(definition=definition, observation_end=observation_end, vocabulary=vocabulary)
    train = churn_frame(contacts, events, orders, cutoff=c_train, **kw)
    test = churn_frame(contacts, events, orders, cutoff=c_test, **kw)
    models = fit_models(train, kinds=kinds, random_state=random_state, n_threads=n_threads)
    pred = predict_risk(models, test, n_threads=n_threads)
    if oracle is not None:
        pred["oracle"] = oracle.reindex(test.index).to_numpy(dtype="float64")
        if pred["oracle"].isna().any():
            raise ValueError("the oracle does not cover every user of the test population")
    pred.insert(0, "churned", test["churned"].to_numpy())
    scores = {k: pred[k].to_numpy() for k in pred.columns if k != "churned"}
    metrics = churn_metrics(
        pred["churned"],
        scores,
        top_fractions=top_fractions,
        n_boot=n_boot,
        reference="oracle" if oracle is not None else None,
        random_state=random_state,
    )
    return ChurnEvaluation(
        definition,
        c_train,
        c_test,
        train,
        test,
        models,
        pred,
        metrics,
        params={"random_state": random_state, "n_boot": n_boot, "kinds": list(kinds)},
    )


def oracle_gap(
    metrics: pd.DataFrame,
    *,
    metrics_shown: Iterable[str] = ("roc_auc", "brier"),
) -> pd.DataFrame:
    """How far each model is from the oracle: one row per (model, metric) with the model's
    value, the oracle's, the gap (model − oracle) and its paired bootstrap interval."""
    if "gap" not in metrics.columns:
        raise ValueError("metrics have no oracle reference (pass oracle= to evaluate_by_time)")
    m = metrics.loc[metrics["metric"].isin(list(metrics_shown))]
    ora = m.loc[m["score"] == "oracle"].set_index("metric")["estimate"]
    out = m.loc[
        m["score"] != "oracle", ["score", "metric", "estimate", "gap", "gap_lo", "gap_hi"]
    ].copy()
    out.insert(3, "oracle", out["metric"].map(ora).to_numpy())
    return out.reset_index(drop=True)
