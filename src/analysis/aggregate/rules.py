"""Business rules, each defined once and imported everywhere (in pandas and in SQL).

* **net amount** of an order: ``amount - refund_amount`` (money kept after refunds);
* **paid order**: an order whose net amount is above 0 (a fully refunded order is not a
  purchase). Purchases, first and repeat purchase, RFM, the consumption value and every
  "buyer" in the kit use this rule.
* **silent for N days** at ``t``: joined before ``t - N`` and no qualifying activity in
  ``[t - N, t)``. Retention labels (``lost_after_days``: such users have left and are not in
  the population) and the channel hazard ratios (leaving by going quiet) use this rule; the
  nine-stage snapshots apply the same rule on arrays (:mod:`analysis.aggregate.stages`,
  ``silent_days`` / ``lost_days``). Each caller keeps its own N.
* **tenure** at ``t``: days from joining to ``t``.
* **giveaway user** (the essay's crude offline giveaway events that bring coupon hunters):
  a contact acquired through a channel in :data:`GIVEAWAY_CHANNELS` (offline events) with a
  hook in :data:`GIVEAWAY_HOOKS` (merch or a coupon) — :func:`giveaway_flag`. Every report
  (lifetime value, segments and flow) and every truth check uses this one definition.

The SQL forms (:data:`NET_AMOUNT_SQL`, :data:`PAID_SQL`) are the same rule in the dialect of
:mod:`analysis.engine`, for the aggregations that run on DuckDB or Spark; the tests check
that both forms agree.
"""

from __future__ import annotations

import pandas as pd

#: ``amount - refund_amount`` in SQL (columns of the canonical ``orders`` table).
NET_AMOUNT_SQL = "amount - refund_amount"
#: A paid order in SQL: net amount above 0.
PAID_SQL = f"({NET_AMOUNT_SQL}) > 0"


def net_amount(orders: pd.DataFrame) -> pd.Series:
    """Net revenue per order: ``amount - refund_amount``."""
    return orders["amount"] - orders["refund_amount"]


def is_paid(orders: pd.DataFrame) -> pd.Series:
    """True for paid orders: net amount above 0 (fully refunded orders are not purchases)."""
    return net_amount(orders) > 0


def paid_orders(orders: pd.DataFrame, columns=("user_id", "ordered_at")) -> pd.DataFrame:
    """The rows of paid orders, with ``columns``."""
    return orders.loc[is_paid(orders), list(columns)]


def is_silent(last_activity: pd.Series, joined_at: pd.Series, *, as_of, days: float) -> pd.Series:
    """True where a user joined before ``as_of - days`` and has no activity in
    ``[as_of - days, as_of)`` (``last_activity`` NaT: never active)."""
    start = as_of - pd.Timedelta(days=float(days))
    return (joined_at < start) & ~(last_activity >= start)


def tenure_days(joined_at: pd.Series, *, as_of) -> pd.Series:
    """Days from joining to ``as_of``."""
    return (as_of - joined_at) / pd.Timedelta(days=1)


#: Channels of the giveaway events (the essay's "crude offline giveaway events").
GIVEAWAY_CHANNELS: tuple[str, ...] = ("offline_event",)
#: Hooks that make an event contact a giveaway user: the lure is a gift or a coupon (an
#: offline event that invites into a group, ``offline_group``, gives nothing away).
GIVEAWAY_HOOKS: tuple[str, ...] = ("merch", "coupon")


def giveaway_flag(
    contacts: pd.DataFrame,
    *,
    channels=GIVEAWAY_CHANNELS,
    hooks=GIVEAWAY_HOOKS,
) -> pd.Series:
    """True for giveaway users: ``channel`` in ``channels`` and (unless ``hooks`` is None,
    meaning every hook of those channels) ``hook`` in ``hooks``. Indexed by ``user_id``
    (str), named ``giveaway``; the defaults are the kit's one definition."""
    missing = [c for c in ("user_id", "channel", "hook") if c not in contacts.columns]
    if missing:
        raise ValueError(
            f"column {missing[0]!r} is missing from the contacts "
            f"(columns: {list(contacts.columns)})"
        )
    m = contacts["channel"].isin(list(channels))
    if hooks is not None:
        m &= contacts["hook"].isin(list(hooks))
    return pd.Series(
        m.to_numpy(),
        index=pd.Index(contacts["user_id"].astype("str"), name="user_id"),
        name="giveaway",
    )
