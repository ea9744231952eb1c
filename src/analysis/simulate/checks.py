"""Checks against the simulator's truth: what a study estimated, next to what the simulator
put in (oracle churn probabilities, true outcome probabilities, true channel effects, the
true purchase and spend parameters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from analysis.aggregate.rules import GIVEAWAY_CHANNELS, GIVEAWAY_HOOKS
from analysis.i18n import say, tr
from analysis.plots.flow import plot_effects_vs_truth
from analysis.studies import cohorts as co
from analysis.studies.flow_results import EssayClaims
from analysis.studies.ltv import PurchaseModel, SpendModel
from analysis.studies.result import StudyResult


def oracle_for(
    truth_users: pd.DataFrame, params: Mapping, frame: pd.DataFrame, *, cutoff, horizon_days: int
) -> pd.Series:
    """:func:`oracle_churn_probability` for the users of ``frame`` with the simulator's
    ``p_hard`` and the expected activity rate of :func:`oracle_activity_rate`."""
    return oracle_churn_probability(
        truth_users,
        users=frame.index,
        cutoff=cutoff,
        horizon_days=horizon_days,
        p_hard=float(params["churn"]["p_hard"]),
        activity_rate_per_day=oracle_activity_rate(truth_users, params),
    )


def oracle_activity_rate(truth_users: pd.DataFrame, params: Mapping) -> pd.Series:
    """Expected rate (per day, while alive) of qualifying activity of each simulated user:
    the interaction-event rates of ``params`` (activity multiplier at its mean of 1), each
    value event's rate scaled by ``exp(value_sd·z - value_sd²/2)``, plus the purchase rate.
    Indexed by ``user_id``."""
    month = 30.4375
    from analysis.data.vocab import default_vocabulary

    vocab = default_vocabulary()
    sd = float(params.get("value_sd", 0.8))
    rate = np.full(len(truth_users), sum(params["active_rates_per_month"].values()) / month)
    for etype, r in params["value_rates_per_month"].items():
        v = vocab.event_types[etype].value
        rate = rate + r * np.exp(sd * truth_users[f"z_{v}"].to_numpy() - sd**2 / 2) / month
    rate = rate + truth_users["purchase_rate_per_day"].to_numpy(dtype="float64")
    return pd.Series(
        rate, index=pd.Index(truth_users["user_id"], name="user_id"), name="activity_rate_per_day"
    )


def oracle_churn_probability(
    truth_users: pd.DataFrame,
    *,
    users,
    cutoff,
    horizon_days: int,
    p_hard: float,
    activity_rate_per_day=None,
    lifetime_shape: float = 1.0,
    tenure_days=None,
) -> pd.Series:
    """The simulator's true probability that each user in ``users`` churns (is not retained).

    A user whose truth ``left_at`` is before the cut-off has left (silently, since hard
    leavers are outside the population): probability 1. A user alive at the cut-off leaves
    after an exponential time ``L`` with hazard ``μ`` (memoryless), deleting the contact
    with probability ``p_hard``, and is active at rate ``ρ`` while alive. With the shared
    label (retained = some activity in ``[c, c+h)`` and no hard churn there)::

        P(retained) = e^{-μh} (1 - e^{-ρh})
                      + (1 - p_hard) [ (1 - e^{-μh}) - μ/(μ+ρ) (1 - e^{-(μ+ρ)h}) ]

    (stay alive and be active; or leave silently after being active). ``activity_rate_per_day``
    (per-user Series or scalar, e.g. :func:`oracle_activity_rate`) gives ``ρ``; ``None``
    takes ``ρ → ∞`` (no user alive for a while is inactive), i.e. the first-order oracle
    ``p_hard · (1 - e^{-μh})``. The simulator's per-user activity multiplier is not in the
    truth, so ``ρ`` is its expectation: this oracle is exact up to that approximation.

    With a Weibull lifetime (``lifetime_shape`` k ≠ 1, survival ``exp(-(μt)^k)``) the hazard
    depends on the user's age, so ``tenure_days`` (aligned with ``users``) is needed: the
    chance of leaving by ``c + t`` given alive at tenure ``a`` is
    ``L(t) = 1 - exp((μa)^k - (μ(a+t))^k)`` and
    ``P(retained) = (1 - L(h))(1 - e^{-ρh}) + (1 - p_hard) ∫_0^h (1 - e^{-ρt}) dL(t)``
    (integrated on a grid of 400 steps; for k = 1 it is the formula above).
    """
    tu = truth_users.set_index("user_id")
    ids = pd.Index(pd.Series(users, dtype="str"), name="user_id")
    missing = ids.difference(tu.index)
    if len(missing):
        raise ValueError(f"users without truth, e.g. {missing[:3].tolist()}")
    tu = tu.reindex(ids)
    left = pd.to_datetime(tu["left_at"])
    c = pd.Timestamp(cutoff)
    if c.tzinfo is None and getattr(left.dtype, "tz", None) is not None:
        c = c.tz_localize(left.dt.tz)
    gone = (left < c).to_numpy(dtype=bool)
    mu = tu["churn_hazard_per_day"].to_numpy(dtype="float64")
    h = float(horizon_days)
    stay = np.exp(-mu * h)
    if activity_rate_per_day is None:
        rho = None
    else:
        rho = (
            activity_rate_per_day.reindex(ids).to_numpy(dtype="float64")
            if isinstance(activity_rate_per_day, pd.Series)
            else np.full(len(ids), float(activity_rate_per_day))
        )
    if lifetime_shape != 1.0:
        if tenure_days is None:
            raise ValueError("a Weibull lifetime (lifetime_shape != 1) needs tenure_days")
        a = np.asarray(tenure_days, dtype="float64")
        t = np.linspace(0.0, h, 401)
        cum = (mu[:, None] * (a[:, None] + t[None, :])) ** lifetime_shape
        L = 1 - np.exp(cum[:, :1] - cum)  # leaving by c + t, alive at c
        mid = (t[1:] + t[:-1]) / 2
        act = (
            np.ones((len(ids), mid.size))
            if rho is None
            else 1 - np.exp(-rho[:, None] * mid[None, :])
        )
        active_h = 1.0 if rho is None else 1 - np.exp(-rho * h)
        p_ret = (1 - L[:, -1]) * active_h + (1 - p_hard) * np.sum(act * np.diff(L, axis=1), axis=1)
    elif rho is None:
        p_ret = stay + (1 - p_hard) * (1 - stay)
    else:
        p_ret = stay * (1 - np.exp(-rho * h)) + (1 - p_hard) * (
            (1 - stay) - mu / (mu + rho) * (1 - np.exp(-(mu + rho) * h))
        )
    p = np.where(gone, 1.0, 1.0 - p_ret)
    return pd.Series(p, index=ids, name="oracle")


def compare_with_truth(
    truth: dict,
    *,
    purchases: PurchaseModel | None = None,
    spend: SpendModel | None = None,
    unit_days: float,
) -> pd.DataFrame:
    """Recovered parameters against a simulator's true ones.

    ``truth`` holds ``{"purchases": {"r", "alpha"[, "s", "beta"], "time_unit": "day"},
    "spend": {"p", "q", "gamma"}}``; rate parameters are converted to the model's unit
    (``unit_days`` days per unit). Returns ``model``, ``parameter``, ``true``,
    ``estimate``, ``lower_95``, ``upper_95``, ``relative_error`` and ``covered`` (the true
    value lies inside the 95% interval).
    """
    rows = []
    if purchases is not None and "purchases" in truth:
        t = truth["purchases"]
        unit = str(t.get("time_unit", "day")).lower()
        if unit not in ("day", "days", "d"):
            raise ValueError(f"truth purchases time_unit must be 'day', got {unit!r}")
        table = purchases.summary
        scale = {"alpha": unit_days, "beta": unit_days}
        for name in table.index:
            if name in t and isinstance(t[name], (int, float)):
                rows.append(
                    (
                        purchases.model,
                        name,
                        t[name] / scale.get(name, 1.0),
                        *table.loc[name, ["estimate", "lower_95", "upper_95"]],
                    )
                )
    if spend is not None and "spend" in truth:
        table = spend.summary
        for name in table.index:
            if name in truth["spend"]:
                rows.append(
                    (
                        "gamma_gamma",
                        name,
                        truth["spend"][name],
                        *table.loc[name, ["estimate", "lower_95", "upper_95"]],
                    )
                )
    out = pd.DataFrame(
        rows, columns=["model", "parameter", "true", "estimate", "lower_95", "upper_95"]
    )
    out["relative_error"] = (out["estimate"] - out["true"]) / out["true"]
    out["covered"] = (out["lower_95"] <= out["true"]) & (out["true"] <= out["upper_95"])
    return out


# ---------------------------------------------------------------------------------------
# truth (simulated data) and the verdict
# ---------------------------------------------------------------------------------------
def true_retention_probability(
    frame: pd.DataFrame, truth_users: pd.DataFrame, params: Mapping, *, horizon_days: int
) -> np.ndarray:
    """Each user's true probability of the headline outcome ``retained`` under the simulator
    (one per row of a study frame): 1 − :func:`oracle_churn_probability` with the
    simulator's ``p_hard``, lifetime shape and expected activity rates
    (:func:`oracle_activity_rate`), at the frame's cut-off and tenures."""
    churn = params["churn"]
    p = oracle_churn_probability(
        truth_users,
        users=frame["user_id"].astype(str),
        cutoff=frame["cutoff"].iloc[0],
        horizon_days=horizon_days,
        p_hard=float(churn["p_hard"]),
        activity_rate_per_day=oracle_activity_rate(truth_users, params),
        lifetime_shape=float(churn.get("lifetime_shape", 1.0)),
        tenure_days=frame["tenure_days"].to_numpy(dtype="float64"),
    )
    return 1.0 - p.to_numpy(dtype="float64")


