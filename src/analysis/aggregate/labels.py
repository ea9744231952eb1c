"""Retention labels at a cut-off (shared by the value-index study, churn and behaviours).

Definitions (the cut-off ``c`` and horizon ``h`` are explicit):

* **population** — contacts who joined before ``c`` and were not lost by ``c``. Lost by ``c``
  means a hard-churn event (vocabulary stage ``lost``, e.g. ``del_follow_user``) before ``c``
  that was not followed by a re-add (an ``access`` event such as ``contact_add``) before ``c``,
  or — when ``lost_after_days`` is given — no qualifying activity in the
  ``lost_after_days`` before ``c`` for a user who joined earlier than that.
* **retained** — at least one qualifying activity in ``[c, c + h)`` and no hard churn in that
  window. Features are read from ``t < c`` and labels from ``t >= c``, so no instant is in both.
* **qualifying activity** — ``"any"``: an interaction event (vocabulary
  :attr:`~analysis.vocab.Vocabulary.interaction_types`) or an order with positive net amount;
  ``"purchase"``: an order with positive net amount only.
"""

from __future__ import annotations

import pandas as pd

from ..vocab import Vocabulary, load_vocabulary
from ._time import as_timestamp, tz_of

ACTIVITY = ("any", "purchase")


def _at(users: pd.Series, times: pd.Series, tz: str) -> pd.Series:
    """``times`` (indexed by user) aligned to ``users``; NaT where a user has none."""
    out = times.astype(f"datetime64[us, {tz}]").reindex(users.to_numpy())
    return pd.Series(out.to_numpy(), index=users.index)


def activity_times(events: pd.DataFrame, orders: pd.DataFrame, activity: str,
                   vocab: Vocabulary) -> pd.DataFrame:
    """Every qualifying activity as rows ``user_id``, ``t`` (see the module docstring)."""
    if activity not in ACTIVITY:
        raise ValueError(f"activity must be one of {ACTIVITY}, got {activity!r}")
    paid = orders.loc[(orders["amount"] - orders["refund_amount"]) > 0, ["user_id", "ordered_at"]]
    paid = paid.rename(columns={"ordered_at": "t"})
    if activity == "purchase":
        return paid
    ev = events.loc[events["event_type"].isin(vocab.interaction_types), ["user_id", "occurred_at"]]
    return pd.concat([ev.rename(columns={"occurred_at": "t"}), paid], ignore_index=True)


def retention_labels(contacts: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame, *,
                     cutoff, horizon_days: int = 90, activity: str = "any",
                     lost_after_days: int | None = None, observation_end=None,
                     vocabulary: Vocabulary | None = None) -> pd.DataFrame:
    """One row per user in the population at ``cutoff`` (sorted by user_id).

    Columns: ``user_id``, ``cutoff``, ``horizon_days``, ``retained`` (bool),
    ``churned_hard`` (bool: hard churn in the window), ``churned_at`` (time of that hard churn),
    ``first_activity_at`` (first qualifying activity in the window),
    ``last_activity_before`` (last qualifying activity before the cut-off; NaT if none),
    ``tenure_days`` (days from joining to the cut-off).

    ``observation_end`` (default: the latest event or order time) must not fall before
    ``cutoff + horizon``: a label window the data does not cover is an error.
    """
    vocab = load_vocabulary(vocabulary)
    tz = tz_of(contacts["joined_at"])
    c = as_timestamp(cutoff, tz=tz, name="cutoff")
    if horizon_days <= 0:
        raise ValueError(f"horizon_days must be positive, got {horizon_days}")
    end_c = c + pd.Timedelta(days=horizon_days)
    if observation_end is None:
        candidates = [s.max() for s in (events["occurred_at"], orders["ordered_at"]) if len(s)]
        obs_end = max(candidates) if candidates else c
        # the latest record is a lower bound of the export's end: allow one day of slack
        obs_end = obs_end + pd.Timedelta(days=1)
    else:
        obs_end = as_timestamp(observation_end, tz=tz, name="observation_end")
    if end_c > obs_end:
        raise ValueError(f"label window [{c}, {end_c}) runs past the data "
                         f"(observation end {obs_end}); choose an earlier cutoff or a shorter "
                         "horizon")

    churn = events.loc[events["event_type"].isin(vocab.churn_types), ["user_id", "occurred_at"]]
    # lost by c: the last hard churn before c is not followed by a re-add before c
    last_churn = churn.loc[churn["occurred_at"] < c].groupby("user_id")["occurred_at"].max()
    access = events.loc[events["event_type"].isin(vocab.of_stage("access"))
                        & (events["occurred_at"] < c)].groupby("user_id")["occurred_at"].max()
    readded = access.reindex(last_churn.index) > last_churn
    churned_before = set(last_churn.index[~readded.to_numpy()])
    pop = contacts.loc[(contacts["joined_at"] < c) & ~contacts["user_id"].isin(churned_before),
                       ["user_id", "joined_at"]]

    act = activity_times(events, orders, activity, vocab)
    before = act.loc[act["t"] < c].groupby("user_id")["t"].max()
    inside = act.loc[(act["t"] >= c) & (act["t"] < end_c)].groupby("user_id")["t"].min()
    ch_in = churn.loc[(churn["occurred_at"] >= c) & (churn["occurred_at"] < end_c)]
    ch_in = ch_in.groupby("user_id")["occurred_at"].min()

    if lost_after_days is not None:
        silent_start = c - pd.Timedelta(days=lost_after_days)
        last = pop["user_id"].map(before)
        lost = (pop["joined_at"] < silent_start) & ~(last >= silent_start)
        pop = pop.loc[~lost.to_numpy()]

    out = pd.DataFrame({"user_id": pop["user_id"].to_numpy()})
    out["cutoff"] = c
    out["horizon_days"] = int(horizon_days)
    out["first_activity_at"] = _at(out["user_id"], inside, tz)
    out["churned_at"] = _at(out["user_id"], ch_in, tz)
    out["churned_hard"] = out["churned_at"].notna()
    out["retained"] = out["first_activity_at"].notna() & ~out["churned_hard"]
    out["last_activity_before"] = _at(out["user_id"], before, tz)
    out["tenure_days"] = ((c - pop["joined_at"]) / pd.Timedelta(days=1)).to_numpy("float64")
    return out.sort_values("user_id", ignore_index=True)
