"""Who the users are: the simulator's first steps, one function per mechanism.

:func:`organic_joins` and :func:`population` (for each generation :func:`hooks`,
:func:`coupon_hunters`, :func:`propensities`, :func:`screening`, :func:`lifetimes`,
:func:`referrals`), then :func:`churn_kinds`, :func:`purchase_rates`, :func:`spend_scales`
and :func:`group_invites`, in the order :func:`analysis.simulate.simulate` runs them; what
the users then do is in :mod:`analysis.simulate.activity`.

Every step that draws random numbers takes the generator ``rng`` first and draws from it in a
fixed order, so the whole simulation is byte-identical for the same seed. **Do not reorder the
draws, change their sizes or add draws in between**: every later number would change (the
pinned hashes in ``tests/test_simulate.py`` and the committed ``data/sample`` catch this).

Times are naive local seconds (``int64``) throughout; per-user state is a set of arrays
indexed by the user's position in the simulation (organic contacts first, then each
generation of referred contacts), not by the final ``user_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.data.vocab import VALUES
from analysis.simulate.world import (
    CHANNELS,
    DAY,
    HOOKS,
    HUNTER_PROB,
    HUNTER_PROB_BASE,
    HUNTER_PROB_COUPON,
    HUNTER_Z_SHIFT,
    Z_SHIFT,
    Truth,
)

CHANNEL_NAMES = list(CHANNELS)  # a user's channel is stored as its index in this list
VALUE_NAMES = list(VALUES)  # the columns of the latent propensities z
NEVER = np.iinfo(np.int64).max  # a time that never comes (e.g. never invited into a group)


def choice_index(rng: np.random.Generator, options: list[str], probs, size: int) -> np.ndarray:
    """``size`` indices into ``options`` drawn with probabilities ``probs`` (normalised)."""
    p = np.asarray(probs, dtype=float)
    return rng.choice(len(options), size=size, p=p / p.sum())


def uniform_between(rng, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One time drawn uniformly in ``[lo, hi)`` for each pair (whole seconds)."""
    return lo + (rng.random(lo.shape[0]) * (hi - lo)).astype(np.int64)


@dataclass(frozen=True)
class Period:
    """The observation period: ``months`` months from ``start`` (local wall-clock time)."""

    start: pd.Timestamp
    end: pd.Timestamp
    s0: int  # start, naive local seconds
    s1: int  # end (exclusive), naive local seconds

    @classmethod
    def of(cls, start: str, months: int) -> Period:
        t_start = pd.Timestamp(start)
        t_end = t_start + pd.DateOffset(months=months)
        return cls(t_start, t_end, int(t_start.timestamp()), int(t_end.timestamp()))

    @property
    def span(self) -> int:
        return self.s1 - self.s0


def organic_joins(
    rng: np.random.Generator, n_users: int, period: Period
) -> tuple[np.ndarray, np.ndarray]:
    """**Acquisition.** Organic contacts: when they join and through which channel.

    Joins grow linearly over the period (density ∝ 1 + u for u the fraction of the period
    elapsed, drawn by its inverse CDF); channels follow the organic shares in ``CHANNELS``
    (``referral`` has none: referred contacts come from :func:`referrals`). About 11% of the
    requested ``n_users`` are left for the referral loop (its realised K-factor at the default
    rates). Returns ``(join, chan)``: join times and channel indices.
    """
    expected_k = 0.11  # realised K-factor of the default rates (about 0.1)
    n0 = max(10, int(round(n_users * (1 - expected_k))))
    u = rng.random(n0)
    join = period.s0 + ((np.sqrt(1 + 3 * u) - 1) * period.span).astype(np.int64)
    organic = [c for c in CHANNEL_NAMES if CHANNELS[c][0] > 0]
    chan = np.array([CHANNEL_NAMES.index(c) for c in organic])[
        choice_index(rng, organic, [CHANNELS[c][0] for c in organic], n0)
    ]
    return join, chan


def hooks(rng: np.random.Generator, chan: np.ndarray) -> np.ndarray:
    """**Hooks.** The lure each contact joined for (``coupon``, ``trial``, ``merch``, ...),
    drawn from the channel's hook mix in ``HOOKS``, channel by channel."""
    hook = np.empty(chan.size, dtype=object)
    for ci, c in enumerate(CHANNEL_NAMES):
        m = chan == ci
        if not m.any():
            continue
        names = list(HOOKS[c])
        hook[m] = np.array(names, dtype=object)[
            choice_index(rng, names, list(HOOKS[c].values()), int(m.sum()))
        ]
    return hook


def coupon_hunters(rng: np.random.Generator, chan: np.ndarray, hook: np.ndarray) -> np.ndarray:
    """**Coupon hunters (羊毛党).** Who is one: probability ``HUNTER_PROB`` by channel and
    hook (highest for giveaway-style offline events), else ``HUNTER_PROB_COUPON`` for a coupon
    hook and ``HUNTER_PROB_BASE`` otherwise."""
    p = np.array(
        [
            HUNTER_PROB.get(
                (CHANNEL_NAMES[ci], h), HUNTER_PROB_COUPON if h == "coupon" else HUNTER_PROB_BASE
            )
            for ci, h in zip(chan, hook)
        ]
    )
    return rng.random(chan.size) < p


