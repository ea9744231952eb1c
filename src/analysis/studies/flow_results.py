"""The segments-and-flow report's results: each section of ``notebooks/segments-and-flow.py``
is one call returning a :class:`~analysis.studies.result.StudyResult` (its table, its reading in
English or Chinese and, where it has one, its figure), so the notebook never picks cells out of
a table to write prose. The tables come from the studies themselves
(:mod:`analysis.studies.segments`, :mod:`~analysis.studies.flow`,
:mod:`~analysis.studies.cohorts`); the figures from :mod:`analysis.plots.flow`.

Who the users are
    :func:`rfm_segment_summary` → :class:`RfmSegments`, :func:`tier_summary` →
    :class:`ValueTiers`, :func:`persona_summary` → :class:`Personas`.
How they move
    :class:`StageSizes`, :class:`Transitions`, :class:`ForwardConversion` (the bottleneck).
Which channels and hooks bring users who stay
    :func:`acquisition_retention` → :class:`AcquisitionRetention`, :func:`claims_check` →
    :class:`EssayClaims` (the essay's two claims and the report's headline),
    :func:`referral_summary` → :class:`Referral`.

The check against the simulator's truth is :func:`analysis.simulate.checks.flow_truth_check`.

Why this module is long: it holds one small result class per section of the report (table,
reading, figure), in the order of the report; the funnels, timings and population table of
the report live in :mod:`analysis.studies.funnels`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import pandas as pd

from analysis.data.vocab import STAGES
from analysis.i18n import CLAUSE_SEP, say, tr
from analysis.plots import flow as plots
from analysis.plots.base import MIN_N
from analysis.studies.cohorts import essay_claims, k_factor, referral_by_period, retention_curves
from analysis.studies.flow import NEW, bottleneck, transition_rates
from analysis.studies.result import StudyResult
from analysis.studies.segments import (
    NO_PURCHASE,
    FiveValuePersonas,
    group_summary,
    persona_profile,
)

__all__ = [
    "RfmSegments",
    "rfm_segment_summary",
    "ValueTiers",
    "tier_summary",
    "Personas",
    "persona_summary",
    "StageSizes",
    "Transitions",
    "ForwardConversion",
    "AcquisitionRetention",
    "acquisition_retention",
    "EssayClaims",
    "claims_check",
    "Referral",
    "referral_summary",
]


# ----------------------------------------------------------------------------------------
# who the users are: RFM segments, value tiers, personas
# ----------------------------------------------------------------------------------------


def _bars(table: pd.DataFrame, **kw):
    """Retention bars of a :func:`group_summary` table (groups named by its index)."""
    return plots.plot_persona_bars(
        table.assign(name=table.index.astype(str)).reset_index(drop=True),
        ylabel="share retained (95% CI)",
        **kw,
    )


@dataclass(frozen=True)
class RfmSegments(StudyResult):
    """Size, retention (in the ``horizon_days`` after ``as_of``) and mean spend per RFM
    segment (a :func:`group_summary` table indexed by segment, ``no_purchase`` included). The
    reading gives the share without a purchase, the largest buyers' segment and the buyers'
    segments that retain best and worst."""

    as_of: str = ""
    horizon_days: int = 0

    def reading(self, lang: str = "en") -> str:
        t = self.table
        buyers = t.drop(index=NO_PURCHASE["segment"], errors="ignore")
        buyers = buyers[buyers["users"] > 0]
        if buyers.empty:  # no paid order before the cut-off (e.g. a brand without orders)
            return say("flow.rfm_none", lang, users=int(t["users"].sum()), as_of=self.as_of)
        largest = buyers["users"].idxmax()
        best, worst = buyers["retention"].idxmax(), buyers["retention"].idxmin()
        return say(
            "flow.rfm",
            lang,
            users=int(t["users"].sum()),
            as_of=self.as_of,
            no_purchase=t.loc[NO_PURCHASE["segment"], "share"],
            largest=tr(largest, lang),
            largest_share=buyers.loc[largest, "share"],
            best=tr(best, lang),
            best_rate=buyers.loc[best, "retention"],
            best_lo=buyers.loc[best, "retention_lo"],
            best_hi=buyers.loc[best, "retention_hi"],
            worst=tr(worst, lang),
            worst_rate=buyers.loc[worst, "retention"],
            worst_lo=buyers.loc[worst, "retention_lo"],
            worst_hi=buyers.loc[worst, "retention_hi"],
        )

    def plot(self, *, ax=None, lang: str = "en", min_n: int = MIN_N):
        """Retention per segment with its interval (:func:`~analysis.plots.flow.
        plot_persona_bars`)."""
        title = say("flow.plot.segment_title", lang, horizon=self.horizon_days, as_of=self.as_of)
        return _bars(self.table, ax=ax, title=title, xlabel="segment", lang=lang, min_n=min_n)


def rfm_segment_summary(
    segments: pd.Series,
    *,
    retained: pd.Series,
    spend: pd.Series | None = None,
    as_of,
    horizon_days: int,
) -> RfmSegments:
    """:func:`group_summary` of the RFM ``segments`` (:func:`rfm_segments`) as
    :class:`RfmSegments`; ``retained`` is the label over the ``horizon_days`` after
    ``as_of``."""
    table = group_summary(segments, retained=retained, spend=spend)
    return RfmSegments(table, as_of=str(as_of), horizon_days=horizon_days)


@dataclass(frozen=True)
class ValueTiers(StudyResult):
    """Size, retention and mean spend per five-value tier (a :func:`group_summary` table
    indexed by :data:`TIERS`). The reading sets core VIPs against ordinary users and gives the
    silent tier's share and retention."""

    as_of: str = ""
    horizon_days: int = 0

    def reading(self, lang: str = "en") -> str:
        t = self.table
        vip, ordinary, silent = t.loc["core_vip"], t.loc["ordinary"], t.loc["silent"]
        return say(
            "flow.tiers",
            lang,
            vip_users=int(vip["users"]),
            vip_rate=vip["retention"],
            vip_lo=vip["retention_lo"],
            vip_hi=vip["retention_hi"],
            ord_rate=ordinary["retention"],
            ord_lo=ordinary["retention_lo"],
            ord_hi=ordinary["retention_hi"],
            vip_spend=vip["mean_spend"],
            ord_spend=ordinary["mean_spend"],
            silent_share=silent["share"],
            silent_rate=silent["retention"],
        )

    def plot(self, *, ax=None, lang: str = "en", min_n: int = MIN_N):
        """Retention per tier with its interval (:func:`~analysis.plots.flow.
        plot_persona_bars`)."""
        title = say("flow.plot.tier_title", lang, horizon=self.horizon_days, as_of=self.as_of)
        return _bars(self.table, ax=ax, title=title, xlabel="tier", lang=lang, min_n=min_n)


