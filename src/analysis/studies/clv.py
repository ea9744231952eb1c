"""What fitted purchase and spend models give: customer lifetime value per customer and per
segment, the holdout check (predicted against actual purchases), cumulative transactions, and
the P(alive) / expected-purchases matrices. The models themselves are in
:mod:`analysis.studies.ltv`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.aggregate.periods import units_per_year as derive_units_per_year
from analysis.aggregate.rules import GIVEAWAY_CHANNELS, GIVEAWAY_HOOKS, giveaway_flag
from analysis.aggregate.transactions import calibration_holdout_summary, repeat_transactions
from analysis.studies.ltv import PurchaseModel, SpendModel, require_columns_of
from analysis.studies.ltv_pareto import distinct_rows


def customer_value(
    summary: pd.DataFrame,
    *,
    purchases: PurchaseModel,
    spend: SpendModel | None = None,
    horizon: float,
    discount_rate: float = 0.0,
    freq: str,
    freq_multiplier: float = 1,
    units_per_year: float | None = None,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_col: str = "monetary_value",
) -> pd.DataFrame:
    """Per-customer expected purchases, P(alive), expected spend and discounted CLV.

    ``horizon`` is in the summary's time unit and ``discount_rate`` is annual. The time
    unit is named by the ``freq`` and ``freq_multiplier`` the summary was built with, and the
    time units per year are derived from them
    (:func:`~analysis.aggregate.periods.units_per_year`: 52.18 for ``"D"`` × 7, 365.25 for
    days); a ``units_per_year`` given as well must agree, or a ``ValueError`` names both.
    CLV sums, over each time unit ``k`` of the horizon, the expected purchases in that unit
    times the expected spend, discounted by ``(1 + discount_rate) ** (k / units_per_year)``.

    Returns a DataFrame indexed like ``summary`` with columns ``expected_purchases``,
    ``p_alive`` and, with ``spend``, ``expected_spend`` and ``clv``.
    """
    if horizon <= 0 or discount_rate < 0:
        raise ValueError(
            f"need horizon > 0 and discount_rate >= 0; got {horizon!r}, {discount_rate!r}"
        )
    units_per_year = derive_units_per_year(freq, freq_multiplier, given=units_per_year)
    rfm = {"frequency_col": frequency_col, "recency_col": recency_col, "T_col": T_col}
    require_columns_of(summary, list(rfm.values()))
    # the purchase predictions once per distinct (frequency, recency, T), then gathered
    first, pattern = distinct_rows(*(summary[c].to_numpy(dtype=float) for c in rfm.values()))
    patterns = summary.iloc[first]

    def per_customer(values: pd.Series) -> np.ndarray:
        return values.to_numpy()[pattern]

    out = pd.DataFrame(index=summary.index)
    out["expected_purchases"] = per_customer(
        purchases.expected_purchases(patterns, horizon=horizon, **rfm)
    )
    out["p_alive"] = per_customer(purchases.probability_alive(patterns, **rfm))
    if spend is None:
        return out
    out["expected_spend"] = spend.expected_spend(
        summary, frequency_col=frequency_col, monetary_col=monetary_col
    )
    discounted = discounted_purchases(
        lambda k: purchases.expected_purchases(patterns, horizon=k, **rfm).to_numpy(),
        horizon=horizon,
        discount_rate=discount_rate,
        units_per_year=units_per_year,
    )
    out["clv"] = discounted[pattern] * out["expected_spend"].to_numpy()
    return out


def discounted_purchases(
    cumulative, *, horizon: float, discount_rate: float, units_per_year: float
) -> np.ndarray:
    """Expected purchases in each time unit ``k`` of the horizon (``cumulative(k)`` minus
    ``cumulative(k - 1)``; the last step ends at ``horizon``), discounted by
    ``(1 + discount_rate) ** (k / units_per_year)`` and summed, per customer.
    ``cumulative`` maps a horizon to the customers' expected purchases up to it."""
    steps = np.append(np.arange(1, math.ceil(horizon)), horizon).astype(float)
    steps = np.unique(steps[steps <= horizon])
    previous = discounted = 0.0
    for k in steps:
        current = np.asarray(cumulative(k), dtype=float)
        discounted = discounted + (current - previous) / (1 + discount_rate) ** (k / units_per_year)
        previous = current
    return np.asarray(discounted, dtype=float)