def true_outcome_probability(
    frame: pd.DataFrame,
    truth_users: pd.DataFrame,
    *,
    p_hard: float,
    horizon_days: int,
    lifetime_shape: float = 1.0,
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
    if lifetime_shape == 1.0:
        leave = 1 - np.exp(-h * horizon_days)
    else:  # Weibull: leaving within the horizon given alive at tenure a
        a = frame["tenure_days"].to_numpy(dtype="float64")
        leave = 1 - np.exp((h * a) ** lifetime_shape - (h * (a + horizon_days)) ** lifetime_shape)
    p = 1 - p_hard * leave
    return np.where(gone, 1.0, p)


def truth_channel_effects(
    truth_users: pd.DataFrame, contacts: pd.DataFrame, params: Mapping, *, reference: str
) -> pd.DataFrame:
    """The simulator's channel effects relative to ``reference``: the structural
    ``gamma_channel`` (log hazard shift holding the latent values and hunter status fixed)
    and the marginal one (mean log true hazard of the channel's users minus the reference's),
    which is what a model with channel alone recovers."""
    g = dict(params["churn"]["gamma_channel"])
    hazard = pd.Series(
        truth_users["churn_hazard_per_day"].to_numpy(),
        index=truth_users["user_id"].astype("str"),
    )
    # each contact's true hazard (text ids matched without a merge's copies: 5M contacts)
    per_contact = hazard.reindex(contacts["user_id"].astype("str")).to_numpy()
    channel = contacts["channel"].astype("str").to_numpy()
    mean_log = pd.Series(np.log(per_contact)).groupby(channel).mean()
    chans = sorted(c for c in mean_log.index if c != reference)
    return pd.DataFrame(
        {
            "channel": chans,
            "gamma_structural": [g.get(c, 0.0) - g.get(reference, 0.0) for c in chans],
            "log_hr_marginal_true": [mean_log[c] - mean_log[reference] for c in chans],
        }
    )


# ---------------------------------------------------------------------------------------
# segments-and-flow against the truth (a result: table, reading, figure)
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlowTruthCheck(StudyResult):
    """The segments-and-flow report against the simulator's truth: recovered channel effects
    on leaving next to the true ones (``table``: :func:`~analysis.studies.cohorts.
    hazard_ratios` merged with :func:`truth_channel_effects`), the derived screening against
    the true flag (``screening``), the data's and the true K-factor, the share of coupon
    hunters among giveaway users and the others, the true effects of hunters and screening
    on the log hazard, and the data's verdicts on the essay's ``claims``."""

    screening: pd.DataFrame
    k: float
    k_true: float
    hunters_give: float
    hunters_other: float
    gamma_hunter: float
    gamma_screened: float
    claims: EssayClaims

    @property
    def inside(self) -> pd.Series:
        """True where the estimate's interval contains the true marginal effect."""
        t = self.table
        return (t["lo"] <= t["log_hr_marginal_true"]) & (t["log_hr_marginal_true"] <= t["hi"])

    @property
    def same_order(self) -> bool:
        """Whether the estimates rank the channels as the true marginal effects do."""
        return self.table["log_hr"].rank().equals(self.table["log_hr_marginal_true"].rank())

    def reading(self, lang: str = "en") -> str:
        return say(
            "flow.truth",
            lang,
            k=self.k,
            k_true=self.k_true,
            inside=int(self.inside.sum()),
            n=len(self.table),
            order=say("flow.same_as" if self.same_order else "flow.different_from", lang),
            hunters_give=self.hunters_give,
            hunters_other=self.hunters_other,
            gamma_hunter=self.gamma_hunter,
            gamma_screened=self.gamma_screened,
            verdicts=self.claims.verdicts(lang),
        )

    def plot(
        self,
        *,
        ax=None,
        lang: str = "en",
        title: str = "Recovered vs true channel effects on leaving",
    ):
        """Estimates against both truths (:func:`~analysis.plots.flow.plot_effects_vs_truth`)."""
        return plot_effects_vs_truth(self.table, ax=ax, title=title, lang=lang)


def flow_truth_check(
    truth_users: pd.DataFrame,
    params: Mapping,
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    observation_end,
    claims,
    k_factor: float,
    giveaway_channels=GIVEAWAY_CHANNELS,
    giveaway_hooks=GIVEAWAY_HOOKS,
    screen_min_days: float = 3,
    landmark_days: float = 28,
    reference: str = "partner",
    screening: pd.Series | None = None,
    engine=None,
) -> FlowTruthCheck:
    """The :class:`FlowTruthCheck` of a segments-and-flow run on simulated data: ``claims``
    is its :class:`~analysis.studies.flow_results.EssayClaims`, ``k_factor`` the K-factor it found;
    giveaway and screening are defined as in the report; ``events`` and ``orders`` are read per
    user on ``engine`` (None: the inputs' engine); ``screening``: the report's
    :func:`~analysis.studies.cohorts.screening_groups` (same days), if already computed."""
    tu = truth_users.set_index("user_id")
    if screening is None:
        screening = co.screening_groups(
            contacts, events, min_days=screen_min_days, landmark_days=landmark_days, engine=engine
        )
    agreement = co.agreement(screening.astype(str), tu["screened"].rename("truly screened"))
    hr = co.hazard_ratios(
        contacts,
        events,
        orders,
        observation_end=observation_end,
        reference=reference,
        engine=engine,
    )
    true_eff = truth_channel_effects(truth_users, contacts, params, reference=reference)
    give = co.giveaway_flag(contacts, channels=giveaway_channels, hooks=giveaway_hooks)
    hunters = tu["coupon_hunter"].reindex(give.index)
    return FlowTruthCheck(
        hr.merge(true_eff, on="channel"),
        screening=agreement,
        k=k_factor,
        k_true=params["referrals"]["k_factor_realised"],
        hunters_give=hunters[give].mean(),
        hunters_other=hunters[~give].mean(),
        gamma_hunter=params["churn"]["gamma_coupon_hunter"],
        gamma_screened=params["churn"]["gamma_screened"],
        claims=claims,
    )


def ladder_step_truth(params: Mapping, ladder=None, *, days: float = 30) -> pd.DataFrame:
    """The simulator's truth of each forward step of the ladder: for a user alive at a stage,
    the probability of evidence of the next stage within ``days`` (one snapshot step).

    Event-evidenced steps use the simulator's per-month rates of the next stage's event types
    (``params["active_rates_per_month"]`` / ``["value_rates_per_month"]``, each user's
    multipliers at their mean of 1): ``1 - exp(-rate × days / 30)``. The step into the first
    purchase uses the Gamma(r, α) purchase rates: ``1 - (α / (α + days))^r``; the repeat step
    the same with shape ``r + 1`` (the rates of users who have bought once). Referral
    purchases (a small addition to the top step) are left out. Columns: ``stage`` (the step
    out of it), ``next``, ``truth``; the stages with no next stage or no simulated evidence are
    dropped. The weakest step is ``truth.idxmin()``."""
    from analysis.studies.flow import Ladder

    ladder = ladder or Ladder()
    rates = {**params["active_rates_per_month"], **params["value_rates_per_month"]}
    per_stage: dict[str, float] = {}
    for etype, stage in ladder.type_stage().items():
        per_stage[stage] = per_stage.get(stage, 0.0) + float(rates.get(etype, 0.0))
    r, alpha = float(params["purchases"]["r"]), float(params["purchases"]["alpha"])
    buy = {
        ladder.first_purchase_stage: 1 - (alpha / (alpha + days)) ** r,
        ladder.repeat_stage: 1 - (alpha / (alpha + days)) ** (r + 1),
    }
    stages = list(ladder.stages)
    rows = []
    low = stages.index(ladder.join_stage)
    for here, nxt in zip(stages[low:], stages[low + 1 :]):
        if nxt in buy:
            p = buy[nxt]
        elif per_stage.get(nxt, 0.0) > 0:
            p = 1 - np.exp(-per_stage[nxt] * days / 30)
        else:
            continue
        rows.append({"stage": here, "next": nxt, "truth": p})
    return pd.DataFrame(rows)


def touch_effects_vs_truth(fatigue, care, params: dict) -> pd.DataFrame:
    """The touches report's estimates against the simulator's truth (``params["touches"]``):
    one row per effect (``fatigue`` per promo touch, ``flood`` per flood day — excess daily
    departure probabilities — and ``care`` on silence) with ``truth``, ``estimate``, ``lo``,
    ``hi`` and ``inside``. ``fatigue`` is a :class:`~analysis.studies.touches.FatigueResult`,
    ``care`` a :class:`~analysis.studies.touches.CareResult`."""
    t = params["touches"]
    rows = []
    for effect, truth, row in (
        ("fatigue", t["fatigue_excess_per_promo"], fatigue.row("dose")),
        ("flood", t["flood_excess_per_day"], fatigue.row("flood")),
        ("care", t["care_silence_effect"], care.table.set_index("outcome").loc["silent"]),
    ):
        est = row["estimate"] if "estimate" in row else row["difference"]
        rows.append(
            {
                "effect": effect,
                "truth": float(truth),
                "estimate": float(est),
                "lo": float(row["lo"]),
                "hi": float(row["hi"]),
                "inside": bool(row["lo"] <= truth <= row["hi"]),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# churn: cause-specific hazards of hard and silent churn against the truth
# ---------------------------------------------------------------------------------------
def competing_risks_truth(
    dep: pd.DataFrame,
    truth_users: pd.DataFrame,
    contacts: pd.DataFrame,
    params: Mapping,
    *,
    reference_channel: str = "partner",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Cause-specific Cox models of hard and silent churn (:func:`analysis.studies.
    churn_time.cause_specific_hazards` on the departures ``dep``) with the simulator's own
    covariates — the five latent values ``z``, coupon hunter, screened, channel against
    ``reference_channel`` — next to the true log hazard ratios. The simulator has one
    leaving hazard and splits leavers into hard and silent at random (``p_hard``), so the
    true effect on each cause's hazard is the same structural coefficient. Columns:
    ``cause``, ``term``, ``log_hr``, ``lo``, ``hi``, ``truth``, ``inside``."""
    from analysis.studies.churn_time import cause_specific_hazards

    ch = params["churn"]
    tu = truth_users.assign(user_id=truth_users["user_id"].astype("str")).set_index("user_id")
    tu = tu.reindex(dep["user_id"].astype("str"))
    chan = (
        contacts.assign(user_id=contacts["user_id"].astype("str"))
        .set_index("user_id")["channel"]
        .reindex(dep["user_id"].astype("str"))
        .astype("str")
    )
    X = pd.DataFrame(index=range(len(dep)))
    truth = {}
    for v, b in ch["beta_per_sd_of_latent_value"].items():
        X[f"z_{v}"] = tu[f"z_{v}"].to_numpy(dtype="float64")
        truth[f"z_{v}"] = float(b)
    X["coupon_hunter"] = tu["coupon_hunter"].astype(bool).to_numpy().astype("float64")
    truth["coupon_hunter"] = float(ch["gamma_coupon_hunter"])
    X["screened"] = tu["screened"].astype(bool).to_numpy().astype("float64")
    truth["screened"] = float(ch["gamma_screened"])
    g = dict(ch["gamma_channel"])
    for c in sorted(set(chan) - {reference_channel}):
        X[f"channel={c}"] = (chan == c).to_numpy().astype("float64")
        truth[f"channel={c}"] = g.get(c, 0.0) - g.get(reference_channel, 0.0)
    out = cause_specific_hazards(dep.reset_index(drop=True), X, ci=ci)
    out["truth"] = out["term"].map(truth)
    out["inside"] = (out["lo"] <= out["truth"]) & (out["truth"] <= out["hi"])
    return out[["cause", "term", "log_hr", "lo", "hi", "truth", "inside", "events", "n"]]


@dataclass(frozen=True)
class CompetingRisksTruth(StudyResult):
    """:func:`competing_risks_truth` as a result: the table and a reading that counts the
    true effects inside their intervals and names the largest miss."""

    def reading(self, lang: str = "en") -> str:
        t = self.table
        worst = t.loc[(t["log_hr"] - t["truth"]).abs().idxmax()]
        return say(
            "churn.cr_truth",
            lang,
            inside=int(t["inside"].sum()),
            n=len(t),
            term=worst["term"] if lang == "en" else tr(worst["term"], lang),
            cause=tr(worst["cause"], lang),
            est=worst["log_hr"],
            truth=worst["truth"],
        )


def competing_risks_truth_result(
    dep: pd.DataFrame, truth_users: pd.DataFrame, contacts: pd.DataFrame, params: Mapping
) -> CompetingRisksTruth:
    return CompetingRisksTruth(competing_risks_truth(dep, truth_users, contacts, params))


# ---------------------------------------------------------------------------------------
# churn: the as-of list against the churn realised after its date
# ---------------------------------------------------------------------------------------
def realised_by_tier(
    res,
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    risk_cuts=(0.2, 0.5),
    oracle: pd.Series | None = None,
    vocabulary=None,
) -> pd.DataFrame:
    """The at-risk list's predicted churn per risk tier against the churn realised in the
    ``horizon_days`` after its date, read from tables that run past that date (e.g. a longer
    simulation that ``res`` only saw up to its as-of date). ``res`` is a
    :class:`~analysis.studies.churn_asof.ChurnAsOf`. Columns: ``risk_tier``, ``users``,
    ``predicted_rate`` (mean risk), ``realised_rate`` with its Wilson interval ``lo``,
    ``hi`` and, with ``oracle`` (true probabilities by user), ``oracle_rate``."""
    from analysis.studies.churn import churn_frame
    from analysis.studies.churn_list import risk_tier
    from analysis.studies.stats import wilson_interval

    cur = res.current
    later = churn_frame(
        contacts,
        events,
        orders,
        cutoff=res.windows.as_of,
        definition=res.definition,
        vocabulary=vocabulary,
    )
    if not later.index.equals(cur.index):
        raise ValueError(
            "the later tables give another population at the list's date: they must hold the "
            "same data before it"
        )
    risk = res.current_risk.reindex(cur.index).to_numpy(dtype="float64")
    df = pd.DataFrame(
        {
            "risk_tier": risk_tier(risk, cuts=risk_cuts),
            "predicted_rate": risk,
            "churned": later["churned"].to_numpy(),
        }
    )
    if oracle is not None:
        df["oracle_rate"] = oracle.reindex(cur.index).to_numpy(dtype="float64")
    agg = {"users": ("churned", "size"), "predicted_rate": ("predicted_rate", "mean")}
    agg |= {"k": ("churned", "sum")}
    if oracle is not None:
        agg["oracle_rate"] = ("oracle_rate", "mean")
    out = df.groupby("risk_tier", observed=False).agg(**agg).reset_index()
    out["risk_tier"] = out["risk_tier"].astype("str")
    out["realised_rate"] = out["k"] / out["users"]
    out["lo"], out["hi"] = wilson_interval(out["k"].to_numpy(), out["users"].to_numpy())
    return out.drop(columns="k")
