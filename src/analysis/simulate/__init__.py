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

The steps
---------
:func:`simulate` runs these, in this order, with one random generator (``rng``); each is a
function with a docstring saying which mechanism it simulates and which truth it uses.

In :mod:`analysis.simulate.population` (who the users are):

1. :func:`~analysis.simulate.population.organic_joins` — organic join times and channels;
2. :func:`~analysis.simulate.population.population` — generation by generation (organic,
   then the contacts each generation refers): ``hooks``, ``coupon_hunters``,
   ``propensities`` (five-value ``z``), ``screening``, ``lifetimes`` (hazard, leaving time),
   ``referrals`` (how many and when they join);
3. :func:`~analysis.simulate.population.churn_kinds` — hard or silent churn;
4. :func:`~analysis.simulate.population.purchase_rates` — λ per user (Gamma marginal);
5. :func:`~analysis.simulate.population.spend_scales` — ν per user (Gamma-Gamma);
6. :func:`~analysis.simulate.population.group_invites` — when each contact enters a group.

In :mod:`analysis.simulate.activity` (what they do):

7. :func:`~analysis.simulate.activity.joining_events` — content views, QR scan, add, hook
   claim, group join, trial request;
8. :func:`~analysis.simulate.activity.everyday_events` — messages, reads, clicks, check-ins;
9. :func:`~analysis.simulate.activity.screening_messages` — 1:1 answers while screened;
10. :func:`~analysis.simulate.activity.purchases` — ``repeat_purchases``,
    ``hunter_purchases``, ``order_amounts``, ``refunds`` (then ``first_purchases``);
11. :func:`~analysis.simulate.activity.value_events` — the five values' events;
12. :func:`~analysis.simulate.activity.referral_events` — invites and referral joins;
13. :func:`~analysis.simulate.activity.departure_events` — deletions and group quits;
14. :func:`~analysis.simulate.activity.event_log`, ``user_ids``, ``sort_events`` and
    :func:`~analysis.simulate.activity.contexts` — the event log, ids in order of joining,
    and where each event happened.

In the touch worlds (``touches``, ``touches-null``) :func:`~analysis.simulate.touches.add_touches`
then adds the brand's touches and their effects from a generator of its own.

Finally :mod:`analysis.simulate.tables` turns the arrays into the tables, the per-user truth
and the parameters (no random draws), and :mod:`analysis.simulate.io` writes and reads them.
The constants and :class:`Truth` of each world are in :mod:`analysis.simulate.world`.

Output is byte-identical for the same arguments and seed: the steps draw from the generator
in a fixed order, which ``tests/test_simulate.py`` pins (hashes of a small simulation in both
worlds, and the committed ``data/sample``). Reordering, resizing or adding a draw changes
everything after it.
"""

from __future__ import annotations

import numpy as np

from analysis.data.schema import DEFAULT_TZ
from analysis.progress import progress as progress_bar
from analysis.simulate.activity import (
    contexts,
    departure_events,
    event_log,
    everyday_events,
    first_purchases,
    joining_events,
    purchases,
    referral_events,
    screening_messages,
    sort_events,
    user_ids,
    value_events,
)
from analysis.simulate.io import read_truth, write_simulation
from analysis.simulate.population import (
    Period,
    churn_kinds,
    group_invites,
    organic_joins,
    population,
    purchase_rates,
    spend_scales,
)
from analysis.simulate.tables import (
    Simulation,
    contacts_table,
    events_table,
    orders_table,
    truth_aucs,
    truth_params,
    truth_table,
)
from analysis.simulate.touches import TOUCH_WORLDS, add_touches
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
    NULL_WORLDS,
    VALUE_RATES,
    WORLDS,
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
    "WORLDS",
    "NULL_WORLDS",
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
    first_ids: tuple[int, int] = (1, 1),
    id_width: int | None = None,
) -> Simulation:
    """Simulate a private domain of about ``n_users`` contacts over ``months`` months.

    ``world="effects"`` makes the hazard of leaving depend on the five values, channel,
    hunter status and screening; ``world="null"`` makes it the same for everyone; the other
    :data:`WORLDS` are built to catch the study out (see :mod:`analysis.simulate.world`).
    ``world="touches"`` / ``"touches-null"``: the ``effects`` world plus the brand's touches
    with / without effects (:mod:`analysis.simulate.touches`, drawn from a stream of their
    own, so the other worlds are unchanged).
    Times are local wall-clock times in ``tz`` (which must have a fixed UTC offset over the
    period, as Asia/Shanghai does).
    ``first_ids``: the numbers of the first user and order id (``u0000001``, ``o00000001``
    by default), and ``id_width`` the user ids' digits (at least 7); the shards of
    :func:`analysis.simulate.shards.simulate_store` number on from the shard before.
    """
    touch_world = world in TOUCH_WORLDS
    base_world = "effects" if touch_world else world
    if n_users < 10:
        raise ValueError(f"n_users must be at least 10, got {n_users}")
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    truth = truth_for(base_world)
    rng = np.random.default_rng(seed)  # every step draws from it, in this order
    period = Period.of(start, months)
    bar = progress_bar(total=6, desc="simulate", enabled=progress)

    # who the users are
    join, chan = organic_joins(rng, n_users, period)
    pop = population(rng, join, chan, truth, period)
    bar.update(1)
    hard = churn_kinds(rng, pop.left, truth)
    lam = purchase_rates(rng, pop.z, pop.hunter, truth)
    nu = spend_scales(rng, pop.n, truth)
    group_at = group_invites(rng, pop.join, pop.screened)
    bar.update(1)

    # what they do
    chunks = joining_events(rng, pop.join, pop.chan, pop.hook, group_at, pop.alive_end)
    activity, everyday = everyday_events(rng, pop.join, pop.alive_end)
    chunks += everyday
    chunks += screening_messages(rng, pop.join, pop.screened, group_at, pop.alive_end)
    bar.update(1)
    orders = purchases(rng, lam, nu, pop.hunter, pop.join, pop.alive_end, truth)
    first_buy = first_purchases(orders, pop.n)
    bar.update(1)
    chunks += value_events(rng, pop.z, pop.join, pop.alive_end, first_buy, truth)
    chunks += referral_events(rng, pop.referrer, pop.join)
    chunks += departure_events(rng, pop.leave, pop.left, hard, group_at, pop.alive_end)
    bar.update(1)
    users, times, types = event_log(chunks, pop.join, period)
    order, rank, uid = user_ids(pop.join, first_ids[0], id_width)
    users, times, types = sort_events(users, times, types, rank)
    ctx = contexts(rng, users, times, types, group_at)
    bar.update(1)

    # the tables and the truth
    sim = Simulation(
        contacts=contacts_table(pop, order, rank, uid, tz),
        events=events_table(users, times, types, ctx, rank, uid, tz),
        orders=orders_table(orders, rank, uid, tz, first_ids[1]),
        users=truth_table(pop, hard, lam, nu, activity, order, uid, tz),
        params=truth_params(
            truth=truth,
            aucs=truth_aucs(pop.z, pop.hazard, truth),
            world=world,
            seed=seed,
            n_users=n_users,
            months=months,
            period=period,
            tz=tz,
            n_contacts=pop.n,
            n_referred=int((pop.referrer >= 0).sum()),
            n_events=users.size,
            n_orders=orders.user.size,
        ),
    )
    bar.close()
    if touch_world:
        sim = add_touches(sim, seed=seed, effects=TOUCH_WORLDS[world], world=world)
    return sim