def segment_summary(
    values: pd.DataFrame,
    *,
    by: str,
    value_cols: Sequence[str],
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Totals and means of per-customer values by segment, with bootstrap intervals.

    Customers are resampled with replacement within each segment (percentile intervals).

    Returns a tidy DataFrame, one row per (segment, metric): ``by``, ``metric``,
    ``n_customers``, ``total``, ``total_lower``, ``total_upper``, ``mean``, ``mean_lower``,
    ``mean_upper``.
    """
    require_columns_of(values, [by, *value_cols], what="values")
    if not 0 < ci < 1 or n_boot < 1:
        raise ValueError(f"need 0 < ci < 1 and n_boot >= 1, got ci={ci!r}, n_boot={n_boot!r}")
    rng = np.random.default_rng(random_state)
    lo, hi = (1 - ci) / 2, 1 - (1 - ci) / 2
    rows = []
    for segment, group in values.groupby(by, sort=True, observed=True):
        data = group[list(value_cols)].to_numpy(dtype=float)
        n = len(data)
        totals = np.empty((n_boot, data.shape[1]))
        batch = max(1, 2_000_000 // max(n, 1))
        columns = [np.ascontiguousarray(data[:, j]) for j in range(data.shape[1])]
        for start in range(0, n_boot, batch):
            stop = min(n_boot, start + batch)
            idx = rng.integers(0, n, size=(stop - start, n))
            # one column at a time: summing (draws, n, columns) over its middle axis is ~4x
            # slower than gathering each column and summing along contiguous rows
            for j, column in enumerate(columns):
                totals[start:stop, j] = column[idx].sum(axis=1)
        for j, metric in enumerate(value_cols):
            t_lo, t_hi = np.quantile(totals[:, j], [lo, hi])
            rows.append(
                {
                    by: segment,
                    "metric": metric,
                    "n_customers": n,
                    "total": data[:, j].sum(),
                    "total_lower": t_lo,
                    "total_upper": t_hi,
                    "mean": data[:, j].mean(),
                    "mean_lower": t_lo / n,
                    "mean_upper": t_hi / n,
                }
            )
    return pd.DataFrame(rows)


_CAL = {"frequency_col": "frequency_cal", "recency_col": "recency_cal", "T_col": "T_cal"}


def holdout_predictions(cal_holdout: pd.DataFrame, *, model: PurchaseModel) -> pd.DataFrame:
    """Predicted vs actual holdout purchases per customer.

    ``cal_holdout`` is the output of :func:`calibration_holdout_summary`. Returns a
    DataFrame indexed like it with ``frequency_cal``, ``actual`` (holdout purchases) and
    ``predicted`` (expected purchases over ``duration_holdout`` given the calibration data).
    """
    require_columns_of(
        cal_holdout,
        ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"],
        "calibration/holdout table",
    )
    predicted = model.expected_purchases(
        cal_holdout, horizon=cal_holdout["duration_holdout"].to_numpy(), **_CAL
    )
    return pd.DataFrame(
        {
            "frequency_cal": cal_holdout["frequency_cal"],
            "actual": cal_holdout["frequency_holdout"],
            "predicted": predicted,
        }
    )


def holdout_metrics(cal_holdout: pd.DataFrame, *, model: PurchaseModel) -> pd.DataFrame:
    """Aggregate and per-customer accuracy of holdout forecasts.

    Returns a one-row DataFrame: ``n_customers``, ``actual_total``, ``predicted_total``,
    ``total_error_pct`` (predicted vs actual, %), ``pearson_r``, ``spearman_rho``, ``mae``,
    ``rmse``.
    """
    pred = holdout_predictions(cal_holdout, model=model)
    a, p = pred["actual"].to_numpy(), pred["predicted"].to_numpy()
    constant = np.ptp(a) == 0 or np.ptp(p) == 0
    return pd.DataFrame(
        [
            {
                "n_customers": len(pred),
                "actual_total": a.sum(),
                "predicted_total": p.sum(),
                "total_error_pct": 100 * (p.sum() - a.sum()) / a.sum() if a.sum() > 0 else np.nan,
                "pearson_r": np.nan if constant else float(stats.pearsonr(a, p)[0]),
                "spearman_rho": np.nan if constant else float(stats.spearmanr(a, p)[0]),
                "mae": float(np.abs(a - p).mean()),
                "rmse": float(np.sqrt(((a - p) ** 2).mean())),
            }
        ]
    )


def calibration_by_frequency(
    cal_holdout: pd.DataFrame, *, model: PurchaseModel, max_frequency: int = 7
) -> pd.DataFrame:
    """Mean predicted vs actual holdout purchases by calibration frequency.

    Frequencies at or above ``max_frequency`` are pooled into one ``"{max}+"`` group.
    Returns a DataFrame with ``frequency_cal`` (str label, ordered), ``n_customers``,
    ``actual`` and ``predicted`` (mean holdout purchases per customer).
    """
    pred = holdout_predictions(cal_holdout, model=model)
    f = pred["frequency_cal"].clip(upper=max_frequency).astype(int)
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    grouped = pred.groupby(f, sort=True).agg(
        n_customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    grouped.index = pd.CategoricalIndex(
        [labels[i] for i in grouped.index], categories=labels, ordered=True, name="frequency_cal"
    )
    return grouped.reset_index()


def cumulative_transactions(
    transactions: pd.DataFrame,
    *,
    model: PurchaseModel,
    customer_col: str,
    time_col: str,
    calibration_end: object,
    observation_end: object,
    freq: str = "D",
    freq_multiplier: float = 1,
) -> pd.DataFrame:
    """Actual vs expected cumulative repeat transactions of the calibration cohort.

    The cohort is every customer whose first purchase is on or before
    ``calibration_end``; the expectation adds, for each of them, the model's expected
    repeat purchases of a new customer since their first purchase (Fader, Hardie & Lee's
    tracking plot). Time runs in the model's unit from the cohort's first purchase period.

    Returns a DataFrame, one row per time unit: ``t`` (model units since the first
    purchase period), ``period_start`` (Timestamp), ``actual``, ``predicted``
    (cumulative repeat transactions) and ``phase`` (``"calibration"`` / ``"holdout"``).
    """
    per = repeat_transactions(
        transactions,
        customer_col=customer_col,
        time_col=time_col,
        observation_end=observation_end,
        freq=freq,
    )
    cal = calibration_holdout_summary(
        transactions,
        customer_col=customer_col,
        time_col=time_col,
        calibration_end=calibration_end,
        observation_end=observation_end,
        freq=freq,
        freq_multiplier=freq_multiplier,
    )
    per = per[per[customer_col].isin(cal.index)]
    origin = per["period_start"].min()
    unit = pd.Timedelta(1, unit={"D": "D", "W": "W", "h": "h"}[freq])
    t_of = ((per["period_start"] - origin) / unit / freq_multiplier).to_numpy()
    first_t = t_of[per["is_first"].to_numpy()]
    repeat_t = np.sort(t_of[~per["is_first"].to_numpy()])
    horizon = float(
        cal["T_cal"].iloc[0]
        + cal["duration_holdout"].iloc[0]
        + t_of[per[customer_col] == cal.index[0]].min()
    )
    grid = np.arange(0, math.floor(horizon + 1e-9) + 1, dtype=float)
    if grid[-1] < horizon - 1e-9:  # end exactly at the observation end
        grid = np.append(grid, horizon)
    starts, counts = np.unique(first_t, return_counts=True)
    ages = grid[:, None] - starts[None, :]
    expected = np.zeros_like(ages)
    positive = ages > 0
    expected[positive] = model.expected_purchases_new_customer(ages[positive])
    cal_t = horizon - cal["duration_holdout"].iloc[0]
    return pd.DataFrame(
        {
            "t": grid,
            "period_start": origin
            + pd.to_timedelta(grid * freq_multiplier, unit={"D": "D", "W": "W", "h": "h"}[freq]),
            "actual": np.searchsorted(repeat_t, grid, side="right").astype(float),
            "predicted": expected @ counts,
            "phase": np.where(grid <= cal_t + 1e-9, "calibration", "holdout"),
        }
    )


def _grid(max_frequency: int, max_T: float) -> tuple[np.ndarray, np.ndarray]:
    freqs = np.arange(max_frequency + 1, dtype=float)
    recs = np.arange(math.floor(max_T) + 1, dtype=float)
    return freqs, recs


def probability_alive_matrix(model: PurchaseModel, *, max_frequency: int, T: float) -> pd.DataFrame:
    """P(alive) for a customer of age ``T`` by frequency (columns) and recency (rows)."""
    freqs, recs = _grid(max_frequency, T)
    f, r = np.meshgrid(freqs, recs)
    frame = pd.DataFrame({"frequency": f.ravel(), "recency": r.ravel(), "T": float(T)})
    values = model.probability_alive(frame).to_numpy().reshape(f.shape)
    return pd.DataFrame(
        values,
        index=pd.Index(recs, name="recency"),
        columns=pd.Index(freqs.astype(int), name="frequency"),
    )


def expected_purchases_matrix(
    model: PurchaseModel, *, horizon: float, max_frequency: int, T: float
) -> pd.DataFrame:
    """Expected purchases in the next ``horizon`` units by frequency (columns) and recency
    (rows)."""
    freqs, recs = _grid(max_frequency, T)
    f, r = np.meshgrid(freqs, recs)
    frame = pd.DataFrame({"frequency": f.ravel(), "recency": r.ravel(), "T": float(T)})
    values = model.expected_purchases(frame, horizon=horizon).to_numpy().reshape(f.shape)
    return pd.DataFrame(
        values,
        index=pd.Index(recs, name="recency"),
        columns=pd.Index(freqs.astype(int), name="frequency"),
    )


def per_contact_values(
    contacts: pd.DataFrame,
    values: pd.DataFrame,
    *,
    giveaway_channels: Sequence[str] = GIVEAWAY_CHANNELS,
    giveaway_hooks: Sequence[str] | None = GIVEAWAY_HOOKS,
) -> pd.DataFrame:
    """One row per contact: ``channel``, ``hook``, ``expected_purchases`` and ``clv`` (from
    :func:`customer_value`; 0 for contacts who have not bought, so means are lower bounds) and
    ``giveaway_event`` (:func:`analysis.aggregate.rules.giveaway_flag`: channel in
    ``giveaway_channels`` and, unless ``giveaway_hooks`` is None, hook in ``giveaway_hooks``;
    the defaults are the kit's one definition)."""
    out = (
        contacts.set_index("user_id")[["channel", "hook"]]
        .join(values[["expected_purchases", "clv"]])
        .fillna({"expected_purchases": 0.0, "clv": 0.0})
        .reset_index(drop=True)
    )
    flag = giveaway_flag(contacts, channels=giveaway_channels, hooks=giveaway_hooks)
    out["giveaway_event"] = flag.to_numpy()
    return out


def segment_comparisons(
    per_contact: pd.DataFrame,
    *,
    by: Sequence[str] = ("channel", "hook"),
    value_col: str = "clv",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Each segment of each column in ``by`` against all other contacts, with Holm's
    adjustment across every comparison made (all channels and all hooks form one family).

    The test is Welch's t-test on the mean of ``value_col`` (per-contact CLV: many zeros and a
    long tail, so the large-sample test of means, which is what the report's means show).
    Holm's step-down adjustment (:func:`statsmodels.stats.multitest.multipletests`) keeps the
    chance of any false "this channel differs" at ``alpha`` however many segments are compared.

    Returns one row per (``by``, ``segment``): ``n``, ``mean``, ``n_rest``, ``mean_rest``,
    ``difference`` (mean − mean of the rest), ``p_value``, ``p_holm`` and ``significant``
    (``p_holm < alpha``), ordered as ``by`` and then by segment.
    """
    from statsmodels.stats.multitest import multipletests

    require_columns_of(per_contact, [*by, value_col], what="per-contact values")
    values = per_contact[value_col].to_numpy(dtype=float)
    rows = []
    for column in by:
        for segment, idx in per_contact.groupby(column, sort=True, observed=True).indices.items():
            inside = np.zeros(len(values), dtype=bool)
            inside[idx] = True
            a, b = values[inside], values[~inside]
            p = (
                float(stats.ttest_ind(a, b, equal_var=False).pvalue)
                if len(a) > 1 and len(b) > 1 and (a.std() > 0 or b.std() > 0)
                else np.nan
            )
            rows.append(
                {
                    "by": column,
                    "segment": segment,
                    "n": len(a),
                    "mean": a.mean(),
                    "n_rest": len(b),
                    "mean_rest": b.mean() if len(b) else np.nan,
                    "difference": a.mean() - (b.mean() if len(b) else np.nan),
                    "p_value": p,
                }
            )
    out = pd.DataFrame(rows)
    out["p_holm"] = np.nan
    tested = out["p_value"].notna().to_numpy()
    if tested.any():
        out.loc[tested, "p_holm"] = multipletests(
            out.loc[tested, "p_value"].to_numpy(), alpha=alpha, method="holm"
        )[1]
    out["significant"] = out["p_holm"] < alpha
    return out


def holdout_revenue(
    cal_holdout: pd.DataFrame, *, purchases: PurchaseModel, spend: SpendModel, n_groups: int = 10
) -> pd.DataFrame:
    """Predicted against actual purchases **and spend** in the holdout, by group of predicted
    value and in total.

    ``cal_holdout`` is :func:`calibration_holdout_summary` with an amount column (it has
    ``monetary_value_cal`` and ``monetary_value_holdout``); ``purchases`` and ``spend`` are
    fitted on its calibration part only. Each customer's predicted holdout purchases are the
    purchase model's expectation over ``duration_holdout``, and the predicted spend those
    purchases times the Gamma-Gamma expected spend per purchase (undiscounted: the predicted
    CLV of the holdout window). Actual spend is ``frequency_holdout × monetary_value_holdout``
    (every holdout purchase period, net amounts).

    Customers are ranked by predicted spend and cut into ``n_groups`` groups of (nearly)
    equal size (deciles by default; 1 = lowest predicted value, ties broken by position).

    Returns one row per group and a last row ``"total"``: ``group`` (str), ``n_customers``,
    ``predicted_purchases``, ``actual_purchases``, ``purchases_error`` (predicted − actual),
    ``purchases_error_pct``, ``predicted_spend``, ``actual_spend``, ``spend_error`` (money),
    ``spend_error_pct`` (% of actual; NaN when the actual is 0).
    """
    require_columns_of(
        cal_holdout,
        ["frequency_cal", "monetary_value_cal", "frequency_holdout", "monetary_value_holdout"],
        "calibration/holdout table (build it with an amount column)",
    )
    if n_groups < 1:
        raise ValueError(f"n_groups must be at least 1, got {n_groups!r}")
    pred = holdout_predictions(cal_holdout, model=purchases)
    per_purchase = spend.expected_spend(
        cal_holdout, frequency_col="frequency_cal", monetary_col="monetary_value_cal"
    ).to_numpy()
    frame = pd.DataFrame(
        {
            "predicted_purchases": pred["predicted"].to_numpy(),
            "actual_purchases": pred["actual"].to_numpy(dtype=float),
            "predicted_spend": pred["predicted"].to_numpy() * per_purchase,
            "actual_spend": (
                cal_holdout["frequency_holdout"] * cal_holdout["monetary_value_holdout"]
            ).to_numpy(dtype=float),
        }
    )
    n = len(frame)
    order = np.argsort(frame["predicted_spend"].to_numpy(), kind="stable")
    group = np.empty(n, dtype=np.int64)
    group[order] = np.arange(n) * n_groups // max(n, 1) + 1
    sums = frame.groupby(group, sort=True).sum()
    sums.insert(0, "n_customers", pd.Series(group).value_counts().sort_index().to_numpy())
    sums.index = sums.index.astype(str)
    total = frame.sum().to_frame("total").T
    total.insert(0, "n_customers", n)
    out = pd.concat([sums, total])
    for what in ("purchases", "spend"):
        actual = out[f"actual_{what}"]
        out[f"{what}_error"] = out[f"predicted_{what}"] - actual
        out[f"{what}_error_pct"] = (100 * out[f"{what}_error"] / actual).where(actual > 0)
    columns = [
        "n_customers",
        "predicted_purchases",
        "actual_purchases",
        "purchases_error",
        "purchases_error_pct",
        "predicted_spend",
        "actual_spend",
        "spend_error",
        "spend_error_pct",
    ]
    return out[columns].rename_axis("group").reset_index()


def value_concentration(values: pd.Series, *, shares: Sequence[float] = (0.1, 0.2)) -> pd.DataFrame:
    """How concentrated value is: customers ranked by ``values`` (highest first) and the
    share of the total held by the top ``share`` of them, for each of ``shares`` and on a grid
    of 100 points (the concentration curve).

    Returns ``top_share`` (share of customers, 0-1), ``value_share`` (their share of the
    total) and ``marked`` (True for the rows of ``shares``), sorted by ``top_share``. Top
    shares take whole customers: the top 10% of 4,269 is the 427 highest."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    if len(v) == 0 or not np.isfinite(v).all() or v.sum() <= 0:
        raise ValueError("need at least one finite value and a positive total")
    cumulative = np.cumsum(v) / v.sum()
    grid = np.linspace(0.01, 1.0, 100)
    marked = np.asarray(shares, dtype=float)
    points = np.unique(np.r_[grid, marked])
    counts = np.maximum(1, np.ceil(points * len(v) - 1e-9).astype(int))
    return pd.DataFrame(
        {
            "top_share": points,
            "value_share": cumulative[counts - 1],
            "marked": np.isin(points, marked),
        }
    )
