"""The lifetime-value report's checks beyond the fit: what a reviewer asks of it. Each is one
call returning a :class:`~analysis.studies.result.StudyResult` (table, reading, figure), as in
:mod:`analysis.studies.ltv_results`.

* :func:`segment_tests` → :class:`SegmentTests` — every channel and hook against the other
  contacts, Holm-adjusted across all of them (:func:`analysis.studies.clv.segment_comparisons`).
* :func:`revenue_holdout` → :class:`RevenueHoldout` — predicted against actual purchases and
  spend in the holdout, in total and by decile of predicted value
  (:func:`analysis.studies.clv.holdout_revenue`).
* :func:`covariate_effects` → :class:`CovariateEffects` — how a per-customer covariate
  (channel) multiplies the purchase and the dropout rate, with the likelihood-ratio test
  against the model without it (:mod:`analysis.studies.ltv_covariates`).
* :func:`customer_intervals` → :class:`CustomerIntervals` — parameter uncertainty carried into
  each customer's P(alive), expected purchases and CLV, and into segment totals
  (:mod:`analysis.studies.ltv_uncertainty`); the per-customer table has pseudonymous ids.
* :func:`concentration` → :class:`Concentration` — the share of value held by the top 10% and
  20% of customers, and the concentration curve.
* :func:`alive_explained` → :class:`AliveExplained` — why a heavy buyer who went quiet has a
  P(alive) near 0 and a one-time buyer one of 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.i18n import SENTENCE_SEP, say, tr
from analysis.plots import ltv as plots
from analysis.privacy import pseudonymise
from analysis.reuse import reused
from analysis.studies.clv import holdout_revenue, segment_comparisons, value_concentration
from analysis.studies.fit_sample import DEFAULT_FIT_SAMPLE, FitSample, fit_rows
from analysis.studies.ltv import PurchaseModel, SpendModel
from analysis.studies.ltv_covariates import (
    CovariatePurchaseModel,
    covariate_dummies,
    likelihood_ratio_test,
)
from analysis.studies.ltv_spend_covariates import CovariateSpendModel
from analysis.studies.ltv_uncertainty import value_draws
from analysis.studies.result import StudyResult

__all__ = [
    "SegmentTests",
    "segment_tests",
    "RevenueHoldout",
    "revenue_holdout",
    "CovariateEffects",
    "covariate_effects",
    "CustomerIntervals",
    "customer_intervals",
    "Concentration",
    "concentration",
    "AliveExplained",
    "alive_explained",
]


@dataclass(frozen=True)
class SegmentTests(StudyResult):
    """Mean CLV of each channel and hook against all other contacts (the
    :func:`segment_comparisons` table). The reading counts the comparisons, says how many
    stay significant after Holm's adjustment and names them with their direction."""

    alpha: float = 0.05

    def reading(self, lang: str = "en") -> str:
        t = self.table
        hits = t[t["significant"]].sort_values("p_holm")
        named = [
            say(
                "ltv.segment_test_hit_higher"
                if row["difference"] > 0
                else "ltv.segment_test_hit_lower",
                lang,
                segment=tr(row["segment"], lang),
                mean=row["mean"],
                rest=row["mean_rest"],
                p=row["p_holm"],
            )
            for _, row in hits.iterrows()
        ]
        raw = int((t["p_value"] < self.alpha).sum())
        return say(
            "ltv.segment_tests",
            lang,
            n=len(t),
            raw=raw,
            held=len(hits),
            level=self.alpha,
            hits=say("ltv.list_sep", lang).join(named) if named else say("ltv.none", lang),
        )


def segment_tests(
    per_contact: pd.DataFrame, *, by=("channel", "hook"), alpha: float = 0.05
) -> SegmentTests:
    """:func:`segment_comparisons` of ``clv`` by each column of ``by`` as a
    :class:`SegmentTests`."""
    return SegmentTests(segment_comparisons(per_contact, by=by, alpha=alpha), alpha=alpha)


