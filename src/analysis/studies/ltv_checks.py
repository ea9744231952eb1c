"""The lifetime-value report's checks beyond the fit: what a reviewer asks of it. Each is one
call returning a :class:`~analysis.studies.result.StudyResult` (table, reading, figure), as in
:mod:`analysis.studies.ltv_results`.

* :func:`segment_tests` → :class:`SegmentTests` — every channel and hook against the other
  contacts, Holm-adjusted across all of them (:func:`analysis.studies.clv.segment_comparisons`).
* :func:`revenue_holdout` → :class:`RevenueHoldout` — predicted against actual purchases and
  spend in the holdout, in total and by decile of predicted value
  (:func:`analysis.studies.clv.holdout_revenue`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.i18n import say, tr
from analysis.plots import ltv as plots
from analysis.studies.clv import holdout_revenue, segment_comparisons
from analysis.studies.ltv import PurchaseModel, SpendModel
from analysis.studies.result import StudyResult

__all__ = ["SegmentTests", "segment_tests", "RevenueHoldout", "revenue_holdout"]


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
