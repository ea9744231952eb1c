"""Text of the touches report (notebooks/touches.py): chart labels and sentences."""

from __future__ import annotations

#: Chinese chart titles, axis labels and the report's own categories, keyed by the English.
LABELS: dict[str, str] = {
    "promo touches in the days before": "此前几天收到的促销触达数",
    "departures per 1,000 contacts a day": "每千名联系人每日离开数",
    "Fatigue: departures by promo dose before the first purchase": "促销疲劳：首购前收到的促销次数与离开",
    "differs from the rest": "与其余类型不同",
    "% of touches answered within 48 h": "48 小时内有回应的触达占比 (%)",
    "Response by content type (group messages)": "各内容形式的回应率（群消息）",
    "touches per contact per week": "每位联系人每周触达数",
    "What the brand sends, per contact and week": "品牌发送量（每位联系人每周）",
    "group": "社群",
    "1v1": "企微私聊",
    "moments": "朋友圈",
    "promo touch": "促销触达",
    "content touch": "内容触达",
    "care touch": "关怀触达",
    "greeting touch": "问候触达",
    "survey touch": "问卷触达",
    "event invite touch": "活动邀请触达",
    "other touch": "其他触达",
    "unclassified touch": "未分类触达",
    "kind": "触达类型",
    "share_pct": "占比 (%)",
    "dose": "首购前促销次数",
    "flood": "刷屏",
    "in_group": "在群内",
    "pre_purchase": "首购前",
    "const": "基线",
    "repurchased": "复购",
    "cared_n": "已关怀数",
    "cared_rate": "已关怀比例",
    "uncared_n": "未关怀数",
    "uncared_rate": "未关怀比例",
    "difference": "差值",
    "vs_rest": "与其余之差",
    "brand_messages": "品牌消息数",
    "member_messages": "成员消息数",
    "brand_share": "品牌消息占比",
    "brand_days": "品牌发消息天数",
    "max_per_day": "单日最多品牌消息",
    "members": "成员数",
    "per_contact": "每位联系人",
    "touches": "触达数",
    "responded": "有回应",
    "departures": "离开数",
    "excess": "多出的离开",
    "excess_lo": "多出的离开（下限）",
    "excess_hi": "多出的离开（上限）",
    "treated_rate": "早期促销组比例",
    "control_rate": "对照组比例",
    "risk_ratio": "风险比",
    "e_value": "E 值",
    "covariate": "用户特征",
    "smd_raw": "加权前差异（标准化差）",
    "smd_weighted": "加权后差异（标准化差）",
    "departed": "离开",
    "purchased": "首购",
    "pre_join_views": "加入前的内容浏览（对照指标）",
    "group_id": "社群 ID",
    "engagement": "早期互动",
    # the effects checked against the simulator's truth (analysis.simulate.checks)
    "fatigue": "促销疲劳",
    "care": "关怀",
}

