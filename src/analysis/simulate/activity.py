"""What the users do: the simulator's later steps, one function per mechanism.

The events of joining (:func:`joining_events`), everyday activity (:func:`everyday_events`),
1:1 screening (:func:`screening_messages`), the orders (:func:`purchases`: repeat purchases,
the coupon hunter's purchase, Gamma-Gamma amounts, refunds), the five values
(:func:`value_events`), referrals (:func:`referral_events`) and leaving
(:func:`departure_events`); then the event log (:func:`event_log`), ids in order of joining
(:func:`user_ids`), the sorted events (:func:`sort_events`) and their contexts
(:func:`contexts`) — in the order :func:`analysis.simulate.simulate` runs them. The users
themselves come from :mod:`analysis.simulate.population`.

Every step that draws random numbers takes the generator ``rng`` first and draws from it in a
fixed order: **do not reorder the draws, change their sizes or add draws in between** (see
:mod:`analysis.simulate.population`). Event steps return *chunks* ``(users, times, type)``
which :func:`event_log` gathers in the order given; users are positions in the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.data.vocab import default_vocabulary
from analysis.simulate.population import (
    CHANNEL_NAMES,
    NEVER,
    VALUE_NAMES,
    Period,
    choice_index,
    uniform_between,
)
from analysis.simulate.world import (
    ACTIVE_RATES,
    AFTER_FIRST_PURCHASE,
    CONTEXTS,
    DAY,
    DEFAULT_CONTEXT,
    VALUE_RATES,
    Truth,
)

EventChunk = tuple[np.ndarray, np.ndarray, str]  # (user positions, times, event type)
MONTH_DAYS = 30.4375  # the mean length of a month, in days


def event_type_names() -> list[str]:
    """The event types of the default vocabulary; an event's type is its index here."""
    return list(default_vocabulary().event_types)


