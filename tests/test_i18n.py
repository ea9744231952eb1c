import ast
import functools
import importlib
import inspect
import re
import string
from collections import Counter
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from analysis.data.vocab import STAGES, VALUES
from analysis.i18n import LANGS, SENTENCES, TRANSLATIONS, say, tr, tr_frame
from analysis.plots import ltv as plots_ltv

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the Agg backend)

ROOT = Path(__file__).resolve().parents[1]


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


def test_a_generic_header_is_named_by_its_table_not_by_the_term_table():
    # "n" counts users in one table, user-months or repeat buyers in others; "p" is a p-value
    # or the Gamma-Gamma shape parameter: a one-letter name never gets a Chinese header alone
    assert not [k for k in TRANSLATIONS["zh"] if len(k) == 1 and k.islower()]
    df = pd.DataFrame({"score": ["index"], "n": [10], "p": [0.01], "r": [2.0]})
    zh = tr_frame(df, "zh", headers={"n": "users", "p": "p_value"})
    assert list(zh.columns) == ["评分", "用户数", "p 值", "r"]
    assert list(tr_frame(df, "zh").columns) == ["评分", "n", "p", "r"]
    assert list(tr_frame(df, "en", headers={"n": "users"}).columns) == list(df.columns)


def test_frames_translate_the_names_of_their_index_and_columns():
    df = pd.DataFrame({"auc": [0.6]}, index=pd.Index(["index"], name="score"))
    df.columns.name = "metric"
    zh = tr_frame(df, "zh")
    assert zh.index.name == "评分" and zh.columns.name == "指标" and df.index.name == "score"
    assert tr_frame(df, "en").index.name == "score"


def test_frames_in_chinese_say_yes_and_no_and_name_each_thing_once():
    df = pd.DataFrame(
        {"state": ["act", "lost"], "zh": ["首购", "流失"], "on_ladder": [True, False]},
        index=pd.Index(["a", "b"], name="group"),
    )
    zh = tr_frame(df, "zh", value_columns=["state"], headers={"group": "segment"})
    assert list(zh.columns) == ["状态", "在阶梯上"]  # the Chinese names are the states now
    assert zh["在阶梯上"].tolist() == ["是", "否"] and zh.index.name == "分群"
    pd.testing.assert_frame_equal(tr_frame(df, "en", headers={"group": "segment"}), df)
    # a name column that says something else stays
    kept = tr_frame(df.assign(zh=["首次购买", "流失"]), "zh", value_columns=["state"])
    assert "中文名" in kept.columns
    cross = pd.crosstab(
        pd.Series(["screened", "straight_in"], name="derived"), pd.Series([True, False])
    )
    zh = tr_frame(cross, "zh", index=True)
    assert list(zh.columns) == ["否", "是"] and list(zh.index) == ["1:1 筛选后入群", "直接入群"]
    assert list(tr_frame(cross, "zh").index) == ["screened", "straight_in"]


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


# --- data-overview -----------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # seaborn draws the canvas
def test_overview_plots_in_chinese_name_channels_and_event_types():
    from analysis.plots import overview as po

    mix = pd.DataFrame(
        {"channel": ["douyin", "partner"], "hook": ["coupon", "trial"], "share": [0.6, 0.4]}
    )
    period = pd.to_datetime(["2025-01-01", "2025-02-01"] * 2)
    joins = pd.DataFrame({"period": period, "channel": ["douyin"] * 2 + ["referral"] * 2})
    joins["rows"] = [3, 4, 1, 2]
    events = joins.rename(columns={"channel": "event_type"}).assign(
        event_type=["group_quit"] * 2 + ["share"] * 2
    )
    axes = [po.plot_mix(mix, lang="zh"), po.plot_joins(joins, lang="zh")]
    axes.append(po.plot_events(events, lang="zh"))
    assert axes[0].get_title() == "各渠道与钩子的联系人占比 (%)"
    assert axes[1].get_title() == "各渠道每月新增联系人"
    legend = [t.get_text() for t in axes[2].get_legend().get_texts()]
    assert set(legend) == {"退群", "分享"}  # event types, not column headers ("share": 占比)
    _assert_chinese(axes[:2])
    en = po.plot_events(events)
    assert {t.get_text() for t in en.get_legend().get_texts()} == {"group_quit", "share"}
    assert po.plot_mix(mix).get_title() == "Contacts by channel and hook (% of all contacts)"
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
    assert zh.startswith("预设指数能预测用户 90 天后是否留存：AUC 0.71（95% 区间 [0.69, 0.73]）")
    assert "与最强的简单基准——只看消费额——相比，指数更好：" in zh and "社交" in zh
    en = verdict(a, b, horizon_days=90)
    assert en.startswith("The preset index predicts 90-day retention") and not CJK.search(en)
    null = a.assign(lo=0.48, hi=0.52)
    assert "does not predict" in verdict(null, lang="en")
    assert "不能预测" in verdict(null, lang="zh")


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


