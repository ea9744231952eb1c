"""The behaviours study as results: each step carries its table, its reading in words and its
figure, so the report notebook only calls them (see :mod:`analysis.studies.result`).

The tables are exactly those of :mod:`analysis.studies.behaviours` (the saved tables do not
change); the plots those of :mod:`analysis.plots.behaviours`; the sentences those of
:data:`analysis.i18n.SENTENCES` (``behaviours.*``).

=============================  ===============================  ==============================
function                       ``table``                        ``plot``
=============================  ===============================  ==============================
:func:`period_summary`         users, retention and hard churn  —
                               of the two periods
:func:`scan_result`            :func:`behaviour_metrics`        —
:func:`leading_event_types`    the discovery rows of the        one phi heatmap (k × d) per
                               leading event types              event type
:func:`confirmation_result`    :func:`confirm_out_of_time`      discovery vs confirmation
                                                                (``plot_intervals``: forest)
:func:`threshold_result`       :func:`best_behaviours`          —
:func:`alignment_result`       :func:`value_alignment`          —
=============================  ===============================  ==============================

:func:`verdict` is the report's one-line finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.i18n import AND_SEP, say, tr
from analysis.plots.behaviours import (
    plot_confirmed_intervals,
    plot_discovery_vs_confirmation,
    plot_phi_heatmap,
)
from analysis.reuse import reused
from analysis.studies.behaviours import (
    behaviour_metrics,
    behaviour_phrase,
    best_behaviours,
    confirm_out_of_time,
    fdr_statement,
    threshold_reading,
    value_alignment,
)
from analysis.studies.result import StudyResult

__all__ = [
    "PeriodsResult",
    "ScanResult",
    "LeadingResult",
    "ConfirmationResult",
    "ThresholdResult",
    "AlignmentResult",
    "period_summary",
    "scan_result",
    "leading_event_types",
    "confirmation_result",
    "threshold_result",
    "alignment_result",
    "verdict",
]

PERIODS = ("discovery", "confirmation")


# --- who is counted ------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodsResult(StudyResult):
    """Users, retention and hard churn of the discovery and confirmation periods (index
    ``period``; columns ``users``, ``retained``, ``hard_churn``, ``label_from``,
    ``label_until``), with the label's ``horizon_days``."""

    horizon_days: int = 90

    def reading(self, lang: str = "en") -> str:
        t = self.table
        return say(
            "behaviours.periods",
            lang,
            disc_users=t.loc["discovery", "users"],
            conf_users=t.loc["confirmation", "users"],
            disc_rate=t.loc["discovery", "retained"],
            conf_rate=t.loc["confirmation", "retained"],
            horizon=self.horizon_days,
        )


def period_summary(population: pd.DataFrame, *, horizon_days: int) -> PeriodsResult:
    """The two periods of a population labelled with ``period`` (``assign_period`` or two
    cut-offs of ``retention_labels``): users, retention rate, hard-churn rate and the span
    of the label starts."""
    periods = (
        population.groupby("period", sort=False)
        .agg(
            users=("retained", "size"),
            retained=("retained", "mean"),
            hard_churn=("churned_hard", "mean"),
            label_from=("cutoff", "min"),
            label_until=("cutoff", "max"),
        )
        .reindex(list(PERIODS))
    )
    return PeriodsResult(periods, horizon_days=horizon_days)


# --- the scan ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScanResult(StudyResult):
    """Every candidate behaviour of both periods with its metrics and FDR control
    (:func:`behaviour_metrics`; the level and method are in ``table.attrs``). The reading is
    :func:`fdr_statement`."""

    def reading(self, lang: str = "en") -> str:
        return fdr_statement(self.table, lang=lang)

    def period(self, name: str) -> pd.DataFrame:
        """The rows of one period (``"discovery"`` / ``"confirmation"``), renumbered, with
        the scan's ``attrs``."""
        t = self.table.loc[self.table["group"] == name].reset_index(drop=True)
        t.attrs.update(self.table.attrs)
        return t

    @property
    def discovery(self) -> pd.DataFrame:
        return self.period("discovery")

    @property
    def confirmation(self) -> pd.DataFrame:
        return self.period("confirmation")


def scan_result(
    counts: pd.DataFrame,
    *,
    ci: float = 0.95,
    alpha: float = 0.05,
    method: str = "fdr_bh",
    min_expected: float = 5.0,
) -> ScanResult:
    """:func:`behaviour_metrics` as a :class:`ScanResult`."""
    return ScanResult(
        behaviour_metrics(counts, ci=ci, alpha=alpha, method=method, min_expected=min_expected)
    )


