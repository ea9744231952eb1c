"""The validity study's results (analysis.studies.validity.results): each reading says what
its tiny hand-made table says, in English and Chinese, in every branch; each plot draws on a
new figure or on the axes given."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from analysis.data.vocab import VALUES
from analysis.studies import validity as V
from analysis.studies.scores import FiveValueScorer


def _plots(draw):
    """``draw(ax)`` returns an Axes on a new figure when ax is None, else the ax given."""
    before = set(plt.get_fignums())
    ax = draw(None)
    assert isinstance(ax, Axes) and ax.figure.number not in before and ax.has_data()
    fig, given = plt.subplots()
    assert draw(given) is given and given.has_data()
    plt.close("all")


# --- the population ------------------------------------------------------------------------
def test_population_reading_counts_users_and_retention():
    fr = pd.DataFrame(
        {
            "cutoff": pd.Timestamp("2026-01-01", tz="Asia/Shanghai"),
            "retained": [True, True, True, False],
            **{v: [0.0, 1.0, 2.0, 3.0] for v in VALUES},
        }
    )
    scorer = FiveValueScorer().fit(fr[list(VALUES)])
    res = V.population_result(fr, scorer=scorer, horizon_days=60)
    assert res.table.loc[0, "n"] == 4 and res.table.loc[0, "rate"] == 0.75
    en = res.reading("en")
    assert en.startswith(
        "The index weighs the five values with the brand-expansion preset weights, each value "
        "scored as a percentile among the 4 users of the calibration snapshot. At the cut-off"
    )
    assert "FiveValueScorer" not in en and "percentile'" not in en  # no repr in prose
    equal = V.population_result(
        fr, scorer=FiveValueScorer("zscore", weights="equal").fit(fr[list(VALUES)]), horizon_days=60
    )
    assert equal.reading("en").startswith("The index weighs the five values with equal weights")
    assert "standard score" in equal.reading("en") and "标准分" in equal.reading("zh")
    assert "At the cut-off 2026-01-01 the population holds 4 users" in en
    assert "75.0% were retained over 60 days" in en
    assert "截止日 2026-01-01 的研究对象共 4 位用户，其中 75.0% 在随后 60 天" in res.reading("zh")
    with pytest.raises(NotImplementedError):
        res.plot()


# --- 1. deciles ----------------------------------------------------------------------------
def _deciles(rates):
    n = np.full(len(rates), 10)
    k = (np.asarray(rates) * 10).astype(int)
    return pd.DataFrame(
        {
            "score": "index",
            "outcome": "retained",
            "bin": np.arange(1, len(rates) + 1),
            "n": n,
            "n_outcome": k,
            "rate": k / n,
            "lo": np.maximum(k / n - 0.1, 0),
            "hi": np.minimum(k / n + 0.1, 1),
        }
    )


def test_decile_reading_monotonic_or_not():
    up = V.DecileResult(_deciles([0.2, 0.4, 0.5, 0.9]))
    en = up.reading("en")
    assert "from 20.0% in the lowest bin to 90.0% in the highest" in en
    assert "next 0 time(s)" in en and en.endswith("The relation is monotonic.")
    assert up.reading("zh").endswith("各档依次单调变化，没有反复。")
    bumpy = V.DecileResult(_deciles([0.2, 0.5, 0.4, 0.3, 0.9]))
    en = bumpy.reading("en")
    assert "next 2 time(s)" in en and en.endswith("The relation is not strictly monotonic.")
    assert "下降了 2 次" in bumpy.reading("zh") and bumpy.reading("zh").endswith(
        "各档之间并非严格单调。"
    )


def test_decile_result_is_retention_by_decile_and_plots():
    fr = pd.DataFrame({"index": np.arange(20.0), "retained": [False] * 8 + [True] * 12})
    res = V.decile_result(fr, n_bins=4)
    pd.testing.assert_frame_equal(res.table, V.retention_by_decile(fr, n_bins=4))
    _plots(lambda ax: res.plot(ax=ax, lang="zh"))


# --- 2. AUC --------------------------------------------------------------------------------
def test_auc_reading_and_roc_plot():
    fr = pd.DataFrame(
        {
            "index": [0.1, 0.4, 0.35, 0.8, 0.9, 0.2],
            "spend": [1.0, 0.0, 3.0, 2.0, 5.0, 4.0],
            "retained": [False, False, True, True, True, False],
        }
    )
    res = V.auc_result(fr, n_boot=50, roc_scores=["index", "spend"])
    a = res.table.iloc[0]
    assert a["auc"] == pytest.approx(8 / 9)
    en = res.reading("en")
    assert f"The index has AUC {8 / 9:.3f} [{a['lo']:.3f}, {a['hi']:.3f}] on 6 users" in en
    assert "(base retention rate 50.0%)" in en
    assert "指数在 6 位用户上的 AUC 为 0.889" in res.reading("zh")
    _plots(lambda ax: res.plot(ax=ax))
    with pytest.raises(ValueError, match="no ROC"):
        V.AucResult(res.table).plot()


# --- 3. baselines --------------------------------------------------------------------------
BASELINES = pd.DataFrame(
    {
        "score": ["learned", "index", "equal", "spend"],
        "auc": [0.72, 0.70, 0.69, 0.60],
        "lo": [0.70, 0.68, 0.67, 0.58],
        "hi": [0.74, 0.72, 0.71, 0.62],
        "diff": [-0.02, 0.0, 0.01, 0.10],
        "diff_lo": [-0.03, 0.0, -0.01, 0.08],
        "diff_hi": [-0.01, 0.0, 0.02, 0.12],
    }
)


def test_baseline_reading_names_better_worse_and_no_different():
    res = V.BaselineResult(BASELINES)
    assert res.better == ["spend"] and res.worse == ["learned"]
    en = res.reading("en")
    assert "clearly better than 1 of 3 baselines (spend)" in en
    assert "clearly worse than 1 (learned)" in en
    zh = res.reading("zh")
    assert "在 3 个基准中，指数明显优于 1 个（消费额），明显不如 1 个（学习权重）" in zh
    # no baseline clearly different: both lists read "none"
    same = V.BaselineResult(BASELINES.loc[BASELINES["score"].isin(["index", "equal"])])
    assert "better than 0 of 1 baselines (none) and clearly worse than 0 (none)" in same.reading()
    assert "明显优于 0 个（无），明显不如 0 个（无）" in same.reading("zh")
    _plots(lambda ax: res.plot(ax=ax, lang="zh"))


# --- 4. incremental validity ---------------------------------------------------------------
def test_incremental_reading_and_plot():
    t = pd.DataFrame(
        [
            {
                "score": "index",
                "lr_stat": 12.34,
                "lr_p": 0.00044,
                "odds_ratio_per_sd": 1.5,
                "or_lo": 1.2,
                "or_hi": 1.9,
                "auc_without": 0.61,
                "auc_with": 0.66,
                "auc_diff": 0.05,
                "diff_lo": 0.02,
                "diff_hi": 0.08,
            }
        ]
    )
    res = V.IncrementalResult(t)
    en = res.reading("en")
    assert "from 0.610 to 0.660 (+0.050 [+0.020, +0.080])" in en
    assert "χ² = 12.3 (p = 0.00044)" in en and "by 1.50 [1.20, 1.90]" in en
    assert "没参与训练的用户上的 AUC 从 0.610 变为 0.660" in res.reading("zh")
    _plots(lambda ax: res.plot(ax=ax))


# --- 5. weight sensitivity -----------------------------------------------------------------
def test_sensitivity_reading_places_the_preset_and_orders_the_region():
    rows = [
        ("random", [0.6, 0.1, 0.1, 0.1, 0.1], 0.70),
        ("random", [0.1, 0.6, 0.1, 0.1, 0.1], 0.60),
        ("random", [0.1, 0.1, 0.6, 0.1, 0.1], 0.50),
        ("random", [0.2, 0.2, 0.2, 0.2, 0.2], 0.55),
        ("equal", [0.2, 0.2, 0.2, 0.2, 0.2], 0.55),  # another preset, not the one read
        ("expansion", [0.1, 0.2, 0.3, 0.3, 0.1], 0.65),
    ]
    draws = pd.DataFrame([w for _, w, _ in rows], columns=list(VALUES))
    draws.insert(0, "draw", [d for d, _, _ in rows])
    draws["auc"] = [a for _, _, a in rows]
    rand = np.sort(draws["auc"].iloc[:4])
    draws["percentile"] = np.searchsorted(rand, draws["auc"], side="left") / 4
    res = V.SensitivityResult(V.sensitivity_summary(draws, top_share=0.25), draws=draws)
    en = res.reading("en")
    assert "ranges from 0.500 to 0.700 (median 0.575)" in en
    assert "The expansion preset reaches 0.650, better than 75% of random" in en
    first = list(VALUES)[0]  # the best draw puts 0.6 on the first value
    assert f"weight on {first} 0.60, " in en
    assert f"表现最好的那些权重主要放在：{VALUES[first]} 0.60、" in res.reading("zh")
    _plots(lambda ax: res.plot(ax=ax))
    _plots(lambda ax: res.plot_region(ax=ax, lang="zh"))


def test_sensitivity_result_is_the_summary_of_the_draws():
    rng = np.random.default_rng(1)
    fr = pd.DataFrame(rng.random((60, 5)), columns=[f"{v}_score" for v in VALUES])
    fr["retained"] = rng.random(60) < 0.5
    res = V.sensitivity_result(fr, n_weights=20, random_state=3)
    draws = V.weight_sensitivity(fr, n_weights=20, random_state=3)
    pd.testing.assert_frame_equal(res.draws, draws)
    pd.testing.assert_frame_equal(res.table, V.sensitivity_summary(draws))


# --- 6. rolling origin ---------------------------------------------------------------------
def test_rolling_reading_counts_cutoffs_above_chance():
    t = pd.DataFrame(
        {
            "cutoff": pd.to_datetime(["2025-07-01", "2025-10-01", "2026-01-01"] * 2),
            "score": ["index"] * 3 + ["spend"] * 3,
            "auc": [0.62, 0.55, 0.70, 0.9, 0.9, 0.9],
            "lo": [0.58, 0.49, 0.66, 0.8, 0.8, 0.8],
            "hi": [0.66, 0.61, 0.74, 0.95, 0.95, 0.95],
        }
    )
    res = V.RollingResult(t)
    en = res.reading("en")
    assert "Across 3 cut-offs the index's AUC ranges from 0.550 to 0.700" in en
    assert "above 0.5 at 2 of 3 cut-offs" in en
    assert "在 3 个截止日上，指数的 AUC 在 0.550 到 0.700 之间；其中 2 个" in res.reading("zh")
    _plots(lambda ax: res.plot(ax=ax))


# --- 7. survival ---------------------------------------------------------------------------
def test_survival_reading_takes_the_unadjusted_and_the_adjusted_row():
    hr = pd.DataFrame(
        {
            "score": "index",
            "controls": [True, False],  # row order must not matter
            "hazard_ratio_per_sd": [0.9, 0.7],
            "lo": [0.8, 0.6],
            "hi": [1.01, 0.8],
            "p": [0.1, 0.001],
            "n": [1000, 1000],
            "events": [120, 120],
        }
    )
    km = pd.DataFrame(
        {
            "score": "index",
            "group": [1, 1, 2, 2],
            "days": [0.0, 5.0, 0.0, 5.0],
            "survival": [1.0, 0.8, 1.0, 0.95],
            "lo": [1.0, 0.7, 1.0, 0.9],
            "hi": [1.0, 0.9, 1.0, 1.0],
            "n": [5, 5, 5, 5],
        }
    )
    res = V.SurvivalResult(hr, curves=km)
    en = res.reading("en")
    assert "by 0.70 [0.60, 0.80] (120 hard churns among 1,000 users)" in en
    assert "adjusted for RFM, tenure and channel: 0.90 [0.80, 1.01]" in en
    zh = res.reading("zh")
    assert (
        "删除好友的风险变为原来的 0.70 倍（区间 0.60 至 0.80" in zh
        and "后为 0.90 倍（区间 0.80 至 1.01）" in zh
    )
    _plots(lambda ax: res.plot(ax=ax))


def test_survival_result_is_the_two_hazard_ratios():
    rng = np.random.default_rng(0)
    n = 80
    fr = pd.DataFrame(
        {
            "index": rng.random(n),
            "time_days": rng.integers(1, 60, n).astype(float),
            "churn_event": rng.random(n) < 0.4,
            "recency_days": rng.integers(1, 90, n).astype(float),
            "frequency": rng.integers(0, 4, n),
            "monetary": rng.random(n) * 100,
            "tenure_days": rng.integers(30, 400, n).astype(float),
            "channel": rng.choice(["douyin", "referral"], n),
        }
    )
    res = V.survival_result(fr)
    assert res.table["controls"].tolist() == [False, True]
    pd.testing.assert_frame_equal(res.table.iloc[[0]], V.hazard_ratio(fr))
    pd.testing.assert_frame_equal(res.curves, V.survival_by_group(fr))


# --- the simulator's truth -----------------------------------------------------------------
def test_truth_reading_inside_and_outside_the_interval():
    fr = pd.DataFrame(
        {
            "index": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
            "retained": [False, True, False, True, False, True, True, True],
        }
    )
    q = np.array([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])  # ranks like the index
    res = V.truth_result(fr, q, n_boot=200, random_state=0)
    assert res.table.loc[0, "outcome"] == "retained"  # the headline's outcome by default
    assert res.reading("en").startswith("Observed AUC for retained:")
    t = res.table.iloc[0]
    assert t["true_auc"] == pytest.approx(t["oracle_auc"])  # same ranking as the truth
    assert t["inside"] == (t["lo"] <= t["true_auc"] <= t["hi"])
    inside = V.TruthResult(res.table.assign(lo=0.5, hi=0.99, true_auc=0.6, inside=True))
    outside = V.TruthResult(res.table.assign(lo=0.5, hi=0.55, true_auc=0.6, inside=False))
    assert "implies 0.600 for this index — inside the interval." in inside.reading("en")
    assert "— **outside the interval**." in outside.reading("en")
    assert "——在区间内。" in inside.reading("zh")
    assert "——**在区间外**。" in outside.reading("zh")
    flat = V.truth_result(fr, np.full(8, 0.7), n_boot=20)
    assert flat.table.loc[0, "oracle_auc"] == 0.5
    with pytest.raises(ValueError, match="shape"):
        V.truth_result(fr, q[:3], n_boot=20)
    with pytest.raises(NotImplementedError):
        res.plot()


def test_index_label_names_the_preset_or_custom_weights():
    assert V.index_label("expansion") == "the expansion-weighted index"
    assert V.index_label("expansion", lang="zh") == "扩张期预设加权指数"
    custom = {"experience": 0.2, "consumption": 0.2, "social": 0.2, "content": 0.2}
    assert V.index_label(custom) == "the custom-weighted index"
    assert V.index_label(custom, lang="zh") == "自定义加权指数"


# --- how often the study is wrong ----------------------------------------------------------
def _worlds_table(over):
    rows = []
    for world, matter in (
        ("effects", True),
        ("null", False),
        ("null_silent", False),
        ("null_tenure", False),
        ("wrong_weights", True),
    ):
        rows.append(
            dict(
                world=world,
                values_matter=matter,
                runs=20,
                users=3000,
                true_auc=0.6,
                predicts=0.0,
                does_not_predict=0.0,
                predicts_inconclusive=1.0,
                below_strongest=0.0,
                adds=0.0,
                preset_wrong=0.0,
                coverage=0.95,
                wrong=0.0,
                seeds="0-19",
                commit="abc1234",
            )
        )
    t = pd.DataFrame(rows).set_index("world")
    for (world, col), v in over.items():
        t.loc[world, col] = v
    return t.reset_index()


def test_study_of_study_reading_from_a_hand_made_table(tmp_path):
    t = _worlds_table(
        {
            ("effects", "predicts"): 0.9,
            ("null_silent", "adds"): 0.05,
            ("null", "predicts"): 0.1,
            ("null_tenure", "predicts"): 1.0,  # left aside: the index truly predicts there
            ("wrong_weights", "preset_wrong"): 0.85,
            ("null", "coverage"): 0.9,
            ("wrong_weights", "wrong"): 0.15,
        }
    )
    path = tmp_path / "verdict_worlds.csv"
    t.to_csv(path, index=False)
    res = V.study_of_study_result(path)
    text = res.reading("en")
    assert "Each of 5 simulated worlds was generated 20 times (seeds 0-19, commit abc1234)" in text
    assert "adds to what the brand already knows in at most 5% of runs" in text
    assert '"predicts" in at most 10% (leaving aside' in text
    assert 'In the effects world it said "predicts" in 90% of runs' in text
    assert "the preset is wrong in 85%" in text
    assert "held the true AUC in 90%–95% of runs" in text
    assert text.endswith("wrong most often in the wrong weights world: 15% of runs.")
    assert "错误权重世界：15% 的运行" in res.reading("zh")
    with pytest.raises(FileNotFoundError, match="bench_verdict"):
        V.study_of_study_result(tmp_path / "nope.csv")
    t.drop(columns=["coverage"]).to_csv(path, index=False)
    with pytest.raises(ValueError, match="coverage"):
        V.study_of_study_result(path)


def test_committed_study_of_study_meets_its_targets():
    """The committed benchmark (``benchmarks/bench_verdict.py``): in the worlds where the five
    values do nothing the verdict's false "adds" rate is not above 5% by an exact binomial test,
    and the 95% interval's coverage of the true AUC is not below 90% (pooled over worlds)."""
    from scipy.stats import binomtest

    from analysis.paths import resolve

    t = V.study_of_study_result(resolve("benchmarks/results/verdict_worlds.csv")).table
    from analysis.simulate import WORLDS
    from analysis.studies.validity.study import read_results_csv

    runs = read_results_csv(resolve("benchmarks/results/verdict_runs.csv"))
    assert set(t["world"]) == set(runs["world"]) == set(WORLDS) and (t["runs"] >= 20).all()
    null = runs.loc[runs["world"].isin(["null", "null_silent", "null_tenure"])]
    k = int((null["incremental"] == "above").sum())
    assert binomtest(k, len(null), 0.05, alternative="greater").pvalue > 0.05, k
    plain_null = runs.loc[runs["world"].isin(["null", "null_silent"])]
    k = int((plain_null["predicts"] == "above").sum())
    assert binomtest(k, len(plain_null), 0.05, alternative="greater").pvalue > 0.05, k
    cov = int(runs["covered"].sum())
    assert binomtest(cov, len(runs), 0.90, alternative="less").pvalue > 0.05, cov
    eff = runs.loc[runs["world"] == "effects"]
    assert (eff["predicts"] == "above").mean() >= 0.8