# --- the layout: the lookup, terms by topic, one text module per report notebook ----------
I18N_DIR = ROOT / "src" / "analysis" / "i18n"
NOTEBOOKS = ROOT / "notebooks"

#: report notebook -> (its text module in analysis.i18n, the namespace of its sentence keys)
REPORT_TEXT = {
    "data-overview": ("overview", "overview"),
    "value-index-retention": ("value_index", "validity"),
    "churn": ("churn", "churn"),
    "segments-and-flow": ("segments_flow", "flow"),
    "ltv": ("ltv", "ltv"),
    "behaviours-retention": ("behaviours", "behaviours"),
    "touches": ("touches", "touch"),
}
NAMESPACES = {ns for _, ns in REPORT_TEXT.values()} | {"common"}
TEXT_MODULES = [m for m, _ in REPORT_TEXT.values()] + ["common"]
TERM_TABLES = {  # module: its term tables (one namespace with every report's LABELS)
    "vocabulary": ["TERMS", "EVENT_MEANINGS"],
    "terms": ["TERMS", "SEGMENTS"],
    "features": ["TERMS"],
    **{m: ["LABELS"] for m in TEXT_MODULES},
}


def _module(name):
    return importlib.import_module(f"analysis.i18n.{name}")


def test_every_report_notebook_has_its_text_module():
    assert {p.stem for p in NOTEBOOKS.glob("*.py")} == set(REPORT_TEXT)
    files = {p.stem for p in I18N_DIR.glob("*.py")}
    # prose: the markdown cells of every notebook (analysis/i18n/prose/<report>.yaml)
    assert files == {"__init__", "vocabulary", "terms", "features", "prose", *TEXT_MODULES}
    for nb, (mod, _) in REPORT_TEXT.items():
        assert f"notebooks/{nb}.py" in _module(mod).__doc__, mod


def test_every_text_file_starts_with_a_one_line_docstring_naming_what_it_serves():
    for path in I18N_DIR.glob("*.py"):
        if path.stem == "__init__":
            continue
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith('"""') and first.endswith('"""') and len(first) > 6, path.name
        assert "notebooks/" in first, f"{path.name}: say which report notebook it serves"


def test_init_holds_the_lookup_only():
    tree = ast.parse((I18N_DIR / "__init__.py").read_text(encoding="utf-8"))
    literal_dicts = [n for n in ast.walk(tree) if isinstance(n, ast.Dict) and len(n.keys) > 2]
    assert not literal_dicts, "terms and sentences belong in the topic and report files"


