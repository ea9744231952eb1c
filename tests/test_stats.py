"""Shared statistical helpers: AUC, bootstrap intervals, Wilson intervals, expected AUC."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from analysis.studies.stats import (
    AucRanker,
    ScoreRanking,
    auc,
    bootstrap_auc,
    bootstrap_auc_samples,
    bootstrap_counts,
    expected_auc,
    newcombe_interval,
    paired_bootstrap_auc,
    percentile_interval,
    wilson_interval,
)


# --- golden numbers by hand ------------------------------------------------------------
def test_auc_golden_small():
    # positives score 3, 2; negatives score 1, 2. Pairs: (3>1)=1, (3>2)=1, (2>1)=1, (2=2)=0.5
    y = [1, 1, 0, 0]
    s = [3, 2, 1, 2]
    assert auc(y, s) == pytest.approx(3.5 / 4)


def test_auc_perfect_reversed_constant():
    y = np.array([0, 0, 1, 1])
    assert auc(y, [1, 2, 3, 4]) == 1.0
    assert auc(y, [4, 3, 2, 1]) == 0.0
    assert auc(y, [5, 5, 5, 5]) == 0.5


def test_auc_weighted_golden():
    # weight 2 on the positive scored 2: pairs (3 vs 1, 3 vs 2.5) = 1, 1 ;
    # (2 vs 1) = 1 x2, (2 vs 2.5) = 0 x2 -> (1 + 1 + 2 + 0) / (3 * 2)
    y = [1, 1, 0, 0]
    s = [3, 2, 1, 2.5]
    assert auc(y, s, sample_weight=[1, 2, 1, 1]) == pytest.approx(4 / 6)


def test_auc_matches_sklearn_with_ties_and_weights():
    rng = np.random.default_rng(1)
    x = rng.normal(size=3000)
    y = rng.random(3000) < 1 / (1 + np.exp(-x))
    s = np.round(x, 1)  # many ties
    w = rng.integers(0, 4, size=3000)
    assert auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert auc(y, s, sample_weight=w) == pytest.approx(
        roc_auc_score(y, s, sample_weight=w), abs=1e-12
    )


def test_auc_order_invariant_and_inputs_unchanged():
    rng = np.random.default_rng(2)
    y = rng.random(200) < 0.4
    s = rng.normal(size=200)
    y0, s0 = y.copy(), s.copy()
    perm = rng.permutation(200)
    assert auc(y, s) == pytest.approx(auc(y[perm], s[perm]))
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(s, s0)


def test_auc_errors():
    with pytest.raises(ValueError, match="one class"):
        auc([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        auc([0, 1], [np.nan, 1])
    with pytest.raises(ValueError, match="0/1"):
        auc([0, 2], [1, 2])
    with pytest.raises(ValueError, match="shape"):
        auc([0, 1, 1], [1, 2])


def test_bootstrap_counts_is_a_resample():
    c = bootstrap_counts(1000, random_state=0)
    assert c.sum() == 1000 and c.min() >= 0 and c.size == 1000


def test_weighted_auc_equals_auc_of_the_resample():
    rng = np.random.default_rng(3)
    y = rng.random(300) < 0.5
    s = np.round(rng.normal(size=300), 1)
    idx = rng.integers(0, 300, size=300)
    counts = np.bincount(idx, minlength=300)
    assert AucRanker(y, s).auc(counts) == pytest.approx(auc(y[idx], s[idx]))


def test_bootstrap_auc_interval_and_reproducibility():
    rng = np.random.default_rng(4)
    x = rng.normal(size=2000)
    y = rng.random(2000) < 1 / (1 + np.exp(-x))
    r1 = bootstrap_auc(y, x, n_boot=300, random_state=7)
    r2 = bootstrap_auc(y, x, n_boot=300, random_state=7)
    pd.testing.assert_series_equal(r1, r2)
    assert r1["lo"] < r1["auc"] < r1["hi"]
    # the bootstrap SE is close to the Hanley–McNeil SE
    a, n1, n0 = r1["auc"], y.sum(), (~y).sum()
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    se_hm = np.sqrt((a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n0 - 1) * (q2 - a * a)) / (n1 * n0))
    assert r1["se"] == pytest.approx(se_hm, rel=0.25)


def test_bootstrap_interval_covers_the_truth_of_a_binormal_model():
    # score ~ N(0,1) for negatives, N(d,1) for positives: true AUC = Phi(d / sqrt 2)
    from scipy.stats import norm

    rng = np.random.default_rng(5)
    d = 0.8
    truth = norm.cdf(d / np.sqrt(2))
    covered = 0
    for _ in range(20):
        y = rng.random(1500) < 0.3
        s = rng.normal(size=1500) + d * y
        r = bootstrap_auc(y, s, n_boot=200, random_state=rng)
        covered += r["lo"] <= truth <= r["hi"]
    assert covered >= 16  # 95% nominal; P(covered <= 15) is about 0.3%


def test_paired_bootstrap_detects_a_better_score_and_not_a_copy():
    rng = np.random.default_rng(6)
    x = rng.normal(size=3000)
    y = rng.random(3000) < 1 / (1 + np.exp(-2 * x))
    good, noisy = x, x + rng.normal(scale=2, size=3000)
    tab = paired_bootstrap_auc(
        y,
        {"good": good, "noisy": noisy, "copy": good.copy()},
        reference="good",
        n_boot=300,
        random_state=0,
    )
    t = tab.set_index("score")
    assert t.loc["noisy", "diff"] > 0 and t.loc["noisy", "diff_lo"] > 0
    assert t.loc["noisy", "p_value"] < 0.01
    assert t.loc["copy", "diff"] == 0 and t.loc["copy", "diff_lo"] == 0 == t.loc["copy", "diff_hi"]
    assert t.loc["good", "diff"] == 0
    with pytest.raises(ValueError, match="reference"):
        paired_bootstrap_auc(y, {"a": good}, reference="b")


def test_bootstrap_samples_are_paired():
    rng = np.random.default_rng(8)
    y = rng.random(500) < 0.5
    s = rng.normal(size=500)
    reps = bootstrap_auc_samples(y, pd.DataFrame({"a": s, "b": s}), n_boot=50, random_state=1)
    np.testing.assert_array_equal(reps["a"], reps["b"])


def test_coarsened_ranker_keeps_the_exact_auc_of_its_sort():
    rng = np.random.default_rng(12)
    y = rng.random(3000) < 0.3
    s = y * 0.4 + rng.normal(size=3000)
    r = AucRanker(y, s, max_groups=64)
    assert r.coarsened and r.n_groups <= 64 and r.auc() != auc(y, s)
    assert r.exact_auc == auc(y, s)  # the same number, from the same sort
    assert np.isnan(AucRanker(y, s).exact_auc)  # not coarsened: auc() is exact


def test_replicates_drawn_once_for_several_tables_give_the_same_tables():
    """reps= (one draw of every score's replicates, shared by several tables on the same
    users) gives exactly the tables that draw their own."""
    rng = np.random.default_rng(8)
    y = rng.random(600) < 0.4
    a, b, c = y + rng.normal(size=600), rng.normal(size=600), y * 0.5 + rng.normal(size=600)
    reps = bootstrap_auc_samples(y, {"a": a, "b": b, "c": c}, n_boot=40, random_state=3)
    alone = bootstrap_auc(y, a, n_boot=40, random_state=3)
    pd.testing.assert_series_equal(
        bootstrap_auc(y, a, n_boot=40, random_state=3, reps=reps["a"]), alone
    )
    kw = dict(reference="c", n_boot=40, random_state=3)
    pd.testing.assert_frame_equal(
        paired_bootstrap_auc(y, {"c": c, "b": b}, reps=reps, **kw),
        paired_bootstrap_auc(y, {"c": c, "b": b}, **kw),
    )
    assert not bootstrap_auc(y, a, n_boot=40, random_state=3, reps=reps["b"]).equals(alone)
    swapped = reps.rename(columns={"b": "c", "c": "b"})  # the given replicates are read
    got = paired_bootstrap_auc(y, {"c": c, "b": b}, reps=swapped, **kw)
    assert got.loc[1, "lo"] == percentile_interval(reps["c"])[0]
    with pytest.raises(ValueError, match="replicates"):
        bootstrap_auc(y, a, n_boot=50, random_state=3, reps=reps["a"])
    with pytest.raises(ValueError, match="replicates"):
        paired_bootstrap_auc(y, {"c": c, "d": b}, reps=reps, **kw)


def test_percentile_interval():
    assert percentile_interval(np.arange(101), ci=0.9) == pytest.approx((5.0, 95.0))
    with pytest.raises(ValueError):
        percentile_interval([1, 2], ci=1.5)


def test_wilson_golden():
    # Wilson 95% for 3/10: centre (3 + z²/2)/(10 + z²), half width z/(10+z²) sqrt(10*0.3*0.7 + z²/4)
    z = 1.959963984540054
    centre = (3 + z * z / 2) / (10 + z * z)
    half = z / (10 + z * z) * np.sqrt(10 * 0.3 * 0.7 + z * z / 4)
    lo, hi = wilson_interval(3, 10)
    assert lo == pytest.approx(centre - half) and hi == pytest.approx(centre + half)
    lo, hi = wilson_interval([0, 0], [10, 0])
    assert lo[0] == 0 and np.isnan(lo[1]) and np.isnan(hi[1])
    with pytest.raises(ValueError):
        wilson_interval(5, 3)


def test_expected_auc_golden_and_limits():
    # two users: p = (1, 0), scores (2, 1): the pair (0 -> positive, 1 -> negative) is ordered
    assert expected_auc([1.0, 0.0], [2, 1]) == 1.0
    # three users p = (.5, .5, 0) scores (3, 2, 1): pairs i != j weighted p_i (1 - p_j)
    # (0,1): .25*1, (0,2): .5*1, (1,0): .25*0, (1,2): .5*1, (2,*): 0 -> num 1.25 / den 1.5
    assert expected_auc([0.5, 0.5, 0.0], [3, 2, 1]) == pytest.approx(1.25 / 1.5)
    # a score unrelated to p: 0.5 on ties
    assert expected_auc([0.2, 0.7, 0.4], [1, 1, 1]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        expected_auc([1.0, 1.0], [1, 2])


def test_expected_auc_is_what_observed_auc_estimates():
    rng = np.random.default_rng(9)
    x = rng.normal(size=4000)
    p = 1 / (1 + np.exp(-x))
    target = expected_auc(p, x)
    obs = [auc(rng.random(4000) < p, x) for _ in range(30)]
    assert np.mean(obs) == pytest.approx(target, abs=0.004)


def test_bootstrap_result_does_not_depend_on_n_jobs():
    rng = np.random.default_rng(10)
    y = rng.random(400) < 0.5
    s = {"a": rng.normal(size=400), "b": np.round(rng.normal(size=400), 1)}
    one = bootstrap_auc_samples(y, s, n_boot=30, random_state=3, n_jobs=1)
    two = bootstrap_auc_samples(y, s, n_boot=30, random_state=3, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)


def test_coarsened_replicates_match_exact_ones():
    rng = np.random.default_rng(11)
    x = rng.normal(size=5000)
    y = rng.random(5000) < 1 / (1 + np.exp(-x))
    exact = bootstrap_auc_samples(y, x, n_boot=40, random_state=2, max_groups=None)
    coarse = bootstrap_auc_samples(y, x, n_boot=40, random_state=2, max_groups=256)
    assert AucRanker(y, x, max_groups=256).coarsened
    assert AucRanker(y, x, max_groups=256).n_groups <= 256
    np.testing.assert_allclose(coarse["score"], exact["score"], atol=5e-4)
    # equal scores are never split across bins
    r = AucRanker(y, np.round(x, 1), max_groups=8)
    tied = np.round(x, 1)
    for v in np.unique(tied)[:5]:
        m = tied == v
        groups = np.concatenate([r.g_pos[m[r.pos_idx]], r.g_neg[m[r.neg_idx]]])
        assert np.unique(groups).size == 1


def test_newcombe_matches_statsmodels_on_several_tables():
    from statsmodels.stats.proportion import confint_proportions_2indep

    for k1, n1, k2, n2 in [(1, 10, 9, 10), (0, 5, 3, 40), (50, 60, 20, 70)]:
        lo, hi = newcombe_interval(k1, n1, k2, n2)
        ref = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        assert (float(lo), float(hi)) == pytest.approx(ref)


# --- intervals and p-values on hand-made replicates ------------------------------------------
def test_paired_p_value_and_difference_interval_golden(monkeypatch):
    """Hand-made bootstrap replicates, so every number of the comparison can be checked: the
    p-value is twice the smaller share of differences on either side of 0 (a zero counting
    on both sides), capped at 1, over the replicates that are not NaN."""
    import analysis.studies.stats as S

    ref = np.full(10, 0.7)
    d_spend = np.array([-0.02, -0.01, 0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07])
    d_rfm = np.array([0.0, 0.01, -0.01, -0.02, -0.03, -0.04, -0.05, -0.06, -0.07, -0.08])
    d_equal = np.array([np.nan, -0.01, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08])
    reps = pd.DataFrame(
        {"index": ref, "spend": ref - d_spend, "rfm": ref - d_rfm, "equal": ref - d_equal}
    )
    seen = {}

    def fake_samples(y, scores, *, n_boot, random_state, n_jobs):
        seen.update(n_boot=n_boot, random_state=random_state, cols=list(scores))
        return reps.copy()

    monkeypatch.setattr(S, "bootstrap_auc_samples", fake_samples)
    y = [1, 0, 1, 0]
    scores = {
        "index": [4, 1, 3, 2],
        "spend": [1, 2, 3, 4],
        "rfm": [2, 2, 2, 2],
        "equal": [4, 3, 2, 1],
    }
    tab = S.paired_bootstrap_auc(y, scores, reference="index", n_boot=10, ci=0.8, random_state=5)
    assert seen == {"n_boot": 10, "random_state": 5, "cols": ["index", "spend", "rfm", "equal"]}
    assert list(tab.columns) == [
        *("score", "auc", "lo", "hi", "diff", "diff_lo", "diff_hi", "p_value"),
        *("n", "n_boot", "ci"),
    ]
    t = tab.set_index("score")
    # d <= 0 in 3 of 10 replicates (the zero included), d >= 0 in 8: p = 2 * 0.3
    # d >= 0 in 2 of 10 (the zero included): p = 2 * 0.2; NaN dropped: 1 of 9 below 0
    assert t["p_value"].tolist() == pytest.approx([1.0, 0.6, 0.4, 2 / 9])
    # the point AUCs and differences come from the data, not the replicates: positives are
    # users 0 and 2; spend ranks 1 of the 4 pairs right, rfm ties all, equal ranks 3
    assert t["auc"].tolist() == pytest.approx([1.0, 0.25, 0.5, 0.75])
    assert t["diff"].tolist() == pytest.approx([0.0, 0.75, 0.5, 0.25])
    # 80% percentile interval of the differences: numpy's linear quantiles at 10% and 90%
    assert (t.loc["spend", "diff_lo"], t.loc["spend", "diff_hi"]) == pytest.approx((-0.011, 0.061))
    assert (t.loc["index", "diff_lo"], t.loc["index", "diff_hi"]) == (0.0, 0.0)
    assert (t.loc["index", "lo"], t.loc["index", "hi"]) == pytest.approx((0.7, 0.7))
    assert (t.loc["spend", "lo"], t.loc["spend", "hi"]) == pytest.approx((0.639, 0.711))
    assert t["n"].tolist() == [4] * 4 and t["n_boot"].tolist() == [10] * 4
    assert t["ci"].tolist() == [0.8] * 4


def test_paired_bootstrap_p_value_of_a_copy_is_one_and_intervals_use_ci():
    rng = np.random.default_rng(12)
    y = rng.random(300) < 0.5
    a, b = rng.normal(size=300), rng.normal(size=300)
    kw = dict(reference="a", n_boot=40, random_state=3)
    tab = paired_bootstrap_auc(y, {"a": a, "b": b, "copy": a.copy()}, ci=0.8, **kw).set_index(
        "score"
    )
    assert tab.loc["copy", "p_value"] == 1.0 and tab.loc["a", "p_value"] == 1.0
    # the same replicates as bootstrap_auc_samples with that seed, read at the given ci
    reps = bootstrap_auc_samples(y, {"a": a, "b": b, "copy": a}, n_boot=40, random_state=3)
    d = (reps["a"] - reps["b"]).to_numpy()
    assert (tab.loc["b", "diff_lo"], tab.loc["b", "diff_hi"]) == percentile_interval(d, ci=0.8)
    assert (tab.loc["b", "lo"], tab.loc["b", "hi"]) == percentile_interval(reps["b"], ci=0.8)
    share = min((d <= 0).mean(), (d >= 0).mean())
    assert tab.loc["b", "p_value"] == pytest.approx(min(1.0, 2 * share))


def test_bootstrap_auc_reads_its_replicates_at_the_given_ci():
    rng = np.random.default_rng(13)
    y = rng.random(200) < 0.4
    s = rng.normal(size=200) + y
    r = bootstrap_auc(y, s, n_boot=25, ci=0.8, random_state=4)
    reps = bootstrap_auc_samples(y, s, n_boot=25, random_state=4)["score"]
    assert (r["lo"], r["hi"]) == percentile_interval(reps, ci=0.8)
    assert r["se"] == pytest.approx(np.std(reps, ddof=1))
    assert r["auc"] == auc(y, s)
    assert (r["n"], r["n_pos"], r["n_boot"], r["ci"]) == (200, y.sum(), 25, 0.8)


def test_bootstrap_auc_standard_error_needs_two_replicates():
    import warnings

    y, s = [0, 1, 0, 1, 1, 0], [1, 2, 3, 4, 5, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "degrees of freedom" warning on the way
        one = bootstrap_auc(y, s, n_boot=1, random_state=0)
    assert np.isnan(one["se"])
    two = bootstrap_auc(y, s, n_boot=2, random_state=0)
    reps = bootstrap_auc_samples(y, s, n_boot=2, random_state=0)["score"]
    assert two["se"] == pytest.approx(abs(reps[0] - reps[1]) / np.sqrt(2))


def test_wilson_other_ci_edges_and_errors():
    z = 1.6448536269514722  # 90%
    centre = (3 + z * z / 2) / (10 + z * z)
    half = z / (10 + z * z) * np.sqrt(10 * 0.3 * 0.7 + z * z / 4)
    assert wilson_interval(3, 10, ci=0.9) == pytest.approx((centre - half, centre + half))
    lo, hi = wilson_interval(1, 1)
    assert type(lo) is float and type(hi) is float
    assert (lo, hi) == pytest.approx((1 / (1 + 1.959963984540054**2), 1.0))
    lo, hi = wilson_interval(np.array([1, 0]), np.array([1, 0]))
    assert lo.shape == (2,) and lo[0] > 0 and np.isnan(lo[1]) and hi[0] == pytest.approx(1.0)
    for ci in (0, 1, 1.5):
        with pytest.raises(ValueError, match="ci must be in"):
            wilson_interval(3, 10, ci=ci)
    for k, n in ((-1, 5), (6, 5)):
        with pytest.raises(ValueError, match="^successes must lie between 0 and trials$"):
            wilson_interval(k, n)


def test_newcombe_other_ci_small_and_empty_groups():
    from statsmodels.stats.proportion import confint_proportions_2indep

    for k1, n1, k2, n2 in [(1, 1, 0, 2), (2, 5, 1, 4)]:
        lo, hi = newcombe_interval(k1, n1, k2, n2, ci=0.9)
        ref = confint_proportions_2indep(
            k1, n1, k2, n2, method="newcomb", compare="diff", alpha=0.1
        )
        assert (float(lo), float(hi)) == pytest.approx(ref)
    lo, hi = newcombe_interval([0, 3, 1], [0, 4, 2], [2, 0, 1], [5, 0, 1])
    assert np.isnan(lo[:2]).all() and np.isnan(hi[:2]).all()
    assert np.isfinite(lo[2]) and np.isfinite(hi[2])


def test_percentile_interval_refuses_ci_outside_the_open_unit_interval():
    for ci in (0, 1, -0.5, 2):
        with pytest.raises(ValueError, match="ci must be in"):
            percentile_interval([1.0, 2.0, 3.0], ci=ci)
    assert percentile_interval([1.0, np.nan, 3.0], ci=0.5) == pytest.approx((1.5, 2.5))


def test_expected_auc_groups_ties_anywhere_and_checks_probabilities():
    # scores (1, 2, 2): users 1 and 2 tie. Pairs weighted p_i (1 - p_j), i != j:
    # (1,0): .5*1 ordered; (2,0): .5*1 ordered; (1,2): .5*.5 tie; (2,1): .5*.5 tie
    # num = .5 + .5 + .5 * (.25 + .25) = 1.25; den = .5 + .5 + .25 + .25 = 1.5
    assert expected_auc([0.0, 0.5, 0.5], [1, 2, 2]) == pytest.approx(1.25 / 1.5)
    # the same ties with unequal probabilities: (1,0) .2, (2,0) .8 ordered; (1,2) .2*.2 and
    # (2,1) .8*.8 tied, each counting one half: (.2 + .8 + .02 + .32) / (.2 + .8 + .04 + .64)
    assert expected_auc([0.0, 0.2, 0.8], [1, 2, 2]) == pytest.approx(1.34 / 1.68)
    for bad in ([0.5, 1.5], [-0.1, 0.5], [np.nan, 0.5], [[0.5, 0.5]]):
        with pytest.raises(
            ValueError, match=r"^prob must be a 1-D array of probabilities in \[0, 1\]$"
        ):
            expected_auc(bad, [1, 2])
    with pytest.raises(
        ValueError, match="^expected AUC is undefined: all probabilities are 0 or all are 1$"
    ):
        expected_auc([0.0, 0.0], [1, 2])


def test_score_ranking_average_precision_and_top_share_golden():
    from sklearn.metrics import average_precision_score

    y = np.array([1, 0, 1, 0, 0])
    s = np.array([0.9, 0.8, 0.7, 0.3, 0.1])
    r = ScoreRanking(y, s)
    ones = np.ones(5)
    # positives at ranks 1 and 3: precision 1 and 2/3, each half of the recall
    assert r.pr_auc(ones) == pytest.approx((1 + 2 / 3) / 2)
    assert r.pr_auc(ones, curves=r.curves(ones)) == pytest.approx((1 + 2 / 3) / 2)
    w = np.array([2.0, 1.0, 1.0, 3.0, 1.0])
    assert r.pr_auc(w) == pytest.approx(average_precision_score(y, s, sample_weight=w))
    # ties form one threshold: the top two (one positive), then the next two (one more)
    tied = ScoreRanking(y, np.array([0.9, 0.9, 0.5, 0.5, 0.1]))
    assert tied.pr_auc(ones) == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
    assert np.isnan(ScoreRanking(np.zeros(5), s).pr_auc(ones))
    # the top 40% (2 of 5 users) hold 1 of the 2 positives: gain 1/2, lift (1/2) / (2/5)
    assert r.top_share(ones, 0.4) == pytest.approx((0.5, 1.25))
    # at least one user is taken; all of them: gain 1, lift 1
    assert r.top_share(ones, 0.1) == pytest.approx((0.5, 2.5))
    assert r.top_share(ones, 1.0) == pytest.approx((1.0, 1.0))
    # weights count users: the first user weighs 2 of the 8, i.e. the top 25%
    assert r.top_share(w, 0.25, curves=r.curves(w)) == pytest.approx((2 / 3, (2 / 2) / (3 / 8)))
    assert all(np.isnan(ScoreRanking(np.zeros(5), s).top_share(ones, 0.4)))
    cw, cp = r.curves(w)
    assert cw.tolist() == [2.0, 3.0, 4.0, 7.0, 8.0] and cp.tolist() == [2.0, 2.0, 3.0, 3.0, 3.0]


def test_auc_input_checks_name_the_problem():
    with pytest.raises(ValueError, match="y must be one-dimensional"):
        auc([[0, 1]], [1, 2])
    with pytest.raises(ValueError, match="y must be boolean or 0/1 numbers"):
        auc(["a", "b"], [1, 2])
    with pytest.raises(ValueError, match="^y contains missing values$"):
        auc([0.0, np.nan, 1.0], [1, 2, 3])
    assert auc([0.0, 1.0, 1.0], [1, 2, 3]) == 1.0  # 0/1 floats are fine
    with pytest.raises(ValueError, match="score contains missing values"):
        auc([0, 1], [1, None])
    with pytest.raises(ValueError, match=r"^sample_weight must have shape \(2,\) like y"):
        auc([0, 1], [1, 2], sample_weight=[1])
    with pytest.raises(ValueError, match="^AUC is undefined: y has only one class$"):
        auc([0, 0], [1, 2])


def test_auc_with_a_single_positive_or_negative_and_zero_weights():
    assert auc([1, 0, 0], [3, 1, 2]) == 1.0
    assert auc([0, 1, 1], [3, 1, 2]) == 0.0
    r = AucRanker([1, 1, 0, 0], [4, 3, 2, 1])
    assert r.auc(np.array([1.0, 0.0, 1.0, 1.0])) == 1.0
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(r.auc(np.array([0.0, 0.0, 1.0, 1.0])))  # no positive left
        assert np.isnan(r.auc(np.array([1.0, 1.0, 0.0, 0.0])))  # no negative left
    empty = AucRanker(np.array([], dtype=bool), np.array([]))
    assert empty.n_groups == 0 and not empty.coarsened and np.isnan(empty.auc())


def test_auc_ranker_coarsens_only_above_max_groups():
    y = np.array([1, 0] * 5)
    nine = np.arange(10.0)
    nine[1] = 0.0  # nine distinct values
    assert AucRanker(y, nine, max_groups=9).n_groups == 9
    assert not AucRanker(y, nine, max_groups=9).coarsened
    assert AucRanker(y, nine, max_groups=8).coarsened
    assert AucRanker(y, nine, max_groups=8).n_groups <= 8
    assert not AucRanker(y, nine, max_groups=10).coarsened


def test_bootstrap_counts_and_sample_checks():
    assert bootstrap_counts(1, random_state=0).tolist() == [1]
    c = bootstrap_counts(3, random_state=np.random.default_rng(1))
    assert c.sum() == 3 and c.size == 3
    y, s = [0, 1, 0, 1], [1, 2, 3, 4]
    assert len(bootstrap_auc_samples(y, s, n_boot=1, random_state=0)) == 1
    with pytest.raises(ValueError, match="n_boot must be at least 1, got 0"):
        bootstrap_auc_samples(y, s, n_boot=0)
    with pytest.raises(ValueError, match="^scores is empty$"):
        paired_bootstrap_auc(y, {}, reference="a")


def test_bootstrap_replicates_each_draw_their_own_resample():
    rng = np.random.default_rng(14)
    y = rng.random(400) < 0.5
    s = rng.normal(size=400) + y
    reps = bootstrap_auc_samples(y, s, n_boot=300, random_state=0)["score"]
    assert reps.nunique() > 290  # no two replicates share a seed (but by chance)


def test_coarsened_replicates_are_shifted_to_the_exact_auc():
    rng = np.random.default_rng(15)
    x = rng.normal(size=2000)
    y = rng.random(2000) < 1 / (1 + np.exp(-2 * x))
    exact = bootstrap_auc_samples(y, x, n_boot=40, random_state=5, max_groups=None)["score"]
    coarse = bootstrap_auc_samples(y, x, n_boot=40, random_state=5, max_groups=2)["score"]
    # two bins lose 0.08 of AUC here; the shift by (exact − coarse) AUC of the full data
    # puts the replicates back around the exact ones
    bias = auc(y, x) - AucRanker(y, x, max_groups=2).auc()
    assert bias > 0.05
    assert not np.allclose(coarse, exact, atol=1e-6)
    assert abs(coarse.mean() - exact.mean()) < 0.01


def test_score_ranking_with_the_positive_last_and_zero_weights():
    import warnings

    # scores not in order; the only positive ranks last: precision 1/3 at full recall
    r = ScoreRanking(np.array([0, 1, 0]), np.array([2.0, 1.0, 3.0]))
    ones = np.ones(3)
    assert r.pr_auc(ones) == pytest.approx(1 / 3)
    assert r.top_share(ones, 1.0) == pytest.approx((1.0, 1.0))
    assert r.top_share(ones, 0.5) == pytest.approx((0.0, 0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # a user of weight 0 on top: precision 0 there, no 0/0
        w = np.array([1.0, 1.0, 0.0])
        assert r.pr_auc(w) == pytest.approx(0.5)
        assert all(np.isnan(r.top_share(w, 0.1)))  # the top "share" holds no weight