def tier_summary(
    tiers: pd.Series,
    *,
    retained: pd.Series,
    spend: pd.Series | None = None,
    as_of,
    horizon_days: int,
) -> ValueTiers:
    """:func:`group_summary` of the ``tiers`` (:func:`value_tiers`) as :class:`ValueTiers`."""
    table = group_summary(tiers, retained=retained, spend=spend)
    return ValueTiers(table, as_of=str(as_of), horizon_days=horizon_days)


@dataclass(frozen=True)
class Personas(StudyResult):
    """One row per persona (:func:`persona_profile`: name, size, share, mean values, retention,
    mean spend; persona 0 is the largest), ``k`` chosen by ``criterion`` and the ``centroids``
    (:attr:`FiveValuePersonas.summary`). The reading names the largest persona and the range
    of retention and spend."""

    k: int = 0
    criterion: str = "silhouette"
    centroids: pd.DataFrame | None = None

    def reading(self, lang: str = "en") -> str:
        t = self.table
        largest = t.loc[t["users"].idxmax()]
        best, worst = t.loc[t["retention"].idxmax()], t.loc[t["retention"].idxmin()]
        return say(
            "flow.personas",
            lang,
            k=self.k,
            criterion=tr(self.criterion, lang),
            largest=tr(largest["name"], lang),
            share=largest["share"],
            worst_rate=worst["retention"],
            worst=tr(worst["name"], lang),
            best_rate=best["retention"],
            best=tr(best["name"], lang),
            spend_min=t["mean_spend"].min(),
            spend_max=t["mean_spend"].max(),
        )

    def plot(self, *, ax=None, lang: str = "en", min_n: int = MIN_N):
        """Retention per persona with its interval (:func:`~analysis.plots.flow.
        plot_persona_bars`)."""
        return plots.plot_persona_bars(
            self.table,
            ax=ax,
            title="Retention by persona",
            ylabel="share retained (95% CI)",
            lang=lang,
            min_n=min_n,
        )

    def plot_centroids(self, *, ax=None, lang: str = "en"):
        """What makes each persona distinct (:func:`~analysis.plots.flow.
        plot_persona_centroids`)."""
        return plots.plot_persona_centroids(self.centroids, ax=ax, lang=lang)


