"""The lifetime-value report's results: each section of ``notebooks/ltv.py`` is one call
returning a :class:`~analysis.studies.result.StudyResult` (its table, its reading in English or
Chinese and, where it has one, its figure), so the notebook never picks cells out of a table to
write prose. The models are :mod:`analysis.studies.ltv`, what they give (CLV, holdout checks,
matrices) :mod:`analysis.studies.clv`; the figures :mod:`analysis.plots.ltv`.

* :func:`customer_summary` → :class:`CustomerSummary` — orders → purchases → the customer
  summary and its calibration / holdout split (time unit named by :func:`time_unit`).
* :func:`model_fits` → :class:`ModelFits` — the purchase models side by side.
* :func:`spend_independence` → :class:`IndependenceCheck` — Gamma-Gamma's assumption, judged.
* :func:`holdout_check` → :class:`HoldoutCheck` — the models' holdout forecasts
  (:func:`cdnow_holdout_check` → :class:`CdnowHoldoutCheck` on CDNOW).
* :class:`CumulativeCheck` — actual vs expected cumulative repeat purchases.
* :func:`recency_frequency_maps` → :class:`RecencyFrequencyMaps` — P(alive) and expected
  purchases by frequency and recency.
* :func:`segment_value` → :class:`SegmentValue` (CLV per contact by channel or hook) and
  :func:`giveaway_value` → :class:`GiveawayValue` (the essay's claim about giveaway events),
  both on :func:`analysis.studies.clv.per_contact_values`.
* :class:`ParameterRecovery` — estimates against known true parameters (simulated data).
* :class:`PublishedReproduction` — estimates against published ones (CDNOW).

Why this module is long: it holds one small result class per section of the report, each with
the reading that section prints, so the notebook never writes prose; splitting them would
scatter one report's sections over several modules. The reviewer's further checks (segment
tests, revenue in the holdout, covariates, intervals) live in :mod:`analysis.studies.ltv_checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.aggregate.transactions import (
    calibration_holdout_summary,
    calibration_part,
    purchases_from_orders,
    summarize_transactions,
)
from analysis.i18n import say, tr
from analysis.plots import ltv as plots
from analysis.studies.clv import (
    expected_purchases_matrix,
    holdout_metrics,
    probability_alive_matrix,
    segment_summary,
)
from analysis.studies.ltv import PurchaseModel, SpendModel
from analysis.studies.result import StudyResult

__all__ = [
    "time_unit",
    "CustomerSummary",
    "customer_summary",
    "ModelFits",
    "model_fits",
    "IndependenceCheck",
    "spend_independence",
    "HoldoutCheck",
    "holdout_check",
    "CdnowHoldoutCheck",
    "cdnow_holdout_check",
    "CumulativeCheck",
    "RecencyFrequencyMaps",
    "recency_frequency_maps",
    "SegmentValue",
    "segment_value",
    "GiveawayValue",
    "giveaway_value",
    "ParameterRecovery",
    "PublishedReproduction",
]


# ----------------------------------------------------------------------------------------
# the customer summary, the models, the holdout
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
class ModelFits(StudyResult):
    """The purchase models fitted on the same data, one row each (indexed by model name):
    their parameters, ``log_likelihood``, ``customers`` and ``patterns``. The reading names
    the model with the highest log-likelihood and gives the ``default`` model's."""

    default: str = "bgnbd"

    def best(self) -> str:
        """The model with the highest log-likelihood."""
        return self.table["log_likelihood"].astype(float).idxmax()

    def reading(self, lang: str = "en") -> str:
        ll = self.table["log_likelihood"].astype(float)
        best = self.best()
        return say("ltv.fits", lang, best=tr(best, lang), best_ll=ll[best], bg_ll=ll[self.default])


def model_fits(models: Mapping[str, PurchaseModel], *, default: str = "bgnbd") -> ModelFits:
    """Fitted :class:`PurchaseModel` s (name → model) side by side as a :class:`ModelFits`."""
    fits = pd.DataFrame(
        {
            name: {
                **m.params_.to_dict(),
                "log_likelihood": m.log_likelihood_,
                "customers": m.n_customers_,
                "patterns": m.n_patterns_,
            }
            for name, m in models.items()
        }
    ).T
    return ModelFits(fits, default=default)


#: The warning of each test that rejects independence (keys named in full: tests/test_i18n.py).
_DEPENDENT = {
    ("pearson",): "ltv.dependent_pearson",
    ("spearman",): "ltv.dependent_spearman",
    ("pearson", "spearman"): "ltv.dependent_both",
}


