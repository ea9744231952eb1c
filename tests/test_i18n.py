import re
import string

import matplotlib
import numpy as np
import pandas as pd
import pytest

from analysis.data.vocab import STAGES, VALUES
from analysis.i18n import LANGS, SENTENCES, say, tr, tr_frame
from analysis.plots import ltv as plots_ltv

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the Agg backend)


def test_values_and_stages_come_from_the_vocabulary():
    assert [tr(v, "zh") for v in VALUES] == list(VALUES.values())
    assert tr("ambassador", "zh") == STAGES["ambassador"] == "大使/共创"
    assert tr("ambassador", "en") == "ambassador"
    assert tr("not-a-term", "zh") == "not-a-term"


def test_frames_translate_headers_and_cells_without_mutation():
    df = pd.DataFrame({"channel": ["douyin", "referral"], "contacts": [3, 4]})
    zh = tr_frame(df, "zh")
    assert list(zh.columns) == ["渠道", "联系人"]
    assert zh["渠道"].tolist() == ["抖音", "老带新"]
    assert list(df.columns) == ["channel", "contacts"]
    pd.testing.assert_frame_equal(tr_frame(df, "en"), df)


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="lang must be one of"):
        tr("social", "fr")


# --- every sentence exists in both languages with the same placeholders ------------------

CJK = re.compile("[\u4e00-\u9fff]")
CJK_TEXT = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # with CJK punctuation


def _fields(template):
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


@pytest.mark.parametrize("key", sorted(SENTENCES))
def test_every_sentence_has_both_languages_with_the_same_placeholders(key):
    assert set(SENTENCES[key]) == set(LANGS), key
    assert _fields(SENTENCES[key]["en"]) == _fields(SENTENCES[key]["zh"]), key
    assert CJK_TEXT.search(SENTENCES[key]["zh"]) and not CJK_TEXT.search(SENTENCES[key]["en"])


def test_placeholder_check_can_fail():
    assert _fields("a {x:,} b {y}") == {"x", "y"} != _fields("a {x}")


def _assert_chinese(axes):
    for a in axes:
        assert CJK.search(a.get_title()), a.get_title()
        assert CJK.search(a.get_xlabel()) or CJK.search(a.get_ylabel()), a.get_title()
    plt.close("all")


# --- value-index-retention ---------------------------------------------------------------
def test_validity_plots_in_chinese():
    from analysis.data.vocab import VALUES
    from analysis.plots import validity as P

    dec = pd.DataFrame(
        {
            "score": "index",
            "outcome": "retained",
            "bin": [1, 2],
            "rate": [0.2, 0.4],
            "lo": [0.1, 0.3],
            "hi": [0.3, 0.5],
        }
    )
    roc = pd.DataFrame(
        {"score": ["index"] * 2 + ["spend"] * 2, "fpr": [0, 1] * 2, "tpr": [0, 1] * 2}
    )
    base = pd.DataFrame(
        {
            "score": ["index", "only_social"],
            "auc": [0.6, 0.55],
            "lo": [0.55, 0.5],
            "hi": [0.65, 0.6],
        }
    )
    inc = pd.DataFrame(
        [
            {
                "score": "index",
                "auc_without": 0.6,
                "auc_with": 0.65,
                "auc_diff": 0.05,
                "diff_lo": 0.01,
                "diff_hi": 0.08,
                "odds_ratio_per_sd": 1.4,
            }
        ]
    )
    w = pd.DataFrame(
        [[0.2] * 5, [0.1, 0.2, 0.3, 0.3, 0.1], [0.5, 0.1, 0.1, 0.2, 0.1]], columns=list(VALUES)
    )
    sens = w.assign(
        draw=["random", "expansion", "random"],
        auc=[0.6, 0.62, 0.58],
        percentile=[np.nan, 0.7, np.nan],
    )
    ro = pd.DataFrame(
        {
            "cutoff": pd.to_datetime(["2025-10-01", "2026-01-01"]),
            "score": "index",
            "auc": [0.6, 0.7],
            "lo": [0.55, 0.65],
            "hi": [0.65, 0.75],
        }
    )
    km = pd.DataFrame(
        {
            "score": "index",
            "group": [1, 1, 2, 2],
            "days": [0, 10, 0, 10],
            "survival": [1, 0.8, 1, 0.9],
            "lo": [1, 0.7, 1, 0.8],
            "hi": [1, 0.9, 1, 1],
            "n": [10, 10, 12, 12],
        }
    )
    axes = [
        P.plot_deciles(dec, lang="zh"),
        P.plot_roc(roc, lang="zh"),
        P.plot_auc_comparison(base, lang="zh"),
        P.plot_incremental(inc, lang="zh"),
        P.plot_weight_sensitivity(sens, lang="zh"),
        P.plot_weight_region(sens, lang="zh"),
        P.plot_rolling(ro, lang="zh"),
        P.plot_survival(km, lang="zh"),
    ]
    assert not CJK.search(P.plot_deciles(dec).get_title())  # English by default
    _assert_chinese(axes)