@dataclass(frozen=True)
class RevenueHoldout(StudyResult):
    """The :func:`holdout_revenue` table (groups of predicted value and a ``"total"`` row) over
    a holdout of ``duration`` ``unit``; money in ``currency``. The reading gives the total
    spend and purchase errors in money and percent and the top group's; the figure is the
    conditional-expectations plot of spend or purchases."""

    duration: float = float("nan")
    unit: str = "weeks"
    currency: str = "CNY"

    def reading(self, lang: str = "en") -> str:
        t = self.table.set_index("group")
        total, top = t.loc["total"], t.drop(index="total").iloc[-1]
        return say(
            "ltv.revenue",
            lang,
            duration=self.duration,
            unit=tr(self.unit, lang),
            currency=tr(self.currency, lang),
            predicted_spend=total["predicted_spend"],
            actual_spend=total["actual_spend"],
            spend_error=total["spend_error"],
            spend_pct=total["spend_error_pct"],
            predicted_purchases=total["predicted_purchases"],
            actual_purchases=total["actual_purchases"],
            purchases_pct=total["purchases_error_pct"],
            top_actual=top["actual_spend"],
            top_predicted=top["predicted_spend"],
            top_pct=top["spend_error_pct"],
            top_share=top["actual_spend"] / total["actual_spend"],
        )

    def plot(self, *, ax=None, lang: str = "en", metric: str = "spend"):
        """Mean actual against predicted ``metric`` per customer by decile
        (:func:`analysis.plots.ltv.plot_holdout_by_group`)."""
        return plots.plot_holdout_by_group(
            self.table, metric=metric, currency=self.currency, ax=ax, lang=lang
        )


@reused
def revenue_holdout(
    cal_holdout: pd.DataFrame,
    *,
    purchases: PurchaseModel,
    spend: SpendModel,
    unit: str,
    currency: str = "CNY",
    n_groups: int = 10,
) -> RevenueHoldout:
    """:func:`holdout_revenue` of models fitted on the calibration part of ``cal_holdout``
    as a :class:`RevenueHoldout`."""
    return RevenueHoldout(
        holdout_revenue(cal_holdout, purchases=purchases, spend=spend, n_groups=n_groups),
        duration=float(cal_holdout["duration_holdout"].iloc[0]),
        unit=unit,
        currency=currency,
    )


@dataclass(frozen=True)
class CovariateEffects(StudyResult):
    """The multipliers of a covariate model (``table``:
    :meth:`CovariatePurchaseModel.multipliers` with ``level``, the covariate's level) against
    ``reference``, and the likelihood-ratio test (``test``: one row of
    :func:`likelihood_ratio_test`). The reading says whether the covariate matters at all and
    names the strongest effect on each process; the figure shows every multiplier with its
    interval on a log scale."""

    test: pd.DataFrame
    covariate: str = "channel"
    reference: str = ""
    model: str = "pareto_nbd"
    fit_sample: FitSample | None = None  # the customers the models were fitted on

    def _extreme(self, process: str, lang: str) -> str:
        t = self.table[self.table["process"] == process]
        row = t.loc[np.log(t["multiplier"]).abs().idxmax()]
        return say(
            "ltv.covariate_effect",
            lang,
            level=tr(row["level"], lang),
            m=row["multiplier"],
            lo=row["lower_95"],
            hi=row["upper_95"],
        )

    def reading(self, lang: str = "en") -> str:
        lr = self.test.iloc[0]
        key = "ltv.covariates_matter" if lr["p_value"] < 0.05 else "ltv.covariates_do_not_matter"
        spend = ""
        if (self.table["process"] == "spend").any():
            t = self.table[self.table["process"] == "spend"]
            clear = bool(((t["upper_95"] < 1) | (t["lower_95"] > 1)).any())
            spend = " " + say(
                "ltv.covariates_spend" if clear else "ltv.covariates_spend_none",
                lang,
                spend=self._extreme("spend", lang),
            )
        return (
            say(
                key,
                lang,
                covariate=tr(self.covariate, lang),
                stat=lr["statistic"],
                df=int(lr["df"]),
                p=lr["p_value"],
                reference=tr(self.reference, lang),
                purchase=self._extreme("purchase", lang),
                dropout=self._extreme("dropout", lang),
            )
            + spend
            + (SENTENCE_SEP[lang] + note if (note := self.fit_note(lang)) else "")
        )

    def fit_note(self, lang: str = "en") -> str:
        """The sentence stating the sample the models were fitted on ("" without one)."""
        return "" if self.fit_sample is None else self.fit_sample.sentence(lang)

    def plot(self, *, ax=None, lang: str = "en"):
        """Multipliers with 95% intervals (:func:`analysis.plots.ltv.plot_multipliers`)."""
        return plots.plot_multipliers(self.table, reference=self.reference, ax=ax, lang=lang)