def propensities(rng: np.random.Generator, chan: np.ndarray, hunter: np.ndarray) -> np.ndarray:
    """**Five-value propensities.** Latent ``z`` (one column per value, in ``VALUES`` order):
    standard normal with correlation 0.3 between values, shifted by channel (``Z_SHIFT``) and
    for coupon hunters (``HUNTER_Z_SHIFT``)."""
    n_values = len(VALUE_NAMES)
    cov = np.full((n_values, n_values), 0.3) + 0.7 * np.eye(n_values)
    chol = np.linalg.cholesky(cov)
    z = rng.standard_normal((chan.size, n_values)) @ chol.T
    z += np.array([Z_SHIFT[CHANNEL_NAMES[ci]] for ci in chan])
    z += np.where(hunter[:, None], np.array(HUNTER_Z_SHIFT), 0.0)
    return z


def screening(rng: np.random.Generator, chan: np.ndarray, hunter: np.ndarray) -> np.ndarray:
    """**1:1 screening.** Who is held in 1:1 before being invited into a group: the channel's
    screening probability (``CHANNELS``), and only 30% of the coupon hunters who would be."""
    screened = rng.random(chan.size) < np.array([CHANNELS[CHANNEL_NAMES[ci]][1] for ci in chan])
    screened &= ~hunter | (rng.random(chan.size) < 0.3)
    return screened


def lifetimes(
    rng: np.random.Generator,
    join: np.ndarray,
    chan: np.ndarray,
    z: np.ndarray,
    hunter: np.ndarray,
    screened: np.ndarray,
    truth: Truth,
) -> tuple[np.ndarray, np.ndarray]:
    """**Leaving.** Each user's hazard of leaving and the time they leave.

    The lifetime is exponential with hazard per day
    ``μ = base_hazard_per_day · exp(β·z + gamma_hunter·hunter + gamma_screened·screened
    + gamma_channel)`` (all from ``truth``; all zero in the null world); with
    ``lifetime_shape`` k ≠ 1 it is Weibull, survival ``exp(-(μ t)^k)``. Returns
    ``(hazard, leave)``; ``leave`` may fall after the period ends.
    """
    eta = (
        z @ np.array([truth.beta[v] for v in VALUE_NAMES])
        + truth.gamma_hunter * hunter
        + truth.gamma_screened * screened
        + np.array([truth.gamma_channel[CHANNEL_NAMES[ci]] for ci in chan])
    )
    hazard = truth.base_hazard_per_day * np.exp(eta)
    if truth.lifetime_shape == 1.0:
        life = rng.exponential(1 / hazard) * DAY
    else:  # Weibull: S(t) = exp(-(μ t)^k), the same one draw per user
        life = rng.exponential(1.0, size=hazard.size) ** (1 / truth.lifetime_shape) / hazard * DAY
    return hazard, join + life.astype(np.int64)


def referrals(
    rng: np.random.Generator,
    join: np.ndarray,
    alive_end: np.ndarray,
    z: np.ndarray,
    truth: Truth,
) -> tuple[np.ndarray, np.ndarray]:
    """**Referrals (老带新).** How many contacts each user brings in, and when they join.

    While alive a user refers new contacts as a Poisson process with rate
    ``referral_k0_per_year · exp(value_sd · z_social - value_sd² / 2)`` per year; each new
    contact joins at a uniform time in the referrer's alive window. Returns
    ``(n_ref, child_join)`` with the children in the order of their referrers.
    """
    social = z[:, VALUE_NAMES.index("social")]
    k_rate = (
        truth.referral_k0_per_year * np.exp(truth.value_sd * social - truth.value_sd**2 / 2) / 365
    )
    n_ref = rng.poisson(k_rate * (alive_end - join) / DAY)
    child_join = uniform_between(rng, np.repeat(join, n_ref), np.repeat(alive_end, n_ref))
    return n_ref, child_join


@dataclass
class Population:
    """Every contact of the simulation and their latent traits (one array entry per user)."""

    join: np.ndarray  # join time
    chan: np.ndarray  # channel index into CHANNEL_NAMES
    referrer: np.ndarray  # position of the referrer, -1 for organic contacts
    hook: np.ndarray
    hunter: np.ndarray
    z: np.ndarray  # (n, 5) latent five-value propensities
    screened: np.ndarray
    hazard: np.ndarray  # of leaving, per day
    leave: np.ndarray  # time of leaving (may be after the period)
    n_ref: np.ndarray  # contacts referred
    generation: np.ndarray  # 0 organic, 1 referred by an organic contact, ...
    alive_end: np.ndarray  # min(leave, end of the period)
    left: np.ndarray  # left before the period ends

    @property
    def n(self) -> int:
        return self.join.size


