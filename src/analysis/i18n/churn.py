"""Text of the churn early-warning report (notebooks/churn.py): chart labels, sentences."""

from __future__ import annotations

#: Chinese chart titles, axis and legend labels of this report (and the names of its own
#: categories), keyed by the English text; looked up by :func:`analysis.i18n.tr`.
LABELS: dict[str, str] = {
    "logistic regression (L2)": "逻辑回归（L2）",
    "gradient boosting (HGB)": "梯度提升（HGB）",
    "perfect calibration": "完美校准",
    "random order": "随机顺序",
    "mean predicted churn probability (bin)": "平均预测流失概率（分箱）",
    "observed churn rate (bin, 95% interval)": "观测流失率（分箱，95% 区间）",
    "share of users contacted, riskiest first": "触达用户占比（风险最高者优先）",
    "share of all churners reached (gain)": "覆盖的流失者占比（覆盖率）",
    "lift over the base churn rate": "相对基础流失率的提升度",
    "drop in ROC AUC when the feature is shuffled": "打乱该特征后 ROC AUC 的下降",
    "Calibration": "校准",
    "Cumulative gain": "累积覆盖率",
    "Lift": "提升度",
    "Permutation importance": "置换重要性",
}


#: The report's computed readings, keyed "churn.…", filled by :func:`analysis.i18n.say`.
SENTENCES: dict[str, dict[str, str]] = {
    "churn.plot.calibration_title": {
        "en": "Calibration on the test cut-off ({cutoff})",
        "zh": "测试截止日（{cutoff}）上的校准",
    },
    "churn.plot.gain_title": {
        "en": "Cumulative gain on the test cut-off",
        "zh": "测试截止日上的累积覆盖率",
    },
    "churn.plot.lift_title": {"en": "Lift on the test cut-off", "zh": "测试截止日上的提升度"},
    "churn.plot.importance_title": {
        "en": "Permutation importance ({model})",
        "zh": "置换重要性（{model}）",
    },
    "churn.balance": {
        "en": "At the training cut-off ({train_cutoff}) {train_users:,} users were in the "
        "private domain and {train_rate:.1%} of them churned within {horizon} days "
        "({hard:,} by deleting the contact). At the test cut-off ({test_cutoff}) the rate "
        "was {test_rate:.1%} (95% interval {lo:.1%}–{hi:.1%}) among {test_users:,} users: "
        "the classes are unbalanced, so PR AUC and lift are read next to ROC AUC.",
        "zh": "训练截止日（{train_cutoff}）私域内共 {train_users:,} 位用户，其中 {train_rate:.1%} 在 "
        "{horizon} 天内流失（{hard:,} 位删除了联系人）。测试截止日（{test_cutoff}）的 "
        "{test_users:,} 位用户中流失率为 {test_rate:.1%}（95% 区间 {lo:.1%}–{hi:.1%}）："
        "类别不平衡，因此 PR AUC 与提升度要与 ROC AUC 一起看。",
    },
    "churn.best": {
        "en": "On the test population the better-ranking model is **{model}** with ROC AUC "
        "{auc:.3f}; contacting its riskiest 10% of users reaches {gain:.0%} of all "
        "churners, {lift:.1f} times the base rate of {base:.1%}.",
        "zh": "在测试人群上排序更好的模型是**{model}**，ROC AUC {auc:.3f}；触达其风险最高的 10% "
        "用户即可覆盖 {gain:.0%} 的流失者，是基础流失率 {base:.1%} 的 {lift:.1f} 倍。",
    },
    "churn.oracle": {
        "en": "The oracle, which knows each simulated user's true hazard, reaches ROC AUC "
        "{oracle_auc:.3f} and Brier score {oracle_brier:.3f}; the best model is {gap:.3f} "
        "AUC below it (paired 95% interval {gap_lo:.3f} to {gap_hi:.3f}) and its Brier "
        "score is {brier_gap:.3f} higher. That distance is what better features could "
        "still win; the rest of the uncertainty is irreducible.",
        "zh": "知道每位模拟用户真实风险的理想模型达到 ROC AUC {oracle_auc:.3f}、Brier 分数 "
        "{oracle_brier:.3f}；最佳模型的 AUC 比它低 {gap:.3f}（配对 95% 区间 {gap_lo:.3f} 至 "
        "{gap_hi:.3f}），Brier 分数高 {brier_gap:.3f}。这段差距是更好的特征仍可争取的空间；"
        "其余的不确定性无法消除。",
    },
    "churn.headline": {
        "en": "Churn within {horizon} days ({rate:.0%} of users) is ranked with ROC AUC "
        "{auc:.2f} [{lo:.2f}, {hi:.2f}] by the {model}; its riskiest 10% of users hold "
        "{gain:.0%} of the churners{oracle}.",
        "zh": "{horizon} 天内流失（占用户 {rate:.0%}）由{model}排序，ROC AUC {auc:.2f} "
        "[{lo:.2f}, {hi:.2f}]；其风险最高的 10% 用户包含 {gain:.0%} 的流失者{oracle}。",
    },
    "churn.headline_oracle": {"en": " (oracle AUC {auc:.2f})", "zh": "（理想模型 AUC {auc:.2f}）"},
    "churn.calibration": {
        "en": "The largest miss of the two models is {err:.1f} percentage points ({score}, bin {bin}: "
        "predicted {pred:.1%}, observed {obs:.1%}, interval {lo:.1%}–{hi:.1%}). Brier "
        "scores: {briers}.",
        "zh": "两个模型中最大的偏差为 {err:.1f} 个百分点（{score}，第 {bin} 箱：预测 {pred:.1%}，"
        "观测 {obs:.1%}，区间 {lo:.1%}–{hi:.1%}）。Brier 分数：{briers}。",
    },
    "churn.gain": {
        "en": "Contacting the riskiest {share:.0%} of users by the {model} reaches {gain:.0%} of "
        "the churners, against {share:.0%} in random order{oracle}",
        "zh": "按{model}触达风险最高的 {share:.0%} 用户，可覆盖 {gain:.0%} 的流失者，随机顺序只有 "
        "{share:.0%}{oracle}",
    },
    "churn.gain_oracle": {
        "en": " and {gain:.0%} for the oracle.",
        "zh": "，理想模型为 {gain:.0%}。",
    },
    "churn.gain_end": {"en": ".", "zh": "。"},
    "churn.importance": {
        "en": "The three features the warning leans on most are {items}; {n_zero} of {n} "
        "features add nothing measurable.",
        "zh": "预警最依赖的三个特征是 {items}；{n} 个特征中有 {n_zero} 个没有可测量的贡献。",
    },
    "churn.importance_item": {
        "en": "`{feature}` (AUC drop {drop:.3f})",
        "zh": "`{feature}`（AUC 下降 {drop:.3f}）",
    },
    "churn.export": {
        "en": "The top {n:,} users were written to `{path}` (beside this report) with keyed "
        "pseudonyms only; set `{env}` to share the key with the colleagues who will act "
        "on the list.",
        "zh": "风险最高的 {n:,} 位用户已写入 `{path}`（与本报告同目录），仅含带密钥的假名；设置 "
        "`{env}` 以便与负责跟进名单的同事共享密钥。",
    },
    "churn.no_export": {
        "en": "No file written (`export_csv` is empty).",
        "zh": "未写出文件（`export_csv` 为空）。",
    },
    "churn.c.definition": {"en": "- **Definition.** {text}", "zh": "- **定义。** {text}"},
    "churn.c.common": {
        "en": "- **How common.** {rate:.1%} of the {users:,} users at the test cut-off churned.",
        "zh": "- **有多常见。** 测试截止日的 {users:,} 位用户中 {rate:.1%} 流失。",
    },
    "churn.c.predicted": {
        "en": "- **How well it is predicted.** {model}: ROC AUC {auc:.3f}, PR AUC {pr:.3f} "
        "(base rate {base:.3f}), Brier {brier:.3f}; the other model: ROC AUC {others}.",
        "zh": "- **预测得多好。** {model}：ROC AUC {auc:.3f}，PR AUC {pr:.3f}（基础比率 "
        "{base:.3f}），Brier {brier:.3f}；另一个模型：ROC AUC {others}。",
    },
    "churn.c.oracle": {
        "en": "- **Against the oracle.** The best model is {gap:.3f} AUC below what knowing the "
        "true hazards gives ({oracle:.3f}).",
        "zh": "- **与理想模型相比。** 最佳模型的 AUC 比知道真实风险时（{oracle:.3f}）低 {gap:.3f}。",
    },
    "churn.c.list": {
        "en": "- **The list.** Among the {n:,} users at the top of the risk × value list, "
        "{list_rate:.0%} did churn, against {rest_rate:.0%} of everyone else. The most "
        "common first reason is `{reason}` ({k} of {n} users).",
        "zh": "- **名单。** 风险 × 价值名单前 {n:,} 位用户中 {list_rate:.0%} 确实流失，其余用户为 "
        "{rest_rate:.0%}。最常见的首要原因是 `{reason}`（{n} 位中 {k} 位）。",
    },
    "churn.c.caveat": {
        "en": "- **Caveat.** Scores describe who is likely to go silent, not why: the reasons "
        "are associations in the model, not effects of outreach. Whether calling these "
        "users keeps them needs an experiment.",
        "zh": "- **注意。** 评分描述的是谁可能沉默，而不是为什么：原因只是模型中的关联，不是触达的"
        "效果。给这些用户打电话能否留住他们，需要实验来回答。",
    },
    # churn definition (analysis.studies.churn.ChurnDefinition.describe)
    "churn.definition": {
        "en": "A user who joined before the cut-off and had not deleted the brand's contact is "
        "**churned** when in the {horizon:g} days from the cut-off they do not do {act}, or "
        "delete the contact.{lost} Features use only data before the cut-off: a "
        "{lookback:g}-day look-back window, trends compare the last {short:g} days with the "
        "last {long:g} days.",
        "zh": "截止日前已加入且未删除品牌联系人的用户，若在截止日后 {horizon:g} 天内没有{act}，或删除了联系人，"
        "即为**流失**。{lost}特征只使用截止日之前的数据：回看窗口 {lookback:g} 天，趋势比较最近 "
        "{short:g} 天与最近 {long:g} 天。",
    },
    "churn.definition.act_any": {
        "en": "an interaction (message, read, click, check-in, any value event) or a paid order",
        "zh": "任何互动（消息、阅读、点击、打卡、任一价值事件）或付费订单",
    },
    "churn.definition.act_purchase": {"en": "a paid order", "zh": "付费订单"},
    "churn.definition.lost": {
        "en": " Users with no such activity in the {days} days before the cut-off already count "
        "as lost and are left out.",
        "zh": "截止日前 {days} 天内没有此类活动的用户已视为流失，不计入。",
    },
}
