"""Tests for analysis.studies.ltv_checks and the checks it reads from analysis.studies.clv."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.studies import clv
from analysis.studies import ltv_checks as lc


def per_contact(seed: int = 0) -> pd.DataFrame:
    """Four channels: douyin clearly higher, three equal; hooks unrelated to value."""
    rng = np.random.default_rng(seed)
    n = 400
    channel = np.repeat(["douyin", "partner", "referral", "xiaohongshu"], n)
    clv_ = rng.gamma(2.0, 10.0, 4 * n) * np.where(channel == "douyin", 1.5, 1.0)
    return pd.DataFrame(
        {"channel": channel, "hook": np.tile(["coupon", "trial"], 2 * n), "clv": clv_}
    )


def test_segment_comparisons_welch_and_holm():
    data = per_contact()
    t = clv.segment_comparisons(data)
    assert t[["by", "segment"]].values.tolist() == [
        ["channel", "douyin"],
        ["channel", "partner"],
        ["channel", "referral"],
        ["channel", "xiaohongshu"],
        ["hook", "coupon"],
        ["hook", "trial"],
    ]
    d = t.iloc[0]
    inside = data["channel"] == "douyin"
    assert d["n"] == 400 and d["n_rest"] == 1200
    assert d["mean"] == pytest.approx(data.loc[inside, "clv"].mean())
    assert d["difference"] == pytest.approx(d["mean"] - data.loc[~inside, "clv"].mean())
    welch = stats.ttest_ind(data.loc[inside, "clv"], data.loc[~inside, "clv"], equal_var=False)
    assert d["p_value"] == pytest.approx(welch.pvalue)
    # Holm by hand: sorted p times (m - rank), running maximum, capped at 1
    p = t["p_value"].to_numpy()
    order = np.argsort(p)
    holm = np.minimum(1, np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p)))))
    expected = np.empty_like(p)
    expected[order] = holm
    np.testing.assert_allclose(t["p_holm"], expected)
    assert (t["p_holm"] >= t["p_value"]).all()
    # douyin is higher than the rest (and so each other channel is lower than a rest that
    # holds douyin); the hooks, unrelated to value, are not significant
    assert t.loc[0, "significant"] and t.loc[0, "difference"] > 0
    assert not t.loc[t["by"] == "hook", "significant"].any()


def test_holm_removes_what_chance_gives_many_comparisons():
    """Twenty equal segments: each alone has a 5% chance of p < 0.05; after Holm's adjustment
    none survive (on this seed two of them are below 0.05 unadjusted)."""
    rng = np.random.default_rng(1)
    data = pd.DataFrame(
        {"channel": np.repeat([f"c{i:02d}" for i in range(20)], 200), "clv": rng.gamma(2, 10, 4000)}
    )
    t = clv.segment_comparisons(data, by=["channel"])
    assert (t["p_value"] < 0.05).sum() >= 1
    assert not t["significant"].any()
    r = lc.SegmentTests(t)
    assert "stay significant after Holm's adjustment for making 20 comparisons at once: none" in (
        r.reading("en")
    )


def test_segment_tests_reading():
    r = lc.segment_tests(per_contact())
    text = r.reading("en")
    assert text.startswith("6 comparisons of mean CLV (each channel and each hook against all")
    held = int(r.table["significant"].sum())
    assert f"{held} stay significant" in text and "douyin higher (" in text
    assert "经 Holm 多重比较校正" in r.reading("zh")
    with pytest.raises(ValueError, match="column 'clv' is missing from the per-contact values"):
        clv.segment_comparisons(per_contact().drop(columns="clv"))
