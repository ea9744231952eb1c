"""The computed answer every report opens with (analysis.reports.summary)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.reports import summary as S

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.py"))
ANSWERED = NOTEBOOKS


def _verdict(predicts=(0.665, 0.64, 0.69), strongest=(-0.083, -0.111, -0.054), learned=None):
    from analysis.studies.validity.verdict import decide

    rows = []
    for claim, against, est, null in [
        ("predicts", "chance", predicts, 0.5),
        ("strongest", "recency", strongest, 0.0),
        ("learned", "learned", learned or (0.0, -0.01, 0.01), 0.0),
        ("incremental", "controls", (0.001, -0.004, 0.006), 0.0),
    ]:
        e, lo, hi = est
        rows.append(
            dict(
                claim=claim,
                against=against,
                estimate=e,
                lo=lo,
                hi=hi,
                null=null,
                margin=0.03,
                decision=decide(lo, hi, margin=0.03, null=null),
                n=4000,
                n_to_decide=4000,
            )
        )
    return pd.DataFrame(rows)


BASELINES = pd.DataFrame({"score": ["index", "recency", "learned"], "auc": [0.665, 0.748, 0.665]})


def _vi(verdict, lang="en"):
    return S.value_index_bullets(verdict, BASELINES, horizon_days=90, lang=lang)


def test_value_index_worse_than_recency_says_rank_by_recency():
    b = _vi(_verdict())
    assert 3 <= len(b) <= 5
    assert b[0].startswith("The preset index does tell who is still active 90 days later")
    assert "AUC 0.665 (95% interval 0.640 to 0.690" in b[0]
    assert "does worse than a simpler rule" in b[1] and "days since the last activity" in b[1]
    assert "AUC 0.665 vs 0.748 (difference −0.083, 95% interval −0.111 to −0.054)" in b[1]
    assert "no better than the preset" in b[2]
    assert "adds nothing" in b[3]
    assert b[-1].startswith("**What to do:** rank users for retention work by days since")


def test_value_index_better_than_the_strongest_rule():
    b = _vi(_verdict(strongest=(0.08, 0.05, 0.11)))
    assert "It beats the best simple rule" in b[1]
    assert "difference +0.080" in b[1]
    assert b[-1] == "**What to do:** rank users for retention work by the index."


def test_value_index_no_different_and_inconclusive():
    same = _vi(_verdict(strongest=(0.005, -0.01, 0.02)))
    assert "does as well as the best simple rule" in same[1]
    assert "it is simpler and does as well" in same[-1]
    unclear = _vi(_verdict(strongest=(-0.01, -0.06, 0.04)))
    assert "cannot tell which is better" in unclear[1]
    assert "do not act on the index yet" in unclear[-1]


def test_value_index_no_signal_and_wrong_weights():
    chance = _vi(_verdict(predicts=(0.5, 0.49, 0.51)))
    assert "no better than a coin" in chance[0]
    assert chance[-1] == "**What to do:** do not use the index to pick whom to keep."
    reversed_ = _vi(_verdict(predicts=(0.4, 0.38, 0.42)))
    assert "wrong way round" in reversed_[0]
    assert reversed_[-1] == chance[-1]
    wrong = _vi(_verdict(learned=(-0.07, -0.09, -0.05)))
    assert "Weights learned from the data rank better" in wrong[2]
    preset = _vi(_verdict(learned=(0.07, 0.05, 0.09)))
    assert "The preset weights rank better" in preset[2]


def test_value_index_bullets_in_chinese_have_no_english_sentences():
    b = _vi(_verdict(), lang="zh")
    assert "距上次活跃天数" in b[1] and "−0.083" in b[1]
    assert b[-1].startswith("**建议：**")
    assert not re.search(r"[A-Za-z]{4,}", " ".join(b).replace("AUC", ""))


def test_render_and_glossary():
    md = S.render(["a", "b"], "en")
    assert md.splitlines()[0] == "**The answer in brief**"
    assert md.endswith("- a\n- b")
    assert "These data do not support an answer" in S.render([], "en")
    terms = {"en": ("AUC", "CLV", "P(alive)"), "zh": ("AUC", "CLV", "存活概率")}
    for lang in ("en", "zh"):
        g = S.glossary(lang)
        for term in terms[lang]:
            assert f"**{term}" in g
        assert g.count("\n- ") == 5
    assert S.fmt_signed(-0.0001) == "+0.000" and S.fmt_signed(-0.08) == "−0.080"


@pytest.mark.parametrize("nb", ANSWERED, ids=lambda p: p.stem)
def test_every_report_opens_with_the_answer_and_fills_it(nb):
    """The title cell holds the title only; the first cell after the parameters displays the
    answer's placeholder (nothing else shows between the title and the answer); a later cell
    fills it; the provenance is in the closing appendix."""
    import jupytext

    cells = jupytext.read(nb).cells
    md = [i for i, c in enumerate(cells) if c.cell_type == "markdown"]
    assert cells[md[0]].source.strip().count("\n") == 0, "the title cell holds only the title"
    params = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    assert md[0] < params and md[1] > params + 1
    assert "answer = answer_placeholder(lang)" in cells[params + 1].source
    fill = [i for i, c in enumerate(cells) if "show_answer(" in c.source]
    assert fill and fill[0] > params + 1
    appendix = [i for i, c in enumerate(cells) if "## Appendix" in c.source]
    prov = [i for i, c in enumerate(cells) if c.cell_type == "code" and "provenance(" in c.source]
    assert appendix and prov and prov[0] > appendix[0] > fill[0]


METRICS = pd.DataFrame(
    {
        "score": ["logistic", "logistic", "oracle"],
        "metric": ["roc_auc", "pr_auc", "roc_auc"],
        "estimate": [0.798, 0.64, 0.87],
        "lo": [0.777, 0.61, 0.85],
        "hi": [0.816, 0.68, 0.89],
    }
)
LIFT = pd.DataFrame(
    {"score": "logistic", "fraction": [0.05, 0.1, 0.2], "gain": [0.25, 0.433, 0.6]}
).assign(lift=lambda d: d["gain"] / d["fraction"])
TIERS = pd.DataFrame(
    {
        "tier": ["low risk", "medium risk", "high risk"],
        "users": [3799, 768, 431],
        "expected_net": [-8918.7, 2655.8, 9024.2],
    }
)


def _churn(metrics=METRICS, tiers=TIERS, lang="en", currency="CNY"):
    return S.churn_bullets(
        metrics,
        LIFT,
        tiers,
        model="logistic",
        users=4098,
        base_rate=0.18,
        horizon_days=90,
        contact_cost=5.0,
        saved_value=300.0,
        save_rate=0.1,
        currency=currency,
        lang=lang,
    )


def test_churn_bullets_rank_reach_pay_and_act():
    b = _churn()
    assert len(b) == 4
    assert b[0].startswith("18% of users go silent within 90 days; the early warning ranks")
    assert "AUC 0.798 (95% interval 0.777 to 0.816)" in b[0] and "4,098 users" in b[0]
    assert b[1].startswith("Contacting the riskiest 10% of users reaches 43% of those")
    assert "4.3 times" in b[1]
    assert "5 CNY a contact and 300 CNY" in b[2]
    assert "the medium risk and high risk tier (1,199 users today)" in b[2]
    assert "net 11,680 CNY" in b[2] and "low risk tier would lose 8,919 CNY" in b[2]
    assert b[3].startswith("**What to do:** work the at-risk list from the top, high risk tier")
    assert "(431 users)" in b[3]
    assert "USD a contact" in _churn(currency="USD")[2]
    zh = _churn(lang="zh")
    assert "5 元" in zh[2] and zh[3].startswith("**建议：**")


def test_churn_bullets_when_no_tier_pays_or_all_pay():
    none = _churn(tiers=TIERS.assign(expected_net=-1.0))
    assert "no risk tier pays" in none[2]
    assert none[3].startswith("**What to do:** do not run a retention outreach")
    every = _churn(tiers=TIERS.assign(expected_net=10.0))
    assert "contacting every tier (4,998 users today) is expected to net 30 CNY" in every[2]


def test_churn_bullets_when_the_warning_does_not_rank():
    chance = METRICS.assign(estimate=0.5, lo=0.49, hi=0.51)
    b = _churn(metrics=chance)
    assert "no better than chance" in b[0]
    assert b[-1].startswith("**What to do:** do not use the warning")
    unclear = _churn(metrics=METRICS.assign(estimate=0.55, lo=0.5, hi=0.6))
    assert "cannot be told yet" in unclear[0] and len(unclear) == 2
    wrong = _churn(metrics=METRICS.assign(estimate=0.4, lo=0.38, hi=0.42))
    assert "wrong way round" in wrong[0]


def _summary_table():
    return pd.DataFrame(
        {
            "table": ["contacts", "events", "orders"],
            "rows": [8067, 338244, 18644],
            "users": [8067, 8067, 4361],
            "first": ["2025-01-01 02:07+08:00", "2024-12-02 13:36+08:00", "2025-01-05"],
            "last": ["2026-06-30 23:58+08:00", "2026-06-30 23:59+08:00", "2026-06-30"],
        }
    )


MIX = pd.DataFrame(
    {
        "channel": ["douyin", "douyin", "offline_store"],
        "hook": ["coupon", "merch", "coupon"],
        "contacts": [50, 10, 40],
    }
)


def _orders(net):
    net = pd.Series(net, dtype=float)
    return pd.DataFrame({"net": net, "gross": net * 1.1, "refunded": net * 0.1})


def test_overview_bullets_size_mix_trend_and_action():
    b = S.overview_bullets(_summary_table(), MIX, _orders([100] * 3 + [130] * 3))
    assert b[0] == (
        "8,067 contacts from 2024-12-02 to 2026-06-30; 4,361 of them (54%) bought at least "
        "once, in 18,644 orders."
    )
    assert b[1] == "Most contacts come from douyin (60% of all) and through the hook coupon (90%)."
    assert b[2].startswith("Net revenue over the last 3 months was 390 CNY, up 30% on the 3")
    assert "refunds took 9% of gross" in b[2]
    assert b[3].startswith("**What to do:** check these counts")
    down = S.overview_bullets(_summary_table(), MIX, _orders([100] * 3 + [70] * 3))
    assert "down 30%" in down[2]
    flat = S.overview_bullets(_summary_table(), MIX, _orders([100] * 3 + [102] * 3))
    assert "about the same as the 3 months before (+2%)" in flat[2]
    short = S.overview_bullets(_summary_table(), MIX, _orders([100] * 5))
    assert len(short) == 3  # too few periods to compare: no revenue bullet
    zh = S.overview_bullets(_summary_table(), MIX, _orders([100] * 6), lang="zh")
    assert "抖音" in zh[1] and "元" in zh[2]


def _conf(diffs):
    """A confirmation table with one held behaviour per diff (and one that did not hold)."""
    rows = []
    for i, d in enumerate([*diffs, 0.3]):
        rows.append(
            dict(
                unit=f"value:{['experience', 'social', 'content', 'innovation'][i]}",
                k=1,
                d=30,
                reach_conf=0.5,
                retention_did_conf=0.7 + d / 2,
                retention_not_conf=0.7 - d / 2,
                phi_conf=d,
                diff_conf=d,
                diff_lo_conf=d - 0.02,
                diff_hi_conf=d + 0.02,
                holds=i < len(diffs),
            )
        )
    return pd.DataFrame(rows)


def _be(table, lang="en"):
    return S.behaviours_bullets(
        table, tested=148, declared=len(table), alpha=0.05, view="onboarding", lang=lang
    )


def test_behaviours_bullets_best_worst_and_action():
    b = _be(_conf([0.1, 0.2, -0.15]))
    assert b[0].startswith("3 of the 4 early behaviours found on the earlier period held")
    assert b[1].startswith("Strongest with staying: users who had a social-value event")
    assert "difference +20.0 points" in b[1]  # the strongest, not the first
    assert b[2].startswith("Strongest with leaving: users who had a content-value event")
    assert b[3].startswith("**What to do:** nudge users toward the behaviour")
    only_bad = _be(_conf([-0.15]))
    assert not any("Strongest with staying" in x for x in only_bad)
    assert only_bad[-1].startswith("**What to do:** do not reward")
    none = _be(_conf([]))
    assert none[0].startswith("None of the 148 early behaviours") and len(none) == 2


def _seg(means):
    return pd.DataFrame(
        {
            "channel": [f"ch_{i}" for i in range(len(means))],
            "metric": "clv",
            "mean": [m for m, _, _ in means],
            "mean_lower": [lo for _, lo, _ in means],
            "mean_upper": [hi for _, _, hi in means],
        }
    )


def _give(yes, no):
    t = _seg([no, yes]).drop(columns="channel")
    return t.assign(giveaway_event=[False, True])


CONC = pd.DataFrame({"top_share": [0.1, 0.2, 0.5], "value_share": [0.4, 0.6, 0.9]})


def _ltv(channels, yes, no, lang="en"):
    return S.ltv_bullets(
        _seg(channels),
        _give(yes, no),
        CONC,
        holdout_error_pct=6.63,
        horizon=26,
        unit="weeks",
        lang=lang,
    )


def test_ltv_bullets_channels_giveaway_concentration_and_action():
    b = _ltv([(200, 180, 220), (86, 72, 101), (120, 100, 140)], (85, 70, 104), (150, 144, 157))
    assert b[0].endswith("was off by +6.6%.")
    assert b[1].startswith("Contacts from ch 0 are worth the most, 200 CNY each over the next 26")
    assert "those from ch 1 the least, 86 CNY (72 CNY to 101 CNY)" in b[1]
    assert b[2].startswith("Contacts from giveaway events are worth less: 85 CNY")
    assert "57% as much" in b[2]
    assert b[3] == "The top 20% of buyers hold 60% of the expected value."
    assert b[4].startswith("**What to do:** put acquisition money where") and "(ch 0)" in b[4]
    same = _ltv([(120, 90, 150), (100, 80, 125)], (150, 140, 160), (150, 144, 157))
    assert same[1].startswith("The channels cannot be told apart")
    assert "cannot be told apart from the others" in same[2]
    assert same[-1].startswith("**What to do:** do not move acquisition money")
    more = _ltv([(120, 90, 150)], (200, 170, 230), (150, 144, 157))
    assert "worth more" in more[1]


def _claims(*effects):
    base = [
        ("giveaway users retain less", "retained at month 3", "giveaway", "others"),
        ("giveaway users spend less", "net spend in first 180 days (CNY)", "giveaway", "others"),
        ("screened in 1:1 retain better", "retained at month 3", "screened", "straight_in"),
    ]
    rows = []
    for (claim, metric, a, b), (eff, lo, hi, verdict) in zip(base, effects):
        va, vb = (0.42, 0.42 - eff) if metric.startswith("retained") else (118, 118 - eff)
        rows.append(
            dict(claim=claim, metric=metric, group_a=a, value_a=va, group_b=b, value_b=vb)
            | dict(effect=eff, lo=lo, hi=hi, verdict=verdict)
        )
    return pd.DataFrame(rows)


def test_segments_bullets_claims_and_actions():
    t = _claims(
        (-0.32, -0.36, -0.28, "supported"),
        (-119.3, -146.8, -88.7, "supported"),
        (0.19, 0.17, 0.21, "supported"),
    )
    b = S.segments_bullets(t, age_months=3, spend_days=180)
    assert b[0].startswith("Giveaway users retain less: 42% of giveaway users are still active")
    assert "(−32 points, 95% interval −36 to −28) — supported." in b[0]
    assert "spend 118 CNY each in their first 180 days" in b[1]
    assert "(−119 CNY, 95% interval −147 CNY to −89 CNY)" in b[1]
    assert "straight in" in b[2]
    assert len(b) == 4 and b[3].startswith("**What to do:** judge giveaway events")
    assert "screening chat" in b[3]
    t2 = t.assign(verdict=["inconclusive", "supported", "contradicted"])
    b2 = S.segments_bullets(t2, age_months=3, spend_days=180)
    assert b2[-1].startswith("**What to do:** on these data none")
    zh = S.segments_bullets(t, age_months=3, spend_days=180, lang="zh")
    assert zh[-1].startswith("**建议：**") and "用户用户" not in "".join(zh)
    # an interval narrower than a point (a million users) is shown with a decimal
    narrow = S.segments_bullets(
        _claims(
            (-0.3402, -0.3431, -0.3374, "supported"),
            (-119.3, -146.8, -88.7, "supported"),
            (0.19, 0.17, 0.21, "supported"),
        ),
        age_months=3,
        spend_days=180,
    )
    assert "(−34.0 points, 95% interval −34.3 to −33.7)" in narrow[0]
    assert S.places_apart(-34.31, -34.29) == 2 and S.places_apart(-36, -28) == 0


def _fatigue(dose, flood):
    return pd.DataFrame(
        [dict(term="dose", estimate=dose[0], lo=dose[1], hi=dose[2])]
        + [dict(term="flood", estimate=flood[0], lo=flood[1], hi=flood[2])]
        + [dict(term="const", estimate=0.001, lo=0.0009, hi=0.0011)]
    )


def _care(diff, lo, hi):
    return pd.DataFrame(
        [
            dict(outcome="silent", cared_rate=0.3 + diff, uncared_rate=0.3)
            | dict(difference=diff, lo=lo, hi=hi),
            dict(outcome="repurchased", cared_rate=0.5, uncared_rate=0.5)
            | dict(difference=0.0, lo=-0.1, hi=0.1),
        ]
    )


def test_touches_bullets_harm_help_and_nothing():
    harm = S.touches_bullets(
        _fatigue((0.0005, 0.0003, 0.0007), (0.002, 0.001, 0.003)),
        _care(-0.1, -0.15, -0.05),
        flood_threshold=5,
    )
    assert harm[0].startswith("Each promo touch before the first purchase adds +0.50 departures")
    assert "(95% interval +0.30 to +0.70)" in harm[0]
    assert harm[1].startswith("A group flooded with brand messages (from 5 a day) changes depart")
    assert "by +2.00 a day" in harm[1]
    assert "went silent less often: 20% against 30% (−10.0 points" in harm[2]
    assert harm[3].startswith("**What to do:** hold promotions back until a user's first")
    assert "below 5 a day" in harm[3] and "keep the care message" in harm[3]
    nothing = S.touches_bullets(
        _fatigue((0.0001, -0.0001, 0.0003), (-0.001, -0.002, -0.0005)),
        _care(0.1, 0.05, 0.15),
        flood_threshold=5,
    )
    assert "no clear effect on departures" in nothing[0]
    assert "lose fewer members" in nothing[1]
    assert "went silent more often" in nothing[2]
    assert nothing[3].startswith("**What to do:** no change to the touches")


def _text_after_title(html_text: str) -> str:
    """The visible text of a rendered page from its first heading on."""
    import html as H

    body = html_text[html_text.index("<body") :]
    body = re.sub(r"<style.*?</style>|<script.*?</script>", "", body, flags=re.S)
    body = body[body.index("<h1") :]
    text = H.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
    return text.replace("¶", "").strip()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_built_summary_opens_with_the_filled_answer(tmp_path, lang):
    """Run the quickest report (data overview) for real: in the manager rendering the first
    text after the title is the answer, filled (not the placeholder), and the provenance
    table comes after the glossary at the end."""
    from analysis.i18n import say
    from analysis.i18n.prose import title_in
    from analysis.reports.build import discover, run_report

    report = next(r for r in discover() if r.name == "data-overview")
    run_report(report, tmp_path, parameters={"lang": lang})
    text = _text_after_title((tmp_path / "data-overview.summary.html").read_text("utf-8"))
    title = title_in(report.title, report.name, lang)  # the Chinese title in zh
    assert text.startswith(title)
    after = text[len(title) :].strip()
    assert after.startswith(say("common.answer.heading", lang)), after[:200]
    assert say("common.answer.pending", lang) not in text
    glossary = text.index(say("common.glossary.heading", lang))
    do = say("overview.answer.do", lang, contacts=8067).replace("**", "")  # bold: a tag
    assert glossary > text.index(do[:20])
