"""The answer every report opens with: three to five computed bullets (the finding, its size
with its uncertainty in plain words, what to do), and the glossary the reports share.

A notebook runs top to bottom, but its answer needs the results of the whole study. Each
report therefore shows a placeholder right after its title (:func:`answer_placeholder`, an
``IPython`` display with an id) and fills it in its last cell (:func:`show_answer`) from the
result tables; the executed notebook and both HTML renderings carry the filled bullets at
the top. The bullets are built here, one function per report, from the tables the studies
return — never typed; the sentences are in :mod:`analysis.i18n.summary`.
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


def show_answer(handle, bullets: Sequence[str], lang: str = "en") -> str:
    """Fill the placeholder ``handle`` with the bullets (or display them when ``handle`` is
    None, e.g. outside a notebook); returns the Markdown."""
    from IPython.display import Markdown, display

    text = render(bullets, lang)
    if handle is None:
        display(Markdown(text))
    else:
        handle.update(Markdown(text))
    return text


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


def pct(x: float) -> str:
    """A share as a reader reads it: ``0.431`` → ``43%``."""
    return f"{x:.0%}"


def money(x: float, currency: str = "CNY", lang: str = "en") -> str:
    """An amount with its currency: ``12,345 CNY``; in Chinese ``12,345 元`` for CNY."""
    sign = "−" if x < 0 else ""
    if lang == "zh" and currency == "CNY":
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