def persona_summary(
    personas: FiveValuePersonas,
    values: pd.DataFrame,
    *,
    retained: pd.Series | None = None,
    spend: pd.Series | None = None,
) -> Personas:
    """The users of ``values`` assigned to the fitted ``personas`` and described by
    :func:`persona_profile`, as :class:`Personas`."""
    table = persona_profile(
        values,
        personas.predict(values),
        names=personas.names_,
        retained=retained,
        spend=spend,
    )
    return Personas(table, k=personas.k_, criterion=personas.criterion, centroids=personas.summary)


# ----------------------------------------------------------------------------------------
# how they move: sizes, transitions, forward conversion
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageSizes(StudyResult):
    """Users in each state (columns) at each snapshot (rows), the :func:`stage_sizes` table;
    ``stages`` are the ladder's stages (the other columns are off the ladder). The reading
    describes the last snapshot."""

    stages: tuple[str, ...] = tuple(STAGES)

    def reading(self, lang: str = "en") -> str:
        last = self.table.iloc[-1]
        users = last.sum()
        on = last[list(self.stages)]
        return say(
            "flow.sizes",
            lang,
            date=f"{self.table.index[-1]:%Y-%m-%d}",
            users=int(users),
            lost=last["lost"] / users,
            silent=last["silent"] / users,
            stage=tr(on.idxmax(), lang),
            stage_share=on.max() / users,
        )

    def plot(self, *, ax=None, lang: str = "en", title: str = "Users in each state over time"):
        """Stacked sizes per snapshot (:func:`~analysis.plots.flow.plot_stage_sizes`)."""
        return plots.plot_stage_sizes(self.table, ax=ax, title=title, lang=lang)


@dataclass(frozen=True)
class Transitions(StudyResult):
    """Transition counts between consecutive snapshots (the pooled :func:`transitions`
    table: state at ``t_k`` plus ``(new)`` → state at ``t_{k+1}`` plus ``(out)``). The
    reading follows silent, lost and new users one snapshot on."""

    @property
    def rates(self) -> pd.DataFrame:
        """Row shares (:func:`transition_rates`)."""
        return transition_rates(self.table)

    def reading(self, lang: str = "en") -> str:
        r = self.rates
        return say(
            "flow.transitions",
            lang,
            silent_lost=r.loc["silent", "lost"],
            silent_back=1 - r.loc["silent", ["silent", "lost"]].sum(),
            stay_lost=r.loc["lost", "lost"],
            new_lost=r.loc[NEW, "lost"],
        )

    def plot(self, *, ax=None, lang: str = "en", title: str = "Where users go between snapshots"):
        """Heatmap of the shares with the counts (:func:`~analysis.plots.flow.
        plot_transition_heatmap`)."""
        return plots.plot_transition_heatmap(
            self.rates, counts=self.table, ax=ax, title=title, lang=lang
        )


