"""The answer every report opens with: three to five computed bullets (the finding, its size
with its uncertainty in plain words, what to do), and the glossary the reports share.

A notebook runs top to bottom, but its answer needs the results of the whole study. Each
report therefore shows a placeholder right after its title (:func:`answer_placeholder`, an
``IPython`` display with an id) and fills it in its last cell (:func:`show_answer`) from the
result tables; the executed notebook and both HTML renderings carry the filled bullets at
the top. The bullets are built here, one function per report, from the tables the studies
return — never typed; the sentences are in the i18n file of each report (keys
``<report>.answer.…``) and, for what the reports share, :mod:`analysis.i18n.common`.

Why this module is long: it holds one bullet function per report (seven), each a handful of
branches (better / worse / no different / undecided) over its study's tables. Keeping them
together keeps the answers alike in shape and wording, and keeps the study modules, which
other work changes, free of report prose.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from analysis.i18n import check_lang, say

__all__ = [
    "answer_placeholder",
    "show_answer",
    "render",
    "glossary",
    "fmt_signed",
    "value_index_bullets",
    "churn_bullets",
    "overview_bullets",
    "behaviours_bullets",
    "ltv_bullets",
    "segments_bullets",
    "touches_bullets",
    "pct",
    "money",
]


#: The sentence of each decision (:func:`~analysis.studies.validity.verdict.decide`),
#: named in full so that every key can be checked before it runs.
_VI_PREDICTS = {
    "above": "validity.answer.predicts.above",
    "below": "validity.answer.predicts.below",
    "equivalent": "validity.answer.predicts.equivalent",
    "inconclusive": "validity.answer.predicts.inconclusive",
}
_VI_STRONGEST = {
    "above": "validity.answer.strongest.above",
    "below": "validity.answer.strongest.below",
    "equivalent": "validity.answer.strongest.equivalent",
    "inconclusive": "validity.answer.strongest.inconclusive",
}
_VI_LEARNED = {
    "above": "validity.answer.learned.above",
    "below": "validity.answer.learned.below",
    "equivalent": "validity.answer.learned.equivalent",
    "inconclusive": "validity.answer.learned.inconclusive",
}
_VI_INCREMENTAL = {
    "above": "validity.answer.incremental.above",
    "below": "validity.answer.incremental.below",
    "equivalent": "validity.answer.incremental.equivalent",
    "inconclusive": "validity.answer.incremental.inconclusive",
}
_VI_DO = {
    "above": "validity.answer.do.above",
    "below": "validity.answer.do.below",
    "equivalent": "validity.answer.do.equivalent",
    "inconclusive": "validity.answer.do.inconclusive",
}
_CHURN_RANK = {
    "above": "churn.answer.rank.above",
    "below": "churn.answer.rank.below",
    "equivalent": "churn.answer.rank.equivalent",
    "inconclusive": "churn.answer.rank.inconclusive",
}
_GLOSSARY = {
    "auc": "common.glossary.auc",
    "interval": "common.glossary.interval",
    "clv": "common.glossary.clv",
    "p_alive": "common.glossary.p_alive",
    "cohort": "common.glossary.cohort",
}
GLOSSARY_TERMS = tuple(_GLOSSARY)


def render(bullets: Sequence[str], lang: str = "en") -> str:
    """The answer as Markdown: a heading and one bullet per sentence."""
    check_lang(lang)
    items = list(bullets) or [say("common.answer.no_answer", lang)]
    head = say("common.answer.heading", lang)
    return f"**{head}**\n\n" + "\n".join(f"- {b}" for b in items)


def answer_placeholder(lang: str = "en"):
    """Display the placeholder of the answer and return its handle (for :func:`show_answer`)."""
    from IPython.display import Markdown, display

    return display(Markdown(say("common.answer.pending", lang)), display_id=True)


class AnswerText(str):
    """The answer's Markdown, as :func:`show_answer` returns it: a string that IPython does
    not display again when it ends a cell (the answer is already shown at the top; its raw
    Markdown must not appear a second time in the page)."""

    def _ipython_display_(self) -> None:
        return None


def show_answer(handle, bullets: Sequence[str], lang: str = "en") -> str:
    """Fill the placeholder ``handle`` with the bullets (or display them when ``handle`` is
    None, e.g. outside a notebook); returns the Markdown (an :class:`AnswerText`)."""
    from IPython.display import Markdown, display

    text = render(bullets, lang)
    if handle is None:
        display(Markdown(text))
    else:
        handle.update(Markdown(text))
    return AnswerText(text)


def glossary(lang: str = "en", terms: Sequence[str] = GLOSSARY_TERMS) -> str:
    """The managers' glossary (AUC, interval, CLV, P(alive), cohort) as Markdown."""
    check_lang(lang)
    head = say("common.glossary.heading", lang)
    return f"### {head}\n\n" + "\n".join(f"- {say(_GLOSSARY[t], lang)}" for t in terms)


