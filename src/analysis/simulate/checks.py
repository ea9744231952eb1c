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
from analysis.i18n import say
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
        p_ret = stay + (1 - p_hard) * (1 - stay)
    else:
        rho = (
            activity_rate_per_day.reindex(ids).to_numpy(dtype="float64")
            if isinstance(activity_rate_per_day, pd.Series)
            else np.full(len(ids), float(activity_rate_per_day))
        )
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


def truth_channel_effects(
    truth_users: pd.DataFrame, contacts: pd.DataFrame, params: Mapping, *, reference: str
) -> pd.DataFrame:
    """The simulator's channel effects relative to ``reference``: the structural
    ``gamma_channel`` (log hazard shift holding the latent values and hunter status fixed)
    and the marginal one (mean log true hazard of the channel's users minus the reference's),
    which is what a model with channel alone recovers."""
    g = dict(params["churn"]["gamma_channel"])
    df = pd.DataFrame(
        {
            "user_id": contacts["user_id"].astype("str").to_numpy(),
            "channel": contacts["channel"].astype("str").to_numpy(),
        }
    )
    tu = truth_users[["user_id", "churn_hazard_per_day"]].copy()
    tu["user_id"] = tu["user_id"].astype("str")
    df = df.merge(tu, on="user_id", how="left")
    mean_log = np.log(df["churn_hazard_per_day"]).groupby(df["channel"]).mean()
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
) -> FlowTruthCheck:
    """The :class:`FlowTruthCheck` of a segments-and-flow run on simulated data: ``claims``
    is its :class:`~analysis.studies.flow_results.EssayClaims`, ``k_factor`` the K-factor it found;
    giveaway and screening are defined as in the report."""
    tu = truth_users.set_index("user_id")
    screening = co.screening_groups(
        contacts, events, min_days=screen_min_days, landmark_days=landmark_days
    )
    agreement = co.agreement(screening.astype(str), tu["screened"].rename("truly screened"))
    hr = co.hazard_ratios(
        contacts, events, orders, observation_end=observation_end, reference=reference
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
