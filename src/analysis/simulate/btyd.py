"""A world drawn from a buy-till-you-die model with a channel covariate: every customer's
purchase and dropout follow BG/NBD or Pareto/NBD exactly, and their channel multiplies the
purchase rate and the dropout (the form of :mod:`analysis.studies.ltv_covariates`), so the
fitted multipliers can be checked against the true ones.

The brand simulator (:func:`analysis.simulate.simulate`) is richer (coupon hunters, events,
refunds) and no BTYD model is exactly true of it; this world is where the covariate models'
estimates have a known answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Default world: weeks as the time unit; channel shares, and each channel's multipliers of the
#: purchase rate, of the dropout and of the spend per purchase (1 for the reference ``douyin``).
BTYD_CHANNELS: dict[str, dict[str, float]] = {
    "douyin": {"share": 0.35, "purchase": 1.0, "dropout": 1.0, "spend": 1.0},
    "xiaohongshu": {"share": 0.2, "purchase": 1.3, "dropout": 0.8, "spend": 1.2},
    "offline_event": {"share": 0.2, "purchase": 0.6, "dropout": 1.8, "spend": 0.7},
    "referral": {"share": 0.25, "purchase": 1.6, "dropout": 0.6, "spend": 1.0},
}
BTYD_BASE = {
    "bgnbd": {"r": 0.6, "alpha": 5.0, "a": 0.8, "b": 3.0},
    "pareto_nbd": {"r": 0.6, "alpha": 5.0, "s": 0.7, "beta": 12.0},
}


@dataclass(frozen=True)
class BtydWorld:
    """``summary`` (one row per customer: ``frequency``, ``recency``, ``T``, ``channel``),
    ``truth`` (one row per non-reference channel and process: ``process``, ``covariate``
    (``channel=<level>``), ``multiplier``) and the ``base`` parameters of the reference
    channel."""

    summary: pd.DataFrame
    truth: pd.DataFrame
    base: dict[str, float]
    model: str


def btyd_world(
    n_customers: int,
    *,
    model: str = "pareto_nbd",
    channels: Mapping[str, Mapping[str, float]] | None = None,
    base: Mapping[str, float] | None = None,
    reference: str = "douyin",
    min_T: float = 10.0,
    max_T: float = 78.0,
    resolution: float = 1 / 7,
    seed: int = 0,
) -> BtydWorld:
    """Draw ``n_customers`` from ``model`` (``"bgnbd"`` or ``"pareto_nbd"``) with a channel
    covariate. Each customer's age ``T`` is uniform on ``[min_T, max_T]`` (weeks); rates are
    gamma-distributed with the channel's multipliers applied (``alpha_i = alpha / purchase``;
    Pareto/NBD ``beta_i = beta / dropout``; BG/NBD ``a_i, b_i = a * dropout, b * dropout``).
    Times are reported in whole steps of ``resolution`` (days of a week by default, as a
    summary of dated orders is), so customers share patterns as in real data.
    """
    if model not in BTYD_BASE:
        raise ValueError(f"model must be one of {sorted(BTYD_BASE)}, got {model!r}")
    channels = dict(BTYD_CHANNELS if channels is None else channels)
    if reference not in channels:
        raise ValueError(f"reference {reference!r} is not one of the channels {sorted(channels)}")
    base = dict(BTYD_BASE[model] if base is None else base)
    rng = np.random.default_rng(seed)
    names = list(channels)
    shares = np.array([channels[c]["share"] for c in names], dtype=float)
    which = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    purchase = np.array([channels[c]["purchase"] for c in names])[which]
    dropout = np.array([channels[c]["dropout"] for c in names])[which]
    T = rng.uniform(min_T, max_T, n_customers)
    lam = rng.gamma(base["r"], 1.0 / (base["alpha"] / purchase))
    n = n_customers
    x, t_x = np.zeros(n), np.zeros(n)
    if model == "pareto_nbd":
        mu = rng.gamma(base["s"], 1.0 / (base["beta"] / dropout))
        end = np.minimum(T, rng.exponential(1.0 / np.maximum(mu, 1e-300)))
        p_drop = None
    else:
        p_drop = rng.beta(base["a"] * dropout, base["b"] * dropout)
        end = T
    t = np.zeros(n)
    active = lam > 0
    while active.any():
        idx = np.flatnonzero(active)
        t[idx] += rng.exponential(1.0 / lam[idx])
        bought = t[idx] <= end[idx]
        hit = idx[bought]
        x[hit] += 1
        t_x[hit] = t[hit]
        still = bought.copy()
        if p_drop is not None:  # BG/NBD: after each purchase, drop out with probability p
            still &= rng.random(idx.size) >= p_drop[idx]
        active[idx[~still]] = False
    summary = pd.DataFrame(
        {
            "frequency": x,
            "recency": np.floor(t_x / resolution) * resolution,
            "T": np.floor(T / resolution) * resolution,
            "channel": np.array(names, dtype=object)[which],
        },
        index=pd.Index([f"c{i:07d}" for i in range(n)], name="customer_id"),
    )
    truth = pd.DataFrame(
        [
            {"process": process, "covariate": f"channel={c}", "multiplier": channels[c][process]}
            for process in ("purchase", "dropout")
            for c in sorted(names)
            if c != reference
        ]
    )
    return BtydWorld(summary=summary, truth=truth, base=base, model=model)


def spend_world(
    n_customers: int,
    *,
    p: float = 6.0,
    q: float = 4.0,
    gamma: float = 15.0,
    channels: Mapping[str, Mapping[str, float]] | None = None,
    reference: str = "douyin",
    seed: int = 0,
) -> BtydWorld:
    """Repeat buyers drawn from Gamma-Gamma with a channel covariate: ``frequency`` (the sum
    of two geometric(0.5) draws less 1: at least 1, mean 3), ``monetary_value`` (the mean of
    that many Gamma(p, nu_i) purchases, ``nu_i`` ~ Gamma(q, gamma * spend multiplier)) and
    ``channel``; ``truth`` holds each non-reference channel's ``spend`` multiplier (the
    ``"spend"`` entry of ``channels``, 1 where absent)."""
    channels = dict(BTYD_CHANNELS if channels is None else channels)
    rng = np.random.default_rng(seed)
    names = list(channels)
    shares = np.array([channels[c]["share"] for c in names], dtype=float)
    which = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    mult = np.array([channels[c].get("spend", 1.0) for c in names])[which]
    x = rng.geometric(0.5, n_customers) + rng.geometric(0.5, n_customers) - 1
    nu = rng.gamma(q, 1.0 / (gamma * mult))
    mean = rng.gamma(p * x, 1.0 / (x * nu))
    summary = pd.DataFrame(
        {
            "frequency": x.astype(float),
            "monetary_value": mean,
            "channel": np.array(names, dtype=object)[which],
        },
        index=pd.Index([f"s{i:07d}" for i in range(n_customers)], name="customer_id"),
    )
    truth = pd.DataFrame(
        [
            {
                "process": "spend",
                "covariate": f"channel={c}",
                "multiplier": channels[c].get("spend", 1.0),
            }
            for c in sorted(names)
            if c != reference
        ]
    )
    return BtydWorld(
        summary=summary, truth=truth, base={"p": p, "q": q, "gamma": gamma}, model="gamma_gamma"
    )
