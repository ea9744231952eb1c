"""Refunds exported as rows of their own (the same order id again, with a negative amount or a
refund flag) folded into the canonical one row per order: ``amount`` the purchase,
``refund_amount`` the sum of its refunds, ``refunded_at`` the first refund's time. A refund
with no purchase, refunds above the purchase, under another user or dated before the order
are errors naming the order.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.errors import DataError, Ledger, Source

#: How refund rows must look; the hint of every refund-row error.
REFUND_ROWS_HINT = (
    "each order id has one purchase row (amount >= 0); a refund may repeat the order id as a "
    "row of its own, with a negative amount or a refund flag (is_refund / 退款 / 订单状态: 是, "
    "1, true, 退款), and is folded into its order; or record the refund on the order's row: "
    "is_refund=true, refund_amount=<money returned>"
)


#: Refunds of one order may exceed its amount by this much (float sums of cents).
_SUM_TOLERANCE = 1e-6


def refund_rows(orders: pd.DataFrame) -> pd.Series:
    """Which rows of a cleaned orders frame (before folding) are refunds of their own.

    A row with a negative amount is a refund. Where an order id has no negative row but
    appears more than once, its rows flagged ``is_refund`` are the refunds and the unflagged
    row is the purchase. An order id on one row with a non-negative amount is an order in
    the canonical shape (its flag and ``refund_amount`` say whether it was refunded).
    """
    ids = orders["order_id"]
    neg = orders["amount"] < 0
    has_neg = ids.isin(ids[neg])
    multi = ids.duplicated(keep=False)
    return neg | (multi & orders["is_refund"] & ~has_neg)


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _fail_orders(
    src: Source,
    column: str,
    problem: str,
    rows: pd.Index,
    examples: list[str],
) -> None:
    rows = rows.sort_values()
    raise DataError(
        src.file,
        column,
        problem,
        rows=src.rows(rows),
        n_rows=len(rows),
        examples=examples,
        hint=REFUND_ROWS_HINT,
    )


def fold_refund_rows(
    orders: pd.DataFrame, refund: pd.Series, *, src: Source, ledger: Ledger
) -> pd.DataFrame:
    """Fold refund rows (``refund`` True) into their orders' purchase rows.

    ``orders`` is a cleaned frame with one purchase row per order id (``refund`` False) and
    ``refund_amount`` as written (NaN: not given). A refund row returns its ``refund_amount``
    when given, else the absolute value of its amount; its time is its ``refunded_at`` when
    given, else its ``ordered_at``. Each order with refund rows gets ``refund_amount`` = the
    sum of its refunds, ``is_refund`` = that sum > 0 and ``refunded_at`` = the first refund's
    time. Errors (naming the rows and the order id): a refund with no purchase row, of another
    user, before the purchase, refunds also recorded on the purchase row, refunds adding up
    to more than the purchase. Counted in the ledger: refund rows dropped, orders repaired.
    """
    tz = orders["ordered_at"].dt.tz
    purchase = orders.loc[~refund]
    refunds = orders.loc[refund]
    oid = refunds["order_id"]
    orphan = ~oid.isin(purchase["order_id"])
    if bool(orphan.any()):
        _fail_orders(
            src,
            "order_id",
            "refund with no purchase row of its order",
            refunds.index[orphan.to_numpy()],
            list(dict.fromkeys(oid[orphan]))[:3],
        )
    p = purchase.set_index("order_id")
    p_user = oid.map(p["user_id"])
    other = refunds["user_id"] != p_user
    if bool(other.any()):
        bad = other[other].index
        _fail_orders(
            src,
            "user_id",
            "refund row of another user than its order",
            bad.union(purchase.index[purchase["order_id"].isin(oid[bad])]),
            [
                f"{o}: order of {p_user[i]}, refund row of {refunds.at[i, 'user_id']}"
                for i, o in oid[bad].head(3).items()
            ],
        )
    given = refunds["refund_amount"].notna()
    money = refunds["refund_amount"].where(given, refunds["amount"].abs())
    when = refunds["ordered_at"]
    if "refunded_at" in refunds.columns:
        when = refunds["refunded_at"].where(refunds["refunded_at"].notna(), when)
    p_time = oid.map(p["ordered_at"])
    early = when < p_time
    if bool(early.any()):
        bad = early[early].index
        _fail_orders(
            src,
            "refunded_at" if "refunded_at" in refunds.columns else "ordered_at",
            "refund before its order was placed",
            bad.union(purchase.index[purchase["order_id"].isin(oid[bad])]),
            [f"{o}: ordered {p_time[i]}, refunded {when[i]}" for i, o in oid[bad].head(3).items()],
        )
    twice = purchase["order_id"].isin(oid) & (purchase["refund_amount"].fillna(0) > 0)
    if bool(twice.any()):
        bad_ids = purchase.loc[twice, "order_id"]
        _fail_orders(
            src,
            "refund_amount",
            "refund recorded both on the order's row and as refund rows",
            purchase.index[twice.to_numpy()].union(refunds.index[oid.isin(bad_ids).to_numpy()]),
            [
                f"{o}: refund_amount {_num(purchase.at[i, 'refund_amount'])} on the order, "
                f"{int((oid == o).sum())} refund row(s)"
                for i, o in bad_ids.head(3).items()
            ],
        )
    total = money.groupby(oid, sort=False).sum()
    paid = p["amount"].reindex(total.index)
    over = total > paid + _SUM_TOLERANCE
    if bool(over.any()):
        bad_ids = over[over].index
        rows = refunds.index[oid.isin(bad_ids).to_numpy()].union(
            purchase.index[purchase["order_id"].isin(bad_ids).to_numpy()]
        )
        first = bad_ids[0]
        _fail_orders(
            src,
            "refund_amount" if bool(given[oid == first].any()) else "amount",
            "refunds add up to more than the order's amount",
            rows,
            [
                f"{o}: paid {_num(paid[o])}, refunds "
                + " + ".join(_num(m) for m in money[oid == o])
                + f" = {_num(total[o])}"
                for o in bad_ids[:3]
            ],
        )
    total = total.where((total - paid).abs() > _SUM_TOLERANCE, paid)  # a full refund is exact
    out = purchase.copy()
    folded = out["order_id"].isin(total.index)
    sums = out.loc[folded, "order_id"].map(total)
    out["refund_amount"] = out["refund_amount"].fillna(out["amount"].where(out["is_refund"], 0.0))
    out.loc[folded, "refund_amount"] = sums
    out.loc[folded, "is_refund"] = sums > 0
    if "refunded_at" not in out.columns:
        out["refunded_at"] = pd.Series(pd.NaT, index=out.index, dtype=f"datetime64[us, {tz}]")
    out.loc[folded, "refunded_at"] = out.loc[folded, "order_id"].map(
        when.groupby(oid, sort=False).min()
    )
    ledger.add(
        "orders",
        "refund rows folded into their orders",
        rows_in=len(orders),
        rows_out=len(out),
        dropped=int(refund.sum()),
        repaired=int(folded.sum()),
        detail="amount = the purchase, refund_amount = the sum of its refunds, "
        "refunded_at = the first refund's time",
    )
    return out