def test_validity_verdict_in_chinese():
    from analysis.studies.validity.verdict import verdict

    a = pd.DataFrame([{"auc": 0.713, "lo": 0.69, "hi": 0.731, "ci": 0.95}])
    b = pd.DataFrame(
        {
            "score": ["index", "spend", "only_social"],
            "auc": [0.713, 0.63, 0.66],
            "lo": [0.69, 0.61, 0.64],
            "hi": [0.731, 0.65, 0.68],
            "diff": [0.0, 0.083, 0.05],
            "diff_lo": [0.0, 0.06, 0.03],
            "diff_hi": [0.0, 0.10, 0.07],
        }
    )
    zh = verdict(a, b, horizon_days=90, lang="zh")
    assert zh.startswith("预设指数能预测90 天留存：AUC 0.71 [0.69, 0.73]")
    assert "仅消费额 0.63 [0.61, 0.65]" in zh and "指数更好" in zh and "社交" in zh
    en = verdict(a, b, horizon_days=90)
    assert en.startswith("The preset index predicts 90-day retention") and not CJK.search(en)
    assert "does not predict" in verdict(a.assign(lo=0.45), lang="en")
    assert "不优于随机" in verdict(a.assign(lo=0.45), lang="zh")


# --- churn ---------------------------------------------------------------------------------
def test_churn_plots_in_chinese():
    from analysis.plots import churn as pc

    cal = pd.DataFrame(
        {
            "score": ["logistic"] * 2 + ["oracle"] * 2,
            "mean_predicted": [0.1, 0.6] * 2,
            "observed": [0.12, 0.55] * 2,
            "lo": [0.08, 0.5] * 2,
            "hi": [0.16, 0.6] * 2,
        }
    )
    lift = pd.DataFrame(
        {"score": ["hgb"] * 2, "fraction": [0.1, 0.5], "gain": [0.3, 0.8], "lift": [3.0, 1.6]}
    )
    imp = pd.DataFrame(
        {"feature": ["a", "b"], "importance": [0.1, 0.0], "lo": [0.05, -0.01], "hi": [0.15, 0.01]}
    )
    axes = [
        pc.plot_calibration(cal, lang="zh"),
        pc.plot_gain(lift, lang="zh"),
        pc.plot_lift(lift, lang="zh"),
        pc.plot_importance(imp, lang="zh"),
    ]
    assert [t.get_text() for t in axes[0].get_legend().get_texts()][1] == "逻辑回归"
    _assert_chinese(axes)


# --- segments-and-flow ---------------------------------------------------------------------
def test_flow_plots_in_chinese_with_stage_names_from_the_vocabulary():
    from analysis.data.vocab import STAGES
    from analysis.plots import flow as pf
    from analysis.studies.flow import Ladder

    states = Ladder().states
    snaps = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])
    codes = pd.DataFrame([[0, 3, 3], [1, 1, states.index("silent")], [3, 5, 5]], columns=snaps)
    rates = pd.DataFrame(
        [[0.5, 0.5], [0.2, 0.8]], index=["active", "silent"], columns=["active", "silent"]
    )
    sizes = pd.DataFrame(
        {"aware": [3, 4], "active": [2, 2], "silent": [1, 2], "lost": [0, 1]}, index=snaps[:2]
    )
    conv = pd.DataFrame(
        {
            "stage": ["access", "active"],
            "forward_rate": [0.3, 0.1],
            "lo": [0.2, 0.05],
            "hi": [0.4, 0.2],
            "n": [50, 40],
        }
    )
    curves = pd.DataFrame(
        {
            "channel": ["douyin"] * 2,
            "age_months": [0, 1],
            "rate": [0.8, 0.5],
            "lo": [0.7, 0.4],
            "hi": [0.9, 0.6],
        }
    )
    cohort = pd.DataFrame([[1.0, 0.5], [1.0, np.nan]], index=["2025-01", "2025-02"], columns=[0, 1])
    eff = pd.DataFrame(
        {
            "claim": ["giveaway users retain less"],
            "metric": ["retained at month 3"],
            "effect": [-0.1],
            "lo": [-0.2],
            "hi": [0.0],
        }
    )
    per = pd.DataFrame(
        {"period": snaps, "k_factor": [0.02, 0.03, 0.01], "k_lo": [0.01] * 3, "k_hi": [0.04] * 3}
    )
    cent = pd.DataFrame(
        {"name": ["P1 high social", "P2 average"], "social": [1.2, -0.3], "content": [0.1, -0.1]}
    )
    prof = pd.DataFrame(
        {
            "name": ["P1 high social", "P2 average"],
            "users": [10, 20],
            "retention": [0.6, 0.4],
            "retention_lo": [0.5, 0.3],
            "retention_hi": [0.7, 0.5],
        }
    )
    truth = pd.DataFrame(
        {
            "channel": ["douyin", "referral"],
            "log_hr": [0.2, -0.1],
            "lo": [0.1, -0.2],
            "hi": [0.3, 0.0],
            "log_hr_marginal_true": [0.25, -0.05],
            "gamma_structural": [0.2, 0.0],
        }
    )
    fig, axes = plt.subplots(3, 4)
    ax = axes.ravel()
    pf.plot_alluvial(codes, states=states, ax=ax[0], min_share=0, lang="zh")
    pf.plot_transition_heatmap(rates, ax=ax[1], lang="zh")
    pf.plot_stage_sizes(sizes, ax=ax[2], lang="zh")
    pf.plot_forward_conversion(conv, bottleneck="active", ax=ax[3], lang="zh")
    pf.plot_retention_curves(curves, by="channel", ax=ax[4], lang="zh")
    pf.plot_cohort_heatmap(cohort, ax=ax[5], lang="zh")
    pf.plot_effects(
        eff, ax=ax[6], unit="difference in retention (percentage points, a − b)", lang="zh"
    )
    pf.plot_k_factor(per, ax=ax[7], lang="zh")
    pf.plot_persona_centroids(cent, ax=ax[8], lang="zh")
    pf.plot_persona_bars(prof, ax=ax[9], lang="zh")
    pf.plot_effects_vs_truth(truth, ax=ax[10], lang="zh")
    ticks = [t.get_text() for t in ax[1].get_xticklabels()]
    assert ticks == [STAGES["active"], "沉默"]
    assert STAGES["access"] in ax[3].get_xticklabels()[0].get_text()
    assert [t.get_text() for t in ax[2].get_legend().get_texts()][-1] == STAGES["aware"]
    assert any(STAGES["active"] in t.get_text() for t in ax[0].texts)
    assert ax[9].get_xticklabels()[0].get_text().startswith("P1 高社交")
    _assert_chinese(ax[:11])