def population(
    rng: np.random.Generator, join: np.ndarray, chan: np.ndarray, truth: Truth, period: Period
) -> Population:
    """Everyone: the organic contacts, then generation after generation of referred ones.

    For each generation (organic first) it draws :func:`hooks`, :func:`coupon_hunters`,
    :func:`propensities`, :func:`screening`, :func:`lifetimes` and :func:`referrals`; the
    referred contacts who join before the period ends are the next generation (channel
    ``referral``), until no contact a generation refers joins within the period.
    """
    s1 = period.s1
    joins, chans, refs = [join], [chan], [np.full(join.size, -1, dtype=np.int64)]
    traits = []
    offset = 0
    gen_join, gen_chan = join, chan
    generation = 0
    while gen_join.size:
        n = gen_join.size
        hook = hooks(rng, gen_chan)
        hunter = coupon_hunters(rng, gen_chan, hook)
        z = propensities(rng, gen_chan, hunter)
        screened = screening(rng, gen_chan, hunter)
        hazard, leave = lifetimes(rng, gen_join, gen_chan, z, hunter, screened, truth)
        n_ref, child_join = referrals(rng, gen_join, np.minimum(leave, s1), z, truth)
        traits.append(
            dict(
                hook=hook,
                hunter=hunter,
                z=z,
                screened=screened,
                hazard=hazard,
                leave=leave,
                n_ref=n_ref,
                generation=np.full(n, generation),
            )
        )
        parent = np.repeat(np.arange(n) + offset, n_ref)
        offset += n
        keep = child_join < s1
        gen_join, gen_ref = child_join[keep], parent[keep]
        gen_chan = np.full(gen_join.size, CHANNEL_NAMES.index("referral"))
        if gen_join.size:
            joins.append(gen_join)
            chans.append(gen_chan)
            refs.append(gen_ref)
        generation += 1

    def gathered(name: str) -> np.ndarray:
        return np.concatenate([t[name] for t in traits])

    leave = gathered("leave")
    return Population(
        join=np.concatenate(joins),
        chan=np.concatenate(chans),
        referrer=np.concatenate(refs),
        hook=gathered("hook"),
        hunter=gathered("hunter"),
        z=gathered("z"),
        screened=gathered("screened"),
        hazard=gathered("hazard"),
        leave=leave,
        n_ref=gathered("n_ref"),
        generation=gathered("generation"),
        alive_end=np.minimum(leave, s1),
        left=leave < s1,
    )


def churn_kinds(rng: np.random.Generator, left: np.ndarray, truth: Truth) -> np.ndarray:
    """**Hard or silent churn.** Of those who leave within the period, a share ``p_hard``
    (``truth``; 1 in the null world) deletes the brand's contact (hard churn); the others go
    silent. Returns the hard-churn flags."""
    return left & (rng.random(left.size) < truth.p_hard)


def purchase_rates(
    rng: np.random.Generator, z: np.ndarray, hunter: np.ndarray, truth: Truth
) -> np.ndarray:
    """**Purchase rates (Pareto/NBD-like).** Each user's rate λ of buying, per day while alive.

    λ's marginal distribution is exactly Gamma(``purchase_r``, rate ``purchase_alpha``),
    coupled to ``z_consumption`` by a Gaussian copula with correlation 0.7; coupon hunters
    buy at a fifth of their rate (plus their one coupon purchase, see
    :func:`hunter_purchases`).
    """
    zc = z[:, VALUE_NAMES.index("consumption")]
    u_lam = special.ndtr(0.7 * zc + np.sqrt(1 - 0.49) * rng.standard_normal(zc.size))
    u_lam = np.clip(u_lam, 1e-12, 1 - 1e-12)
    lam = stats.gamma.ppf(u_lam, a=truth.purchase_r, scale=1 / truth.purchase_alpha)
    return np.where(hunter, lam * 0.2, lam)


def spend_scales(rng: np.random.Generator, n: int, truth: Truth) -> np.ndarray:
    """**Gamma-Gamma spend, per user.** Each user's rate ν of the Gamma(``spend_p``, ν) order
    amounts, drawn from Gamma(``spend_q``, rate ``spend_gamma``)."""
    return rng.gamma(truth.spend_q, 1 / truth.spend_gamma, size=n)


def group_invites(rng: np.random.Generator, join: np.ndarray, screened: np.ndarray) -> np.ndarray:
    """**Group invites.** When each contact is pulled into a group: screened contacts after
    7–21 days of 1:1 contact; of the others, 80% within the hour they join and 20% never
    (``NEVER``). The time may fall after the user leaves (then they never join)."""
    n = join.size
    return np.where(
        screened,
        join + rng.integers(7 * DAY, 21 * DAY, size=n),
        np.where(rng.random(n) < 0.8, join + rng.integers(60, 3600, size=n), NEVER),
    )