def _literal_keys(path):
    """(dict name, key) of every literal key of the module-level dicts of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            for k in node.value.keys:
                if isinstance(k, ast.Constant):
                    yield target.id, k.value


def test_no_key_is_defined_twice():
    # within one dict literal (Python would silently keep the last one)
    for path in I18N_DIR.glob("*.py"):
        seen = Counter(_literal_keys(path))
        assert not [k for k, n in seen.items() if n > 1], path.name
    # across the files: one term namespace, one sentence namespace
    terms = Counter(
        k for mod, tables in TERM_TABLES.items() for t in tables for k in getattr(_module(mod), t)
    )
    sentences = Counter(k for m in TEXT_MODULES for k in _module(m).SENTENCES)
    assert [k for k, n in terms.items() if n > 1] == []
    assert [k for k, n in sentences.items() if n > 1] == []
    assert len(TRANSLATIONS["zh"]) == sum(terms.values())
    assert len(SENTENCES) == sum(sentences.values())


def test_duplicate_check_can_fail(tmp_path):
    p = tmp_path / "x.py"
    p.write_text('A = {"a": "甲", "b": "乙", "a": "丙"}\n', encoding="utf-8")
    assert Counter(_literal_keys(p))[("A", "a")] == 2


def test_sentence_keys_live_in_the_file_of_their_report():
    for mod, ns in [*REPORT_TEXT.values(), ("common", "common")]:
        wrong = [k for k in _module(mod).SENTENCES if not k.startswith(ns + ".")]
        assert not wrong, f"{mod}.py holds keys of another report: {wrong}"


# --- keys in the code: never built at run time, every literal one exists ----------------------
SENTENCE_KEY = re.compile(rf"^({'|'.join(sorted(NAMESPACES))})\.[A-Za-z0-9_.]+$")
KEY_START = re.compile(rf"^({'|'.join(sorted(NAMESPACES))})\.")
#: Namespaces of run-time terms whose finite sets are enumerated below ("type:<event type>").
DATA_PREFIXES = ("type:", "value:")
#: Keyword arguments of the kit's ``plot_*`` functions (and their defaults) that carry a chart
#: label to ``tr``.
LABEL_ARGS = {"title", "xlabel", "ylabel", "unit", "unit_label", "colorbar_label"}


def _code_files():
    src = [p for p in (ROOT / "src" / "analysis").rglob("*.py") if "i18n" not in p.parts]
    return sorted(src) + sorted(NOTEBOOKS.glob("*.py"))


def _call_name(node):
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _leading_text(node):
    """The literal text a built string starts with (f-string, +, %, .format), else None."""
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return first.value if isinstance(first, ast.Constant) else ""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left = node.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            return left.value
        return _leading_text(left)
    if isinstance(node, ast.Call) and _call_name(node) == "format":
        inner = node.func.value if isinstance(node.func, ast.Attribute) else None
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            return inner.value
    return None


def _literals(node):
    """The literal strings an argument can be: a constant, or either side of a conditional;
    an f-string with 7 for each field (its number-bearing pattern must translate it)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _scan(path):
    """What the i18n tests need from one code file: built keys, literal sentence keys and
    literal labels (each with its line)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    built, keys, labels = set(), [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SENTENCE_KEY.match(node.value):
                keys.append((node.value, node.lineno))
        lead = (
            _leading_text(node) if isinstance(node, (ast.JoinedStr, ast.BinOp, ast.Call)) else None
        )
        if lead is not None and KEY_START.match(lead):
            built.add((ast.unparse(node), node.lineno))
        if isinstance(node, ast.Call) and _call_name(node) in ("tr", "say") and node.args:
            arg = node.args[0]
            lead = _leading_text(arg)
            if lead is not None and not (
                _call_name(node) == "tr" and lead.startswith(DATA_PREFIXES)
            ):
                built.add((ast.unparse(arg), arg.lineno))
            if _call_name(node) == "tr":
                labels += [
                    (s, node.lineno) for s in _literals(arg) if not s.startswith(DATA_PREFIXES)
                ]
        if isinstance(node, ast.Call) and _call_name(node) == "tr_frame":
            for kw in node.keywords:
                if kw.arg == "headers" and isinstance(kw.value, ast.Dict):
                    labels += [(s, node.lineno) for v in kw.value.values for s in _literals(v)]
        if isinstance(node, ast.Call) and (_call_name(node) or "").startswith("plot_"):
            for kw in node.keywords:
                if kw.arg in LABEL_ARGS:
                    labels += [(s, node.lineno) for s in _literals(kw.value)]
        if isinstance(node, ast.FunctionDef) and "plots" in path.parts:
            args = node.args.args + node.args.kwonlyargs
            defaults = [None] * (len(node.args.args) - len(node.args.defaults))
            defaults += node.args.defaults + node.args.kw_defaults
            for a, d in zip(args, defaults):
                if a.arg in LABEL_ARGS and d is not None:
                    labels += [(s, d.lineno) for s in _literals(d)]
    return sorted(built, key=lambda b: b[1]), keys, labels


SCANS = {p: _scan(p) for p in _code_files()}


def _where(path, line):
    return f"{path.relative_to(ROOT)}:{line}"


def test_no_i18n_key_is_built_at_run_time():
    """A key built from pieces (f-string, +, %, .format) cannot be checked before it runs,
    and a missing one falls back to English unseen: name every key in full (a conditional
    between literal keys is fine). Only ``tr(f"type:{t}")`` / ``value:`` are allowed: those
    namespaces are enumerated in ``test_every_term_a_report_builds_from_data_has_chinese``."""
    built = [f"{_where(p, ln)}: {src}" for p, (b, _, _) in SCANS.items() for src, ln in b]
    assert not built, "\n".join(built)


def test_every_sentence_key_in_the_code_exists():
    missing = [
        f"{_where(p, ln)}: {k}"
        for p, (_, keys, _) in SCANS.items()
        for k, ln in keys
        if k not in SENTENCES
    ]
    assert not missing, "\n".join(missing)


def test_every_literal_label_has_chinese():
    missing = [
        f"{_where(p, ln)}: {s!r}"
        for p, (_, _, labels) in SCANS.items()
        for s, ln in labels
        if not CJK_TEXT.search(tr(s, "zh"))
    ]
    assert not missing, "\n".join(missing)


def _module_file(name):
    base = ROOT / "src" / Path(*name.split("."))
    return next((f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None)


def _imported_files(path, seen):
    """The kit's modules that ``path`` imports, transitively (analysis.i18n aside)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name.startswith("analysis.") and not name.startswith("analysis.i18n"):
                f = _module_file(name)
                if f is not None and f not in seen:
                    seen.add(f)
                    _imported_files(f, seen)
    return seen


