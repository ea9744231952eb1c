"""Text of the churn early-warning report (notebooks/churn.py): chart labels, sentences."""

from __future__ import annotations

#: Chinese chart titles, axis and legend labels of this report (and the names of its own
#: categories), keyed by the English text; looked up by :func:`analysis.i18n.tr`.
LABELS: dict[str, str] = {
    "logistic regression (L2)": "逻辑回归",
    "gradient boosting (HGB)": "梯度提升树",
    "perfect calibration": "完美校准",
    "random order": "随机顺序",
    "mean predicted churn probability (bin)": "平均预测流失概率（分箱）",
    "observed churn rate (bin, 95% interval)": "观测流失率（分箱，95% 区间）",
    "share of users contacted, riskiest first": "触达用户占比（风险最高者优先）",
    "share of all churners reached (gain)": "覆盖的流失者占比（覆盖率）",
    "lift over the base churn rate": "相对基础流失率的提升度",
    "drop in ROC AUC when the feature is shuffled": "打乱该特征后 AUC 的下降",
    "Calibration": "校准",
    "Cumulative gain": "累积覆盖率",
    "Lift": "提升度",
    "Permutation importance": "置换重要性",
    # the at-risk list as of the data's end (analysis.studies.churn_list, churn_asof)
    "low risk": "低风险",
    "medium risk": "中风险",
    "high risk": "高风险",
    "early warning": "早期预警",
    "with departure features": "含离开特征",
    "validation": "验证",
    "as_of": "名单日期",
    "window": "窗口",
    "label_end": "标签窗口结束",
    "risk_pct": "风险（%）",
    "risk_tier": "风险层级",
    "value_tier": "价值层级",
    "owner": "负责人",
    "last_order_date": "最近订单日期",
    "last_order_amount": "最近订单净额",
    "already_leaving": "已在离开",
    "next_step_1": "建议动作 1",
    "next_step_2": "建议动作 2",
    "expected_churners": "预计流失人数",
    "expected_lost_spend": "预计流失消费额",
    "on_list": "在名单上",
    "direction": "方向",
    "higher value, higher risk": "数值越高，风险越高",
    "higher value, lower risk": "数值越高，风险越低",
    "no direction (category, or equal quartiles)": "无方向（类别或四分位相同）",
    "risk change, lower to upper quartile (pts)": "从下四分位到上四分位的风险变化（百分点）",
    "Permutation importance over resampled users": "置换重要性（用户重抽样区间）",
    # time to churn with two ways to leave (analysis.studies.churn_time)
    "hard": "硬流失",
    "censored": "删失",
    "value tier": "价值层级",
    "Cumulative incidence": "累积发生率",
    # the decision view (analysis.studies.churn_decision)
    "Net value of the outreach": "触达的净价值",
    "expected net value": "预期净价值",
    "realised net value (test window)": "实际净价值（测试窗口）",
    "best threshold": "最佳阈值",
    "net value of the outreach": "触达的净价值",
    "threshold": "阈值",
    "contacted": "触达人数",
    "churners_reached": "覆盖的流失者",
    "expected_net": "预期净价值",
    "realised_net": "实际净价值",
    "mean_risk": "平均风险",
    "net_per_contact": "每次触达净价值",
    "days since the landmark": "自基准日起的天数",
    "cumulative incidence (95% interval)": "累积发生率（95% 区间）",
    "cause": "原因",
    "level": "水平",
    "term": "项",
    "by": "分组",
    "hr": "风险比",
    "truth": "真实值",
    # the simulator's effects on the two ways to leave (analysis.simulate.checks)
    "z_experience": "潜在体验价值（每标准差）",
    "z_consumption": "潜在消费价值（每标准差）",
    "z_social": "潜在社交价值（每标准差）",
    "z_content": "潜在内容价值（每标准差）",
    "z_innovation": "潜在创新价值（每标准差）",
    "coupon_hunter": "羊毛党",
    # reasons of the list: the features in words
    "acquisition channel": "获客渠道",
    "referred by a friend": "由朋友推荐",
    "days since joining": "加入天数",
    "days since last interaction": "距上次互动天数",
    "days since last order": "距上次下单天数",
    "paid orders (all time)": "付费订单数（全部）",
    "net spend (all time)": "净消费额（全部）",
    "refunded orders": "退款订单数",
    "interactions, last 30 days": "近 30 天互动数",
    "interactions, last 90 days": "近 90 天互动数",
    "interactions per day, short window": "短窗口日均互动",
    "interactions per day, long window": "长窗口日均互动",
    "interaction trend": "互动趋势",
    "orders, short window": "短窗口订单数",
    "orders, long window": "长窗口订单数",
    "order trend": "订单趋势",
    "group activity": "社群活跃",
    "group quits": "退群次数",
    "still in a group": "仍在群内",
    "ladder stage": "阶梯阶段",
    "ladder stage (name)": "阶梯阶段名称",
    # the definition's settings (analysis.studies.churn_results.definition_table)
    "churn window after the cut-off (days)": "截止日后的流失观察期（天）",
    "what counts as staying": "算作留下的活动",
    "silent this long before the cut-off: already lost (days)": "截止日前沉默超过此天数即视为已流失（天）",
    "look-back window of the features (days)": "特征的回看窗口（天）",
    "short window of the trends (days)": "趋势的短窗口（天）",
    "long window of the trends (days)": "趋势的长窗口（天）",
    "any interaction or paid order": "任何互动或付费订单",
    "paid orders only": "只算付费订单",
    "keeps everyone": "不剔除",
    "feature (in words)": "特征",
    "yuan": "元",
    "predicted_rate": "模型预测的流失率",
    "oracle_rate": "理想模型的流失率",
    "realised_rate": "实际流失率",
    "column name": "列名",
    "experience evidence": "体验价值证据",
    "net spend, look-back window": "回看窗口净消费额",
    "social evidence": "社交价值证据",
    "content evidence": "内容价值证据",
    "innovation evidence": "创新价值证据",
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
        "流失与留下的人数很不均衡，所以平均精确率和提升度要与 AUC 一起看。",
    },
    "churn.best": {
        "en": "On the test population the better-ranking model is **{model}** with ROC AUC "
        "{auc:.3f}; contacting its riskiest 10% of users reaches {gain:.0%} of all "
        "churners, {lift:.1f} times the base rate of {base:.1%}.",
        "zh": "在测试人群上排序更好的模型是**{model}**，AUC {auc:.3f}；触达其风险最高的 10% "
        "用户即可覆盖 {gain:.0%} 的流失者，是基础流失率 {base:.1%} 的 {lift:.1f} 倍。",
    },
    "churn.oracle": {
        "en": "The oracle, which knows each simulated user's true hazard, reaches ROC AUC "
        "{oracle_auc:.3f} and Brier score {oracle_brier:.3f}; the best model is {gap:.3f} "
        "AUC below it (paired 95% interval {gap_lo:.3f} to {gap_hi:.3f}) and its Brier "
        "score is {brier_gap:.3f} higher. That distance is what better features could "
        "still win; the rest of the uncertainty is irreducible.",
        "zh": "知道每位模拟用户真实风险的理想模型达到 AUC {oracle_auc:.3f}、概率误差 "
        "{oracle_brier:.3f}；最佳模型的 AUC 比它低 {gap:.3f}（配对 95% 区间 {gap_lo:.3f} 至 "
        "{gap_hi:.3f}），概率误差高 {brier_gap:.3f}。这段差距是更好的特征仍可争取的空间；"
        "其余的不确定性无法消除。",
    },
    "churn.headline": {
        "en": "Churn within {horizon} days ({rate:.0%} of users) is ranked with ROC AUC "
        "{auc:.2f} [{lo:.2f}, {hi:.2f}] by the {model}; its riskiest 10% of users hold "
        "{gain:.0%} of the churners{oracle}.",
        "zh": "{model}对谁会在 {horizon} 天内流失（占用户 {rate:.0%}）的排序 AUC 为 {auc:.2f}"
        "（区间 {lo:.2f}–{hi:.2f}）；风险最高的 10% 用户包含了 {gain:.0%} 的流失用户{oracle}。",
    },
    "churn.headline_oracle": {"en": " (oracle AUC {auc:.2f})", "zh": "（理想模型 AUC {auc:.2f}）"},
    "churn.calibration": {
        "en": "The largest calibration miss of the models is {err:.1f} percentage points ({score}, bin {bin}: "
        "predicted {pred:.1%}, observed {obs:.1%}, interval {lo:.1%}–{hi:.1%}). Brier "
        "scores: {briers}.",
        "zh": "模型中最大的校准偏差为 {err:.1f} 个百分点（{score}，第 {bin} 箱：预测 {pred:.1%}，"
        "观测 {obs:.1%}，区间 {lo:.1%}–{hi:.1%}）。概率误差：{briers}。",
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
        "zh": "预警最依赖的三个特征是：{items}；{n} 个特征中有 {n_zero} 个没有可测量的贡献。",
    },
    "churn.importance_item": {
        "en": "`{feature}` (AUC drop {drop:.3f})",
        "zh": "{feature}（AUC 下降 {drop:.3f}）",
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
    "churn.c.definition": {"en": "- **Definition.** {text}", "zh": "- **定义**：{text}"},
    "churn.c.common": {
        "en": "- **How common.** {rate:.1%} of the {users:,} users at the test cut-off churned.",
        "zh": "- **有多常见**：测试截止日的 {users:,} 位用户中 {rate:.1%} 流失。",
    },
    "churn.c.predicted": {
        "en": "- **How well it is predicted.** {model}: ROC AUC {auc:.3f}, PR AUC {pr:.3f} "
        "(base rate {base:.3f}), Brier {brier:.3f}; the other model: ROC AUC {others}.",
        "zh": "- **预测得多好**：{model}：AUC {auc:.3f}，平均精确率 {pr:.3f}（基础流失率 "
        "{base:.3f}），概率误差 {brier:.3f}；另一个模型：AUC {others}。",
    },
    "churn.c.oracle": {
        "en": "- **Against the oracle.** The best model is {gap:.3f} AUC below what knowing the "
        "true hazards gives ({oracle:.3f}).",
        "zh": "- **与理想模型相比**：最佳模型的 AUC 比知道真实风险时（{oracle:.3f}）低 {gap:.3f}。",
    },
    "churn.c.list": {
        "en": "- **The list.** Among the {n:,} users at the top of the risk × value list, "
        "{list_rate:.0%} did churn, against {rest_rate:.0%} of everyone else. The most "
        "common first reason is `{reason}` ({k} of {n} users).",
        "zh": "- **名单**：风险 × 价值名单前 {n:,} 位用户中 {list_rate:.0%} 确实流失，其余用户为 "
        "{rest_rate:.0%}。最常见的首要原因是“{reason}”（{n} 位中 {k} 位）。",
    },
    # the as-of design (analysis.studies.churn_asof_results)
    "churn.reason": {
        "en": "{feature} {value} (typical {typical}): +{pts:.1f} pts",
        "zh": "{feature}：{value}（一般用户：{typical}），风险高 {pts:.1f} 个百分点",
    },
    # what the models were fitted on (analysis.studies.fit_sample; churn_as_of's fit_sample)
    "churn.fit_sample.train": {
        "en": "The candidate models and the model with the departure features (training window)",
        "zh": "候选模型及含离开特征的模型（训练窗口）",
    },
    "churn.fit_sample.test": {
        "en": "The model of the at-risk list (refitted on the test window)",
        "zh": "风险名单所用模型（在测试窗口上重新拟合）",
    },
    "churn.windows": {
        "en": "The list is as of **{as_of}**, the end of the data. The candidate models learn "
        "on the population at {train}, are compared and calibrated on the validation window "
        "({validation}) and the chosen one is scored once on the test window ({test}), whose "
        "{horizon}-day label window is the latest the data covers. For the list the chosen "
        "kind is refitted on that latest window and recalibrated on the one before it.",
        "zh": "名单日期为 **{as_of}**，即数据的结束日。候选模型在 {train} 的人群上学习，在验证窗口"
        "（{validation}）上比较并校准，选出的模型只在测试窗口（{test}）上评分一次，其 {horizon} "
        "天的标签窗口是数据覆盖的最新窗口。名单所用模型在这一最新窗口上重新拟合，并在前一窗口上重新校准。",
    },
    "churn.choice": {
        "en": "On the validation window the **{model}** ranks best (ROC AUC {auc:.3f}, 95% "
        "interval {lo:.3f}–{hi:.3f}; {others}). It is chosen and calibrated there, before "
        "the test window is read.",
        "zh": "在验证窗口上排序最好的是**{model}**（AUC {auc:.3f}，95% 区间 {lo:.3f}–{hi:.3f}；"
        "{others}）。模型在此选出并校准，之后才读取测试窗口。",
    },
    "churn.tested": {
        "en": "Scored once on the test window ({cutoff}: {users:,} users, {rate:.1%} churned "
        "within {horizon} days), the chosen model has ROC AUC {auc:.3f} ({lo:.3f}–{hi:.3f}) "
        "and Brier score {brier:.3f}; its riskiest 10% of users hold {gain:.0%} of the "
        "churners, {lift:.1f} times the base rate.",
        "zh": "在测试窗口上只评分一次（{cutoff}：{users:,} 位用户，{horizon} 天内 {rate:.1%} 流失），"
        "所选模型 AUC {auc:.3f}（{lo:.3f}–{hi:.3f}），概率误差 {brier:.3f}；其风险最高的 "
        "10% 用户包含 {gain:.0%} 的流失者，是基础流失率的 {lift:.1f} 倍。",
    },
    "churn.departures": {
        "en": "Without the departure features (group quits, no longer in a group) the model "
        "ranks the test window with ROC AUC {early:.3f} ({early_lo:.3f}–{early_hi:.3f}); "
        "with them, {full:.3f} ({full_lo:.3f}–{full_hi:.3f}). Reading the departure itself "
        "adds {gap:.3f} AUC (paired 95% interval {gap_lo:.3f} to {gap_hi:.3f}): "
        "{share:.0%} of the skill above chance is early warning.",
        "zh": "不含离开特征（退群、已不在群内）时，模型在测试窗口上的 AUC 为 {early:.3f}"
        "（{early_lo:.3f}–{early_hi:.3f}）；包含时为 {full:.3f}（{full_lo:.3f}–{full_hi:.3f}）。"
        "读到离开本身只让 AUC 增加 {gap:.3f}（配对 95% 区间 {gap_lo:.3f} 至 {gap_hi:.3f}）："
        "模型超出随机水平的区分能力中，{share:.0%} 来自提前预警。",
    },
    "churn.importance_users": {
        "en": "The warning leans most on {items}. Intervals resample the users; {n_zero} of "
        "{n} features have an interval reaching zero.",
        "zh": "预警最依赖的特征是：{items}。区间来自对用户的重复抽样；{n} 个特征中有 {n_zero} 个的区间碰到 0（贡献可能为零）。",
    },
    "churn.importance_users_item": {
        "en": "`{feature}` (AUC drop {drop:.3f}, {lo:.3f}–{hi:.3f}; {dir:+.1f} pts of risk "
        "from its lower to its upper quartile)",
        "zh": "{feature}（AUC 下降 {drop:.3f}，区间 {lo:.3f}–{hi:.3f}；从下四分位调到上四分位，风险变化 "
        "{dir:+.1f} 个百分点）",
    },
    "churn.tiers": {
        "en": "As of {as_of}, {users:,} users are still customers. The model expects "
        "{expected:,.0f} of them ({rate:.1%}) to churn within {horizon} days; {high_users:,} "
        "are high risk and hold {high_expected:,.0f} of the expected churners. "
        "{leaving:,} users are already leaving (quit their groups and are in none): "
        "flagged on the list, not early warnings.",
        "zh": "截至 {as_of}，仍有 {users:,} 位客户。模型预计其中 {expected:,.0f} 位（{rate:.1%}）将在 "
        "{horizon} 天内流失；{high_users:,} 位为高风险，预计流失者中有 {high_expected:,.0f} 位出自这一层。"
        "{leaving:,} 位用户已在离开（已退群且不在任何群内）：名单上单独标出，不算早期预警。",
    },
    "churn.tiers_truth": {
        "en": "On the simulator, the oracle (the true hazards) expects {oracle_high:.1%} of the "
        "high-risk tier and {oracle_low:.1%} of the low-risk tier to churn, against "
        "{pred_high:.1%} and {pred_low:.1%} predicted.",
        "zh": "在模拟数据上，理想模型（真实风险）预计高风险层 {oracle_high:.1%}、低风险层 "
        "{oracle_low:.1%} 的用户流失，模型预测分别为 {pred_high:.1%} 和 {pred_low:.1%}。",
    },
    "churn.c.asof": {
        "en": "- **The list.** As of {as_of}, {users:,} customers are scored; {high:,} are high "
        "risk; the model expects {expected:,.0f} churners within {horizon} days.",
        "zh": "- **名单**：截至 {as_of}，为 {users:,} 位客户评分；{high:,} 位为高风险；模型预计 "
        "{horizon} 天内有 {expected:,.0f} 位流失。",
    },
    "churn.c.tested": {
        "en": "- **How well it is predicted.** Chosen on the validation window, tested once: "
        "ROC AUC {auc:.3f} ({lo:.3f}–{hi:.3f}), Brier {brier:.3f}, base rate {base:.1%}.",
        "zh": "- **预测得多好**：在验证窗口上选出，只测试一次：AUC {auc:.3f}"
        "（{lo:.3f}–{hi:.3f}），概率误差 {brier:.3f}，基础流失率 {base:.1%}。",
    },
    "churn.c.departures": {
        "en": "- **Early warning, not departure.** {share:.0%} of the skill above chance "
        "remains without the departure features (AUC {early:.3f} against {full:.3f}).",
        "zh": "- **是提前预警，而不是读到离开本身**：去掉离开特征后，超出随机水平的区分能力仍保留 "
        "{share:.0%}（AUC {early:.3f}，含离开特征时为 {full:.3f}）。",
    },
    "churn.cr": {
        "en": "Of the {n:,} customers at the landmark ({since}), {hard:,} deleted the contact "
        "(hard churn) and {silent:,} went silent for {silent_days:g} days before {end}. "
        "{days:g} days after the landmark, {cif_hard:.1%} had left the hard way and "
        "{cif_silent:.1%} silently (Aalen–Johansen, each route accounting for the other). "
        "Cause-specific hazard ratios whose interval excludes 1: {items}.",
        "zh": "基准日（{since}）的 {n:,} 位客户中，{hard:,} 位删除了联系人（硬流失），{silent:,} 位在 "
        "{end} 前沉默满 {silent_days:g} 天。基准日后 {days:g} 天，{cif_hard:.1%} 以硬流失方式离开，"
        "{cif_silent:.1%} 沉默离开（累积发生率，两种离开方式相互竞争）。区间不含 1 的分原因"
        "风险比：{items}。",
    },
    "churn.cr_item": {
        "en": "{by} {term} on {cause} churn: HR {hr:.2f} ({lo:.2f}–{hi:.2f})",
        "zh": "{by}为“{term}”：{cause}风险比 {hr:.2f}（{lo:.2f}–{hi:.2f}）",
    },
    "churn.cr_none": {"en": "none", "zh": "无"},
    "churn.cr_truth": {
        "en": "On the simulator, {inside} of {n} recovered cause-specific effects (latent "
        "values, coupon hunters, screening, channels; both causes) have the true effect "
        "inside their 95% interval. The simulator splits leavers into hard and silent at "
        "random, so each true effect is the same for both causes; the largest miss is "
        "`{term}` on {cause} churn ({est:.2f} against {truth:.2f}).",
        "zh": "在模拟数据上，{n} 个恢复出的分原因效应（潜在价值、羊毛党、筛选、渠道；两种原因）中有 "
        "{inside} 个的 95% 区间包含真实效应。模拟器随机把离开者分为硬流失和沉默，因此两种原因的真实效应"
        "相同；偏差最大的是“{term}”对{cause}的效应（{est:.2f}，真实值 {truth:.2f}）。",
    },
    "churn.plot.cif_title": {
        "en": "{cause} churn by {by}",
        "zh": "{cause}：按{by}分组",
    },
    "churn.decision": {
        "en": "With a contact costing {cost}, a saved customer worth {value} and {rate:.0%} "
        "of contacted would-be churners kept, a contact pays above a risk of {be:.1%}. On "
        "the test window the realised net value peaks at a threshold of {best:.0%}: "
        "contacting {contacted:,} users ({share:.0%}) reaches {reached:,} churners and nets "
        "{net} (expected from the risks: {expected}). As of the list's date, "
        "contacting is worth it in: {tiers}. The save rate is an assumption until an "
        "experiment measures it.",
        "zh": "若一次触达成本为 {cost}、留住一位客户价值 {value}、被触达的潜在流失者中有 {rate:.0%} "
        "被留住，则风险高于 {be:.1%} 时触达才划算。在测试窗口上，实际净价值在阈值 {best:.0%} 处最高："
        "触达 {contacted:,} 位用户（{share:.0%}），覆盖 {reached:,} 位流失者，净得 {net}"
        "（按预测风险估算为 {expected}）。按名单日期，值得触达的层级：{tiers}。挽回率是假设，"
        "需要实验来测量。",
    },
    "churn.money": {"en": "{amount}", "zh": "{amount} 元"},
    "churn.c.decision": {
        "en": "- **Whom to contact.** Under the stated costs, contacting pays above a risk of "
        "{be:.1%}; on the test window the best threshold was {best:.0%} ({share:.0%} of "
        "users).",
        "zh": "- **触达谁**：在设定的成本下，风险高于 {be:.1%} 时触达才划算；在测试窗口上最佳阈值为 "
        "{best:.0%}（{share:.0%} 的用户）。",
    },
    "churn.c.caveat": {
        "en": "- **Caveat.** Scores describe who is likely to go silent, not why: the reasons "
        "are associations in the model, not effects of outreach. Whether calling these "
        "users keeps them needs an experiment.",
        "zh": "- **注意**：评分描述的是谁可能沉默，而不是为什么：原因只是模型中的关联，不是触达的"
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
    # the answer the report opens with (analysis.reports.summary)
    "churn.answer.rank.above": {
        "en": "{rate} of users go silent within {horizon} days; the early warning ranks who will go well ahead of chance: AUC {auc} (95% interval {ival}), tested once on {users:,} users of a period it never saw.",
        "zh": "{rate} 的用户会在 {horizon} 天内沉默；流失预警对谁会沉默的排序明显好于随机：AUC {auc}（95% 区间 {ival}），在模型从未见过的时段、{users:,} 位用户上检验一次。",
    },
    "churn.answer.rank.equivalent": {
        "en": "{rate} of users go silent within {horizon} days, and the early warning ranks them no better than chance: AUC {auc} (95% interval {ival}, {users:,} users).",
        "zh": "{rate} 的用户会在 {horizon} 天内沉默，而流失预警的排序与随机无异：AUC {auc}（95% 区间 {ival}，{users:,} 位用户）。",
    },
    "churn.answer.rank.below": {
        "en": "{rate} of users go silent within {horizon} days, and the early warning ranks them the wrong way round: AUC {auc} (95% interval {ival}, {users:,} users).",
        "zh": "{rate} 的用户会在 {horizon} 天内沉默，而流失预警的排序方向相反：AUC {auc}（95% 区间 {ival}，{users:,} 位用户）。",
    },
    "churn.answer.rank.inconclusive": {
        "en": "{rate} of users go silent within {horizon} days; whether the early warning ranks them better than chance cannot be told yet: AUC {auc} (95% interval {ival}, {users:,} users).",
        "zh": "{rate} 的用户会在 {horizon} 天内沉默；流失预警是否好于随机尚无定论：AUC {auc}（95% 区间 {ival}，{users:,} 位用户）。",
    },
    "churn.answer.reach": {
        "en": "Contacting the riskiest {share} of users reaches {gain} of those who go silent — {lift:.1f} times what a random pick of the same size would reach.",
        "zh": "联系风险最高的 {share} 用户，可覆盖 {gain} 的将沉默用户——是随机挑选同样人数的 {lift:.1f} 倍。",
    },
    "churn.answer.pays": {
        "en": "At {cost} a contact and {value} for a customer kept (with {save} of contacted would-be churners kept), contacting the {tiers} tier ({users:,} users today) is expected to net {net}; contacting the {rest} tier would lose {loss}.",
        "zh": "按每次联系成本 {cost}、挽回一位客户价值 {value}（被联系的将流失用户中有 {save} 被挽回）计算，联系{tiers}层级（当前 {users:,} 位用户）预计净收益 {net}；联系{rest}层级则会亏损 {loss}。",
    },
    "churn.answer.pays_all": {
        "en": "At {cost} a contact and {value} for a customer kept (with {save} of contacted would-be churners kept), contacting every tier ({users:,} users today) is expected to net {net}.",
        "zh": "按每次联系成本 {cost}、挽回一位客户价值 {value}（被联系的将流失用户中有 {save} 被挽回）计算，联系所有层级（当前 {users:,} 位用户）预计净收益 {net}。",
    },
    "churn.answer.pays_none": {
        "en": "At {cost} a contact and {value} for a customer kept (with {save} of contacted would-be churners kept), no risk tier pays for its contacts.",
        "zh": "按每次联系成本 {cost}、挽回一位客户价值 {value}（被联系的将流失用户中有 {save} 被挽回）计算，没有哪个风险层级的联系能收回成本。",
    },
    "churn.answer.do.contact": {
        "en": "**What to do:** work the at-risk list from the top, {tiers} tier first ({users:,} users), with the suggested next step; keep a random tenth uncontacted to measure how many a contact really keeps ({save} is an assumption).",
        "zh": "**建议：** 从风险名单顶部开始跟进，先联系{tiers}层级（{users:,} 位用户），按建议的下一步行动；随机留出一成用户不联系，用来检验联系到底能挽回多少人（{save} 只是假设）。",
    },
    "churn.answer.do.none": {
        "en": "**What to do:** do not run a retention outreach at these costs; lower the cost of a contact or measure what a contact is worth first.",
        "zh": "**建议：** 在当前成本下不要开展挽留触达；先降低单次联系成本，或先测量一次联系的实际价值。",
    },
    "churn.answer.do.no_signal": {
        "en": "**What to do:** do not use the warning to pick whom to contact; it does not rank users reliably on these data.",
        "zh": "**建议：** 不要用该预警挑选联系对象；在现有数据上它的排序并不可靠。",
    },
}
