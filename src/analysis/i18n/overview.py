"""Text of the data-overview report (notebooks/data-overview.py): chart labels, sentences."""

from __future__ import annotations

#: Chinese chart titles, axis and legend labels of this report (and the names of its own
#: categories), keyed by the English text; looked up by :func:`analysis.i18n.tr`.
LABELS: dict[str, str] = {
    "new contacts": "新增联系人",
    "% of contacts": "联系人占比 (%)",
    "events (log scale)": "事件数（对数刻度）",
    "Revenue per month (net and refunded) and orders": "每月收入（净收入与退款）及订单数",
    "net revenue": "净收入",
    "event type": "事件类型",
    "event count": "事件数",
}


#: The report's computed readings, keyed "overview.…", filled by :func:`analysis.i18n.say`.
SENTENCES: dict[str, dict[str, str]] = {
    "overview.plot.mix_title": {
        "en": "Contacts by {rows} and {cols} (% of all contacts)",
        "zh": "各{rows}与{cols}的联系人占比 (%)",
    },
    "overview.plot.joins_title": {
        "en": "New contacts per month by {by}",
        "zh": "各{by}每月新增联系人",
    },
    "overview.plot.events_title": {
        "en": "Events per month, most frequent types ({top})",
        "zh": "每月事件数（最常见的 {top} 种）",
    },
    "overview.ledger": {
        "en": "The loader read {read:,} rows in three tables; it dropped {dropped:,} and "
        "repaired {repaired:,} (see the steps above).",
        "zh": "共读取三张表 {read:,} 行；删除 {dropped:,} 行，修复 {repaired:,} 行（见上表各步骤）。",
    },
    "overview.headline": {
        "en": "{contacts:,} contacts, {events:,} events and {orders:,} orders from {first} to "
        "{last}; the loader dropped {dropped:,} rows.",
        "zh": "{first} 至 {last}：{contacts:,} 位联系人、{events:,} 条事件、{orders:,} 笔订单；"
        "清洗删除 {dropped:,} 行。",
    },
    "overview.span": {
        "en": "{contacts:,} contacts, {events:,} events and {orders:,} orders, spanning "
        "{days:,} days from {first} to {last}; {with_events:,} contacts have at least one "
        "event and {with_orders:,} at least one order.",
        "zh": "{contacts:,} 位联系人、{events:,} 条事件、{orders:,} 笔订单，覆盖 {first} 至 {last} "
        "共 {days:,} 天；{with_events:,} 位联系人至少有一条事件，{with_orders:,} 位至少下过一单。",
    },
    "overview.channels": {
        "en": "The largest channel is **{top}** with {top_n:,} contacts ({top_share:.0%}); the "
        "smallest is **{bottom}** ({bottom_share:.0%}).",
        "zh": "最大的渠道是**{top}**，{top_n:,} 位联系人（{top_share:.0%}）；最小的是**{bottom}**"
        "（{bottom_share:.0%}）。",
    },
    "overview.joins": {
        "en": "New contacts per period went from {first_n:,} in the first period to {last_n:,} "
        "in the last (peak {peak_n:,} in {peak}).",
        "zh": "每期新增联系人从第一期的 {first_n:,} 位变为最后一期的 {last_n:,} 位"
        "（峰值 {peak_n:,} 位，出现在 {peak}）。",
    },
    "overview.values": {
        "en": "Events that evidence the five values (besides purchases): {items}.",
        "zh": "体现五个价值的事件（购买之外）：{items}。",
    },
    "overview.orders": {
        "en": "{orders:,} orders from {buyers:,} buyers ({buyer_share:.0%} of contacts); gross "
        "revenue {gross:,.0f} CNY, refunds {refunded:,.0f} CNY ({refund_share:.1%} of gross, "
        "{refunded_orders:,} orders), net {net:,.0f} CNY.",
        "zh": "{buyers:,} 位购买者（占联系人 {buyer_share:.0%}）共 {orders:,} 笔订单；总收入 "
        "{gross:,.0f} 元，退款 {refunded:,.0f} 元（占 {refund_share:.1%}，{refunded_orders:,} 笔），"
        "净收入 {net:,.0f} 元。",
    },
    # the answer the report opens with (analysis.reports.summary)
    "overview.answer.size": {
        "en": "{contacts:,} contacts from {first} to {last}; {buyers:,} of them ({share}) bought at least once, in {orders:,} orders.",
        "zh": "{first} 至 {last} 共有 {contacts:,} 位联系人；其中 {buyers:,} 位（{share}）至少购买过一次，共 {orders:,} 笔订单。",
    },
    "overview.answer.mix": {
        "en": "Most contacts come from {channel} ({channel_share} of all) and through the hook {hook} ({hook_share}).",
        "zh": "联系人最多来自{channel}（占全部的 {channel_share}），最常见的钩子是{hook}（{hook_share}）。",
    },
    "overview.answer.revenue.up": {
        "en": "Net revenue over the last {k} months was {net}, up {change} on the {k} months before; refunds took {refund} of gross revenue.",
        "zh": "最近 {k} 个月净收入 {net}，比之前 {k} 个月增长 {change}；退款占总收入的 {refund}。",
    },
    "overview.answer.revenue.down": {
        "en": "Net revenue over the last {k} months was {net}, down {change} on the {k} months before; refunds took {refund} of gross revenue.",
        "zh": "最近 {k} 个月净收入 {net}，比之前 {k} 个月下降 {change}；退款占总收入的 {refund}。",
    },
    "overview.answer.revenue.flat": {
        "en": "Net revenue over the last {k} months was {net}, about the same as the {k} months before ({change}); refunds took {refund} of gross revenue.",
        "zh": "最近 {k} 个月净收入 {net}，与之前 {k} 个月基本持平（{change}）；退款占总收入的 {refund}。",
    },
    "overview.answer.do": {
        "en": "**What to do:** check these counts and dates against the brand's own CRM before reading the other reports; they all count their users from these {contacts:,} contacts.",
        "zh": "**建议：** 阅读其他报告前，先拿这些人数、单数和日期去和品牌自己的会员系统核对一遍；其他报告的用户都出自这 {contacts:,} 位联系人。",
    },
}