@pytest.mark.parametrize("notebook", sorted(REPORT_TEXT))
def test_the_text_file_of_a_report_holds_every_sentence_its_notebook_says(notebook):
    """What a report says (in its notebook, or through the study results, plots and readings
    it imports) is in its own text file; sentences of other namespaces exist too."""
    mod, ns = REPORT_TEXT[notebook]
    nb = NOTEBOOKS / f"{notebook}.py"
    keys = {k for f in {nb} | _imported_files(nb, set()) for k, _ in SCANS[f][1]}
    own = {k for k in keys if k.startswith(ns + ".")}
    assert own, f"{notebook}: no sentence of its report found"
    missing = sorted(own - set(_module(mod).SENTENCES))
    assert not missing, f"{notebook}: not in analysis/i18n/{mod}.py: {missing}"
    assert not sorted(keys - set(SENTENCES)), notebook


def test_the_scan_finds_built_keys_and_missing_ones(tmp_path):
    p = tmp_path / "x.py"
    p.write_text(
        'say(f"validity.verdict.name_{k}", lang)\n'
        'key = "churn.definition.act_" + kind\n'
        'tr(f"Contacts by {rows}", lang)\n'
        'tr(f"type:{t}", lang)\n'
        'say("flow.no_such_key" if a else "flow.reading", lang)\n'
        'pf.plot_effects(x, title="Not a known title")\n',
        encoding="utf-8",
    )
    built, keys, labels = _scan(p)
    assert [ln for _, ln in built] == [1, 2, 3]
    assert ("flow.no_such_key", 5) in keys and "flow.no_such_key" not in SENTENCES
    assert ("Not a known title", 6) in labels and tr(
        "Not a known title", "zh"
    ) == "Not a known title"


