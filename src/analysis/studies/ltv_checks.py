"""The lifetime-value report's checks beyond the fit: what a reviewer asks of it. Each is one
call returning a :class:`~analysis.studies.result.StudyResult` (table, reading, figure), as in
:mod:`analysis.studies.ltv_results`.

* :func:`segment_tests` → :class:`SegmentTests` — every channel and hook against the other
  contacts, Holm-adjusted across all of them (:func:`analysis.studies.clv.segment_comparisons`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.i18n import say, tr
from analysis.studies.clv import segment_comparisons
from analysis.studies.result import StudyResult

__all__ = ["SegmentTests", "segment_tests"]


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
