"""The plain-language conclusion of the study, computed from its tables (never typed by hand).

Every claim is a **three-way decision with a smallest effect that matters** (``margin``, an
AUC difference; default :data:`AUC_MARGIN`) — :func:`decide`:

* the interval clears the margin (lower end above ``null + margin``): "predicts" / "better" /
  "adds" (or, below ``null - margin``, the opposite direction: "worse");
* the interval lies inside the equivalence margin ``(null - margin, null + margin)``:
  "does not predict" / "no different" / "adds nothing" — shown absent, not merely unproven;
* otherwise "inconclusive — more data needed", with the number of users that would decide it
  (:func:`users_to_decide`).

For the AUC of the index ``null`` is 0.5; for a difference of AUCs it is 0. The decisions of a
whole study are one table (:func:`verdict_table`), which the sentences (:func:`verdict`) and the
study of the study (``benchmarks/bench_verdict.py``) both read.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: The smallest AUC difference that matters. Defended default: 0.03 — below it a score
#: reorders fewer than 3 in 100 pairs of one retained and one lost user, too few to change
#: whom a retention campaign targets; and it is about the half-width of the bootstrap
#: interval at the sample's size (≈ 5,000 users), so absence can be shown at that size at all.
AUC_MARGIN = 0.03

DECISIONS = ("above", "below", "equivalent", "inconclusive")


def decide(lo: float, hi: float, *, margin: float = AUC_MARGIN, null: float = 0.0) -> str:
    """``"above"`` when the interval ``[lo, hi]`` lies above ``null + margin``, ``"below"``
    when it lies below ``null - margin``, ``"equivalent"`` when it lies strictly inside
    ``(null - margin, null + margin)``, else ``"inconclusive"``."""
    if not margin >= 0:
        raise ValueError(f"margin must be 0 or more, got {margin}")
    if lo > hi:
        raise ValueError(f"interval [{lo}, {hi}] has its lower end above its upper end")
    # distances from the null, rounded so that an end exactly on the margin (0.53 − 0.5)
    # does not clear it by a floating-point hair
    dlo, dhi = round(lo - null, 12), round(hi - null, 12)
    if dlo > margin:
        return "above"
    if dhi < -margin:
        return "below"
    if dlo > -margin and dhi < margin:
        return "equivalent"
    return "inconclusive"


def users_to_decide(
    est: float, lo: float, hi: float, n: int, *, margin: float = AUC_MARGIN, null: float = 0.0
) -> float:
    """Users a study like this one would need so that the interval around ``est`` clears the
    nearer boundary (``null ± margin``): the interval's half-width shrinks as 1/√n, so
    ``n · (half-width / distance to the boundary)²``. ``n`` when already decided; infinite
    when ``est`` lies on a boundary; NaN when ``n`` is unknown (NaN)."""
    if n != n:
        return float("nan")
    if decide(lo, hi, margin=margin, null=null) != "inconclusive":
        return float(n)
    half = (hi - lo) / 2
    gap = round(abs(abs(est - null) - margin), 12)
    if gap == 0:
        return math.inf
    return float(math.ceil(round(n * (half / gap) ** 2, 6)))


def _fmt(x: float) -> str:
    return f"{x:.2f}".replace("-", "−").replace("−0.00", "0.00")


def _fmt3(x: float) -> str:
    return f"{x:+.3f}".replace("-", "−")


def _ival(lo: float, hi: float) -> str:
    return f"[{_fmt(lo)}, {_fmt(hi)}]"


def index_label(weights, *, lang: str = "en") -> str:
    """How the readings name the index of ``weights``: "the expansion-weighted index" for a
    preset (its name), "the custom-weighted index" for a mapping of weights."""
    from analysis.i18n import say, tr

    name = weights if isinstance(weights, str) else "custom"
    return say("validity.label", lang, weights=tr(name, lang))


def verdict_table(
    auc_table: pd.DataFrame,
    baselines: pd.DataFrame | None = None,
    incremental: pd.DataFrame | None = None,
    *,
    margin: float = AUC_MARGIN,
) -> pd.DataFrame:
    """Every claim of the verdict as one row: ``claim`` (``predicts``; ``strongest`` = the
    index against the strongest simple baseline; ``vs_<score>`` for each baseline;
    ``learned`` = the preset against cross-validated learned weights; ``incremental``),
    ``against`` (the baseline's name), ``estimate``, ``lo``, ``hi``, ``null``, ``margin``,
    ``decision`` (:func:`decide`), ``n`` and ``n_to_decide`` (:func:`users_to_decide`).

    Differences are AUC(index) − AUC(other), so ``below`` on ``learned`` means learned weights
    beat the preset by more than the margin: the preset's weights are wrong."""
    from analysis.studies.validity.compare import strongest_baseline

    rows = []

    def add(claim, against, est, lo, hi, null, n):
        n = float("nan") if n is None or pd.isna(n) else int(n)
        rows.append(
            dict(
                claim=claim,
                against=against,
                estimate=float(est),
                lo=float(lo),
                hi=float(hi),
                null=null,
                margin=float(margin),
                decision=decide(lo, hi, margin=margin, null=null),
                n=n,
                n_to_decide=users_to_decide(est, lo, hi, n, margin=margin, null=null),
            )
        )

    a = auc_table.iloc[0]
    add("predicts", "chance", a["auc"], a["lo"], a["hi"], 0.5, a.get("n"))
    if baselines is not None and len(baselines):
        b = baselines.set_index("score")
        best = strongest_baseline(baselines)
        if best is not None:
            r = b.loc[best]
            add("strongest", best, r["diff"], r["diff_lo"], r["diff_hi"], 0.0, r.get("n"))
        for k, r in b.iterrows():
            if k != "index":
                add(f"vs_{k}", k, r["diff"], r["diff_lo"], r["diff_hi"], 0.0, r.get("n"))
        if "learned" in b.index:
            r = b.loc["learned"]
            add("learned", "learned", r["diff"], r["diff_lo"], r["diff_hi"], 0.0, r.get("n"))
    if incremental is not None and len(incremental):
        r = incremental.iloc[0]
        add("incremental", "controls", r["auc_diff"], r["diff_lo"], r["diff_hi"], 0.0, r.get("n"))
    return pd.DataFrame(rows)


_HEAD = {
    "above": "validity.verdict.predicts",
    "below": "validity.verdict.opposite",
    "equivalent": "validity.verdict.chance",
    "inconclusive": "validity.verdict.undecided",
}
_REL = {
    "above": "validity.verdict.better",
    "below": "validity.verdict.worse",
    "equivalent": "validity.verdict.same",
    "inconclusive": "validity.verdict.unclear",
}
_LEARNED = {
    "above": "validity.verdict.learned_worse",
    "below": "validity.verdict.learned_better",
    "equivalent": "validity.verdict.learned_same",
    "inconclusive": "validity.verdict.learned_unclear",
}
_ADDS = {
    "above": "validity.verdict.adds",
    "below": "validity.verdict.hurts",
    "equivalent": "validity.verdict.not_adds",
    "inconclusive": "validity.verdict.adds_unclear",
}


_NAMES = {
    "spend": "validity.verdict.name_spend",
    "rfm": "validity.verdict.name_rfm",
    "equal": "validity.verdict.name_equal",
    "learned": "validity.verdict.name_learned",
    "recency": "validity.verdict.name_recency",
    "activity": "validity.verdict.name_activity",
    "tenure": "validity.verdict.name_tenure",
    "behaviour": "validity.verdict.name_behaviour",
}


def _name(score: str, lang: str) -> str:
    """How the verdict names a baseline score."""
    from analysis.i18n import say, tr

    return say(_NAMES[score], lang) if score in _NAMES else tr(score, lang)


#: How the verdict names a baseline score, for the reports' answer (analysis.reports.summary).
baseline_name = _name


def _more(row, lang: str) -> str:
    from analysis.i18n import say

    if row["decision"] != "inconclusive" or pd.isna(row["n"]):
        return ""
    need = row["n_to_decide"]
    if not np.isfinite(need) or need > 100 * row["n"]:
        return say("validity.verdict.more_data_many", lang, n=int(row["n"]))
    return say("validity.verdict.more_data", lang, need=int(need), n=int(row["n"]))


def verdict(
    auc_table: pd.DataFrame,
    baselines: pd.DataFrame | None = None,
    incremental: pd.DataFrame | None = None,
    *,
    horizon_days: int | None = None,
    label: str | None = None,
    margin: float = AUC_MARGIN,
    lang: str = "en",
) -> str:
    """A plain-language conclusion computed from the tables (never typed by hand): the
    decisions of :func:`verdict_table`, plain words first and the numbers after — does the
    index predict, how it compares with the strongest simple baseline and with each other
    baseline, whether learned weights show the preset wrong, and whether it adds to what the
    brand already knows. ``lang`` ("en" or "zh") picks the sentences of
    :data:`analysis.i18n.SENTENCES`; ``label`` defaults to "the preset index"."""
    from analysis.i18n import CLAUSE_SEP, SENTENCE_SEP, say, tr

    if label is None:
        label = say("validity.verdict.preset_label", lang)
    t = verdict_table(auc_table, baselines, incremental, margin=margin).set_index("claim")
    what = (
        say("validity.what", lang, horizon=horizon_days)
        if horizon_days
        else say("validity.what_any", lang)
    )
    a, h = auc_table.iloc[0], t.loc["predicts"]
    parts = [
        say(
            _HEAD[h["decision"]],
            lang,
            label=label[:1].upper() + label[1:]
            if lang == "en" and h["decision"] != "inconclusive"
            else label,
            what=what,
            auc=_fmt(a["auc"]),
            ival=_ival(a["lo"], a["hi"]),
            ci=f"{a['ci']:.0%}",
            lo=_fmt(0.5 - margin),
            hi=_fmt(0.5 + margin),
        )
        + _more(h, lang)
    ]
    if "strongest" in t.index:
        r = t.loc["strongest"]
        b = baselines.set_index("score").loc[r["against"]]
        parts.append(
            say(
                "validity.verdict.strongest",
                lang,
                name=_name(r["against"], lang),
                rel=say(_REL[r["decision"]], lang),
                auc=_fmt(b["auc"]),
                ival=_ival(b["lo"], b["hi"]),
                diff=_fmt(r["estimate"]),
                diff_ival=_ival(r["lo"], r["hi"]),
                margin=_fmt(margin),
            )
            + _more(r, lang)
        )
    others = t.loc[t.index.str.startswith("vs_")]
    if len(others):
        b = baselines.set_index("score")
        bits = [
            say(
                "validity.verdict.baseline",
                lang,
                name=_name(r["against"], lang),
                rel=say(_REL[r["decision"]], lang),
                auc=_fmt(b.loc[r["against"], "auc"]),
                diff=_fmt(r["estimate"]),
                diff_ival=_ival(r["lo"], r["hi"]),
            )
            for _, r in others.iterrows()
            if not r["against"].startswith("only_") and r["against"] != "learned"
        ]
        singles = b.loc[[i for i in b.index if i.startswith("only_")]]
        if len(singles):
            best = singles["auc"].idxmax()
            bits.append(
                say(
                    "validity.verdict.best_single",
                    lang,
                    value=tr(best.removeprefix("only_"), lang),
                    auc=_fmt(singles.loc[best, "auc"]),
                )
            )
        if bits:
            parts.append(say("validity.verdict.same_users", lang, bits=CLAUSE_SEP[lang].join(bits)))
    if "learned" in t.index:
        r = t.loc["learned"]
        parts.append(
            say(
                _LEARNED[r["decision"]],
                lang,
                gain=_fmt(-r["estimate"]),
                ival=_ival(-r["hi"], -r["lo"]),
            )
            + _more(r, lang)
        )
    if "incremental" in t.index:
        r = t.loc["incremental"]
        inc = incremental.iloc[0]
        parts.append(
            say(
                "validity.verdict.incremental",
                lang,
                adds=say(_ADDS[r["decision"]], lang),
                p=inc["lr_p"],
                odds=_fmt(inc["odds_ratio_per_sd"]),
                or_ival=_ival(inc["or_lo"], inc["or_hi"]),
                without=_fmt(inc["auc_without"]),
                with_=_fmt(inc["auc_with"]),
                diff=r["estimate"],
                lo=r["lo"],
                hi=r["hi"],
            )
            + _more(r, lang)
        )
    parts.append(say("validity.verdict.margin", lang, margin=_fmt(margin)))
    return SENTENCE_SEP[lang].join(parts)
