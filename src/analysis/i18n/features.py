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
