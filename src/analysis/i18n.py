"""One place for every reader-facing label in English and Chinese.

``tr(key, lang)`` translates a term (value, stage, channel, hook, column header, axis title);
unknown keys come back unchanged, so English identifiers are their own fallback.
``tr_frame(df, lang)`` returns a copy with column headers and categorical cells translated.
Reports take a ``lang`` parameter (``"en"`` or ``"zh"``) and pass it to both.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from .vocab import OFF_LADDER, STAGES, VALUES

LANGS = ("en", "zh")

_ZH: dict[str, str] = {
    **VALUES, **STAGES, **OFF_LADDER,
    # channels and hooks
    "douyin": "抖音", "xiaohongshu": "小红书", "offline_store": "线下门店",
    "offline_event": "线下活动", "partner": "合作伙伴", "referral": "老带新",
    "coupon": "优惠券", "trial": "试用", "free_consultation": "免费咨询",
    "industry_report": "行业报告", "merch": "周边礼品", "offline_group": "线下社群",
    "unknown": "未知",
    # tables and columns
    "contacts": "联系人", "events": "事件", "orders": "订单", "users": "用户数",
    "rows": "行数", "rows_in": "输入行数", "kept": "保留", "dropped": "删除", "repaired": "修复",
    "step": "步骤", "detail": "说明", "table": "表", "first": "最早", "last": "最晚",
    "channel": "渠道", "hook": "钩子", "share": "占比", "period": "时期", "month": "月份",
    "event_type": "事件类型", "value": "价值", "stage": "阶段", "meaning": "含义",
    "buyers": "购买人数", "gross": "总收入", "refunded": "退款", "net": "净收入",
    "refunded_orders": "退款订单数", "retention": "留存率", "retained": "留存",
    "churn": "流失", "revenue": "收入", "new contacts": "新增联系人", "CNY": "元",
    "item": "项目",
    # titles and axis labels used by the overview plots
    "% of contacts": "联系人占比 (%)",
    "Contacts by channel and hook (% of all contacts)": "各渠道与钩子的联系人占比 (%)",
    "New contacts per month by channel": "各渠道每月新增联系人",
    "events (log scale)": "事件数（对数刻度）",
    "Events per month, most frequent types": "每月事件数（最常见类型）",
    "Revenue per month (net and refunded) and orders": "每月收入（净收入与退款）及订单数",
    "net revenue": "净收入", "event type": "事件类型",
}

TRANSLATIONS: dict[str, dict[str, str]] = {"en": {}, "zh": _ZH}

#: Sentence templates of the reports' computed readings, filled by :func:`say`.
SENTENCES: dict[str, dict[str, str]] = {
    "overview.ledger": {
        "en": "The loader read {read:,} rows in three tables; it dropped {dropped:,} and "
              "repaired {repaired:,} (see the steps above).",
        "zh": "共读取三张表 {read:,} 行；删除 {dropped:,} 行，修复 {repaired:,} 行（见上表各步骤）。"},
    "overview.headline": {
        "en": "{contacts:,} contacts, {events:,} events and {orders:,} orders from {first} to "
              "{last}; the loader dropped {dropped:,} rows.",
        "zh": "{first} 至 {last}：{contacts:,} 位联系人、{events:,} 条事件、{orders:,} 笔订单；"
              "清洗删除 {dropped:,} 行。"},
    "overview.span": {
        "en": "{contacts:,} contacts, {events:,} events and {orders:,} orders, spanning "
              "{days:,} days from {first} to {last}; {with_events:,} contacts have at least one "
              "event and {with_orders:,} at least one order.",
        "zh": "{contacts:,} 位联系人、{events:,} 条事件、{orders:,} 笔订单，覆盖 {first} 至 {last} "
              "共 {days:,} 天；{with_events:,} 位联系人至少有一条事件，{with_orders:,} 位至少下过一单。"},
    "overview.channels": {
        "en": "The largest channel is **{top}** with {top_n:,} contacts ({top_share:.0%}); the "
              "smallest is **{bottom}** ({bottom_share:.0%}).",
        "zh": "最大的渠道是**{top}**，{top_n:,} 位联系人（{top_share:.0%}）；最小的是**{bottom}**"
              "（{bottom_share:.0%}）。"},
    "overview.joins": {
        "en": "New contacts per period went from {first_n:,} in the first period to {last_n:,} "
              "in the last (peak {peak_n:,} in {peak}).",
        "zh": "每期新增联系人从第一期的 {first_n:,} 位变为最后一期的 {last_n:,} 位"
              "（峰值 {peak_n:,} 位，出现在 {peak}）。"},
    "overview.values": {
        "en": "Events that evidence the five values (besides purchases): {items}.",
        "zh": "体现五个价值的事件（购买之外）：{items}。"},
    "overview.orders": {
        "en": "{orders:,} orders from {buyers:,} buyers ({buyer_share:.0%} of contacts); gross "
              "revenue {gross:,.0f} CNY, refunds {refunded:,.0f} CNY ({refund_share:.1%} of gross, "
              "{refunded_orders:,} orders), net {net:,.0f} CNY.",
        "zh": "{buyers:,} 位购买者（占联系人 {buyer_share:.0%}）共 {orders:,} 笔订单；总收入 "
              "{gross:,.0f} 元，退款 {refunded:,.0f} 元（占 {refund_share:.1%}，{refunded_orders:,} 笔），"
              "净收入 {net:,.0f} 元。"},
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def tr(key: str, lang: str = "en") -> str:
    """The label for ``key`` in ``lang`` (``key`` itself when there is no translation)."""
    return TRANSLATIONS[check_lang(lang)].get(key, key)


def say(key: str, lang: str = "en", **values) -> str:
    """The sentence ``key`` in ``lang`` with ``values`` filled in; terms given as values are
    not translated here (pass ``tr(term, lang)``)."""
    return SENTENCES[key][check_lang(lang)].format(**values)


def tr_frame(df: pd.DataFrame, lang: str = "en", *,
             value_columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with headers translated, and the cells of ``value_columns`` (default:
    every text column) translated where a translation exists."""
    check_lang(lang)
    out = df.copy()
    if lang == "en":
        return out
    cols = list(value_columns) if value_columns is not None else [
        c for c in out.columns if pd.api.types.is_string_dtype(out[c])
        or isinstance(out[c].dtype, pd.CategoricalDtype)]
    for c in cols:
        out[c] = out[c].map(lambda v: tr(v, lang) if isinstance(v, str) else v)
    return out.rename(columns=lambda c: tr(c, lang) if isinstance(c, str) else c)