# --- ltv -----------------------------------------------------------------------------------
def test_ltv_plots_in_chinese():

    by_freq = pd.DataFrame(
        {"frequency_cal": [0, 1, 2], "actual": [0.1, 0.5, 1.0], "predicted": [0.12, 0.45, 1.1]}
    )
    curve = pd.DataFrame(
        {
            "t": [1, 2, 3],
            "actual": [1, 3, 6],
            "predicted": [1, 3.2, 5.5],
            "phase": ["calibration", "calibration", "holdout"],
        }
    )
    matrix = pd.DataFrame([[0.1, 0.2], [0.8, 0.9]], index=[0, 10], columns=[0, 1])
    fig, axes = plt.subplots(1, 3)
    plots_ltv.plot_calibration_by_frequency(by_freq, ax=axes[0], lang="zh")
    plots_ltv.plot_cumulative_transactions(curve, ax=axes[1], unit_label="weeks", lang="zh")
    plots_ltv.plot_matrix(
        matrix,
        ax=axes[2],
        colorbar_label="probability alive",
        lang="zh",
        title=say("ltv.plot.alive_title", "zh", age=10, unit=tr("weeks", "zh")),
    )
    assert "周" in axes[1].get_xlabel()
    assert axes[2].figure.axes[-1].get_ylabel() == "存活概率"  # the colour bar
    _assert_chinese(axes)


# --- behaviours-retention ------------------------------------------------------------------
def test_behaviours_plots_in_chinese():
    from analysis.plots.behaviours import (
        plot_confirmed_intervals,
        plot_discovery_vs_confirmation,
        plot_phi_heatmap,
    )

    m = pd.DataFrame(
        {
            "unit": "type:share",
            "k": [1, 1, 2, 2],
            "d": [1, 7, 1, 7],
            "phi": [0.1, 0.2, 0.05, 0.15],
            "tested": True,
            "significant": [False, True, False, True],
        }
    )
    conf = pd.DataFrame(
        {
            "unit": ["value:social", "paid_order"],
            "k": [1, 2],
            "d": [7, 30],
            "holds": [True, False],
            "phi_conf": [0.2, 0.01],
            "diff_conf": [0.1, 0.01],
            "diff_lo_conf": [0.05, -0.02],
            "diff_hi_conf": [0.15, 0.04],
            "diff_disc": [0.12, 0.05],
        }
    )
    axes = [
        plot_phi_heatmap(m, unit="type:share", lang="zh"),
        plot_confirmed_intervals(conf, lang="zh"),
        plot_discovery_vs_confirmation(conf, lang="zh"),
    ]
    assert "次" in axes[1].get_yticklabels()[0].get_text()
    _assert_chinese(axes)


def test_vocabulary_and_feature_meanings_have_chinese():
    from analysis.aggregate.features import feature_dictionary
    from analysis.data.vocab import default_vocabulary

    meanings = list(default_vocabulary().table()["meaning"]) + list(feature_dictionary()["meaning"])
    missing = [m for m in meanings if not CJK_TEXT.search(tr(m, "zh"))]
    assert not missing, missing[:3]
