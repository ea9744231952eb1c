"""The churn early warning as of the data's end, as results: each step of
:func:`~analysis.studies.churn_asof.churn_as_of` with its table, its reading and its figure,
so the report notebook only calls them (see :mod:`analysis.studies.result`).

=============================  ==================================================  ==========
function                       ``table``                                           ``plot``
=============================  ==================================================  ==========
:func:`windows_result`         :meth:`ChurnWindows.table`                          —
:func:`choice_result`          validation metrics of every candidate               —
:func:`tested_result`          the chosen model's metrics on the test window       —
:func:`departures_result`      early warning against with-departure features       —
:func:`importance_users_result` :func:`importance_over_users`                      bars
:func:`at_risk_as_of_result`   the list (:func:`at_risk_as_of`), ``summary``       —
=============================  ==================================================  ==========

:func:`evaluation_view` gives the test window as a
:class:`~analysis.studies.churn.ChurnEvaluation`, so the calibration and gain results of
:mod:`analysis.studies.churn_results` draw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.i18n import LIST_SEP, SENTENCE_SEP, say
from analysis.i18n.features import feature_label
from analysis.privacy import KEY_ENV
from analysis.reuse import reused
from analysis.studies.churn import ChurnEvaluation, oracle_gap
from analysis.studies.churn_asof import (
    EARLY,
    WITH_DEPARTURES,
    ChurnAsOf,
    importance_over_users,
)
from analysis.studies.churn_list import RISK_TIERS, at_risk_as_of
from analysis.studies.churn_results import ImportanceResult, ScoresResult, model_name
from analysis.studies.fit_sample import fit_sample_note
from analysis.studies.result import StudyResult


def _cells(metrics: pd.DataFrame, column: str = "estimate") -> pd.Series:
    return metrics.set_index(["score", "metric"])[column]


def evaluation_view(res: ChurnAsOf) -> ChurnEvaluation:
    """The test window of ``res`` as a :class:`ChurnEvaluation` (train = the training window,
    models = the chosen, calibrated model)."""
    w = res.windows
    return ChurnEvaluation(
        res.definition,
        w.train,
        w.test,
        res.frames["train"],
        res.frames["test"],
        {res.choice.chosen: res.choice.calibrated},
        res.test_predictions,
        res.test_metrics,
        params=dict(res.params),
    )


# --- windows ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class WindowsResult(StudyResult):
    """The cut-offs of the design (one row per window)."""

    horizon_days: int = 90
    fit_samples: tuple = ()  # FitSample of each fit (stated when sampled)

    def reading(self, lang: str = "en") -> str:
        c = self.table.set_index("window")["cutoff"]
        text = say(
            "churn.windows",
            lang,
            as_of=c["as_of"],
            train=c["train"],
            validation=c["validation"],
            test=c["test"],
            horizon=self.horizon_days,
        )
        note = fit_sample_note(self.fit_samples, lang)
        return text + SENTENCE_SEP[lang] + note if note else text


def windows_result(res: ChurnAsOf) -> WindowsResult:
    return WindowsResult(
        res.windows.table(), horizon_days=res.windows.horizon_days, fit_samples=res.fit_samples
    )


# --- model choice on the validation window -------------------------------------------------
@dataclass(frozen=True)
class ChoiceResult(StudyResult):
    """Every candidate's metrics on the validation window (tidy, as
    :func:`~analysis.studies.churn.churn_metrics`) and the ``chosen`` kind."""

    chosen: str = ""

    def reading(self, lang: str = "en") -> str:
        est, lo, hi = (_cells(self.table, c) for c in ("estimate", "lo", "hi"))
        key = (self.chosen, "roc_auc")
        others = [k for k in dict.fromkeys(self.table["score"]) if k != self.chosen]
        return say(
            "churn.choice",
            lang,
            model=model_name(self.chosen, lang),
            auc=est[key],
            lo=lo[key],
            hi=hi[key],
            others=LIST_SEP[lang].join(
                f"{model_name(k, lang)} {est[(k, 'roc_auc')]:.3f}" for k in others
            ),
        )


def choice_result(res: ChurnAsOf) -> ChoiceResult:
    return ChoiceResult(res.choice.validation_metrics, chosen=res.choice.chosen)


# --- the test window, once -------------------------------------------------------------------
@dataclass(frozen=True)
class TestedResult(StudyResult):
    """The chosen, calibrated model's metrics on the test window (and the oracle's on
    simulated data), with the window's size and churn rate."""

    chosen: str = ""
    cutoff: str = ""
    users: int = 0
    base_rate: float = float("nan")
    horizon_days: int = 90

    @property
    def has_oracle(self) -> bool:
        return bool((self.table["score"] == "oracle").any())

    @property
    def oracle_gap(self) -> pd.DataFrame | None:
        return oracle_gap(self.table) if self.has_oracle else None

    @property
    def model_table(self) -> pd.DataFrame:
        """The metrics without the oracle's rows (what a reader of the test window sees; the
        oracle belongs to the check against the simulator's truth)."""
        return self.table.loc[self.table["score"] != "oracle"]

    def oracle_reading(self, lang: str = "en") -> str:
        """How far the chosen model is from the oracle (simulated data only; "" without)."""
        if not self.has_oracle:
            return ""
        est = _cells(self.table, "estimate")
        m = self.chosen
        g = self.oracle_gap.set_index(["score", "metric"])
        return say(
            "churn.oracle",
            lang,
            oracle_auc=est[("oracle", "roc_auc")],
            oracle_brier=est[("oracle", "brier")],
            gap=-g.loc[(m, "roc_auc"), "gap"],
            gap_lo=-g.loc[(m, "roc_auc"), "gap_hi"],
            gap_hi=-g.loc[(m, "roc_auc"), "gap_lo"],
            brier_gap=g.loc[(m, "brier"), "gap"],
        )

    def reading(self, lang: str = "en", *, with_oracle: bool = True) -> str:
        """The test window in words; ``with_oracle=False`` leaves out the comparison with the
        oracle (:meth:`oracle_reading`, for the appendix)."""
        est, lo, hi = (_cells(self.table, c) for c in ("estimate", "lo", "hi"))
        m = self.chosen
        text = say(
            "churn.tested",
            lang,
            cutoff=self.cutoff,
            users=self.users,
            rate=self.base_rate,
            horizon=self.horizon_days,
            auc=est[(m, "roc_auc")],
            lo=lo[(m, "roc_auc")],
            hi=hi[(m, "roc_auc")],
            brier=est[(m, "brier")],
            gain=est[(m, "gain@10%")],
            lift=est[(m, "lift@10%")],
        )
        if with_oracle and self.has_oracle:
            text += SENTENCE_SEP[lang] + self.oracle_reading(lang)
        return text

    def headline(self, lang: str = "en") -> str:
        """The report's one-line finding (the sentence of :class:`ScoresResult`)."""
        return ScoresResult(
            self.table,
            models=(self.chosen,),
            base_rate=self.base_rate,
            horizon_days=self.horizon_days,
        ).headline(lang)

    def conclusion(self, lang: str = "en") -> str:
        est, lo, hi = (_cells(self.table, c) for c in ("estimate", "lo", "hi"))
        m = self.chosen
        return say(
            "churn.c.tested",
            lang,
            auc=est[(m, "roc_auc")],
            lo=lo[(m, "roc_auc")],
            hi=hi[(m, "roc_auc")],
            brier=est[(m, "brier")],
            base=self.base_rate,
        )


