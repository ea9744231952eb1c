"""Five-value evidence per user as of a cut-off (the raw inputs of the five-value scores).

Only what happened strictly before ``as_of`` and inside the look-back window is read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocab import VALUES, Vocabulary, load_vocabulary
from ._time import as_timestamp, tz_of

DAY_NS = 86_400 * 10**9


def _decay(times: pd.Series, as_of: pd.Timestamp, half_life_days: float | None) -> np.ndarray:
    if half_life_days is None:
        return np.ones(len(times))
    if half_life_days <= 0:
        raise ValueError(f"half_life_days must be positive, got {half_life_days}")
    age_days = (as_of - times).dt.total_seconds().to_numpy() / 86_400
    return np.power(0.5, age_days / half_life_days)


def value_evidence(events: pd.DataFrame, orders: pd.DataFrame, *, as_of,
                   lookback_days: float | None = 180, half_life_days: float | None = None,
                   users: pd.Series | None = None,
                   vocabulary: Vocabulary | None = None) -> pd.DataFrame:
    """Per-user evidence on the five values in ``[as_of - lookback_days, as_of)``.

    Returns a frame indexed by ``user_id`` with one float column per value
    (``experience``, ``consumption``, ``social``, ``content``, ``innovation``):

    * experience / social / content / innovation: number of events of the types the
      vocabulary maps to that value (each weighted by ``0.5 ** (age / half_life_days)`` when
      a half-life is given);
    * consumption: net order amount (amount − refund_amount), weighted the same way.

    ``users`` (e.g. ``contacts.user_id``) fixes the rows: users without evidence get zeros,
    evidence of users not listed is ignored. ``lookback_days=None`` reads all history.
    Inputs are not modified.
    """
    vocab = load_vocabulary(vocabulary)
    tz = tz_of(events["occurred_at"])
    cut = as_timestamp(as_of, tz=tz, name="as_of")
    start = None if lookback_days is None else cut - pd.Timedelta(days=float(lookback_days))

    type_to_value = {t: e.value for t, e in vocab.event_types.items() if e.value is not None}
    ev_time = events["occurred_at"]
    in_win = ev_time < cut
    if start is not None:
        in_win &= ev_time >= start
    in_win &= events["event_type"].isin(list(type_to_value))
    ev = events.loc[in_win, ["user_id", "occurred_at", "event_type"]]
    w = _decay(ev["occurred_at"], cut, half_life_days)
    ev_tab = pd.DataFrame({"user_id": ev["user_id"].to_numpy(),
                           "value": ev["event_type"].map(type_to_value).to_numpy(),
                           "w": w})
    ev_sum = ev_tab.groupby(["user_id", "value"], sort=True)["w"].sum().unstack("value")

    o_time = orders["ordered_at"]
    o_win = o_time < cut
    if start is not None:
        o_win &= o_time >= start
    od = orders.loc[o_win]
    net = (od["amount"] - od["refund_amount"]).to_numpy()
    o_tab = pd.DataFrame({"user_id": od["user_id"].to_numpy(),
                          "w": net * _decay(od["ordered_at"], cut, half_life_days)})
    cons = o_tab.groupby("user_id", sort=True)["w"].sum().rename("consumption")

    out = ev_sum.join(cons, how="outer")
    out = out.reindex(columns=list(VALUES)).fillna(0.0).astype("float64")
    if users is not None:
        ids = pd.Index(pd.unique(pd.Series(users, dtype="str")), name="user_id")
        out = out.reindex(ids, fill_value=0.0)
    out.index.name = "user_id"
    out.columns.name = None
    return out.sort_index()
