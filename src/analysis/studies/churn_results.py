"""The churn early warning as results: each step of the evaluation carries its table, its
reading in words and its figure, so the report notebook only calls them (see
:mod:`analysis.studies.result`).

Each ``*_result`` function takes the :class:`~analysis.studies.churn.ChurnEvaluation` of
:func:`~analysis.studies.churn.evaluate_by_time` and returns a
:class:`~analysis.studies.result.StudyResult` whose ``table`` is exactly the table of
:mod:`analysis.studies.churn` / :mod:`analysis.studies.churn_list` (the saved tables do not
change):

===========================  =====================================  =========================
function                     ``table`` (from)                       ``plot``
===========================  =====================================  =========================
:func:`balance_result`       ``ChurnEvaluation.class_balance()``    —
:func:`scores_result`        ``ChurnEvaluation.metrics``            —
:func:`calibration_result`   :func:`calibration_table`              :func:`plot_calibration`
:func:`lift_result`          :func:`lift_table`                     :func:`plot_gain`
                                                                    (``plot_lift``: lift)
:func:`importance_result`    :func:`permutation_importance_table`   :func:`plot_importance`
:func:`at_risk_result`       :func:`at_risk_list`                   —
===========================  =====================================  =========================

Besides ``reading``, :class:`BalanceResult`, :class:`ScoresResult` give the lines of the
report's conclusions (``conclusion``) and :class:`ScoresResult` its ``headline``. The
sentences are those of :data:`analysis.i18n.SENTENCES` (``churn.*``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.i18n import LIST_SEP, SENTENCE_SEP, say, tr, tr_frame
from analysis.i18n.features import feature_label
from analysis.plots.churn import plot_calibration, plot_gain, plot_importance, plot_lift
from analysis.studies.churn import (
    MODEL_NAMES,
    ChurnEvaluation,
    calibration_table,
    lift_table,
    oracle_gap,
    permutation_importance_table,
)
from analysis.studies.churn_list import (
    PSEUDONYM_KEY_ENV,
    at_risk_list,
    export_at_risk,
    value_index,
)
from analysis.studies.result import StudyResult

__all__ = [
    "BalanceResult",
    "ScoresResult",
    "CalibrationResult",
    "LiftResult",
    "ImportanceResult",
    "AtRiskResult",
    "balance_result",
    "scores_result",
    "calibration_result",
    "lift_result",
    "importance_result",
    "at_risk_result",
    "model_name",
]


def model_name(key: str, lang: str = "en") -> str:
    """The reader's name of a model key (``"logistic"`` → "logistic regression (L2)")."""
    return tr(MODEL_NAMES.get(key, key), lang)


def _scores(ev: ChurnEvaluation) -> dict:
    """Every probability of the evaluation's predictions (the models, and the oracle)."""
    return {k: ev.predictions[k] for k in ev.predictions.columns if k != "churned"}


# --- the definition and the features, as tables -------------------------------------------
#: What each setting of :class:`~analysis.studies.churn.ChurnDefinition` is, in words (the
#: Chinese table names the settings by these; the English one by their parameter names).
SETTING_WORDS = {
    "horizon_days": "churn window after the cut-off (days)",
    "activity": "what counts as staying",
    "lost_after_days": "silent this long before the cut-off: already lost (days)",
    "lookback_days": "look-back window of the features (days)",
    "short_days": "short window of the trends (days)",
    "long_days": "long window of the trends (days)",
}

#: What counts as staying, by the `activity` of :class:`~analysis.studies.churn.ChurnDefinition`.
ACTIVITY_WORDS = {"any": "any interaction or paid order", "purchase": "paid orders only"}


def definition_table(definition, lang: str = "en") -> pd.DataFrame:
    """The settings of ``definition``, one row each (column ``setting``); in Chinese the rows
    are named in words and the values read as words."""
    t = pd.Series(definition.as_dict(), name="setting").to_frame()
    if lang != "en":
        t = t.rename(index=lambda k: tr(SETTING_WORDS.get(k, k), lang))
        words = {None: "keeps everyone", **ACTIVITY_WORDS}
        t["setting"] = [tr(words[v], lang) if v is None or v in words else v for v in t["setting"]]
    return tr_frame(t, lang)


def feature_table(lang: str = "en") -> pd.DataFrame:
    """The features of the model with their meanings; in Chinese each feature is named in
    words, its column name beside it as code."""
    from analysis.aggregate.features import feature_dictionary

    t = feature_dictionary()
    if lang == "en":
        return tr_frame(t, lang, value_columns=["meaning"])
    t.insert(0, "feature (in words)", [feature_label(f, lang) for f in t["feature"]])
    t = t.rename(columns={"feature": "column name"})
    return (
        tr_frame(t, lang, value_columns=["meaning"])
        .style.format({tr("column name", lang): "<code>{}</code>"})
        .hide(axis="index")
    )


