"""Text of the behaviours-retention report (notebooks/behaviours-retention.py)."""

from __future__ import annotations

#: Chinese chart titles, axis and legend labels of this report (and the names of its own
#: categories), keyed by the English text; looked up by :func:`analysis.i18n.tr`.
LABELS: dict[str, str] = {
    "window d (days)": "窗口 d（天）",
    "at least k times": "至少 k 次",
    "confirmation (95% CI)": "验证期（95% 置信区间）",
    "retention of doers − non-doers (percentage points)": "做过者减未做者的留存（百分点）",
    "does not hold": "不成立",
    "no shrinkage": "无收缩",
    "difference on discovery period (points)": "发现期的差异（百分点）",
    "difference on confirmation period (points)": "验证期的差异（百分点）",
    "Confirmed behaviours: retention difference": "已验证行为：留存差异",
    "Discovery vs confirmation": "发现期与验证期",
    "Retention difference: discovery vs confirmation": "留存差异：发现期与验证期",
    "Strongest confirmed behaviours (confirmation period)": "最强的已验证行为（验证期）",
    "phi": "φ 系数",
    # the false-discovery-rate methods (analysis.studies.behaviours.fdr_statement)
    "Benjamini–Hochberg": "标准",
    "Benjamini–Yekutieli": "保守（适用于任意相关）",
}