def tested_result(res: ChurnAsOf) -> TestedResult:
    test = res.frames["test"]
    return TestedResult(
        res.test_metrics,
        chosen=res.choice.chosen,
        cutoff=res.windows.test.date().isoformat(),
        users=len(test),
        base_rate=float(test["churned"].mean()),
        horizon_days=res.windows.horizon_days,
    )


# --- early warning against the departure itself ----------------------------------------------
@dataclass(frozen=True)
class DeparturesResult(StudyResult):
    """The chosen kind without (:data:`EARLY`) and with (:data:`WITH_DEPARTURES`) the
    departure features on the test window; ``gap`` columns: with minus without (paired)."""

    @property
    def share_early(self) -> float:
        """Share of the skill above chance (AUC - 0.5) that remains without the departure
        features."""
        est = _cells(self.table)
        return (est[(EARLY, "roc_auc")] - 0.5) / (est[(WITH_DEPARTURES, "roc_auc")] - 0.5)

    def _values(self) -> dict:
        t = self.table.set_index(["score", "metric"])
        e, f = t.loc[(EARLY, "roc_auc")], t.loc[(WITH_DEPARTURES, "roc_auc")]
        return dict(
            early=e["estimate"],
            early_lo=e["lo"],
            early_hi=e["hi"],
            full=f["estimate"],
            full_lo=f["lo"],
            full_hi=f["hi"],
            gap=f["gap"],
            gap_lo=f["gap_lo"],
            gap_hi=f["gap_hi"],
            share=self.share_early,
        )

    def reading(self, lang: str = "en") -> str:
        return say("churn.departures", lang, **self._values())

    def conclusion(self, lang: str = "en") -> str:
        v = self._values()
        return say("churn.c.departures", lang, share=v["share"], early=v["early"], full=v["full"])


