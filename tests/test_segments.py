"""RFM scores and segments, value tiers, personas (golden numbers + stability)."""

import numpy as np
import pandas as pd
import pytest

from analysis.data.vocab import VALUES
from analysis.studies import segments as seg

TZ = "Asia/Shanghai"
AS_OF = pd.Timestamp("2025-07-01", tz=TZ)


def orders_frame():
    # user, days before AS_OF, amount, refund_amount
    rows = [
        ("a", 5, 100, 0),
        ("a", 20, 100, 0),
        ("a", 40, 100, 0),
        ("a", 60, 100, 0),
        ("b", 10, 50, 0),
        ("b", 30, 50, 0),
        ("b", 90, 50, 50),  # refunded: not a purchase
        ("c", 100, 500, 0),
        ("d", 200, 20, 0),
        ("d", 210, 20, 0),
        ("d", 220, 20, 0),
        ("e", 50, 10, 0),
        ("f", 1, 80, 0),  # after the cut-off below: never read
        ("g", 30, 40, 40),
    ]  # only a refunded order: not a buyer
    out = pd.DataFrame(rows, columns=["user_id", "days", "amount", "refund_amount"])
    out["ordered_at"] = AS_OF - pd.to_timedelta(out["days"], unit="D")
    out.loc[out["user_id"] == "f", "ordered_at"] = AS_OF + pd.Timedelta(days=1)
    out["order_id"] = [f"o{i}" for i in range(len(out))]
    out["is_refund"] = out["refund_amount"] > 0
    out["amount"] = out["amount"].astype(float)
    out["refund_amount"] = out["refund_amount"].astype(float)
    return out.drop(columns="days")


def test_rfm_table_golden():
    o = orders_frame()
    before = o.copy()
    t = seg.rfm_table(o, as_of=AS_OF, users=pd.Series(list("abcdefgh")))
    pd.testing.assert_frame_equal(o, before)
    assert t.loc["a"].tolist() == [5.0, 4, 400.0]
    assert t.loc["b", "frequency"] == 2 and t.loc["b", "monetary"] == 100.0
    assert t.loc["b", "recency_days"] == 10.0
    assert t.loc["c"].tolist() == [100.0, 1, 500.0]
    assert t.loc["f", "frequency"] == 0 and np.isnan(t.loc["f", "recency_days"])
    assert t.loc["g", "frequency"] == 0 and t.loc["g", "monetary"] == 0.0
    assert t.loc["h", "frequency"] == 0
    # row order irrelevant
    t2 = seg.rfm_table(
        o.sample(frac=1, random_state=1), as_of=AS_OF, users=pd.Series(list("hgfedcba"))
    )
    pd.testing.assert_frame_equal(t, t2)


def test_rfm_scores_golden():
    t = seg.rfm_table(orders_frame(), as_of=AS_OF, users=pd.Series(list("abcdefgh")))
    s = seg.rfm_scores(t, bins=5)
    # buyers a, b, c, d, e (5 of them): recency 5, 10, 100, 200, 50 -> R = 5, 4, 2, 1, 3
    assert s.loc[list("abcde"), "R"].tolist() == [5, 4, 2, 1, 3]
    # frequency 4, 2, 1, 3, 1: ranks 5, 3, 1.5, 4, 1.5 -> pct .2 steps -> 5, 3, 2, 4, 2
    assert s.loc[list("abcde"), "F"].tolist() == [5, 3, 2, 4, 2]
    # monetary 400, 100, 500, 60, 10 -> 4, 3, 5, 2, 1
    assert s.loc[list("abcde"), "M"].tolist() == [4, 3, 5, 2, 1]
    assert s.loc[list("fgh"), ["R", "F", "M"]].to_numpy().sum() == 0
    assert s.loc["a", "RFM"] == "554"
    s3 = seg.rfm_scores(t, bins=3)
    assert s3.loc[list("abcde"), "R"].tolist() == [3, 3, 2, 1, 2]


def test_rfm_segments_golden():
    t = seg.rfm_table(orders_frame(), as_of=AS_OF, users=pd.Series(list("abcdefgh")))
    s = seg.rfm_segments(seg.rfm_scores(t, bins=5), bins=5)
    # a: R5 FM4.5 champions; b: R4 FM3 loyal; c: R2 FM3.5 at_risk; d: R1 FM3 at_risk;
    # e: R3 FM1.5 need_attention; f,g,h: no purchase
    assert s["segment"].astype(str).to_dict() == {
        "a": "champions",
        "b": "loyal",
        "c": "at_risk",
        "d": "at_risk",
        "e": "need_attention",
        "f": "no_purchase",
        "g": "no_purchase",
        "h": "no_purchase",
    }
    assert s.loc["a", "segment_zh"] == "重要价值客户"
    rules = seg.rfm_segment_rules()
    assert list(rules["segment"])[:2] == ["champions", "loyal"]