def test_as_rates_divides_by_the_days_in_the_domain_within_the_look_back():
    fr = pd.DataFrame({"tenure_days": [10.0, 400.0, 0.2], **{v: [3.0, 6.0, 1.0] for v in VALUES}})
    got = V.as_rates(fr, lookback_days=180)
    np.testing.assert_allclose(got["social"], [3.0 / 10 * 30, 6.0 / 180 * 30, 1.0 * 30])
    np.testing.assert_allclose(V.as_rates(fr, lookback_days=None)["social"][1], 6.0 / 400 * 30)
    assert fr["social"].tolist() == [3.0, 6.0, 1.0]  # a copy


def test_label_sensitivity_runs_every_rule_and_outcome():
    from analysis.simulate import simulate

    sim = simulate(2500, 18, seed=4)
    kw = dict(calibration_cutoff="2025-10-01", cutoff="2026-01-01", n_boot=20)
    t = V.label_sensitivity(sim.contacts, sim.events, sim.orders, lost_after=(30, None), **kw)
    lost = [None if pd.isna(x) else int(x) for x in t["lost_after_days"]]
    assert lost == [30, None, 30, None, 90, 90]
    assert t["activity"].tolist() == ["any", "any", "purchase", "purchase", "any", "any"]
    assert t["values"].tolist() == ["counts"] * 4 + ["rates", "counts"]
    assert t["refunds"].tolist() == ["counted"] * 5 + ["ignored"]
    assert t.loc[0, "n"] < t.loc[1, "n"]  # keeping the long-silent grows the population
    default = V.run_study(sim.contacts, sim.events, sim.orders, **kw)
    assert t.loc[4, "n"] == default.auc.loc[0, "n"]  # rates: same users, other scores
    assert t.loc[4, "auc"] != default.auc.loc[0, "auc"]
    # the tables are read once, the rules applied after: the same row as the study itself
    one = V.run_study(
        sim.contacts, sim.events, sim.orders, lost_after_days=30, activity="purchase", **kw
    )
    assert (
        t.loc[2, ["n", "auc", "lo", "hi"]].tolist()
        == one.auc.loc[0, ["n", "auc", "lo", "hi"]].tolist()
    )
    assert t.loc[2, "adds"] == one.decision("incremental")
    # (only the simple baselines are compared there: the same strongest one and difference)
    best = one.decisions.set_index("claim").loc["strongest"]
    assert t.loc[2, ["strongest", "diff_strongest", "vs_strongest"]].tolist() == [
        best["against"],
        best["estimate"],
        best["decision"],
    ]
    assert set(t["predicts"]) <= {"above", "below", "equivalent", "inconclusive"}


