"""The churn early warning as of the data's end: honest model choice, one test, one list.

Windows (:class:`ChurnWindows`, all ``horizon_days`` apart, ending at the as-of date ``E``)
-----------------------------------------------------------------------------------------
* **train** ``E - 3h``: the candidate models learn from the population at this cut-off;
* **validation** ``E - 2h``: the model is chosen (highest ROC AUC) and calibrated (a sigmoid
  map of its decision function, :class:`Calibrated`: scikit-learn's
  :class:`~sklearn.calibration.CalibratedClassifierCV` of the frozen model, learned from the
  scores the choice computed) here;
* **test** ``E - h``: the chosen, calibrated model is scored here **once**; nothing is chosen
  on it. Its label window ``[E - h, E)`` is the latest fully observed one;
* **as of** ``E`` (default: the midnight after the latest record, :func:`data_end`): the
  chosen kind is refitted on the test window (the latest fully labelled one), recalibrated on
  the window before it (the validation window: base rates drift, so the map is learned
  again) and scores everyone still a customer at ``E`` (:func:`current_population`: the
  population rule of :func:`~analysis.aggregate.labels.retention_labels`, so users who
  deleted the contact or fell silent past ``lost_after_days`` are not there).

Early signals, not departures
-----------------------------
The early-warning model reads :data:`~analysis.studies.churn.EARLY_FEATURES`: the features
without those that record leaving (:data:`~analysis.studies.churn.DEPARTURE_FEATURES`:
group quits, no longer in a group). The same kind fitted with them is scored on the test
window beside it (:attr:`ChurnAsOf.departure_metrics`, paired bootstrap), so the reader sees
how much of the skill is early warning and how much is reading the departure itself.

Importance over users
---------------------
:func:`importance_over_users`: the drop in ROC AUC when a feature is shuffled, with a
percentile interval over bootstrap resamples of the users (the shuffles are averaged inside
each resample), and its direction: the change in mean predicted risk when the feature is set
from its lower to its upper quartile for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin

from analysis.aggregate.time import as_timestamp, tz_of
from analysis.data.vocab import Vocabulary
from analysis.engine.core import fresh_index, return_free_memory
from analysis.reuse import reused
from analysis.studies.churn import (
    CATEGORICAL,
    EARLY_FEATURES,
    MODEL_FEATURES,
    ChurnDefinition,
    churn_decision,
    churn_frame,
    churn_metrics,
    churn_probability,
    class_balance_table,
    fit_models,
    limited_threads,
    model_features,
)
from analysis.studies.churn_frames import churn_frames
from analysis.studies.fit_sample import DEFAULT_FIT_SAMPLE, FitSample, fit_rows, fit_sample_note
from analysis.studies.stats import AucRanker, bootstrap_counts, percentile_interval

DEFAULT_DEFINITION = ChurnDefinition()
#: the windows with labels (the fourth, "current", is the list's population)
LABELLED = ("train", "validation", "test")

#: Score names of the early-warning comparison (:attr:`ChurnAsOf.departure_metrics`).
EARLY, WITH_DEPARTURES = "early warning", "with departure features"


def data_end(events: pd.DataFrame, orders: pd.DataFrame) -> pd.Timestamp:
    """The end of the data: the midnight after the latest event or order (local time).
    ``events`` / ``orders`` may be the tables of a :class:`~analysis.engine.DuckTables` /
    :class:`~analysis.engine.SparkTables`."""
    from analysis.engine.tables import SqlInputs, is_sql_table

    if is_sql_table(events):
        with SqlInputs(events.tables.engine_name, events=events, orders=orders) as db:
            latest = db.latest_times(db.tz)
    else:
        latest = [s.max() for s in (events["occurred_at"], orders["ordered_at"]) if len(s)]
    if not latest:
        raise ValueError("no events and no orders: the data has no end")
    return max(latest).normalize() + pd.Timedelta(days=1)


@dataclass(frozen=True)
class ChurnWindows:
    """The cut-offs of the as-of design (see the module docstring)."""

    train: pd.Timestamp
    validation: pd.Timestamp
    test: pd.Timestamp
    as_of: pd.Timestamp
    horizon_days: int

    @classmethod
    def ending_at(cls, as_of: pd.Timestamp, horizon_days: int) -> "ChurnWindows":
        h = pd.Timedelta(days=int(horizon_days))
        return cls(as_of - 3 * h, as_of - 2 * h, as_of - h, as_of, int(horizon_days))

    def table(self) -> pd.DataFrame:
        """One row per window: its role, cut-off and label window."""
        h = pd.Timedelta(days=self.horizon_days)
        rows = [
            ("train", self.train, self.train + h),
            ("validation", self.validation, self.validation + h),
            ("test", self.test, self.test + h),
            ("as_of", self.as_of, None),
        ]
        return pd.DataFrame(
            {
                "window": [r[0] for r in rows],
                "cutoff": [r[1].date().isoformat() for r in rows],
                "label_end": ["" if r[2] is None else r[2].date().isoformat() for r in rows],
            }
        )


def current_population(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    definition: ChurnDefinition = DEFAULT_DEFINITION,
    vocabulary: Vocabulary | None = None,
) -> pd.DataFrame:
    """The feature table of everyone still a customer at ``as_of`` (index ``user_id``).

    The population is that of :func:`~analysis.aggregate.labels.retention_labels` at
    ``as_of`` (one definition of who has left: a hard churn not followed by a re-add, or —
    with ``definition.lost_after_days`` — silent that long); its labels, which would read
    after ``as_of``, are not used. Adds ``last_activity_at`` (last qualifying activity
    before ``as_of``)."""
    c = as_timestamp(as_of, tz=tz_of(contacts["joined_at"]), name="as_of")
    frame = churn_frame(
        contacts,
        events,
        orders,
        cutoff=c,
        definition=definition,
        observation_end=c + pd.Timedelta(days=definition.horizon_days),
        vocabulary=vocabulary,
        last_activity=True,
    )
    return frame.drop(columns=["churned", "churned_hard"])


class _Passthrough(ClassifierMixin, BaseEstimator):
    """A "classifier" whose decision function is its one input column (scores computed
    already), so that a calibration is learned from them without scoring the rows again."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype="float64")[:, 0]

    def predict(self, X):  # (scikit-learn's cross-validation asks for one)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]