# --- the leading event types ---------------------------------------------------------------
@dataclass(frozen=True)
class LeadingResult(StudyResult):
    """The discovery rows (every k × d) of the event types with the strongest tested phi,
    ``units`` in that order. The reading names the strongest positive and negative tested
    cell; :meth:`plot` draws one phi heatmap per event type on a shared colour scale."""

    units: tuple = ()
    view: str = "onboarding"

    @property
    def tested(self) -> pd.DataFrame:
        return self.table.loc[self.table["tested"]]

    @property
    def vmax(self) -> float:
        """The colour limit shared by the heatmaps: the largest tested |phi|."""
        return float(self.tested["phi"].abs().max())

    def reading(self, lang: str = "en") -> str:
        t = self.tested.sort_values("phi")
        if t.empty:
            return say("behaviours.no_leading", lang)
        peak, low = t.iloc[-1], t.iloc[0]
        return say(
            "behaviours.peak",
            lang,
            peak=behaviour_phrase(peak["unit"], peak["k"], peak["d"], view=self.view, lang=lang),
            peak_phi=peak["phi"],
            peak_reach=peak["reach"],
            low=behaviour_phrase(low["unit"], low["k"], low["d"], view=self.view, lang=lang),
            low_phi=low["phi"],
            low_reach=low["reach"],
        )

    def plot(self, *, ax=None, lang: str = "en"):
        """One heatmap per event type of :attr:`units`, on ``ax`` (a sequence of at least as
        many axes; a new row of panels when None). Returns the array of axes drawn on."""
        n = len(self.units)
        if n == 0:
            raise ValueError("no event type was tested: nothing to draw")
        if ax is None:
            import matplotlib.pyplot as plt

            fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 3.6), squeeze=False)
            axes = axes[0]
        else:
            fig, axes = None, np.ravel(np.asarray(ax, dtype=object))
            if len(axes) < n:
                raise ValueError(f"{n} event types need {n} axes, got {len(axes)}")
        lim = self.vmax
        for unit, a in zip(self.units, axes):
            plot_phi_heatmap(
                self.table,
                unit=unit,
                ax=a,
                vmax=lim,
                lang=lang,
                title=say("behaviours.plot.phi_discovery", lang, unit=tr(unit, lang)),
            )
        if fig is not None:
            fig.tight_layout()
        return axes[:n]


@reused
def leading_event_types(discovery: pd.DataFrame, *, n: int = 4, view: str) -> LeadingResult:
    """The ``n`` event types with the largest tested |phi| on the discovery rows of a
    :func:`behaviour_metrics` table; ``view`` as in the counts (for the readings)."""
    leading = (
        discovery.loc[(discovery["kind"] == "event_type") & discovery["tested"]]
        .assign(abs_phi=lambda t: t["phi"].abs())
        .groupby("unit")["abs_phi"]
        .max()
        .sort_values(ascending=False)
        .head(n)
        .index.tolist()
    )
    return LeadingResult(
        discovery.loc[discovery["unit"].isin(leading)], units=tuple(leading), view=view
    )


