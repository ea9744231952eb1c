"""What the brand's touches do: fatigue from promo before the first purchase, group floods,
content types and responses, care and going silent.

Every estimate here is observational on real data (who gets which touch is the brand's
choice); on the simulator the promo dose, floods and care are assigned at random, so the
estimates can be checked against the truth (:mod:`analysis.simulate.touches`).

* :func:`fatigue_hazard` — a discrete-time hazard of departure (group quit or deletion) on
  the contact-day panel (:func:`analysis.aggregate.touches.departure_panel`), linear in the
  promo dose of the last days before the first purchase and in floods, adjusted for group
  membership and purchase status; an identity-link binomial GLM (statsmodels), so each
  coefficient is an *excess daily probability of departing*, with its Wald interval.
* :func:`dose_response` — the daily departure rate at each promo dose before the first
  purchase, standardised over group membership and floods, and its excess over dose 0.
* :func:`content_response` — response within 48 h by content type (or kind) in group
  messages, each against the rest, with intervals robust to clustering by user and by
  sending day, and Benjamini–Hochberg.
* :func:`care_effect` — silence and repurchase in the 30 days after a care trigger, touched
  against eligible and untouched, with intervals clustered by user.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.i18n import LIST_SEP, say, tr
from analysis.studies.result import StudyResult


def _pct(x: float) -> float:
    return 100 * float(x)


@dataclass(frozen=True)
class FatigueResult(StudyResult):
    """Excess daily departure probability per term (``term``, ``estimate``, ``lo``, ``hi``,
    ``p_value``), from :func:`fatigue_hazard`."""

    days: int = 0
    departures: int = 0

    def row(self, term: str) -> pd.Series:
        return self.table.set_index("term").loc[term]

    def reading(self, lang: str = "en") -> str:
        promo, flood = self.row("dose"), self.row("flood")
        base = self.row("const")
        out = [
            say(
                "touch.fatigue.setup",
                lang,
                days=self.days,
                departures=self.departures,
                base=_pct(base["estimate"]) * 10,
            ),
            say(
                "touch.fatigue.promo_shows" if promo["lo"] > 0 else "touch.fatigue.promo_none",
                lang,
                est=_pct(promo["estimate"]) * 10,
                lo=_pct(promo["lo"]) * 10,
                hi=_pct(promo["hi"]) * 10,
            ),
            say(
                "touch.fatigue.flood_shows" if flood["lo"] > 0 else "touch.fatigue.flood_none",
                lang,
                est=_pct(flood["estimate"]) * 10,
                lo=_pct(flood["lo"]) * 10,
                hi=_pct(flood["hi"]) * 10,
            ),
        ]
        return " ".join(out)


def fatigue_hazard(panel: pd.DataFrame, *, ci: float = 0.95) -> FatigueResult:
    """Fit ``P(depart on a day) = const + dose·b_dose + flood·b_flood + in_group·b_group +
    pre_purchase·b_pre`` on the aggregated contact-day ``panel`` (binomial likelihood,
    identity link). Coefficients are excess daily probabilities; intervals are Wald."""
    import statsmodels.api as sm

    X = sm.add_constant(
        panel[["dose", "flood", "in_group", "pre_purchase"]].astype("float64"), has_constant="add"
    )
    y = np.column_stack([panel["departures"], panel["days"] - panel["departures"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns that identity is not canonical
        fit = sm.GLM(y, X, family=sm.families.Binomial(link=sm.families.links.Identity())).fit()
    conf = fit.conf_int(alpha=1 - ci)
    table = pd.DataFrame(
        {
            "term": list(X.columns),
            "estimate": fit.params.to_numpy(),
            "lo": conf[0].to_numpy(),
            "hi": conf[1].to_numpy(),
            "p_value": fit.pvalues.to_numpy(),
        }
    )
    return FatigueResult(
        table, days=int(panel["days"].sum()), departures=int(panel["departures"].sum())
    )


@dataclass(frozen=True)
class DoseResponse(StudyResult):
    """Departure rate per promo dose before the first purchase (``dose`` label, ``days``,
    ``departures``, ``rate``, ``lo``, ``hi``, ``excess`` over dose 0, ``excess_lo``,
    ``excess_hi``)."""

    def first_dose(self) -> str | None:
        """The lowest dose whose excess interval lies above 0 (None: none does)."""
        above = self.table.loc[self.table["excess_lo"] > 0, "dose"]
        return None if above.empty else str(above.iloc[0])

    def reading(self, lang: str = "en") -> str:
        first = self.first_dose()
        if first is None:
            return say("touch.dose.none", lang)
        row = self.table.set_index("dose").loc[first]
        return say(
            "touch.dose.from",
            lang,
            dose=first,
            rate=_pct(row["rate"]) * 10,
            base=_pct(self.table["rate"].iloc[0]) * 10,
            lo=_pct(row["excess_lo"]) * 10,
            hi=_pct(row["excess_hi"]) * 10,
        )

    def plot(self, *, ax=None, lang: str = "en"):
        from analysis.plots.touches import plot_dose_response

        return plot_dose_response(self.table, ax=ax, lang=lang)


def dose_response(panel: pd.DataFrame, *, max_dose: int = 4, ci: float = 0.95) -> DoseResponse:
    """Daily departure rate by promo dose (0, 1, ..., ``max_dose``+) on days before the first
    purchase, standardised over group membership and flood days (group members can also
    quit, and get more promo through their group: a crude rate would mix the two), with
    normal intervals, and the excess over dose 0."""
    from scipy.stats import norm

    pre = panel.loc[panel["pre_purchase"]].assign(level=lambda d: d["dose"].clip(upper=max_dose))
    strata = pre.groupby(["in_group", "flood"])["days"].sum()
    w = strata / strata.sum()
    cell = pre.groupby(["level", "in_group", "flood"])[["days", "departures"]].sum()
    z = float(norm.ppf(0.5 + ci / 2))
    rows = []
    for d in range(max_dose + 1):
        rate = var = 0.0
        days = deps = 0
        for key, wk in w.items():
            if (d, *key) not in cell.index:
                continue  # no such days: the stratum adds nothing at this dose
            n, k = cell.loc[(d, *key)]
            p = k / n
            rate += wk * p
            var += wk**2 * p * (1 - p) / n
            days, deps = days + int(n), deps + int(k)
        rows.append((d, days, deps, rate, var))
    t = pd.DataFrame(rows, columns=["d", "days", "departures", "rate", "var"])
    exc = t["rate"] - t["rate"].iloc[0]
    exc_se = (t["var"] + t["var"].iloc[0]) ** 0.5
    se = t["var"] ** 0.5
    table = pd.DataFrame(
        {
            "dose": [str(d) for d in range(max_dose)] + [f"{max_dose}+"],
            "days": t["days"],
            "departures": t["departures"],
            "rate": t["rate"],
            "lo": t["rate"] - z * se,
            "hi": t["rate"] + z * se,
            "excess": exc,
            "excess_lo": exc - z * exc_se,
            "excess_hi": exc + z * exc_se,
        }
    )
    table.loc[0, ["excess_lo", "excess_hi"]] = np.nan
    return DoseResponse(table)


@dataclass(frozen=True)
class ContentResponse(StudyResult):
    """Response within the window per group (``group``, ``touches``, ``responded``, ``rate``,
    ``lo``, ``hi``, ``vs_rest``, ``p_value``, ``q_value``, ``significant``)."""

    by: str = "content_type"

    def reading(self, lang: str = "en") -> str:
        t = self.table
        best = t.loc[t["rate"].idxmax()]
        worst = t.loc[t["rate"].idxmin()]
        sig = t.loc[t["significant"], "group"].tolist()
        head = say(
            "touch.content.range",
            lang,
            best=tr(str(best["group"]), lang),
            best_rate=_pct(best["rate"]),
            worst=tr(str(worst["group"]), lang),
            worst_rate=_pct(worst["rate"]),
            n=int(t["touches"].sum()),
        )
        tail = (
            say(
                "touch.content.sig",
                lang,
                n=len(sig),
                groups=LIST_SEP[lang].join(tr(s, lang) for s in sig),
            )
            if sig
            else say("touch.content.none", lang)
        )
        return head + " " + tail

    def plot(self, *, ax=None, lang: str = "en"):
        from analysis.plots.touches import plot_content_response

        return plot_content_response(self.table, ax=ax, lang=lang)


def content_response(
    responses: pd.DataFrame,
    *,
    by: str = "content_type",
    channel: str | None = "group",
    alpha: float = 0.05,
    ci: float = 0.95,
) -> ContentResponse:
    """Response rate by ``by`` and each group against all other touches, with intervals and
    p-values robust to clustering, Benjamini–Hochberg across groups at ``alpha``.

    The rates are the coefficients of a linear probability model without intercept (one
    dummy per group; statsmodels OLS with two-way cluster-robust covariance by user and by
    sending occasion, a group's or channel's day): one user's responses to several touches
    share the same days (ten messages on a flood day are answered, or not, by the same read),
    and one day's messages in a group reach the same members, so touches are not independent
    trials (clustering by user alone flagged 图文 in 2 of 5 simulated no-effect worlds).
    ``channel="group"`` (default) compares group messages only: every type posted in a group
    reaches the same members, whereas 1:1 kinds go to different people (care to recent
    buyers, promo to everyone), which alone would make their response rates differ.
    ``None`` compares all touches."""
    import statsmodels.api as sm
    from scipy.stats import norm
    from statsmodels.stats.multitest import multipletests

    if channel is not None:
        responses = responses.loc[responses["channel"] == channel]
    groups = pd.Index(sorted(responses[by].astype("str").unique()))
    code = groups.get_indexer(responses[by].astype("str"))
    X = np.zeros((len(responses), len(groups)))
    X[np.arange(len(responses)), code] = 1.0
    y = responses["responded"].to_numpy(dtype="float64")
    users = pd.factorize(responses["user_id"])[0]
    occasion = responses["group_id"].fillna(responses["channel"]).astype("str") + responses[
        "sent_at"
    ].dt.strftime("%Y-%m-%d")
    clusters = np.column_stack([users, pd.factorize(occasion)[0]])
    fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": clusters})
    n = X.sum(axis=0)
    z = float(norm.ppf(0.5 + ci / 2))
    se = np.sqrt(np.diag(fit.cov_params()))
    rows = []
    for j in range(len(groups)):
        w = np.where(np.arange(len(groups)) == j, 0.0, n) / max(n.sum() - n[j], 1.0)
        c = -w
        c[j] = 1.0
        t = fit.t_test(c[None, :])
        rows.append((float(np.squeeze(t.effect)), float(np.squeeze(t.pvalue))))
    pvals = [p for _, p in rows]
    reject, q, _, _ = multipletests(pvals, alpha=alpha, method="fdr_bh")
    table = pd.DataFrame(
        {
            "group": groups.astype("str"),
            "touches": n.astype("int64"),
            "responded": np.bincount(code, weights=y, minlength=len(groups)).astype("int64"),
            "rate": fit.params,
            "lo": fit.params - z * se,
            "hi": fit.params + z * se,
            "vs_rest": [e for e, _ in rows],
            "p_value": pvals,
            "q_value": q,
            "significant": reject,
        }
    )
    return ContentResponse(table, by=by)


@dataclass(frozen=True)
class CareResult(StudyResult):
    """Care against eligible and untouched (rows ``silent``, ``repurchased``: ``cared_n``,
    ``cared_rate``, ``uncared_n``, ``uncared_rate``, ``difference``, ``lo``, ``hi``)."""

    silent_days: float = 30

    def reading(self, lang: str = "en") -> str:
        s = self.table.set_index("outcome").loc["silent"]
        key = (
            "touch.care.lower"
            if s["hi"] < 0
            else ("touch.care.higher" if s["lo"] > 0 else "touch.care.none")
        )
        return say(
            key,
            lang,
            cared=_pct(s["cared_rate"]),
            uncared=_pct(s["uncared_rate"]),
            diff=_pct(s["difference"]),
            lo=_pct(s["lo"]),
            hi=_pct(s["hi"]),
            n1=int(s["cared_n"]),
            n0=int(s["uncared_n"]),
            days=self.silent_days,
        )


def care_effect(triggers: pd.DataFrame, *, silent_days: float = 30, ci: float = 0.95):
    """Silence and repurchase after care triggers: touched minus untouched (``triggers`` from
    :func:`analysis.aggregate.touches.care_triggers`). The difference and its interval come
    from a linear probability model with cluster-robust covariance by user: a user who orders
    often has many triggers, whose outcomes go together."""
    import statsmodels.api as sm
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + ci / 2))
    rows = []
    c = triggers["cared"].astype(bool).to_numpy()
    users = pd.factorize(triggers["user_id"])[0]
    X = np.column_stack([np.ones(len(c)), c.astype("float64")])
    for outcome in ("silent", "repurchased"):
        y = triggers[outcome].astype(bool).to_numpy()
        n1, n0 = int(c.sum()), int((~c).sum())
        r1 = float(y[c].mean()) if n1 else np.nan
        r0 = float(y[~c].mean()) if n0 else np.nan
        lo = hi = np.nan
        if n1 and n0:
            fit = sm.OLS(y.astype("float64"), X).fit(cov_type="cluster", cov_kwds={"groups": users})
            se = float(np.sqrt(fit.cov_params()[1, 1]))
            lo, hi = r1 - r0 - z * se, r1 - r0 + z * se
        rows.append(
            {
                "outcome": outcome,
                "cared_n": n1,
                "cared_rate": r1,
                "uncared_n": n0,
                "uncared_rate": r0,
                "difference": r1 - r0,
                "lo": float(lo),
                "hi": float(hi),
            }
        )
    return CareResult(pd.DataFrame(rows), silent_days=silent_days)


#: How each kind is named in a table (its own term, apart from the value ``content``).
KIND_LABELS = {
    "promo": "promo touch",
    "content": "content touch",
    "care": "care touch",
    "greeting": "greeting touch",
    "survey": "survey touch",
    "event_invite": "event invite touch",
    "other": "other touch",
    "unclassified": "unclassified touch",
}


@dataclass(frozen=True)
class TouchMix(StudyResult):
    """Touches by channel and kind (``channel``, ``kind``, ``touches``, ``share_pct``)."""

    users: int = 0

    def reading(self, lang: str = "en") -> str:
        t = self.table
        n = int(t["touches"].sum())
        by_channel = t.groupby("channel")["touches"].sum() / n * 100
        by_kind = t.groupby("kind")["touches"].sum() / n * 100
        return say(
            "touch.volume",
            lang,
            n=n,
            users=self.users,
            group=float(by_channel.get("group", 0.0)),
            one=float(by_channel.get("1v1", 0.0)),
            moments=float(by_channel.get("moments", 0.0)),
            promo=float(by_kind.get(KIND_LABELS["promo"], 0.0)),
            unclassified=float(by_kind.get(KIND_LABELS["unclassified"], 0.0)),
        )


def touch_mix(touches: pd.DataFrame) -> TouchMix:
    """Recipient touches by channel and kind, with each cell's share of all touches."""
    t = touches.groupby(["channel", "kind"]).size().rename("touches").reset_index()
    t["kind"] = t["kind"].map(KIND_LABELS).fillna(t["kind"])
    t["share_pct"] = 100 * t["touches"] / t["touches"].sum()
    t = t.sort_values(["channel", "touches"], ascending=[True, False]).reset_index(drop=True)
    return TouchMix(t, users=int(touches["user_id"].nunique()))


@dataclass(frozen=True)
class GroupHealth(StudyResult):
    """Per group: brand and member messages, the brand's share, peak brand messages a day."""

    def reading(self, lang: str = "en") -> str:
        t = self.table
        return say(
            "touch.groups",
            lang,
            n=len(t),
            share=100 * float(t["brand_share"].median()),
            peak=int(t["max_per_day"].max()),
        )


def group_health(shares: pd.DataFrame) -> GroupHealth:
    """:func:`analysis.aggregate.touches.group_brand_share` as a result, busiest first."""
    t = shares.sort_values(["brand_share", "group_id"], ascending=[False, True])
    return GroupHealth(t.reset_index(drop=True))


def require_touches(tables, *, lang: str = "en") -> pd.DataFrame:
    """``tables.touches``, or a :class:`~analysis.data.errors.DataError` saying the data has
    no touches table (the report cannot run without one)."""
    from analysis.data.errors import DataError

    if getattr(tables, "touches", None) is None:
        folder = str(next(iter(tables.files.values())).parent) if tables.files else "<data>"
        raise DataError(folder, None, say("touch.missing", lang))
    return tables.touches
