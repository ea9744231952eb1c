"""Text of the value-index-retention report (notebooks/value-index-retention.py)."""

from __future__ import annotations

#: Chinese chart titles, axis and legend labels of this report (and the names of its own
#: categories), keyed by the English text; looked up by :func:`analysis.i18n.tr`.
LABELS: dict[str, str] = {
    "best draw": "最好的一组随机权重",
    "ROC curves": "各评分的命中率–误报率曲线",
    "false positive rate": "误报率（流失用户中排在前面的比例）",
    "true positive rate": "命中率（留存用户中排在前面的比例）",
    "AUC of the index and the baselines (same users)": "指数与各基准的 AUC（同一批用户）",
    "AUC (95% bootstrap interval; 0.5 = chance)": "AUC（95% 区间；0.5 = 随机）",
    "RFM + tenure + channel": "RFM + 加入时长 + 渠道",
    "… + index": "… + 指数",
    "model (logistic regression, out-of-fold)": "模型（逻辑回归，在没参与训练的用户上检验）",
    "AUC (bar: interval of the difference)": "AUC（竖线：两者差值的区间）",
    "random weights": "随机权重",
    "AUC over weights drawn uniformly on the simplex": "随机抽取权重组合时的 AUC 分布",
    "AUC of the weighted index": "加权指数的 AUC",
    "number of weight vectors": "权重组合个数",
    "Where the best weights lie": "最优权重落在哪里",
    "equal (0.2)": "等权重 (0.2)",
    "AUC at successive cut-offs (rolling origin)": "不同截止日的 AUC",
    "AUC (95% bootstrap interval)": "AUC（95% 区间）",
    "days after the cut-off": "截止日后天数",
    "share without hard churn": "仍未删除好友的比例",
    "activity": "活跃次数",
    "tenure": "加入时长",
    "effects": "有效应世界",
    "null": "零效应世界",
    "null_silent": "零效应 + 静默流失",
    "null_tenure": "零效应 + 加入时长与渠道驱动流失",
    "wrong_weights": "错误权重世界",
    "small_effect": "效应小于最小有意义差距",
    "runs": "运行次数",
    "predicts": "判为能预测",
    "does_not_predict": "判为不能预测",
    "predicts_inconclusive": "判为无定论",
    "below_strongest": "不如最强基准",
    "adds": "判为有增量",
    "preset_wrong": "判为预设错误",
    "coverage": "区间覆盖率",
    "wrong": "判错比例",
    # the label-sensitivity table (analysis.studies.validity.label_sensitivity)
    "world": "模拟世界",
    "retention_rule": "留存口径",
    "any": "任何活跃",
    "values": "五项价值读法",
    "counts": "原始次数",
    "rates": "每 30 天频率",
    "refunds": "退款",
    "counted": "计入",
    "ignored": "不计",
    "strongest": "最强简单基准",
    "diff_strongest": "指数减最强基准的 AUC",
    "vs_strongest": "与最强基准相比",
    "predicts_verdict": "能否预测",
    "adds_verdict": "有无额外信息",
    "silent_days_lost": "沉默多少天算已流失",
    "above": "高于",
    "below": "低于",
    "equivalent": "相当",
}