def departures_result(res: ChurnAsOf) -> DeparturesResult:
    m = res.departure_metrics
    return DeparturesResult(m.loc[m["metric"].isin(["roc_auc", "pr_auc", "brier"])])


# --- importance with intervals over users -----------------------------------------------------
@dataclass(frozen=True)
class ImportanceUsersResult(ImportanceResult):
    """:func:`importance_over_users` of the chosen model on the test window (drawn as
    :class:`~analysis.studies.churn_results.ImportanceResult`, with the direction)."""

    def reading(self, lang: str = "en") -> str:
        t = self.table
        items = LIST_SEP[lang].join(
            say(
                "churn.importance_users_item",
                lang,
                feature=feature_label(r.feature, lang),
                drop=r.importance,
                lo=r.lo,
                hi=r.hi,
                dir=100 * (0.0 if np.isnan(r.direction) else r.direction),
            )
            for r in t.head(3).itertuples()
        )
        return say(
            "churn.importance_users",
            lang,
            items=items,
            n_zero=int((t["lo"] <= 0).sum()),
            n=len(t),
        )


@reused
def importance_users_result(
    res: ChurnAsOf,
    *,
    n_repeats: int = 3,
    n_boot: int = 200,
    max_samples: int | None = None,
    random_state=0,
    n_threads: int | None = None,
) -> ImportanceUsersResult:
    table = importance_over_users(
        res.choice.calibrated,
        res.frames["test"],
        n_repeats=n_repeats,
        n_boot=n_boot,
        max_samples=max_samples,
        random_state=random_state,
        n_threads=n_threads,
    )
    return ImportanceUsersResult(table, model=res.choice.chosen)