def _poisson_events(
    rng: np.random.Generator, rate_per_month: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Events of a Poisson process with each user's ``rate_per_month`` in ``[lo, hi)``: the
    count per user, then each event's time uniform in the window."""
    days = np.maximum(hi - lo, 0) / DAY
    cnt = rng.poisson(rate_per_month * days / MONTH_DAYS)
    uu = np.repeat(np.arange(lo.size), cnt)
    return uu, uniform_between(rng, lo[uu], hi[uu])


def joining_events(
    rng: np.random.Generator,
    join: np.ndarray,
    chan: np.ndarray,
    hook: np.ndarray,
    group_at: np.ndarray,
    alive_end: np.ndarray,
) -> list[EventChunk]:
    """**Joining.** The events around each contact's arrival.

    60% of douyin and xiaohongshu contacts view the brand's content 1+Poisson(1) times in the
    30 days before joining (``content_view``); every organic contact scans a QR code just
    before joining (``qr_scan``); everyone is added (``contact_add``) and claims the hook
    within 10 minutes (``lure_claim``); ``group_join`` at the group invite if still there;
    60% of contacts with a ``trial`` hook ask for it within 5 days (``trial_request``).
    """
    n = join.size
    idx = np.arange(n)
    pre = np.isin(chan, [CHANNEL_NAMES.index("douyin"), CHANNEL_NAMES.index("xiaohongshu")])
    pre &= rng.random(n) < 0.6
    k = rng.poisson(1.0, size=n) + 1
    k = np.where(pre, k, 0)
    uu = np.repeat(idx, k)
    chunks = [(uu, join[uu] - rng.integers(DAY, 30 * DAY, size=uu.size), "content_view")]
    qr = chan != CHANNEL_NAMES.index("referral")
    chunks.append((idx[qr], join[qr] - rng.integers(1, 300, size=int(qr.sum())), "qr_scan"))
    chunks.append((idx, join, "contact_add"))
    chunks.append((idx, join + rng.integers(1, 600, size=n), "lure_claim"))
    in_group = group_at < alive_end
    chunks.append((idx[in_group], group_at[in_group], "group_join"))
    trial_hook = (hook == "trial") & (rng.random(n) < 0.6)
    trial_t = join + rng.integers(3600, 5 * DAY, size=n)
    ok = trial_hook & (trial_t < alive_end)
    chunks.append((idx[ok], trial_t[ok], "trial_request"))
    return chunks


def everyday_events(
    rng: np.random.Generator, join: np.ndarray, alive_end: np.ndarray
) -> tuple[np.ndarray, list[EventChunk]]:
    """**Everyday activity.** ``message``, ``read``, ``click`` and ``checkin`` events while
    alive, as Poisson processes at ``ACTIVE_RATES`` per month times the user's activity
    multiplier, Gamma(4, rate 4) (mean 1, independent of the five values). Returns
    ``(activity, chunks)``."""
    activity = rng.gamma(4.0, 1 / 4.0, size=join.size)
    chunks = []
    for etype, rate in ACTIVE_RATES.items():
        uu, tt = _poisson_events(rng, rate * activity, join, alive_end)
        chunks.append((uu, tt, etype))
    return activity, chunks


def screening_messages(
    rng: np.random.Generator,
    join: np.ndarray,
    screened: np.ndarray,
    group_at: np.ndarray,
    alive_end: np.ndarray,
) -> list[EventChunk]:
    """**1:1 screening, observed.** The brand writes 1:1 with screened contacts before
    inviting them into a group; they answer 1+Poisson(1) times in that window (``message``
    events; :func:`contexts` makes them 1:1)."""
    screen_end = np.minimum(group_at, alive_end)
    talk = screened & (screen_end > join)
    k = np.where(talk, 1 + rng.poisson(1.0, size=join.size), 0)
    uu = np.repeat(np.arange(join.size), k)
    return [(uu, uniform_between(rng, join[uu], screen_end[uu]), "message")]


@dataclass
class Orders:
    """All orders, one array entry per order."""

    user: np.ndarray  # position of the buyer
    time: np.ndarray
    amount: np.ndarray
    refund: np.ndarray
    refund_amount: np.ndarray


def repeat_purchases(
    rng: np.random.Generator, lam: np.ndarray, join: np.ndarray, alive_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """**Purchases (Pareto/NBD-like).** While alive each user buys as a Poisson process at
    their rate λ (:func:`purchase_rates`); returns the buyers and the order times."""
    alive_days = (alive_end - join) / DAY
    n_orders = rng.poisson(lam * alive_days)
    ou = np.repeat(np.arange(join.size), n_orders)
    return ou, uniform_between(rng, join[ou], alive_end[ou])


def hunter_purchases(
    rng: np.random.Generator, hunter: np.ndarray, join: np.ndarray, alive_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """**The coupon hunter's purchase.** 80% of coupon hunters buy once, an exponential time
    (mean 3 days) after joining, if still there; returns the buyers and the order times."""
    n = join.size
    hb = hunter & (rng.random(n) < 0.8)
    ht = join + (rng.exponential(3.0, size=n) * DAY).astype(np.int64)
    hb &= ht < alive_end
    return np.arange(n)[hb], ht[hb]


def order_amounts(
    rng: np.random.Generator, buyer: np.ndarray, nu: np.ndarray, hunter: np.ndarray, truth: Truth
) -> np.ndarray:
    """**Gamma-Gamma spend.** Each order's amount is Gamma(``spend_p``, rate ν of the buyer,
    :func:`spend_scales`); coupon hunters' baskets are 0.4 times that; at least 1, in cents."""
    amount = rng.gamma(truth.spend_p, 1 / nu[buyer])
    amount = np.where(hunter[buyer], amount * 0.4, amount)
    return np.round(np.maximum(amount, 1.0), 2)


def refunds(
    rng: np.random.Generator, amount: np.ndarray, by_hunter: np.ndarray, truth: Truth
) -> tuple[np.ndarray, np.ndarray]:
    """**Refunds.** An order is refunded with probability ``refund_prob`` (``truth``;
    ``refund_prob_hunter`` for coupon hunters' orders); 30% of refunds are partial (30% of
    the amount). Returns ``(is_refund, refund_amount)``."""
    refund = rng.random(amount.size) < np.where(
        by_hunter, truth.refund_prob_hunter, truth.refund_prob
    )
    partial = refund & (rng.random(amount.size) < 0.3)
    refund_amount = np.where(refund, np.where(partial, np.round(amount * 0.3, 2), amount), 0.0)
    return refund, refund_amount


def purchases(
    rng: np.random.Generator,
    lam: np.ndarray,
    nu: np.ndarray,
    hunter: np.ndarray,
    join: np.ndarray,
    alive_end: np.ndarray,
    truth: Truth,
) -> Orders:
    """Every order, in time order: :func:`repeat_purchases`, then :func:`hunter_purchases`,
    their :func:`order_amounts` and :func:`refunds`."""
    ou, ot = repeat_purchases(rng, lam, join, alive_end)
    hu, ht = hunter_purchases(rng, hunter, join, alive_end)
    ou = np.concatenate([ou, hu])
    ot = np.concatenate([ot, ht])
    amount = order_amounts(rng, ou, nu, hunter, truth)
    refund, refund_amount = refunds(rng, amount, hunter[ou], truth)
    order_sort = np.lexsort((ou, ot))
    return Orders(
        user=ou[order_sort],
        time=ot[order_sort],
        amount=amount[order_sort],
        refund=refund[order_sort],
        refund_amount=refund_amount[order_sort],
    )


def first_purchases(orders: Orders, n: int) -> np.ndarray:
    """Each user's first order time (``NEVER`` for those who never buy)."""
    first_buy = np.full(n, NEVER)
    np.minimum.at(first_buy, orders.user, orders.time)
    return first_buy


def value_events(
    rng: np.random.Generator,
    z: np.ndarray,
    join: np.ndarray,
    alive_end: np.ndarray,
    first_buy: np.ndarray,
    truth: Truth,
) -> list[EventChunk]:
    """**The five values, observed.** Each value's event types (``VALUE_RATES``, grouped by
    value in :mod:`analysis.data.vocab`) occur while alive as Poisson processes at
    ``rate × exp(value_sd · z_value - value_sd² / 2)`` per month (mean ``rate``); ``review``
    and ``buyer_show`` (``AFTER_FIRST_PURCHASE``) only after the first purchase."""
    vocab = default_vocabulary()
    chunks = []
    for etype, rate in VALUE_RATES.items():
        value = vocab.event_types[etype].value
        zv = z[:, VALUE_NAMES.index(value)]
        r = rate * np.exp(truth.value_sd * zv - truth.value_sd**2 / 2)
        lo = join
        if etype in AFTER_FIRST_PURCHASE:
            lo = np.where(first_buy < alive_end, first_buy, alive_end)
        uu, tt = _poisson_events(rng, r, lo, alive_end)
        chunks.append((uu, tt, etype))
    return chunks


def referral_events(
    rng: np.random.Generator, referrer: np.ndarray, join: np.ndarray
) -> list[EventChunk]:
    """**Referrals, observed.** On the referrer's side, an ``invite`` 10 minutes to 3 days
    before each referred contact joins (never before the referrer joined: see
    :func:`event_log`) and a ``referral_join`` when they do."""
    has_ref = referrer >= 0
    child = np.arange(join.size)[has_ref]
    return [
        (referrer[has_ref], join[child] - rng.integers(600, 3 * DAY, size=child.size), "invite"),
        (referrer[has_ref], join[child], "referral_join"),
    ]


def departure_events(
    rng: np.random.Generator,
    leave: np.ndarray,
    left: np.ndarray,
    hard: np.ndarray,
    group_at: np.ndarray,
    alive_end: np.ndarray,
) -> list[EventChunk]:
    """**Leaving, observed.** Hard churners delete the brand's contact when they leave
    (``del_follow_user``); half of those who leave after joining a group quit it within the
    day before (``group_quit``). Silent churners simply stop."""
    idx = np.arange(leave.size)
    in_group = group_at < alive_end
    quit_ = left & in_group & (group_at < leave) & (rng.random(leave.size) < 0.5)
    quit_t = leave[quit_] - rng.integers(0, DAY, size=int(quit_.sum()))
    return [(idx[hard], leave[hard], "del_follow_user"), (idx[quit_], quit_t, "group_quit")]


def event_log(
    chunks: list[EventChunk], join: np.ndarray, period: Period
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All events as ``(users, times, types)`` (type = index into the vocabulary's event
    types): no event before its user joined except the pre-join types (an invite drawn
    before the referrer joined moves to that time), none after the period, and none more than
    31 days before it starts."""
    tcode = {t: i for i, t in enumerate(event_type_names())}
    users = np.concatenate([u.astype(np.int64) for u, _, _ in chunks])
    times = np.concatenate([t.astype(np.int64) for _, t, _ in chunks])
    types = np.concatenate([np.full(u.size, tcode[e], dtype=np.int16) for u, _, e in chunks])
    times = np.maximum(
        times,
        np.where(
            np.isin(types, [tcode[t] for t in default_vocabulary().pre_join_types]),
            np.iinfo(np.int64).min,
            join[users],
        ),
    )
    inside = (times < period.s1) & (times >= period.s0 - 31 * DAY)
    return users[inside], times[inside], types[inside]


def user_ids(
    join: np.ndarray, first: int = 1, width: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """User ids in order of joining: ``(order, rank, uid)``, where ``order`` lists the users'
    positions in joining order (ties by position) and user ``i`` gets ``uid[rank[i]]``
    (``u0000001``, ... from number ``first``, at least ``width`` digits, default 7)."""
    n = join.size
    order_join = np.lexsort((np.arange(n), join))
    rank = np.empty(n, dtype=np.int64)
    rank[order_join] = np.arange(n)
    width = max(width or 7, len(str(first + n - 1)))
    uid = np.array([f"u{i:0{width}d}" for i in range(first, first + n)], dtype=object)
    return order_join, rank, uid


def sort_events(
    users: np.ndarray, times: np.ndarray, types: np.ndarray, rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events sorted by time, then user id, then event type."""
    ev_sort = np.lexsort((types, rank[users], times))
    return users[ev_sort], times[ev_sort], types[ev_sort]


def contexts(
    rng: np.random.Generator,
    users: np.ndarray,
    times: np.ndarray,
    types: np.ndarray,
    group_at: np.ndarray,
) -> np.ndarray:
    """**Where it happened.** Each (sorted) event's context, type by type: joining, trial
    requests and deletions in ``1v1``, group joins and quits in ``group``, pre-join events in
    ``public``, the others drawn from ``CONTEXTS`` (``DEFAULT_CONTEXT`` if absent); a
    ``message`` before the user's group invite is ``1v1``."""
    type_names = event_type_names()
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
    msg = (types == type_names.index("message")) & (times < group_at[users])
    ctx[msg] = "1v1"
    return ctx