def fmt_signed(x: float, digits: int = 3) -> str:
    """``+0.012`` / ``−0.083`` (a real minus sign), as a reader sees a difference."""
    s = f"{abs(x):.{digits}f}"
    return ("−" if x < 0 and float(s) != 0 else "+") + s


def _ival(lo: float, hi: float, lang: str, fmt=fmt_signed) -> str:
    return say("common.answer.ival", lang, lo=fmt(lo), hi=fmt(hi))


def places_apart(lo: float, hi: float, places: int = 0, most: int = 2) -> int:
    """The fewest decimals from ``places`` (up to ``most``) at which ``lo`` and ``hi`` print
    differently: on a million users an interval can be narrower than the unit shown, and
    "−34 to −34" would read as no uncertainty at all."""
    while places < most and f"{lo:.{places}f}" == f"{hi:.{places}f}":
        places += 1
    return places


def _plain(x: float) -> str:
    return f"{x:.3f}"


# -- value index ------------------------------------------------------------------------


def value_index_bullets(
    verdict: pd.DataFrame,
    baselines: pd.DataFrame,
    *,
    horizon_days: int,
    label: str | None = None,
    lang: str = "en",
) -> list[str]:
    """The value-index report's answer from its :func:`~analysis.studies.validity.verdict_table`
    (claims ``predicts``, ``strongest``, ``learned``, ``incremental``; each decided
    ``above`` / ``below`` / ``equivalent`` / ``inconclusive``) and its baseline table (``score``,
    ``auc``): does the index predict, does it beat the strongest simple rule, are the preset
    weights right, does it add to what the brand knows — and what to do."""
    from analysis.studies.validity.verdict import baseline_name

    check_lang(lang)
    v = verdict.set_index("claim")
    if label is None:
        label = say("validity.verdict.preset_label", lang)
    Label = label[:1].upper() + label[1:] if lang == "en" else label
    auc_of = baselines.set_index("score")["auc"]
    bullets = []
    p = v.loc["predicts"]
    bullets.append(
        say(
            _VI_PREDICTS[p["decision"]],
            lang,
            label=Label,
            horizon=horizon_days,
            auc=_plain(p["estimate"]),
            ival=_ival(p["lo"], p["hi"], lang, _plain),
        )
    )
    base = None
    if "strongest" in v.index:
        s = v.loc["strongest"]
        base = baseline_name(s["against"], lang)
        bullets.append(
            say(
                _VI_STRONGEST[s["decision"]],
                lang,
                base=base,
                auc=_plain(auc_of.get("index", p["estimate"])),
                base_auc=_plain(auc_of[s["against"]]),
                diff=fmt_signed(s["estimate"]),
                ival=_ival(s["lo"], s["hi"], lang),
            )
        )
    for claim, keys in (("learned", _VI_LEARNED), ("incremental", _VI_INCREMENTAL)):
        if claim in v.index:
            r = v.loc[claim]
            bullets.append(
                say(
                    keys[r["decision"]],
                    lang,
                    diff=fmt_signed(r["estimate"]),
                    ival=_ival(r["lo"], r["hi"], lang),
                    margin=_plain(r["margin"]),
                )
            )
    if p["decision"] in ("equivalent", "below") or base is None:
        bullets.append(say("validity.answer.do.no_signal", lang))
    else:
        bullets.append(say(_VI_DO[v.loc["strongest", "decision"]], lang, base=base))
    return bullets


def label(key: str, lang: str = "en") -> str:
    """A category as a reader sees it (:func:`analysis.plots.base.readable`)."""
    from analysis.plots.base import readable

    return readable(key, lang)


def pct(x: float) -> str:
    """A share as a reader reads it: ``0.431`` → ``43%``."""
    return f"{x:.0%}"