def readable(
    df: pd.DataFrame,
    lang: str = "en",
    *,
    percent=(),
    money=(),
    whole=(),
    places: int = 3,
    currency: str = "CNY",
):
    """A translated table (:func:`~analysis.i18n.tr_frame`) with its numbers as a Chinese
    reader reads them: ``percent`` columns as ``18.9%``, ``money`` columns in 元 (or with the
    currency's code), ``whole`` columns without decimals, other decimals to ``places``; the
    columns named by their untranslated headers. In English the table itself, unchanged."""
    if lang == "en":
        return df
    unit = tr("yuan", lang) if currency == "CNY" else currency

    def _money(x):
        return f"{x:,.2f} {unit}" if abs(x) < 100 else f"{x:,.0f} {unit}"

    fmt = {}
    for c in df.columns:
        if not pd.api.types.is_float_dtype(df[c]):
            continue
        if c in {tr(p, lang) for p in percent}:
            fmt[c] = "{:.1%}"
        elif c in {tr(m, lang) for m in money}:
            fmt[c] = _money
        elif c in {tr(w, lang) for w in whole}:
            fmt[c] = "{:,.0f}"
        else:
            fmt[c] = f"{{:,.{places}f}}"
    out = df.style.format(fmt, na_rep="–")
    return out.hide(axis="index") if isinstance(df.index, pd.RangeIndex) else out


# --- class balance -------------------------------------------------------------------------
@dataclass(frozen=True)
class BalanceResult(StudyResult):
    """Users, churners and churn rate at the training and the test cut-off (one row each,
    ``set`` = ``train`` / ``test``), with the label's ``horizon_days``."""

    horizon_days: int = 90

    def row(self, name: str) -> pd.Series:
        """The row of ``"train"`` or ``"test"``."""
        return self.table.set_index("set").loc[name]

    def reading(self, lang: str = "en") -> str:
        trn, te = self.row("train"), self.row("test")
        return say(
            "churn.balance",
            lang,
            train_cutoff=trn["cutoff"],
            train_users=trn["users"],
            train_rate=trn["churn_rate"],
            horizon=self.horizon_days,
            hard=trn["hard_churn"],
            test_cutoff=te["cutoff"],
            test_rate=te["churn_rate"],
            lo=te["lo"],
            hi=te["hi"],
            test_users=te["users"],
        )

    def conclusion(self, lang: str = "en") -> str:
        """The conclusions' line on how common churn is (test cut-off)."""
        te = self.row("test")
        return say("churn.c.common", lang, rate=te["churn_rate"], users=te["users"])


def balance_result(ev: ChurnEvaluation) -> BalanceResult:
    """``ev.class_balance()`` as a :class:`BalanceResult`."""
    return BalanceResult(ev.class_balance(), horizon_days=ev.definition.horizon_days)


# --- the scores ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoresResult(StudyResult):
    """ROC AUC, PR AUC, Brier score, gain and lift of each score on the test population
    with their intervals (:func:`~analysis.studies.churn.churn_metrics`, tidy), for the
    fitted ``models`` and, on simulated data, the oracle. :attr:`best` is the model with the
    highest ROC AUC; ``base_rate`` the test churn rate."""

    models: tuple = ()
    base_rate: float = float("nan")
    horizon_days: int = 90

    def _cell(self, column: str = "estimate") -> pd.Series:
        return self.table.set_index(["score", "metric"])[column]

    @property
    def best(self) -> str:
        """The model (key) that ranks the test population best (highest ROC AUC)."""
        met = self._cell()
        return str(met.xs("roc_auc", level="metric").loc[list(self.models)].idxmax())

    @property
    def has_oracle(self) -> bool:
        return bool((self.table["score"] == "oracle").any())

    @property
    def oracle_gap(self) -> pd.DataFrame | None:
        """Each model's distance from the oracle (:func:`oracle_gap`); None without one."""
        return oracle_gap(self.table) if self.has_oracle else None

    def _gap(self, metric: str) -> pd.Series:
        return self.oracle_gap.set_index(["score", "metric"]).loc[(self.best, metric)]

    def reading(self, lang: str = "en") -> str:
        met, best = self._cell(), self.best
        text = say(
            "churn.best",
            lang,
            model=model_name(best, lang),
            auc=met[(best, "roc_auc")],
            gain=met[(best, "gain@10%")],
            lift=met[(best, "lift@10%")],
            base=self.base_rate,
        )
        if self.has_oracle:
            auc_gap = self._gap("roc_auc")
            text += SENTENCE_SEP[lang] + say(
                "churn.oracle",
                lang,
                oracle_auc=met[("oracle", "roc_auc")],
                oracle_brier=met[("oracle", "brier")],
                gap=-auc_gap["gap"],
                gap_lo=-auc_gap["gap_hi"],
                gap_hi=-auc_gap["gap_lo"],
                brier_gap=self._gap("brier")["gap"],
            )
        return text

    def headline(self, lang: str = "en") -> str:
        """The report's one-line finding."""
        met, best = self._cell(), self.best
        return say(
            "churn.headline",
            lang,
            horizon=self.horizon_days,
            rate=self.base_rate,
            auc=met[(best, "roc_auc")],
            lo=self._cell("lo")[(best, "roc_auc")],
            hi=self._cell("hi")[(best, "roc_auc")],
            model=model_name(best, lang),
            gain=met[(best, "gain@10%")],
            oracle=say("churn.headline_oracle", lang, auc=met[("oracle", "roc_auc")])
            if self.has_oracle
            else "",
        )

    def conclusion(self, lang: str = "en") -> str:
        """The conclusions' lines on how well churn is predicted (and against the oracle)."""
        met, best = self._cell(), self.best
        lines = [
            say(
                "churn.c.predicted",
                lang,
                model=model_name(best, lang),
                auc=met[(best, "roc_auc")],
                pr=met[(best, "pr_auc")],
                base=self.base_rate,
                brier=met[(best, "brier")],
                others=LIST_SEP[lang].join(
                    f"{tr(k, lang)} {met[(k, 'roc_auc')]:.3f}" for k in self.models if k != best
                ),
            )
        ]
        if self.has_oracle:
            lines.append(
                say(
                    "churn.c.oracle",
                    lang,
                    gap=-self._gap("roc_auc")["gap"],
                    oracle=met[("oracle", "roc_auc")],
                )
            )
        return "\n".join(lines)


