"""The plain-language conclusion of the study, computed from its tables (never typed by hand)."""

from __future__ import annotations

import pandas as pd


def _fmt(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def _ival(lo: float, hi: float) -> str:
    return f"[{_fmt(lo)}, {_fmt(hi)}]"


def index_label(weights, *, lang: str = "en") -> str:
    """How the readings name the index of ``weights``: "the expansion-weighted index" for a
    preset (its name), "the custom-weighted index" for a mapping of weights."""
    from analysis.i18n import say, tr

    name = weights if isinstance(weights, str) else "custom"
    return say("validity.label", lang, weights=tr(name, lang))


def verdict(
    auc_table: pd.DataFrame,
    baselines: pd.DataFrame | None = None,
    incremental: pd.DataFrame | None = None,
    *,
    horizon_days: int | None = None,
    label: str | None = None,
    lang: str = "en",
) -> str:
    """A plain-language conclusion computed from the tables (never typed by hand).

    The index "predicts" when the lower end of its AUC interval is above 0.5, "does not
    predict better than chance" otherwise (and "predicts in the opposite direction" when the
    upper end is below 0.5). Baselines are named as better / worse / not distinguishable by
    whether the paired interval of the difference excludes 0. ``lang`` ("en" or "zh") picks
    the sentences of :data:`analysis.i18n.SENTENCES`; ``label`` defaults to "the preset index".
    """
    from analysis.i18n import CLAUSE_SEP, SENTENCE_SEP, say, tr

    if label is None:
        label = say("validity.verdict.preset_label", lang)
    a = auc_table.iloc[0]
    what = (
        say("validity.what", lang, horizon=horizon_days)
        if horizon_days
        else say("validity.what_any", lang)
    )
    common = dict(
        label=label.capitalize() if lang == "en" else label,
        what=what,
        auc=_fmt(a["auc"]),
        ival=_ival(a["lo"], a["hi"]),
    )
    if a["lo"] > 0.5:
        head = say("validity.verdict.predicts", lang, ci=f"{a['ci']:.0%}", **common)
    elif a["hi"] < 0.5:
        head = say("validity.verdict.opposite", lang, **common)
    else:
        head = say("validity.verdict.chance", lang, **common)
    parts = [head]
    if baselines is not None and len(baselines):
        b = baselines.set_index("score")
        bits = []
        for k, name in (
            ("spend", "validity.verdict.name_spend"),
            ("rfm", "validity.verdict.name_rfm"),
            ("equal", "validity.verdict.name_equal"),
            ("learned", "validity.verdict.name_learned"),
        ):
            if k not in b.index:
                continue
            r = b.loc[k]
            rel = (
                "validity.verdict.better"
                if r["diff_lo"] > 0
                else "validity.verdict.worse"
                if r["diff_hi"] < 0
                else "validity.verdict.same"
            )
            bits.append(
                say(
                    "validity.verdict.baseline",
                    lang,
                    name=say(name, lang),
                    auc=_fmt(r["auc"]),
                    ival=_ival(r["lo"], r["hi"]),
                    diff=_fmt(r["diff"]),
                    diff_ival=_ival(r["diff_lo"], r["diff_hi"]),
                    rel=say(rel, lang),
                )
            )
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
        if "learned" in b.index:
            r = b.loc["learned"]
            parts.append(
                say(
                    "validity.verdict.learned",
                    lang,
                    gain=_fmt(-r["diff"]),
                    ival=_ival(-r["diff_hi"], -r["diff_lo"]),
                )
            )
    if incremental is not None and len(incremental):
        r = incremental.iloc[0]
        adds = r["lr_p"] < 0.05 and r["diff_lo"] > 0
        parts.append(
            say(
                "validity.verdict.incremental",
                lang,
                adds=say("validity.verdict.adds" if adds else "validity.verdict.not_adds", lang),
                p=r["lr_p"],
                odds=_fmt(r["odds_ratio_per_sd"]),
                or_ival=_ival(r["or_lo"], r["or_hi"]),
                without=_fmt(r["auc_without"]),
                with_=_fmt(r["auc_with"]),
                diff=r["auc_diff"],
                lo=r["diff_lo"],
                hi=r["diff_hi"],
            )
        )
    return SENTENCE_SEP[lang].join(parts)
