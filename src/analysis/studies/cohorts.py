"""Cohorts and acquisition quality: who stays, by join cohort, channel and hook; the essay's
two acquisition claims; referral (老带新) and the K-factor; KOC candidates.

Retention here is always :func:`analysis.aggregate.labels.retention_labels`: at a calendar
cut-off ``c`` (a month start) a user counts as retained when they had a qualifying activity
in ``[c, c + horizon_days)`` and no hard churn; users who churned hard before ``c`` count as
not retained (they are out of the labels' population). A user's **age** at ``c`` is the
number of calendar months from their join month to ``c``'s month (age 1 = the first full
month after the join month). Curves pool join cohorts at equal age, with a Wilson interval
per point (the points are not independent, but each interval is valid on its own).

The essay's claims (DOMAIN.md, key link 1):

* **Giveaway events bring coupon hunters.** Users acquired at crude offline giveaway events
  (the kit's one definition, :func:`analysis.aggregate.rules.giveaway_flag`: channel
  ``offline_event`` with a ``merch`` or ``coupon`` hook) retain and spend less than everyone
  else. Compared: retention at a fixed age and net spend in the
  first ``spend_days`` after joining.
* **Screen in 1:1 before inviting into groups.** Among users whose first ``group_join`` came
  within ``landmark_days`` of joining, *screened* users joined the group at least
  ``min_days`` after joining and exchanged at least one 1:1 message before it; *straight-in*
  users joined the group within ``min_days``. Classifying only on the first
  ``landmark_days`` and comparing retention at an age after that avoids crediting the
  screened group for the time they had to survive before being classified.

Each comparison gives the two groups, the effect (difference) with a confidence interval
and a verdict: ``supported`` or ``contradicted`` (the interval on the claimed side of 0, or
on the other), else ``inconclusive``."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate import milestones as ms
from analysis.aggregate.activity import has_rows
from analysis.aggregate.labels import retained_at_cutoffs
from analysis.aggregate.milestones import EventTime
from analysis.aggregate.rules import (
    GIVEAWAY_CHANNELS,
    GIVEAWAY_HOOKS,
    giveaway_flag,
    is_silent,
)
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.data.vocab import Vocabulary, load_vocabulary
from analysis.engine.tables import is_sql_table
from analysis.privacy import pseudonymise
from analysis.reuse import reused
from analysis.studies.stats import newcombe_interval, wilson_interval


def _month_index(ts: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    t = pd.DatetimeIndex(ts)
    return (t.year * 12 + t.month).to_numpy()


# --- retention by cohort / channel / hook ---
@reused
def cohort_activity(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoffs: Sequence,
    horizon_days: int = 30,
    activity: str = "any",
    observation_end=None,
    attributes: Sequence[str] = ("channel", "hook"),
    vocabulary: Vocabulary | None = None,
    engine=None,
) -> pd.DataFrame:
    """Long table: one row per (contact joined before the cut-off, cut-off).

    Columns: ``user_id``, ``cohort`` (join month, ``"YYYY-MM"``), the ``attributes``,
    ``cutoff`` (all categorical), ``age_months`` (int16) and ``retained`` (bool; from
    :func:`retention_labels` with ``horizon_days`` and ``activity``; hard churn = not retained).

    ``engine="duckdb"`` / ``"spark"``: the labels are computed in SQL (the tables may be those
    of a :class:`~analysis.engine.DuckTables` / :class:`~analysis.engine.SparkTables`); only
    the contacts' columns used here come into memory. The table is the same.
    """
    people = contacts
    if is_sql_table(contacts):
        people = contacts.to_pandas()
    tz = tz_of(people["joined_at"])
    base = people[["user_id", "joined_at", *attributes]].copy()
    base["user_id"] = base["user_id"].astype("str")
    base["cohort"] = base["joined_at"].dt.strftime("%Y-%m")
    # repeated on every (user, cut-off) row: categories (at 5M contacts ~1.5 GB less than text)
    for col in ("cohort", *attributes):
        base[col] = base[col].astype("category")
    join_m = _month_index(base["joined_at"].dt.tz_localize(None))
    cuts = [as_timestamp(c, tz=tz, name="cutoff") for c in cutoffs]
    # retained at every cut-off from one query on DuckDB / Spark (labels per cut-off on pandas)
    kept_at = retained_at_cutoffs(
        contacts,
        events,
        orders,
        cutoffs=cuts,
        horizon_days=horizon_days,
        activity=activity,
        observation_end=observation_end,  # a cohort's curve counts every member not left
        vocabulary=vocabulary,
        engine=engine,
    )
    kept_at = kept_at.loc[~kept_at.index.duplicated()]  # (a repeated id is labelled the same)
    at = kept_at.index.get_indexer(pd.Index(base["user_id"]))
    base["user_id"] = base["user_id"].astype("category")  # (at 5M contacts 36M rows)
    frames = []
    for k, c in enumerate(cuts):
        members = (base["joined_at"] < c).to_numpy()
        sub = base.loc[members].drop(columns="joined_at")
        col = kept_at.iloc[:, k].to_numpy(dtype=bool)
        kept = np.where(at >= 0, col[np.maximum(at, 0)], False)
        sub["cutoff"] = pd.Categorical.from_codes(np.full(len(sub), k), pd.DatetimeIndex(cuts))
        sub["age_months"] = (
            int(_month_index(pd.DatetimeIndex([c.tz_localize(None)]))[0]) - join_m[members]
        ).astype("int16")
        sub["retained"] = kept[members]
        frames.append(sub)
    if not frames:
        raise ValueError("no cut-offs given")
    out = pd.concat(frames, ignore_index=True)
    return out.loc[out["age_months"] >= 1].reset_index(drop=True)


def retention_curves(
    activity: pd.DataFrame, *, by: str | None = None, ci: float = 0.95, min_n: int = 1
) -> pd.DataFrame:
    """Retention rate by age (months since joining), overall or per ``by`` group
    (``"cohort"``, ``"channel"``, ``"hook"``, ...), with Wilson intervals.

    Columns: [``by``], ``age_months``, ``n``, ``retained``, ``rate``, ``lo``, ``hi``.
    Points with fewer than ``min_n`` users are dropped.
    """
    keys = ([by] if by else []) + ["age_months"]
    g = activity.groupby(keys, observed=True, sort=True)["retained"]
    out = pd.DataFrame({"n": g.size(), "retained": g.sum().astype("int64")}).reset_index()
    out["age_months"] = out["age_months"].astype("int64")
    if by and isinstance(out[by].dtype, pd.CategoricalDtype):  # the groups as plain values
        out[by] = out[by].astype(out[by].cat.categories.dtype)
    out = out.loc[out["n"] >= min_n].reset_index(drop=True)
    out["rate"] = out["retained"] / out["n"]
    lo, hi = wilson_interval(out["retained"].to_numpy(), out["n"].to_numpy(), ci=ci)
    out["lo"], out["hi"] = lo, hi
    return out


def cohort_table(activity: pd.DataFrame, *, value: str = "rate") -> pd.DataFrame:
    """Join cohort (rows) × age in months (columns) retention triangle."""
    cur = retention_curves(activity, by="cohort")
    return cur.pivot(index="cohort", columns="age_months", values=value)


# --- the essay's two claims ---
SCREENING_GROUPS = ("screened", "straight_in", "held_without_1v1", "no_group_by_landmark")


def screening_groups(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    *,
    min_days: float = 3,
    landmark_days: float = 28,
    message_types: Sequence[str] = ("message",),
    one_to_one: str = "1v1",
    group_join_type: str = "group_join",
    engine=None,
) -> pd.Series:
    """How each user was brought into groups, derived from events of their first
    ``landmark_days`` only:

    * ``screened`` — first ``group_join`` at least ``min_days`` after joining (and before the
      landmark), with at least one 1:1 message (``context == one_to_one``) before it;
    * ``straight_in`` — first ``group_join`` within ``min_days`` of joining;
    * ``held_without_1v1`` — group join after ``min_days`` but no 1:1 message before it;
    * ``no_group_by_landmark`` — no group join within ``landmark_days``.

    The events are read per user (:func:`~analysis.aggregate.milestones.user_event_times`:
    first group join, first 1:1 message) on ``engine`` (None: the input's engine).
    """
    if not 0 <= min_days < landmark_days:
        raise ValueError("need 0 <= min_days < landmark_days")
    uid = contacts["user_id"].astype("str")
    joined = pd.Series(contacts["joined_at"].array, index=pd.Index(uid, name="user_id"))
    times = ms.user_event_times(
        events,
        {
            "first_group_join": EventTime("min", (group_join_type,)),
            "first_message": EventTime("min", tuple(message_types), context=one_to_one),
        },
        engine=engine,
    ).reindex(joined.index)
    g = times["first_group_join"]
    delay = (g - joined) / pd.Timedelta(days=1)
    landmark = delay < landmark_days
    # a 1:1 message before the first group join: the first one is before it
    had_msg = (times["first_message"] < g).fillna(False).astype(bool)
    out = pd.Series("no_group_by_landmark", index=joined.index, dtype="object")
    out[landmark & (delay < min_days)] = "straight_in"
    late = landmark & (delay >= min_days)
    out[late & had_msg] = "screened"
    out[late & ~had_msg] = "held_without_1v1"
    return pd.Series(
        pd.Categorical(out, categories=list(SCREENING_GROUPS)), index=joined.index, name="screening"
    )


def spend_after_join(
    contacts: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    days: float = 180,
    observation_end,
    engine=None,
) -> pd.Series:
    """Net spend (amount − refund_amount) in ``[joined_at, joined_at + days)`` per user
    (:func:`analysis.aggregate.milestones.spend_after_join`, on ``engine``); NaN for users
    whose window is not fully observed before ``observation_end``."""
    tz = tz_of(contacts["joined_at"])
    end = as_timestamp(observation_end, tz=tz, name="observation_end")
    out = ms.spend_after_join(contacts, orders, days=days, engine=engine)
    full = contacts["joined_at"] + pd.Timedelta(days=days) <= end
    return out.where(full.to_numpy()).rename(f"spend_{days:g}d")


def _verdict(lo: float, hi: float, direction: int) -> str:
    if np.isnan(lo) or np.isnan(hi):
        return "inconclusive"
    if direction * lo > 0 and direction * hi > 0:
        return "supported"
    if direction * lo < 0 and direction * hi < 0:
        return "contradicted"
    return "inconclusive"


def compare_proportions(
    outcome: pd.Series, group: pd.Series, *, a, b, ci: float = 0.95, direction: int = 1
) -> dict:
    """Rate of ``outcome`` (bool) in group ``a`` vs group ``b`` of ``group`` (aligned).

    Effect = rate(a) − rate(b) with the Newcombe (hybrid Wilson score) interval; the verdict
    checks the sign ``direction`` (+1: a higher). Also the ratio of the rates.
    """
    df = pd.DataFrame({"y": pd.Series(outcome).astype(bool), "g": pd.Series(group)}).dropna()
    ya, yb = df.loc[df["g"] == a, "y"], df.loc[df["g"] == b, "y"]
    ka, na, kb, nb = int(ya.sum()), len(ya), int(yb.sum()), len(yb)
    if na == 0 or nb == 0:
        lo = hi = eff = np.nan
    else:
        eff = ka / na - kb / nb
        lo, hi = newcombe_interval(ka, na, kb, nb, ci=ci)
    return {
        "group_a": str(a),
        "n_a": na,
        "value_a": ka / na if na else np.nan,
        "group_b": str(b),
        "n_b": nb,
        "value_b": kb / nb if nb else np.nan,
        "effect": eff,
        "lo": float(lo),
        "hi": float(hi),
        "ratio": (ka / na) / (kb / nb) if na and nb and kb else np.nan,
        "verdict": _verdict(float(lo), float(hi), direction),
    }


def compare_means(
    values: pd.Series,
    group: pd.Series,
    *,
    a,
    b,
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=0,
    direction: int = 1,
) -> dict:
    """Mean of ``values`` in group ``a`` vs ``b`` (aligned; NaN values dropped); effect =
    difference of means with a percentile bootstrap interval (each group resampled on its
    own, ``n_boot`` replicates, fixed ``random_state``)."""
    df = pd.DataFrame({"y": pd.Series(values, dtype="float64"), "g": pd.Series(group)}).dropna()
    xa = df.loc[df["g"] == a, "y"].to_numpy()
    xb = df.loc[df["g"] == b, "y"].to_numpy()
    if len(xa) == 0 or len(xb) == 0:
        lo = hi = eff = np.nan
    else:
        rng = np.random.default_rng(random_state)
        ma = np.array([xa[rng.integers(0, len(xa), len(xa))].mean() for _ in range(n_boot)])
        mb = np.array([xb[rng.integers(0, len(xb), len(xb))].mean() for _ in range(n_boot)])
        d = ma - mb
        eff = xa.mean() - xb.mean()
        lo, hi = np.quantile(d, [(1 - ci) / 2, 1 - (1 - ci) / 2])
    return {
        "group_a": str(a),
        "n_a": len(xa),
        "value_a": xa.mean() if len(xa) else np.nan,
        "group_b": str(b),
        "n_b": len(xb),
        "value_b": xb.mean() if len(xb) else np.nan,
        "effect": eff,
        "lo": float(lo),
        "hi": float(hi),
        "ratio": xa.mean() / xb.mean() if len(xa) and len(xb) and xb.mean() else np.nan,
        "verdict": _verdict(float(lo), float(hi), direction),
    }


def essay_claims(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    activity: pd.DataFrame,
    observation_end,
    age_months: int = 3,
    spend_days: float = 180,
    giveaway_channels: Sequence[str] = GIVEAWAY_CHANNELS,
    giveaway_hooks: Sequence[str] | None = GIVEAWAY_HOOKS,
    screen_min_days: float = 3,
    landmark_days: float = 28,
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=0,
    screening: pd.Series | None = None,
    engine=None,
) -> pd.DataFrame:
    """The essay's two acquisition claims tested on the data (one row per comparison).

    ``activity`` is :func:`cohort_activity` output; retention is compared at ``age_months``.
    Columns: ``claim``, ``metric``, ``group_a``, ``n_a``, ``value_a``, ``group_b``, ``n_b``,
    ``value_b``, ``effect`` (a − b), ``lo``, ``hi``, ``ratio``, ``claimed`` (the sign the
    essay expects) and ``verdict``. ``events`` and ``orders`` are read per user on ``engine``
    (None: the inputs' engine). ``screening``: :func:`screening_groups` of these contacts
    and events with ``screen_min_days`` / ``landmark_days``, if already computed.
    """
    at = activity.loc[activity["age_months"] == age_months].set_index("user_id")["retained"]
    at.index = at.index.astype("str")  # (a categorical in cohort_activity)
    if at.empty:
        raise ValueError(f"no users observed at age {age_months} months")
    give = giveaway_flag(contacts, channels=giveaway_channels, hooks=giveaway_hooks)
    glab = give.map({True: "giveaway", False: "others"})
    rows = []
    r = compare_proportions(
        at, glab.reindex(at.index), a="giveaway", b="others", ci=ci, direction=-1
    )
    rows.append(
        {
            "claim": "giveaway users retain less",
            "metric": f"retained at month {age_months}",
            **r,
            "claimed": "a < b",
        }
    )
    spend = spend_after_join(
        contacts, orders, days=spend_days, observation_end=observation_end, engine=engine
    )
    r = compare_means(
        spend,
        glab.reindex(spend.index),
        a="giveaway",
        b="others",
        ci=ci,
        n_boot=n_boot,
        random_state=random_state,
        direction=-1,
    )
    rows.append(
        {
            "claim": "giveaway users spend less",
            "metric": f"net spend in first {spend_days:g} days (CNY)",
            **r,
            "claimed": "a < b",
        }
    )
    scr = screening
    if scr is None:
        scr = screening_groups(
            contacts, events, min_days=screen_min_days, landmark_days=landmark_days, engine=engine
        )
    r = compare_proportions(
        at,
        scr.astype("object").reindex(at.index),
        a="screened",
        b="straight_in",
        ci=ci,
        direction=1,
    )
    rows.append(
        {
            "claim": "screened in 1:1 retain better",
            "metric": f"retained at month {age_months}",
            **r,
            "claimed": "a > b",
        }
    )
    return pd.DataFrame(rows)


# --- referral and KOCs ---
def _referred(contacts: pd.DataFrame) -> pd.Series:
    ref = (
        contacts["referrer_id"]
        if "referrer_id" in contacts.columns
        else pd.Series(pd.NA, index=contacts.index)
    )
    ref = ref.astype("str").where(ref.notna())
    return ref.where(ref.str.len() > 0)


def k_factor(contacts: pd.DataFrame, events: pd.DataFrame | None = None, *, engine=None) -> dict:
    """Overall realised K-factor: referred contacts (``referrer_id`` set) per contact; with
    ``events`` also the K implied by ``referral_join`` events and the invitations sent
    (counted on ``engine``; None: the input's engine)."""
    ref = _referred(contacts)
    out = {
        "contacts": int(len(contacts)),
        "referred": int(ref.notna().sum()),
        "k_factor": float(ref.notna().mean()) if len(contacts) else np.nan,
    }
    if events is not None:
        n = ms.event_counts(events, types=["invite", "referral_join"], engine=engine).iloc[0]
        inv, rj = int(n["invite"]), int(n["referral_join"])
        out |= {
            "invitations": inv,
            "referral_join_events": rj,
            "k_factor_events": rj / len(contacts) if len(contacts) else np.nan,
            "invite_conversion": out["referred"] / inv if inv else np.nan,
        }
    return out


def referral_by_period(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    periods: Sequence,
    ci: float = 0.95,
    engine=None,
) -> pd.DataFrame:
    """Per period ``[p_k, p_{k+1})``: invitations sent, referred contacts who joined, how many
    of them have bought (by the end of the data), active referrers, the base (contacts who
    joined before ``p_k``) and the period's K-factor = referred joins / base (with a Wilson
    interval treating each base contact as one trial, an approximation when one user refers
    several) and the invitation conversion = referred joins / invitations. The events and
    orders are counted on ``engine`` (None: the inputs' engine)."""
    tz = tz_of(contacts["joined_at"])
    p = [as_timestamp(x, tz=tz, name="period") for x in periods]
    if len(p) < 2:
        raise ValueError("need at least two period boundaries")
    ref = _referred(contacts)
    uid = contacts["user_id"].astype("str")
    # who has bought, looked up once (not per period: isin on text is slow)
    bought = has_rows(uid, orders, paid=True, engine=engine).to_numpy()
    invites = ms.event_counts(events, types=["invite"], bounds=p, engine=engine)["invite"]
    rows = []
    for lo_t, hi_t in zip(p[:-1], p[1:]):
        joined_in = (contacts["joined_at"] >= lo_t) & (contacts["joined_at"] < hi_t)
        referred = joined_in & ref.notna()
        base = int((contacts["joined_at"] < lo_t).sum())
        rows.append(
            {
                "period": lo_t,
                "invitations": int(invites.iloc[len(rows)]),
                "referred_joins": int(referred.sum()),
                "referred_buyers": int((referred.to_numpy() & bought).sum()),
                "active_referrers": int(ref[referred].nunique()),
                "base": base,
            }
        )
    out = pd.DataFrame(rows)
    out["k_factor"] = out["referred_joins"] / out["base"].where(out["base"] > 0)
    lo, hi = wilson_interval(np.minimum(out["referred_joins"], out["base"]), out["base"], ci=ci)
    out["k_lo"], out["k_hi"] = lo, hi
    out["invite_conversion"] = out["referred_joins"] / out["invitations"].where(
        out["invitations"] > 0
    )
    return out


def koc_candidates(
    contacts: pd.DataFrame,
    orders: pd.DataFrame,
    evidence: pd.DataFrame,
    *,
    top_n: int = 50,
    key: str | bytes | None = None,
    engine=None,
) -> pd.DataFrame:
    """Ranked KOC (key opinion consumer) candidates with pseudonymous ids only.

    ``evidence`` has ``social`` and ``content`` columns indexed by ``user_id`` (raw evidence
    from :func:`~analysis.aggregate.values.value_evidence` or five-value scores). Reach =
    referred contacts + referred contacts who bought. ``koc_score`` is the mean of the
    percentile ranks of social, content and reach. ``pseudo_id`` comes from
    :func:`analysis.privacy.pseudonymise` (keyed; the key is ``key``, the environment
    variable ``ANALYSIS_PSEUDONYM_KEY`` or the user's key file); raw ids are not returned.
    """
    ev = evidence[["social", "content"]].copy()
    ev.index = ev.index.astype("str")
    ref = _referred(contacts)
    bought = has_rows(contacts["user_id"], orders, paid=True, engine=engine).to_numpy()
    n_ref = ref.dropna().value_counts()
    n_buy = ref[bought & ref.notna().to_numpy()].value_counts()
    ev["referred"] = n_ref.reindex(ev.index, fill_value=0).astype("int64").to_numpy()
    ev["referred_buyers"] = n_buy.reindex(ev.index, fill_value=0).astype("int64").to_numpy()
    reach = ev["referred"] + ev["referred_buyers"]
    ev["koc_score"] = (
        ev["social"].rank(pct=True) + ev["content"].rank(pct=True) + reach.rank(pct=True)
    ) / 3
    top = ev.sort_values(["koc_score", "social", "content"], ascending=False, kind="stable").head(
        top_n
    )
    out = top.reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.insert(1, "pseudo_id", pseudonymise(top.index.to_series(), key=key).to_numpy())
    return out


# --- channel effects on leaving (to compare with the simulator's truth) ---
def hazard_ratios(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    observation_end,
    by: str = "channel",
    reference: str | None = None,
    inactive_days: float = 60,
    vocabulary: Vocabulary | None = None,
    ci: float = 0.95,
    engine=None,
) -> pd.DataFrame:
    """Cox proportional-hazards log hazard ratios of leaving, by ``by`` (one dummy per level
    against ``reference``; default the largest level).

    Leaving is observed as: the first hard-churn event, else the last activity (interaction
    event, paid order, joining) when it lies more than ``inactive_days`` before
    ``observation_end``; otherwise the user is censored at ``observation_end``. Duration is
    from joining. Marginal effects: differences in who a channel brings (e.g. coupon hunters)
    are part of the channel's effect. ``events`` and ``orders`` are read per user on
    ``engine`` (None: the inputs' engine).
    """
    from scipy import stats as sst

    from analysis.studies.churn_time import cox_breslow

    vocab = load_vocabulary(vocabulary)
    tz = tz_of(contacts["joined_at"])
    end = as_timestamp(observation_end, tz=tz, name="observation_end")
    uid = contacts["user_id"].astype("str")
    joined = pd.Series(contacts["joined_at"].array, index=pd.Index(uid, name="user_id"))
    times = ms.user_event_times(
        events,
        {
            "last_interaction": EventTime("max", tuple(vocab.interaction_types)),
            "first_churn": EventTime("min", tuple(vocab.churn_types)),
        },
        engine=engine,
    )
    last_e = times["last_interaction"]
    last_o = ms.paid_order_times(orders, engine=engine)["last_paid"]
    last_act = pd.concat([last_e.reindex(joined.index), last_o.reindex(joined.index)], axis=1)
    last_act = last_act.max(axis=1)
    last = pd.concat([joined, last_act], axis=1).max(axis=1)
    hard = times["first_churn"].reindex(joined.index)
    quiet = is_silent(last_act, joined, as_of=end, days=inactive_days)
    t_leave = hard.where(hard.notna(), last.where(quiet))
    status = t_leave.notna() & (t_leave <= end)
    t_end = t_leave.where(status, end)
    dur = ((t_end - joined) / pd.Timedelta(days=1)).clip(lower=0.5).to_numpy(dtype="float64")
    levels = contacts[by].astype("str").to_numpy()
    counts = pd.Series(levels).value_counts()
    ref = reference if reference is not None else str(counts.index[0])
    if ref not in counts.index:
        raise ValueError(f"reference {ref!r} is not a level of {by!r}")
    others = sorted(lv for lv in counts.index if lv != ref)
    X = np.column_stack([(levels == lv).astype(float) for lv in others])
    # = statsmodels' PHReg(dur, X, status, ties="breslow"), fitted on counts (fast at 1M)
    params, bse = cox_breslow(dur, status.to_numpy(), X)
    z = sst.norm.ppf(1 - (1 - ci) / 2)
    out = pd.DataFrame(
        {by: others, "log_hr": params, "se": bse, "lo": params - z * bse, "hi": params + z * bse}
    )
    out["hr"] = np.exp(out["log_hr"])
    st = pd.Series(status.to_numpy()).groupby(levels).agg(["size", "sum"])
    out["n"] = st.loc[others, "size"].to_numpy()
    out["left"] = st.loc[others, "sum"].to_numpy()
    out.attrs["reference"] = ref
    return out


def agreement(derived: pd.Series, truth: pd.Series) -> pd.DataFrame:
    """Cross-table of a derived flag against the truth (aligned on the index)."""
    df = pd.DataFrame({"derived": derived, "truth": truth}).dropna()
    return pd.crosstab(df["derived"], df["truth"])
