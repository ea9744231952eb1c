"""Which behaviours predict retention: metrics, error control, out-of-time confirmation.

The counting lives in :mod:`analysis.aggregate.behaviours`; this module turns its 2×2
counts into what Amplitude Compass / Mixpanel Signal report — reach, PPV, NPV, phi — plus
what they do not: a confidence interval for the retention difference, multiple-testing
control over the whole grid, and a check on later cohorts.

Definitions, for one behaviour against the outcome ``retained`` (R):

* ``reach`` = share of users who did the behaviour;
* ``retention_did`` = P(R | did) = **PPV** (``ppv``); ``retention_not`` = P(R | did not);
* **NPV** (``npv``) = P(not R | did not) = 1 − ``retention_not`` (the share of non-doers who
  did not retain, as the product-analytics tools define it);
* ``phi`` = the Pearson correlation of the two binary variables,
  (n11·n00 − n10·n01) / √(n1· n0· n·1 n·0);
* ``diff`` = ``retention_did`` − ``retention_not`` with a **Newcombe hybrid-score
  interval** (method 10 of Newcombe 1998, built on the Wilson intervals of
  :func:`analysis.studies.stats.wilson_interval`);
* ``p_value`` = Pearson's χ² test of independence (1 df, no continuity correction:
  χ² = n·phi²). A behaviour is **tested** only when both groups exist and every expected
  cell count is at least ``min_expected`` (default 5), where the χ² approximation holds;
  untested behaviours get no p-value and cannot be declared significant.
* ``q_value`` — Benjamini–Hochberg adjusted p-values across all tested behaviours of the
  grid (per group), ``significant`` = ``q_value <= alpha``: the expected share of false
  discoveries among the behaviours declared significant is at most ``alpha``. The grid's
  behaviours are strongly positively dependent (nested windows and thresholds), a case in
  which BH is known to keep its level in practice; ``method="fdr_by"`` (Benjamini–Yekutieli)
  is valid under any dependence and is available for the cautious.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.data.vocab import VALUES
from analysis.i18n import SENTENCE_SEP, say, tr
from analysis.studies.scores import validate_weights
from analysis.studies.stats import newcombe_interval

__all__ = [
    "behaviour_metrics",
    "fdr_statement",
    "confirm_out_of_time",
    "best_behaviours",
    "behaviour_phrase",
    "threshold_reading",
    "value_alignment",
]

_KEYS = ["unit", "d", "k"]


def behaviour_metrics(
    counts: pd.DataFrame,
    *,
    ci: float = 0.95,
    alpha: float = 0.05,
    method: str = "fdr_bh",
    min_expected: float = 5.0,
) -> pd.DataFrame:
    """Reach, PPV, NPV, phi, the retention difference with its interval, and FDR control.

    ``counts`` is the output of :func:`analysis.aggregate.behaviours.behaviour_counts`.
    Returns a copy with the columns ``reach``, ``retention_did`` (= ``ppv``),
    ``retention_not``, ``npv``, ``base_rate``, ``phi``, ``diff``, ``diff_lo``, ``diff_hi``,
    ``lift`` (retention_did / base_rate), ``tested``, ``p_value``, ``q_value``,
    ``significant`` and ``fdr_method``; the multiple-testing family is every tested behaviour
    of a group (``counts.group``). The method and level are also in ``.attrs``.
    """
    from statsmodels.stats.multitest import multipletests

    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    need = {"n", "n_retained", "n_did", "n_did_retained"}
    if need - set(counts.columns):
        raise ValueError(f"counts lacks columns {sorted(need - set(counts.columns))}")
    out = counts.copy()
    n = out["n"].to_numpy("float64")
    r = out["n_retained"].to_numpy("float64")
    a = out["n_did"].to_numpy("float64")  # did
    a1 = out["n_did_retained"].to_numpy("float64")  # did & retained
    b = n - a  # did not
    b1 = r - a1  # did not & retained
    if np.any(a1 > a) or np.any(a > n) or np.any(b1 < 0) or np.any(b1 > b):
        raise ValueError(
            "inconsistent counts (n_did_retained <= n_did <= n and "
            "n_did_retained <= n_retained required)"
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["reach"] = a / n
        out["base_rate"] = r / n
        out["retention_did"] = np.where(a > 0, a1 / a, np.nan)
        out["retention_not"] = np.where(b > 0, b1 / b, np.nan)
        out["ppv"] = out["retention_did"]
        out["npv"] = 1 - out["retention_not"]
        den = np.sqrt(a * b * r * (n - r))
        a0, b0 = a - a1, b - b1
        phi = np.where(den > 0, (a1 * b0 - a0 * b1) / np.where(den > 0, den, 1), np.nan)
        out["phi"] = phi
        out["diff"] = out["retention_did"] - out["retention_not"]
        out["lift"] = out["retention_did"] / out["base_rate"]
        # the smallest expected cell count under independence
        expected_min = np.minimum(a, b) * np.minimum(r, n - r) / np.where(n > 0, n, 1)
    lo, hi = newcombe_interval(a1, a, b1, b, ci=ci)
    out["diff_lo"], out["diff_hi"] = lo, hi
    tested = (den > 0) & (expected_min >= min_expected)
    chi2 = n * np.square(np.nan_to_num(phi))
    p = np.where(tested, sps.chi2.sf(chi2, df=1), np.nan)
    out["tested"] = tested
    out["p_value"] = p
    q = np.full(len(out), np.nan)
    groups = out["group"] if "group" in out else pd.Series([None] * len(out))
    gcode = pd.factorize(groups, use_na_sentinel=False)[0]
    for g in np.unique(gcode):
        m = (gcode == g) & tested
        if m.any():
            q[m] = multipletests(p[m], alpha=alpha, method=method)[1]
    out["q_value"] = q
    out["significant"] = np.where(tested, q <= alpha, False)
    family = {g: int(((gcode == g) & tested).sum()) for g in np.unique(gcode)}
    out["fdr_method"] = [
        f"{method}, alpha {alpha:g}, family of {family[g]} tested behaviours" for g in gcode
    ]
    out.attrs.update({"alpha": alpha, "method": method, "ci": ci, "min_expected": min_expected})
    return out


def fdr_statement(metrics: pd.DataFrame, *, lang: str = "en") -> str:
    """One plain sentence per group on the error control of :func:`behaviour_metrics`."""
    method = metrics.attrs.get("method", "fdr_bh")
    alpha = metrics.attrs.get("alpha", 0.05)
    name = {"fdr_bh": "Benjamini–Hochberg", "fdr_by": "Benjamini–Yekutieli"}.get(method, method)
    parts = []
    groups = metrics["group"] if "group" in metrics else pd.Series([None] * len(metrics))
    for g, m in metrics.groupby(groups.fillna("all").to_numpy(), sort=False):
        n_all, n_test, n_sig = len(m), int(m["tested"].sum()), int(m["significant"].sum())
        label = "" if g == "all" else say("behaviours.fdr_group", lang, group=tr(str(g), lang))
        parts.append(
            say(
                "behaviours.fdr",
                lang,
                label=label,
                n_all=n_all,
                n_test=n_test,
                min_expected=metrics.attrs.get("min_expected", 5),
                name=tr(name, lang),
                alpha=alpha,
                n_sig=n_sig,
            )
        )
    return SENTENCE_SEP[lang].join(parts)


def confirm_out_of_time(
    discovery: pd.DataFrame,
    confirmation: pd.DataFrame,
    *,
    alpha: float = 0.05,
    method: str = "fdr_bh",
) -> pd.DataFrame:
    """Do the behaviours found on the earlier period hold on the later one?

    ``discovery`` and ``confirmation`` are :func:`behaviour_metrics` tables of the same grid
    on two periods (earlier join cohorts / cut-off, later ones). Every behaviour significant
    in discovery is re-tested on the confirmation data; the confirmatory family is just
    these behaviours (BH over them, ``alpha``). A behaviour **holds** when its confirmation
    q-value is at most ``alpha`` and its difference has the same sign as in discovery.

    One row per discovered behaviour: unit, kind, value, d, k and, with suffixes ``_disc``
    and ``_conf``, reach, retention_did, retention_not, phi, diff, diff_lo, diff_hi; then
    ``p_conf``, ``q_conf``, ``holds``, ``shrinkage`` (1 − diff_conf / diff_disc: the share of
    the discovered effect that did not come back; negative = it grew) and ``phi_ratio``.
    Sorted: holding behaviours first, by confirmation phi (strongest positive first).
    """
    from statsmodels.stats.multitest import multipletests

    cols = [
        "reach",
        "retention_did",
        "retention_not",
        "phi",
        "diff",
        "diff_lo",
        "diff_hi",
        "n_did",
        "n",
    ]
    disc = discovery.loc[discovery["significant"], ["unit", "kind", "value", "d", "k"] + cols]
    conf = confirmation[_KEYS + cols + ["tested", "p_value"]]
    out = disc.merge(conf, on=_KEYS, how="left", suffixes=("_disc", "_conf"))
    out = out.rename(columns={"p_value": "p_conf", "tested": "tested_conf"})
    out["tested_conf"] = out["tested_conf"].fillna(False).astype(bool)
    q = np.full(len(out), np.nan)
    m = out["tested_conf"].to_numpy()
    if m.any():
        q[m] = multipletests(out.loc[m, "p_conf"].to_numpy(), alpha=alpha, method=method)[1]
    out["q_conf"] = q
    same_sign = np.sign(out["diff_conf"]) == np.sign(out["diff_disc"])
    out["holds"] = m & (np.nan_to_num(q, nan=1.0) <= alpha) & same_sign.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["shrinkage"] = 1 - out["diff_conf"] / out["diff_disc"]
        out["phi_ratio"] = out["phi_conf"] / out["phi_disc"]
    out.attrs.update({"alpha": alpha, "method": method, "n_discovered": int(len(out))})
    return out.sort_values(["holds", "phi_conf"], ascending=[False, False], ignore_index=True)


def best_behaviours(
    table: pd.DataFrame,
    *,
    n: int = 5,
    by: str = "phi_conf",
    positive: bool = True,
    one_per_unit: bool = True,
) -> pd.DataFrame:
    """The ``n`` strongest behaviours of a :func:`confirm_out_of_time` table that hold
    (or of a :func:`behaviour_metrics` table that are significant, with ``by="phi"``),
    keeping only the best (k, d) of each unit when ``one_per_unit``. ``positive`` keeps
    behaviours that go with higher retention (the rewardable ones), strongest first;
    ``positive=False`` those that go with leaving, most negative first."""
    flag = "holds" if "holds" in table else "significant"
    t = table.loc[table[flag]]
    t = t.loc[t[by] > 0] if positive else t
    t = t.loc[t[by] < 0] if not positive else t
    t = t.sort_values(by, ascending=not positive)
    if one_per_unit:
        t = t.drop_duplicates("unit", keep="first")
    return t.head(n).reset_index(drop=True)


def behaviour_phrase(unit: str, k: int, d: float, *, view: str, lang: str = "en") -> str:
    """``"did <unit> at least k times in the first d days"`` in plain words."""
    if unit.startswith("type:"):
        what = tr(unit, lang) if lang != "en" else unit[5:].replace("_", " ")
        noun = say("behaviours.noun.type", lang, what=what)
    elif unit.startswith("value:"):
        noun = say("behaviours.noun.value", lang, what=tr(unit[6:], lang))
    if unit.startswith(("type:", "value:")) and lang == "en":
        noun = ("an " if noun[:1] in "aeiou" else "a ") + noun
    if not unit.startswith(("type:", "value:")):
        noun = say("behaviours.noun.order", lang)
    times = (
        say("behaviours.times.once", lang)
        if int(k) == 1
        else say("behaviours.times.many", lang, k=int(k))
    )
    if view == "onboarding":
        span = (
            say("behaviours.span.onboarding.one", lang)
            if d == 1
            else say("behaviours.span.onboarding", lang, d=d)
        )
    else:
        span = (
            say("behaviours.span.snapshot.one", lang)
            if d == 1
            else say("behaviours.span.snapshot", lang, d=d)
        )
    return say("behaviours.phrase", lang, noun=noun, times=times, span=span)


def threshold_reading(
    row: pd.Series | dict, *, view: str, suffix: str = "_conf", lang: str = "en"
) -> str:
    """A computed sentence for one behaviour, e.g. "users who had a helpful reply event at
    least 3 times in their first 14 days retain at 62% (95% CI of the difference …) vs 31%;
    reach 18%". ``suffix`` picks the period of a :func:`confirm_out_of_time` row (``""``
    for a :func:`behaviour_metrics` row)."""
    r = dict(row)
    g = lambda c: r[f"{c}{suffix}"]  # noqa: E731
    text = say(
        "behaviours.threshold",
        lang,
        phrase=behaviour_phrase(r["unit"], r["k"], r["d"], view=view, lang=lang),
        did=g("retention_did"),
        other=g("retention_not"),
        diff=g("diff") * 100,
        lo=g("diff_lo") * 100,
        hi=g("diff_hi") * 100,
        reach=g("reach"),
        phi=g("phi"),
    )
    if suffix == "_conf" and "diff_disc" in r:
        if r["shrinkage"] >= 0:
            text += say(
                "behaviours.threshold.shrunk",
                lang,
                diff=r["diff_disc"] * 100,
                shrink=r["shrinkage"],
            )
        else:
            text += say("behaviours.threshold.grew", lang, diff=r["diff_disc"] * 100)
    return text


def value_alignment(
    table: pd.DataFrame,
    *,
    weights="expansion",
    units: pd.DataFrame | None = None,
    by: str = "phi_conf",
) -> pd.DataFrame:
    """Hold the findings against a five-value weighting.

    ``table`` is a :func:`confirm_out_of_time` table (``by="phi_conf"``, confirmed =
    ``holds``) or a :func:`behaviour_metrics` table (``by="phi"``, confirmed =
    ``significant``). ``weights`` is a preset of :mod:`analysis.studies.scores` or a mapping.

    One row per value (VALUES order): ``weight``, ``weight_rank`` (1 = weighed most; ties
    share the best rank), ``n_confirmed`` (confirmed behaviours with positive effect that
    feed the value, any unit kind), ``best_phi`` (the strongest of them; NaN if none),
    ``best_behaviour`` (unit, k, d of it), ``evidence_rank`` (1 = strongest best_phi; values
    without a confirmed behaviour rank last) and ``share_of_top`` (share of the 10 strongest
    confirmed behaviours across all values that feed this value).
    """
    w = validate_weights(weights)
    flag = "holds" if "holds" in table else "significant"
    t = table.loc[table[flag] & (table[by] > 0) & table["value"].notna()]
    t = t.sort_values(by, ascending=False)
    top = t.head(10)
    rows = []
    for v in VALUES:
        tv = t.loc[t["value"] == v]
        best = tv.iloc[0] if len(tv) else None
        rows.append(
            {
                "value": v,
                "value_zh": VALUES[v],
                "weight": w[v],
                "n_confirmed": int(len(tv)),
                "best_phi": float(best[by]) if best is not None else np.nan,
                "best_behaviour": (
                    f"{best['unit']} ≥{int(best['k'])} in {best['d']:g}d"
                    if best is not None
                    else None
                ),
                "share_of_top": float((top["value"] == v).mean()) if len(top) else np.nan,
            }
        )
    out = pd.DataFrame(rows)
    out["weight_rank"] = out["weight"].rank(ascending=False, method="min").astype(int)
    out["evidence_rank"] = (
        out["best_phi"].fillna(-np.inf).rank(ascending=False, method="min").astype(int)
    )
    return out[
        [
            "value",
            "value_zh",
            "weight",
            "weight_rank",
            "n_confirmed",
            "best_phi",
            "best_behaviour",
            "evidence_rank",
            "share_of_top",
        ]
    ]