# --- the at-risk list as of the data's end ---------------------------------------------------
@dataclass(frozen=True)
class AtRiskAsOfResult(StudyResult):
    """The list (``table``, index ``user_id``: never shown) and its per-tier ``summary``
    (:func:`at_risk_as_of`); ``truth`` on simulated data: per tier the mean predicted risk
    and the oracle's expected churn rate."""

    summary: pd.DataFrame | None = None
    as_of: str = ""
    horizon_days: int = 90
    truth: pd.DataFrame | None = None

    def head(self, n: int) -> pd.DataFrame:
        """The first ``n`` rows without the user ids (pseudonyms only)."""
        return self.table.reset_index(drop=True).head(n)

    def _totals(self) -> dict:
        s = self.summary.set_index("risk_tier")
        users = int(s["users"].sum())
        exp = float(s["expected_churners"].sum())
        return dict(
            users=users,
            expected=exp,
            rate=exp / users if users else np.nan,
            high_users=int(s.loc[RISK_TIERS[-1], "users"]),
            high_expected=float(s.loc[RISK_TIERS[-1], "expected_churners"]),
            leaving=int(s["already_leaving"].sum()),
        )

    def truth_reading(self, lang: str = "en") -> str:
        """The tiers' predicted against the oracle's churn rates (simulated data; "" without)."""
        if self.truth is None:
            return ""
        t = self.truth.set_index("risk_tier")
        hi, lo = RISK_TIERS[-1], RISK_TIERS[0]
        return say(
            "churn.tiers_truth",
            lang,
            oracle_high=t.loc[hi, "oracle_rate"],
            oracle_low=t.loc[lo, "oracle_rate"],
            pred_high=t.loc[hi, "predicted_rate"],
            pred_low=t.loc[lo, "predicted_rate"],
        )

    def reading(self, lang: str = "en", *, with_truth: bool = True) -> str:
        """The tiers in words; ``with_truth=False`` leaves out the check against the
        simulator's truth (:meth:`truth_reading`, for the appendix)."""
        text = say(
            "churn.tiers", lang, as_of=self.as_of, horizon=self.horizon_days, **self._totals()
        )
        if with_truth and self.truth is not None:
            text += SENTENCE_SEP[lang] + self.truth_reading(lang)
        return text

    def conclusion(self, lang: str = "en") -> str:
        v = self._totals()
        return say(
            "churn.c.asof",
            lang,
            as_of=self.as_of,
            users=v["users"],
            high=v["high_users"],
            expected=v["expected"],
            horizon=self.horizon_days,
        )

    def export(self, path) -> Path:
        """Write the list as UTF-8 CSV: pseudonyms only, no raw ids."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.table.reset_index(drop=True).to_csv(path, index=False, encoding="utf-8")
        return path

    def export_note(self, path, *, lang: str = "en") -> str:
        if not path:
            return say("churn.no_export", lang)
        return say("churn.export", lang, n=len(self.table), path=path, env=KEY_ENV)


def at_risk_as_of_result(
    res: ChurnAsOf,
    contacts: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    oracle=None,
    **kw,
) -> AtRiskAsOfResult:
    """:func:`at_risk_as_of` as an :class:`AtRiskAsOfResult`. ``oracle``: a function
    ``(frame, cutoff) -> Series`` of true churn probabilities (simulated data), compared per
    risk tier with the predicted risk of the whole as-of population."""
    table, summary = at_risk_as_of(res, contacts, orders, **kw)
    truth = None
    if oracle is not None:
        from analysis.studies.churn_list import risk_tier

        cur = res.current
        o = oracle(cur, cutoff=res.windows.as_of).reindex(cur.index).to_numpy(dtype="float64")
        risk = res.current_risk.reindex(cur.index).to_numpy(dtype="float64")
        tiers = risk_tier(risk, cuts=kw.get("risk_cuts", (0.2, 0.5)))
        truth = (
            pd.DataFrame({"risk_tier": tiers, "predicted_rate": risk, "oracle_rate": o})
            .groupby("risk_tier", observed=False)
            .agg(
                users=("oracle_rate", "size"),
                predicted_rate=("predicted_rate", "mean"),
                oracle_rate=("oracle_rate", "mean"),
            )
            .reset_index()
        )
        truth["risk_tier"] = truth["risk_tier"].astype("str")
    return AtRiskAsOfResult(
        table,
        summary=summary,
        as_of=res.windows.as_of.date().isoformat(),
        horizon_days=res.windows.horizon_days,
        truth=truth,
    )
