"""The simulation's result: the three canonical tables and the per-user truth as frames.

The last step of :func:`analysis.simulate.simulate`: it turns the steps' arrays (indexed by
a user's position in the simulation) into the canonical ``contacts``, ``events`` and
``orders`` tables (users by ``user_id``, in order of joining), the per-user truth and the
parameters written to ``truth/params.json``. Nothing here draws random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.simulate.activity import Orders, event_type_names
from analysis.simulate.population import CHANNEL_NAMES, VALUE_NAMES, Period, Population
from analysis.simulate.world import (
    ACTIVE_RATES,
    HUNTER_PROB,
    HUNTER_PROB_BASE,
    HUNTER_PROB_COUPON,
    VALUE_RATES,
    Truth,
)


@dataclass
class Simulation:
    """What :func:`analysis.simulate.simulate` returns: the canonical tables, the per-user
    truth (one row per contact) and the parameters written to ``truth/params.json``."""

    contacts: pd.DataFrame
    events: pd.DataFrame
    orders: pd.DataFrame
    users: pd.DataFrame  # per-user truth
    params: dict[str, Any] = field(default_factory=dict)
    touches: pd.DataFrame | None = None  # the touch worlds only (analysis.simulate.touches)


def _to_ts(local_seconds: np.ndarray, tz: str) -> pd.Series:
    """Naive local seconds → tz-aware timestamps (microsecond resolution)."""
    naive = pd.Series(local_seconds.astype("datetime64[s]").astype("datetime64[us]"))
    return naive.dt.tz_localize(tz)


def contacts_table(
    pop: Population, order: np.ndarray, rank: np.ndarray, uid: np.ndarray, tz: str
) -> pd.DataFrame:
    """``contacts``: one row per user in order of joining (``order``, see
    :func:`analysis.simulate.activity.user_ids`), with channel, hook and referrer."""
    referrer = pop.referrer[order]
    return pd.DataFrame(
        {
            "user_id": pd.array(uid, dtype="str"),
            "joined_at": _to_ts(pop.join[order], tz),
            "channel": pd.array(
                np.array(CHANNEL_NAMES, dtype=object)[pop.chan[order]], dtype="str"
            ),
            "hook": pd.array(pop.hook[order], dtype="str"),
            "referrer_id": pd.array(
                np.where(referrer >= 0, uid[rank[np.maximum(referrer, 0)]], None), dtype="str"
            ),
        }
    )


def events_table(
    users: np.ndarray,
    times: np.ndarray,
    types: np.ndarray,
    ctx: np.ndarray,
    rank: np.ndarray,
    uid: np.ndarray,
    tz: str,
) -> pd.DataFrame:
    """``events``: the sorted event log with its contexts (no event carries a ``value``)."""
    return pd.DataFrame(
        {
            "user_id": pd.array(uid[rank[users]], dtype="str"),
            "occurred_at": _to_ts(times, tz),
            "event_type": pd.Categorical.from_codes(types, categories=event_type_names()),
            "value": np.full(users.size, np.nan),
            "context": pd.array(ctx, dtype="str"),
        }
    )


def orders_table(
    orders: Orders, rank: np.ndarray, uid: np.ndarray, tz: str, first: int = 1
) -> pd.DataFrame:
    """``orders``: one row per order in time order, ids ``o00000001``, ... from ``first``."""
    n_orders = orders.user.size
    oid_width = max(8, len(str(first + n_orders - 1)))
    ids = [f"o{i:0{oid_width}d}" for i in range(first, first + n_orders)]
    return pd.DataFrame(
        {
            "order_id": pd.array(ids, dtype="str"),
            "user_id": pd.array(uid[rank[orders.user]], dtype="str"),
            "ordered_at": _to_ts(orders.time, tz),
            "amount": orders.amount,
            "is_refund": orders.refund,
            "refund_amount": orders.refund_amount,
        }
    )


def truth_table(
    pop: Population,
    hard: np.ndarray,
    lam: np.ndarray,
    nu: np.ndarray,
    activity: np.ndarray,
    order: np.ndarray,
    uid: np.ndarray,
    tz: str,
) -> pd.DataFrame:
    """The per-user truth (``truth/users.csv.gz``), in the order of ``contacts``: latent
    values, hunter and screened flags, purchase rate, spend scale, hazard and the true
    probability of leaving within 30 and 90 days while alive, when and how the user left, how
    many they referred, and their activity multiplier."""
    co = order
    p30 = 1 - np.exp(-30 * pop.hazard)
    p90 = 1 - np.exp(-90 * pop.hazard)
    return pd.DataFrame(
        {
            "user_id": pd.array(uid, dtype="str"),
            "generation": pop.generation[co],
            "coupon_hunter": pop.hunter[co],
            "screened": pop.screened[co],
            **{f"z_{v}": np.round(pop.z[co, i], 6) for i, v in enumerate(VALUE_NAMES)},
            "purchase_rate_per_day": np.round(lam[co], 8),
            "spend_nu": np.round(nu[co], 8),
            "churn_hazard_per_day": np.round(pop.hazard[co], 8),
            "churn_prob_30d": np.round(p30[co], 6),
            "churn_prob_90d": np.round(p90[co], 6),
            "left_at": _to_ts(pop.leave[co], tz).where(pop.left[co]),
            "left_kind": pd.array(
                np.where(hard[co], "hard", np.where(pop.left[co], "silent", None)), dtype="str"
            ),
            "n_referred": pop.n_ref[co],
            "activity_multiplier": np.round(activity[co], 6),
        }
    )


def truth_aucs(z: np.ndarray, hazard: np.ndarray, truth: Truth, *, horizon_days: int = 90):
    """The AUC the truth implies, on the latent five values: each user's true probability of
    staying ``horizon_days`` from joining (``exp(-(μ h)^k)``) against the preset's weighting
    of the latent values (``preset``), equal weights (``equal``) and the best linear weighting
    (``best``: minus the true coefficients, so 0.5 when they are all 0), with those best
    weights scaled to absolute sum 1 (``best_weights``). The observed index counts noisy
    events of these values, so its AUC in a study is lower; a study's own truth check
    (:func:`analysis.simulate.checks.true_retention_probability`) uses its frame."""
    from analysis.studies.scores import PRESETS
    from analysis.studies.stats import expected_auc

    q = np.exp(-((hazard * horizon_days) ** truth.lifetime_shape))
    beta = np.array([truth.beta[v] for v in VALUE_NAMES])
    preset = np.array([PRESETS["expansion"][v] for v in VALUE_NAMES])
    out = {
        "outcome": f"no departure within {horizon_days} days of joining (latent values)",
        "preset": round(expected_auc(q, z @ preset), 6),
        "equal": round(expected_auc(q, z.sum(axis=1)), 6),
    }
    if np.abs(beta).sum() > 0:
        out["best"] = round(expected_auc(q, -(z @ beta)), 6)
        w = -beta / np.abs(beta).sum()
        out["best_weights"] = {v: round(float(x), 6) for v, x in zip(VALUE_NAMES, w)}
    else:
        out["best"] = 0.5
        out["best_weights"] = None
    return out


#: the first two worlds' params.json carry no lifetime shape or truth AUCs (kept as they were)
WITHOUT_TRUTH_AUC = ("effects", "null")


def truth_params(
    *,
    truth: Truth,
    aucs: dict | None = None,
    world: str,
    seed: int,
    n_users: int,
    months: int,
    period: Period,
    tz: str,
    n_contacts: int,
    n_referred: int,
    n_events: int,
    n_orders: int,
) -> dict[str, Any]:
    """The parameters written to ``truth/params.json``: the run's arguments, every true
    coefficient and rate, the realised K-factor and the tables' sizes."""
    realised_k = float(n_referred / n_contacts)
    return {
        "generator": "analysis.simulate",
        "seed": seed,
        "n_users_requested": n_users,
        "n_users": int(n_contacts),
        "months": months,
        "start": period.start.tz_localize(tz).isoformat(),
        "observation_end": period.end.tz_localize(tz).isoformat(),
        "tz": tz,
        "world": world,
        "churn": {
            "model": "exponential lifetime, hazard per day = base * exp(beta.z + gamma terms)",
            "base_hazard_per_day": truth.base_hazard_per_day,
            "beta_per_sd_of_latent_value": truth.beta,
            "gamma_coupon_hunter": truth.gamma_hunter,
            "gamma_screened": truth.gamma_screened,
            "gamma_channel": truth.gamma_channel,
            "p_hard": truth.p_hard,
            # the worlds that catch the study out also write their lifetime shape and the
            # AUCs their truth implies; the first two worlds' files stay as they were
            **(
                {}
                if world in WITHOUT_TRUTH_AUC
                else {"lifetime_shape": truth.lifetime_shape, "truth_auc": aucs}
            ),
        },
        "purchases": {
            "model": "Poisson while alive, rate ~ Gamma(r, alpha) (copula on "
            "z_consumption); hunters x0.2 plus one coupon purchase",
            "r": truth.purchase_r,
            "alpha": truth.purchase_alpha,
            "time_unit": "day",
        },
        "spend": {
            "model": "Gamma-Gamma (hunter baskets x0.4)",
            "p": truth.spend_p,
            "q": truth.spend_q,
            "gamma": truth.spend_gamma,
        },
        "refunds": {
            "prob": truth.refund_prob,
            "prob_hunter": truth.refund_prob_hunter,
            "partial_share": 0.3,
        },
        "referrals": {
            "k0_per_year": truth.referral_k0_per_year,
            "k_factor_realised": round(realised_k, 6),
            "referred_contacts": int(n_referred),
        },
        "value_rates_per_month": VALUE_RATES,
        "active_rates_per_month": ACTIVE_RATES,
        "value_sd": truth.value_sd,
        "hunter_prob": {f"{c}/{h}": p for (c, h), p in HUNTER_PROB.items()}
        | {"coupon (other channels)": HUNTER_PROB_COUPON, "other": HUNTER_PROB_BASE},
        "counts": {"contacts": int(n_contacts), "events": int(n_events), "orders": int(n_orders)},
    }
