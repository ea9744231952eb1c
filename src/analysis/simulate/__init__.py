"""A ground-truth simulator of a brand's private domain.

It generates the three canonical tables (contacts, events, orders) from mechanisms that
DOMAIN.md describes, and writes the truth beside them, so every analysis in the kit can be
checked against a known answer.

The mechanisms
--------------
* **Acquisition.** Organic contacts join at a rate that grows linearly over the period,
  through channels (douyin, xiaohongshu, offline_store, offline_event, partner) and hooks
  whose mix depends on the channel. Referred contacts (channel ``referral``) are created by
  the referral loop below.
* **Coupon hunters (羊毛党).** The probability of being a coupon hunter depends on channel
  and hook (highest for giveaway-style offline events with merch or coupon hooks). Hunters
  buy once soon after joining, with coupon-sized baskets, refund more, have low five-value
  propensities and (in the ``effects`` world) a much higher hazard of leaving.
* **Screening.** Some contacts are held in 1:1 for 7–21 days before being invited into a
  group (``screened``), and answer the brand's 1:1 messages 1–4 times in that window; the
  others are pulled into a group on the day they join, or never.
  Screened contacts leave at a lower hazard in the ``effects`` world.
* **Five-value propensities.** Each user has latent standard-normal propensities
  ``z_<value>`` (correlation 0.3 between values), shifted by channel and by hunter status.
  Each value's events (see :mod:`analysis.data.vocab`) occur as Poisson processes with rates
  ``base × exp(0.8 z - 0.32)`` while the user is alive.
* **Purchases.** While alive, a user buys as a Poisson process with rate λ whose marginal
  distribution is exactly Gamma(r, α) (shape r, rate α per day), coupled to
  ``z_consumption`` by a Gaussian copula. Order amounts are Gamma(p, ν) with
  ν ~ Gamma(q, γ) per user (the Gamma-Gamma spend model), and a share of orders is refunded.
* **Leaving.** Each user's lifetime is exponential with hazard
  ``μ = μ0 · exp(β·z + γ_hunter·hunter + γ_screened·screened + γ_channel)`` per day.
  At the end of the lifetime the user either deletes the brand's contact
  (``del_follow_user``, hard churn, probability ``p_hard``) or simply goes silent.
  In the **null world** (``world="null"``) every coefficient is zero, so the hazard is the
  same for every user, and every departure is a hard churn: nothing observed before a
  cut-off carries information about who stays.
* **Referrals (老带新).** While alive a user brings in new contacts at a rate
  ``k0 · exp(0.8 z_social - 0.32)`` per year; each new contact gets ``invite`` and
  ``referral_join`` events on the referrer's side. The realised K-factor is reported.

Truth written beside the data (``truth/``): ``params.json`` (all coefficients, rates, the
realised K-factor) and ``users.csv`` (per-user latent propensities, hunter and screened
flags, purchase rate, spend scale, hazard, true probability of leaving within 30 and 90 days
while alive, when and how the user left, and the multiplier of their everyday activity rates
``activity_multiplier``).

Output is byte-identical for the same arguments and seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.schema import DEFAULT_TZ
from analysis.data.vocab import default_vocabulary
from analysis.progress import progress as progress_bar
from analysis.simulate.io import read_truth, write_simulation
from analysis.simulate.steps import (
    CHANNEL_NAMES,
    VALUE_NAMES,
    Period,
    choice_index,
    churn_kinds,
    group_invites,
    organic_joins,
    population,
    purchase_rates,
    spend_scales,
    uniform_between,
)
from analysis.simulate.tables import Simulation
from analysis.simulate.world import (
    ACTIVE_RATES,
    AFTER_FIRST_PURCHASE,
    CHANNELS,
    CONTEXTS,
    DAY,
    DEFAULT_CONTEXT,
    HOOKS,
    HUNTER_PROB,
    HUNTER_PROB_BASE,
    HUNTER_PROB_COUPON,
    HUNTER_Z_SHIFT,
    VALUE_RATES,
    Z_SHIFT,
    Truth,
    truth_for,
)

__all__ = [
    "ACTIVE_RATES",
    "AFTER_FIRST_PURCHASE",
    "CHANNELS",
    "CONTEXTS",
    "DAY",
    "DEFAULT_CONTEXT",
    "HOOKS",
    "HUNTER_PROB",
    "HUNTER_PROB_BASE",
    "HUNTER_PROB_COUPON",
    "HUNTER_Z_SHIFT",
    "VALUE_RATES",
    "Z_SHIFT",
    "Simulation",
    "Truth",
    "read_truth",
    "simulate",
    "truth_for",
    "write_simulation",
]


def simulate(
    n_users: int = 8_000,
    months: int = 18,
    seed: int = 0,
    *,
    start: str = "2025-01-01",
    world: str = "effects",
    tz: str = DEFAULT_TZ,
    progress: bool = False,
) -> Simulation:
    """Simulate a private domain of about ``n_users`` contacts over ``months`` months.

    ``world="effects"`` makes the hazard of leaving depend on the five values, channel,
    hunter status and screening; ``world="null"`` makes it the same for everyone.
    Times are local wall-clock times in ``tz`` (which must have a fixed UTC offset over the
    period, as Asia/Shanghai does).
    """
    if n_users < 10:
        raise ValueError(f"n_users must be at least 10, got {n_users}")
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    truth = truth_for(world)
    rng = np.random.default_rng(seed)
    period = Period.of(start, months)
    t_start, t_end = period.start, period.end
    s0, s1 = period.s0, period.s1
    vnames = VALUE_NAMES
    chan_names = CHANNEL_NAMES
    bar = progress_bar(total=6, desc="simulate", enabled=progress)

    join, chan = organic_joins(rng, n_users, period)
    pop = population(rng, join, chan, truth, period)
    bar.update(1)

    join, chan, referrer = pop.join, pop.chan, pop.referrer
    hook, hunter, z, screened = pop.hook, pop.hunter, pop.z, pop.screened
    hazard, leave, n_ref, gen = pop.hazard, pop.leave, pop.n_ref, pop.generation
    n = pop.n
    alive_end, left = pop.alive_end, pop.left
    hard = churn_kinds(rng, left, truth)
    lam = purchase_rates(rng, z, hunter, truth)
    nu = spend_scales(rng, n, truth)
    group_at = group_invites(rng, join, screened)
    bar.update(1)

    # ---- events
    ev_user, ev_time, ev_type = [], [], []
    type_names = list(default_vocabulary().event_types)
    tcode = {t: i for i, t in enumerate(type_names)}

    def add(users: np.ndarray, times: np.ndarray, etype: str) -> None:
        ev_user.append(users.astype(np.int64))
        ev_time.append(times.astype(np.int64))
        ev_type.append(np.full(users.size, tcode[etype], dtype=np.int16))

    idx = np.arange(n)
    # pre-join: content views for douyin/xiaohongshu users, QR scan and hook claim at join
    pre = np.isin(chan, [chan_names.index("douyin"), chan_names.index("xiaohongshu")])
    pre &= rng.random(n) < 0.6
    k = rng.poisson(1.0, size=n) + 1
    k = np.where(pre, k, 0)
    uu = np.repeat(idx, k)
    add(uu, join[uu] - rng.integers(DAY, 30 * DAY, size=uu.size), "content_view")
    qr = chan != chan_names.index("referral")
    add(idx[qr], join[qr] - rng.integers(1, 300, size=int(qr.sum())), "qr_scan")
    add(idx, join, "contact_add")
    add(idx, join + rng.integers(1, 600, size=n), "lure_claim")
    in_group = group_at < alive_end
    add(idx[in_group], group_at[in_group], "group_join")
    trial_hook = (hook == "trial") & (rng.random(n) < 0.6)
    trial_t = join + rng.integers(3600, 5 * DAY, size=n)
    ok = trial_hook & (trial_t < alive_end)
    add(idx[ok], trial_t[ok], "trial_request")

    alive_days = (alive_end - join) / DAY
    month_days = 30.4375

    def poisson_events(rate_per_month: np.ndarray, lo: np.ndarray, hi: np.ndarray, etype: str):
        days = np.maximum(hi - lo, 0) / DAY
        cnt = rng.poisson(rate_per_month * days / month_days)
        uu = np.repeat(idx, cnt)
        add(uu, uniform_between(rng, lo[uu], hi[uu]), etype)

    activity = rng.gamma(4.0, 1 / 4.0, size=n)  # multiplier, mean 1, independent of z
    for etype, rate in ACTIVE_RATES.items():
        poisson_events(rate * activity, join, alive_end, etype)
    # screening: the brand writes 1:1 with screened contacts before inviting them to a group;
    # they answer 1-4 times in that window (these messages are 1:1 by the rule below)
    screen_end = np.minimum(group_at, alive_end)
    talk = screened & (screen_end > join)
    k = np.where(talk, 1 + rng.poisson(1.0, size=n), 0)
    uu = np.repeat(idx, k)
    add(uu, uniform_between(rng, join[uu], screen_end[uu]), "message")
    bar.update(1)

    # ---- orders (needed before post-purchase events)
    n_orders = rng.poisson(lam * alive_days)
    ou = np.repeat(idx, n_orders)
    ot = uniform_between(rng, join[ou], alive_end[ou])
    # hunters: one coupon purchase within days of joining
    hb = hunter & (rng.random(n) < 0.8)
    ht = join + (rng.exponential(3.0, size=n) * DAY).astype(np.int64)
    hb &= ht < alive_end
    ou = np.concatenate([ou, idx[hb]])
    ot = np.concatenate([ot, ht[hb]])
    amount = rng.gamma(truth.spend_p, 1 / nu[ou])
    amount = np.where(hunter[ou], amount * 0.4, amount)
    amount = np.round(np.maximum(amount, 1.0), 2)
    refund = rng.random(ou.size) < np.where(hunter[ou], truth.refund_prob_hunter, truth.refund_prob)
    partial = refund & (rng.random(ou.size) < 0.3)
    refund_amount = np.where(refund, np.where(partial, np.round(amount * 0.3, 2), amount), 0.0)
    order_sort = np.lexsort((ou, ot))
    ou, ot = ou[order_sort], ot[order_sort]
    amount, refund, refund_amount = (
        amount[order_sort],
        refund[order_sort],
        refund_amount[order_sort],
    )
    first_buy = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_buy, ou, ot)
    bar.update(1)

    for etype, rate in VALUE_RATES.items():
        value = default_vocabulary().event_types[etype].value
        zv = z[:, vnames.index(value)]
        r = rate * np.exp(truth.value_sd * zv - truth.value_sd**2 / 2)
        lo = join
        if etype in AFTER_FIRST_PURCHASE:
            lo = np.where(first_buy < alive_end, first_buy, alive_end)
        poisson_events(r, lo, alive_end, etype)
    # referral loop events on the referrer's side
    has_ref = referrer >= 0
    child = idx[has_ref]
    add(referrer[has_ref], join[child] - rng.integers(600, 3 * DAY, size=child.size), "invite")
    add(referrer[has_ref], join[child], "referral_join")
    # departures
    add(idx[hard], leave[hard], "del_follow_user")
    quit_ = left & in_group & (group_at < leave) & (rng.random(n) < 0.5)
    add(idx[quit_], leave[quit_] - rng.integers(0, DAY, size=int(quit_.sum())), "group_quit")
    bar.update(1)

    users = np.concatenate(ev_user)
    times = np.concatenate(ev_time)
    types = np.concatenate(ev_type)
    # invites sent before the referrer joined cannot happen: clip to the referrer's join time
    times = np.maximum(
        times,
        np.where(
            np.isin(types, [tcode[t] for t in default_vocabulary().pre_join_types]),
            np.iinfo(np.int64).min,
            join[users],
        ),
    )
    inside = (times < s1) & (times >= s0 - 31 * DAY)
    users, times, types = users[inside], times[inside], types[inside]

    # ---- ids in order of joining; sort everything deterministically
    order_join = np.lexsort((idx, join))
    rank = np.empty(n, dtype=np.int64)
    rank[order_join] = np.arange(n)
    width = max(7, len(str(n)))
    uid = np.array([f"u{i + 1:0{width}d}" for i in range(n)], dtype=object)

    ev_sort = np.lexsort((types, rank[users], times))
    users, times, types = users[ev_sort], times[ev_sort], types[ev_sort]
    ctx = np.empty(users.size, dtype=object)
    for ti, tname in enumerate(type_names):
        m = types == ti
        if not m.any():
            continue
        opts, probs = CONTEXTS.get(tname, DEFAULT_CONTEXT)
        if tname in ("contact_add", "lure_claim", "trial_request", "del_follow_user"):
            opts, probs = ("1v1",), (1.0,)
        elif tname in ("group_join", "group_quit"):
            opts, probs = ("group",), (1.0,)
        elif tname in ("content_view", "qr_scan"):
            opts, probs = ("public",), (1.0,)
        ctx[m] = np.array(opts, dtype=object)[choice_index(rng, list(opts), probs, int(m.sum()))]
    # before joining a group, messages are 1:1
    msg = (types == tcode["message"]) & (times < group_at[users])
    ctx[msg] = "1v1"
    bar.update(1)

    contacts_order = order_join
    contacts = pd.DataFrame(
        {
            "user_id": pd.array(uid, dtype="str"),
            "joined_at": _to_ts(join[contacts_order], tz),
            "channel": pd.array(
                np.array(chan_names, dtype=object)[chan[contacts_order]], dtype="str"
            ),
            "hook": pd.array(hook[contacts_order], dtype="str"),
            "referrer_id": pd.array(
                np.where(
                    referrer[contacts_order] >= 0,
                    uid[rank[np.maximum(referrer[contacts_order], 0)]],
                    None,
                ),
                dtype="str",
            ),
        }
    )
    events = pd.DataFrame(
        {
            "user_id": pd.array(uid[rank[users]], dtype="str"),
            "occurred_at": _to_ts(times, tz),
            "event_type": pd.Categorical.from_codes(types, categories=type_names),
            "value": np.full(users.size, np.nan),
            "context": pd.array(ctx, dtype="str"),
        }
    )
    oid_width = max(8, len(str(ou.size)))
    orders = pd.DataFrame(
        {
            "order_id": pd.array([f"o{i + 1:0{oid_width}d}" for i in range(ou.size)], dtype="str"),
            "user_id": pd.array(uid[rank[ou]], dtype="str"),
            "ordered_at": _to_ts(ot, tz),
            "amount": amount,
            "is_refund": refund,
            "refund_amount": refund_amount,
        }
    )
    p30 = 1 - np.exp(-30 * hazard)
    p90 = 1 - np.exp(-90 * hazard)
    co = contacts_order
    users_truth = pd.DataFrame(
        {
            "user_id": pd.array(uid, dtype="str"),
            "generation": gen[co],
            "coupon_hunter": hunter[co],
            "screened": screened[co],
            **{f"z_{v}": np.round(z[co, i], 6) for i, v in enumerate(vnames)},
            "purchase_rate_per_day": np.round(lam[co], 8),
            "spend_nu": np.round(nu[co], 8),
            "churn_hazard_per_day": np.round(hazard[co], 8),
            "churn_prob_30d": np.round(p30[co], 6),
            "churn_prob_90d": np.round(p90[co], 6),
            "left_at": _to_ts(leave[co], tz).where(left[co]),
            "left_kind": pd.array(
                np.where(hard[co], "hard", np.where(left[co], "silent", None)), dtype="str"
            ),
            "n_referred": n_ref[co],
            "activity_multiplier": np.round(activity[co], 6),
        }
    )
    realised_k = float(has_ref.sum() / n)
    params = {
        "generator": "analysis.simulate",
        "seed": seed,
        "n_users_requested": n_users,
        "n_users": int(n),
        "months": months,
        "start": t_start.tz_localize(tz).isoformat(),
        "observation_end": t_end.tz_localize(tz).isoformat(),
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
            "referred_contacts": int(has_ref.sum()),
        },
        "value_rates_per_month": VALUE_RATES,
        "active_rates_per_month": ACTIVE_RATES,
        "value_sd": truth.value_sd,
        "hunter_prob": {f"{c}/{h}": p for (c, h), p in HUNTER_PROB.items()}
        | {"coupon (other channels)": HUNTER_PROB_COUPON, "other": HUNTER_PROB_BASE},
        "counts": {"contacts": int(n), "events": int(users.size), "orders": int(ou.size)},
    }
    bar.close()
    return Simulation(contacts, events, orders, users_truth, params)


def _to_ts(local_seconds: np.ndarray, tz: str) -> pd.Series:
    """Naive local seconds → tz-aware timestamps (microsecond resolution)."""
    naive = pd.Series(local_seconds.astype("datetime64[s]").astype("datetime64[us]"))
    return naive.dt.tz_localize(tz)
