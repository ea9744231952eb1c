"""Text of the segments-and-flow report (notebooks/segments-and-flow.py)."""

from __future__ import annotations

#: Chinese chart titles, axis and legend labels of this report (and the names of its own
#: categories), keyed by the English text; looked up by :func:`analysis.i18n.tr`.
LABELS: dict[str, str] = {
    "(new)": "（新进入）",
    "(out)": "（移出总体）",
    "giveaway users retain less": "赠品活动用户留存更低",
    "giveaway users spend less": "赠品活动用户消费更少",
    "screened in 1:1 retain better": "1:1 筛选后入群的用户留存更好",
    "share of users": "用户占比",
    "share of the row": "行内占比",
    "state at the next snapshot": "下一快照的状态",
    "state at a snapshot": "快照时的状态",
    "users (stacked by state; top = highest stage)": "用户数（按状态堆叠；顶部为最高阶段）",
    "stage at a snapshot": "快照时的阶段",
    "share at a higher stage one snapshot later": "下一快照处于更高阶段的占比",
    "months since the join month": "加入后的月数",
    "share active in the month (95% CI)": "当月活跃占比（95% 区间）",
    "join cohort": "加入批次",
    "share active": "活跃占比",
    "K per month (referred joins / base)": "每月 K 值（被推荐加入数 / 基数）",
    "K-factor": "K 因子",
    "value (log1p, standardised)": "价值（取对数后标准化）",
    "SD from the mean": "偏离均值的标准差",
    "perfect recovery": "完美还原",
    "true log hazard ratio vs reference": "相对参照的真实对数风险比",
    "estimated log hazard ratio (95% CI)": "估计的对数风险比（95% 区间）",
    "share retained (95% CI)": "留存占比（95% 区间）",
    "Where users go between snapshots": "用户在快照之间的去向",
    "How users flow between stages": "用户在阶段之间的流动",
    "How users flow between stages (selected snapshots)": "用户在阶段之间的流动（选定快照）",
    "Users in each state over time": "各状态用户数随时间变化",
    "Users in each state at each monthly snapshot": "每月快照中各状态的用户数",
    "Forward conversion per stage (next snapshot)": "各阶段的向上转化（到下一个快照）",
    "Retention by months since joining": "按加入月数的留存",
    "Retention by join cohort and month since joining": "按加入批次与加入月数的留存",
    "Transition shares between consecutive monthly snapshots": "相邻月度快照之间的转移占比",
    "Effects with 95% intervals": "效应及 95% 区间",
    "Referral K-factor per month": "每月推荐 K 因子",
    "Referral K-factor per month (95% CI)": "每月推荐 K 因子（95% 区间）",
    "What makes each persona distinct": "各画像的区别所在",
    "Retention by persona": "各画像的留存",
    "Recovered vs true channel effects on leaving": "还原的与真实的渠道离开效应",
    "Recovered vs true channel effects on leaving (reference: partner)": "还原的与真实的渠道离开效应（参照：合作伙伴）",
    "Retention by channel": "各渠道的留存",
    "Retention by hook": "各钩子的留存",
    "difference in retention (percentage points, a − b)": "留存差异（百分点，被检验组 − 对照组）",
    "Retention: group a minus group b": "留存：被检验组减对照组",
    "Spend: giveaway minus others": "消费：赠品活动用户减其他用户",
    "Purchase funnel by channel": "各渠道的购买漏斗",
    "Purchase funnel by hook": "各钩子的购买漏斗",
    "share of contacts (95% CI)": "占联系人比例（95% 区间）",
    "contact added": "添加联系人",
    "joined a group": "进入社群",
    "first order": "首单",
    "repeat order": "复购",
    "first purchase": "首购",
    "repurchase": "复购",
    "contacts in the data": "数据中的全部联系人",
    "joined before the cut-off": "截止日前加入",
    "had not deleted the brand by the cut-off": "截止日时没有删除品牌好友",
    "on the ladder at the cut-off (not silent or lost)": "截止日时在阶梯上（非沉默、非流失）",
    "Five-value personas, segments, tiers": "五维价值画像、RFM 分群、价值层级",
    "Funnel, time to purchase": "购买漏斗、首购和复购用时",
    "Flow at the cut-off": "截止日的用户流转",
    "Overview": "数据概览",
    "used_by": "用于",
    # the purchase gate (analysis.studies.flow.purchase_gate_effect)
    "users_gated": "有门槛时人数",
    "users_ungated": "无门槛时人数",
    "share_gated": "有门槛时占比",
    "share_ungated": "无门槛时占比",
    "held_back": "被门槛挡下的人数",
    "population": "总体人数",
    # the RFM rules (analysis.studies.segments.rfm_segment_rules)
    "R": "R 评分（最近一次购买）",
    "FM": "频次与金额评分",
    "bought recently, often and a lot": "最近买过，买得勤，买得多",
    "regular buyers of good value": "经常购买，金额不错",
    "recent buyers of middling frequency/value": "最近买过，频次和金额中等",
    "recent, few and small purchases": "最近买过，但次数少、金额小",
    "middling recency, low frequency/value": "有一阵没买，频次和金额都低",
    "used to buy the most, not for a long time": "曾经买得最多，但很久没买了",
    "good customers who have not bought for a while": "优质客户，但有一段时间没买了",
    "low value, recency slipping": "价值低，越来越久没买",
    "low value, long ago": "价值低，很久以前买过",
    "no paid order yet": "还没有已付款订单",
    # personas (analysis.studies.segments, analysis.studies.personas)
    "bic": "贝叶斯信息准则",
    "main_channel": "主要渠道",
    "use": "突出价值",
    "quiet": "各项都偏低",
    "average": "没有突出的价值",
    # the purchase funnel and the time to purchase (analysis.studies.funnels)
    "share_lo": "占比下限",
    "share_hi": "占比上限",
    "step_rate": "这一步的转化率",
    "step_lo": "转化率下限",
    "step_hi": "转化率上限",
    "interval": "环节",
    "median_days": "中位天数",
    "(all)": "全部联系人",
    # the check against the simulator's truth (analysis.simulate.checks)
    "derived": "按数据判定",
}