def money(x: float, currency: str = "CNY", lang: str = "en") -> str:
    """An amount with its currency: ``12,345 CNY``; in Chinese for CNY ``300 元``, and from
    ten thousand on in 万 as a Chinese reader reads it: ``1.2 万元``, ``66.4 万元``."""
    sign = "−" if x < 0 else ""
    if lang == "zh" and currency == "CNY":
        if round(abs(x)) >= 1e4:
            return f"{sign}{abs(x) / 1e4:,.1f} 万元"
        return f"{sign}{abs(x):,.0f} 元"
    return f"{sign}{abs(x):,.0f} {currency}"


# -- churn ------------------------------------------------------------------------------


def churn_bullets(
    metrics: pd.DataFrame,
    lift: pd.DataFrame,
    tiers: pd.DataFrame,
    *,
    model: str,
    users: int,
    base_rate: float,
    horizon_days: int,
    contact_cost: float,
    saved_value: float,
    save_rate: float,
    share: float = 0.1,
    currency: str = "CNY",
    margin: float | None = None,
    lang: str = "en",
) -> list[str]:
    """The churn report's answer from the test-window ``metrics`` (``score``, ``metric``,
    ``estimate``, ``lo``, ``hi``), the ``lift`` table (``score``, ``fraction``, ``gain``,
    ``lift``) and the decision ``tiers`` of the current at-risk list (``tier``, ``users``,
    ``expected_net``): how well the warning ranks (ROC AUC against chance, decided with the
    verdict's margin), how many churners the riskiest ``share`` reaches, which tiers pay for
    a contact — and what to do."""
    from analysis.i18n import AND_SEP, tr
    from analysis.studies.validity.verdict import AUC_MARGIN, decide

    check_lang(lang)
    margin = AUC_MARGIN if margin is None else margin
    m = metrics.loc[(metrics["score"] == model) & (metrics["metric"] == "roc_auc")].iloc[0]
    rank = decide(m["lo"], m["hi"], margin=margin, null=0.5)
    bullets = [
        say(
            _CHURN_RANK[rank],
            lang,
            rate=pct(base_rate),
            horizon=horizon_days,
            auc=_plain(m["estimate"]),
            ival=_ival(m["lo"], m["hi"], lang, _plain),
            users=int(users),
        )
    ]
    if rank != "above":
        return bullets + [say("churn.answer.do.no_signal", lang)]
    ls = lift.loc[lift["score"] == model]
    at = ls.iloc[(ls["fraction"] - share).abs().argmin()]
    bullets.append(
        say(
            "churn.answer.reach",
            lang,
            share=pct(at["fraction"]),
            gain=pct(at["gain"]),
            lift=float(at["lift"]),
        )
    )
    cash = dict(
        cost=money(contact_cost, currency, lang),
        value=money(saved_value, currency, lang),
        save=pct(save_rate),
    )
    pays = tiers.loc[tiers["expected_net"] > 0]
    loses = tiers.loc[tiers["expected_net"] <= 0]
    names = lambda t: AND_SEP[lang].join(tr(x, lang) for x in t["tier"])  # noqa: E731
    if pays.empty:
        bullets.append(say("churn.answer.pays_none", lang, **cash))
        return bullets + [say("churn.answer.do.none", lang)]
    n_pay = int(pays["users"].sum())
    if loses.empty:
        bullets.append(
            say(
                "churn.answer.pays_all",
                lang,
                users=n_pay,
                net=money(pays["expected_net"].sum(), currency, lang),
                **cash,
            )
        )
    else:
        bullets.append(
            say(
                "churn.answer.pays",
                lang,
                tiers=names(pays),
                rest=names(loses),
                users=n_pay,
                net=money(pays["expected_net"].sum(), currency, lang),
                loss=money(-loses["expected_net"].sum(), currency, lang),
                **cash,
            )
        )
    # the riskiest paying tier first: the one with the highest net per user
    first = pays.assign(per=pays["expected_net"] / pays["users"]).sort_values("per").iloc[-1:]
    bullets.append(
        say(
            "churn.answer.do.contact",
            lang,
            tiers=names(first),
            users=int(first["users"].sum()),
            save=pct(save_rate),
        )
    )
    return bullets


# -- data overview ----------------------------------------------------------------------

_REVENUE = {
    "up": "overview.answer.revenue.up",
    "down": "overview.answer.revenue.down",
    "flat": "overview.answer.revenue.flat",
}