# --- out-of-time confirmation ----------------------------------------------------------------
@dataclass(frozen=True)
class ConfirmationResult(StudyResult):
    """Every behaviour discovered on the earlier period, re-tested on the later one
    (:func:`confirm_out_of_time`). The reading says how many hold and how much their effect
    shrank; :meth:`plot` draws discovery against confirmation, :meth:`plot_intervals` the
    strongest behaviours that hold with their intervals."""

    @property
    def held(self) -> pd.DataFrame:
        """The behaviours that hold (strongest confirmation phi first)."""
        return self.table.loc[self.table["holds"]]

    def reading(self, lang: str = "en") -> str:
        t, held = self.table, self.held
        if not len(t):
            return say("behaviours.none_discovered", lang)
        kept_all = (1 - t["shrinkage"]).median()
        return say(
            "behaviours.confirmed",
            lang,
            n=len(t),
            held=len(held),
            held_share=len(held) / max(len(t), 1),
            kept=(1 - held["shrinkage"]).median(),
            phi_ratio=held["phi_ratio"].median(),
            kept_all=kept_all,
            judgement=say("behaviours.shrinks" if kept_all < 1 else "behaviours.no_shrink", lang),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        return plot_discovery_vs_confirmation(
            self.table, ax=ax, lang=lang, title="Retention difference: discovery vs confirmation"
        )

    def plot_intervals(self, *, n: int = 15, ax=None, lang: str = "en"):
        """The ``n`` strongest behaviours that hold, with their confirmation intervals."""
        return plot_confirmed_intervals(
            self.table,
            n=n,
            ax=ax,
            lang=lang,
            title="Strongest confirmed behaviours (confirmation period)",
        )

    def held_table(self, lang: str = "en") -> pd.DataFrame:
        """The behaviours that hold, named in words (``behaviour``), with the confirmation
        numbers and the discovery difference beside them (untranslated headers)."""
        held = self.held
        return held.assign(
            behaviour=[
                say("behaviours.plot.label", lang, unit=tr(u, lang), k=k, d=f"{d:g}")
                for u, k, d in zip(held["unit"], held["k"], held["d"])
            ]
        )[
            [
                "behaviour",
                "value",
                "reach_conf",
                "retention_did_conf",
                "retention_not_conf",
                "phi_conf",
                "diff_conf",
                "diff_lo_conf",
                "diff_hi_conf",
                "diff_disc",
                "shrinkage",
                "q_conf",
            ]
        ]


def confirmation_result(
    discovery: pd.DataFrame,
    confirmation: pd.DataFrame,
    *,
    alpha: float = 0.05,
    method: str = "fdr_bh",
) -> ConfirmationResult:
    """:func:`confirm_out_of_time` as a :class:`ConfirmationResult`."""
    return ConfirmationResult(
        confirm_out_of_time(discovery, confirmation, alpha=alpha, method=method)
    )


# --- threshold readings ----------------------------------------------------------------------
@dataclass(frozen=True)
class ThresholdResult(StudyResult):
    """The strongest confirmed behaviours with a positive association, one per unit
    (:func:`best_behaviours`), read as numbered sentences (:func:`threshold_reading`)."""

    view: str = "onboarding"

    def reading(self, lang: str = "en") -> str:
        if not len(self.table):
            return say("behaviours.no_threshold", lang)
        return "\n".join(
            say(
                "behaviours.reading",
                lang,
                i=i + 1,
                text=threshold_reading(r, view=self.view, lang=lang),
            )
            for i, (_, r) in enumerate(self.table.iterrows())
        )


def threshold_result(confirmed: pd.DataFrame, *, n: int = 3, view: str) -> ThresholdResult:
    """The ``n`` best behaviours of a :func:`confirm_out_of_time` table as a
    :class:`ThresholdResult`."""
    return ThresholdResult(best_behaviours(confirmed, n=n), view=view)


# --- the five-value weights --------------------------------------------------------------------
@dataclass(frozen=True)
class AlignmentResult(StudyResult):
    """The confirmed behaviours held against a five-value weighting (:func:`value_alignment`,
    one row per value); ``confirmed`` is the :func:`confirm_out_of_time` table it came
    from. The reading names the values the preset weighs most, the value of the strongest
    confirmed behaviour, the rank correlation of weight and evidence, and the confirmed
    behaviours that feed no value."""

    confirmed: pd.DataFrame | None = None
    weights: object = "expansion"

    def shown(self, lang: str = "en") -> pd.DataFrame:
        """The table as the report shows it: in Chinese without ``value_zh`` (the value
        column is Chinese there already)."""
        return self.table if lang == "en" else self.table.drop(columns="value_zh")

    def reading(self, lang: str = "en") -> str:
        t = self.table
        top_weighted = t.loc[t["weight_rank"] == 1, "value"].tolist()
        top_evidence = t.sort_values("evidence_rank").iloc[0]
        rho = t[["weight", "best_phi"]].fillna({"best_phi": 0.0}).corr(method="spearman").iloc[0, 1]
        held = self.confirmed.loc[self.confirmed["holds"]] if self.confirmed is not None else None
        positive = held.loc[held["phi_conf"] > 0] if held is not None else pd.DataFrame()
        no_value = ""
        if len(positive):
            no_value = say(
                "behaviours.no_value",
                lang,
                n=int(positive["value"].isna().sum()),
                unit=tr(positive.iloc[0]["unit"], lang),
                phi=positive.iloc[0]["phi_conf"],
            )
        return say(
            "behaviours.alignment",
            lang,
            weights=self.weights,
            top_weighted=AND_SEP[lang].join(tr(v, lang) for v in top_weighted),
            value=tr(top_evidence["value"], lang),
            behaviour=tr(top_evidence["best_behaviour"], lang),
            phi=top_evidence["best_phi"],
            among=say(
                "behaviours.among_top"
                if top_evidence["value"] in top_weighted
                else "behaviours.not_top",
                lang,
            ),
            rho=rho,
            no_value=no_value,
        )


def alignment_result(confirmed: pd.DataFrame, *, weights="expansion") -> AlignmentResult:
    """:func:`value_alignment` of a :func:`confirm_out_of_time` table as an
    :class:`AlignmentResult`."""
    return AlignmentResult(
        value_alignment(confirmed, weights=weights), confirmed=confirmed, weights=weights
    )


# --- the headline ----------------------------------------------------------------------------
def verdict(
    scan: ScanResult, confirmation: ConfirmationResult, *, view: str, lang: str = "en"
) -> str:
    """The report's finding in one line: behaviours tested and declared on the discovery
    period at the scan's false-discovery rate, how many held, and the best positive one."""
    disc = scan.discovery
    best = best_behaviours(confirmation.table, n=1)
    return say(
        "behaviours.headline",
        lang,
        tested=int(disc["tested"].sum()),
        declared=int(disc["significant"].sum()),
        alpha=scan.table.attrs["alpha"],
        held=len(confirmation.held),
        best=say(
            "behaviours.headline_best",
            lang,
            text=threshold_reading(best.iloc[0], view=view, lang=lang),
        )
        if len(best)
        else say("behaviours.headline_end", lang),
    )