#: The report's computed readings, keyed "flow.…", filled by :func:`analysis.i18n.say`.
SENTENCES: dict[str, dict[str, str]] = {
    "flow.plot.k_reference": {"en": "reference {k:.3f}", "zh": "参照值 {k:.3f}"},
    "flow.plot.segment_title": {
        "en": "Retention in the {horizon} days after {as_of} by RFM segment",
        "zh": "{as_of} 之后 {horizon} 天内各 RFM 分群的留存",
    },
    "flow.plot.tier_title": {
        "en": "Retention in the {horizon} days after {as_of} by value tier",
        "zh": "{as_of} 之后 {horizon} 天内各价值层级的留存",
    },
    "flow.reading": {"en": "**Reading.** {text}", "zh": "**解读**：{text}"},
    # the personas' k-means fitted on a sample (analysis.studies.segments; fit_sample)
    "flow.fit_sample.personas": {
        "en": "The k-means of the personas",
        "zh": "用户画像的 k-means 聚类",
    },
    # the evidence column of the stage ladder (analysis.studies.flow.Ladder.table); in Chinese
    # a note follows the event types without a separator, so it carries its own punctuation
    "flow.ladder.joining": {"en": "(joining)", "zh": "，或刚加入私域"},
    "flow.ladder.first_order": {
        "en": "(paid order, < {n} paid orders so far)",
        "zh": "已付款订单（累计不到 {n} 单）",
    },
    "flow.ladder.repeat_order": {
        "en": "(paid order, >= {n} paid orders so far)",
        "zh": "已付款订单（累计达到 {n} 单）",
    },
    "flow.ladder.referral_bought": {
        "en": "(a referred contact bought)",
        "zh": "，或推荐来的联系人下了单",
    },
    "flow.ladder.gated": {"en": "(only after a first paid order)", "zh": "（须先有首单）"},
    "flow.ladder.fallback": {
        "en": "({stages} evidence without a purchase)",
        "zh": "；没有购买的用户的{stages}行为也记在这里",
    },
    "flow.ladder.silent": {
        "en": "(no activity for {days:g} days)",
        "zh": "连续 {days:g} 天没有活动",
    },
    "flow.ladder.lost": {
        "en": "(contact deleted / left all groups since last activity, or no activity for "
        "{days:g} days)",
        "zh": "上次活动后删除了品牌好友或退出了全部社群，或连续 {days:g} 天没有活动",
    },
    "flow.rfm": {
        "en": "{users:,} users are in the population at {as_of}; {no_purchase:.0%} have not "
        "bought yet. Among buyers the largest RFM segment is *{largest}* "
        "({largest_share:.0%} of all users). Retention is highest for *{best}* "
        "({best_rate:.0%}, 95% CI {best_lo:.0%}–{best_hi:.0%}) and lowest for *{worst}* "
        "({worst_rate:.0%}, {worst_lo:.0%}–{worst_hi:.0%}).",
        "zh": "截至 {as_of}，总体共有 {users:,} 位用户，其中 {no_purchase:.0%} 还没买过。买过的用户中人数"
        "最多的 RFM 分群是*{largest}*（占全部用户的 {largest_share:.0%}）。留存率最高的是*{best}*"
        "（{best_rate:.0%}，95% 区间 {best_lo:.0%}–{best_hi:.0%}），最低的是*{worst}*"
        "（{worst_rate:.0%}，{worst_lo:.0%}–{worst_hi:.0%}）。",
    },
    "flow.rfm_none": {
        "en": "{users:,} users are in the population at {as_of}, and none has a paid order "
        "before it: there are no RFM segments to compare (the data has no orders, or none "
        "before the cut-off).",
        "zh": "{as_of} 时总体共 {users:,} 位用户，此前没有任何已支付订单：没有可比较的 RFM 分群"
        "（数据中没有订单，或截止日前没有订单）。",
    },
    "flow.tiers": {
        "en": "Core VIPs ({vip_users:,} users) retain at {vip_rate:.0%} ({vip_lo:.0%}–"
        "{vip_hi:.0%}) against {ord_rate:.0%} ({ord_lo:.0%}–{ord_hi:.0%}) for ordinary "
        "users, and spent {vip_spend:,.0f} vs {ord_spend:,.0f} CNY on average before the "
        "cut-off. The silent tier holds {silent_share:.0%} of the population and retains "
        "at {silent_rate:.0%}. Whether the index predicts better than spend alone is the "
        "question of the value-index report.",
        "zh": "核心VIP（{vip_users:,} 人）的留存率是 {vip_rate:.0%}（{vip_lo:.0%}–{vip_hi:.0%}），"
        "普通层是 {ord_rate:.0%}（{ord_lo:.0%}–{ord_hi:.0%}）；截止日前人均消费分别为 "
        "{vip_spend:,.0f} 元和 {ord_spend:,.0f} 元。沉默层占总体的 {silent_share:.0%}，留存率 "
        "{silent_rate:.0%}。指数是否比只看消费额更能预测留存，见价值指数报告。",
    },
    "flow.personas": {
        "en": "{k} personas ({criterion} criterion). The largest is *{largest}* ({share:.0%}). "
        "Retention ranges from {worst_rate:.0%} (*{worst}*) to {best_rate:.0%} (*{best}*); "
        "mean spend from {spend_min:,.0f} to {spend_max:,.0f} CNY.",
        "zh": "按{criterion}选出 {k} 个画像。人数最多的是*{largest}*（{share:.0%}）。留存率从 "
        "{worst_rate:.0%}（*{worst}*）到 {best_rate:.0%}（*{best}*）不等；人均消费从 "
        "{spend_min:,.0f} 元到 {spend_max:,.0f} 元。",
    },
    "flow.sizes": {
        "en": "At the last snapshot ({date}) {users:,} users are in the population: "
        "{lost:.0%} lost, {silent:.0%} silent, and the largest ladder stage is *{stage}* "
        "({stage_share:.0%}).",
        "zh": "最后一个快照（{date}）总体共 {users:,} 位用户：{lost:.0%} 已流失，{silent:.0%} 沉默；"
        "阶梯上人数最多的阶段是*{stage}*（{stage_share:.0%}）。",
    },
    "flow.transitions": {
        "en": "{silent_lost:.0%} of silent users are lost one snapshot later and "
        "{silent_back:.0%} come back onto the ladder; {stay_lost:.0%} of lost users stay "
        "lost. Of new users, {new_lost:.0%} are already lost at their first snapshot.",
        "zh": "沉默用户到下一个快照时有 {silent_lost:.0%} 流失，{silent_back:.0%} 回到阶梯上；流失用户"
        "有 {stay_lost:.0%} 仍是流失。新用户中有 {new_lost:.0%} 在第一个快照时就已经流失。",
    },
    "flow.bottleneck": {
        "en": "The bottleneck is {stage}: only {rate:.1%} (95% CI {lo:.1%}–{hi:.1%}) "
        "of its {n:,} user-months move up, while {stay:.0%} stay. Completed spells at "
        "that stage last {days:.0f} days on average (snapshot resolution: one month).",
        "zh": "瓶颈在{stage}：这一阶段的 {n:,} 个用户月里，下个月升到更高阶段的只有 {rate:.1%}"
        "（95% 区间 {lo:.1%}–{hi:.1%}），{stay:.0%} 原地不动。在这一阶段已结束的停留平均持续 "
        "{days:.0f} 天（快照按月，精度为一个月）。",
    },
    "flow.funnel_bottleneck": {
        "en": "Within the purchase funnel alone (from joining up to *{repeat}*), the weakest "
        "step is out of {stage}: {rate:.1%} (95% CI {lo:.1%}–{hi:.1%}) of its {n:,} "
        "user-months move up a month later.",
        "zh": "只看购买漏斗（从入域到*{repeat}*），最弱的一步是从{stage}往上走：{n:,} 个用户月里，"
        "一个月后升到更高阶段的占 {rate:.1%}（95% 区间 {lo:.1%}–{hi:.1%}）。",
    },
    "flow.ladder_gate": {
        "en": "The upper stages require a first purchase. In 5A, *advocate* follows *act*, and "
        "in AIPL loyalty (L) sits above purchase (P): recommending a brand one has never "
        "bought is not advocacy — a coupon hunter who shares for a reward is engaged, not an "
        "advocate. So sharing, inviting or a referral's purchase by a user who has not bought "
        "counts as *{fallback}*. At {as_of}, {gated:,} of {pop:,} users ({gated_share:.0%}) "
        "are at {stages}; without the gate {ungated:,} ({ungated_share:.0%}) would be, "
        "{held:,} of them without any purchase — they would hide the step into the first "
        "purchase behind sharing.",
        "zh": "上层阶段以首购为前提。科特勒 5A 中“拥护”排在“行动（购买）”之后，阿里巴巴的“认知—兴趣—"
        "购买—忠诚”模型中忠诚也在购买之上：没买过就推荐品牌不算拥护——为领奖励而分享的羊毛党只是"
        "活跃，不是拥护者。因此没有购买的用户的分享、邀请，或其推荐来的人下单，都只记为*{fallback}*。"
        "截至 {as_of}，{pop:,} 名用户中有 {gated:,} 名（{gated_share:.0%}）处于{stages}；不设门槛"
        "的话会是 {ungated:,} 名（{ungated_share:.0%}），其中 {held:,} 名从没买过——他们会让“分享”"
        "掩盖掉“首购”这一步的流失。",
    },
    "flow.funnel": {
        "en": "Of the {n:,} contacts who joined before {as_of}, {group:.0%} joined a group, "
        "{first:.0%} placed a first order and {repeat:.0%} ordered again. The weakest step is "
        "*{step}*: {rate:.0%} (95% CI {lo:.0%}–{hi:.0%}) of the users at the step before reach "
        "it. By channel, the share with a first order runs from {bottom_rate:.0%} (*{bottom}*) "
        "to {top_rate:.0%} (*{top}*); by hook from {bottom_hook_rate:.0%} (*{bottom_hook}*) to "
        "{top_hook_rate:.0%} (*{top_hook}*).",
        "zh": "{as_of} 之前加入的 {n:,} 个联系人中，{group:.0%} 进了社群，{first:.0%} 完成首单，"
        "{repeat:.0%} 复购。最弱的一步是*{step}*：上一步的用户中只有 {rate:.0%}（95% 区间 "
        "{lo:.0%}–{hi:.0%}）走到这一步。按渠道看，首单占比从 {bottom_rate:.0%}（*{bottom}*）到 "
        "{top_rate:.0%}（*{top}*）；按钩子看，从 {bottom_hook_rate:.0%}（*{bottom_hook}*）到 "
        "{top_hook_rate:.0%}（*{top_hook}*）。",
    },
    "flow.timing": {
        "en": "Half of the contacts have placed a first order {first:.0f} days after joining "
        "(95% CI {first_lo:.0f}–{first_hi:.0f}; users who have not bought yet count until the "
        "cut-off), and half of the first-time buyers order again within {rep:.0f} days "
        "({rep_lo:.0f}–{rep_hi:.0f}). *{fast}* contacts buy fastest (median {fast_days:.0f} "
        "days), *{slow}* contacts slowest ({slow_days:.0f} days).",
        "zh": "一半的联系人在加入后 {first:.0f} 天内完成首单（95% 区间 {first_lo:.0f}–"
        "{first_hi:.0f} 天；尚未购买的用户计到截止日），一半的首购用户在 {rep:.0f} 天内复购"
        "（{rep_lo:.0f}–{rep_hi:.0f} 天）。*{fast}*来的联系人首购最快（中位数 {fast_days:.0f} 天），"
        "*{slow}*最慢（{slow_days:.0f} 天）。",
    },
    "flow.timing_none": {
        "en": "Only {buyers:,} of {n:,} contacts have bought: fewer than half, so there is no "
        "median time to the first purchase yet.",
        "zh": "{n:,} 个联系人中只有 {buyers:,} 个购买过，不到一半，因此还没有首购时间的中位数。",
    },
    "flow.population": {
        "en": "The overview counts {contacts:,} contacts; {steps}.",
        "zh": "数据概览共有 {contacts:,} 个联系人；{steps}。",
    },
    "flow.population_step": {
        "en": "{users:,} {step} ({dropped:,} fewer)",
        "zh": "{step}：{users:,} 人（减少 {dropped:,} 人）",
    },
    "flow.persona_rule": {
        "en": "Rule: personas whose centroids lie within {threshold:g} SD of each other "
        "(standardised five values) are one persona; {before} personas became {after}. The "
        "closest pair, P{a} and P{b}, is {distance:.1f} SD apart.",
        "zh": "合并规则：五个价值（标准化后）的中心点相距不到 {threshold:g} 个标准差的画像算作同一个；"
        "{before} 个画像合并后剩 {after} 个。最接近的一对是 P{a} 和 P{b}，相距 {distance:.1f} 个标准差。",
    },
    "flow.persona_card": {
        "en": "P{p} ({share:.0%} of users, mostly from {channel}, {channel_share:.0%}): {use}",
        "zh": "P{p}（占用户 {share:.0%}，来源最多的渠道是{channel}，占 {channel_share:.0%}）：{use}",
    },
    "flow.use_consumption": {
        "en": "repurchase offers and membership benefits",
        "zh": "复购券与会员权益",
    },
    "flow.use_experience": {
        "en": "service follow-up, trials and store visits",
        "zh": "服务回访、试用与到店体验",
    },
    "flow.use_social": {
        "en": "referral campaigns (old users bring new ones) and hosting groups",
        "zh": "老带新与社群运营",
    },
    "flow.use_content": {
        "en": "UGC and buyer-show campaigns",
        "zh": "征集用户内容（晒单、买家秀、笔记）",
    },
    "flow.use_innovation": {
        "en": "co-creation and beta tests",
        "zh": "共创与内测",
    },
    "flow.use_quiet": {
        "en": "low-cost reactivation in groups, no 1:1 effort",
        "zh": "社群内低成本唤醒，不投入企微私聊",
    },
    "flow.use_average": {
        "en": "regular group content",
        "zh": "常规社群内容",
    },
    "flow.channels": {
        "en": "{age} months after joining, *{top}* users are the most active ({top_rate:.0%}, "
        "{top_lo:.0%}–{top_hi:.0%}) and *{bottom}* users the least ({bottom_rate:.0%}, "
        "{bottom_lo:.0%}–{bottom_hi:.0%}). By hook, *{top_hook}* leads "
        "({top_hook_rate:.0%}) and *{bottom_hook}* trails ({bottom_hook_rate:.0%}).",
        "zh": "加入 {age} 个月后，*{top}*来的用户最活跃（{top_rate:.0%}，{top_lo:.0%}–{top_hi:.0%}），"
        "*{bottom}*来的用户最不活跃（{bottom_rate:.0%}，{bottom_lo:.0%}–{bottom_hi:.0%}）。按钩子看，"
        "*{top_hook}*领先（{top_hook_rate:.0%}），*{bottom_hook}*垫底（{bottom_hook_rate:.0%}）。",
    },
    "flow.claim": {
        "en": "- *{claim}* — {group_a} {a} (n={n_a}) vs {group_b} {b} (n={n_b}) on {metric}: "
        "difference {effect} (95% CI {ival}); the claim is **{verdict}** on these data.",
        "zh": "- *{claim}*：{metric}，{group_a} {a}（{n_a} 人），{group_b} {b}（{n_b} 人），相差 "
        "{effect}（95% 区间 {ival}）；在这份数据上，这一论断**{verdict}**。",
    },
    "flow.headline": {
        "en": "The weakest forward step of the flow is {stage} ({rate:.1%} move up per month); "
        "giveaway-event users retain {give_less:.0f} percentage points less at month {age} "
        "({give_verdict}), 1:1-screened users {screened:+.0f} percentage points "
        "({screen_verdict}).",
        "zh": "用户流转最卡的一步在{stage}（每月只有 {rate:.1%} 往上走）；赠品活动来的用户第 {age} "
        "个月的留存低 {give_less:.0f} 个百分点（{give_verdict}），经企微私聊筛选的用户相差 "
        "{screened:+.0f} 个百分点（{screen_verdict}）。",
    },
    "flow.referral": {
        "en": "Over the whole period {referred:,} of {contacts:,} contacts came through a "
        "referral: a realised K-factor of {k:.3f}. {invitations:,} invitations were sent, "
        "so {conversion:.0%} of invitations became a contact. The monthly K ranged from "
        "{k_min:.3f} to {k_max:.3f} — far below 1, so referrals add to, but do not "
        "replace, paid acquisition.",
        "zh": "整个时期 {contacts:,} 位联系人中有 {referred:,} 位来自推荐：实际 K 因子为 {k:.3f}。"
        "共发出 {invitations:,} 次邀请，{conversion:.0%} 的邀请带来了联系人。每月 K 值介于 "
        "{k_min:.3f} 与 {k_max:.3f} 之间——远低于 1，因此推荐是付费获客的补充，而不能替代它。",
    },
    "flow.truth": {
        "en": "The K-factor from the data is {k:.4f}; the simulator's realised K is "
        "{k_true:.4f}. The channel effects' 95% intervals contain the true marginal "
        "effect for {inside} of {n} channels, and the order of the channels is {order} "
        "the truth's. Coupon hunters are {hunters_give:.0%} of giveaway users vs "
        "{hunters_other:.0%} of the others (true hunter effect on the log hazard: "
        "{gamma_hunter:+.2f}); the true effect of screening is {gamma_screened:+.2f} on "
        "the log hazard; the data's verdicts on the claims are: {verdicts}.",
        "zh": "数据得出的 K 因子为 {k:.4f}；模拟器的实际 K 为 {k_true:.4f}。{n} 个渠道中有 {inside} "
        "个渠道效应的 95% 区间包含真实边际效应，渠道的排序与真实排序{order}。赠品活动用户中"
        "羊毛党占 {hunters_give:.0%}，其他用户中占 {hunters_other:.0%}（羊毛党对对数风险的"
        "真实效应：{gamma_hunter:+.2f}）；筛选对对数风险的真实效应为 {gamma_screened:+.2f}；"
        "数据对各论断的判断：{verdicts}。",
    },
    "flow.same_as": {"en": "the same as", "zh": "相同"},
    "flow.different_from": {"en": "different from", "zh": "不同"},
    "flow.claim_verdict": {"en": "{claim} — {verdict}", "zh": "“{claim}”：{verdict}"},
    "flow.no_truth": {
        "en": "No simulator truth: this section applies to simulated data only.",
        "zh": "没有模拟器真实参数：本节只适用于模拟数据。",
    },
    # the answer the report opens with (analysis.reports.summary)
    "flow.answer.claim.retention": {
        "en": "{claim}: {value_a} of {group_a} users are still active at month {age} against {value_b} of {group_b} ({effect} points, 95% interval {ival}) — {verdict}.",
        "zh": "{claim}：{group_a}第 {age} 个月仍活跃的比例为 {value_a}，{group_b}为 {value_b}（相差 {effect} 个百分点，95% 区间 {ival}）——{verdict}。",
    },
    "flow.answer.claim.spend": {
        "en": "{claim}: {group_a} users spend {value_a} each in their first {days} days against {value_b} for {group_b} ({effect}, 95% interval {ival}) — {verdict}.",
        "zh": "{claim}：{group_a}前 {days} 天人均消费 {value_a}，{group_b}为 {value_b}（相差 {effect}，95% 区间 {ival}）——{verdict}。",
    },
    "flow.answer.do.giveaway": {
        "en": "judge giveaway events by the users who are still there three months on, not by how many join",
        "zh": "评估赠品活动看三个月后还留下多少用户，而不是拉来多少人",
    },
    "flow.answer.do.screening": {
        "en": "route new contacts through a 1:1 screening chat: screened users stay better",
        "zh": "让新联系人先经过企微私聊筛选：经过筛选的用户留存更好",
    },
    "flow.answer.do": {"en": "**What to do:** {actions}.", "zh": "**建议：** {actions}。"},
    "flow.answer.do.none": {
        "en": "**What to do:** on these data none of the essay's claims is borne out; do not change acquisition on their strength.",
        "zh": "**建议：** 在现有数据上，文章的论断都没有得到支持；不要据此调整拉新方式。",
    },
}