def overview_bullets(
    table_summary: pd.DataFrame,
    mix: pd.DataFrame,
    orders_by_period: pd.DataFrame,
    *,
    months: int = 3,
    flat: float = 0.05,
    currency: str = "CNY",
    lang: str = "en",
) -> list[str]:
    """The data overview's answer from its table summary (``table``, ``users``, ``first``,
    ``last``), the channel × hook ``mix`` (``channel``, ``hook``, ``contacts``) and the
    orders per period (``net``, ``gross``, ``refunded``): how many contacts and buyers over
    which dates, where most come from, how net revenue of the last ``months`` periods
    compares with the ``months`` before (a change within ±``flat`` reads as the same), and
    what to do."""

    check_lang(lang)
    t = table_summary.set_index("table")
    contacts = int(t.loc["contacts", "users"])
    buyers = int(t.loc["orders", "users"]) if "orders" in t.index else 0
    first = str(t["first"].min())[:10]
    last = str(t["last"].max())[:10]
    bullets = [
        say(
            "overview.answer.size",
            lang,
            contacts=contacts,
            first=first,
            last=last,
            buyers=buyers,
            share=pct(buyers / contacts) if contacts else "–",
            orders=int(t.loc["orders", "rows"]) if "orders" in t.index else 0,
        )
    ]
    if len(mix) and mix["contacts"].sum() > 0:
        total = mix["contacts"].sum()
        ch = mix.groupby("channel")["contacts"].sum().sort_values(ascending=False)
        hk = mix.groupby("hook")["contacts"].sum().sort_values(ascending=False)
        bullets.append(
            say(
                "overview.answer.mix",
                lang,
                channel=label(ch.index[0], lang),
                channel_share=pct(ch.iloc[0] / total),
                hook=label(hk.index[0], lang),
                hook_share=pct(hk.iloc[0] / total),
            )
        )
    o = orders_by_period
    if len(o) >= 2 * months:
        recent, before = o["net"].iloc[-months:].sum(), o["net"].iloc[-2 * months : -months].sum()
        if before > 0:
            change = recent / before - 1
            trend = "flat" if abs(change) <= flat else ("up" if change > 0 else "down")
            bullets.append(
                say(
                    _REVENUE[trend],
                    lang,
                    k=months,
                    net=money(recent, currency, lang),
                    change=pct(abs(change)) if trend != "flat" else f"{change:+.0%}",
                    refund=pct(o["refunded"].sum() / o["gross"].sum()),
                )
            )
    bullets.append(say("overview.answer.do", lang, contacts=contacts))
    return bullets


# -- behaviours -------------------------------------------------------------------------


def behaviours_bullets(
    confirmation: pd.DataFrame,
    *,
    tested: int,
    declared: int,
    alpha: float,
    view: str,
    lang: str = "en",
) -> list[str]:
    """The behaviours report's answer from its out-of-time confirmation table (one row per
    behaviour declared on the discovery period, ``holds`` on the later one): how many held,
    the strongest that goes with staying and with leaving, and what to do."""
    from analysis.studies.behaviours import behaviour_phrase, best_behaviours, threshold_reading

    check_lang(lang)
    held = int(confirmation["holds"].sum()) if len(confirmation) else 0
    if not held:
        return [
            say("behaviours.answer.none", lang, tested=tested, alpha=pct(alpha)),
            say("behaviours.answer.do.none", lang),
        ]
    bullets = [
        say(
            "behaviours.answer.held",
            lang,
            held=held,
            declared=declared,
            tested=tested,
            alpha=pct(alpha),
        )
    ]
    best = best_behaviours(confirmation, n=1)
    worst = best_behaviours(confirmation, n=1, positive=False)
    for key, rows in (("behaviours.answer.best", best), ("behaviours.answer.worst", worst)):
        if len(rows):
            text = threshold_reading(rows.iloc[0], view=view, lang=lang)
            bullets.append(say(key, lang, text=text))
    if len(best):
        r = best.iloc[0]
        phrase = behaviour_phrase(r["unit"], r["k"], r["d"], view=view, lang=lang)
        bullets.append(say("behaviours.answer.do", lang, phrase=phrase))
    else:
        bullets.append(say("behaviours.answer.do.none", lang))
    return bullets


# -- ltv --------------------------------------------------------------------------------

_GIVEAWAY = {
    "below": "ltv.answer.giveaway.below",
    "above": "ltv.answer.giveaway.above",
    "same": "ltv.answer.giveaway.same",
}