class Calibrated:
    """A fitted churn model with a sigmoid (Platt) map of its decision function, learned on
    the ``decision`` values of some users (scored once, e.g. for their metrics too) and
    their outcomes ``y``: the probabilities of scikit-learn's
    ``CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid", ensemble=False)``
    fitted on those users (the same calibrator: it is learned from the model's decision
    function on them), without scoring them a second time."""

    def __init__(self, model, decision: np.ndarray, y: np.ndarray):
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.frozen import FrozenEstimator

        self.model = model
        y = np.asarray(y)
        scores = np.asarray(decision, dtype="float64").reshape(-1, 1)
        frozen = FrozenEstimator(_Passthrough().fit(scores, y))
        self.calibration = CalibratedClassifierCV(frozen, method="sigmoid", ensemble=False)
        self.calibration.fit(scores, y)

    @property
    def feature_names_in_(self):
        return self.model.feature_names_in_

    @property
    def classes_(self):
        return self.model.classes_

    def decision_function(self, X) -> np.ndarray:
        return self.model.decision_function(X)

    def probability_of(self, decision: np.ndarray) -> np.ndarray:
        """The calibrated churn probability for decision values already computed."""
        scores = np.asarray(decision, dtype="float64").reshape(-1, 1)
        return self.calibration.predict_proba(scores)[:, 1]

    def predict_proba(self, X) -> np.ndarray:
        p = self.probability_of(self.model.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def __repr__(self) -> str:
        return f"Calibrated({self.model!r})"


@dataclass
class ModelChoice:
    """The candidates fitted on the training window, their scores on the validation window,
    the chosen kind (highest validation ROC AUC; ties: the first kind) and its calibration
    (learned on the validation window)."""

    models: dict
    validation_metrics: pd.DataFrame
    chosen: str
    calibrated: object

    def __repr__(self) -> str:
        return f"ModelChoice(chosen={self.chosen!r}, candidates={list(self.models)})"


def select_model(
    train: pd.DataFrame,
    validation: pd.DataFrame,
    *,
    kinds: Iterable[str] = ("logistic", "hgb"),
    features: Iterable[str] = EARLY_FEATURES,
    random_state=0,
    n_boot: int = 200,
    n_threads: int | None = None,
) -> ModelChoice:
    """Fit each kind on ``train``, score it on ``validation``, choose and calibrate there.
    Reads nothing else: the test window cannot influence the choice."""
    models = fit_models(
        train, kinds=kinds, random_state=random_state, n_threads=n_threads, features=features
    )
    # each model scores the validation users once: its probability (expit of the decision,
    # as its predict_proba) for the choice, the decision for the chosen one's calibration
    with limited_threads(n_threads):
        decision = {k: churn_decision(m, validation) for k, m in models.items()}
    met = churn_metrics(
        validation["churned"],
        {k: expit(d) for k, d in decision.items()},
        n_boot=n_boot,
        random_state=random_state,
    )
    auc = met.loc[met["metric"] == "roc_auc"].set_index("score")["estimate"]
    chosen = str(auc.loc[list(models)].idxmax())
    calibrated = Calibrated(models[chosen], decision[chosen], validation["churned"].to_numpy())
    return ModelChoice(models, met, chosen, calibrated)


@dataclass
class ChurnAsOf:
    """What :func:`churn_as_of` computed (frames keep ``user_id`` as index; never show it)."""

    definition: ChurnDefinition
    windows: ChurnWindows
    frames: dict  # train, validation, test (with labels), current (no labels)
    choice: ModelChoice
    test_predictions: pd.DataFrame  # churned, the chosen calibrated model (+ oracle)
    test_metrics: pd.DataFrame
    departure_metrics: pd.DataFrame
    deployed: object  # the chosen kind refitted on the test window, recalibrated
    deployed_check: pd.DataFrame  # its metrics on the validation window
    current_risk: pd.Series
    params: dict = field(default_factory=dict)
    #: what the models were fitted on (:class:`~analysis.studies.fit_sample.FitSample`): the
    #: candidates and the departure model on the training window, the deployed model on the
    #: test window
    fit_samples: tuple[FitSample, ...] = ()

    def __repr__(self) -> str:
        w = self.windows
        return (
            f"ChurnAsOf(as of {w.as_of.date()}, chosen {self.choice.chosen!r} on "
            f"{w.validation.date()}, tested on {w.test.date()}, "
            f"{len(self.current_risk)} customers scored)"
        )

    @property
    def current(self) -> pd.DataFrame:
        return self.frames["current"]

    def fit_note(self, lang: str = "en") -> str:
        """The sentences stating the sampled fits ("" when every model saw everyone)."""
        return fit_sample_note(self.fit_samples, lang)

    #: :meth:`class_balance`, computed before frames were let go (``keep_frames``)
    balance: pd.DataFrame | None = None

    def class_balance(self) -> pd.DataFrame:
        """Users, churners and churn rate in each labelled window."""
        if self.balance is not None:
            return self.balance
        return class_balance_table(
            {n: (self.frames[n], getattr(self.windows, n)) for n in LABELLED}
        )


@reused
def churn_as_of(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of=None,
    definition: ChurnDefinition = DEFAULT_DEFINITION,
    kinds: Iterable[str] = ("logistic", "hgb"),
    random_state=0,
    n_boot: int = 200,
    oracle=None,
    vocabulary: Vocabulary | None = None,
    n_threads: int | None = None,
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    keep_frames: Iterable[str] | None = None,
) -> ChurnAsOf:
    """The as-of design of the module docstring on the canonical tables.

    ``as_of``: the list's date (default :func:`data_end`); the test label window must end by
    then. ``oracle``: a function ``(frame, *, cutoff) -> Series`` of true churn probabilities
    (e.g. ``checks.oracle_for`` on simulated data), added as a score of the test window.
    ``fit_sample``: the most users of a window a model is fitted on (None: all); a larger
    window is sampled at random with ``random_state``
    (:func:`~analysis.studies.fit_sample.fit_rows`: the candidates and the departure model on
    one sample of the training window, the deployed model on one of the test window).
    Calibration, scores and metrics use every user; the samples are recorded in
    :attr:`ChurnAsOf.fit_samples`. ``keep_frames``: the windows' frames the result keeps
    (None: all four; a report that reads no more of the validation window than its class
    balance lets that frame go: at 5M contacts ~0.8 GB)."""
    tz = tz_of(contacts["joined_at"])
    end = data_end(events, orders)
    e = end if as_of is None else as_timestamp(as_of, tz=tz, name="as_of")
    w = ChurnWindows.ending_at(e, definition.horizon_days)
    # the four windows' frames (as churn_frame and current_population) from shared scans
    frames = churn_frames(
        contacts,
        events,
        orders,
        cutoffs={**{name: getattr(w, name) for name in LABELLED}, "current": e},
        definition=definition,
        observation_end={
            **{name: max(e, end) for name in LABELLED},
            "current": e + pd.Timedelta(days=definition.horizon_days),
        },
        vocabulary=vocabulary,
        last_activity=["current"],
    )
    frames["current"] = frames["current"].drop(columns=["churned", "churned_hard"])
    kinds = list(kinds)
    train_fit, train_sample = fit_rows(
        frames["train"], fit_sample, random_state, what="churn.fit_sample.train"
    )
    choice = select_model(
        train_fit,
        frames["validation"],
        kinds=kinds,
        random_state=random_state,
        n_boot=n_boot,
        n_threads=n_threads,
    )
    test = frames["test"]
    with limited_threads(n_threads):  # (scored once: calibrated here, as is below)
        d_test = churn_decision(choice.models[choice.chosen], test, EARLY_FEATURES)
    p_test = choice.calibrated.probability_of(d_test)
    pred = pd.DataFrame({"churned": test["churned"].to_numpy(), choice.chosen: p_test})
    pred.index = test.index
    if oracle is not None:
        o = oracle(test, cutoff=w.test).reindex(test.index)
        if o.isna().any():
            raise ValueError("the oracle does not cover every user of the test population")
        pred["oracle"] = o.to_numpy(dtype="float64")
    test_metrics = churn_metrics(
        pred["churned"],
        {k: pred[k].to_numpy() for k in pred.columns if k != "churned"},
        n_boot=n_boot,
        reference="oracle" if oracle is not None else None,
        random_state=random_state,
    )
    # the same kind with the departure features, on the same test users (paired resamples)
    full = fit_models(
        train_fit,
        kinds=[choice.chosen],
        random_state=random_state,
        n_threads=n_threads,
        features=MODEL_FEATURES,
    )[choice.chosen]
    with limited_threads(n_threads):
        d_full = churn_decision(full, test)
    both = pd.DataFrame({EARLY: expit(d_test), WITH_DEPARTURES: expit(d_full)}, index=test.index)
    departure_metrics = churn_metrics(
        test["churned"],
        {k: both[k].to_numpy() for k in both.columns},
        n_boot=n_boot,
        reference=EARLY,
        random_state=random_state,
    )
    # deploy: refit on the latest fully labelled window, recalibrate on the one before it
    test_fit, test_sample = fit_rows(test, fit_sample, random_state, what="churn.fit_sample.test")
    fitted = fit_models(
        test_fit,
        kinds=[choice.chosen],
        random_state=random_state,
        n_threads=n_threads,
        features=EARLY_FEATURES,
    )[choice.chosen]
    val = frames["validation"]
    with limited_threads(n_threads):  # (the validation users scored once)
        d_val = churn_decision(fitted, val, EARLY_FEATURES)
        deployed = Calibrated(fitted, d_val, val["churned"].to_numpy())
        p_val = deployed.probability_of(d_val)
        p_now = churn_probability(deployed, frames["current"], EARLY_FEATURES)
    check = churn_metrics(
        val["churned"], {choice.chosen: p_val}, n_boot=n_boot, random_state=random_state
    )
    balance = class_balance_table({n: (frames[n], getattr(w, n)) for n in LABELLED})
    current = frames["current"].index
    if keep_frames is not None:
        keep = set(keep_frames)
        frames = {n: f for n, f in frames.items() if n in keep}
    for f in (*frames.values(), pred):  # the lookup tables the work built (~320 MB a window
        f.index = fresh_index(f.index)  # at 5M contacts) go; the frames stay for later cells
    del val
    return_free_memory()  # (the later cells start from the frames, not the work's leftovers)
    return ChurnAsOf(
        definition,
        w,
        frames,
        choice,
        pred,
        test_metrics,
        departure_metrics,
        deployed,
        check,
        pd.Series(p_now, index=current, name="risk"),
        params={
            "random_state": random_state,
            "n_boot": n_boot,
            "kinds": kinds,
            "fit_sample": fit_sample,
        },
        fit_samples=(train_sample, test_sample),
        balance=balance,
    )


# --- importance over users -------------------------------------------------------------------
def quartile_direction(model, frame: pd.DataFrame) -> pd.Series:
    """Per numeric feature: mean predicted risk with the feature set to its upper quartile
    (in ``frame``) for everyone, minus the same with its lower quartile. Positive: more of
    the feature, more risk. NaN for channel and hook, and where the quartiles coincide."""
    feats = model_features(model)
    X = frame[feats]
    out = {}
    for c in feats:
        v = X[c].to_numpy(dtype="float64") if c not in CATEGORICAL else None
        if v is None or np.isnan(v).all():
            out[c] = np.nan
            continue
        q1, q3 = np.nanquantile(v, [0.25, 0.75])
        if q1 == q3:
            out[c] = np.nan
            continue
        lo, hi = X.copy(), X.copy()
        lo[c], hi[c] = q1, q3
        out[c] = float(model.predict_proba(hi)[:, 1].mean() - model.predict_proba(lo)[:, 1].mean())
    return pd.Series(out, name="direction")


def importance_over_users(
    model,
    frame: pd.DataFrame,
    *,
    target: str = "churned",
    n_repeats: int = 3,
    n_boot: int = 200,
    ci: float = 0.95,
    max_samples: int | None = None,
    random_state=0,
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Permutation importance with intervals over users, and its direction.

    For each feature, ``n_repeats`` shuffles of its column give shuffled risks; the
    importance is the ROC AUC of the model minus the mean AUC of the shuffled risks. Its
    interval re-computes both on ``n_boot`` bootstrap resamples of the users (same resamples
    for every feature), so it reflects who happened to be in the data, not only the shuffles.
    ``max_samples`` draws that many users first (all if None or fewer).
    Tidy columns: ``feature``, ``importance``, ``lo``, ``hi``, ``direction``
    (:func:`quartile_direction`), strongest first (ties by name)."""
    rng = np.random.default_rng(random_state)
    if max_samples is not None and len(frame) > max_samples:
        frame = frame.iloc[np.sort(rng.choice(len(frame), size=int(max_samples), replace=False))]
    feats = model_features(model)
    X, y = frame[feats], frame[target].to_numpy().astype(bool)
    with limited_threads(n_threads):
        base = AucRanker(y, model.predict_proba(X)[:, 1])
        shuffled = {}
        for c in feats:
            rankers = []
            for _ in range(n_repeats):
                Xs = X.copy()
                Xs[c] = X[c].to_numpy()[rng.permutation(len(X))]
                rankers.append(AucRanker(y, model.predict_proba(Xs)[:, 1]))
            shuffled[c] = rankers
        direction = quartile_direction(model, frame)
    ones = np.ones(len(y))

    def drops(w):
        # every ranker has the same users and outcome: gather the weights of the churners
        # and the stayers once per resample
        wp, wn = w[base.pos_idx], w[base.neg_idx]
        b = base._auc(wp, wn)
        return np.array([b - np.mean([r._auc(wp, wn) for r in shuffled[c]]) for c in feats])

    point = drops(ones)
    boots = np.array(
        [drops(bootstrap_counts(len(y), random_state=rng).astype("float64")) for _ in range(n_boot)]
    )
    lo, hi = (
        np.transpose([percentile_interval(boots[:, j], ci=ci) for j in range(len(feats))])
        if n_boot
        else (np.full(len(feats), np.nan), np.full(len(feats), np.nan))
    )
    out = pd.DataFrame(
        {
            "feature": feats,
            "importance": point,
            "lo": lo,
            "hi": hi,
            "direction": direction.reindex(feats).to_numpy(),
        }
    )
    return out.sort_values(["importance", "feature"], ascending=[False, True], ignore_index=True)
