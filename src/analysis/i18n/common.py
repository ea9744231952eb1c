"""Text shared by every report (all notebooks/*.py): separators, shared labels and sentences."""

from __future__ import annotations

#: Separator between the parts of a computed list, by language.
LIST_SEP = {"en": ", ", "zh": "、"}
AND_SEP = {"en": " and ", "zh": "和"}
CLAUSE_SEP = {"en": "; ", "zh": "；"}
SENTENCE_SEP = {"en": " ", "zh": ""}

#: Chart labels used by more than one report, keyed by the English text.
LABELS: dict[str, str] = {}

#: Sentences used by more than one report, keyed "common.…".
SENTENCES: dict[str, dict[str, str]] = {
    "common.plot.small_n": {
        "en": "fewer than {n} users (too few to read)",
        "zh": "不足 {n} 人（样本太少，仅供参考）",
    },
    # the answer every report opens with (analysis.reports.summary) and the glossary
    "common.answer.heading": {
        "en": "The answer in brief",
        "zh": "结论速览",
    },
    "common.answer.pending": {
        "en": "(The answer is computed from the results below; it appears here once the report has run to the end.)",
        "zh": "（结论由下文结果计算得出，报告运行完毕后显示在这里。）",
    },
    "common.answer.no_answer": {
        "en": "These data do not support an answer (see the sections below).",
        "zh": "现有数据不足以得出结论（见下文各节）。",
    },
    "common.answer.ival": {
        "en": "{lo} to {hi}",
        "zh": "{lo} 至 {hi}",
    },
    "common.glossary.heading": {
        "en": "Glossary",
        "zh": "术语表",
    },
    "common.glossary.auc": {
        "en": "**AUC** — how well a score puts users who stay above users who leave: the chance that a randomly chosen stayer scores higher than a randomly chosen leaver. 0.5 is a coin toss, 1 is perfect; 0.7 is useful, 0.8 good.",
        "zh": "**AUC** —— 评分把留下的用户排在流失用户之前的能力：随机抽一位留下的用户和一位流失用户，前者得分更高的概率。0.5 相当于抛硬币，1 为完美；0.7 可用，0.8 较好。",
    },
    "common.glossary.interval": {
        "en": "**Interval (95%)** — the range the true figure most likely lies in, given how many users there are; a narrow interval means a firm figure. A difference whose interval excludes zero is unlikely to be chance.",
        "zh": "**区间（95%）** —— 在现有用户数量下，真实数值最可能落入的范围；区间越窄，数字越可靠。若差值的区间不含 0，则该差异不太可能出于偶然。",
    },
    "common.glossary.clv": {
        "en": "**CLV (customer lifetime value)** — the money a customer is expected to spend over a stated future period, from how often and how recently they bought and how much.",
        "zh": "**CLV（客户终身价值）** —— 根据客户的购买频次、最近购买时间和客单价，预计其在未来一段时间内的消费金额。",
    },
    "common.glossary.p_alive": {
        "en": "**P(alive)** — the chance that a customer is still a customer (may buy again), judged from their own purchase rhythm: a long silence after frequent buying lowers it.",
        "zh": "**P(alive)（存活概率）** —— 根据客户自身的购买节奏，判断其仍是活跃客户（还会再买）的概率：一向常买的人长时间没有购买，这个概率就会下降。",
    },
    "common.glossary.cohort": {
        "en": "**Cohort** — the users who joined in the same period (for example the same month), followed together over time.",
        "zh": "**批次（cohort）** —— 同一时期（如同一个月）加入的用户，放在一起跟踪其后续表现。",
    },
    # the index page of a build (analysis.reports.build.write_index)
    "common.index.title": {"en": "Private-domain research reports", "zh": "私域用户研究报告"},
    "common.index.intro": {
        "en": "Read them in this order; each has a summary for managers and a full version with the code for reviewers.",
        "zh": "建议按以下顺序阅读；每份报告都有给管理者看的摘要版，以及附带代码、供复核的完整版。",
    },
    "common.index.col_report": {"en": "report and headline finding", "zh": "报告与核心结论"},
    "common.index.col_summary": {"en": "for managers", "zh": "管理者版"},
    "common.index.col_full": {"en": "for reviewers", "zh": "复核版"},
    "common.index.col_time": {"en": "run time", "zh": "运行时间"},
    "common.index.summary": {"en": "summary", "zh": "摘要"},
    "common.index.full": {"en": "full, with code", "zh": "完整版（含代码）"},
    "common.index.seconds": {"en": "{s} s", "zh": "{s} 秒"},
    "common.index.skipped": {"en": "skipped: {reason}", "zh": "未生成：{reason}"},
    "common.index.failed": {"en": "failed: {reason}", "zh": "运行失败：{reason}"},
    "common.index.where": {"en": "where", "zh": "出错位置"},
    "common.index.too_little": {
        "en": "too little data: {reason}",
        "zh": "数据太少：{reason}",
    },
    "common.index.no_table": {"en": "the data has no {tables}", "zh": "数据中没有{tables}"},
    "common.index.data": {"en": "The data", "zh": "数据"},
    "common.index.source": {"en": "Source: {source}{span}.", "zh": "来源：{source}{span}。"},
    "common.index.span": {"en": ", {first} to {last}", "zh": "，{first} 至 {last}"},
    "common.index.data_cols": {
        "en": "table|rows|users|first day|last day",
        "zh": "数据表|行数|用户数|首日|末日",
    },
    "common.index.no_overview": {
        "en": "Date range: in the data overview (not built in this run).",
        "zh": "日期范围见数据概览（本次未生成）。",
    },
    "common.index.params": {
        "en": "Parameters that differ from the defaults",
        "zh": "与默认值不同的参数",
    },
    "common.index.params_cols": {
        "en": "parameter|this run|default|reports",
        "zh": "参数|本次取值|默认值|所用报告",
    },
    "common.index.all_default": {
        "en": "Every report ran with its default parameters.",
        "zh": "所有报告均使用默认参数。",
    },
    # pages2: the flow diagram's legend (analysis.plots.flow.plot_alluvial) and the population
    # table of every report (analysis.reports.population)
    "common.flow.legend_title": {
        "en": "stage (band colour = where users come from)",
        "zh": "阶段（色带颜色 = 用户来自的阶段）",
    },
    "common.flow.legend_main": {
        "en": "the {n} largest moves in each interval (users on the band)",
        "zh": "每个区间最大的 {n} 股流动（色带上标有人数）",
    },
    "common.flow.legend_other": {"en": "other flows", "zh": "其余流动"},
    "common.flow.legend_joined": {
        "en": "joined since the previous snapshot",
        "zh": "上一快照之后新加入",
    },
    "common.population.heading": {
        "en": "Who is counted: from the data's contacts to this analysis's users",
        "zh": "统计口径：从数据中的全部联系人到本分析纳入的用户",
    },
    "common.population.caption": {"en": " ({caption})", "zh": "（{caption}）"},
    "common.population.columns": {
        "en": "step|users|of the contacts|left out|why they are left out|used by",
        "zh": "口径|用户数|占联系人比例|剔除人数|剔除原因|使用该口径的部分",
    },
    "common.population.reading": {
        "en": "Of the {contacts:,} contacts in the data, {users:,} ({share:.0%}) are in this "
        "analysis. Left out: {reasons}.",
        "zh": "数据中共有 {contacts:,} 位联系人，本分析纳入 {users:,} 人（{share:.0%}）。"
        "未纳入的原因：{reasons}。",
    },
    "common.population.reading_all": {
        "en": "All {contacts:,} contacts in the data are in this analysis.",
        "zh": "数据中的 {contacts:,} 位联系人全部纳入本分析。",
    },
    "common.population.reason": {"en": "{n:,} {why}", "zh": "{why} {n:,} 人"},
    "common.population.step.contacts": {
        "en": "contacts in the data (as in the data overview)",
        "zh": "数据中的全部联系人（与数据概览一致）",
    },
    "common.population.step.joined": {
        "en": "joined before {date}",
        "zh": "{date} 之前加入",
    },
    "common.population.out.joined": {
        "en": "joined on or after {date}",
        "zh": "{date} 当天或之后才加入",
    },
    "common.population.step.kept": {
        "en": "had not deleted the brand by {date}",
        "zh": "截至 {date} 未删除品牌",
    },
    "common.population.out.kept": {
        "en": "deleted the brand before {date} (and did not come back)",
        "zh": "{date} 之前已删除品牌（且未重新添加）",
    },
    "common.population.step.not_lost": {
        "en": "active in the {days} days before {date}",
        "zh": "{date} 前 {days} 天内有活跃",
    },
    "common.population.out.not_lost": {
        "en": "silent for {days} days or more before {date}: already lost",
        "zh": "{date} 前已沉默 {days} 天以上，视为已流失",
    },
    "common.population.step.on_ladder": {
        "en": "on the ladder at {date} (not silent or lost)",
        "zh": "{date} 处于阶梯上（非沉默、非流失）",
    },
    "common.population.out.on_ladder": {
        "en": "silent or lost at {date}",
        "zh": "{date} 处于沉默或流失状态",
    },
    "common.population.step.active": {
        "en": "with at least one event or order",
        "zh": "至少有一条行为或一笔订单",
    },
    "common.population.out.active": {
        "en": "no event and no order",
        "zh": "没有任何行为和订单",
    },
    "common.population.step.ordered": {
        "en": "with at least one order",
        "zh": "至少有一笔订单",
    },
    "common.population.out.ordered": {
        "en": "no order",
        "zh": "没有订单",
    },
    "common.population.step.buyers": {
        "en": "with at least one paid order",
        "zh": "至少有一笔已支付订单",
    },
    "common.population.out.buyers": {
        "en": "no paid order (none, or every order refunded)",
        "zh": "没有已支付订单（无订单或订单全部退款）",
    },
    "common.population.step.buyers_before": {
        "en": "first paid order on or before {date}",
        "zh": "{date}（含）之前已首购",
    },
    "common.population.out.buyers_before": {
        "en": "no paid order on or before {date}",
        "zh": "{date}（含）之前没有已支付订单",
    },
    "common.population.step.observed": {
        "en": "joined early enough for {days} days after joining to be in the data",
        "zh": "加入时间足够早，加入后 {days} 天都在数据范围内",
    },
    "common.population.out.observed": {
        "en": "joined too late: their first {days} days are not all in the data yet",
        "zh": "加入太晚，加入后 {days} 天尚未全部进入数据",
    },
    "common.population.step.labelled": {
        "en": "had not deleted the brand in their first {days} days",
        "zh": "加入后 {days} 天内未删除品牌",
    },
    "common.population.out.labelled": {
        "en": "deleted the brand in their first {days} days",
        "zh": "加入后 {days} 天内已删除品牌",
    },
    "common.population.step.touched": {
        "en": "received at least one touch from the brand",
        "zh": "至少收到过一次品牌触达",
    },
    "common.population.out.touched": {
        "en": "no touch recorded",
        "zh": "没有触达记录",
    },
    "common.population.step.listed": {
        "en": "on the at-risk list of {date} (still a customer then)",
        "zh": "进入 {date} 的流失预警名单（当时仍是客户）",
    },
    "common.population.out.listed": {
        "en": "not a customer at {date}",
        "zh": "{date} 时已不是客户",
    },
    "common.population.for_test": {
        "en": "the test window from {date}",
        "zh": "自 {date} 起的检验窗口",
    },
    "common.population.for_list": {
        "en": "the at-risk list as of {date}",
        "zh": "截至 {date} 的流失预警名单",
    },
    "common.population.no_truth": {
        "en": "No simulator truth: this check is for simulated data only.",
        "zh": "没有模拟器真实值：本项核对仅适用于模拟数据。",
    },
    "common.population.step.early": {
        "en": "still a contact, and without a purchase, {days} days after joining",
        "zh": "加入 {days} 天后仍是联系人且尚未购买",
    },
    "common.population.out.early": {
        "en": "left or bought within {days} days of joining",
        "zh": "加入后 {days} 天内已离开或已购买",
    },
    "common.population.for_trust": {
        "en": "the section on selling before trust",
        "zh": "“先卖货、后建信任”一节",
    },
    # pages2: money with its currency in figure titles
    "common.money.in_currency": {"en": "{text}, in {currency}", "zh": "{text}（单位：{currency}）"},
    "common.money.spend_title": {
        "en": "Spend in {currency}: giveaway minus others",
        "zh": "消费（{currency}）：赠品活动用户减其他用户",
    },
    "common.money.net_title": {
        "en": "Net value of the outreach in {currency} (cost {cost:g} a contact, {value:g} a "
        "saved customer)",
        "zh": "触达的净价值（每次触达成本 {cost:g} {currency}，每挽回一位客户价值 {value:g} {currency}）",
    },
}
