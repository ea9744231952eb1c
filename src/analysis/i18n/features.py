"""The churn report's feature dictionary (notebooks/churn.py): what each model feature means."""

from __future__ import annotations

#: Chinese meanings of the churn feature dictionary (keyed by the English meaning).
TERMS: dict[str, str] = {
    "acquisition channel (contacts.channel)": "获客渠道（来自联系人表）",
    "hook the user came in on (contacts.hook)": "用户加入时的钩子（来自联系人表）",
    "1 if the user was referred by another contact (老带新), else 0": "由其他联系人推荐加入（老带新）为 1，否则为 0",
    "days from joining to the cut-off": "从加入到截止日的天数",
    "days from the last interaction event (vocabulary interaction types) to the cut-off; NaN if none": "最近一次互动事件（词表中的互动类型）距截止日的天数；没有互动则为空",
    "recency: days from the last paid order (net amount > 0) to the cut-off; NaN if the user never bought": "最近一次购买：最近一笔付费订单（净额 > 0）距截止日的天数；从未购买则为空",
    "frequency: paid orders before the cut-off (all history)": "购买频次：截止日前的付费订单数（全部历史）",
    "monetary: net order amount (amount - refund) before the cut-off": "购买金额：截止日前的订单净额（金额减退款）",
    "orders with a refund before the cut-off": "截止日前有退款的订单数",
    "interaction events in the short window": "短窗口内的互动事件数",
    "interaction events in the long window": "长窗口内的互动事件数",
    "interaction events per day in the short window (per day of exposure)": "短窗口内每天的互动事件数（按在域天数计）",
    "interaction events per day in the long window (per day of exposure)": "长窗口内每天的互动事件数（按在域天数计）",
    "interaction_rate_short - interaction_rate_long (negative: slowing down)": "短窗口日均互动减去长窗口日均互动（为负：活跃度在下降）",
    "paid orders in the short window": "短窗口内的付费订单数",
    "paid orders in the long window": "长窗口内的付费订单数",
    "paid orders per day, short window minus long window": "每天付费订单数：短窗口减长窗口",
    "events in a group context in the look-back window": "回看窗口内发生在群场景的事件数",
    "group_quit events in the look-back window": "回看窗口内的退群事件数",
    "1 if the user's last group join before the cut-off is later than their last group quit, else 0": "截止日前最近一次入群晚于最近一次退群为 1，否则为 0",
    "ladder stage at the cut-off (1 = aware ... 9 = ambassador; 0 = silent, lost or none; the churn study uses the shared stage assignment)": "截止日的阶梯阶段（1 = 认知 … 9 = 大使；0 = 沉默、流失或无；流失研究使用共享的阶段分配）",
    "name of that stage ('none' when stage_rank is 0)": "该阶段的名称（阶段序号为 0 时为“无”）",
    "experience evidence in the look-back window (value_evidence: event count)": "回看窗口内的体验价值证据（五值证据：事件数）",
    "consumption evidence in the look-back window (value_evidence: net spend)": "回看窗口内的消费价值证据（五值证据：净消费额）",
    "social evidence in the look-back window (value_evidence: event count)": "回看窗口内的社交价值证据（五值证据：事件数）",
    "content evidence in the look-back window (value_evidence: event count)": "回看窗口内的内容价值证据（五值证据：事件数）",
    "innovation evidence in the look-back window (value_evidence: event count)": "回看窗口内的创新价值证据（五值证据：事件数）",
}


#: Reader's name of each model feature in a reason (Chinese in :mod:`analysis.i18n.churn`).
REASON_LABELS: dict[str, str] = {
    "channel": "acquisition channel",
    "hook": "hook",
    "referred": "referred by a friend",
    "tenure_days": "days since joining",
    "days_since_last_interaction": "days since last interaction",
    "days_since_last_order": "days since last order",
    "orders_total": "paid orders (all time)",
    "net_spend_total": "net spend (all time)",
    "refunds_total": "refunded orders",
    "interactions_short": "interactions, last 30 days",
    "interactions_long": "interactions, last 90 days",
    "interaction_rate_short": "interactions per day, short window",
    "interaction_rate_long": "interactions per day, long window",
    "interaction_trend": "interaction trend",
    "orders_short": "orders, short window",
    "orders_long": "orders, long window",
    "order_trend": "order trend",
    "group_events": "group activity",
    "group_quits": "group quits",
    "in_group": "still in a group",
    "stage_rank": "ladder stage",
    "ev_experience": "experience evidence",
    "ev_consumption": "net spend, look-back window",
    "ev_social": "social evidence",
    "ev_content": "content evidence",
    "ev_innovation": "innovation evidence",
}


def feature_label(feature: str, lang: str = "en") -> str:
    """A model feature as a reader names it: its code name in English (shown as code), its
    words (:data:`REASON_LABELS`, in Chinese from :mod:`analysis.i18n.churn`) otherwise."""
    from analysis.i18n import tr  # the package assembles this module's terms: import late

    if lang == "en":
        return feature
    return tr(
        REASON_LABELS.get(feature, "ladder stage (name)" if feature == "stage" else feature), lang
    )
