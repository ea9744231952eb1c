"""Persona cards: the merge rule for near-duplicate personas, channel mix, suggested use."""

import numpy as np
import pandas as pd
import pytest

from analysis.studies import personas as pe

VALUES = ["experience", "consumption", "social", "content", "innovation"]


def centroids(rows):
    return pd.DataFrame(rows, columns=VALUES, index=pd.RangeIndex(len(rows), name="persona"))


CENT = centroids(
    [
        [-0.6, -0.6, -0.6, -0.6, -0.4],  # 0: quiet
        [0.7, 0.8, 0.6, 0.6, -0.4],  # 1: consumption
        [0.7, 0.6, 0.6, 0.6, -0.3],  # 2: 0.25 SD from 1 -> merged into 1
        [0.0, 0.0, 0.0, 0.0, 2.0],  # 3: innovation
    ]
)
LABELS = pd.Series([0] * 4 + [1] * 3 + [2] * 2 + [3] * 1, index=[f"u{i}" for i in range(10)])


def test_merge_close_personas_rule():
    merged, table = pe.merge_close_personas(LABELS, CENT, max_distance=1.0)
    # 1 and 2 become one persona (5 users, now the largest), named after 1
    assert merged.tolist() == [1] * 4 + [0] * 5 + [2]
    assert table["merged_into"].tolist() == [1, 0, 0, 2]
    assert table.loc[1, "nearest"] == 2 and table.loc[2, "nearest"] == 1
    assert table.loc[1, "distance"] == pytest.approx(np.hypot(0.2, 0.1))
    # a threshold below their distance keeps all four apart
    kept, _ = pe.merge_close_personas(LABELS, CENT, max_distance=0.2)
    assert kept.tolist() == LABELS.tolist()
    with pytest.raises(ValueError, match="max_distance must be >= 0"):
        pe.merge_close_personas(LABELS, CENT, max_distance=-1)


def test_suggested_use():
    assert [pe.suggested_use(CENT.loc[i]) for i in range(4)] == [
        "quiet",
        "consumption",
        "experience",  # 0.7 on experience beats 0.6 on consumption
        "innovation",
    ]
    assert pe.suggested_use(pd.Series(0.1, index=VALUES)) == "average"
    assert pe.suggested_use(CENT.loc[1], threshold=0.9) == "average"


def test_persona_cards_and_reading():
    merged, table = pe.merge_close_personas(LABELS, CENT, max_distance=1.0)
    z = pd.DataFrame(
        np.repeat(CENT.to_numpy(), LABELS.value_counts().sort_index().to_numpy(), axis=0),
        index=LABELS.index,
        columns=VALUES,
    )
    contacts = pd.DataFrame(
        {"user_id": LABELS.index, "channel": ["douyin"] * 3 + ["partner"] * 6 + ["douyin"]}
    )
    spend = pd.Series(np.arange(10.0), index=LABELS.index)
    cards = pe.persona_cards(merged, contacts, standardised=z, spend=spend)
    assert cards["users"].tolist() == [5, 4, 1]
    assert cards["use"].tolist() == ["consumption", "quiet", "innovation"]
    assert cards["main_channel"].tolist() == ["partner", "douyin", "douyin"]
    assert cards.loc[0, "mix_partner"] == pytest.approx(1.0)
    assert cards.loc[1, "mix_douyin"] == pytest.approx(0.75)
    assert cards["mean_spend"].tolist() == pytest.approx([6.0, 1.5, 9.0])
    r = pe.PersonaCards(cards, merges=table, max_distance=1.0)
    assert r.reading("en") == (
        "Rule: personas whose centroids lie within 1 SD of each other (standardised five "
        "values) are one persona; 4 personas became 3. The closest pair, P2 and P3, is 0.2 SD "
        "apart. P1 (50% of users, mostly from partner, 100%): repurchase offers and membership "
        "benefits; P2 (40% of users, mostly from douyin, 75%): low-cost reactivation in groups, "
        "no 1:1 effort; P3 (10% of users, mostly from douyin, 100%): co-creation and beta tests."
    )
    assert "4 个画像合并后剩 3 个" in r.reading("zh")
    assert "共创与内测" in r.reading("zh")