# --- terms a report builds from data: every member of each finite set has Chinese -----------
def _score_names():
    """The scores of the baseline comparison, as the study names them."""
    from analysis.studies.validity.compare import baseline_scores

    rng = np.random.default_rng(0)
    cols = ["index", "spend", "rfm_score", "index_equal", *[f"{v}_score" for v in VALUES]]
    frame = pd.DataFrame(rng.random((40, len(cols))), columns=cols)
    frame["retained"] = np.arange(40) % 2 == 0
    return list(baseline_scores(frame, cv=2).columns)


@functools.cache
def _run_time_terms():
    """Each set of terms that a ``tr(<data>, lang)`` call site can be given, by call site."""
    from analysis.data.vocab import OFF_LADDER, default_vocabulary
    from analysis.simulate import CHANNELS, HOOKS
    from analysis.studies import churn as ch
    from analysis.studies import cohorts, flow, segments
    from analysis.studies.scores import PRESETS

    types = list(default_vocabulary().event_types)
    fractions = inspect.signature(ch.evaluate_by_time).parameters["top_fractions"].default
    return {
        # values, stages and states: every report's tables, plots and readings
        "values": list(VALUES),
        "stages and states": [*STAGES, *OFF_LADDER, *flow.Ladder().states, flow.NEW, flow.OUT],
        # channels and hooks: overview mix, flow curves, ltv CLV by channel / hook
        "channels": list(CHANNELS) + ["unknown"],
        "hooks": sorted({h for hooks in HOOKS.values() for h in hooks}),
        # behaviour units (behaviours report; the overview's event legend)
        "behaviour units": [f"type:{t}" for t in types]
        + [f"value:{v}" for v in VALUES]
        + ["paid_order"],
        "behaviour periods": ["discovery", "confirmation"],
        # the value-alignment table's best behaviour (cells and the alignment reading)
        "behaviour labels": [f"type:{t} ≥2 in 14d" for t in types]
        + ["value:social ≥1 in 7d", "paid_order ≥3 in 30d"],
        # the churn at-risk list's reasons
        "churn reasons": [
            "days_since_last_interaction=34 (typical 20): +5.1 pts",
            "channel=offline_event (typical douyin): +0.4 pts",
        ],
        # churn: model and score names (plots.churn legends, readings), metric rows
        "churn models": [*ch.MODEL_NAMES, *ch.MODEL_NAMES.values(), "oracle"],
        "churn metrics": ["roc_auc", "pr_auc", "brier"]
        + [f"{m}@{f:.0%}" for f in fractions for m in ("gain", "lift")],
        # value-index: scores (ROC legend, AUC comparison), draws, weights, outcomes
        "validity scores": _score_names() + ["rfm_score"],
        "weight draws": [*PRESETS, "custom", "best region (top 5% mean)", "best draw"],
        "outcomes": ["retained", "no_hard_churn"],
        # segments-and-flow: segments, tiers, personas, the essay's claims
        "rfm segments": [*segments.rfm_segment_rules()["segment"], "other", "no_purchase"],
        "value tiers": list(segments.TIERS),
        "persona profile": [f"mean_{v}" for v in VALUES],
        "personas": ["P1 high social+content", "P2 high experience", "P3 quiet (low on all)"]
        + ["P4 average"],
        "screening groups": list(cohorts.SCREENING_GROUPS),
        "claims": [
            "giveaway users retain less",
            "giveaway users spend less",
            "screened in 1:1 retain better",
            "giveaway",
            "others",
            "screened",
            "straight_in",
            "supported",
            "contradicted",
            "inconclusive",
            "retained at month 3",
            "net spend in first 180 days (CNY)",
            "difference in mean net spend, first 180 days (CNY)",
        ],
        # ltv: the model time unit (readings and axis labels)
        "ltv units": ["days", "day", "weeks", "week", "hours", "hour", "units of 14 x D"],
    }


@pytest.mark.parametrize("name", sorted(_run_time_terms()))
def test_every_term_a_report_builds_from_data_has_chinese(name):
    missing = [t for t in _run_time_terms()[name] if tr(t, "zh") == t]
    assert not missing, f"{name}: no Chinese for {missing}"