def test_shared_bootstrap_gives_the_tables_each_part_draws_alone():
    """One draw of the replicates for the AUC, the baselines and incremental validity (the
    report's shared bootstrap) gives the same three tables; other arguments are refused."""
    from analysis.simulate import simulate

    sim = simulate(1500, 18, seed=5)
    calib = V.study_frame(sim.contacts, sim.events, sim.orders, cutoff="2025-10-01")
    scorer = FiveValueScorer().fit(calib[list(VALUES)])
    fr = V.add_scores(
        V.study_frame(sim.contacts, sim.events, sim.orders, cutoff="2026-01-01"), scorer=scorer
    )
    kw = dict(n_boot=30, random_state=2)
    boot = V.shared_bootstrap(fr, cv=3, **kw)
    assert len(boot.reps) == 30 and {"index", "behaviour", "with", "without"} <= set(boot.reps)
    pd.testing.assert_frame_equal(
        V.auc_result(fr, shared=boot, **kw).table, V.auc_result(fr, **kw).table
    )
    pd.testing.assert_frame_equal(
        V.baseline_result(fr, cv=3, shared=boot, **kw).table,
        V.baseline_result(fr, cv=3, **kw).table,
    )
    pd.testing.assert_frame_equal(
        V.incremental_result(fr, cv=3, shared=boot, **kw).table,
        V.incremental_result(fr, cv=3, **kw).table,
    )
    with pytest.raises(ValueError, match="shared bootstrap"):
        V.auc_result(fr, shared=boot, n_boot=30, random_state=3)
    # a subset of the baselines: the same scores and replicates, without the others' fits
    few = V.shared_bootstrap(fr, cv=3, baselines=("rfm", "behaviour"), **kw)
    assert list(few.scores) == ["index", "rfm", "behaviour"]
    pd.testing.assert_frame_equal(few.scores, boot.scores[list(few.scores)])
    pd.testing.assert_frame_equal(few.reps, boot.reps[list(few.reps)])
    assert list(few.reps) == ["index", "rfm", "behaviour", "with", "without"]
    with pytest.raises(ValueError, match="unknown baseline scores.*'rmf'"):
        V.shared_bootstrap(fr, cv=3, baselines=("rmf",), **kw)
    # the shared replicates are the ones read
    other = V.shared_bootstrap(fr, cv=3, n_boot=30, random_state=4)
    fake = V.SharedBootstrap(boot.scores, boot.probabilities, other.reps, "retained", 30, 2)
    assert not V.auc_result(fr, shared=fake, **kw).table.equals(V.auc_result(fr, **kw).table)