def _compare(a: pd.Series, b: pd.Series) -> str:
    """``below`` / ``above`` when the 95% intervals of two means do not overlap, else
    ``same`` (a conservative reading: overlapping intervals may still differ)."""
    if a["mean_upper"] < b["mean_lower"]:
        return "below"
    if a["mean_lower"] > b["mean_upper"]:
        return "above"
    return "same"


def ltv_bullets(
    by_channel: pd.DataFrame,
    giveaway: pd.DataFrame,
    concentration: pd.DataFrame,
    *,
    holdout_error_pct: float,
    horizon: float,
    unit: str,
    top_share: float = 0.2,
    currency: str = "CNY",
    lang: str = "en",
) -> list[str]:
    """The LTV report's answer from the CLV per contact by channel and by giveaway event
    (``metric``, ``mean``, ``mean_lower``, ``mean_upper``), the concentration curve
    (``top_share``, ``value_share``) and the holdout error of the repeat-purchase forecast:
    can the forecast be trusted, which channels bring valuable contacts, are giveaway
    contacts worth less, how concentrated is the value — and what to do."""
    from analysis.i18n import tr

    check_lang(lang)
    cash = lambda x: money(x, currency, lang)  # noqa: E731
    ival = lambda r: say(  # noqa: E731
        "common.answer.ival", lang, lo=cash(r["mean_lower"]), hi=cash(r["mean_upper"])
    )
    when = dict(horizon=f"{horizon:g}", unit=tr(unit, lang))
    bullets = [say("ltv.answer.holdout", lang, error=holdout_error_pct)]
    ch = by_channel.loc[by_channel["metric"] == "clv"].sort_values("mean")
    differ = False
    if len(ch) >= 2:
        worst, best = ch.iloc[0], ch.iloc[-1]
        differ = _compare(best, worst) == "above"
        bullets.append(
            say(
                "ltv.answer.channel.differ" if differ else "ltv.answer.channel.same",
                lang,
                best=label(best["channel"], lang),
                mean=cash(best["mean"]),
                ival=ival(best),
                worst=label(worst["channel"], lang),
                wmean=cash(worst["mean"]),
                wival=ival(worst),
                **when,
            )
        )
    g = giveaway.loc[giveaway["metric"] == "clv"].set_index("giveaway_event")
    if True in g.index and False in g.index:
        yes, no = g.loc[True], g.loc[False]
        bullets.append(
            say(
                _GIVEAWAY[_compare(yes, no)],
                lang,
                yes=cash(yes["mean"]),
                yival=ival(yes),
                no=cash(no["mean"]),
                nival=ival(no),
                ratio=pct(yes["mean"] / no["mean"]),
            )
        )
    if len(concentration):
        c = concentration.iloc[(concentration["top_share"] - top_share).abs().argmin()]
        bullets.append(
            say(
                "ltv.answer.concentration",
                lang,
                top=pct(c["top_share"]),
                share=pct(c["value_share"]),
            )
        )
    if differ:
        bullets.append(say("ltv.answer.do.channel", lang, best=label(ch.iloc[-1]["channel"], lang)))
    else:
        bullets.append(say("ltv.answer.do.same", lang))
    return bullets


# -- segments and flow ------------------------------------------------------------------

#: The action each supported claim of the essay calls for (claims as in
#: :func:`analysis.studies.cohorts.essay_claims`).
_CLAIM_ACTIONS = {
    "giveaway users retain less": "flow.answer.do.giveaway",
    "screened in 1:1 retain better": "flow.answer.do.screening",
}


