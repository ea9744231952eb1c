"""The computed answer every report opens with (analysis.reports.summary)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.reports import summary as S

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.py"))
# the reports converted so far (all seven when the issue is done)
ANSWERED = [p for p in NOTEBOOKS if p.stem in {"value-index-retention", "churn"}]


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
    for lang in ("en", "zh"):
        g = S.glossary(lang)
        for term in ("AUC", "CLV", "P(alive)"):
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