@dataclass(frozen=True)
class IndependenceCheck(StudyResult):
    """Gamma-Gamma's assumption checked: the one-row :func:`independence_check` table and the
    fitted model's mean spend per purchase. Both Pearson's r (linear) and Spearman's rho
    (monotone: robust to the few very large spenders that dominate r) are tested; the
    assumption is rejected when either p-value is below ``alpha``, and the reading then opens
    with a plain warning naming the test(s)."""

    mean_spend: float = float("nan")
    alpha: float = 0.05

    def rejected_by(self) -> tuple[str, ...]:
        """The tests whose p-value is below ``alpha``: ``()``, ``("pearson",)``,
        ``("spearman",)`` or both."""
        r = self.table.iloc[0]
        return tuple(t for t in ("pearson", "spearman") if r[f"{t}_p"] < self.alpha)

    @property
    def independent(self) -> bool:
        """No evidence against independence: neither test rejects at ``alpha``."""
        return not self.rejected_by()

    def reading(self, lang: str = "en") -> str:
        r = self.table.iloc[0]
        rejected = self.rejected_by()
        judgement = _DEPENDENT[rejected] if rejected else "ltv.independent"
        return say(
            "ltv.independence",
            lang,
            n=int(r["n"]),
            r=r["pearson_r"],
            lo=r["pearson_lower_95"],
            hi=r["pearson_upper_95"],
            p=r["pearson_p"],
            rho=r["spearman_rho"],
            rho_p=r["spearman_p"],
            judgement=say(judgement, lang, level=self.alpha),
            mean_spend=self.mean_spend,
        )


def spend_independence(spend: SpendModel) -> IndependenceCheck:
    """The independence check of a fitted :class:`SpendModel` as an :class:`IndependenceCheck`."""
    return IndependenceCheck(spend.independence_, mean_spend=spend.population_mean_spend)


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
            best=tr(errors.idxmin(), lang),
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

    def plot(self, *, ax=None, currency: str = "CNY", lang: str = "en"):
        """Means with 95% intervals (:func:`analysis.plots.ltv.plot_segment_values`)."""
        return plots.plot_segment_values(
            self.table,
            by=self.by,
            horizon=self.horizon,
            unit_one=self.unit.removesuffix("s"),
            ax=ax,
            currency=currency,
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


#: The sentence of each :meth:`GiveawayValue.judgement` (keys named in full: tests/test_i18n.py).
_GIVEAWAY_JUDGEMENT = {
    "lower": "ltv.giveaway_lower",
    "higher": "ltv.giveaway_higher",
    "overlap": "ltv.giveaway_overlap",
}


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
            judgement=say(_GIVEAWAY_JUDGEMENT[self.judgement()], lang),
        )

    def headline(self, lang: str = "en", *, holdout: HoldoutCheck, currency: str = "CNY") -> str:
        """The report's finding: the holdout error of the default model and the giveaway
        contacts' value against the others' (in ``currency``; 元 in Chinese for CNY)."""
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
            currency=tr(currency, lang),
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


# ----------------------------------------------------------------------------------------
# against known parameters: the simulator's truth, the published CDNOW results
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterRecovery(StudyResult):
    """Estimated against true parameters (the table of
    :func:`analysis.simulate.checks.compare_with_truth`: ``model``, ``parameter``, ``true``,
    ``estimate``, ``lower_95``, ``upper_95``, ``relative_error``, ``covered``, rates in the
    model's time unit). The reading counts the true values inside the intervals, names the
    largest relative error and compares the mean purchase rate ``r / alpha`` per
    ``unit_one`` (e.g. "week")."""

    unit_one: str = "week"

    def mean_rate(self) -> tuple[float, float]:
        """Estimated and true ``r / alpha`` of the purchase model (NaN without both)."""
        t = self.table.loc[self.table["model"] != "gamma_gamma"].set_index("parameter")
        if not {"r", "alpha"} <= set(t.index):
            return float("nan"), float("nan")
        return (
            float(t.loc["r", "estimate"] / t.loc["alpha", "estimate"]),
            float(t.loc["r", "true"] / t.loc["alpha", "true"]),
        )

    def reading(self, lang: str = "en") -> str:
        t = self.table
        worst = t.loc[t["relative_error"].abs().idxmax()]
        rate, true_rate = self.mean_rate()
        return say(
            "ltv.recovery",
            lang,
            covered=int(t["covered"].sum()),
            n=len(t),
            parameter=tr(worst["parameter"], lang),
            model=tr(worst["model"], lang),
            estimate=worst["estimate"],
            true=worst["true"],
            error=worst["relative_error"],
            rate=rate,
            unit_one=tr(self.unit_one, lang),
            true_rate=true_rate,
        )


@dataclass(frozen=True)
class PublishedReproduction(StudyResult):
    """Estimates against published ones (a table with a boolean ``match`` column per
    published number, e.g. :func:`analysis.simulate.cdnow.reproduce_cdnow`) and the customer
    ``summary`` (``frequency``, ...) they were estimated on."""

    summary: pd.DataFrame | None = None

    def reading(self, lang: str = "en") -> str:
        s = self.summary if self.summary is not None else pd.DataFrame({"frequency": []})
        return say(
            "ltv.cdnow",
            lang,
            matched=int(self.table["match"].sum()),
            n=len(self.table),
            customers=len(s),
            repeat=int((s["frequency"] > 0).sum()),
        )