def test_every_buyer_gets_a_named_segment():
    rng = np.random.default_rng(0)
    rfm = pd.DataFrame(
        {
            "recency_days": rng.exponential(60, 500),
            "frequency": rng.integers(1, 10, 500),
            "monetary": rng.gamma(2, 100, 500),
        }
    )
    s = seg.rfm_segments(seg.rfm_scores(rfm))
    assert (s["segment"] != "other").all()


def test_value_tiers():
    idx = pd.Series(np.arange(1, 101, dtype=float), index=[f"u{i}" for i in range(100)])
    silent = pd.Series(False, index=idx.index)
    silent.iloc[:10] = True
    t = seg.value_tiers(idx, silent=silent)
    counts = t["tier"].value_counts()
    # 90 non-silent users with index 11..100: q99 = 99.11 -> 1 user; q90 = 91.1 -> 9 users
    assert counts["silent"] == 10
    assert counts["core_vip"] == 1
    assert counts["core_vip"] + counts["high"] == 9
    assert counts["growing"] == 27  # q60 = 64.4 -> 65..91
    assert t.loc["u99", "tier"] == "core_vip" and t.loc["u0", "tier"] == "silent"
    assert t.loc["u99", "tier_zh"] == "核心VIP"
    with pytest.raises(ValueError):
        seg.value_tiers(idx, cuts={"core_vip": 0.5, "high": 0.9, "growing": 0.1})


def blobs(n=400, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[1, 1, 1, 1, 1], [1, 4, 1, 1, 3], [3, 1, 4, 4, 1]], dtype=float)
    lab = rng.integers(0, 3, n)
    x = np.expm1(centers[lab] + rng.normal(0, 0.15, (n, 5)))
    return pd.DataFrame(x, columns=list(VALUES), index=[f"u{i}" for i in range(n)]), lab


def test_personas_recover_blobs_and_are_stable():
    X, lab = blobs()
    p1 = seg.FiveValuePersonas(k_range=(2, 3, 4, 5), random_state=7).fit(X)
    p2 = seg.FiveValuePersonas(k_range=(2, 3, 4, 5), random_state=7).fit(X)
    assert p1.k_ == 3
    l1, l2 = p1.predict(X), p2.predict(X)
    pd.testing.assert_series_equal(l1, l2)
    assert p1.names_ == p2.names_
    # clusters match the true groups (a relabelling) and 0 is the largest
    ct = pd.crosstab(l1, lab)
    assert (ct.gt(0).sum(axis=1) == 1).all()
    assert np.all(np.diff(np.bincount(l1)) <= 0)
    assert any("social" in n and "content" in n for n in p1.names_)
    prof = seg.persona_profile(
        X, l1, names=p1.names_, retained=pd.Series(lab == 1, index=X.index), spend=X["consumption"]
    )
    assert prof["users"].sum() == len(X)
    assert prof["share"].sum() == pytest.approx(1.0)
    assert set(prof["retention"].round(6)) == {0.0, 1.0}
    bic = seg.FiveValuePersonas(criterion="bic", k_range=(2, 3, 4), random_state=7).fit(X)
    assert bic.k_ >= 3 and "bic" in bic.selection_.columns


def test_personas_fitted_on_a_sample_assign_everyone():
    X, lab = blobs(n=900, seed=3)
    full = seg.FiveValuePersonas(k=3, random_state=7).fit(X)
    assert not full.fit_sample_.sampled and full.fit_sample_.sentence("en") == ""
    part = seg.FiveValuePersonas(k=3, random_state=7, fit_sample=200).fit(X)
    assert (part.fit_sample_.n_fit, part.fit_sample_.n_all) == (200, 900)
    assert part.fit_sample_.sentence("en").startswith(
        "The k-means of the personas: fitted on 200 of 900 users"
    )
    got = part.predict(X)
    # the same three groups, ordered by their size among all users (persona 0 the largest)
    pd.testing.assert_series_equal(got, full.predict(X))
    assert np.all(np.diff(np.bincount(got)) <= 0)
    np.testing.assert_allclose(part.centroids_, full.centroids_, atol=0.05)
