"""Whom to contact: the expected net value of an outreach by churn risk.

Contacting a user costs ``contact_cost``. If the user would have churned, the contact keeps
them with probability ``save_rate`` and keeping them is worth ``saved_value``; a user who
would have stayed gains nothing. So a contact is worth, in expectation,

    p · save_rate · saved_value − contact_cost

for a calibrated churn risk ``p``: contacting pays above the break-even risk
``contact_cost / (save_rate · saved_value)``. Defaults (:data:`DEFAULTS`): a contact costs
5 (staff time of a 1:1 message), a saved customer is worth 300 (net spend of a
customer over a year; replace with the brand's own CLV, e.g. from the ltv report) and 10% of
contacted would-be churners are kept. The save rate is an assumption, not a finding: only an
experiment (contact a random half of a tier) measures it.

:func:`decision_curve` gives, for every risk threshold, the share contacted, the expected
net value (from the predicted risks) and, where labels exist (the test window), the realised
net value (from who did churn); :func:`tier_decision` the expected net value of contacting
each risk tier of the as-of population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.i18n import LIST_SEP, say, tr
from analysis.plots.churn import plot_net_value
from analysis.studies.result import StudyResult

#: Documented defaults of the decision view (see the module docstring).
DEFAULTS = {"contact_cost": 5.0, "saved_value": 300.0, "save_rate": 0.1}


def _check(contact_cost: float, saved_value: float, save_rate: float) -> None:
    if contact_cost < 0 or saved_value <= 0 or not 0 < save_rate <= 1:
        raise ValueError(
            "need contact_cost >= 0, saved_value > 0 and 0 < save_rate <= 1, got "
            f"{contact_cost}, {saved_value}, {save_rate}"
        )


def break_even(*, contact_cost: float, saved_value: float, save_rate: float) -> float:
    """The churn risk above which a contact is worth its cost."""
    _check(contact_cost, saved_value, save_rate)
    return contact_cost / (save_rate * saved_value)


def decision_curve(
    risk,
    y=None,
    *,
    contact_cost: float = DEFAULTS["contact_cost"],
    saved_value: float = DEFAULTS["saved_value"],
    save_rate: float = DEFAULTS["save_rate"],
    thresholds=None,
) -> pd.DataFrame:
    """Net value of contacting everyone at or above each risk threshold.

    Columns: ``threshold``, ``contacted``, ``share`` (of all users), ``expected_net`` (sum
    of ``p·save_rate·saved_value − contact_cost`` over the contacted) and, with outcomes
    ``y`` (1 = churned), ``churners_reached`` and ``realised_net`` (the same sum with the
    outcome in place of ``p``). Default thresholds: 0, 0.01, …, 1."""
    _check(contact_cost, saved_value, save_rate)
    p = np.asarray(risk, dtype="float64")
    th = np.round(np.linspace(0, 1, 101), 2) if thresholds is None else np.asarray(thresholds)
    order = np.argsort(-p, kind="stable")
    ps = p[order]
    gain = save_rate * saved_value
    cum_p = np.r_[0.0, np.cumsum(ps)]
    k = np.searchsorted(-ps, -th, side="right")  # users with risk >= threshold
    out = pd.DataFrame(
        {
            "threshold": th,
            "contacted": k,
            "share": k / max(len(p), 1),
            "expected_net": cum_p[k] * gain - k * contact_cost,
        }
    )
    if y is not None:
        ys = np.asarray(y, dtype="float64")[order]
        cum_y = np.r_[0.0, np.cumsum(ys)]
        out["churners_reached"] = cum_y[k].astype("int64")
        out["realised_net"] = cum_y[k] * gain - k * contact_cost
    return out


def tier_decision(
    risk,
    tiers,
    *,
    contact_cost: float = DEFAULTS["contact_cost"],
    saved_value: float = DEFAULTS["saved_value"],
    save_rate: float = DEFAULTS["save_rate"],
) -> pd.DataFrame:
    """Expected net value of contacting every user of each tier: ``tier``, ``users``,
    ``mean_risk``, ``net_per_contact``, ``expected_net`` (tiers in their order)."""
    _check(contact_cost, saved_value, save_rate)
    df = pd.DataFrame({"tier": tiers, "risk": np.asarray(risk, dtype="float64")})
    g = df.groupby("tier", observed=False)["risk"].agg(users="size", mean_risk="mean")
    g["net_per_contact"] = g["mean_risk"] * save_rate * saved_value - contact_cost
    g["expected_net"] = g["net_per_contact"] * g["users"]
    out = g.reset_index()
    out["tier"] = out["tier"].astype("str")
    return out


def _money(x: float, spec: str, currency: str, lang: str) -> str:
    """An amount as a sentence gives it: bare in English (as ever), with its unit in Chinese
    (元 for CNY, else the currency's code)."""
    amount = format(x, spec)
    if lang == "en" or currency != "CNY":
        return amount if lang == "en" else f"{amount} {currency}"
    return say("churn.money", lang, amount=amount)


@dataclass(frozen=True)
class DecisionResult(StudyResult):
    """The decision curve on the test window (``table``) and the expected net value of each
    risk tier as of the data's end (``tiers``), under the stated parameters."""

    tiers: pd.DataFrame | None = None
    contact_cost: float = DEFAULTS["contact_cost"]
    saved_value: float = DEFAULTS["saved_value"]
    save_rate: float = DEFAULTS["save_rate"]

    @property
    def break_even(self) -> float:
        return break_even(
            contact_cost=self.contact_cost, saved_value=self.saved_value, save_rate=self.save_rate
        )

    @property
    def best(self) -> pd.Series:
        """The threshold with the highest realised net value on the test window (ties: the
        highest threshold, i.e. the fewest contacts)."""
        t = self.table
        top = t["realised_net"].max()
        return t.loc[t["realised_net"] == top].iloc[-1]

    def reading(self, lang: str = "en", *, currency: str = "CNY") -> str:
        """The decision in words; ``currency`` names the unit of the money in Chinese (元 for
        CNY; the English sentence gives bare amounts, as before)."""
        b = self.best
        t = self.tiers.set_index("tier")
        worth = [k for k in t.index if t.loc[k, "net_per_contact"] > 0]

        return say(
            "churn.decision",
            lang,
            cost=_money(self.contact_cost, "g", currency, lang),
            value=_money(self.saved_value, "g", currency, lang),
            rate=self.save_rate,
            be=self.break_even,
            best=b["threshold"],
            contacted=int(b["contacted"]),
            share=b["share"],
            reached=int(b["churners_reached"]),
            net=_money(b["realised_net"], ",.0f", currency, lang),
            expected=_money(b["expected_net"], ",.0f", currency, lang),
            tiers=LIST_SEP[lang].join(tr(k, lang) for k in worth)
            if worth
            else say("churn.cr_none", lang),
        )

    def conclusion(self, lang: str = "en") -> str:
        b = self.best
        return say(
            "churn.c.decision", lang, be=self.break_even, best=b["threshold"], share=b["share"]
        )

    def plot(self, *, ax=None, currency: str = "CNY", lang: str = "en"):
        return plot_net_value(
            self.table,
            ax=ax,
            best=float(self.best["share"]),
            title=say(
                "common.money.net_title",
                lang,
                cost=self.contact_cost,
                value=self.saved_value,
                currency=tr(currency, lang),
            ),
            currency=currency,
            lang=lang,
        )


def decision_result(
    test_risk,
    test_y,
    current_risk,
    current_tiers,
    *,
    contact_cost: float = DEFAULTS["contact_cost"],
    saved_value: float = DEFAULTS["saved_value"],
    save_rate: float = DEFAULTS["save_rate"],
) -> DecisionResult:
    """:func:`decision_curve` on the test window (risks and outcomes) and
    :func:`tier_decision` of the as-of population, as a :class:`DecisionResult`."""
    kw = dict(contact_cost=contact_cost, saved_value=saved_value, save_rate=save_rate)
    return DecisionResult(
        decision_curve(test_risk, test_y, **kw),
        tiers=tier_decision(current_risk, current_tiers, **kw),
        **kw,
    )