#: The report's computed readings, keyed "touch.…", filled by :func:`analysis.i18n.say`.
SENTENCES: dict[str, dict[str, str]] = {
    "touch.missing": {
        "en": "This data has no touches table (what the brand sent), so this report cannot run. "
        "Add touches.csv beside the other tables (see docs/touches.md).",
        "zh": "数据里没有触达表（品牌发了什么），这份报告无法运行。请把 `touches.csv` 放在其他数据表旁边（见 `docs/touches.md`）。",
    },
    "touch.volume": {
        "en": "{n:,} touches reached {users:,} contacts: {group:.0f}% in groups, {one:.0f}% 1:1 and "
        "{moments:.0f}% on Moments; {promo:.0f}% were promo and {unclassified:.0f}% could not be classified.",
        "zh": "共 {n:,} 次触达，覆盖 {users:,} 位联系人：社群占 {group:.0f}%，企微私聊占 {one:.0f}%，朋友圈占 {moments:.0f}%；其中促销占 {promo:.0f}%，无法归类的占 {unclassified:.0f}%。",
    },
    "touch.groups": {
        "en": "Across {n} groups the brand wrote {share:.0f}% of all group messages (median group); "
        "the busiest group got up to {peak} brand messages on one day.",
        "zh": "在 {n} 个社群里，品牌消息占全部群消息的 {share:.0f}%（取中位的那个群）；最热闹的群一天最多收到 {peak} 条品牌消息。",
    },
    "touch.fatigue.setup": {
        "en": "Over {days:,} contact-days at risk, {departures:,} contacts left (quit a group or "
        "deleted the brand); the baseline is {base:.2f} departures per 1,000 contacts a day.",
        "zh": "共观察了 {days:,} 个“联系人·天”（每位联系人还留在私域的每一天各算一次），期间有 {departures:,} 人离开（退群或删除品牌的企微好友）；平均每千人每天离开 {base:.2f} 人。",
    },
    "touch.fatigue.promo_shows": {
        "en": "Each promo touch in the days before adds {est:.2f} departures per 1,000 contacts a day "
        "before the first purchase (95% CI {lo:.2f} to {hi:.2f}): promo fatigue shows.",
        "zh": "首购之前，此前几天每多收到一次促销触达，每千人每天多离开 {est:.2f} 人（95% 区间 {lo:.2f} 至 {hi:.2f}）：促销疲劳确实存在。",
    },
    "touch.fatigue.promo_none": {
        "en": "Promo touches before the first purchase show no fatigue: {est:.2f} more departures per "
        "1,000 contacts a day per touch (95% CI {lo:.2f} to {hi:.2f}, which includes no excess).",
        "zh": "首购前的促销触达没有显示出疲劳：每多一次触达，每千人每天离开人数变化 {est:.2f}（95% 区间 {lo:.2f} 至 {hi:.2f}，包含 0）。",
    },
    "touch.fatigue.flood_shows": {
        "en": "On a flood day in the user's group and the day after, departures rise by {est:.2f} per "
        "1,000 contacts a day (95% CI {lo:.2f} to {hi:.2f}).",
        "zh": "用户所在的群被刷屏的当天和次日，每千人每天多离开 {est:.2f} 人（95% 区间 {lo:.2f} 至 {hi:.2f}）。",
    },
    "touch.fatigue.flood_none": {
        "en": "Group floods show no effect on departures: {est:.2f} per 1,000 contacts a day "
        "(95% CI {lo:.2f} to {hi:.2f}).",
        "zh": "群刷屏没有显示出对离开的影响：每千人每天 {est:.2f}（95% 区间 {lo:.2f} 至 {hi:.2f}）。",
    },
    "touch.dose.from": {
        "en": "Fatigue shows from a dose of {dose} promo touches: {rate:.2f} departures per 1,000 "
        "contacts a day against {base:.2f} without promo (excess 95% CI {lo:.2f} to {hi:.2f}).",
        "zh": "首购前收到 {dose} 次促销触达起就出现疲劳：每千人每天离开 {rate:.2f} 人，没有促销时是 {base:.2f} 人（多出部分的 95% 区间 {lo:.2f} 至 {hi:.2f}）。",
    },
    "touch.dose.none": {
        "en": "No promo dose raises departures above the rate without promo (every excess interval "
        "includes zero or lies below it).",
        "zh": "无论收到几次促销，离开率都没有高于不推促销的时候（多出部分的区间都包含 0 或在 0 以下）。",
    },
    "touch.content.range": {
        "en": "Of {n:,} group-message deliveries, {best} was answered most often ({best_rate:.1f}% "
        "within 48 h) and {worst} least ({worst_rate:.1f}%).",
        "zh": "在 {n:,} 次群消息送达中，{best}的回应率最高（48 小时内 {best_rate:.1f}%），{worst}最低（{worst_rate:.1f}%）。",
    },
    "touch.content.sig": {
        "en": "{n} content types differ from the rest after Benjamini–Hochberg control: {groups}.",
        "zh": "同时比较多种内容时做了多重比较校正，校正后仍有 {n} 种内容的回应率与其余内容确实不同：{groups}。",
    },
    "touch.content.none": {
        "en": "No content type differs from the rest after Benjamini–Hochberg control.",
        "zh": "做了多重比较校正后，没有哪种内容的回应率与其余内容确实不同。",
    },
    "touch.care.lower": {
        "en": "After a care trigger, {cared:.1f}% of cared-for users stayed silent for {days:g} days "
        "against {uncared:.1f}% of eligible users not touched ({diff:+.1f} points, 95% CI {lo:+.1f} "
        "to {hi:+.1f}; {n1:,} and {n0:,} triggers): care goes with less silence.",
        "zh": "到了关怀时点，收到关怀的用户有 {cared:.1f}% 在之后 {days:g} 天里一句话也没说，同样符合条件却没收到关怀的是 {uncared:.1f}%（相差 {diff:+.1f} 个百分点，95% 区间 {lo:+.1f} 至 {hi:+.1f}；分别来自 {n1:,} 个和 {n0:,} 个关怀时点）：关怀过的用户沉默得更少。",
    },
    "touch.care.higher": {
        "en": "After a care trigger, {cared:.1f}% of cared-for users stayed silent for {days:g} days "
        "against {uncared:.1f}% of eligible users not touched ({diff:+.1f} points, 95% CI {lo:+.1f} "
        "to {hi:+.1f}; {n1:,} and {n0:,} triggers): more silence with care.",
        "zh": "到了关怀时点，收到关怀的用户有 {cared:.1f}% 在之后 {days:g} 天里一句话也没说，没收到关怀的是 {uncared:.1f}%（相差 {diff:+.1f} 个百分点，95% 区间 {lo:+.1f} 至 {hi:+.1f}；分别来自 {n1:,} 个和 {n0:,} 个关怀时点）：关怀过的用户反而更常沉默。",
    },
    "touch.care.none": {
        "en": "After a care trigger, {cared:.1f}% of cared-for users stayed silent for {days:g} days "
        "against {uncared:.1f}% of eligible users not touched ({diff:+.1f} points, 95% CI {lo:+.1f} "
        "to {hi:+.1f}; {n1:,} and {n0:,} triggers): no clear difference.",
        "zh": "到了关怀时点，收到关怀的用户有 {cared:.1f}% 在之后 {days:g} 天里一句话也没说，没收到关怀的是 {uncared:.1f}%（相差 {diff:+.1f} 个百分点，95% 区间 {lo:+.1f} 至 {hi:+.1f}；分别来自 {n1:,} 个和 {n0:,} 个关怀时点）：两者没有明显差异。",
    },
    "touch.truth": {
        "en": "Against the simulator's truth: {inside} of {n} effects lie inside their 95% intervals.",
        "zh": "与模拟数据的真实值对照：{n} 个效应中有 {inside} 个落在估计的 95% 区间内。",
    },
    "touch.observational": {
        "en": "These are observational estimates: who got which touch was the brand's choice, so a "
        "difference may reflect whom the brand targeted as much as what the touch did.",
        "zh": "以上都是观察到的关联：谁收到哪种触达是品牌自己决定的，所以差异既可能来自触达本身，也可能来自品牌挑了哪些人来发。",
    },
    "touch.trust.more": {
        "en": "Selling before trust: of contacts with no purchase after their first days, the {n1:,} who got {k} or more promo touches in those days departed in the next days at {r1:.1f}% against {r0:.1f}% of the {n0:,} others, weighted for channel, hook, join month, group and early engagement ({diff:+.1f} points, 95% CI {lo:+.1f} to {hi:+.1f}); an unmeasured confounder would need a risk ratio of {e:.2f} with both to explain it away.",
        "zh": "信任建立之前就推销：前几天还没下单的联系人里，这几天收到 {k} 次及以上促销的 {n1:,} 人，之后的离开率为 {r1:.1f}%，其余 {n0:,} 人为 {r0:.1f}%（已按渠道、钩子、加入月份、是否在群和早期互动拉平两组；相差 {diff:+.1f} 个百分点，95% 区间 {lo:+.1f} 至 {hi:+.1f}）。若想用遗漏的因素解释掉这个差异，该因素与推销、与离开的关联都得达到 {e:.2f} 倍的风险比。",
    },
    "touch.trust.none": {
        "en": "Selling before trust: the {n1:,} contacts who got {k} or more promo touches in their first days departed at {r1:.1f}% against {r0:.1f}% of the {n0:,} others after weighting ({diff:+.1f} points, 95% CI {lo:+.1f} to {hi:+.1f}): no clear difference (E-value {e:.2f}).",
        "zh": "信任建立之前就推销：前几天收到 {k} 次及以上促销的 {n1:,} 人离开率为 {r1:.1f}%，其余 {n0:,} 人为 {r0:.1f}%（加权拉平后相差 {diff:+.1f} 个百分点，95% 区间 {lo:+.1f} 至 {hi:+.1f}）：两者没有明显差异（E 值 {e:.2f}）。",
    },
    "touch.trust.control_ok": {
        "en": "The negative control (content views before joining, which no touch can cause) shows no difference ({diff:+.2f}, 95% CI {lo:+.2f} to {hi:+.2f}); the largest weighted imbalance is |SMD| {smd:.2f}. This is an observational estimate.",
        "zh": "对照检查：加入之前的内容浏览（任何触达都不可能影响它）在两组间没有差异（{diff:+.2f}，95% 区间 {lo:+.2f} 至 {hi:+.2f}）；加权后两组在各项特征上的最大差异（标准化差）为 {smd:.2f}。这仍是观察性的估计。",
    },
    "touch.trust.control_off": {
        "en": "Caution: the negative control (content views before joining, which no touch can cause) differs ({diff:+.2f}, 95% CI {lo:+.2f} to {hi:+.2f}), so the groups differ in ways the weights did not remove; the largest weighted imbalance is |SMD| {smd:.2f}.",
        "zh": "注意：加入之前的内容浏览（任何触达都不可能影响它）在两组间存在差异（{diff:+.2f}，95% 区间 {lo:+.2f} 至 {hi:+.2f}），说明两组之间还有加权没能消除的差别；加权后两组在各项特征上的最大差异（标准化差）为 {smd:.2f}。",
    },
    "touch.headline": {
        "en": "Each promo touch before the first purchase adds {est:.2f} departures per 1,000 contacts a day (95% CI {lo:.2f} to {hi:.2f}).",
        "zh": "首购前每多一次促销触达，每千名联系人每天多离开 {est:.2f} 人（95% 区间 {lo:.2f} 至 {hi:.2f}）。",
    },
    # the answer the report opens with (analysis.reports.summary)
    "touch.answer.dose.above": {
        "en": "Each promo touch before the first purchase adds {est} departures a day per 1,000 contacts (95% interval {ival}): selling before trust drives users away.",
        "zh": "首购前每多一次促销触达，每千名联系人每天的流失人数变化 {est}（95% 区间 {ival}）：信任还没建立就推销，会把用户推走。",
    },
    "touch.answer.dose.below": {
        "en": "Each promo touch before the first purchase goes with {est} departures a day per 1,000 contacts (95% interval {ival}): fewer, not more.",
        "zh": "首购前每多一次促销触达，每千名联系人每天的流失人数变化 {est}（95% 区间 {ival}）：流失反而更少。",
    },
    "touch.answer.dose.same": {
        "en": "Promo touches before the first purchase show no clear effect on departures: {est} a day per 1,000 contacts per touch (95% interval {ival}).",
        "zh": "首购前的促销触达对流失没有清楚的影响：每多一次触达，每千名联系人每天的流失人数变化 {est}（95% 区间 {ival}）。",
    },
    "touch.answer.flood.above": {
        "en": "A group flooded with brand messages (from {threshold} a day) changes departures by {est} a day per 1,000 members (95% interval {ival}): floods drive members out.",
        "zh": "被品牌消息刷屏的群（每天 {threshold} 条起），每千名成员每天的流失人数变化 {est}（95% 区间 {ival}）：刷屏会把成员赶走。",
    },
    "touch.answer.flood.below": {
        "en": "Groups flooded with brand messages (from {threshold} a day) lose fewer members: {est} a day per 1,000 (95% interval {ival}).",
        "zh": "被品牌消息刷屏的群（每天 {threshold} 条起）流失反而更少：每千名成员每天的流失人数变化 {est}（95% 区间 {ival}）。",
    },
    "touch.answer.flood.same": {
        "en": "Flooding a group with brand messages (from {threshold} a day) shows no clear effect on departures: {est} a day per 1,000 members (95% interval {ival}).",
        "zh": "品牌消息刷屏（每天 {threshold} 条起）对群成员流失没有清楚的影响：每千名成员每天的流失人数变化 {est}（95% 区间 {ival}）。",
    },
    "touch.answer.care.lower": {
        "en": "Users who got a care message after an order went silent less often: {cared} against {uncared} ({diff} points, 95% interval {ival}).",
        "zh": "下单后收到关怀消息的用户更少沉默：{cared} 对 {uncared}（相差 {diff} 个百分点，95% 区间 {ival}）。",
    },
    "touch.answer.care.higher": {
        "en": "Users who got a care message after an order went silent more often: {cared} against {uncared} ({diff} points, 95% interval {ival}).",
        "zh": "下单后收到关怀消息的用户反而更常沉默：{cared} 对 {uncared}（相差 {diff} 个百分点，95% 区间 {ival}）。",
    },
    "touch.answer.care.same": {
        "en": "Care messages after an order show no clear effect on going silent: {cared} against {uncared} ({diff} points, 95% interval {ival}).",
        "zh": "下单后的关怀消息对用户沉默没有清楚的影响：{cared} 对 {uncared}（相差 {diff} 个百分点，95% 区间 {ival}）。",
    },
    "touch.answer.act.promo": {
        "en": "hold promotions back until a user's first purchase",
        "zh": "在用户首购前少发促销",
    },
    "touch.answer.act.flood": {
        "en": "keep brand messages in each group below {threshold} a day",
        "zh": "每个群每天的品牌消息控制在 {threshold} 条以下",
    },
    "touch.answer.act.care": {
        "en": "keep the care message after each order",
        "zh": "保留下单后的关怀消息",
    },
    "touch.answer.do": {
        "en": "**What to do:** {actions}; these estimates are observational, so confirm each change with a group held back at random.",
        "zh": "**建议：** {actions}；这些估计来自观察数据，每项调整都应随机留出对照组来验证。",
    },
    "touch.answer.do.none": {
        "en": "**What to do:** no change to the touches is called for by these data; test any change with a group held back at random.",
        "zh": "**建议：** 现有数据不要求调整触达；任何调整都应随机留出对照组来验证。",
    },
}