def _stage_name(row: pd.Series, lang: str) -> str:
    """A stage of a :func:`bottleneck` row as a reading names it: ``*advocate* (拥护)`` in
    English, ``*拥护*`` in Chinese."""
    return f"*{row['stage']}* ({row['zh']})" if lang == "en" else f"*{row['zh']}*"


@dataclass(frozen=True)
class ForwardConversion(StudyResult):
    """Forward conversion per ladder stage (the :func:`forward_conversion` table) with the
    spells per state (``time_in_stage``, the :func:`time_in_stage` table). The reading names
    the bottleneck (:func:`bottleneck`) and how long users stay there."""

    time_in_stage: pd.DataFrame | None = None
    repeat_stage: str = "again"

    @property
    def bottleneck(self) -> pd.Series:
        """The weakest forward step from ``access`` upwards (:func:`bottleneck`)."""
        return bottleneck(self.table)

    def reading(self, lang: str = "en") -> str:
        neck = self.bottleneck
        spells = self.time_in_stage.set_index("state")
        return say(
            "flow.bottleneck",
            lang,
            stage=_stage_name(neck, lang),
            rate=neck["forward_rate"],
            lo=neck["lo"],
            hi=neck["hi"],
            n=int(neck["n"]),
            stay=neck["stay_rate"],
            days=spells.loc[neck["stage"], "mean_days_completed"],
        )

    @property
    def funnel_bottleneck(self) -> pd.Series:
        """The weakest step of the purchase funnel alone: from ``access`` up to the repeat
        purchase (:func:`bottleneck` with ``to_stage=repeat_stage``)."""
        return bottleneck(self.table, to_stage=self.repeat_stage)

    def funnel_reading(self, lang: str = "en") -> str:
        """The purchase funnel's weakest step next to the ladder's (one sentence)."""
        neck = self.funnel_bottleneck
        return say(
            "flow.funnel_bottleneck",
            lang,
            stage=_stage_name(neck, lang),
            rate=neck["forward_rate"],
            lo=neck["lo"],
            hi=neck["hi"],
            n=int(neck["n"]),
            repeat=tr(self.repeat_stage, lang),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        """Forward conversion per stage, the bottleneck in red
        (:func:`~analysis.plots.flow.plot_forward_conversion`)."""
        return plots.plot_forward_conversion(
            self.table, bottleneck=self.bottleneck["stage"], ax=ax, lang=lang
        )


@dataclass(frozen=True)
class PurchaseGate(StudyResult):
    """What the ladder's purchase gate changes (the :func:`~analysis.studies.flow.
    purchase_gate_effect` table at ``as_of``); the reading justifies the gate in the terms of
    5A / AIPL and gives its size."""

    as_of: str = ""
    fallback: str = "active"

    def reading(self, lang: str = "en") -> str:
        t = self.table
        pop = int(t["population"].iloc[0])
        gated, ungated = int(t["users_gated"].sum()), int(t["users_ungated"].sum())
        join = "、" if lang == "zh" else " / "
        return say(
            "flow.ladder_gate",
            lang,
            fallback=tr(self.fallback, lang),
            as_of=self.as_of,
            pop=pop,
            gated=gated,
            ungated=ungated,
            gated_share=gated / max(pop, 1),
            ungated_share=ungated / max(pop, 1),
            held=int(t["held_back"].sum()),
            stages=join.join(tr(s, lang) for s in t["stage"]),
        )


# ----------------------------------------------------------------------------------------
# which channels and hooks bring users who stay; the essay's claims; referral
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcquisitionRetention(StudyResult):
    """Retention curves by channel (``table``) and by hook (``hooks``), both
    :func:`retention_curves` tables; the reading compares the channels and the hooks at
    ``age_months`` months after joining."""

    hooks: pd.DataFrame | None = None
    age_months: int = 3

    def _at(self, curves: pd.DataFrame, by: str) -> pd.DataFrame:
        return curves.loc[curves["age_months"] == self.age_months].set_index(by)

    def reading(self, lang: str = "en") -> str:
        at, at_h = self._at(self.table, "channel"), self._at(self.hooks, "hook")
        top, bottom = at["rate"].idxmax(), at["rate"].idxmin()
        return say(
            "flow.channels",
            lang,
            age=self.age_months,
            top=tr(top, lang),
            top_rate=at.loc[top, "rate"],
            top_lo=at.loc[top, "lo"],
            top_hi=at.loc[top, "hi"],
            bottom=tr(bottom, lang),
            bottom_rate=at.loc[bottom, "rate"],
            bottom_lo=at.loc[bottom, "lo"],
            bottom_hi=at.loc[bottom, "hi"],
            top_hook=tr(at_h["rate"].idxmax(), lang),
            top_hook_rate=at_h["rate"].max(),
            bottom_hook=tr(at_h["rate"].idxmin(), lang),
            bottom_hook_rate=at_h["rate"].min(),
        )

    def plot(self, *, ax=None, lang: str = "en", by: str = "channel"):
        """The curves by ``by`` ("channel" or "hook") with Wilson bands
        (:func:`~analysis.plots.flow.plot_retention_curves`)."""
        if by not in ("channel", "hook"):
            raise ValueError(f"by must be 'channel' or 'hook', got {by!r}")
        curves = self.table if by == "channel" else self.hooks
        title = f"Retention by {by}"
        return plots.plot_retention_curves(curves, by=by, ax=ax, title=title, lang=lang)


def acquisition_retention(
    activity: pd.DataFrame, *, age_months: int = 3, min_n: int = 50, ci: float = 0.95
) -> AcquisitionRetention:
    """:func:`retention_curves` by channel and by hook (points of at least ``min_n`` users)
    as :class:`AcquisitionRetention`, read at ``age_months``."""
    return AcquisitionRetention(
        retention_curves(activity, by="channel", ci=ci, min_n=min_n),
        hooks=retention_curves(activity, by="hook", ci=ci, min_n=min_n),
        age_months=age_months,
    )


GIVEAWAY_CLAIM, SPEND_CLAIM, SCREENING_CLAIM = (
    "giveaway users retain less",
    "giveaway users spend less",
    "screened in 1:1 retain better",
)


@dataclass(frozen=True)
class EssayClaims(StudyResult):
    """The essay's claims tested (the :func:`essay_claims` table: one row per comparison with
    its effect, interval and verdict), retention read at ``age_months`` and spend over the
    first ``spend_days``. The reading is one line per comparison."""

    age_months: int = 3
    spend_days: float = 180

    def reading(self, lang: str = "en") -> str:
        """One markdown bullet per comparison: the groups, the effect and the verdict."""
        return "\n".join(
            say(
                "flow.claim",
                lang,
                claim=tr(r.claim, lang),
                group_a=tr(r.group_a, lang),
                n_a=f"{r.n_a:,}",
                group_b=tr(r.group_b, lang),
                n_b=f"{r.n_b:,}",
                metric=tr(r.metric, lang),
                verdict=tr(r.verdict, lang),
                **_claim_numbers(r, lang),
            )
            for r in self.table.itertuples()
        )

    def verdicts(self, lang: str = "en") -> str:
        """Each claim with its verdict, in one clause list."""
        return CLAUSE_SEP[lang].join(
            say("flow.claim_verdict", lang, claim=tr(r.claim, lang), verdict=tr(r.verdict, lang))
            for r in self.table.itertuples()
        )

    def headline(self, lang: str = "en", *, bottleneck: pd.Series) -> str:
        """The segments-and-flow report's finding: the flow's ``bottleneck`` (a row of
        :func:`~analysis.studies.flow.forward_conversion`) and the retention claims."""
        c = self.table.set_index("claim")
        return say(
            "flow.headline",
            lang,
            stage=tr(bottleneck["stage"], lang),
            rate=bottleneck["forward_rate"],
            give_less=-100 * c.loc[GIVEAWAY_CLAIM, "effect"],
            age=self.age_months,
            give_verdict=tr(c.loc[GIVEAWAY_CLAIM, "verdict"], lang),
            screened=100 * c.loc[SCREENING_CLAIM, "effect"],
            screen_verdict=tr(c.loc[SCREENING_CLAIM, "verdict"], lang),
        )

    def plot(self, *, ax=None, lang: str = "en", kind: str = "retention", currency: str = "CNY"):
        """The effects with their intervals (:func:`~analysis.plots.flow.plot_effects`):
        ``kind="retention"`` (percentage points) or ``"spend"`` (in ``currency``)."""
        retention = self.table["metric"].str.startswith("retained")
        if kind == "retention":
            return plots.plot_effects(
                self.table.loc[retention],
                scale=100,
                unit="difference in retention (percentage points, a − b)",
                ax=ax,
                title="Retention: group a minus group b",
                lang=lang,
            )
        if kind == "spend":
            return plots.plot_effects(
                self.table.loc[~retention],
                unit=f"difference in mean net spend, first {self.spend_days} days ({currency})",
                ax=ax,
                title=say("common.money.spend_title", lang, currency=tr(currency, lang)),
                lang=lang,
            )
        raise ValueError(f"kind must be 'retention' or 'spend', got {kind!r}")


def _claim_numbers(row, lang: str) -> dict[str, str]:
    """The two groups' values, the difference and its interval of one claim as text: three
    significant digits in English; in Chinese a share as a percentage (the difference in
    percentage points) and an amount in 元."""
    if lang == "en":
        return {
            "a": f"{row.value_a:,.3g}",
            "b": f"{row.value_b:,.3g}",
            "effect": f"{row.effect:+,.3g}",
            "ival": f"{row.lo:+,.3g} to {row.hi:+,.3g}",
        }
    share = str(row.metric).startswith("retained")
    value, unit, scale = ("{:.0%}", " 个百分点", 100) if share else ("{:,.0f} 元", " 元", 1)

    def signed(v: float) -> str:
        return f"{scale * v:+,.0f}".replace("-", "−")

    return {
        "a": value.format(row.value_a),
        "b": value.format(row.value_b),
        "effect": signed(row.effect) + unit,
        "ival": f"{signed(row.lo)} 至 {signed(row.hi)}{unit}",
    }


def claims_check(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    age_months: int = 3,
    spend_days: float = 180,
    **kwargs,
) -> EssayClaims:
    """:func:`essay_claims` (same arguments) as :class:`EssayClaims`."""
    table = essay_claims(
        contacts, events, orders, age_months=age_months, spend_days=spend_days, **kwargs
    )
    return EssayClaims(table, age_months=age_months, spend_days=spend_days)


@dataclass(frozen=True)
class Referral(StudyResult):
    """Referral per period (the :func:`referral_by_period` table) and over the whole data
    (``overall``, the :func:`k_factor` dict with events). The reading gives the realised
    K-factor, the invitations' conversion and the range of the monthly K."""

    overall: dict = field(default_factory=dict)

    @property
    def k_factor(self) -> float:
        return self.overall["k_factor"]

    def reading(self, lang: str = "en") -> str:
        kf = self.overall
        return say(
            "flow.referral",
            lang,
            referred=kf["referred"],
            contacts=kf["contacts"],
            k=kf["k_factor"],
            invitations=kf["invitations"],
            conversion=kf["invite_conversion"],
            k_min=self.table["k_factor"].min(),
            k_max=self.table["k_factor"].max(),
        )

    def plot(self, *, ax=None, lang: str = "en", title: str = "Referral K-factor per month"):
        """The monthly K-factor with its band (:func:`~analysis.plots.flow.plot_k_factor`)."""
        return plots.plot_k_factor(self.table, ax=ax, title=title, lang=lang)


def referral_summary(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    periods: Sequence,
    ci: float = 0.95,
    engine=None,
) -> Referral:
    """:func:`referral_by_period` and :func:`k_factor` (with the events) as :class:`Referral`
    (the events and orders counted on ``engine``; None: the inputs' engine)."""
    return Referral(
        referral_by_period(contacts, events, orders, periods=periods, ci=ci, engine=engine),
        overall=k_factor(contacts, events, engine=engine),
    )
