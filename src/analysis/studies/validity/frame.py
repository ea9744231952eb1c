"""The study frame: one row per user still a customer at the cut-off, with the five-value
evidence and scores learned on an earlier snapshot, RFM and the retention label (features
before the cut-off, labels after); on pandas, DuckDB or Spark, and over rolling cut-offs.
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
    activity_counts,
    retention_labels,
)
from analysis.aggregate.rfm import rfm_table
from analysis.aggregate.rules import is_silent
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.aggregate.values import value_evidence
from analysis.data.vocab import VALUES
from analysis.engine.core import is_sql_engine
from analysis.engine.tables import SqlInputs, as_instants, infer_engine, is_sql_table
from analysis.reuse import reused
from analysis.studies.scores import FiveValueScorer, five_value_index

SCORE_COLS = [f"{v}_score" for v in VALUES]


# ---------------------------------------------------------------------------------------
# the study frame
# ---------------------------------------------------------------------------------------
@reused
def study_frame(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoff,
    horizon_days: int = HORIZON_DAYS,
    lookback_days: float | None = LOOKBACK_DAYS,
    half_life_days: float | None = None,
    activity: str = DEFAULT_ACTIVITY,
    lost_after_days: int | None = LOST_AFTER_DAYS,
    followup_days: int | None = None,
    vocabulary=None,
    engine=None,
) -> pd.DataFrame:
    """One row per user in the population at ``cutoff`` (sorted by user_id).

    Columns: ``user_id``, ``cutoff``, ``retained`` (the label of
    :func:`~analysis.aggregate.labels.retention_labels` over ``horizon_days``),
    ``no_hard_churn`` (no hard churn in the horizon), ``tenure_days``,
    ``days_since_activity`` (since the last qualifying activity before the cut-off, or since
    joining if none), ``activity_count`` (qualifying activities in the look-back),
    ``channel``, the five
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
    out = _frames(
        contacts,
        events,
        orders,
        cutoff=cutoff,
        activities=(activity,),
        horizon_days=horizon_days,
        lookback_days=lookback_days,
        half_life_days=half_life_days,
        lost_after_days=lost_after_days,
        vocabulary=vocabulary,
        engine=engine,
    )[activity].drop(columns=list(POPULATION_TIMES))
    c = out["cutoff"].iloc[0] if len(out) else _cutoff_at(cutoff, contacts, events)
    ids = out["user_id"]
    if followup_days is not None:
        if followup_days == 0:
            last = (
                _last_time_sql(events, orders, engine, str(c.tz))
                if is_sql_engine(engine)
                else max(s.max() for s in (events["occurred_at"], orders["ordered_at"]) if len(s))
            )
            followup_days = int((last + pd.Timedelta(days=1) - c) / pd.Timedelta(days=1))
        fu = retention_labels(
            contacts,
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


#: The exact times behind the population rule, kept by :func:`study_frames` so that
#: :func:`population` can apply any rule to its frames afterwards.
POPULATION_TIMES = ("joined_at", "last_activity_before")


def study_frames(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoff,
    activities: Sequence[str] = (DEFAULT_ACTIVITY,),
    horizon_days: int = HORIZON_DAYS,
    lookback_days: float | None = LOOKBACK_DAYS,
    half_life_days: float | None = None,
    vocabulary=None,
    engine=None,
) -> dict[str, pd.DataFrame]:
    """The study frame of :func:`study_frame` for each outcome in ``activities``, with no
    population rule (``lost_after_days=None``) and the columns ``joined_at`` and
    ``last_activity_before`` (:data:`POPULATION_TIMES`), so that :func:`population` can
    apply any rule afterwards. The scans that do not depend on the outcome (the five
    values, RFM, the channels) run once for all of them. ``population(study_frames(...,
    activities=(a,))[a], d)`` is ``study_frame(..., activity=a, lost_after_days=d)``."""
    engine = infer_engine(engine, contacts, events, orders)
    return _frames(
        contacts,
        events,
        orders,
        cutoff=cutoff,
        activities=tuple(activities),
        horizon_days=horizon_days,
        lookback_days=lookback_days,
        half_life_days=half_life_days,
        lost_after_days=None,
        vocabulary=vocabulary,
        engine=engine,
    )


def population(frame: pd.DataFrame, lost_after_days: int | None = LOST_AFTER_DAYS) -> pd.DataFrame:
    """A frame of :func:`study_frames` with the population rule applied: users silent for
    ``lost_after_days`` before the cut-off (joined earlier than that, no qualifying activity
    since) left out, as :func:`~analysis.aggregate.labels.retention_labels` does; ``None``
    keeps everyone. The columns of :data:`POPULATION_TIMES` are dropped."""
    keep = np.ones(len(frame), dtype=bool)
    if lost_after_days is not None and len(frame):
        c = frame["cutoff"].iloc[0]
        keep = ~is_silent(
            frame["last_activity_before"], frame["joined_at"], as_of=c, days=lost_after_days
        ).to_numpy(dtype=bool)
    return frame.loc[keep].drop(columns=list(POPULATION_TIMES)).reset_index(drop=True)


def _cutoff_at(cutoff, contacts, events) -> pd.Timestamp:
    """The cut-off as a zoned time (when no user is in the population)."""
    if is_sql_table(events):
        tz = events.tables.tz
    elif is_sql_table(contacts):
        tz = contacts.tables.tz
    else:
        tz = tz_of(contacts["joined_at"])
    return as_timestamp(cutoff, tz=tz, name="cutoff")


def _frames(
    contacts,
    events,
    orders,
    *,
    cutoff,
    activities: tuple,
    horizon_days,
    lookback_days,
    half_life_days,
    lost_after_days,
    vocabulary,
    engine,
) -> dict[str, pd.DataFrame]:
    """The study frames of :func:`study_frame` (without the follow-up) for each activity,
    with :data:`POPULATION_TIMES`: the labels and activity counts per activity, the five
    values, RFM and channels once, for the users of all of them."""
    labs = {
        a: retention_labels(
            contacts,
            events,
            orders,
            cutoff=cutoff,
            horizon_days=horizon_days,
            activity=a,
            lost_after_days=lost_after_days,
            vocabulary=vocabulary,
            engine=engine,
        )
        for a in activities
    }
    if is_sql_table(contacts):
        contacts = contacts.tables.query(f"SELECT user_id, joined_at, channel FROM {contacts.view}")
        contacts["user_id"] = contacts["user_id"].astype("str")
    first = labs[activities[0]]
    c = first["cutoff"].iloc[0] if len(first) else _cutoff_at(cutoff, contacts, events)
    ids = first["user_id"]
    if any(not lab["user_id"].equals(ids) for lab in labs.values()):  # (a population rule)
        ids = pd.Series(sorted(set().union(*(lab["user_id"] for lab in labs.values()))))
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
    key = pd.Index(ids.astype("str"), name="user_id")
    ev_vals = _aligned(ev, key)
    rfm = rfm_table(orders, as_of=c, users=ids, lookback_days=lookback_days, engine=engine)
    rfm = _aligned(rfm, key)
    one = contacts.drop_duplicates("user_id").set_index("user_id")
    joined = one["joined_at"]
    if getattr(joined.dtype, "tz", None) is None:
        joined = as_instants(joined, str(c.tz))
    # looked up once for the users of every activity (then aligned for free)
    one = pd.DataFrame({"channel": one["channel"], "joined_at": joined})
    one.index = one.index.astype("str")
    one = _aligned(one, key)
    chan, joined = one["channel"], one["joined_at"]
    return {
        a: _frame(
            lab,
            c,
            channel=chan,
            joined=joined,
            evidence=ev_vals,
            rfm=rfm,
            counts=activity_counts(
                events,
                orders,
                as_of=c,
                users=lab["user_id"],
                lookback_days=lookback_days,
                activity=a,
                vocabulary=vocabulary,
                engine=engine,
            ),
        )
        for a, lab in labs.items()
    }


def _aligned(table, key: pd.Index):
    """``table.reindex(key)``, without the look-up when its rows are already those (the
    per-user tables come sorted by user_id, as the labels: a hash look-up of a million text
    ids costs ~0.2 s each time)."""
    return table if table.index.equals(key) else table.reindex(key)


def _frame(lab, c, *, channel, joined, evidence, rfm, counts) -> pd.DataFrame:
    """One activity's study frame from its labels and the per-user tables (indexed by
    user_id, holding at least the labels' users)."""
    ids = lab["user_id"]
    out = pd.DataFrame(
        {
            "user_id": ids.to_numpy(),
            "cutoff": c,
            "retained": lab["retained"].to_numpy(),
            "no_hard_churn": ~lab["churned_hard"].to_numpy(),
            "tenure_days": lab["tenure_days"].to_numpy(),
        }
    )
    # the sceptic's behaviour baselines: days since the last qualifying activity (or since
    # joining, for a user never active) and the number of activities in the look-back
    since = ((c - lab["last_activity_before"]) / pd.Timedelta(days=1)).to_numpy("float64")
    out["days_since_activity"] = np.fmin(since, out["tenure_days"].to_numpy("float64"))
    out["activity_count"] = counts.to_numpy(dtype="float64")
    key = pd.Index(ids.astype("str"), name="user_id")
    out["channel"] = pd.Series(_aligned(channel, key).to_numpy(), index=out.index).astype("str")
    ev_vals = _aligned(evidence, key)
    for v in VALUES:
        out[v] = ev_vals[v].to_numpy()
    r = _aligned(rfm, key)
    out["recency_days"] = r["recency_days"].to_numpy(dtype="float64")
    out["frequency"] = r["frequency"].to_numpy(dtype="float64")
    out["monetary"] = r["monetary"].to_numpy(dtype="float64")
    out["joined_at"] = _aligned(joined, key).array
    out["last_activity_before"] = lab["last_activity_before"].array
    return out


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


# ---------------------------------------------------------------------------------------
# 6. stability over time
# ---------------------------------------------------------------------------------------


def _last_time_sql(events, orders, engine, tz: str) -> pd.Timestamp:
    """The latest event or order time, in SQL (the follow-up's end)."""
    with SqlInputs(engine, events=events, orders=orders) as db:
        return max(db.latest_times(tz))


BEHAVIOUR_COLS = ("days_since_activity", "activity_count", "tenure_days")


def has_behaviour(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` has the behaviour columns of :func:`study_frame`."""
    return all(c in frame.columns for c in BEHAVIOUR_COLS)


def behaviour_matrix(frame: pd.DataFrame) -> np.ndarray:
    """log(1 + x) of days since the last activity, activity count and tenure (n × 3)."""
    X = frame[list(BEHAVIOUR_COLS)].to_numpy(dtype="float64")
    return np.log1p(np.maximum(X, 0.0))


def control_matrix(
    frame: pd.DataFrame, channel_levels: Sequence[str] | None = None
) -> pd.DataFrame:
    """The controls of incremental validity and of the adjusted hazard ratio: RFM (log
    recency of purchase, never bought, log frequency, log monetary), log tenure, and — when
    the frame has them — log days since the last activity and log activity count, then one
    dummy per channel but the first. Constant and repeated columns are dropped."""
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
    if has_behaviour(frame):
        b = behaviour_matrix(frame)
        X["log_days_since_activity"] = b[:, 0]
        X["log_activity_count"] = b[:, 1]
    levels = (
        sorted(frame["channel"].astype(str).unique())
        if channel_levels is None
        else list(channel_levels)
    )
    ch = frame["channel"].astype(str).to_numpy()
    for lv in levels[1:]:  # first level is the reference
        X[f"channel_{lv}"] = (ch == lv).astype(float)
    X = X.loc[:, X.std(axis=0) > 0]  # drop constant columns (e.g. no one bought)
    # and repeated ones (with activity="purchase" the activity count is the order count);
    # column against column in numpy (X.T.duplicated() factorised each of X.T's n columns,
    # one per user: ~40% of the label sensitivity's time at 100k)
    cols = X.to_numpy()
    kept: list[int] = []
    for j in range(cols.shape[1]):
        if not any(np.array_equal(cols[:, j], cols[:, k]) for k in kept):
            kept.append(j)
    return X.iloc[:, kept]