def scores_result(ev: ChurnEvaluation) -> ScoresResult:
    """``ev.metrics`` as a :class:`ScoresResult`."""
    test = ev.class_balance().set_index("set").loc["test"]
    return ScoresResult(
        ev.metrics,
        models=tuple(ev.models),
        base_rate=test["churn_rate"],
        horizon_days=ev.definition.horizon_days,
    )


# --- calibration -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CalibrationResult(StudyResult):
    """Observed churn against the predicted probability in equal-count bins, per score
    (:func:`calibration_table`). The reading names the models' largest miss and every
    score's Brier score (from ``metrics``, the evaluation's metrics table)."""

    metrics: pd.DataFrame | None = None
    models: tuple = ()
    cutoff: str = ""

    def reading(self, lang: str = "en") -> str:
        cal = self.table.assign(
            abs_error=(self.table["observed"] - self.table["mean_predicted"]).abs()
        )
        worst = cal.loc[cal["score"].isin(list(self.models))].sort_values("abs_error").iloc[-1]
        brier = self.metrics.set_index(["score", "metric"])["estimate"]
        return say(
            "churn.calibration",
            lang,
            err=100 * worst["abs_error"],
            score=tr(worst["score"], lang),
            bin=int(worst["bin"]),
            pred=worst["mean_predicted"],
            obs=worst["observed"],
            lo=worst["lo"],
            hi=worst["hi"],
            briers=LIST_SEP[lang].join(
                f"{tr(k, lang)} {brier[(k, 'brier')]:.3f}" for k in dict.fromkeys(cal["score"])
            ),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        return plot_calibration(
            self.table,
            ax=ax,
            title=say("churn.plot.calibration_title", lang, cutoff=self.cutoff),
            lang=lang,
        )


def calibration_result(
    ev: ChurnEvaluation, *, n_bins: int = 10, ci: float = 0.95
) -> CalibrationResult:
    """:func:`calibration_table` of every score of ``ev`` as a :class:`CalibrationResult`."""
    cal = calibration_table(ev.predictions["churned"], _scores(ev), n_bins=n_bins, ci=ci)
    return CalibrationResult(
        cal,
        metrics=ev.metrics,
        models=tuple(ev.models),
        cutoff=ev.test_cutoff.date().isoformat(),
    )


# --- gain and lift ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LiftResult(StudyResult):
    """Cumulative gain and lift of every score (:func:`lift_table`). The reading gives the
    share of churners ``model`` reaches when the riskiest ``share`` of users is contacted
    (and the oracle's, when there is one); :meth:`plot` draws the gain, :meth:`plot_lift`
    the lift."""

    model: str = ""
    share: float = 0.2

    def reading(self, lang: str = "en") -> str:
        t = self.table
        grid = t["fraction"].unique()
        share = grid[np.argmin(np.abs(grid - self.share))]  # the grid point of the share
        gain = t.set_index(["score", "fraction"])["gain"]
        return say(
            "churn.gain",
            lang,
            share=share,
            model=model_name(self.model, lang),
            gain=gain[(self.model, share)],
            oracle=say("churn.gain_oracle", lang, gain=gain[("oracle", share)])
            if (t["score"] == "oracle").any()
            else say("churn.gain_end", lang),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        return plot_gain(self.table, ax=ax, title=say("churn.plot.gain_title", lang), lang=lang)

    def plot_lift(self, *, ax=None, lang: str = "en"):
        """The lift over the base rate against the share contacted (:func:`plot_lift`)."""
        return plot_lift(self.table, ax=ax, title=say("churn.plot.lift_title", lang), lang=lang)


def lift_result(ev: ChurnEvaluation, *, model: str, share: float = 0.2) -> LiftResult:
    """:func:`lift_table` of every score of ``ev`` as a :class:`LiftResult` read for
    ``model``."""
    return LiftResult(lift_table(ev.predictions["churned"], _scores(ev)), model=model, share=share)


# --- importance ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportanceResult(StudyResult):
    """Permutation importance of each feature for ``model`` on the test population
    (:func:`permutation_importance_table`, strongest first). The reading names the three
    features the model leans on most and counts those that add nothing measurable."""

    model: str = ""

    def reading(self, lang: str = "en") -> str:
        t = self.table
        return say(
            "churn.importance",
            lang,
            items=LIST_SEP[lang].join(
                say(
                    "churn.importance_item",
                    lang,
                    feature=feature_label(r.feature, lang),
                    drop=r.importance,
                )
                for r in t.head(3).itertuples()
            ),
            n_zero=int((t["hi"] < 0.001).sum()),
            n=len(t),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        return plot_importance(
            self.table,
            ax=ax,
            title=say("churn.plot.importance_title", lang, model=model_name(self.model, lang)),
            lang=lang,
        )


def importance_result(
    ev: ChurnEvaluation,
    *,
    model: str,
    n_repeats: int = 5,
    max_samples: int | float = 1.0,
    random_state=0,
    n_threads: int | None = None,
) -> ImportanceResult:
    """:func:`permutation_importance_table` of ``ev.models[model]`` on the test population
    as an :class:`ImportanceResult` (``max_samples``: test users drawn, at most all)."""
    if isinstance(max_samples, int):
        max_samples = min(max_samples, len(ev.test))
    table = permutation_importance_table(
        ev.models[model],
        ev.test,
        n_repeats=n_repeats,
        max_samples=max_samples,
        random_state=random_state,
        n_threads=n_threads,
    )
    return ImportanceResult(table, model=model)


# --- the at-risk list ------------------------------------------------------------------------
@dataclass(frozen=True)
class AtRiskResult(StudyResult):
    """The users ranked by churn risk × value with the reasons behind each risk
    (:func:`at_risk_list`; index ``user_id`` — show it with :meth:`head`, export it with
    :meth:`export`). ``outcome`` is the test population's label (``churned`` by
    ``user_id``); the reading compares the churn rate on the list with everyone else's and
    names the most common first reason."""

    outcome: pd.Series | None = None

    def head(self, n: int) -> pd.DataFrame:
        """The first ``n`` rows without the user ids."""
        return self.table.reset_index(drop=True).head(n)

    def reading(self, lang: str = "en") -> str:
        t, y = self.table, self.outcome
        reasons = t["reason_1"].str.extract(r"^([a-z_]+)=")[0].value_counts()
        return say(
            "churn.c.list",
            lang,
            n=len(t),
            list_rate=float(y.loc[t.index].mean()),
            rest_rate=float(y.loc[~y.index.isin(t.index)].mean()),
            reason=feature_label(reasons.index[0], lang) if len(reasons) else tr("none", lang),
            k=reasons.iloc[0] if len(reasons) else 0,
        )

    def export(self, path, *, key=None):
        """Write the list with keyed pseudonyms only (:func:`export_at_risk`)."""
        return export_at_risk(self.table, path, key=key)

    def export_note(self, path, *, lang: str = "en") -> str:
        """What became of the export: written to ``path``, or not written (empty path)."""
        if not path:
            return say("churn.no_export", lang)
        return say("churn.export", lang, n=len(self.table), path=path, env=PSEUDONYM_KEY_ENV)


def at_risk_result(
    ev: ChurnEvaluation,
    *,
    model: str,
    weights="expansion",
    top_n: int = 100,
    n_reasons: int = 3,
    n_threads: int | None = None,
) -> AtRiskResult:
    """:func:`at_risk_list` of the test population under ``ev.models[model]``, valued by the
    five-value index normalised on the training snapshot (:func:`value_index`, ``weights``),
    as an :class:`AtRiskResult`."""
    table = at_risk_list(
        ev.models[model],
        ev.test,
        value=value_index(ev.train, ev.test, weights=weights),
        top_n=top_n,
        n_reasons=n_reasons,
        value_name="value_index",
        n_threads=n_threads,
    )
    return AtRiskResult(table, outcome=ev.test["churned"])