#: The report's computed readings, keyed "validity.…", filled by :func:`analysis.i18n.say`.
SENTENCES: dict[str, dict[str, str]] = {
    "validity.plot.deciles_title": {
        "en": "{outcome} rate by {score} decile",
        "zh": "按{score}十档看{outcome}率",
    },
    "validity.plot.deciles_x": {
        "en": "{score} decile (1 = lowest)",
        "zh": "{score}十档（1 = 最低）",
    },
    "validity.plot.deciles_y": {
        "en": "share {outcome} (95% Wilson interval)",
        "zh": "{outcome}占比（95% 区间）",
    },
    "validity.plot.incremental_title": {
        "en": "Incremental validity of the {score} (OR per SD {odds_ratio:.2f})",
        "zh": "{score}带来的额外信息（每高一个标准差，留存几率 × {odds_ratio:.2f}）",
    },
    "validity.plot.preset_line": {
        "en": "{draw} ({percentile:.0%} of draws below)",
        "zh": "{draw}（{percentile:.0%} 的随机权重不如它）",
    },
    "validity.plot.top_draws": {
        "en": "top {share:.0%} of draws",
        "zh": "AUC 最高的 {share:.0%} 随机权重",
    },
    "validity.plot.quartile": {"en": "quartile {k} (n={n:,})", "zh": "第 {k} 档（{n:,} 人）"},
    "validity.plot.survival_title": {
        "en": "Time to hard churn by {score} group (Kaplan–Meier)",
        "zh": "按{score}四档看多久删除好友（第 1 档最低）",
    },
    "validity.scorer": {
        "en": "The index weighs the five values with {weights}, each value scored as {scale} among the {n:,} users of the calibration snapshot",
        "zh": "指数以{weights}加权五项价值，每项价值按其在校准快照 {n:,} 位用户中的{scale}计分",
    },
    "validity.weights.expansion": {
        "en": "the brand-expansion preset weights",
        "zh": "品牌扩张期预设权重",
    },
    "validity.weights.equal": {"en": "equal weights", "zh": "等权重"},
    "validity.weights.custom": {"en": "custom weights", "zh": "自定义权重"},
    "validity.scale.percentile": {"en": "a percentile", "zh": "百分位"},
    "validity.scale.log_minmax": {
        "en": "a log-scaled position between the minimum and the maximum",
        "zh": "对数尺度下的最小–最大位置",
    },
    "validity.scale.zscore": {"en": "a standard score (z)", "zh": "标准分（z 分数）"},
    "validity.population": {
        "en": "{scorer}. At the cut-off {cutoff} the population holds {n:,} users, of whom "
        "{rate:.1%} were retained over {horizon} days.",
        "zh": "{scorer}。截止日 {cutoff} 的研究对象共 {n:,} 位用户，其中 {rate:.1%} 在随后 {horizon} 天内留存。",
    },
    "validity.deciles": {
        "en": "Retention goes from {lowest:.1%} in the lowest bin to {highest:.1%} in the "
        "highest; the rate falls from one bin to the next {decreases} time(s) (Spearman "
        "ρ = {rho:.2f}; Cochran–Armitage trend z = {z:.1f}, p = {p:.2g}). {shape}",
        "zh": "留存率在指数最低一档为 {lowest:.1%}，最高一档为 {highest:.1%}；相邻两档之间下降了 {decreases} 次（斯皮尔曼秩相关 ρ = {rho:.2f}；趋势检验 z = {z:.1f}，p = {p:.2g}）。{shape}",
    },
    "validity.monotonic": {
        "en": "The relation is monotonic.",
        "zh": "各档依次单调变化，没有反复。",
    },
    "validity.not_monotonic": {
        "en": "The relation is not strictly monotonic.",
        "zh": "各档之间并非严格单调。",
    },
    "validity.auc": {
        "en": "The index has AUC {auc:.3f} [{lo:.3f}, {hi:.3f}] on {n:,} users (base retention "
        "rate {base:.1%}). The further a curve bows above the diagonal, the better the "
        "score ranks users.",
        "zh": "指数在 {n:,} 位用户上的 AUC 为 {auc:.3f}（区间 {lo:.3f} 至 {hi:.3f}；整体留存率 {base:.1%}）。曲线越往左上方拱起，评分对用户的排序越准。",
    },
    # the out-of-fold models fitted on a sample (analysis.studies.fit_sample; fit_sample)
    "validity.fit_sample.oof": {
        "en": "The cross-validated logistic regressions (learned weights, behaviour, incremental validity; each training fold)",
        "zh": "交叉验证的逻辑回归（学习权重、行为基线、增量效度；每个训练折）",
    },
    "validity.baselines": {
        "en": "The index is clearly better than {n_better} of {n_base} baselines ({better}) and "
        "clearly worse than {n_worse} ({worse}); the rest are within the noise. Points to "
        "the right rank users better; the red point is the index.",
        "zh": "在 {n_base} 个基准中，指数明显优于 {n_better} 个（{better}），明显不如 {n_worse} 个（{worse}）；其余的差异在随机波动范围内。图中越靠右的点排序越准；红点是指数。",
    },
    "validity.incremental": {
        "en": "Adding the index changes the out-of-fold AUC from {without:.3f} to {with_:.3f} "
        "({diff:+.3f} [{lo:+.3f}, {hi:+.3f}]); likelihood-ratio χ² = {lr:.1f} "
        "(p = {p:.2g}); each standard deviation of the index multiplies the odds of "
        "retention by {odds:.2f} [{or_lo:.2f}, {or_hi:.2f}].",
        "zh": "加入指数后，模型在没参与训练的用户上的 AUC 从 {without:.3f} 变为 {with_:.3f}（{diff:+.3f}，区间 {lo:+.3f} 至 {hi:+.3f}）；似然比检验 χ² = {lr:.1f}（p = {p:.2g}）；指数每高一个标准差，留存的几率变为原来的 {odds:.2f} 倍（区间 {or_lo:.2f} 至 {or_hi:.2f}）。",
    },
    "validity.sensitivity": {
        "en": "Over random weights the AUC ranges from {lo:.3f} to {hi:.3f} (median "
        "{median:.3f}). The expansion preset reaches {auc:.3f}, better than "
        "{percentile:.0%} of random weightings. The best region puts its weight on "
        "{region}. (These weights are chosen on the same users, so the best draw is "
        "optimistic.)",
        "zh": "随机权重下 AUC 在 {lo:.3f} 到 {hi:.3f} 之间（中位数 {median:.3f}）。扩张期预设权重的 AUC 为 {auc:.3f}，高于 {percentile:.0%} 的随机权重。表现最好的那些权重主要放在：{region}。（这些权重是在同一批用户上挑出来的，所以最好的一组偏乐观。）",
    },
    "validity.rolling": {
        "en": "Across {k} cut-offs the index's AUC ranges from {lo:.3f} to {hi:.3f}; its "
        "interval lies above 0.5 at {above} of {k} cut-offs. Lines that stay apart mean "
        "the ranking of the scores is stable.",
        "zh": "在 {k} 个截止日上，指数的 AUC 在 {lo:.3f} 到 {hi:.3f} 之间；其中 {above} 个截止日的区间整体高于 0.5。几条线始终分开，说明各评分的排名是稳定的。",
    },
    "validity.survival": {
        "en": "Each standard deviation of the index multiplies the hazard of hard churn by "
        "{hr:.2f} [{lo:.2f}, {hi:.2f}] ({events:,} hard churns among {n:,} users); "
        "adjusted for RFM, tenure and channel: {hr_adj:.2f} [{lo_adj:.2f}, {hi_adj:.2f}]. "
        "Curves that separate, lowest quartile at the bottom, mean the index orders users "
        "by how soon they delete the brand.",
        "zh": "指数每高一个标准差，删除好友的风险变为原来的 {hr:.2f} 倍（区间 {lo:.2f} 至 {hi:.2f}；{n:,} 位用户中有 {events:,} 人删除好友）；控制 RFM、加入时长和渠道后为 {hr_adj:.2f} 倍（区间 {lo_adj:.2f} 至 {hi_adj:.2f}）。曲线彼此分开、最低一档在最下面，说明指数能按用户删除品牌的早晚排序。",
    },
    "validity.truth": {
        "en": "Observed AUC for {outcome}: {auc:.3f} [{lo:.3f}, {hi:.3f}]; the simulator's "
        "truth implies {true_auc:.3f} for this index — {where} The oracle would reach "
        "{oracle:.3f}.",
        "zh": "{outcome}的观测 AUC 为 {auc:.3f}（区间 {lo:.3f} 至 {hi:.3f}）；按模拟器的真实情况，该指数应达到 {true_auc:.3f}——{where}直接用真实概率打分的理想评分可达 {oracle:.3f}。",
    },
    "validity.truth_inside": {"en": "inside the interval.", "zh": "在区间内。"},
    "validity.truth_outside": {"en": "**outside the interval**.", "zh": "**在区间外**。"},
    "validity.no_truth": {
        "en": "No simulator truth given: this check is skipped.",
        "zh": "未提供模拟器真实参数：跳过此项检验。",
    },
    "validity.label": {"en": "the {weights}-weighted index", "zh": "{weights}加权指数"},
    "validity.what": {"en": "{horizon}-day retention", "zh": "用户 {horizon} 天后是否留存"},
    "validity.what_any": {"en": "retention", "zh": "用户是否留存"},
    "validity.verdict.predicts": {
        "en": "{label} predicts {what}. (AUC {auc} {ival}, {ci} bootstrap interval, clear of "
        "chance by more than the margin: above {hi}.)",
        "zh": "{label}能预测{what}：AUC {auc}（{ci} 区间 {ival}），整个区间都高于 {hi}，比随机水平高出的幅度超过了最小有意义差距。",
    },
    "validity.verdict.opposite": {
        "en": "{label} ranks users in the opposite direction to {what}. (AUC {auc} {ival}, "
        "below {lo}.)",
        "zh": "{label}的排序与{what}方向相反：AUC {auc}（区间 {ival}），低于 {lo}。",
    },
    "validity.verdict.chance": {
        "en": "{label} does not predict {what}. (AUC {auc} {ival}: the whole interval lies "
        "within {lo}–{hi}, closer to chance than any difference that matters.)",
        "zh": "{label}不能预测{what}：AUC {auc}（区间 {ival}）整个落在 {lo}–{hi} 之内，离随机水平的距离小于任何有意义的差距。",
    },
    "validity.verdict.undecided": {
        "en": "Whether {label} predicts {what} is inconclusive — more data needed. (AUC {auc} "
        "{ival}: the interval neither clears {hi} nor lies within {lo}–{hi}.)",
        "zh": "{label}能否预测{what}尚无定论——需要更多数据：AUC {auc}（区间 {ival}）既不完全高于 {hi}，也不完全落在 {lo}–{hi} 之内。",
    },
    "validity.verdict.more_data": {
        "en": " About {need:,} users (now {n:,}) would decide it.",
        "zh": "约需 {need:,} 位用户（现有 {n:,} 位）才能定论。",
    },
    "validity.verdict.more_data_many": {
        "en": " Even a hundred times the {n:,} users might not decide it: the estimate sits on "
        "the margin.",
        "zh": "即使用户数是现有 {n:,} 位的一百倍也未必能定论：估计值恰在最小有意义差距上。",
    },
    "validity.verdict.strongest": {
        "en": "Against the strongest simple baseline, {name}, {rel}. (Its AUC {auc} {ival}; "
        "index − it = {diff} {diff_ival}, margin ±{margin}.)",
        "zh": "与最强的简单基准——{name}——相比，{rel}：它的 AUC 为 {auc}（区间 {ival}），指数减去它的 AUC 为 {diff}（区间 {diff_ival}），最小有意义差距为 ±{margin}。",
    },
    "validity.verdict.baseline": {
        "en": "{name}: {rel} (AUC {auc}; index − it = {diff} {diff_ival})",
        "zh": "{name}：{rel}（它的 AUC 为 {auc}，指数减去它为 {diff}，区间 {diff_ival}）",
    },
    "validity.verdict.preset_label": {"en": "the preset index", "zh": "预设指数"},
    "validity.verdict.better": {"en": "the index is better", "zh": "指数更好"},
    "validity.verdict.worse": {"en": "the index is worse", "zh": "指数不如它"},
    "validity.verdict.same": {
        "en": "the index is no different within the margin",
        "zh": "两者没有实质差别",
    },
    "validity.verdict.unclear": {
        "en": "inconclusive — more data needed",
        "zh": "尚无定论——需要更多数据",
    },
    "validity.verdict.name_spend": {"en": "spend alone", "zh": "只看消费额"},
    "validity.verdict.name_rfm": {"en": "the RFM score", "zh": "RFM 评分"},
    "validity.verdict.name_equal": {"en": "equal weights", "zh": "等权重"},
    "validity.verdict.name_learned": {
        "en": "cross-validated learned weights",
        "zh": "交叉验证学出的权重",
    },
    "validity.verdict.name_recency": {
        "en": "days since the last activity",
        "zh": "距上次活跃天数",
    },
    "validity.verdict.name_activity": {
        "en": "the activity count",
        "zh": "活跃次数",
    },
    "validity.verdict.name_tenure": {"en": "tenure", "zh": "加入时长"},
    "validity.verdict.name_behaviour": {
        "en": "a behaviour model (recency, activity count and tenure, out of fold)",
        "zh": "“最近活跃 + 活跃次数 + 加入时长”行为模型",
    },
    "validity.verdict.best_single": {
        "en": "the best single value is {value} with AUC {auc}",
        "zh": "单项价值中最好的是{value}，AUC {auc}",
    },
    "validity.verdict.same_users": {
        "en": "On the same users: {bits}.",
        "zh": "在同一批用户上逐一比较——{bits}。",
    },
    "validity.verdict.learned_better": {
        "en": "Learned weights beat the preset: **the preset's weights are wrong** for these "
        "users. (Learned − preset = {gain} {ival} AUC, out of fold.)",
        "zh": "从数据学出的权重胜过预设：**预设权重不适合这批用户**（学出的权重减预设权重 = {gain} AUC，区间 {ival}，在没参与训练的用户上检验）。",
    },
    "validity.verdict.learned_same": {
        "en": "Learned weights do no better than the preset. (Learned − preset = {gain} {ival} "
        "AUC, out of fold.)",
        "zh": "从数据学出的权重并不比预设权重更好（学出的权重减预设权重 = {gain} AUC，区间 {ival}，在没参与训练的用户上检验）。",
    },
    "validity.verdict.learned_worse": {
        "en": "The preset beats weights learned from the data. (Learned − preset = {gain} "
        "{ival} AUC, out of fold.)",
        "zh": "预设权重胜过从数据学出的权重（学出的权重减预设权重 = {gain} AUC，区间 {ival}，在没参与训练的用户上检验）。",
    },
    "validity.verdict.learned_unclear": {
        "en": "Whether learned weights beat the preset is inconclusive — more data needed. "
        "(Learned − preset = {gain} {ival} AUC, out of fold.)",
        "zh": "从数据学出的权重是否胜过预设尚无定论——需要更多数据（学出的权重减预设权重 = {gain} AUC，区间 {ival}，在没参与训练的用户上检验）。",
    },
    "validity.verdict.incremental": {
        "en": "Beyond what the brand already knows (RFM, days since the last activity, activity "
        "count, tenure and channel) the index {adds}. (Out-of-fold AUC {without} → {with_}, "
        "difference {diff:+.3f} [{lo:+.3f}, {hi:+.3f}]; likelihood-ratio p = {p:.2g}; odds "
        "ratio per SD {odds} {or_ival}.)",
        "zh": "在品牌已掌握的信息（RFM、距上次活跃天数、活跃次数、加入时长和渠道）之外，指数{adds}：在没参与训练的用户上，AUC 从 {without} 变为 {with_}，差值 {diff:+.3f}（区间 {lo:+.3f} 至 {hi:+.3f}）；似然比检验 p = {p:.2g}；指数每高一个标准差，留存几率变为 {odds} 倍（区间 {or_ival}）。",
    },
    "validity.verdict.adds": {"en": "adds information", "zh": "提供了额外信息"},
    "validity.verdict.not_adds": {
        "en": "adds nothing that matters",
        "zh": "没有提供有意义的额外信息",
    },
    "validity.verdict.hurts": {
        "en": "adds nothing (the model does worse with it)",
        "zh": "没有提供额外信息（加入后模型反而更差）",
    },
    "validity.verdict.adds_unclear": {
        "en": "may or may not add — inconclusive, more data needed",
        "zh": "是否提供额外信息尚无定论——需要更多数据",
    },
    "validity.study_of_study": {
        "en": "Each of {k} simulated worlds was generated {runs} times (seeds {seeds}, commit "
        "{commit}) at about {users:,} users in the population and studied exactly as above. "
        "Where the five values do nothing, the verdict said the index adds to what the brand "
        'already knows in at most {null_adds:.0%} of runs, and "predicts" in at most '
        "{null_predicts:.0%} (leaving aside the world where tenure drives leaving, in which the "
        "index truly predicts because its raw counts grow with tenure). In the effects world "
        'it said "predicts" in {effects:.0%} of runs; in the wrong-weights world it said '
        "the preset is wrong in {wrong_weights:.0%}. The 95% interval held the true AUC in "
        "{coverage_lo:.0%}–{coverage_hi:.0%} of runs, world by world. The study was wrong most "
        "often in the {worst} world: {worst_share:.0%} of runs.",
        "zh": "{k} 个模拟世界各生成 {runs} 次（随机种子 {seeds}，代码版本 {commit}），每次研究对象约 {users:,} 位用户，都按上文完全相同的方式研究。在五项价值毫无作用的世界里，结论称指数在品牌已掌握的信息之外有额外信息的比例至多 {null_adds:.0%}，称“能预测”的比例至多 {null_predicts:.0%}（不算加入时长驱动流失的那个世界——那里指数确实能预测，因为其原始次数随加入时长增长）。在有效应世界中，{effects:.0%} 的运行判为“能预测”；在权重错误的世界中，{wrong_weights:.0%} 的运行判定预设权重错误。各世界中 95% 区间覆盖真实 AUC 的比例为 {coverage_lo:.0%}–{coverage_hi:.0%}。判错最多的是{worst}：{worst_share:.0%} 的运行判错。",
    },
    "validity.verdict.margin": {
        "en": "The smallest AUC difference that matters is taken as {margin}: smaller "
        "differences count as none.",
        "zh": "最小有意义的 AUC 差距取 {margin}：更小的差距视为没有差别。",
    },
    # the answer the report opens with (analysis.reports.summary)
    "validity.answer.predicts.above": {
        "en": "{label} does tell who is still active {horizon} days later: AUC {auc} (95% interval {ival}; 0.5 is a coin toss).",
        "zh": "{label}能区分 {horizon} 天后仍活跃的用户：AUC {auc}（95% 区间 {ival}；0.5 相当于抛硬币）。",
    },
    "validity.answer.predicts.equivalent": {
        "en": "{label} tells who is still active {horizon} days later no better than a coin toss: AUC {auc} (95% interval {ival}).",
        "zh": "{label}区分 {horizon} 天后是否仍活跃的能力与抛硬币无异：AUC {auc}（95% 区间 {ival}）。",
    },
    "validity.answer.predicts.below": {
        "en": "{label} ranks users the wrong way round: those it scores high are less often active {horizon} days later (AUC {auc}, 95% interval {ival}).",
        "zh": "{label}的排序方向相反：得分高的用户 {horizon} 天后反而更少活跃（AUC {auc}，95% 区间 {ival}）。",
    },
    "validity.answer.predicts.inconclusive": {
        "en": "These data cannot tell whether {label} predicts who is still active {horizon} days later: AUC {auc} (95% interval {ival}).",
        "zh": "现有数据无法判断{label}能否预测 {horizon} 天后仍活跃的用户：AUC {auc}（95% 区间 {ival}）。",
    },
    "validity.answer.strongest.above": {
        "en": "It beats the best simple rule, {base}: AUC {auc} vs {base_auc} (difference {diff}, 95% interval {ival}).",
        "zh": "它优于最好的简单规则（{base}）：AUC {auc} 对 {base_auc}（差 {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.strongest.below": {
        "en": "It does worse than a simpler rule, {base}: AUC {auc} vs {base_auc} (difference {diff}, 95% interval {ival}).",
        "zh": "它不如更简单的规则（{base}）：AUC {auc} 对 {base_auc}（差 {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.strongest.equivalent": {
        "en": "It does as well as the best simple rule, {base}, and no better: AUC {auc} vs {base_auc} (difference {diff}, 95% interval {ival}).",
        "zh": "它与最好的简单规则（{base}）效果相当，并不更好：AUC {auc} 对 {base_auc}（差 {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.strongest.inconclusive": {
        "en": "Against the best simple rule, {base}, these data cannot tell which is better: AUC {auc} vs {base_auc} (difference {diff}, 95% interval {ival}).",
        "zh": "与最好的简单规则（{base}）相比，现有数据分不出高下：AUC {auc} 对 {base_auc}（差 {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.learned.above": {
        "en": "The preset weights rank better than weights learned from the data (AUC difference {diff}, 95% interval {ival}).",
        "zh": "预设权重的排序优于从数据中学习的权重（AUC 差 {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.learned.below": {
        "en": "Weights learned from the data rank better than the preset weights (AUC difference {diff}, 95% interval {ival}): the preset weights are not the right ones for these users.",
        "zh": "从数据中学习的权重排序优于预设权重（AUC 差 {diff}，95% 区间 {ival}）：预设权重并不适合这批用户。",
    },
    "validity.answer.learned.equivalent": {
        "en": "Weights learned from the data do no better than the preset weights (AUC difference {diff}, 95% interval {ival}).",
        "zh": "从数据中学习的权重并不比预设权重更好（AUC 差 {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.learned.inconclusive": {
        "en": "Whether weights learned from the data would do better is undecided (AUC difference {diff}, 95% interval {ival}).",
        "zh": "从数据中学习的权重是否更好尚无定论（AUC 差 {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.incremental.above": {
        "en": "On top of what the brand already knows (recency, frequency, spend, tenure, channel) the index adds {diff} AUC (95% interval {ival}).",
        "zh": "在品牌已掌握的信息（最近活跃、频次、消费、加入时长、渠道）之上，指数使 AUC 提高 {diff}（95% 区间 {ival}）。",
    },
    "validity.answer.incremental.below": {
        "en": "On top of what the brand already knows (recency, frequency, spend, tenure, channel) the index makes the prediction worse ({diff} AUC, 95% interval {ival}).",
        "zh": "在品牌已掌握的信息（最近活跃、频次、消费、加入时长、渠道）之上，加入指数反而更差（AUC {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.incremental.equivalent": {
        "en": "On top of what the brand already knows (recency, frequency, spend, tenure, channel) the index adds nothing that matters ({diff} AUC, 95% interval {ival}, inside the ±{margin} that would matter).",
        "zh": "在品牌已掌握的信息（最近活跃、频次、消费、加入时长、渠道）之上，指数没有带来有意义的提升（AUC {diff}，95% 区间 {ival}，在 ±{margin} 的最小有意义差距之内）。",
    },
    "validity.answer.incremental.inconclusive": {
        "en": "Whether the index adds to what the brand already knows is undecided ({diff} AUC, 95% interval {ival}).",
        "zh": "指数能否在品牌已掌握的信息之上带来提升尚无定论（AUC {diff}，95% 区间 {ival}）。",
    },
    "validity.answer.do.above": {
        "en": "**What to do:** rank users for retention work by the index.",
        "zh": "**建议：** 用该指数为留存工作排序用户。",
    },
    "validity.answer.do.below": {
        "en": "**What to do:** rank users for retention work by {base} first; use the index to describe members, not to pick whom to keep.",
        "zh": "**建议：** 留存工作优先按{base}排序用户；指数用于描述会员，而不是挑选要挽留的人。",
    },
    "validity.answer.do.equivalent": {
        "en": "**What to do:** rank users by {base} — it is simpler and does as well; keep the index to describe members.",
        "zh": "**建议：** 按{base}排序用户——更简单且效果相当；指数保留用于描述会员。",
    },
    "validity.answer.do.inconclusive": {
        "en": "**What to do:** do not act on the index yet; rank users by {base} and repeat the study with more users.",
        "zh": "**建议：** 暂不依据指数行动；先按{base}排序用户，待用户更多时重做本研究。",
    },
    "validity.answer.do.no_signal": {
        "en": "**What to do:** do not use the index to pick whom to keep.",
        "zh": "**建议：** 不要用该指数挑选要挽留的用户。",
    },
}
