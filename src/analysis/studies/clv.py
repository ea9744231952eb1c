"""What fitted purchase and spend models give: customer lifetime value per customer and per
segment, the holdout check (predicted against actual purchases), cumulative transactions, and
the P(alive) / expected-purchases matrices. The models themselves are in
:mod:`analysis.studies.ltv`.

What the lifetime-value report reads comes as results (:class:`~analysis.studies.result.
StudyResult`: a table, its reading in English or Chinese and, where it has one, its figure):

* :func:`customer_summary` → :class:`CustomerSummary` — orders → purchases → the customer
  summary and its calibration / holdout split.
* :func:`holdout_check` → :class:`HoldoutCheck` — the models' holdout forecasts
  (:func:`cdnow_holdout_check` → :class:`CdnowHoldoutCheck` on CDNOW).
* :class:`CumulativeCheck` — actual vs expected cumulative repeat purchases.
* :func:`recency_frequency_maps` → :class:`RecencyFrequencyMaps` — P(alive) and expected
  purchases by frequency and recency.
* :func:`per_contact_values`, then :func:`segment_value` → :class:`SegmentValue` (CLV per
  contact by channel or hook) and :func:`giveaway_value` → :class:`GiveawayValue` (the essay's
  claim about giveaway events).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.aggregate.transactions import (
    calibration_holdout_summary,
    calibration_part,
    purchases_from_orders,
    repeat_transactions,
    summarize_transactions,
)
from analysis.i18n import say, tr
from analysis.plots import ltv as plots
from analysis.studies.ltv import PurchaseModel, SpendModel, require_columns_of
from analysis.studies.result import StudyResult


def customer_value(
    summary: pd.DataFrame,
    *,
    purchases: PurchaseModel,
    spend: SpendModel | None = None,
    horizon: float,
    discount_rate: float = 0.0,
    units_per_year: float,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_col: str = "monetary_value",
) -> pd.DataFrame:
    """Per-customer expected purchases, P(alive), expected spend and discounted CLV.

    ``horizon`` is in the summary's time unit and ``discount_rate`` is annual;
    ``units_per_year`` converts (52.18 for weeks, 365.25 for days). CLV sums, over each
    time unit ``k`` of the horizon, the expected purchases in that unit times the expected
    spend, discounted by ``(1 + discount_rate) ** (k / units_per_year)``.

    Returns a DataFrame indexed like ``summary`` with columns ``expected_purchases``,
    ``p_alive`` and, with ``spend``, ``expected_spend`` and ``clv``.
    """
    if horizon <= 0 or discount_rate < 0 or units_per_year <= 0:
        raise ValueError(
            f"need horizon > 0, discount_rate >= 0 and units_per_year > 0; "
            f"got {horizon!r}, {discount_rate!r}, {units_per_year!r}"
        )
    rfm = {"frequency_col": frequency_col, "recency_col": recency_col, "T_col": T_col}
    out = pd.DataFrame(index=summary.index)
    out["expected_purchases"] = purchases.expected_purchases(summary, horizon=horizon, **rfm)
    out["p_alive"] = purchases.probability_alive(summary, **rfm)
    if spend is None:
        return out
    out["expected_spend"] = spend.expected_spend(
        summary, frequency_col=frequency_col, monetary_col=monetary_col
    )
    steps = np.append(np.arange(1, math.ceil(horizon)), horizon).astype(float)
    steps = np.unique(steps[steps <= horizon])
    previous = np.zeros(len(summary))
    discounted = np.zeros(len(summary))
    for k in steps:
        cumulative = purchases.expected_purchases(summary, horizon=k, **rfm).to_numpy()
        discounted += (cumulative - previous) / (1 + discount_rate) ** (k / units_per_year)
        previous = cumulative
    out["clv"] = discounted * out["expected_spend"].to_numpy()
    return out


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
        for start in range(0, n_boot, batch):
            stop = min(n_boot, start + batch)
            idx = rng.integers(0, n, size=(stop - start, n))
            totals[start:stop] = data[idx].sum(axis=1)
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


# ----------------------------------------------------------------------------------------
# results: a table, its reading and its figure (analysis.studies.result)
# ----------------------------------------------------------------------------------------
def time_unit(freq: str, freq_multiplier: float) -> str:
    """The name of the models' time unit for ``freq`` × ``freq_multiplier`` (``"weeks"`` for
    days × 7), plural, as the readings and axis labels use it."""
    return {("D", 1): "days", ("D", 7): "weeks", ("W", 1): "weeks", ("h", 1): "hours"}.get(
        (freq, freq_multiplier), f"units of {freq_multiplier} x {freq}"
    )


@dataclass(frozen=True)
class CustomerSummary(StudyResult):
    """The customer summary (``table``: ``frequency``, ``recency``, ``T``,
    ``monetary_value`` per customer up to the observation end) with what it came from:
    ``purchases`` (the orders with a positive net amount), ``cal_holdout`` (the calibration /
    holdout split), the numbers of ``orders`` and ``contacts``, ``calibration_end`` and
    ``unit`` (the time unit's name, :func:`time_unit`)."""

    purchases: pd.DataFrame
    cal_holdout: pd.DataFrame
    orders: int
    contacts: int
    calibration_end: str
    unit: str

    @property
    def calibration(self) -> pd.DataFrame:
        """The calibration part of the split, the input of the models
        (:func:`~analysis.aggregate.transactions.calibration_part`)."""
        return calibration_part(self.cal_holdout)

    @property
    def unit_one(self) -> str:
        """The time unit in the singular ("week" in "26-week CLV")."""
        return self.unit.removesuffix("s")

    def reading(self, lang: str = "en") -> str:
        buyers = len(self.table)
        return say(
            "ltv.summary",
            lang,
            orders=self.orders,
            purchases=len(self.purchases),
            buyers=buyers,
            contacts=self.contacts,
            buyer_share=buyers / self.contacts if self.contacts else float("nan"),
            repeat=int((self.table["frequency"] > 0).sum()),
            calibration_end=self.calibration_end,
            cal_buyers=len(self.cal_holdout),
            holdout=self.cal_holdout["duration_holdout"].iloc[0],
            unit=tr(self.unit, lang),
        )


def customer_summary(
    orders: pd.DataFrame,
    *,
    contacts: pd.DataFrame,
    calibration_end,
    observation_end,
    freq: str = "D",
    freq_multiplier: float = 1,
) -> CustomerSummary:
    """From the canonical orders to the models' inputs: purchases
    (:func:`~analysis.aggregate.transactions.purchases_from_orders`), the summary to
    ``observation_end`` and the split at ``calibration_end`` (same-period purchases merged,
    time in units of ``freq_multiplier`` × ``freq``), as a :class:`CustomerSummary`."""
    purchases = purchases_from_orders(orders)
    rfm = {
        "customer_col": "user_id",
        "time_col": "ordered_at",
        "amount_col": "net_amount",
        "freq": freq,
        "freq_multiplier": freq_multiplier,
    }
    return CustomerSummary(
        summarize_transactions(purchases, **rfm, observation_end=observation_end),
        purchases=purchases,
        cal_holdout=calibration_holdout_summary(
            purchases, **rfm, calibration_end=calibration_end, observation_end=observation_end
        ),
        orders=len(orders),
        contacts=len(contacts),
        calibration_end=str(calibration_end),
        unit=time_unit(freq, freq_multiplier),
    )


@dataclass(frozen=True)
class HoldoutCheck(StudyResult):
    """The holdout check of several purchase models: one row of :func:`holdout_metrics` per
    model (indexed by name). The reading gives the ``default`` model's forecast against the
    actual purchases and names the model with the smallest aggregate error."""

    default: str = "bgnbd"

    @property
    def error_pct(self) -> float:
        """The ``default`` model's aggregate error (%, predicted vs actual)."""
        return float(self.table.loc[self.default, "total_error_pct"])

    def reading(self, lang: str = "en") -> str:
        d = self.table.loc[self.default]
        errors = self.table["total_error_pct"].astype(float).abs()
        return say(
            "ltv.holdout",
            lang,
            predicted=d["predicted_total"],
            actual=d["actual_total"],
            error=d["total_error_pct"],
            r=d["pearson_r"],
            best=errors.idxmin(),
            best_error=errors.min(),
        )


def holdout_check(
    cal_holdout: pd.DataFrame, *, models: Mapping[str, PurchaseModel], default: str = "bgnbd"
) -> HoldoutCheck:
    """:func:`holdout_metrics` of each model (name → fitted model) as a :class:`HoldoutCheck`."""
    table = pd.concat(
        {name: holdout_metrics(cal_holdout, model=m).iloc[0] for name, m in models.items()},
        axis=1,
    ).T
    return HoldoutCheck(table, default=default)


@dataclass(frozen=True)
class CdnowHoldoutCheck(HoldoutCheck):
    """:class:`HoldoutCheck` on the CDNOW reference data, read as in Fader, Hardie & Lee."""

    def reading(self, lang: str = "en") -> str:
        d = self.table.loc[self.default]
        return say(
            "ltv.cdnow_holdout",
            lang,
            predicted=d["predicted_total"],
            actual=d["actual_total"],
            error=d["total_error_pct"],
        )


def cdnow_holdout_check(
    cal_holdout: pd.DataFrame, *, model: PurchaseModel, name: str = "bgnbd"
) -> CdnowHoldoutCheck:
    """The holdout check of one model fitted on CDNOW as a :class:`CdnowHoldoutCheck`."""
    return CdnowHoldoutCheck(
        holdout_check(cal_holdout, models={name: model}, default=name).table, default=name
    )


@dataclass(frozen=True)
class CumulativeCheck(StudyResult):
    """Actual vs expected cumulative repeat purchases (the :func:`cumulative_transactions`
    table); ``unit`` names its time unit. The reading compares the two at the end."""

    unit: str = "time units"

    def reading(self, lang: str = "en") -> str:
        end = self.table.iloc[-1]
        return say(
            "ltv.cumulative",
            lang,
            actual=end["actual"],
            predicted=end["predicted"],
            error=end["predicted"] / end["actual"] - 1,
        )

    def plot(self, *, ax=None, lang: str = "en", title: str | None = None):
        """The tracking plot (:func:`analysis.plots.ltv.plot_cumulative_transactions`)."""
        return plots.plot_cumulative_transactions(
            self.table, ax=ax, title=title, unit_label=self.unit, lang=lang
        )


@dataclass(frozen=True)
class RecencyFrequencyMaps(StudyResult):
    """P(alive) (``table``) and expected purchases in the next ``horizon`` units
    (``expected``) for a customer of age ``T``, by recency (rows) and frequency (columns).
    The reading follows a customer with many and one with one repeat purchase from a last
    purchase half-way to one at the end."""

    expected: pd.DataFrame
    T: float
    horizon: float
    unit: str

    def reading(self, lang: str = "en") -> str:
        a = self.table
        mid = a.index[len(a.index) // 2]
        return say(
            "ltv.alive",
            lang,
            f_high=a.columns[-1],
            mid=mid,
            p_mid_high=a.loc[mid].iloc[-1],
            end=a.index[-1],
            p_end_high=a.iloc[-1, -1],
            f_low=a.columns[1],
            p_mid_low=a.loc[mid].iloc[1],
            p_end_low=a.iloc[-1, 1],
        )

    def plot(self, *, ax=None, lang: str = "en", which: str = "alive"):
        """The P(alive) map (``which="alive"``) or the expected purchases
        (``which="expected"``) (:func:`analysis.plots.ltv.plot_matrix`)."""
        unit = tr(self.unit, lang)
        if which == "alive":
            title = say("ltv.plot.alive_title", lang, age=self.T, unit=unit)
            return plots.plot_matrix(
                self.table, ax=ax, colorbar_label="probability alive", lang=lang, title=title
            )
        if which == "expected":
            title = say("ltv.plot.expected_title", lang, horizon=self.horizon, unit=unit)
            return plots.plot_matrix(
                self.expected, ax=ax, colorbar_label="expected purchases", lang=lang, title=title
            )
        raise ValueError(f"which must be 'alive' or 'expected', got {which!r}")


def recency_frequency_maps(
    model: PurchaseModel,
    *,
    summary: pd.DataFrame,
    horizon: float,
    unit: str,
    quantile: float = 0.99,
) -> RecencyFrequencyMaps:
    """:func:`probability_alive_matrix` and :func:`expected_purchases_matrix` for the oldest
    customer of ``summary`` (largest ``T``), up to the ``quantile`` of its frequencies."""
    T_max = float(summary["T"].max())
    max_frequency = int(summary["frequency"].quantile(quantile))
    return RecencyFrequencyMaps(
        probability_alive_matrix(model, max_frequency=max_frequency, T=T_max),
        expected=expected_purchases_matrix(
            model, horizon=horizon, max_frequency=max_frequency, T=T_max
        ),
        T=T_max,
        horizon=horizon,
        unit=unit,
    )


def per_contact_values(
    contacts: pd.DataFrame,
    values: pd.DataFrame,
    *,
    giveaway_channels: Sequence[str] = ("offline_event",),
    giveaway_hooks: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per contact: ``channel``, ``hook``, ``expected_purchases`` and ``clv`` (from
    :func:`customer_value`; 0 for contacts who have not bought, so means are lower bounds) and
    ``giveaway_event`` (channel in ``giveaway_channels`` and, when given, hook in
    ``giveaway_hooks``)."""
    out = (
        contacts.set_index("user_id")[["channel", "hook"]]
        .join(values[["expected_purchases", "clv"]])
        .fillna({"expected_purchases": 0.0, "clv": 0.0})
        .reset_index(drop=True)
    )
    flag = out["channel"].isin(list(giveaway_channels))
    if giveaway_hooks is not None:
        flag &= out["hook"].isin(list(giveaway_hooks))
    out["giveaway_event"] = flag
    return out


@dataclass(frozen=True)
class SegmentValue(StudyResult):
    """Mean CLV per contact by ``by`` (the :func:`segment_summary` table of ``clv``) over
    ``horizon`` units of ``unit``. The reading (for ``by="channel"``) names the most and the
    least valuable channel and the total; the figure shows the means with their intervals."""

    by: str = "channel"
    horizon: float = 0.0
    unit: str = "weeks"

    def reading(self, lang: str = "en") -> str:
        if self.by != "channel":
            raise NotImplementedError(f"the reading speaks of channels, not of {self.by!r}")
        t = self.table
        top, bottom = t.loc[t["mean"].idxmax()], t.loc[t["mean"].idxmin()]
        return say(
            "ltv.channels",
            lang,
            top=tr(top[self.by], lang),
            top_mean=top["mean"],
            top_lo=top["mean_lower"],
            top_hi=top["mean_upper"],
            bottom=tr(bottom[self.by], lang),
            bottom_mean=bottom["mean"],
            bottom_lo=bottom["mean_lower"],
            bottom_hi=bottom["mean_upper"],
            total=t["total"].sum(),
            horizon=self.horizon,
            unit=tr(self.unit, lang),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        """Means with 95% intervals (:func:`analysis.plots.ltv.plot_segment_values`)."""
        return plots.plot_segment_values(
            self.table,
            by=self.by,
            horizon=self.horizon,
            unit_one=self.unit.removesuffix("s"),
            ax=ax,
            lang=lang,
        )


def segment_value(
    per_contact: pd.DataFrame,
    *,
    by: str,
    horizon: float,
    unit: str,
    n_boot: int = 1000,
    random_state: int | None = 0,
) -> SegmentValue:
    """:func:`segment_summary` of ``clv`` by ``by`` as a :class:`SegmentValue`."""
    table = segment_summary(
        per_contact, by=by, value_cols=["clv"], n_boot=n_boot, random_state=random_state
    )
    return SegmentValue(table, by=by, horizon=horizon, unit=unit)


@dataclass(frozen=True)
class GiveawayValue(StudyResult):
    """CLV and expected purchases of contacts from giveaway events against all others (the
    :func:`segment_summary` table by ``giveaway_event``). The essay claims giveaway contacts
    are worth less: the reading says whether the 95% intervals of the mean CLV are apart and
    in which direction."""

    horizon: float = 0.0
    unit: str = "weeks"

    def groups(self) -> tuple[pd.Series, pd.Series]:
        """The ``clv`` rows of the giveaway contacts and of the others."""
        g = self.table[self.table["metric"] == "clv"].set_index("giveaway_event")
        return g.loc[True], g.loc[False]

    def judgement(self) -> str:
        """``"lower"`` / ``"higher"`` (giveaway contacts, intervals apart) or ``"overlap"``."""
        yes, no = self.groups()
        if yes["mean_upper"] < no["mean_lower"] or yes["mean_lower"] > no["mean_upper"]:
            return "lower" if yes["mean"] < no["mean"] else "higher"
        return "overlap"

    def reading(self, lang: str = "en") -> str:
        yes, no = self.groups()
        return say(
            "ltv.giveaway",
            lang,
            horizon=self.horizon,
            unit_one=tr(self.unit.removesuffix("s"), lang),
            yes=yes["mean"],
            yes_lo=yes["mean_lower"],
            yes_hi=yes["mean_upper"],
            n=int(yes["n_customers"]),
            no=no["mean"],
            no_lo=no["mean_lower"],
            no_hi=no["mean_upper"],
            ratio=yes["mean"] / no["mean"],
            judgement=say(f"ltv.giveaway_{self.judgement()}", lang),
        )

    def headline(self, lang: str = "en", *, holdout: HoldoutCheck) -> str:
        """The report's finding: the holdout error of the default model and the giveaway
        contacts' value against the others'."""
        yes, no = self.groups()
        return say(
            "ltv.headline",
            lang,
            error=holdout.error_pct,
            yes=yes["mean"],
            yes_lo=yes["mean_lower"],
            yes_hi=yes["mean_upper"],
            horizon=self.horizon,
            unit=tr(self.unit, lang),
            no=no["mean"],
        )


def giveaway_value(
    per_contact: pd.DataFrame,
    *,
    horizon: float,
    unit: str,
    n_boot: int = 1000,
    random_state: int | None = 0,
) -> GiveawayValue:
    """:func:`segment_summary` of ``clv`` and ``expected_purchases`` by ``giveaway_event``
    (:func:`per_contact_values`) as a :class:`GiveawayValue`."""
    table = segment_summary(
        per_contact,
        by="giveaway_event",
        value_cols=["clv", "expected_purchases"],
        n_boot=n_boot,
        random_state=random_state,
    )
    return GiveawayValue(table, horizon=horizon, unit=unit)
