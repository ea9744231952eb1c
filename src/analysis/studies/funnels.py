"""What a researcher expects to find next to the ladder: the private-domain funnel per channel
and hook, the time to the first purchase and to the repurchase, and the population table that
says which users each section counts.

* :func:`milestone_funnel` — contact added → joined a group → first order → repeat order, as
  of a cut-off, per group (channel, hook, or all users): users at each milestone, the share of
  the group's contacts and the step rate (of the users at the previous milestone, the share who
  also reached this one), each with a Wilson interval. Milestones are read from what happened
  strictly before the cut-off; a user who bought without joining a group counts at
  ``first order`` but not in the step rate from ``joined a group``.
* :func:`purchase_timing` — per group, the median days from joining to the first paid order
  and from the first to the second paid order, as Kaplan–Meier medians (users who have not
  bought yet are censored at the cut-off, so the median is not biased towards fast buyers) with
  the interval where the pointwise 95% band of the survival curve crosses one half
  (:func:`scipy.stats.ecdf`, log-log band).
* :func:`population_table` — a chain of nested user sets (the overview's contacts, those who
  joined before the cut-off, ...), each with its count and the users dropped at that step;
  it refuses a step that is not a subset of the one before.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.aggregate.milestones import EventTime, paid_order_times, user_event_times
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.i18n import say, tr
from analysis.plots import funnels as plots
from analysis.studies.result import StudyResult
from analysis.studies.stats import wilson_interval

__all__ = [
    "MILESTONES",
    "milestone_funnel",
    "milestone_funnels",
    "purchase_timing",
    "population_table",
    "Funnel",
    "PurchaseTiming",
    "Population",
]

#: The funnel's milestones, in order.
MILESTONES = ("contact added", "joined a group", "first order", "repeat order")
_ALL = "(all)"
DAY = pd.Timedelta(days=1)


def _cut(contacts: pd.DataFrame, as_of) -> tuple[pd.DataFrame, pd.Timestamp]:
    t = as_timestamp(as_of, tz=tz_of(contacts["joined_at"]), name="as_of")
    joined = contacts.loc[contacts["joined_at"] < t].copy()
    joined["user_id"] = joined["user_id"].astype("str")
    return joined, t


def _groups(joined: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series(_ALL, index=joined["user_id"], name="group")
    if by not in joined.columns:
        raise ValueError(f"contacts has no column {by!r} to group the funnel by")
    return pd.Series(joined[by].astype("str").to_numpy(), index=joined["user_id"], name="group")


def milestone_funnel(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    by: str | None = None,
    group_join_types: Sequence[str] = ("group_join",),
    repeat_min_orders: int = 2,
    ci: float = 0.95,
    engine=None,
) -> pd.DataFrame:
    """The funnel of :data:`MILESTONES` per value of ``contacts[by]`` (all users when None).

    Population: contacts who joined before ``as_of``. Columns: ``group``, ``step``, ``users``
    (at the milestone), ``share`` of the group's contacts with ``share_lo`` / ``share_hi``,
    ``step_rate`` (of the users at the previous milestone, the share also at this one; NaN for
    the first) with ``step_lo`` / ``step_hi``.

    ``events`` and ``orders`` are read per user (:func:`~analysis.aggregate.milestones.
    user_event_times`, :func:`~analysis.aggregate.milestones.paid_order_times`), on
    ``engine`` (None: the inputs' engine; they may be the tables of a
    :class:`~analysis.engine.DuckTables`); ``contacts`` is a frame.
    """
    return milestone_funnels(
        contacts,
        events,
        orders,
        as_of=as_of,
        by=[by],
        group_join_types=group_join_types,
        repeat_min_orders=repeat_min_orders,
        ci=ci,
        engine=engine,
    )[0]


def milestone_funnels(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    by: Sequence[str | None] = (None, "channel", "hook"),
    group_join_types: Sequence[str] = ("group_join",),
    repeat_min_orders: int = 2,
    ci: float = 0.95,
    engine=None,
) -> list[pd.DataFrame]:
    """:func:`milestone_funnel` for each entry of ``by`` (a list of tables in that order), from
    one read of the events and one of the orders."""
    if repeat_min_orders < 2:
        raise ValueError(f"repeat_min_orders must be at least 2, got {repeat_min_orders}")
    joined, t = _cut(contacts, as_of)
    groups = [_groups(joined, b) for b in by]
    ids = pd.Index(joined["user_id"])
    first_join = user_event_times(
        events, {"first_group_join": EventTime("min", tuple(group_join_types))}, engine=engine
    )["first_group_join"]
    in_group = (first_join.reindex(ids) < t).fillna(False).to_numpy(dtype=bool)
    n_paid = paid_order_times(orders, before=t, engine=engine)["n_paid"]
    n_paid = n_paid.reindex(ids, fill_value=0)
    reached = np.column_stack(
        [
            np.ones(len(ids), dtype=bool),
            in_group,
            n_paid.to_numpy() >= 1,
            n_paid.to_numpy() >= repeat_min_orders,
        ]
    )
    return [_funnel_table(reached, g, ci) for g in groups]


def _funnel_table(reached: np.ndarray, group: pd.Series, ci: float) -> pd.DataFrame:
    """The funnel rows of each group from the milestones ``reached`` (users × milestones)."""
    rows = []
    for g in sorted(group.unique()):
        sel = reached[(group == g).to_numpy()]
        total = len(sel)
        for k, step in enumerate(MILESTONES):
            users = int(sel[:, k].sum())
            prev = int(sel[:, k - 1].sum()) if k else total
            both = int((sel[:, k] & sel[:, k - 1]).sum()) if k else total
            s_lo, s_hi = wilson_interval(users, total, ci=ci)
            r_lo, r_hi = wilson_interval(both, prev, ci=ci) if k else (np.nan, np.nan)
            rows.append(
                {
                    "group": g,
                    "step": step,
                    "users": users,
                    "share": users / total,
                    "share_lo": float(s_lo),
                    "share_hi": float(s_hi),
                    "step_rate": both / prev if k and prev else np.nan,
                    "step_lo": float(r_lo) if prev else np.nan,
                    "step_hi": float(r_hi) if prev else np.nan,
                }
            )
    return pd.DataFrame(rows)


def _km_median(days: np.ndarray, observed: np.ndarray, ci: float) -> tuple[float, float, float]:
    """Kaplan–Meier median of ``days`` (``observed`` False = censored) and the interval where
    the pointwise band of the survival curve crosses one half (NaN where it does not)."""
    if not observed.any():
        return np.nan, np.nan, np.nan
    data = stats.CensoredData(uncensored=days[observed], right=days[~observed])
    sf = stats.ecdf(data).sf
    with warnings.catch_warnings():  # undefined where the curve is 0 or 1: the point itself
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        band = sf.confidence_interval(ci, method="log-log")
    point = sf.probabilities

    def cross(prob: np.ndarray) -> float:
        prob = np.where(np.isnan(prob), point, prob)
        below = np.flatnonzero(prob <= 0.5)
        return float(sf.quantiles[below[0]]) if below.size else np.nan

    return cross(point), cross(band.low.probabilities), cross(band.high.probabilities)


def purchase_timing(
    contacts: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    by: str | None = "channel",
    ci: float = 0.95,
    engine=None,
) -> pd.DataFrame:
    """Days to the first paid order (from joining) and to the second (from the first), per
    group: Kaplan–Meier medians censored at ``as_of`` with intervals.

    Population: contacts who joined before ``as_of``; the repurchase rows count the users with a
    first paid order. Columns: ``group``, ``interval`` (``first purchase`` / ``repurchase``),
    ``users`` (at risk), ``events`` (who bought), ``median_days``, ``lo``, ``hi``. A median is
    NaN while fewer than half have bought (the curve has not crossed one half).

    ``orders`` is read per user (:func:`~analysis.aggregate.milestones.paid_order_times`) on
    ``engine`` (None: the input's engine).
    """
    joined, t = _cut(contacts, as_of)
    group = _groups(joined, by)
    # every user's spans at once (one look-up of the paid orders), then a mask per group
    start = pd.Series(joined["joined_at"].array, index=group.index)
    paid = paid_order_times(orders, before=t, engine=engine)
    first = paid["first_paid"].reindex(group.index)
    second = paid["second_paid"].reindex(group.index)
    spans = {}
    for name, t0, t1 in (("first purchase", start, first), ("repurchase", first, second)):
        hit = t1.notna().to_numpy()
        days = ((t1.where(hit, t) - t0) / DAY).to_numpy(dtype=float)
        spans[name] = (t0.notna().to_numpy(), days, hit)
    labels = group.to_numpy()
    rows = []
    for g in sorted(group.unique()):
        in_g = labels == g
        for name, (known, days, hit) in spans.items():
            m = in_g & known  # (the repurchase counts the users with a first paid order)
            d, h = days[m], hit[m]
            med, lo, hi = _km_median(d, h, ci) if len(d) else (np.nan,) * 3
            rows.append(
                {
                    "group": g,
                    "interval": name,
                    "users": len(d),
                    "events": int(h.sum()),
                    "median_days": med,
                    "lo": lo,
                    "hi": hi,
                }
            )
    return pd.DataFrame(rows)


def population_table(steps: Sequence[tuple[str, pd.Index]]) -> pd.DataFrame:
    """Nested user sets, largest first: ``steps`` = ``[(name, user ids), ...]``. Columns:
    ``step``, ``users``, ``dropped`` (users of the previous step not in this one) and ``share``
    of the first step. Raises if a step holds users the step before does not."""
    rows, prev = [], None
    for name, ids in steps:
        ids = pd.Index(ids).astype("str")
        if not ids.is_unique:
            raise ValueError(f"population step {name!r} lists a user twice")
        if prev is not None:
            extra = ids.difference(prev)
            if len(extra):
                raise ValueError(
                    f"population step {name!r} is not within the step before: {len(extra)} "
                    f"users are new, e.g. {extra[0]!r}"
                )
        rows.append(
            {
                "step": name,
                "users": len(ids),
                "dropped": len(prev) - len(ids) if prev is not None else 0,
            }
        )
        prev = ids
    out = pd.DataFrame(rows)
    out["share"] = out["users"] / max(int(out["users"].iloc[0]), 1) if len(out) else []
    return out


# ---------------------------------------------------------------------------------------------
# results: table + reading (en / zh)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Funnel(StudyResult):
    """The funnel of all users (``table``, :func:`milestone_funnel` with ``by=None``) with the
    same per channel (``channels``) and per hook (``hooks``); the reading gives the overall
    shares, the weakest step and the channels with the highest and lowest first-order share."""

    channels: pd.DataFrame | None = None
    hooks: pd.DataFrame | None = None
    as_of: str = ""

    def reading(self, lang: str = "en") -> str:
        t = self.table.set_index("step")
        steps = t.dropna(subset=["step_rate"])
        weak = steps["step_rate"].idxmin()
        ch = self.channels.loc[self.channels["step"] == "first order"].set_index("group")
        hk = self.hooks.loc[self.hooks["step"] == "first order"].set_index("group")
        return say(
            "flow.funnel",
            lang,
            n=int(t.loc["contact added", "users"]),
            as_of=self.as_of,
            group=t.loc["joined a group", "share"],
            first=t.loc["first order", "share"],
            repeat=t.loc["repeat order", "share"],
            step=tr(weak, lang),
            rate=t.loc[weak, "step_rate"],
            lo=t.loc[weak, "step_lo"],
            hi=t.loc[weak, "step_hi"],
            top=tr(ch["share"].idxmax(), lang),
            top_rate=ch["share"].max(),
            bottom=tr(ch["share"].idxmin(), lang),
            bottom_rate=ch["share"].min(),
            top_hook=tr(hk["share"].idxmax(), lang),
            top_hook_rate=hk["share"].max(),
            bottom_hook=tr(hk["share"].idxmin(), lang),
            bottom_hook_rate=hk["share"].min(),
        )

    def plot(self, *, ax=None, lang: str = "en", by: str = "channel"):
        """The funnel per channel (``by="channel"``) or hook (``"hook"``)
        (:func:`~analysis.plots.funnels.plot_funnel`)."""
        if by not in ("channel", "hook"):
            raise ValueError(f"by must be 'channel' or 'hook', got {by!r}")
        table = self.channels if by == "channel" else self.hooks
        title = f"Purchase funnel by {by}"
        return plots.plot_funnel(table, ax=ax, title=title, lang=lang)


@dataclass(frozen=True)
class PurchaseTiming(StudyResult):
    """Days to the first purchase and to the repurchase: all users (``table``,
    :func:`purchase_timing` with ``by=None``) and per channel (``channels``)."""

    channels: pd.DataFrame | None = None

    def reading(self, lang: str = "en") -> str:
        t = self.table.set_index("interval")
        ch = self.channels.loc[self.channels["interval"] == "first purchase"]
        ch = ch.dropna(subset=["median_days"]).set_index("group")
        first, rep = t.loc["first purchase"], t.loc["repurchase"]
        if np.isnan(first["median_days"]) or ch.empty:
            return say("flow.timing_none", lang, buyers=int(first["events"]), n=int(first["users"]))
        return say(
            "flow.timing",
            lang,
            first=first["median_days"],
            first_lo=first["lo"],
            first_hi=first["hi"],
            rep=rep["median_days"],
            rep_lo=rep["lo"],
            rep_hi=rep["hi"],
            fast=tr(ch["median_days"].idxmin(), lang),
            fast_days=ch["median_days"].min(),
            slow=tr(ch["median_days"].idxmax(), lang),
            slow_days=ch["median_days"].max(),
        )


@dataclass(frozen=True)
class Population(StudyResult):
    """The population table (:func:`population_table`, with a ``used_by`` column naming the
    sections that count each step); the reading walks from the overview's contacts down."""

    def reading(self, lang: str = "en") -> str:
        t = self.table
        sep = "；" if lang == "zh" else "; "
        parts = [
            say("flow.population_step", lang, step=tr(s, lang), users=int(u), dropped=int(d))
            for s, u, d in zip(t["step"].iloc[1:], t["users"].iloc[1:], t["dropped"].iloc[1:])
        ]
        return say("flow.population", lang, contacts=int(t["users"].iloc[0]), steps=sep.join(parts))