def segments_bullets(
    claims: pd.DataFrame,
    *,
    age_months: int,
    spend_days: float,
    currency: str = "CNY",
    lang: str = "en",
) -> list[str]:
    """The segments-and-flow report's answer from its essay-claims table (``claim``,
    ``metric``, ``group_a``/``value_a``, ``group_b``/``value_b``, ``effect``, ``lo``, ``hi``,
    ``verdict`` of ``supported`` / ``contradicted`` / ``inconclusive``): each claim in
    plain words with its size and interval, then the actions of the supported ones."""
    from analysis.i18n import tr

    check_lang(lang)
    cash = lambda x: money(x, currency, lang)  # noqa: E731
    signed = lambda x: ("+" if x >= 0 else "") + cash(x)  # noqa: E731
    bullets = []
    for r in claims.itertuples():
        common = dict(
            claim=tr(r.claim, lang)[:1].upper() + tr(r.claim, lang)[1:],
            group_a=label(r.group_a, lang),
            group_b=label(r.group_b, lang),
            verdict=tr(r.verdict, lang),
        )
        if str(r.metric).startswith("retained"):
            d = places_apart(100 * r.lo, 100 * r.hi)
            bullets.append(
                say(
                    "flow.answer.claim.retention",
                    lang,
                    value_a=pct(r.value_a),
                    value_b=pct(r.value_b),
                    effect=fmt_signed(100 * r.effect, d),
                    ival=_ival(100 * r.lo, 100 * r.hi, lang, lambda x, d=d: fmt_signed(x, d)),
                    age=age_months,
                    **common,
                )
            )
        else:
            bullets.append(
                say(
                    "flow.answer.claim.spend",
                    lang,
                    value_a=cash(r.value_a),
                    value_b=cash(r.value_b),
                    effect=signed(r.effect),
                    ival=_ival(r.lo, r.hi, lang, signed),
                    days=f"{spend_days:g}",
                    **common,
                )
            )
    supported = claims.loc[claims["verdict"] == "supported", "claim"]
    from analysis.i18n import CLAUSE_SEP

    actions = [say(_CLAIM_ACTIONS[c], lang) for c in supported if c in _CLAIM_ACTIONS]
    if not actions:
        return bullets + [say("flow.answer.do.none", lang)]
    return bullets + [say("flow.answer.do", lang, actions=CLAUSE_SEP[lang].join(actions))]


# -- touches ----------------------------------------------------------------------------

_DOSE = {
    "above": "touch.answer.dose.above",
    "below": "touch.answer.dose.below",
    "same": "touch.answer.dose.same",
}
_FLOOD = {
    "above": "touch.answer.flood.above",
    "below": "touch.answer.flood.below",
    "same": "touch.answer.flood.same",
}
_CARE = {
    "above": "touch.answer.care.higher",
    "below": "touch.answer.care.lower",
    "same": "touch.answer.care.same",
}


def _sign(lo: float, hi: float) -> str:
    """``above`` / ``below`` when the interval lies on one side of zero, else ``same``."""
    return "above" if lo > 0 else ("below" if hi < 0 else "same")


def touches_bullets(
    fatigue: pd.DataFrame,
    care: pd.DataFrame,
    *,
    flood_threshold: int,
    lang: str = "en",
) -> list[str]:
    """The touches report's answer from the fatigue hazard (``term`` ``dose`` and ``flood``
    with ``estimate``, ``lo``, ``hi``: excess departures per contact a day) and the care
    effect (row ``silent``: ``cared_rate``, ``uncared_rate``, ``difference``, ``lo``,
    ``hi``): does promo before the first purchase drive users away, do floods, does care keep
    users from going silent — and what to do (observational: test each change)."""
    from analysis.i18n import CLAUSE_SEP

    check_lang(lang)
    per_k = lambda x: fmt_signed(1000 * x, 2)  # noqa: E731
    f = fatigue.set_index("term")
    bullets, actions = [], []
    for term, keys, act in (
        ("dose", _DOSE, "touch.answer.act.promo"),
        ("flood", _FLOOD, "touch.answer.act.flood"),
    ):
        if term in f.index:
            r = f.loc[term]
            side = _sign(r["lo"], r["hi"])
            bullets.append(
                say(
                    keys[side],
                    lang,
                    est=per_k(r["estimate"]),
                    ival=_ival(r["lo"], r["hi"], lang, per_k),
                    threshold=flood_threshold,
                )
            )
            if side == "above":
                actions.append(say(act, lang, threshold=flood_threshold))
    c = care.set_index("outcome")
    if "silent" in c.index:
        r = c.loc["silent"]
        side = _sign(r["lo"], r["hi"])
        points = lambda x: fmt_signed(100 * x, 1)  # noqa: E731
        bullets.append(
            say(
                _CARE[side],
                lang,
                cared=pct(r["cared_rate"]),
                uncared=pct(r["uncared_rate"]),
                diff=points(r["difference"]),
                ival=_ival(r["lo"], r["hi"], lang, points),
            )
        )
        if side == "below":
            actions.append(say("touch.answer.act.care", lang))
    if actions:
        return bullets + [say("touch.answer.do", lang, actions=CLAUSE_SEP[lang].join(actions))]
    return bullets + [say("touch.answer.do.none", lang)]