#: The report's computed readings, keyed "behaviours.…", filled by :func:`analysis.i18n.say`.
SENTENCES: dict[str, dict[str, str]] = {
    "behaviours.plot.label": {"en": "{unit} ≥{k} in {d}d", "zh": "{unit} ≥{k} 次（{d} 天内）"},
    "behaviours.plot.phi_title": {"en": "phi: {unit}", "zh": "φ 系数：{unit}"},
    "behaviours.plot.phi_discovery": {
        "en": "phi: {unit} (discovery)",
        "zh": "φ 系数：{unit}（发现期）",
    },
    "behaviours.periods": {
        "en": "{disc_users:,} users discover and {conf_users:,} confirm; {disc_rate:.1%} and "
        "{conf_rate:.1%} of them are retained over {horizon} days.",
        "zh": "{disc_users:,} 位用户用于发现，{conf_users:,} 位用于验证；两组在 {horizon} 天内的留存率"
        "分别为 {disc_rate:.1%} 和 {conf_rate:.1%}。",
    },
    "behaviours.peak": {
        "en": "Among the leading event types the strongest positive cell is: users who {peak} "
        "(phi {peak_phi:.2f}, reach {peak_reach:.0%}); the strongest negative: users who "
        "{low} (phi {low_phi:.2f}, reach {low_reach:.0%}). A negative behaviour such as "
        "leaving a group can be the departure itself seen early rather than a warning "
        "sign. Phi rewards common behaviours: at a given difference in retention, a "
        "behaviour that more users do has a larger phi.",
        "zh": "在主要事件类型中，最强的正相关格子是：{peak}的用户（φ 系数 {peak_phi:.2f}，覆盖率 "
        "{peak_reach:.0%}）；最强的负相关：{low}的用户（φ 系数 {low_phi:.2f}，覆盖率 "
        "{low_reach:.0%}）。退群这类负向行为可能是提前看到的离开本身，而不是预警信号。φ 系数"
        "偏向常见行为：留存差异相同时，做的人越多的行为 φ 系数越大。",
    },
    "behaviours.confirmed": {
        "en": "{n} behaviours were discovered; {held} ({held_share:.0%}) hold on the later "
        "period. For those that hold, the later difference is a median {kept:.0%} of the "
        "discovered one (median phi ratio later/earlier {phi_ratio:.2f}); over all "
        "discovered behaviours, including those that failed, it is {kept_all:.0%}. "
        "{judgement}",
        "zh": "共发现 {n} 个行为；其中 {held} 个（{held_share:.0%}）在后期成立。对成立的行为，后期差异"
        "的中位数是发现值的 {kept:.0%}（后期与前期 φ 系数之比的中位数 {phi_ratio:.2f}）；把未成立的也"
        "算上，所有已发现行为为 {kept_all:.0%}。{judgement}",
    },
    "behaviours.shrinks": {
        "en": "Picking the winners of a scan inflates their first estimates; the later period "
        "shows that shrinkage here.",
        "zh": "从扫描中挑出的胜者，其首次估计会被高估；后期在这里显示了这种收缩。",
    },
    "behaviours.no_shrink": {
        "en": "Picking the winners of a scan usually inflates their first estimates; here the "
        "later period does not show it (the effects are large against the noise).",
        "zh": "从扫描中挑出的胜者，其首次估计通常会被高估；这里后期没有显示这一点（效应相对噪声很大）。",
    },
    "behaviours.none_discovered": {
        "en": "No behaviour was significant on the discovery period.",
        "zh": "发现期没有显著的行为。",
    },
    "behaviours.no_leading": {
        "en": "No event type could be tested on the discovery period: there is no phi grid "
        "to read.",
        "zh": "发现期没有一个事件类型满足检验条件，暂无 φ 系数热力图可供解读。",
    },
    "behaviours.reading": {"en": "{i}. {text}.", "zh": "{i}. {text}。"},
    "behaviours.no_threshold": {
        "en": "No behaviour with a positive association holds on the later period: there is "
        "no threshold to read.",
        "zh": "没有正相关的行为在后期成立：没有可解读的阈值。",
    },
    "behaviours.alignment": {
        "en": "The `{weights}` preset weighs {top_weighted} most. The strongest confirmed "
        "behaviour that feeds a value belongs to **{value}** ({behaviour}, phi "
        "{phi:.3f}), {among} Across the five values, the rank correlation between "
        "weight and strongest confirmed phi is {rho:+.2f}. {no_value}",
        "zh": "`{weights}` 预设最看重{top_weighted}。支撑某一价值的最强已验证行为属于**{value}**"
        "（{behaviour}，φ 系数 {phi:.3f}），{among}在五个价值上，权重与最强已验证行为的 φ 系数之间的秩相关为 "
        "{rho:+.2f}。{no_value}",
    },
    "behaviours.among_top": {
        "en": "which is among the values the preset weighs most.",
        "zh": "属于预设最看重的价值。",
    },
    "behaviours.not_top": {
        "en": "which the preset does not weigh most.",
        "zh": "并非预设最看重的价值。",
    },
    "behaviours.no_value": {
        "en": "{n} confirmed behaviours with a positive association feed no value "
        "(activity-only types); the strongest overall is {unit} (phi {phi:.3f}).",
        "zh": "{n} 个正相关的已验证行为不支撑任何价值（仅活动类型）；整体最强的是{unit}"
        "（φ 系数 {phi:.3f}）。",
    },
    "behaviours.headline": {
        "en": "In one line: of {tested} behaviours tested on the discovery period, {declared} "
        "were declared at a {alpha:.0%} false-discovery rate and {held} held on the later "
        "period{best}",
        "zh": "一句话：发现期检验了 {tested} 个行为，在 {alpha:.0%} 的错误发现率下判定 {declared} 个，"
        "其中 {held} 个在后期成立{best}",
    },
    "behaviours.headline_best": {
        "en": "; the best positive one: {text}.",
        "zh": "；最好的正向行为：{text}。",
    },
    "behaviours.headline_end": {"en": ".", "zh": "。"},
    # behaviours (analysis.studies.behaviours)
    "behaviours.fdr_group": {"en": "{group}: ", "zh": "{group}："},
    "behaviours.fdr": {
        "en": "{label}{n_all} candidate behaviours, {n_test} tested (the rest had an empty group "
        "or an expected cell count below {min_expected:g}); {name} false-discovery-rate "
        "control at {alpha:.0%} across all {n_test} declares {n_sig} significant — on "
        "average at most {alpha:.0%} of such declarations are false.",
        "zh": "{label}候选行为 {n_all} 个，检验 {n_test} 个（其余因某组为空或期望频数低于 "
        "{min_expected:g} 未检验）；对全部 {n_test} 个做错误发现率控制（{name}方法，{alpha:.0%}），"
        "判定 {n_sig} 个显著——平均而言，这类判定中错误的不超过 {alpha:.0%}。",
    },
    "behaviours.phrase": {
        "en": "had {noun} at least {times} {span}",
        "zh": "{span}至少有{times}{noun}",
    },
    "behaviours.noun.type": {"en": "{what} event", "zh": "“{what}”事件"},
    "behaviours.noun.value": {"en": "{what}-value event", "zh": "{what}事件"},
    "behaviours.noun.order": {"en": "a paid order", "zh": "付费订单"},
    "behaviours.times.once": {"en": "once", "zh": "一次"},
    "behaviours.times.many": {"en": "{k} times", "zh": " {k} 次"},
    "behaviours.span.onboarding": {
        "en": "in their first {d:g} days",
        "zh": "在加入后的前 {d:g} 天内",
    },
    "behaviours.span.onboarding.one": {"en": "in their first day", "zh": "在加入后的第一天内"},
    "behaviours.span.snapshot": {
        "en": "in the {d:g} days before the cut-off",
        "zh": "在截止日前 {d:g} 天内",
    },
    "behaviours.span.snapshot.one": {
        "en": "in the day before the cut-off",
        "zh": "在截止日前一天内",
    },
    "behaviours.threshold": {
        "en": "users who {phrase} retain at {did:.0%} vs {other:.0%} for the others (difference "
        "{diff:+.1f} points, 95% CI {lo:+.1f} to {hi:+.1f}); reach {reach:.0%}, phi "
        "{phi:.2f}",
        "zh": "{phrase}的用户留存率为 {did:.0%}，其他用户为 {other:.0%}（相差 {diff:+.1f} 个百分点，"
        "95% 置信区间 {lo:+.1f} 至 {hi:+.1f}）；覆盖 {reach:.0%}，φ 系数 {phi:.2f}",
    },
    "behaviours.threshold.shrunk": {
        "en": "; found on the earlier period with a difference of {diff:+.1f} points "
        "({shrink:.0%} of it did not come back)",
        "zh": "；在较早时期发现时相差 {diff:+.1f} 个百分点（其中 {shrink:.0%} 未能重现）",
    },
    "behaviours.threshold.grew": {
        "en": "; found on the earlier period with a difference of {diff:+.1f} points (it grew on "
        "the later period)",
        "zh": "；在较早时期发现时相差 {diff:+.1f} 个百分点（在较晚时期更大）",
    },
    # the answer the report opens with (analysis.reports.summary)
    "behaviours.answer.held": {
        "en": "{held} of the {declared} early behaviours found on the earlier period held on the later one ({tested} tested, at a {alpha} false-discovery rate).",
        "zh": "在早期时段发现的 {declared} 种早期行为中，有 {held} 种在后期时段得到验证（共检验 {tested} 种，错误发现率 {alpha}）。",
    },
    "behaviours.answer.none": {
        "en": "None of the {tested} early behaviours tested goes with staying clearly enough to report (at a {alpha} false-discovery rate).",
        "zh": "所检验的 {tested} 种早期行为中，没有一种与留存的关联清楚到值得报告（错误发现率 {alpha}）。",
    },
    "behaviours.answer.best": {
        "en": "Strongest with staying: {text}.",
        "zh": "与留存关联最强：{text}。",
    },
    "behaviours.answer.worst": {
        "en": "Strongest with leaving: {text}.",
        "zh": "与流失关联最强：{text}。",
    },
    "behaviours.answer.do": {
        "en": "**What to do:** nudge users toward the behaviour that goes most with staying (users who {phrase}), and test it with a trial that holds back a random group — these behaviours go with staying; they are not proven to cause it.",
        "zh": "**建议：** 引导用户做出与留存关联最强的行为（{phrase}），并随机留出一组用户做对照检验——这些行为与留存相关，但并未证明是留存的原因。",
    },
    "behaviours.answer.do.none": {
        "en": "**What to do:** do not reward any early behaviour on the strength of these data.",
        "zh": "**建议：** 现有数据不足以支持奖励任何早期行为。",
    },
}