@reused
def covariate_effects(
    summary: pd.DataFrame,
    *,
    contacts: pd.DataFrame,
    covariate: str = "channel",
    reference: str | None = None,
    model: str = "pareto_nbd",
    fit_sample: int | None = DEFAULT_FIT_SAMPLE,
    random_state=0,
) -> CovariateEffects:
    """Fit ``model`` with and without the contacts' ``covariate`` (dummy-coded against
    ``reference``, by default its most frequent level among the buyers) on ``summary``
    (indexed by ``user_id``) and, when the summary has ``monetary_value``, Gamma-Gamma with the
    same covariate (:class:`~analysis.studies.ltv_spend_covariates.CovariateSpendModel`);
    return the multipliers (``process`` ``purchase``, ``dropout``, ``spend``) and the
    likelihood-ratio test of the purchase model as a :class:`CovariateEffects`.

    ``fit_sample``: the most customers the three models are fitted on (None: all); a larger
    summary is sampled at random with ``random_state``
    (:func:`~analysis.studies.fit_sample.fit_rows`, one sample for all three, so the test
    compares fits on the same customers), and the reading states it. The reference level is
    read on every customer."""
    require = contacts.set_index("user_id")[covariate]
    values = require.reindex(summary.index)
    if values.isna().any():
        raise ValueError(
            f"{int(values.isna().sum()):,} customers of the summary have no {covariate!r} in "
            f"the contacts (e.g. {values[values.isna()].index[0]!r})"
        )
    values = values.rename(covariate)
    if reference is None:
        reference = values.astype(str).value_counts().sort_index().idxmax()
    summary, sample = fit_rows(
        summary, fit_sample, random_state, what="ltv.fit_sample.covariates", scored=False
    )
    x = covariate_dummies(values, reference=reference).loc[summary.index]
    x = x.loc[:, x.to_numpy().any(axis=0)]  # a level no sampled customer has: no estimate
    full = CovariatePurchaseModel(model).fit(summary, covariates=x)
    # without covariates: the first stage of the fit above, unless there was none
    plain = full.restricted_model() if x.shape[1] else CovariatePurchaseModel(model).fit(summary)
    table = full.multipliers()
    if "monetary_value" in summary.columns:  # Gamma-Gamma with the same covariate
        spend = CovariateSpendModel().fit(summary, covariates=x)
        table = pd.concat([table, spend.multipliers()], ignore_index=True)
    table.insert(2, "level", table["covariate"].str.split("=", n=1).str[1])
    return CovariateEffects(
        table,
        test=likelihood_ratio_test(full, plain),
        covariate=covariate,
        reference=reference,
        model=model,
        fit_sample=sample,
    )


def narrow_share(x: float) -> str:
    """A share in percent with the decimals a small one needs (millions of buyers make
    parameter intervals narrow): ``0.2`` → ``20%``, ``0.0034`` → ``0.3%``, below 0.1%
    ``<0.1%``."""
    if not np.isfinite(x) or x >= 0.01 or x == 0:
        return f"{x:.0%}"
    return f"{x:.1%}" if x >= 0.001 else "<0.1%"


@dataclass(frozen=True)
class CustomerIntervals(StudyResult):
    """Each customer's P(alive), expected purchases and CLV with 95% intervals from parameter
    uncertainty (``table``, one row per customer, ``pseudo_id`` instead of the id: the CRM
    export), and the same for segment totals (``segments``: the
    :meth:`~analysis.studies.ltv_uncertainty.ValueDraws.segment_table` by ``by``). The reading
    gives the total CLV with its interval (``total``: estimate, lower, upper), the typical
    width of a customer's interval and the largest segment's total."""

    segments: pd.DataFrame
    total: tuple[float, float, float] = (float("nan"),) * 3
    by: str = "channel"
    horizon: float = 0.0
    unit: str = "weeks"
    currency: str = "CNY"

    def reading(self, lang: str = "en") -> str:
        t = self.table
        seg = self.segments[self.segments["metric"] == "clv"]
        total, total_lo, total_hi = self.total
        width = ((t["clv_upper"] - t["clv_lower"]) / t["clv"]).where(t["clv"] > 0)
        top = seg.loc[seg["total"].idxmax()]
        return say(
            "ltv.intervals",
            lang,
            n=len(t),
            horizon=self.horizon,
            unit=tr(self.unit.removesuffix("s"), lang),
            currency=tr(self.currency, lang),
            total=total,
            lo=total_lo,
            hi=total_hi,
            width=narrow_share(width.median()),
            segment=tr(top[self.by], lang),
            seg_total=top["total"],
            seg_lo=top["total_lower"],
            seg_hi=top["total_upper"],
        )


