"""The churn study's results (analysis.studies.churn_results): each reading says what its tiny
hand-made table says, in English and Chinese, with and without the oracle; each plot draws
on a new figure or on the axes given; each result's table is the study's own table."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from analysis.studies import churn as ch
from analysis.studies import churn_list
from analysis.studies import churn_results as C


def _plots(draw):
    """``draw(ax)`` returns an Axes on a new figure when ax is None, else the ax given."""
    before = set(plt.get_fignums())
    ax = draw(None)
    assert isinstance(ax, Axes) and ax.figure.number not in before and ax.has_data()
    fig, given = plt.subplots()
    assert draw(given) is given and given.has_data()
    plt.close("all")


# --- class balance -------------------------------------------------------------------------
BALANCE = pd.DataFrame(
    {
        "set": ["train", "test"],
        "cutoff": ["2026-01-01", "2026-04-01"],
        "users": [1000, 2000],
        "churned": [200, 300],
        "hard_churn": [50, 60],
        "churn_rate": [0.2, 0.15],
        "lo": [0.18, 0.135],
        "hi": [0.22, 0.166],
    }
)


def test_balance_reading_takes_train_and_test_rows():
    res = C.BalanceResult(BALANCE.iloc[::-1], horizon_days=60)  # row order must not matter
    en = res.reading("en")
    assert en.startswith(
        "At the training cut-off (2026-01-01) 1,000 users were in the private domain and "
        "20.0% of them churned within 60 days (50 by deleting the contact). At the test "
        "cut-off (2026-04-01) the rate was 15.0% (95% interval 13.5%–16.6%) among 2,000 users"
    )
    assert res.reading("zh").startswith("训练截止日（2026-01-01）私域内共 1,000 位用户，其中 20.0%")
    assert res.conclusion("en") == (
        "- **How common.** 15.0% of the 2,000 users at the test cut-off churned."
    )
    assert res.conclusion("zh") == "- **有多常见**：测试截止日的 2,000 位用户中 15.0% 流失。"


# --- the scores ------------------------------------------------------------------------------
def _metrics(oracle=True):
    est = {
        "logistic": {
            "roc_auc": 0.80,
            "pr_auc": 0.60,
            "brier": 0.10,
            "gain@10%": 0.45,
            "lift@10%": 4.5,
        },
        "hgb": {"roc_auc": 0.82, "pr_auc": 0.62, "brier": 0.09, "gain@10%": 0.50, "lift@10%": 5.0},
        "oracle": {
            "roc_auc": 0.90,
            "pr_auc": 0.70,
            "brier": 0.07,
            "gain@10%": 0.60,
            "lift@10%": 6.0,
        },
    }
    rows = []
    for score, ms in est.items():
        if score == "oracle" and not oracle:
            continue
        for metric, e in ms.items():
            row = {"score": score, "metric": metric, "estimate": e, "lo": e - 0.02, "hi": e + 0.01}
            if oracle:
                gap = e - est["oracle"][metric]
                row |= {"gap": gap, "gap_lo": gap - 0.01, "gap_hi": gap + 0.02}
            rows.append(row)
    return pd.DataFrame(rows)


def test_scores_name_the_best_model_with_and_without_the_oracle():
    res = C.ScoresResult(_metrics(), models=("logistic", "hgb"), base_rate=0.1, horizon_days=90)
    assert res.best == "hgb" and res.has_oracle
    en = res.reading("en")
    assert en.startswith(
        "On the test population the better-ranking model is **gradient boosting (HGB)** with "
        "ROC AUC 0.820; contacting its riskiest 10% of users reaches 50% of all churners, "
        "5.0 times the base rate of 10.0%. The oracle"
    )
    assert "ROC AUC 0.900 and Brier score 0.070; the best model is 0.080 AUC below it " in en
    assert "(paired 95% interval 0.060 to 0.090) and its Brier score is 0.020 higher" in en
    zh = res.reading("zh")
    assert zh.startswith("在测试人群上排序更好的模型是**梯度提升树**") and "理想模型达到" in zh
    assert res.headline("en") == (
        "Churn within 90 days (10% of users) is ranked with ROC AUC 0.82 [0.80, 0.83] by the "
        "gradient boosting (HGB); its riskiest 10% of users hold 50% of the churners "
        "(oracle AUC 0.90)."
    )
    assert res.headline("zh").endswith("（理想模型 AUC 0.90）。")
    lines = res.conclusion("en").split("\n")
    assert lines[0] == (
        "- **How well it is predicted.** gradient boosting (HGB): ROC AUC 0.820, PR AUC 0.620 "
        "(base rate 0.100), Brier 0.090; the other model: ROC AUC logistic 0.800."
    )
    assert lines[1].startswith("- **Against the oracle.** The best model is 0.080 AUC below")
    assert "逻辑回归 0.800" in res.conclusion("zh")
    assert list(res.oracle_gap["score"].unique()) == ["logistic", "hgb"]

    alone = C.ScoresResult(_metrics(oracle=False), models=("logistic", "hgb"), base_rate=0.1)
    assert alone.best == "hgb" and not alone.has_oracle and alone.oracle_gap is None
    assert "oracle" not in alone.reading("en") and "理想模型" not in alone.reading("zh")
    assert alone.headline("en").endswith("hold 50% of the churners.")
    assert len(alone.conclusion("en").split("\n")) == 1
    # the best model is the one with the highest ROC AUC, whatever its row order
    flipped = _metrics(oracle=False)
    flipped.loc[flipped["metric"] == "roc_auc", "estimate"] = [0.9, 0.7]
    assert C.ScoresResult(flipped.iloc[::-1], models=("logistic", "hgb")).best == "logistic"


# --- calibration -----------------------------------------------------------------------------
def test_calibration_reading_names_the_models_largest_miss():
    cal = pd.DataFrame(
        {
            "score": ["logistic"] * 2 + ["hgb"] * 2 + ["oracle"] * 2,
            "bin": [1, 2, 1, 2, 1, 2],
            "n": 50,
            "mean_predicted": [0.1, 0.5, 0.12, 0.6, 0.1, 0.9],
            "observed": [0.12, 0.42, 0.11, 0.58, 0.1, 0.2],  # the oracle's miss is not read
            "lo": [0.05, 0.3, 0.05, 0.45, 0.05, 0.1],
            "hi": [0.2, 0.55, 0.2, 0.7, 0.2, 0.3],
        }
    )
    res = C.CalibrationResult(
        cal, metrics=_metrics(), models=("logistic", "hgb"), cutoff="2026-04-01"
    )
    assert res.reading("en") == (
        "The largest calibration miss of the models is 8.0 percentage points (logistic, bin 2: "
        "predicted 50.0%, observed 42.0%, interval 30.0%–55.0%). Brier scores: logistic "
        "0.100, hgb 0.090, oracle 0.070."
    )
    assert res.reading("zh").startswith("模型中最大的校准偏差为 8.0 个百分点（逻辑回归，第 2 箱")
    assert "概率误差：逻辑回归 0.100、梯度提升 0.090、理想模型 0.070。" in res.reading("zh")
    _plots(lambda ax: res.plot(ax=ax))
    ax = res.plot(lang="zh")
    assert "2026-04-01" in ax.get_title() and "校准" in ax.get_title()
    plt.close("all")


# --- gain and lift -----------------------------------------------------------------------------
def _lift(oracle=True):
    fr = np.linspace(0.01, 1.0, 100)
    parts = [
        pd.DataFrame({"score": s, "fraction": fr, "gain": np.minimum(fr * k, 1.0), "lift": k})
        for s, k in (("logistic", 2.0), ("hgb", 3.0), ("oracle", 4.0))
        if oracle or s != "oracle"
    ]
    return pd.concat(parts, ignore_index=True)


def test_gain_reading_at_the_share_with_and_without_the_oracle():
    res = C.LiftResult(_lift(), model="hgb", share=0.2)
    assert res.reading("en") == (
        "Contacting the riskiest 20% of users by the gradient boosting (HGB) reaches 60% of "
        "the churners, against 20% in random order and 80% for the oracle."
    )
    assert res.reading("zh").endswith("随机顺序只有 20%，理想模型为 80%。")
    alone = C.LiftResult(_lift(oracle=False), model="logistic", share=0.1)
    assert alone.reading("en") == (
        "Contacting the riskiest 10% of users by the logistic regression (L2) reaches 20% of "
        "the churners, against 10% in random order."
    )
    assert alone.reading("zh").endswith("随机顺序只有 10%。")
    _plots(lambda ax: res.plot(ax=ax))
    _plots(lambda ax: res.plot_lift(ax=ax))


# --- importance ----------------------------------------------------------------------------------
def test_importance_reading_names_the_top_three_and_the_useless():
    imp = pd.DataFrame(
        {
            "feature": ["group_quits", "interactions_short", "tenure_days", "in_group", "hook"],
            "importance": [0.09, 0.04, 0.02, 0.0005, 0.0],
            "sd": 0.001,
            "lo": [0.08, 0.03, 0.01, -0.001, -0.001],
            "hi": [0.10, 0.05, 0.03, 0.0009, 0.002],
        }
    )
    res = C.ImportanceResult(imp, model="logistic")
    assert res.reading("en") == (
        "The three features the warning leans on most are `group_quits` (AUC drop 0.090), "
        "`interactions_short` (AUC drop 0.040), `tenure_days` (AUC drop 0.020); 1 of 5 "
        "features add nothing measurable."
    )
    assert "退群次数（AUC 下降 0.090）、" in res.reading("zh")
    assert "5 个特征中有 1 个没有可测量的贡献" in res.reading("zh")
    _plots(lambda ax: res.plot(ax=ax))
    assert res.plot(lang="zh").get_title() == "置换重要性（逻辑回归）"
    plt.close("all")


# --- the at-risk list ----------------------------------------------------------------------------
def test_at_risk_reading_compares_the_list_with_everyone_else(tmp_path):
    at_risk = pd.DataFrame(
        {
            "rank": [1, 2, 3, 4],
            "reason_1": [
                "group_quits=1 (typical 0): +30.0 pts",
                "days_since_last_interaction=41 (typical 3): +12.0 pts",
                "group_quits=2 (typical 0): +25.0 pts",
                "",
            ],
        },
        index=pd.Index(["u4", "u1", "u7", "u2"], name="user_id"),
    )
    churned = pd.Series(
        [1, 1, 1, 0, 1, 0, 0, 0, 0, 0],
        index=pd.Index([f"u{i}" for i in range(10)], name="user_id"),
        name="churned",
    )  # the list (u1, u2, u4, u7): 3 of 4 churn; the other six: 1 of 6
    res = C.AtRiskResult(at_risk, outcome=churned)
    assert res.reading("en") == (
        "- **The list.** Among the 4 users at the top of the risk × value list, 75% did "
        "churn, against 17% of everyone else. The most common first reason is `group_quits` "
        "(2 of 4 users)."
    )
    assert res.reading("zh") == (
        "- **名单**：风险 × 价值名单前 4 位用户中 75% 确实流失，其余用户为 17%。最常见的首要"
        "原因是“退群次数”（4 位中 2 位）。"
    )
    shown = res.head(2)
    assert list(shown["rank"]) == [1, 2] and "user_id" not in shown.reset_index().columns
    assert res.export_note("", lang="en") == "No file written (`export_csv` is empty)."
    assert res.export_note("", lang="zh") == "未写出文件（`export_csv` 为空）。"
    assert res.export_note("list.csv").startswith("The top 4 users were written to `list.csv`")
    assert "`ANALYSIS_PSEUDONYM_KEY`" in res.export_note("list.csv", lang="zh")
    path = res.export(tmp_path / "list.csv", key="test-key-not-secret")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("pseudo_id,") and "u4" not in text
    with pytest.raises(NotImplementedError):
        res.plot()


# --- the *_result functions return the study's own tables ----------------------------------------
def _churn_frame(n, seed):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {c: rng.poisson(3, n).astype(float) for c in ch.NUMERIC + ch.EVIDENCE},
        index=pd.Index([f"s{seed}-{i:03d}" for i in range(n)], name="user_id"),
    )
    df["channel"] = rng.choice(["douyin", "referral"], n)
    df["hook"] = rng.choice(["coupon", "trial"], n)
    df["stage"] = "member"
    risk = 1 / (1 + np.exp(2 - 0.5 * df["group_quits"] + 0.3 * df["interactions_short"]))
    df["churned"] = (rng.random(n) < risk).astype("int64")
    df["churned_hard"] = 0
    return df


@pytest.fixture(scope="module")
def small_eval():
    train, test = _churn_frame(300, 0), _churn_frame(200, 1)
    models = ch.fit_models(train, kinds=("logistic",), random_state=0)
    pred = ch.predict_risk(models, test)
    pred["oracle"] = np.clip(pred["logistic"] * 1.1, 0, 1)
    pred.insert(0, "churned", test["churned"].to_numpy())
    scores = {k: pred[k].to_numpy() for k in ("logistic", "oracle")}
    metrics = ch.churn_metrics(pred["churned"], scores, n_boot=20, reference="oracle")
    return ch.ChurnEvaluation(
        ch.ChurnDefinition(horizon_days=60),
        pd.Timestamp("2026-01-01", tz="Asia/Shanghai"),
        pd.Timestamp("2026-04-01", tz="Asia/Shanghai"),
        train,
        test,
        models,
        pred,
        metrics,
    )


def test_result_tables_are_the_studys_tables(small_eval):
    ev = small_eval
    y, scores = ev.predictions["churned"], {k: ev.predictions[k] for k in ("logistic", "oracle")}
    balance = C.balance_result(ev)
    pd.testing.assert_frame_equal(balance.table, ev.class_balance())
    assert balance.horizon_days == 60
    res = C.scores_result(ev)
    assert res.table is ev.metrics and res.models == ("logistic",) and res.best == "logistic"
    assert res.base_rate == balance.row("test")["churn_rate"]
    cal = C.calibration_result(ev, n_bins=5)
    pd.testing.assert_frame_equal(cal.table, ch.calibration_table(y, scores, n_bins=5))
    assert cal.cutoff == "2026-04-01" and "logistic" in cal.reading()
    lift = C.lift_result(ev, model="logistic")
    pd.testing.assert_frame_equal(lift.table, ch.lift_table(y, scores))
    imp = C.importance_result(ev, model="logistic", n_repeats=2, max_samples=10_000)
    expected = ch.permutation_importance_table(
        ev.models["logistic"], ev.test, n_repeats=2, max_samples=200
    )
    pd.testing.assert_frame_equal(imp.table, expected)
    at_risk = C.at_risk_result(ev, model="logistic", top_n=20)
    value = churn_list.value_index(ev.train, ev.test)
    pd.testing.assert_frame_equal(
        at_risk.table,
        churn_list.at_risk_list(
            ev.models["logistic"], ev.test, value=value, top_n=20, value_name="value_index"
        ),
    )
    assert "Among the 20 users at the top" in at_risk.reading()