@reused
def customer_intervals(
    summary: pd.DataFrame,
    *,
    contacts: pd.DataFrame,
    spend: SpendModel,
    horizon: float,
    discount_rate: float,
    freq: str,
    freq_multiplier: float = 1,
    by: str = "channel",
    unit: str = "weeks",
    currency: str = "CNY",
    n_draws: int = 200,
    random_state: int | None = 0,
) -> CustomerIntervals:
    """BG/NBD fitted on ``summary`` (with its observed information), ``spend`` (Gamma-Gamma,
    fitted on the same summary) and :func:`value_draws` as a :class:`CustomerIntervals`:
    the per-customer table with pseudonymous ids, and segment totals by the contacts' ``by``."""
    purchases = CovariatePurchaseModel("bgnbd").fit(summary)
    draws = value_draws(
        summary,
        purchases=purchases,
        spend=spend,
        horizon=horizon,
        discount_rate=discount_rate,
        freq=freq,
        freq_multiplier=freq_multiplier,
        n_draws=n_draws,
        random_state=random_state,
    )
    labels = contacts.set_index("user_id")[by]
    table = draws.customer_table()
    table.insert(0, by, labels.reindex(table.index).to_numpy())
    table.insert(0, "pseudo_id", pseudonymise(pd.Series(table.index.astype(str))).to_numpy())
    table = table.sort_values("pseudo_id").reset_index(drop=True)
    segments = draws.segment_table(labels).rename(columns={"segment": by})
    everyone = np.zeros(len(draws.point), dtype=np.int64)
    lo, hi = np.quantile(draws.group_totals("clv", everyone, 1)[0], [0.025, 0.975])
    return CustomerIntervals(
        table,
        segments=segments,
        total=(float(draws.point["clv"].sum()), float(lo), float(hi)),
        by=by,
        horizon=horizon,
        unit=unit,
        currency=currency,
    )


@dataclass(frozen=True)
class Concentration(StudyResult):
    """The :func:`value_concentration` table of the customers' CLV (``total`` in
    ``currency`` over ``horizon`` ``unit``). The reading gives the shares of the top 10% and
    20%; the figure is the concentration curve."""

    total: float = float("nan")
    horizon: float = 0.0
    unit: str = "weeks"
    currency: str = "CNY"

    def share(self, top: float) -> float:
        """The share of the total held by the ``top`` share of customers (a marked row)."""
        t = self.table[self.table["marked"]].set_index("top_share")["value_share"]
        return float(t.loc[top])

    def reading(self, lang: str = "en") -> str:
        return say(
            "ltv.concentration",
            lang,
            top10=self.share(0.1),
            top20=self.share(0.2),
            total=self.total,
            currency=tr(self.currency, lang),
            horizon=self.horizon,
            unit=tr(self.unit.removesuffix("s"), lang),
            value10=self.share(0.1) * self.total,
        )

    def plot(self, *, ax=None, lang: str = "en"):
        """The concentration curve (:func:`analysis.plots.ltv.plot_concentration`)."""
        return plots.plot_concentration(self.table, ax=ax, lang=lang)


def concentration(
    values: pd.DataFrame, *, horizon: float, unit: str, currency: str = "CNY"
) -> Concentration:
    """:func:`value_concentration` of ``values["clv"]`` (one row per customer, e.g.
    :func:`analysis.studies.clv.customer_value`) as a :class:`Concentration`."""
    return Concentration(
        value_concentration(values["clv"]),
        total=float(values["clv"].sum()),
        horizon=horizon,
        unit=unit,
        currency=currency,
    )


@dataclass(frozen=True)
class AliveExplained(StudyResult):
    """Two customers read off the P(alive) map, to explain it in words (``table``: ``case``
    (``heavy_quiet``, ``one_time``), ``frequency``, ``recency``, ``T``, ``p_alive``,
    ``expected_purchases``); ``unit`` names the time unit."""

    unit: str = "weeks"

    def reading(self, lang: str = "en") -> str:
        t = self.table.set_index("case")
        heavy, once = t.loc["heavy_quiet"], t.loc["one_time"]
        return say(
            "ltv.alive_why",
            lang,
            f=int(heavy["frequency"]),
            span=heavy["recency"],
            gap=heavy["recency"] / heavy["frequency"],
            silence=heavy["T"] - heavy["recency"],
            p=heavy["p_alive"],
            p_once=once["p_alive"],
            e_once=once["expected_purchases"],
            unit=tr(self.unit, lang),
        )


def alive_explained(maps) -> AliveExplained:
    """The heavy buyer (most repeat purchases on the map) whose last purchase was half-way
    through, and the one-time buyer, of a
    :class:`~analysis.studies.ltv_results.RecencyFrequencyMaps`, as an :class:`AliveExplained`."""
    alive, expected = maps.table, maps.expected
    mid = alive.index[len(alive.index) // 2]
    f_high = alive.columns[-1]
    rows = [
        {
            "case": "heavy_quiet",
            "frequency": float(f_high),
            "recency": float(mid),
            "T": maps.T,
            "p_alive": float(alive.loc[mid, f_high]),
            "expected_purchases": float(expected.loc[mid, f_high]),
        },
        {
            "case": "one_time",
            "frequency": 0.0,
            "recency": 0.0,
            "T": maps.T,
            "p_alive": float(alive.loc[alive.index[0], 0]),
            "expected_purchases": float(expected.loc[expected.index[0], 0]),
        },
    ]
    return AliveExplained(pd.DataFrame(rows), unit=maps.unit)
